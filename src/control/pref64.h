/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 8781 PREF64 Router Advertisement option (pure: no I/O).
 *
 * pref64_opt_parse() decodes one option as the kernel hands it over in
 * RTM_NEWNDUSEROPT (see nd_monitor.h).  struct pref64_table remembers
 * the prefixes of every router on one link with their expiry, and picks
 * one of them deterministically.  A router's prefix is its latest: when
 * a router announces a prefix it did not announce in the same RA as the
 * ones it announced before (renumbering, a replaced NAT64), the new one
 * supersedes them at once, and for good while it is valid (they come
 * back as candidates if it is withdrawn or expires).  Among the routers,
 * the candidate first seen wins, so a second router's prefix never takes
 * over a working one.  Times are milliseconds of CLOCK_MONOTONIC, chosen
 * by the caller.
 */
#ifndef XLAT_PREF64_H
#define XLAT_PREF64_H

#include "xlat.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ND_OPT_PREF64 38
#define PREF64_OPT_LEN 16
#define PREF64_MAX_SCALED 8191 /* 13 bits of scaled lifetime */
#define PREF64_TABLE_MAX 8
#define PREF64_NEVER UINT64_MAX

struct pref64_opt {
	struct xlat_prefix6 prefix; /* bits beyond len are zero */
	uint32_t lifetime;          /* seconds (scaled lifetime * 8); 0: withdrawn */
};

/* RFC 8781 section 4: PLC 0..5 -> 96, 64, 56, 48, 40, 32; else -1. */
int pref64_plc_to_len(unsigned int plc);
/* The inverse: -1 for a length PREF64 cannot carry. */
int pref64_len_to_plc(unsigned int len);

/*
 * Parse the option at opt (type byte first), len bytes available.
 * Returns 0, -EINVAL for a wrong type or length (the RFC fixes it at 2
 * units of 8 bytes), -EPROTO for a PLC of 6 or 7 (RFC 8781: ignore the
 * option).
 */
int pref64_opt_parse(const uint8_t *opt, size_t len, struct pref64_opt *o);

/*
 * Encode an option (16 bytes) for prefix p with lifetime seconds,
 * rounded up to units of 8 s and capped at 8191 units.  Returns 16, or
 * 0 if p->len has no PLC.  Used by the tests and the probe tool.
 */
size_t pref64_opt_build(uint8_t *buf, const struct xlat_prefix6 *p,
			uint32_t lifetime);

struct pref64_entry {
	bool used;
	struct xlat_prefix6 prefix;
	struct in6_addr router;   /* RA source address */
	uint64_t expires;         /* ms */
	uint64_t seq;             /* first-seen order: lower wins */
	uint64_t last_seen;       /* ms of the latest refresh */
	uint64_t superseded_by;   /* seq of the same router's newer prefix */
};

struct pref64_table {
	struct pref64_entry e[PREF64_TABLE_MAX];
	uint64_t seq;
};

void pref64_table_init(struct pref64_table *t);

/*
 * Apply one option from router at time now: refresh, add or (lifetime
 * 0) remove the (prefix, router) entry.  A refresh keeps the entry's
 * place in the first-seen order.  Returns 1 if the table changed in
 * membership, 0 for a pure refresh or a no-op, -ENOSPC when the table is
 * full (the option is ignored: the current choice stays stable).
 */
int pref64_table_update(struct pref64_table *t, const struct in6_addr *router,
			const struct pref64_opt *o, uint64_t now);

/*
 * Once every option of the RAs received at now is applied: a router
 * whose RA carried only prefixes it had replaced earlier went back to
 * them (A -> B -> A); they replace the others at once.  An RA that also
 * carries the replacing prefix changes nothing (the first seen stays
 * first).  Returns how many routers went back.
 */
int pref64_table_settle(struct pref64_table *t, uint64_t now);

/* Drop the entries whose lifetime ran out (expires <= now); returns how many. */
int pref64_table_expire(struct pref64_table *t, uint64_t now);

/* The earliest expiry of any entry, PREF64_NEVER when empty. */
uint64_t pref64_table_next_expiry(const struct pref64_table *t);

/* The chosen entry (lowest seq among the valid entries that no newer
 * prefix of their router supersedes), NULL if none. */
const struct pref64_entry *pref64_table_best(const struct pref64_table *t,
					     uint64_t now);

/* The valid candidates in the order they would be chosen (the best
 * first), at most max of them: how many. */
int pref64_table_candidates(const struct pref64_table *t, uint64_t now,
			    const struct pref64_entry **out, int max);

/* Zero the bits of a beyond len (len <= 128). */
void pref64_mask(struct in6_addr *a, unsigned int len);

#endif
