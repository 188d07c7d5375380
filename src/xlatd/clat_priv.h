/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The clat instance's private state, shared by clat.c and clat_status.c. */
#ifndef XLATD_CLAT_PRIV_H
#define XLATD_CLAT_PRIV_H

#include "control/clat_dad.h"
#include "control/rtnl.h"
#include "datapath/clat_dp.h"
#include "datapath/clat_shared.h"
#include "xlatd/clat.h"
#include "xlatd/clat_bpf.h"
#include "xlatd/clat_watch.h"

#include <net/if.h>

/* The uplink's addresses looked at when choosing (a server may carry
 * hundreds of service /128s besides its SLAAC one), and room for the
 * CLAT addresses DAD found taken: neither is picked again. */
#define CLAT_MAX_ADDRS 1024
#define CLAT_MAX_AVOID 64

struct instance;
struct ctl_out;
struct clat_if_addr6;

struct clat {
	struct instance *inst;
	struct clat_plan plan; /* the one being executed */
	bool engaged;          /* the data path is (being) set up */
	struct rtnl rtnl;
	bool rtnl_open;

	char uplink[IFNAMSIZ];
	int up_ifindex;
	bool l2;               /* the uplink has a link layer (NDP, MAC) */
	unsigned int up_mtu;   /* its IPv6 MTU */
	char mtu_why[64];      /* where the IPv4 MTU came from */

	char tun[IFNAMSIZ];
	int tun_ifindex;
	int mcast_fd;
	int mtu_fd;            /* while running: the uplink MTU check */
	bool watch_pkt, watch_timer;

	struct xlat_cfg cfg;
	struct xlat_eam eam;
	struct in6_addr prefix64; /* the /64 the CLAT address came from */
	bool auto6;
	struct in6_addr addr6;
	struct in_addr addr4;
	struct in6_addr avoid[CLAT_MAX_ADDRS + CLAT_MAX_AVOID]; /* host's, DAD's */
	size_t n_avoid;
	unsigned int mtu;
	uint32_t metric;
	bool addr4_added, route_added;
	struct rtnl_route route;  /* the IPv4 default route, as added */
	bool up_addr4_added;      /* addr4 on the uplink too (route via6) */

	struct clat_dad dad;
	struct clat_dp dp;        /* the userspace data path */
	struct clat_bpf_path bpf; /* eBPF fast path (docs/fastpath.md) */
	bool rp_known, pass_up;   /* its 6->4 output: in place or via the TUN */
	struct clat_shared shared; /* shared-address mode (docs/clat-shared.md) */
	bool shared_rx_watched;    /* its reassembled datagrams, main loop */
	uint64_t retry_at; /* after a failure: no retry of the same plan before */
	struct clat_watch watch; /* clat_watch.c */
};

/* clat.c */
const char *clat_fmt6(const struct in6_addr *a, char *b);
uint64_t clat_now_ms(void);
/* Set state failed, log why (fmt takes what and strerror(-err)). */
int clat_fail(struct clat *c, int err, const char *fmt, const char *what);
void clat_close_fd(int *fd);
/* Bring the plan up again after a part was taken away (clat_watch.c). */
void clat_restart(struct clat *c, const char *why, bool give_up);
/* clat.c: the state file, going live once the address is ours, and
 * removing everything the instance made. */
void clat_publish(struct clat *c);
int clat_go_live(struct clat *c);
void clat_teardown(struct clat *c);
void clat_fail_retry(struct clat *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* clat_dad_run.c: DAD on the main loop, then clat_go_live(). */
int clat_start_dad(struct clat *c);
void clat_dad_unwatch(struct clat *c);

/* clat_setup.c: each returns 0, 1 (waiting: the state says why) or a
 * negative errno (failed: the state says why). */
int clat_pick_addr6(struct clat *c);
int clat_choose_addrs(struct clat *c);
void clat_set_engine(struct clat *c);
void clat_set_eam(struct clat *c);
int clat_setup_tun(struct clat *c);
int clat_setup_uplink(struct clat *c);
int clat_start_workers(struct clat *c);
int clat_start_fastpath(struct clat *c);
/* clat_shared_setup.c: shared-address mode (plan.shared) */
int clat_choose_shared_addr(struct clat *c, const struct clat_if_addr6 *a,
			    int n);
int clat_setup_shared(struct clat *c);
void clat_shared_teardown(struct clat *c);
/* The shared address is still a usable address of the uplink. */
bool clat_shared_addr_still(struct clat *c);
void clat_shared_status(struct clat *c, struct ctl_out *o);
void clat_follow_mtu(struct clat *c, unsigned int up_mtu);
void clat_follow_rp_filter(struct clat *c);

/* clat_route.c: the IPv4 default route (through the TUN, or via inet6). */
int clat_route_sync(struct clat *c);
void clat_route_remove(struct clat *c);
void clat_follow_pref64(struct clat *c, const struct clat_plan *p);
/* clat_status.c */
void clat_status(struct instance *inst, struct ctl_out *o);

#endif
