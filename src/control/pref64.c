// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 8781 PREF64 option parsing and the per-link prefix table. */
#include "control/pref64.h"

#include <errno.h>
#include <string.h>

static const uint8_t plc_lens[] = { 96, 64, 56, 48, 40, 32 };

int pref64_plc_to_len(unsigned int plc)
{
	if (plc >= sizeof(plc_lens))
		return -1;
	return plc_lens[plc];
}

int pref64_len_to_plc(unsigned int len)
{
	for (unsigned int i = 0; i < sizeof(plc_lens); i++)
		if (plc_lens[i] == len)
			return (int)i;
	return -1;
}

void pref64_mask(struct in6_addr *a, unsigned int len)
{
	unsigned int byte = len / 8, bits = len % 8;

	if (len >= 128)
		return;
	if (bits)
		a->s6_addr[byte++] &= (uint8_t)(0xff << (8 - bits));
	memset(a->s6_addr + byte, 0, 16 - byte);
}

int pref64_opt_parse(const uint8_t *opt, size_t len, struct pref64_opt *o)
{
	unsigned int word;
	int plen;

	/* RFC 8781 section 4: the length field is always 2 (16 bytes). */
	if (len < PREF64_OPT_LEN || opt[0] != ND_OPT_PREF64 || opt[1] != 2)
		return -EINVAL;
	word = (unsigned int)opt[2] << 8 | opt[3];
	plen = pref64_plc_to_len(word & 7);
	if (plen < 0)
		return -EPROTO;
	memset(o, 0, sizeof(*o));
	memcpy(o->prefix.addr.s6_addr, opt + 4, 12);
	/* Senders may leave garbage beyond the prefix length: it never counts. */
	pref64_mask(&o->prefix.addr, (unsigned int)plen);
	o->prefix.len = (uint8_t)plen;
	o->lifetime = (word >> 3) * 8;
	return 0;
}

size_t pref64_opt_build(uint8_t *buf, const struct xlat_prefix6 *p,
			uint32_t lifetime)
{
	int plc = pref64_len_to_plc(p->len);
	uint32_t scaled = lifetime / 8 + (lifetime % 8 != 0);
	struct in6_addr a = p->addr;
	unsigned int word;

	if (plc < 0)
		return 0;
	if (scaled > PREF64_MAX_SCALED)
		scaled = PREF64_MAX_SCALED;
	pref64_mask(&a, p->len);
	word = scaled << 3 | (unsigned int)plc;
	buf[0] = ND_OPT_PREF64;
	buf[1] = 2;
	buf[2] = (uint8_t)(word >> 8);
	buf[3] = (uint8_t)word;
	memcpy(buf + 4, a.s6_addr, 12);
	return PREF64_OPT_LEN;
}

void pref64_table_init(struct pref64_table *t)
{
	memset(t, 0, sizeof(*t));
}

static bool same_prefix(const struct xlat_prefix6 *a,
			const struct xlat_prefix6 *b)
{
	return a->len == b->len &&
	       memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

static struct pref64_entry *find(struct pref64_table *t,
				 const struct in6_addr *router,
				 const struct xlat_prefix6 *p)
{
	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		struct pref64_entry *e = &t->e[i];

		if (e->used && same_prefix(&e->prefix, p) &&
		    memcmp(&e->router, router, sizeof(*router)) == 0)
			return e;
	}
	return NULL;
}

/*
 * A router's new prefix replaces those of its prefixes that this RA did
 * not carry (not refreshed at the same instant: the options of one RA
 * are applied with one timestamp).
 */
static void supersede(struct pref64_table *t, const struct pref64_entry *n)
{
	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		struct pref64_entry *e = &t->e[i];

		if (e->used && e != n && !e->superseded_by &&
		    !memcmp(&e->router, &n->router, sizeof(n->router)) &&
		    e->last_seen < n->last_seen)
			e->superseded_by = n->seq;
	}
}

/* Remove e; what it superseded is a candidate again. */
static void drop(struct pref64_table *t, struct pref64_entry *e)
{
	uint64_t seq = e->seq;

	memset(e, 0, sizeof(*e));
	for (int i = 0; i < PREF64_TABLE_MAX; i++)
		if (t->e[i].used && t->e[i].superseded_by == seq)
			t->e[i].superseded_by = 0;
}

static bool same_router(const struct pref64_entry *e,
			const struct in6_addr *router)
{
	return e->used && !memcmp(&e->router, router, sizeof(*router));
}

/* Whether the router's RA at now carried a prefix nothing supersedes. */
static bool router_current_at(const struct pref64_table *t,
			      const struct in6_addr *router, uint64_t now)
{
	for (int i = 0; i < PREF64_TABLE_MAX; i++)
		if (same_router(&t->e[i], router) && t->e[i].last_seen == now &&
		    !t->e[i].superseded_by)
			return true;
	return false;
}

/*
 * The router's RA at now carried only prefixes it had replaced: it went
 * back to them.  They are current again (the first seen first) and
 * replace what that RA did not carry.
 */
static void revive(struct pref64_table *t, const struct in6_addr *router,
		   uint64_t now)
{
	const struct pref64_entry *first = NULL;

	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		struct pref64_entry *e = &t->e[i];

		if (!same_router(e, router) || e->last_seen != now)
			continue;
		e->superseded_by = 0;
		if (!first || e->seq < first->seq)
			first = e;
	}
	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		struct pref64_entry *e = &t->e[i];

		if (same_router(e, router) && e->last_seen < now &&
		    !e->superseded_by)
			e->superseded_by = first->seq;
	}
}

int pref64_table_settle(struct pref64_table *t, uint64_t now)
{
	int n = 0;

	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		const struct pref64_entry *e = &t->e[i];

		if (!e->used || e->last_seen != now || !e->superseded_by ||
		    router_current_at(t, &e->router, now))
			continue;
		revive(t, &e->router, now);
		n++;
	}
	return n;
}

static struct pref64_entry *free_slot(struct pref64_table *t)
{
	for (int i = 0; i < PREF64_TABLE_MAX; i++)
		if (!t->e[i].used)
			return &t->e[i];
	return NULL;
}

int pref64_table_update(struct pref64_table *t, const struct in6_addr *router,
			const struct pref64_opt *o, uint64_t now)
{
	struct pref64_entry *e = find(t, router, &o->prefix);

	if (o->lifetime == 0) {
		if (!e)
			return 0;
		drop(t, e);
		return 1;
	}
	if (e) {
		e->expires = now + (uint64_t)o->lifetime * 1000;
		e->last_seen = now;
		return 0;
	}
	e = free_slot(t);
	if (!e)
		return -ENOSPC;
	e->used = true;
	e->prefix = o->prefix;
	e->router = *router;
	e->expires = now + (uint64_t)o->lifetime * 1000;
	e->seq = ++t->seq;
	e->last_seen = now;
	supersede(t, e);
	return 1;
}

int pref64_table_expire(struct pref64_table *t, uint64_t now)
{
	int n = 0;

	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		struct pref64_entry *e = &t->e[i];

		if (e->used && e->expires <= now) {
			drop(t, e);
			n++;
		}
	}
	return n;
}

uint64_t pref64_table_next_expiry(const struct pref64_table *t)
{
	uint64_t next = PREF64_NEVER;

	for (int i = 0; i < PREF64_TABLE_MAX; i++)
		if (t->e[i].used && t->e[i].expires < next)
			next = t->e[i].expires;
	return next;
}

const struct pref64_entry *pref64_table_best(const struct pref64_table *t,
					     uint64_t now)
{
	const struct pref64_entry *best;

	return pref64_table_candidates(t, now, &best, 1) ? best : NULL;
}

int pref64_table_candidates(const struct pref64_table *t, uint64_t now,
			    const struct pref64_entry **out, int max)
{
	int n = 0;

	/* Insertion by seq: the table holds eight entries at most. */
	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		const struct pref64_entry *e = &t->e[i];
		int j;

		if (!e->used || e->expires <= now || e->superseded_by)
			continue;
		for (j = n; j > 0 && out[j - 1]->seq > e->seq; j--)
			if (j < max)
				out[j] = out[j - 1];
		if (j < max) {
			out[j] = e;
			if (n < max)
				n++;
		}
	}
	return n;
}
