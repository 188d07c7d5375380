/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PLAT liveness and failover between NAT64 prefixes (pure: no I/O; the
 * caller brings the clock, the CLAT's counters and the probe results).
 *
 * Passive: while the CLAT sends (4->6 packets out) and nothing comes back
 * (no 6->4 packet in) for dead_after_ms with at least PH_MIN_OUT packets
 * sent, the PLAT behind the prefix in use is suspect.  Active: with a
 * probe address, the caller then sends an ICMPv6 echo through the suspect
 * prefix (plat_health_want_probe()); no answer within probe_timeout_ms
 * makes it dead, an answer clears it (one-way traffic, not a dead PLAT).
 * Without a probe address suspicion alone makes it dead.
 *
 * The prefix used is the first candidate not dead.  A dead prefix is
 * probed again every retry_ms (without a probe address it is simply
 * believed alive again after holddown_ms); when it answers it is alive.
 * Two switches of the prefix in use are never closer than holddown_ms,
 * so the CLAT cannot flap faster than that; the first switch away from a
 * dead prefix is immediate.  With one candidate only, a dead PLAT is
 * reported and the CLAT keeps running on it (nothing better exists).
 */
#ifndef XLAT_PLAT_HEALTH_H
#define XLAT_PLAT_HEALTH_H

#include "xlat.h"

#include <stdbool.h>
#include <stdint.h>

#define PH_MAX 8
#define PH_MIN_OUT 3

struct plat_health_cfg {
	uint64_t dead_after_ms;    /* default 5000 */
	uint64_t probe_timeout_ms; /* default 2000 */
	uint64_t retry_ms;         /* default 10000 */
	uint64_t holddown_ms;      /* default 30000 */
	bool can_probe;
};

enum ph_state { PH_ALIVE, PH_SUSPECT, PH_DEAD };

struct ph_prefix {
	struct xlat_prefix6 p;
	enum ph_state state;
	uint64_t since;        /* of the state */
	uint64_t next_probe;   /* dead: when to probe again */
	bool probing;
	uint64_t probe_deadline;
};

struct plat_health {
	struct plat_health_cfg cfg;
	struct ph_prefix e[PH_MAX];
	unsigned int n;
	struct xlat_prefix6 in_use;
	bool has_in_use;
	uint64_t last_switch;  /* 0: never */
	/* the counters at the last sample */
	uint64_t out, in;
	uint64_t quiet_since;  /* first unanswered send after the last answer; 0: none */
	uint64_t out_at_quiet;
	unsigned int switches;
};

void plat_health_cfg_default(struct plat_health_cfg *c);
void plat_health_init(struct plat_health *h, const struct plat_health_cfg *c);

/*
 * The index into cand[] (n >= 1 valid prefixes, best first) of the
 * prefix to use now; records it as in use.  why (may be NULL) says why
 * when it is not cand[0] or when the one used is dead.
 */
int plat_health_choose(struct plat_health *h, const struct xlat_prefix6 *cand,
		       unsigned int n, uint64_t now, char *why, size_t whylen);

/*
 * A sample of the running CLAT's counters (4->6 packets out, 6->4
 * packets in).  Returns true when a prefix's state changed (choose
 * again).
 */
bool plat_health_sample(struct plat_health *h, uint64_t out, uint64_t in,
			uint64_t now);

/* A prefix to send a probe through now (then plat_health_probe_sent()),
 * false when none is due. */
bool plat_health_want_probe(struct plat_health *h, uint64_t now,
			    struct xlat_prefix6 *p);
void plat_health_probe_sent(struct plat_health *h,
			    const struct xlat_prefix6 *p, uint64_t now);
/* An answer through p arrived; true when that changed its state. */
bool plat_health_probe_ok(struct plat_health *h, const struct xlat_prefix6 *p,
			  uint64_t now);
/* Probes past their deadline fail; true when a state changed. */
bool plat_health_timeouts(struct plat_health *h, uint64_t now);

enum ph_state plat_health_state(const struct plat_health *h,
				const struct xlat_prefix6 *p);
const char *plat_health_state_name(enum ph_state s);

#endif
