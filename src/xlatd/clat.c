// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "clat" instance: RFC 6877 customer-side translator for the host
 * itself.  IPv4 leaves the host through a TUN device (default route with
 * a high metric), is translated to IPv6 from the CLAT IPv6 address to
 * pref64 + IPv4 and written to the uplink with a raw socket; IPv6 to the
 * CLAT address is taken off the uplink by a filtered packet socket,
 * translated back and written into the TUN.  The CLAT address has no
 * kernel state at all: xlatd answers NS for it and runs DAD itself.
 * Nothing of the host's own configuration is changed (no sysctl, no
 * firewall, no host address or route).  See docs/clat-datapath.md.
 */
#include "xlatd/clat_priv.h"

#include "control/clat_addr.h"
#include "control/hostaddr.h"
#include "control/ndp.h"
#include "datapath/tun.h"
#include "datapath/vnet.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/statefile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define CLAT_DEFAULT_METRIC CLAT_METRIC_BASE

static const struct clat_observer *observer;

void clat_set_observer(const struct clat_observer *o)
{
	observer = o;
}

/* The names status and the state files use (RFC 8781 RA, RFC 7050 DNS). */
const char *clat_source_name(enum discovery_source s)
{
	return s == DISC_SRC_RA ? "RA" : s == DISC_SRC_DNS ? "DNS" :
	       s == DISC_SRC_STATIC ? "static" : "none";
}

/*
 * A failed start (DAD conflict, an error while configuring) is not retried
 * with the same plan for this long: the teardown itself makes link events,
 * and without a hold-off they would restart it in a tight loop.  A changed
 * plan (new prefix, new /64, new interface) is tried at once.
 */
#define CLAT_RETRY_MS 30000

uint64_t clat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *clat_fmt6(const struct in6_addr *a, char *b)
{
	return inet_ntop(AF_INET6, a, b, INET6_ADDRSTRLEN);
}

int clat_fail(struct clat *c, int err, const char *fmt, const char *what)
{
	instance_set_state(c->inst, "failed", fmt, what, strerror(-err));
	return err;
}

void clat_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}


/* The RFC 8925 state file follows every decision. */
void clat_publish(struct clat *c)
{
	char state[sizeof(c->inst->state)], reason[sizeof(c->inst->reason)];
	const char *up = c->inst->conf->clat.uplink;
	bool run;

	instance_get_state(c->inst, state, sizeof(state), reason, sizeof(reason));
	run = !strcmp(state, "running");
	if (run)
		snprintf(reason, sizeof(reason), "%s", c->plan.reason);
	else if (strcmp(state, "stopped") && strcmp(state, "failed"))
		snprintf(reason + strlen(reason), sizeof(reason) - strlen(reason),
			 "%s(%s)", reason[0] ? " " : "", state);
	statefile_write(up, run, reason);
}

/* Fail the instance, leave nothing on the host, try again in
 * CLAT_RETRY_MS. */
void clat_fail_retry(struct clat *c, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	instance_set_state(c->inst, "failed", "%s; next try in %u s", why,
			   CLAT_RETRY_MS / 1000);
	/* A failed instance leaves nothing on the host behind it. */
	clat_teardown(c);
	c->engaged = false;
	c->retry_at = clat_now_ms() + CLAT_RETRY_MS;
	clat_publish(c);
}

/* ---- the workers' reports (from their threads) ---- */

static void dp_failed(void *arg, const char *why)
{
	struct clat *c = arg;

	instance_set_state(c->inst, "failed", "%s", why);
}

static void dp_note(void *arg, const char *what)
{
	struct clat *c = arg;

	log_info(c->inst->name, "%s", what);
}

/*
 * The uplink's IPv6 MTU (and rp_filter), checked once a second while the
 * CLAT runs: the kernel sends no netlink event when a Router Advertisement
 * changes the MTU, nor when a sysctl changes.
 */
static void mtu_cb(struct instance *inst, int fd, uint32_t events)
{
	struct clat *c = inst->priv;
	unsigned int mtu;
	uint64_t x;
	int ret;

	(void)events;
	if (read(fd, &x, sizeof(x)) < 0)
		return;
	if (!clat_if_ipv6_mtu(c->uplink, &mtu) && mtu >= 1280 && mtu != c->up_mtu)
		clat_follow_mtu(c, mtu);
	clat_follow_rp_filter(c);
	ret = clat_route_sync(c); /* a new router, rp_filter, MTU */
	if (ret < 0)
		log_warn(c->inst->name, "IPv4 default route: %s", strerror(-ret));
	clat_watch_tick(c); /* what others may have taken away */
	/* Shared-address mode: release the ports of expired mappings, and
	 * follow the host's address (renumbering keeps the number of
	 * addresses, so the plan does not change). */
	if (!c->plan.shared || !c->engaged || !c->shared.open)
		return;
	clat_shared_expire(&c->shared);
	/* Without the ingress program the host's stack would answer the
	 * CLAT's returning packets (RST): set everything up again. */
	if (!xlat_shared_bpf_attached(&c->shared.bpf))
		clat_restart(c, "the shared-address ingress program was removed from outside",
			     false);
	else if (!clat_shared_addr_still(c))
		clat_restart(c, "the shared address is gone from the uplink", false);
}

static int watch_mtu(struct clat *c)
{
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	int ret;

	c->mtu_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->mtu_fd < 0)
		return -errno;
	timerfd_settime(c->mtu_fd, 0, &its, NULL);
	ret = instance_watch_fd(c->inst, c->mtu_fd, EPOLLIN, mtu_cb);
	if (ret < 0)
		clat_close_fd(&c->mtu_fd);
	return ret;
}

static void unwatch_mtu(struct clat *c)
{
	if (c->mtu_fd < 0)
		return;
	instance_unwatch_fd(c->inst, c->mtu_fd);
	clat_close_fd(&c->mtu_fd);
}

int clat_go_live(struct clat *c)
{
	char b6[INET6_ADDRSTRLEN], b4[INET_ADDRSTRLEN];
	int ret;

	clat_set_eam(c);
	ret = clat_start_fastpath(c);
	if (ret < 0)
		return ret;
	ret = clat_start_workers(c);
	if (ret < 0)
		return clat_fail(c, ret, "%s: %s", "worker threads");
	ret = clat_route_sync(c);
	if (ret < 0)
		return clat_fail(c, ret, "IPv4 default route of %s: %s", c->tun);
	ret = watch_mtu(c);
	if (ret < 0 && c->plan.shared) /* it also expires the mappings */
		return clat_fail(c, ret, "%s: %s", "NAPT expiry timer");
	if (ret < 0)
		log_warn(c->inst->name, "the uplink MTU is not followed: %s",
			 strerror(-ret));
	instance_set_state(c->inst, "running", "%s", c->plan.reason);
	clat_publish(c);
	log_info(c->inst->name, "running: %s <-> %s on %s, TUN %s mtu %u metric %u",
		 inet_ntop(AF_INET, &c->addr4, b4, sizeof(b4)),
		 clat_fmt6(&c->addr6, b6), c->uplink, c->tun, c->mtu, c->metric);
	return 0;
}

static int uplink_facts(struct clat *c)
{
	const struct clat_conf *cc = &c->inst->conf->clat;
	int ret;

	snprintf(c->uplink, sizeof(c->uplink), "%s", cc->uplink);
	c->up_ifindex = rtnl_link_index(c->uplink);
	if (c->up_ifindex < 0) {
		instance_set_state(c->inst, "waiting", "uplink %s not found",
				   c->uplink);
		return 1;
	}
	/* No MAC: a point-to-point link (raw-IP WWAN, PPP, a tunnel). */
	c->l2 = clat_if_mac(c->uplink, c->dp.mac) == 0;
	c->dp.has_mac = c->l2;
	c->dp.nd_ours = c->l2;
	ret = clat_if_ipv6_mtu(c->uplink, &c->up_mtu);
	if (ret < 0)
		return clat_fail(c, ret, "IPv6 MTU of %s: %s (IPv6 disabled?)",
			    c->uplink);
	c->metric = c->plan.metric ? c->plan.metric : CLAT_DEFAULT_METRIC;
	return 0;
}

static struct clat *clat_alloc(struct instance *inst)
{
	struct clat *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->inst = inst;
	c->mcast_fd = c->mtu_fd = -1;
	c->dad.timer_fd = -1;
	if (clat_dp_init(&c->dp) < 0) {
		clat_dp_free(&c->dp);
		free(c);
		return NULL;
	}
	c->dp.arg = c;
	c->dp.failed = dp_failed;
	c->dp.note = dp_note;
	return c;
}

/* Build the data path for c->plan; on failure the caller tears down. */
static int bring_up(struct clat *c)
{
	int ret;

	c->n_avoid = 0;
	c->auto6 = false;
	c->tun[0] = '\0';
	c->tun_ifindex = 0;
	/* The netlink socket lives while the CLAT runs (clat_teardown()
	 * closes it): a stopped one, as on every veth of a container host,
	 * holds none. */
	if (!c->rtnl_open) {
		ret = rtnl_open(&c->rtnl);
		if (ret < 0)
			return clat_fail(c, ret, "%s: %s", "netlink");
		c->rtnl_open = true;
	}
	ret = uplink_facts(c);
	if (ret)
		return ret;
	clat_set_engine(c);
	ret = clat_choose_addrs(c);
	if (ret)
		return ret;
	c->dp.up_ifindex = c->up_ifindex;
	clat_tx_init(&c->dp.tx, c->up_ifindex);
	ret = clat_setup_tun(c);
	if (!ret)
		ret = clat_setup_uplink(c);
	if (!ret)
		ret = clat_start_dad(c);
	return ret;
}

static bool same_plan(const struct clat_plan *a, const struct clat_plan *b)
{
	return a->ifindex == b->ifindex && a->metric == b->metric &&
	       a->pref64.len == b->pref64.len &&
	       !memcmp(&a->pref64.addr, &b->pref64.addr, 16) &&
	       !memcmp(&a->prefix64, &b->prefix64, 8) && a->shared == b->shared;
}

static bool only_pref64_moved(const struct clat_plan *a, const struct clat_plan *b)
{
	struct clat_plan x = *a;

	x.pref64 = b->pref64;
	return !same_plan(a, b) && same_plan(&x, b);
}

static void disengage(struct clat *c)
{
	if (!c->engaged)
		return;
	clat_teardown(c);
	c->engaged = false;
	c->up_ifindex = 0;
}

static void why_restart(struct clat *c, const struct clat_plan *p)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], why[sizeof(c->inst->reason)];

	if (same_plan(p, &c->plan)) {
		/* A worker stopped (its TUN deleted from outside, an I/O
		 * error): the same plan again. */
		instance_get_state(c->inst, a, sizeof(a), why, sizeof(why));
		log_warn(c->inst->name, "restarting the CLAT, which failed: %s", why);
	} else if (p->ifindex != c->plan.ifindex)
		log_info(c->inst->name, "reconfiguring: %s has a new ifindex %d",
			 c->uplink, p->ifindex);
	else if (memcmp(&p->pref64, &c->plan.pref64, sizeof(p->pref64)))
		log_info(c->inst->name, "reconfiguring: NAT64 prefix %s/%u -> %s/%u (%s)",
			 clat_fmt6(&c->plan.pref64.addr, a), c->plan.pref64.len,
			 clat_fmt6(&p->pref64.addr, b), p->pref64.len,
			 clat_source_name(p->source));
	else if (p->shared != c->plan.shared)
		log_info(c->inst->name, "reconfiguring: address mode %s -> %s",
			 c->plan.shared ? "shared" : "dedicated", p->addr_why);
	else if (memcmp(&p->prefix64, &c->plan.prefix64, 8))
		log_info(c->inst->name, "reconfiguring: uplink /64 %s -> %s (renumbered)",
			 clat_fmt6(&c->plan.prefix64, a), clat_fmt6(&p->prefix64, b));
	else
		log_info(c->inst->name, "reconfiguring: metric %u -> %u",
			 c->plan.metric, p->metric);
}

/* Tear down whatever runs and bring p up. */
static void engage(struct clat *c, const struct clat_plan *p)
{
	int ret;

	disengage(c);
	c->plan = *p;
	c->engaged = true;
	ret = bring_up(c);
	if (ret) {
		/* Waiting (> 0) or failed (< 0): the state says which and
		 * why; nothing may stay behind either way. */
		clat_teardown(c);
		c->engaged = false;
		if (ret < 0)
			c->retry_at = clat_now_ms() + CLAT_RETRY_MS;
	}
	clat_publish(c);
}

void clat_apply(struct instance *inst, const struct clat_plan *p)
{
	struct clat *c = inst->priv;
	char state[16];

	if (!c)
		return;
	instance_get_state(inst, state, sizeof(state), NULL, 0);
	if (!p->run) {
		if (c->engaged)
			log_info(inst->name, "stopping the CLAT: %s", p->reason);
		disengage(c);
		c->plan = *p;
		instance_set_state(inst, "stopped", "%s", p->reason);
		clat_publish(c);
		return;
	}
	if (!c->engaged && !strcmp(state, "failed") && same_plan(p, &c->plan) &&
	    clat_now_ms() < c->retry_at) {
		c->plan.expires = p->expires;
		c->plan.source = p->source;
		return;
	}
	if (c->engaged && same_plan(p, &c->plan) && strcmp(state, "failed")) {
		/* Same data path; only the lifetime or wording moved on. */
		c->plan.expires = p->expires;
		c->plan.source = p->source;
		return;
	}
	if (c->engaged && !strcmp(state, "running") && only_pref64_moved(p, &c->plan)) {
		/* Renumbered PLAT: a new pool6, nothing else to set up. */
		clat_follow_pref64(c, p);
		instance_set_state(inst, "running", "%s", p->reason);
		clat_publish(c);
		return;
	}
	if (c->engaged)
		why_restart(c, p);
	else
		log_info(inst->name, "starting the CLAT: %s", p->reason);
	engage(c, p);
}

/*
 * Something the running CLAT needs was taken away from outside
 * (clat_watch.c): what is left goes, the same plan comes up again.  When
 * that keeps happening the CLAT waits CLAT_RETRY_MS as after a failed
 * start, with nothing left on the host.
 */
void clat_restart(struct clat *c, const char *why, bool give_up)
{
	struct clat_plan p = c->plan;

	if (give_up) {
		clat_fail_retry(c, "%s, again and again", why);
		return;
	}
	log_warn(c->inst->name, "%s: bringing the CLAT up again", why);
	engage(c, &p);
}

bool clat_working(struct instance *inst)
{
	char state[16];

	if (inst->kind != &clat_kind || !inst->priv)
		return false;
	instance_get_state(inst, state, sizeof(state), NULL, 0);
	return !strcmp(state, "running");
}

bool clat_engaged(struct instance *inst)
{
	struct clat *c = inst->kind == &clat_kind ? inst->priv : NULL;

	return c && c->engaged;
}

const char *clat_uplink(struct instance *inst)
{
	return inst->conf->clat.uplink;
}

static int clat_start(struct instance *inst)
{
	struct clat *c = clat_alloc(inst);
	int ret;

	if (!c)
		return -ENOMEM;
	inst->priv = c;
	ret = instance_stats_alloc(inst, 3); /* 2: the fast path's */
	if (ret < 0)
		return ret;
	c->dp.stats[0] = instance_stats(inst, 0);
	c->dp.stats[1] = instance_stats(inst, 1);
	snprintf(c->uplink, sizeof(c->uplink), "%s", inst->conf->clat.uplink);
	/* The manager decides when to run: it calls clat_apply(). */
	instance_set_state(inst, "waiting", "no decision yet for %s", c->uplink);
	if (observer)
		observer->bind(inst);
	return 0;
}

/* Remove everything the instance made on the host; idempotent. */
void clat_teardown(struct clat *c)
{
	unwatch_mtu(c);
	clat_dp_stop(&c->dp);
	clat_shared_teardown(c); /* its mappings' ports and ingress program */
	clat_bpf_stop(&c->bpf); /* before the TUN it redirects into goes */
	clat_dad_unwatch(c);
	clat_route_remove(c);
	if (c->addr4_added)
		rtnl_addr(&c->rtnl, false, c->tun_ifindex, AF_INET,
			  (const union rtnl_addr *)&c->addr4, 32, 0);
	c->addr4_added = false;
	/* The TUN is not persistent: closing its fd deletes the device. */
	clat_close_fd(&c->dp.tun_fd);
	clat_rx_detach(&c->dp.rx); /* its ring's mapping holds the socket */
	clat_close_fd(&c->dp.pkt_fd);
	clat_close_fd(&c->dp.raw_fd);
	clat_close_fd(&c->dp.gso_fd);
	clat_close_fd(&c->mcast_fd); /* leaves the solicited-node group */
	if (c->rtnl_open)
		rtnl_close(&c->rtnl);
	c->rtnl_open = false;
}

static void clat_stop(struct instance *inst)
{
	struct clat *c = inst->priv;

	if (!c)
		return;
	if (observer)
		observer->unbind(inst);
	if (c->engaged)
		log_info(inst->name, "removing the CLAT on %s", c->uplink);
	clat_teardown(c);
	c->engaged = false;
	statefile_write(inst->conf->clat.uplink, false, "xlatd stopped this CLAT");
	if (c->rtnl_open)
		rtnl_close(&c->rtnl);
	clat_dp_free(&c->dp);
	free(c);
	inst->priv = NULL;
}

const struct instance_kind clat_kind = {
	.name = "clat",
	.start = clat_start,
	.stop = clat_stop,
	.status = clat_status,
};
