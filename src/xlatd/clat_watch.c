// SPDX-License-Identifier: GPL-2.0-or-later
/* The running CLAT's check of its own set-up; see clat_watch.h. */
#include "xlatd/clat_watch.h"

#include "xlatd/clat_priv.h"

#include "control/ndp.h"
#include "datapath/clat_io.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/statefile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define REATTACH_WINDOW_MS 60000

/* Something the CLAT cannot run without is gone: why, or false. */
static bool broken(struct clat *c, char *why, size_t n)
{
	char state[16], reason[sizeof(c->inst->reason)];
	int idx = rtnl_link_index(c->tun);

	if (idx != c->tun_ifindex) {
		snprintf(why, n, "TUN %s (ifindex %d) was removed from outside",
			 c->tun, c->tun_ifindex);
		return true;
	}
	/* A worker that stopped (a TUN or socket error) said so. */
	instance_get_state(c->inst, state, sizeof(state), reason, sizeof(reason));
	if (!strcmp(state, "failed")) {
		snprintf(why, n, "the data path stopped (%s)", reason);
		return true;
	}
	return false;
}

static const char *fmt_mac(const uint8_t m[6], char *b)
{
	snprintf(b, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
	return b;
}

/*
 * RFC 4861 7.2.6: a node whose link-layer address changed may send a few
 * unsolicited NAs to all-nodes, with Override, so that neighbours update
 * their caches now instead of when their entry goes stale.
 */
static void announce(struct clat *c)
{
	struct in6_addr all_nodes;
	uint8_t na[NDP_PKT_MAX];
	size_t n;

	inet_pton(AF_INET6, "ff02::1", &all_nodes);
	n = ndp_build_na(na, sizeof(na), &c->addr6, &all_nodes, &c->addr6,
			 NDP_NA_OVERRIDE, c->dp.mac);
	if (n && !clat_dp_send6(&c->dp, na, n))
		log_warn(c->inst->name, "unsolicited NA for the new MAC not sent");
}

/* The uplink's MAC: the NA answers (userspace) must carry the current one. */
static void follow_mac(struct clat *c)
{
	char a[18], b[18];
	uint8_t mac[6];
	int ret;

	if (!c->l2 || clat_if_mac(c->uplink, mac) || !memcmp(mac, c->dp.mac, 6))
		return;
	log_info(c->inst->name, "uplink %s MAC %s -> %s: NA answers for %s follow",
		 c->uplink, fmt_mac(c->dp.mac, a), fmt_mac(mac, b), c->tun);
	/* The workers read dp->mac without locks: stop, change, start. */
	clat_dp_stop(&c->dp);
	memcpy(c->dp.mac, mac, 6);
	c->watch.mac_changes++;
	ret = clat_start_workers(c);
	if (ret < 0) {
		clat_fail(c, ret, "%s: %s", "worker threads");
		return;
	}
	announce(c);
}

/* Restarts beyond this many a minute: wait as after a failed start. */
#define RESTARTS_MAX 5

static void restart(struct clat *c, const char *why)
{
	uint64_t now = clat_now_ms();
	struct clat_watch *w = &c->watch;

	if (now - w->restarts_since > REATTACH_WINDOW_MS) {
		w->restarts_since = now;
		w->restarts = 0;
	}
	w->restarts++;
	clat_restart(c, why, w->restarts > RESTARTS_MAX);
}

/* The eBPF programs must still be attached where they were put. */
static void follow_fastpath(struct clat *c)
{
	uint64_t now = clat_now_ms();
	int where, ret;

	if (!c->bpf.active)
		return;
	where = xlat_bpf_attached(&c->bpf.bpf);
	if (where == 0 || where == -EBADF)
		return;
	if (now - c->watch.since > REATTACH_WINDOW_MS) {
		c->watch.since = now;
		c->watch.reattached = 0;
	}
	clat_dp_stop(&c->dp);
	if (++c->watch.reattached > CLAT_WATCH_REATTACH_MAX &&
	    c->inst->conf->clat.datapath != CLAT_DP_BPF) {
		clat_bpf_stop(&c->bpf);
		snprintf(c->bpf.why, sizeof(c->bpf.why),
			 "the eBPF programs were removed from outside %u times within %d s: userspace data path only",
			 c->watch.reattached, REATTACH_WINDOW_MS / 1000);
		log_warn(c->inst->name, "%s", c->bpf.why);
	} else {
		log_warn(c->inst->name, "eBPF fast path: the program on %s %s was removed from outside: attaching again",
			 where == -(1 + XLAT_BPF_TUN_EGRESS) ? c->tun : c->uplink,
			 where == -(1 + XLAT_BPF_UP_INGRESS) ? "ingress" : "egress");
		ret = clat_start_fastpath(c); /* logs; auto falls back */
		if (ret < 0) {
			restart(c, "the eBPF fast path cannot be attached again");
			return;
		}
	}
	ret = clat_start_workers(c);
	if (ret < 0)
		clat_fail(c, ret, "%s: %s", "worker threads");
	/* Without the fast path the IPv4 default route goes through the
	 * TUN again (clat_route.c), at once rather than next second. */
	if (!c->bpf.active && clat_route_sync(c) < 0)
		log_warn(c->inst->name, "IPv4 default route through %s failed", c->tun);
}

void clat_watch_tick(struct clat *c)
{
	char why[300];

	statefile_retry();
	if (!c->engaged)
		return;
	if (broken(c, why, sizeof(why))) {
		restart(c, why);
		return;
	}
	follow_fastpath(c);
	if (c->engaged && c->dp.tun_fd >= 0)
		follow_mac(c);
}
