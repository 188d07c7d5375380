/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link monitor: the facts about every interface a self-configuring CLAT
 * decides on (link up, a SLAAC /64, an IPv6 default route, a native IPv4
 * default route), kept current from rtnetlink events.
 *
 * One netlink socket subscribed to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
 * RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE and RTNLGRP_IPV6_ROUTE.  An
 * event is only a hint: link_monitor_process() drains the socket and
 * then takes a fresh snapshot (link, address and route dumps on a second
 * socket), so a burst of events costs one snapshot and a socket overrun
 * (ENOBUFS) loses nothing.  Events about routes other than default
 * routes take no snapshot: they change no fact kept here.  The callback is told about every interface
 * whose facts changed, appeared or went away.  No timers, no polling.
 */
#ifndef XLAT_LINK_MONITOR_H
#define XLAT_LINK_MONITOR_H

#include "control/clat_addr.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* A bound against a runaway table, not a size: a container host has
 * hundreds of links, and the snapshot grows to what it finds. */
#define LM_MAX_IFS 16384
#define LM_MAX_P64 8

struct lm_if {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[16];           /* IFLA_INFO_KIND ("veth", "tun"), or "" */
	unsigned short type;     /* ARPHRD_* */
	unsigned int flags;      /* IFF_* */
	unsigned int mtu;
	int master;              /* IFLA_MASTER: a bridge or bond port; or 0 */
	bool up;                 /* IFF_UP and IFF_RUNNING (carrier) */
	bool has_slaac64;        /* a usable global /64 (see clat_pick_prefix64) */
	struct in6_addr prefix64; /* that /64's address, when has_slaac64 */
	/* Every usable /64 (an address of each), lowest first, so that the
	 * CLAT can choose by its NAT64 prefix (clat_pick_prefix64_for). */
	struct in6_addr p64[LM_MAX_P64];
	unsigned int n_p64;
	unsigned int n_global6;  /* global IPv6 addresses of any length */
	bool has_default6;       /* ::/0 in the main table via this link */
	bool has_default4;       /* 0/0 in the main table, not ours (XLAT_RTPROT) */
	/* Signs of a CLAT (ours or another's): an address in 192.0.0.0/29,
	 * an IPv4 default route via an IPv6 router (NetworkManager's). */
	bool has_clat4;
	bool has_default4_via6;
};

struct mnl_socket;
struct link_monitor;

/*
 * Called for each interface that changed: old is NULL for a new one, now
 * is NULL for one that was removed.  Both point into the monitor's
 * tables and are valid during the call only.
 */
typedef void (*lm_cb)(void *arg, const struct lm_if *old,
		      const struct lm_if *now);

struct link_monitor {
	struct mnl_socket *ev;   /* multicast events */
	struct mnl_socket *dump; /* our own dumps */
	unsigned int dump_portid, seq;
	struct lm_if *cur;       /* the last good snapshot's interfaces */
	unsigned int n_cur;
	lm_cb cb;
	void *arg;
	/* Event socket overruns (ENOBUFS) and snapshots taken again after a
	 * dump that raced with changes: only counted, nothing is lost. */
	unsigned long overruns, retries;
	/* Wake-ups whose events could change no fact (routes other than
	 * default routes): no snapshot taken. */
	unsigned long skipped;
	unsigned long snapshots; /* taken after events (not the first) */
	bool stale;              /* the last snapshot failed */
};

/* 0 or a negative errno.  Takes the first snapshot (no callbacks yet). */
int link_monitor_open(struct link_monitor *m, lm_cb cb, void *arg);
int link_monitor_fd(const struct link_monitor *m);
/*
 * Drain the event socket, take a snapshot, call cb for the differences.
 * Returns the number of interfaces that changed, or a negative errno
 * (the facts are then those of the last good snapshot: call again later,
 * with or without a new event).
 */
int link_monitor_process(struct link_monitor *m);
/* Call cb(arg, NULL, ifc) for every known interface (initial sync). */
void link_monitor_replay(struct link_monitor *m);
const struct lm_if *link_monitor_find(const struct link_monitor *m,
				      int ifindex);
const struct lm_if *link_monitor_find_name(const struct link_monitor *m,
					   const char *name);
void link_monitor_close(struct link_monitor *m);

/*
 * A snapshot under construction from the messages of link, IPv6 address
 * and route dumps (pure: no I/O, so that it can be fuzzed).
 * lm_snap_msg() is a libmnl callback taking one message of any of those
 * kinds (others are ignored); lm_snap_finish() then picks the /64s.
 */
#define LM_MAX_ADDRS 1024 /* IPv6 addresses of one link, as CLAT_MAX_ADDRS */

/* The IPv6 addresses of one interface, for clat_pick_prefix64(). */
struct lm_addrs {
	struct clat_if_addr6 *a;
	unsigned int n, cap;
};

/* Starts zeroed; lm_snap_free() releases what it grew to. */
struct lm_snap {
	struct lm_if *ifs;
	struct lm_addrs *a6;     /* one per slot of ifs */
	unsigned int n, cap;
	bool nomem;              /* a message was left out for want of memory */
};

struct nlmsghdr;
int lm_snap_msg(const struct nlmsghdr *nlh, void *data);
void lm_snap_finish(struct lm_snap *s);
void lm_snap_free(struct lm_snap *s);

/*
 * Whether a datagram of rtnetlink events may change a fact kept here:
 * link and address events, default routes; not the other routes (a
 * routing daemon's table changes them by the thousand).  Unreadable
 * datagrams count as relevant.  Pure, fuzzed with the snapshot builder.
 */
bool lm_event_relevant(const void *buf, size_t len);

/* Whether two snapshots of one interface differ in any fact. */
bool lm_if_differs(const struct lm_if *a, const struct lm_if *b);

#endif
