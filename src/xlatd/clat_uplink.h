/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What an interface is to the CLAT manager, from its facts: clat_uplink.c. */
#ifndef XLATD_CLAT_UPLINK_H
#define XLATD_CLAT_UPLINK_H

#include "control/link_monitor.h"
#include "xlatd/clat.h"
#include "xlatd/config.h"

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

/* name is in l: one of its names, or matches one of its shell patterns. */
bool clat_in_list(char (*l)[IFNAMSIZ], unsigned int n, const char *name);
/* A TUN this xlatd holds open (any instance's), by /proc/self/fdinfo. */
bool clat_held_tun(const char *ifname);
/* Ethernet-like or point-to-point IP: a link type an uplink comes as. */
bool clat_uplink_type(unsigned short type);
bool clat_other_clat(const struct lm_if *up, const struct lm_if *all,
		     unsigned int n, bool (*ours)(const char *ifname),
		     char *what, size_t len);
/* The /64 toward the NAT64 prefix (RFC 6724 rules 6, 8) into p. */
void clat_pick_uplink64(const struct lm_if *f, const struct xlat_prefix6 *nat64,
			struct clat_plan *p);
/* Dedicated or shared (p->addr_why); false when it cannot run (p->reason). */
bool clat_addr_mode_for(const struct clat_conf *cc, const struct lm_if *f,
			const char *name, struct clat_plan *p);

#endif
