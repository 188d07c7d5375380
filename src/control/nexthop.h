/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The next hop towards an IPv6 destination as the kernel would use it:
 * the route (RTM_GETROUTE) and, on a link with addresses, the neighbour
 * entry of its gateway (RTM_GETNEIGH).  For a sender that bypasses the
 * kernel's neighbour code (the CLAT's GSO packet socket); it only reads.
 */
#ifndef XLAT_NEXTHOP_H
#define XLAT_NEXTHOP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct nexthop {
	int ifindex;            /* output interface */
	struct in6_addr via;    /* gateway, or the destination when on-link */
	unsigned int halen;     /* 0: the link has no addresses */
	uint8_t lladdr[8];
	/* Confirmed reachable (or static, or no ARP): a stale entry is only
	 * probed by the kernel when its own output uses it. */
	bool confirmed;
};

/*
 * Fill nh for dst.  0; -ENETUNREACH without a route; -EAGAIN when the
 * neighbour is not usable now (unresolved, failed: the kernel resolves
 * it when its own traffic needs it); another negative errno on netlink
 * errors.  halen is the link's address length (from the neighbour).
 */
int nexthop_lookup6(const struct in6_addr *dst, struct nexthop *nh);
/* The same, out of interface oif (0: any), as a socket bound to it. */
int nexthop_lookup6_oif(const struct in6_addr *dst, int oif,
			struct nexthop *nh);

/*
 * The two answers' parsers, libmnl callbacks (pure: no I/O, fuzzed).
 * nexthop_route_cb() takes a struct nexthop_route, nexthop_neigh_cb() a
 * struct nexthop_neigh whose want (ifindex, via) says which entry counts.
 */
struct nlmsghdr;

struct nexthop_route {
	int oif;
	bool has_gw;
	struct in6_addr gw;
};

struct nexthop_neigh {
	const struct nexthop *want;
	bool found, usable, confirmed;
	unsigned int halen;
	uint8_t lladdr[8];
	unsigned int read; /* neighbour messages the answer carried */
};

int nexthop_route_cb(const struct nlmsghdr *nlh, void *data);
int nexthop_neigh_cb(const struct nlmsghdr *nlh, void *data);

/*
 * The neighbour half of the look-up: the entry of nr->want's via on its
 * ifindex, asked for alone (RTM_GETNEIGH without a dump, Linux 5.0 and
 * later: the cost does not grow with the host's neighbour table; older
 * kernels answer EOPNOTSUPP and the family's table is dumped instead).
 * 0 (nr->found says whether there is one) or a negative errno.
 */
int nexthop_neigh_lookup(struct nexthop_neigh *nr);

#endif
