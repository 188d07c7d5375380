/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The clat instance's private state, shared by clat.c and clat_status.c. */
#ifndef XLATD_CLAT_PRIV_H
#define XLATD_CLAT_PRIV_H

#include "control/clat_dad.h"
#include "control/rtnl.h"
#include "datapath/clat_dp.h"
#include "xlatd/clat.h"
#include "xlatd/clat_bpf.h"

#include <net/if.h>

#define CLAT_MAX_ADDRS 64

struct instance;

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
	bool watch_pkt, watch_timer;

	struct xlat_cfg cfg;
	struct xlat_eam eam;
	struct in6_addr prefix64; /* the /64 the CLAT address came from */
	bool auto6;
	struct in6_addr addr6;
	struct in_addr addr4;
	struct in6_addr avoid[CLAT_MAX_ADDRS];
	size_t n_avoid;
	unsigned int mtu;
	uint32_t metric;
	bool addr4_added, route_added;

	struct clat_dad dad;
	struct clat_dp dp;        /* the userspace data path */
	struct clat_bpf_path bpf; /* eBPF fast path (docs/fastpath.md) */
	uint64_t retry_at; /* after a failure: no retry of the same plan before */
};

const char *clat_fmt6(const struct in6_addr *a, char *b);
/* clat_status.c */
struct ctl_out;
void clat_status(struct instance *inst, struct ctl_out *o);

#endif
