/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the CLAT manager's files share: an uplink as the manager knows it
 * (clat_auto.c) and the plan made for it (clat_auto_plan.c).
 */
#ifndef XLATD_CLAT_AUTO_PRIV_H
#define XLATD_CLAT_AUTO_PRIV_H

#include "control/discovery.h"
#include "control/link_monitor.h"
#include "xlatd/clat_plat.h"

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

/* Interfaces that may get an automatic CLAT at once (every routed veth
 * of a container host is one until its facts say otherwise). */
#define MAX_UPLINKS 1024

struct uplink {
	bool used;
	char name[IFNAMSIZ];
	bool present;            /* the link monitor knows it */
	struct lm_if facts;
	struct discovery disc;
	bool disc_on;
	bool disc_wanted;        /* seen up with an IPv6 default route */
	struct instance *inst;   /* bound clat instance */
	struct clat_plat plat;   /* PLAT liveness of its prefixes */
	bool auto_inst;          /* created by us, not by a [clat] section */
	int slot;                /* metric offset; -1: none */
	bool dirty;
};

/* clat_auto.c: what the plan asks of the manager. */
bool clat_auto_other_clat(const struct uplink *u, char *what, size_t n);
bool clat_auto_slot_taken(int slot);

/* clat_auto_disc.c: u's NAT64 prefix discovery, its fd in epfd. */
void clat_auto_disc_start(struct uplink *u, int epfd);
void clat_auto_disc_stop(struct uplink *u, int epfd);

/* clat_auto_plan.c: make u's plan and hand it to its instance. */
void clat_auto_apply(struct uplink *u);

#endif
