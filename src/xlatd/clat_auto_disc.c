// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NAT64 prefix discovery of one uplink for the CLAT manager
 * (src/control/discovery.c does the work): started and stopped as
 * clat_auto.c decides, its fd in the manager's epoll set, its events
 * logged and marking the uplink for a new plan.
 */
#include "xlatd/clat_auto_priv.h"

#include "xlatd/clat_uplink.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

static void disc_cb(void *arg, enum discovery_event ev,
		    const struct discovery_state *cur,
		    const struct discovery_state *old)
{
	struct uplink *u = arg;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &cur->prefix.addr, a, sizeof(a));
	inet_ntop(AF_INET6, &old->prefix.addr, b, sizeof(b));
	if (ev == DISC_EV_APPEARED || ev == DISC_EV_CHANGED)
		log_info(NULL, "%s: NAT64 prefix %s: %s/%u from %s%s%s%s", u->name,
			 discovery_event_name(ev), a, cur->prefix.len,
			 clat_source_name(cur->source),
			 ev == DISC_EV_CHANGED ? " (was " : "",
			 ev == DISC_EV_CHANGED ? b : "",
			 ev == DISC_EV_CHANGED ? ")" : "");
	else
		log_info(NULL, "%s: NAT64 prefix %s/%u (%s) %s", u->name, b,
			 old->prefix.len, clat_source_name(old->source),
			 discovery_event_name(ev));
	u->dirty = true;
}

void clat_auto_disc_stop(struct uplink *u, int epfd)
{
	if (!u->disc_on)
		return;
	epoll_ctl(epfd, EPOLL_CTL_DEL, discovery_fd(&u->disc), NULL);
	discovery_close(&u->disc);
	u->disc_on = false;
}

void clat_auto_disc_start(struct uplink *u, int epfd)
{
	const struct clat_conf *cc = u->inst ? &u->inst->conf->clat : NULL;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = u };
	struct discovery_cfg cfg;
	uint64_t now = discovery_now();
	int ret;

	if (u->disc_on || !u->present)
		return;
	discovery_cfg_init(&cfg, u->facts.ifindex);
	if (cc && cc->has_pref64) {
		cfg.has_static = true;
		cfg.static_prefix = cc->pref64;
	}
	cfg.cb = disc_cb;
	cfg.arg = u;
	discovery_init(&u->disc, &cfg, now);
	ret = discovery_start(&u->disc, now);
	if (ret < 0) {
		log_warn(NULL, "%s: NAT64 prefix discovery did not start: %s",
			 u->name, strerror(-ret));
		discovery_close(&u->disc);
		return;
	}
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, discovery_fd(&u->disc), &ev) < 0) {
		log_warn(NULL, "%s: cannot watch discovery: %s", u->name,
			 strerror(errno));
		discovery_close(&u->disc);
		return;
	}
	u->disc_on = true;
	log_debug(NULL, "%s: NAT64 prefix discovery started", u->name);
}
