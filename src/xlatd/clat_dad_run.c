// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CLAT instance's duplicate address detection, on the main loop: the
 * pure state machine is control/clat_dad.c; this file watches its timer
 * and the packet socket, picks the next address on a conflict, and goes
 * live (clat.c) when the address is ours, or fails the instance after
 * too many conflicts.
 */
#include "xlatd/clat_priv.h"

#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

/* RFC 7217 IDGEN_RETRIES: three addresses in a row, then give up. */
#define CLAT_DAD_TRIES 3

void clat_dad_unwatch(struct clat *c)
{
	if (c->watch_pkt)
		instance_unwatch_fd(c->inst, c->dp.pkt_fd);
	if (c->watch_timer)
		instance_unwatch_fd(c->inst, clat_dad_timer_fd(&c->dad));
	c->watch_pkt = c->watch_timer = false;
	clat_dad_stop(&c->dad);
}

/* The probed address is in use: the next candidate, or an error. */
static int dad_new_addr(struct clat *c)
{
	char b[INET6_ADDRSTRLEN];
	int ret;

	log_warn(c->inst->name, "DAD: %s is in use on %s", clat_fmt6(&c->addr6, b),
		 c->uplink);
	if (c->n_avoid < CLAT_MAX_ADDRS + CLAT_MAX_AVOID)
		c->avoid[c->n_avoid++] = c->addr6;
	else
		c->avoid[CLAT_MAX_ADDRS + CLAT_MAX_AVOID - 1] = c->addr6;
	if (!c->auto6)
		return -EADDRINUSE;
	ret = clat_pick_addr6(c);
	if (ret < 0)
		return ret;
	ret = clat_pkt_set_filter(c->dp.pkt_fd, &c->addr6);
	if (ret < 0)
		return ret;
	clat_close_fd(&c->mcast_fd);
	c->mcast_fd = clat_mcast_open(c->up_ifindex, &c->addr6);
	return c->mcast_fd < 0 ? c->mcast_fd : 0;
}

static void dad_step(struct clat *c)
{
	char b[INET6_ADDRSTRLEN];
	int ret;

	for (;;) {
		switch (clat_dad_step(&c->dad, clat_now_ms())) {
		case CLAT_DAD_PENDING:
			return;
		case CLAT_DAD_CONFLICT:
			ret = dad_new_addr(c);
			if (ret < 0) {
				clat_fail_retry(c, "DAD: %s is in use on %s%s (%s)",
					 clat_fmt6(&c->addr6, b), c->uplink,
					 c->auto6 ? "" : " (a configured address)",
					 strerror(-ret));
				return;
			}
			clat_dad_next(&c->dad, &c->addr6, clat_now_ms());
			continue;
		case CLAT_DAD_OK:
			clat_dad_unwatch(c);
			if (clat_go_live(c) < 0)
				clat_fail_retry(c, "cannot start with %s",
					 clat_fmt6(&c->addr6, b));
			return;
		case CLAT_DAD_GIVE_UP:
			clat_fail_retry(c, "DAD: %u addresses in a row were in use on %s (the last %s): the CLAT does not run",
				 c->dad.tried, c->uplink, clat_fmt6(&c->addr6, b));
			return;
		}
	}
}

static void dad_cb(struct instance *inst, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	dad_step(inst->priv);
}

int clat_start_dad(struct clat *c)
{
	unsigned int probes, retrans;
	int ret;

	clat_dad_params(c->uplink, &probes, &retrans);
	/* No link layer, no neighbours to ask (RFC 4862 5.4: DAD is for
	 * links with ND; the kernel skips it on IFF_NOARP links too); or the
	 * host turned DAD off on this link. */
	if (!c->l2 || probes == 0)
		return clat_go_live(c);
	/* Shared: the host's own address, which the kernel has defended. */
	if (c->plan.shared)
		return clat_go_live(c);
	ret = clat_dad_start(&c->dad, &c->dp, &c->addr6, probes,
			     c->auto6 ? CLAT_DAD_TRIES : 1, retrans);
	if (ret < 0)
		return clat_fail(c, ret, "%s: %s", "DAD timer");
	ret = instance_watch_fd(c->inst, clat_dad_timer_fd(&c->dad), EPOLLIN,
				dad_cb);
	if (ret < 0)
		return clat_fail(c, ret, "%s: %s", "watch");
	c->watch_timer = true;
	ret = instance_watch_fd(c->inst, c->dp.pkt_fd, EPOLLIN, dad_cb);
	if (ret < 0)
		return clat_fail(c, ret, "%s: %s", "watch");
	c->watch_pkt = true;
	/* "waiting", not "starting": the framework turns a kind still
	 * "starting" after start() into "running". */
	instance_set_state(c->inst, "waiting", "duplicate address detection on %s",
			   c->uplink);
	dad_step(c);
	return 0;
}
