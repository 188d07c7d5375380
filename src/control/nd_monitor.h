/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Router Advertisement options the kernel hands to userspace.
 *
 * The kernel processes RAs itself (addresses, routes) but forwards the
 * options it does not use, RDNSS (RFC 8106) and PREF64 (RFC 8781) among
 * them, one option per RTM_NEWNDUSEROPT message on the multicast group
 * RTNLGRP_ND_USEROPT:
 *
 *	struct nlmsghdr | struct nduseroptmsg | ND option(s), opts_len bytes
 *	| padding to 4 | NDUSEROPT_SRCADDR attribute (the router's address)
 *
 * struct nd_monitor is one non-blocking netlink socket on that group;
 * nd_monitor_read() drains it and calls the handlers for the options of
 * one interface.  nd_send_rs() asks the routers for an RA right away.
 */
#ifndef XLAT_ND_MONITOR_H
#define XLAT_ND_MONITOR_H

#include "control/pref64.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ND_OPT_RDNSS 25
#define ND_RDNSS_MAX 4

struct nd_useropt {
	int ifindex;
	uint8_t icmp_type;        /* 134 for a Router Advertisement */
	uint8_t icmp_code;
	bool has_router;
	struct in6_addr router;   /* NDUSEROPT_SRCADDR */
	const uint8_t *opts;      /* points into the message */
	size_t opts_len;
};

/*
 * Parse one netlink message (header included) of len bytes.  Returns 0,
 * -ENOMSG if it is not an IPv6 RTM_NEWNDUSEROPT, -EBADMSG if it is
 * malformed (lengths out of bounds).
 */
int nd_useropt_parse(const void *nlh, size_t len, struct nd_useropt *u);

struct rdnss_opt {
	uint32_t lifetime;         /* seconds; 0: remove; 0xffffffff: forever */
	unsigned int n;            /* addresses kept (at most ND_RDNSS_MAX) */
	struct in6_addr addr[ND_RDNSS_MAX];
};

/* RFC 8106 5.1: length odd and >= 3.  0 or -EINVAL. */
int rdnss_opt_parse(const uint8_t *opt, size_t len, struct rdnss_opt *o);

struct nd_monitor_ops {
	void (*pref64)(void *arg, int ifindex, const struct in6_addr *router,
		       const struct pref64_opt *o);
	void (*rdnss)(void *arg, int ifindex, const struct in6_addr *router,
		      const struct rdnss_opt *o);
};

struct mnl_socket;

struct nd_monitor {
	struct mnl_socket *nl;
	int ifindex;                  /* 0: every interface */
	const struct nd_monitor_ops *ops;
	void *arg;
};

/* 0 or a negative errno (needs no privilege). */
int nd_monitor_open(struct nd_monitor *m, int ifindex,
		    const struct nd_monitor_ops *ops, void *arg);
int nd_monitor_fd(const struct nd_monitor *m);
/*
 * Read every pending message.  Returns the number of options handed to
 * the handlers, or -ENOBUFS when the kernel dropped messages (socket
 * overrun: send an RS to learn the options again), or another negative
 * errno.
 */
int nd_monitor_read(struct nd_monitor *m);
/* Dispatch the messages of one netlink datagram (for tests). */
int nd_monitor_dispatch(struct nd_monitor *m, const void *buf, size_t len);
void nd_monitor_close(struct nd_monitor *m);

/*
 * Send one Router Solicitation to ff02::2 on ifindex through a raw
 * ICMPv6 socket, hop limit 255 (RFC 4861 6.1.1), no source link-layer
 * option (valid with the unspecified source too).  Needs CAP_NET_RAW.
 */
int nd_send_rs(int ifindex);

#endif
