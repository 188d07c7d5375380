/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "clat" instance kind (RFC 6877 customer-side translator for the
 * host itself): it executes plans.  Which uplink runs a CLAT, with which
 * NAT64 prefix and metric, is decided by the manager (clat_auto.c), which
 * hands every decision over with clat_apply().  The manager learns about
 * instances through the observer it registers, so this file does not
 * depend on it.
 */
#ifndef XLATD_CLAT_H
#define XLATD_CLAT_H

#include "control/discovery.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Above every automatic IPv4 default route a host may also have, so a
 * real IPv4 uplink always wins: dhcpcd uses 1000 + ifindex (wired) and
 * 3000 + ifindex (wireless), NetworkManager 100 / 600, systemd-networkd
 * 1024.
 */
#define CLAT_METRIC_BASE 4096

struct instance;

struct clat_plan {
	bool run;
	char reason[200];           /* why not (or, running, what it uses) */
	int ifindex;
	struct xlat_prefix6 pref64;
	enum discovery_source source;
	uint64_t expires;           /* ms CLOCK_MONOTONIC, DISC_NEVER */
	struct in6_addr prefix64;   /* the uplink's /64 */
	char prefix_why[120];       /* why that one */
	char plat_why[200];         /* PLAT liveness: failed over, dead ("") */
	uint32_t metric;
	/* Shared-address mode (docs/clat-shared.md): the CLAT uses the
	 * host's own address with a NAPT; else a dedicated address. */
	bool shared;
	char addr_why[200];         /* why that address mode */
};

/* Execute a plan (start, stop or reconfigure the data path). */
void clat_apply(struct instance *inst, const struct clat_plan *p);
/* The instance translates right now (state running). */
bool clat_working(struct instance *inst);
/* Its data path is set up or being set up (its addresses are on the host). */
bool clat_engaged(struct instance *inst);
/* Packets translated by the running CLAT so far, both data paths: 4->6
 * out and 6->4 in (the PLAT's answers). */
void clat_traffic(struct instance *inst, uint64_t *out6, uint64_t *in6);
/* The uplink an instance is for. */
const char *clat_uplink(struct instance *inst);

/* Told when a clat instance appears for, and leaves, its uplink. */
struct clat_observer {
	void (*bind)(struct instance *inst);
	void (*unbind)(struct instance *inst);
};

void clat_set_observer(const struct clat_observer *o);

/* "RA", "DNS", "static" (or "none"). */
const char *clat_source_name(enum discovery_source s);

#endif
