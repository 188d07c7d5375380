/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small rtnetlink helpers on libmnl: links, addresses, routes.
 *
 * Every function returns 0 or a negative errno (the kernel's netlink
 * error, e.g. -EEXIST, -ENODEV); none of them exits or logs.  A struct
 * rtnl is one NETLINK_ROUTE socket; it is not thread-safe, so give each
 * thread that talks to the kernel its own (they are cheap).
 *
 * Everything xlat464 creates (routes, addresses where the kernel allows)
 * carries XLAT_RTPROT, so that a restart after a crash can find and
 * remove leftovers with rtnl_route_flush_proto().
 */
#ifndef XLAT_RTNL_H
#define XLAT_RTNL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XLAT_RTPROT 0x64 /* 100: route protocol of everything xlat464 adds */

struct mnl_socket;

struct rtnl {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
};

/* An IPv4 or IPv6 address, by family. */
union rtnl_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

struct rtnl_route {
	int family;            /* AF_INET or AF_INET6 */
	union rtnl_addr dst;
	uint8_t plen;
	int ifindex;           /* 0: none (then a gateway is needed) */
	bool has_gw;
	union rtnl_addr gw;
	uint32_t metric;       /* 0: kernel default */
	uint32_t table;        /* 0: RT_TABLE_MAIN */
	uint8_t protocol;      /* 0: XLAT_RTPROT */
	bool has_src;          /* preferred source address (RTA_PREFSRC) */
	union rtnl_addr src;
	uint32_t mtu;          /* 0: none; else RTAX_MTU */
	bool has_via6;         /* an IPv4 route via an IPv6 gateway (RTA_VIA) */
	struct in6_addr via6;
};

int rtnl_open(struct rtnl *r);
void rtnl_close(struct rtnl *r);

/* Interface index by name: > 0, or -ENODEV. */
int rtnl_link_index(const char *name);

int rtnl_link_set_up(struct rtnl *r, int ifindex, bool up);
int rtnl_link_set_mtu(struct rtnl *r, int ifindex, unsigned int mtu);
/* Root qdisc noqueue (what a TUN's transmit is best served by). */
int rtnl_qdisc_noqueue(struct rtnl *r, int ifindex);
/* Any out pointer may be NULL.  flags are IFF_* (IFF_UP, IFF_RUNNING..). */
int rtnl_link_get(struct rtnl *r, int ifindex, unsigned int *mtu,
		  unsigned int *flags);

/*
 * Add (add = true) or delete an address.  flags are IFA_F_* (e.g.
 * IFA_F_NODAD | IFA_F_NOPREFIXROUTE); they travel in IFA_FLAGS.  Adding
 * an existing address returns -EEXIST.
 */
int rtnl_addr(struct rtnl *r, bool add, int ifindex, int family,
	      const union rtnl_addr *a, unsigned int plen, uint32_t flags);

/* Add (NLM_F_CREATE | NLM_F_EXCL: -EEXIST if present) or delete a route. */
/*
 * An IPv4 /32 of xlat464's on ifindex, tagged with address protocol
 * XLAT_RTPROT (IFA_PROTO) so that it is told from anyone else's and
 * found again after a crash (rtnl_addr4_flush_proto()).
 */
int rtnl_addr4_ours(struct rtnl *r, bool add, int ifindex,
		    const struct in_addr *a);
/* Delete every IPv4 address of protocol proto: how many, or -errno. */
int rtnl_addr4_flush_proto(struct rtnl *r, uint8_t proto);

int rtnl_route(struct rtnl *r, bool add, const struct rtnl_route *rt);
/* Add, or replace the route with the same destination and metric in one
 * step (no moment without it). */
int rtnl_route_replace(struct rtnl *r, const struct rtnl_route *rt);

/*
 * Delete every route of family (AF_INET, AF_INET6 or AF_UNSPEC for both)
 * with protocol proto, in all tables.  Returns the number deleted or a
 * negative errno.
 */
int rtnl_route_flush_proto(struct rtnl *r, int family, uint8_t proto);

/*
 * For requests this file has no helper for: rtnl_msg() starts a message
 * in buf (at least MNL_SOCKET_BUFFER_SIZE bytes) with NLM_F_REQUEST |
 * flags; rtnl_talk() sends it and reads until its ACK or the end of a
 * dump, feeding every data message to cb (may be NULL); rtnl_request()
 * does the same on a socket of its own.  0 or the kernel's -errno.
 */
struct nlmsghdr;
typedef int (*rtnl_cb_t)(const struct nlmsghdr *nlh, void *data);
struct nlmsghdr *rtnl_msg(char *buf, uint16_t type, uint16_t flags);
int rtnl_talk(struct rtnl *r, struct nlmsghdr *nlh, rtnl_cb_t cb, void *data);
int rtnl_request(struct nlmsghdr *nlh, rtnl_cb_t cb, void *data);

/*
 * Whether buf holds whole netlink messages only: each header in bounds,
 * nlmsg_len at least a header and, padded to 4, at most what is left.  rtnl_cb_run()
 * is mnl_cb_run() after that check (-1, errno EBADMSG when it fails);
 * every datagram xlatd reads from netlink goes through it.
 */
bool rtnl_datagram_ok(const void *buf, size_t len);
int rtnl_cb_run(const void *buf, size_t len, unsigned int seq,
		unsigned int portid, rtnl_cb_t cb, void *data);

/*
 * The parsers of the kernel's answers (pure: no I/O, fuzzed).  A message
 * of another type or family gives -ENOMSG.  rtnl_link_parse() leaves
 * *mtu alone without an IFLA_MTU.
 */
int rtnl_link_parse(const struct nlmsghdr *nlh, unsigned int *mtu,
		    unsigned int *flags);
int rtnl_route_parse(const struct nlmsghdr *nlh, struct rtnl_route *rt);

/* Parse "192.0.2.1" or "2001:db8::1" into a; returns the family or -EINVAL. */
int rtnl_addr_parse(const char *s, union rtnl_addr *a);

#endif
