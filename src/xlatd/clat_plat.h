/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PLAT liveness for one uplink's CLAT: control/plat_health.c's decisions
 * fed with the running CLAT's counters once a second, and its probes
 * sent: an ICMPv6 echo from the host to PREFIX + plat-probe (the [clat]
 * key) through a raw ICMPv6 socket on the uplink, answered through the
 * PLAT behind that prefix.  The manager (clat_auto.c) asks which of the
 * discovery candidates to use; docs/clat-auto.md has the rules.
 */
#ifndef XLATD_CLAT_PLAT_H
#define XLATD_CLAT_PLAT_H

#include "control/discovery.h"
#include "control/plat_health.h"
#include "xlatd/config.h"

#include <stdbool.h>
#include <stdint.h>

struct instance;

struct clat_plat_probe {
	struct xlat_prefix6 prefix;
	uint16_t seq;
};

struct clat_plat {
	bool on;              /* plat-check = yes */
	struct plat_health h;
	bool has_probe;
	struct in_addr probe4;
	int ifindex;
	int fd;               /* raw ICMPv6 socket for probes, -1 */
	uint16_t ident, seq;
	struct clat_plat_probe pending[PH_MAX];
	uint64_t next_sample; /* ms */
	char why[200];        /* of the last choice ("" when plain) */
	unsigned int logged_switches;
};

/* Zeroed and fd -1: "off". */
void clat_plat_init(struct clat_plat *cp);
/* Follow the [clat] section (or its defaults) on ifindex. */
void clat_plat_setup(struct clat_plat *cp, const struct clat_conf *cc,
		     int ifindex);
void clat_plat_close(struct clat_plat *cp);
int clat_plat_fd(const struct clat_plat *cp);

/* Which of the n candidates (n >= 1) the CLAT uses now. */
int clat_plat_choose(struct clat_plat *cp, const struct discovery_state *c,
		     int n, uint64_t now);
/*
 * Read probe answers, take a counter sample (once a second, inst running),
 * send the probes due, expire the late ones.  True when the choice may
 * have changed.
 */
bool clat_plat_process(struct clat_plat *cp, struct instance *inst,
		       uint64_t now);
/* When clat_plat_process() wants to run next; DISC_NEVER when idle. */
uint64_t clat_plat_deadline(const struct clat_plat *cp, bool running);

#endif
