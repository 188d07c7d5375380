// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 section 3.1: the Binding Information Bases, one per protocol
 * (kept in one table with the protocol in the key), looked up from either
 * side; pool4 transport address allocation with RFC 6056 algorithm 3
 * (keyed-hash offset plus a running counter) and the port rules of RFC
 * 6146 section 3.5.1.1: same range (0-1023 or 1024-65535) and same parity
 * when the pool allows, the host's current pool4 address first (RFC 4787
 * REQ-2 paired pooling).
 */
#include "rfc6146_int.h"

#include "rfc6052.h"

#include <arpa/inet.h>
#include <string.h>

#define MAX_PROBES (1u << 17) /* port lookups per allocation, at most */

/* The bucket of (p, a6, p6): one of shard's. */
static uint32_t hash6(const struct nat64 *nat, uint32_t shard,
		      enum nat64_proto p, const struct in6_addr *a6,
		      uint16_t p6)
{
	uint8_t k[19];

	memcpy(k, a6, 16);
	k[16] = (uint8_t)(p6 >> 8);
	k[17] = (uint8_t)p6;
	k[18] = (uint8_t)p;
	return nat64_bucket((uint32_t)nat64_siphash(nat->cfg.key, k, sizeof(k)),
			    nat->bib_mask, shard);
}

uint32_t nat64_bib_bucket4(const struct nat64 *nat, enum nat64_proto p,
			   const struct in_addr *a4, uint16_t p4)
{
	uint8_t k[7];

	memcpy(k, a4, 4);
	k[4] = (uint8_t)(p4 >> 8);
	k[5] = (uint8_t)p4;
	k[6] = (uint8_t)p;
	return (uint32_t)nat64_siphash(nat->cfg.key, k, sizeof(k)) &
	       nat->bib_mask;
}

static pthread_mutex_t *stripe_of(struct nat64 *nat, uint32_t bucket)
{
	return &nat->stripe[bucket & (NAT64_STRIPES - 1)].lock;
}

struct nat64_bib *nat64_bib_find6(struct nat64 *nat, uint32_t shard,
				  enum nat64_proto p, const struct in6_addr *a6,
				  uint16_t p6)
{
	uint32_t i = nat->h_bib6[hash6(nat, shard, p, a6, p6)];

	for (; i != NAT64_NIL; i = nat->bib[i].next6) {
		struct nat64_bib *b = &nat->bib[i];

		if (b->proto == p && b->p6 == p6 && !memcmp(&b->a6, a6, 16))
			return b;
	}
	return NULL;
}

struct nat64_bib *nat64_bib_find4(struct nat64 *nat, uint32_t bucket,
				  enum nat64_proto p, const struct in_addr *a4,
				  uint16_t p4)
{
	uint32_t i = nat->h_bib4[bucket];

	for (; i != NAT64_NIL; i = nat->bib[i].next4) {
		struct nat64_bib *b = &nat->bib[i];

		if (b->proto == p && b->p4 == p4 && b->a4.s_addr == a4->s_addr)
			return b;
	}
	return NULL;
}

void nat64_event(struct nat64 *nat, enum nat64_event_kind k,
		 const struct nat64_bib *b, const struct nat64_sess *s)
{
	struct nat64_event ev;

	if (!nat->log)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = k;
	ev.proto = (enum nat64_proto)b->proto;
	ev.a6 = b->a6;
	ev.p6 = b->p6;
	ev.a4 = b->a4;
	ev.p4 = b->p4;
	if (s) {
		ev.r4 = s->r4;
		ev.rport = s->rport;
	}
	nat->log(nat->log_arg, &ev);
}

/* A free entry for (p, a6, p6) of shard, not yet on any chain. */
static struct nat64_bib *bib_alloc(struct nat64 *nat, uint32_t shard,
				   enum nat64_proto p,
				   const struct in6_addr *a6, uint16_t p6)
{
	struct nat64_bib *b;
	uint32_t i;

	pthread_mutex_lock(&nat->pool_lock);
	i = nat->free_bib;
	if (i != NAT64_NIL)
		nat->free_bib = nat->bib[i].next6;
	pthread_mutex_unlock(&nat->pool_lock);
	if (i == NAT64_NIL)
		return NULL;
	b = &nat->bib[i];
	memset(b, 0, sizeof(*b));
	b->a6 = *a6;
	b->p6 = p6;
	b->proto = (uint8_t)p;
	b->shard = (uint16_t)shard;
	b->sess = NAT64_NIL;
	return b;
}

static void bib_free(struct nat64 *nat, struct nat64_bib *b, bool used)
{
	uint32_t idx = (uint32_t)(b - nat->bib);

	b->flags = 0;
	if (used)
		__atomic_fetch_sub(&nat->n_bib, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&nat->pool_lock);
	b->next6 = nat->free_bib;
	nat->free_bib = idx;
	pthread_mutex_unlock(&nat->pool_lock);
}

/*
 * Take (a4, p4) for b: on the IPv4 side's chain if nobody has it.  The
 * look and the taking are one step under the stripe, so two hosts (two
 * shards) never get the same transport address.
 */
static bool bib_claim4(struct nat64 *nat, struct nat64_bib *b,
		       const struct in_addr *a4, uint16_t p4)
{
	enum nat64_proto p = (enum nat64_proto)b->proto;
	uint32_t h4 = nat64_bib_bucket4(nat, p, a4, p4);
	pthread_mutex_t *l = stripe_of(nat, h4);
	bool ok;

	pthread_mutex_lock(l);
	ok = !nat64_bib_find4(nat, h4, p, a4, p4);
	if (ok) {
		b->a4 = *a4;
		b->p4 = p4;
		b->next4 = nat->h_bib4[h4];
		nat->h_bib4[h4] = (uint32_t)(b - nat->bib);
	}
	pthread_mutex_unlock(l);
	return ok;
}

/* b, claimed, goes on its shard's chain and counts. */
static struct nat64_bib *bib_link6(struct nat64 *nat, struct nat64_bib *b)
{
	uint32_t h6 = hash6(nat, b->shard, (enum nat64_proto)b->proto, &b->a6,
			    b->p6);

	b->flags = NAT64_BIB_USED;
	b->next6 = nat->h_bib6[h6];
	nat->h_bib6[h6] = (uint32_t)(b - nat->bib);
	__atomic_fetch_add(&nat->n_bib, 1, __ATOMIC_RELAXED);
	NAT64_COUNT(nat, bib_added);
	return b;
}

static void unlink_chain(struct nat64 *nat, uint32_t *head, uint32_t idx,
			 bool six)
{
	uint32_t *pp = head;

	while (*pp != NAT64_NIL) {
		struct nat64_bib *x = &nat->bib[*pp];

		if (*pp == idx) {
			*pp = six ? x->next6 : x->next4;
			return;
		}
		pp = six ? &x->next6 : &x->next4;
	}
}

/* A dynamic entry goes with its last session (RFC 6146 section 3.5.1). */
void nat64_bib_put(struct nat64 *nat, struct nat64_bib *b)
{
	uint32_t idx = (uint32_t)(b - nat->bib), h4;
	enum nat64_proto p = (enum nat64_proto)b->proto;
	pthread_mutex_t *l;

	if (b->n_sess || (b->flags & NAT64_BIB_STATIC))
		return;
	nat64_event(nat, NAT64_EV_BIB_DEL, b, NULL);
	unlink_chain(nat, &nat->h_bib6[hash6(nat, b->shard, p, &b->a6, b->p6)],
		     idx, true);
	h4 = nat64_bib_bucket4(nat, p, &b->a4, b->p4);
	l = stripe_of(nat, h4);
	pthread_mutex_lock(l);
	unlink_chain(nat, &nat->h_bib4[h4], idx, false);
	pthread_mutex_unlock(l);
	bib_free(nat, b, true);
	NAT64_COUNT(nat, bib_removed);
}

/* At nat64_init(), alone: no other thread yet. */
int nat64_bib_add_static(struct nat64 *nat, const struct nat64_static *s)
{
	uint32_t shard = nat64_shard_of(nat, &s->a6);
	struct nat64_bib *b;

	if (nat64_bib_find6(nat, shard, s->proto, &s->a6, s->p6))
		return -1;
	b = bib_alloc(nat, shard, s->proto, &s->a6, s->p6);
	if (!b)
		return -1;
	if (!bib_claim4(nat, b, &s->a4, s->p4)) {
		bib_free(nat, b, false);
		return -1;
	}
	bib_link6(nat, b)->flags |= NAT64_BIB_STATIC;
	return 0;
}

bool nat64_pool4_contains(const struct nat64_cfg *cfg, const struct in_addr *a)
{
	for (unsigned int i = 0; i < cfg->n_pool4; i++)
		if (prefix4_contains(&cfg->pool4[i].pfx.addr,
				     cfg->pool4[i].pfx.len, a))
			return true;
	return false;
}

struct nat64_host *nat64_host_find(struct nat64 *nat,
				   const struct in6_addr *a6)
{
	uint32_t i = nat->h_host[(uint32_t)nat64_siphash(nat->cfg.key, a6, 16) &
				 nat->host_mask];

	for (; i != NAT64_NIL; i = nat->host[i].next)
		if (!memcmp(&nat->host[i].a6, a6, 16))
			return &nat->host[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* pool4 allocation                                                    */

/* The ports of one pool4 entry a source port s may take: same range
 * class and, for TCP and UDP, same parity, when there are such ports. */
struct cand {
	uint32_t first, step, count;
};

static void candidates(const struct nat64_pool4 *e, uint16_t s, struct cand *c)
{
	uint32_t lo = e->lo, hi = e->hi;

	if (s < 1024 && lo < 1024) {
		hi = hi < 1023 ? hi : 1023;
	} else if (s >= 1024 && hi >= 1024) {
		lo = lo > 1024 ? lo : 1024;
	}
	c->first = lo;
	c->step = 1;
	c->count = hi - lo + 1;
	if (e->proto == NAT64_ICMP || hi == lo)
		return;
	/* RFC 4787 4.2.2 parity, via RFC 6146 3.5.1.1. */
	c->first = (lo & 1) == (s & 1u) ? lo : lo + 1;
	c->step = 2;
	c->count = (hi - c->first) / 2 + 1;
}

static uint32_t pool_addrs(const struct nat64_pool4 *e)
{
	return e->pfx.len >= 32 ? 1 : 1u << (32 - e->pfx.len);
}

/* A port of a4 for b (claimed on success). */
static bool try_addr(struct nat64 *nat, const struct nat64_pool4 *e,
		     const struct in_addr *a4, struct nat64_bib *b,
		     uint32_t *budget)
{
	uint32_t *next = &nat->shard[b->shard].next_ephemeral;
	uint8_t k[21];
	struct cand c;
	uint32_t off;

	candidates(e, b->p6, &c);
	memcpy(k, &b->a6, 16);
	memcpy(k + 16, a4, 4);
	k[20] = (uint8_t)e->proto;
	/* RFC 6056 algorithm 3: offset = F(addresses, secret). */
	off = (uint32_t)nat64_siphash(nat->cfg.key, k, sizeof(k));
	for (uint32_t i = 0; i < c.count && *budget; i++, (*budget)--) {
		uint32_t n = (off + *next + i) % c.count;
		uint16_t p = (uint16_t)(c.first + n * c.step);

		if (!bib_claim4(nat, b, a4, p))
			continue;
		*next += i + 1;
		return true;
	}
	return false;
}

/* The n-th pool4 address of protocol p, and its entry. */
static const struct nat64_pool4 *nth_addr(const struct nat64_cfg *cfg,
					  enum nat64_proto p, uint32_t n,
					  struct in_addr *a4)
{
	for (unsigned int i = 0; i < cfg->n_pool4; i++) {
		const struct nat64_pool4 *e = &cfg->pool4[i];
		uint32_t k;

		if (e->proto != p)
			continue;
		k = pool_addrs(e);
		if (n < k) {
			a4->s_addr = htonl(ntohl(e->pfx.addr.s_addr) + n);
			return e;
		}
		n -= k;
	}
	return NULL;
}

/* Index of a4 among protocol p's addresses, or the hash's pick. */
static uint32_t first_addr(const struct nat64 *nat, enum nat64_proto p,
			   const struct nat64_host *h,
			   const struct in6_addr *a6, uint32_t total)
{
	uint32_t base = 0;

	for (unsigned int i = 0; h && i < nat->cfg.n_pool4; i++) {
		const struct nat64_pool4 *e = &nat->cfg.pool4[i];

		if (e->proto != p)
			continue;
		if (prefix4_contains(&e->pfx.addr, e->pfx.len, &h->a4))
			return base + ntohl(h->a4.s_addr) -
			       ntohl(e->pfx.addr.s_addr);
		base += pool_addrs(e);
	}
	return (uint32_t)nat64_siphash(nat->cfg.key, a6, 16) % total;
}

struct nat64_bib *nat64_bib_new(struct nat64 *nat, uint32_t shard,
				enum nat64_proto p, const struct in6_addr *a6,
				uint16_t p6, enum xlat_drop *why)
{
	const struct nat64_host *h = nat64_host_find(nat, a6);
	uint32_t total = 0, start, budget = MAX_PROBES;
	struct nat64_bib *b;
	struct in_addr a4;

	b = bib_alloc(nat, shard, p, a6, p6);
	if (!b) {
		*why = XLAT_DROP_NAT64_TABLE_FULL;
		NAT64_COUNT(nat, refused_table_full);
		return NULL;
	}
	for (unsigned int i = 0; i < nat->cfg.n_pool4; i++)
		if (nat->cfg.pool4[i].proto == p)
			total += pool_addrs(&nat->cfg.pool4[i]);
	*why = XLAT_DROP_NAT64_POOL4_EXHAUSTED;
	start = total ? first_addr(nat, p, h && h->n ? h : NULL, a6, total) : 0;
	for (uint32_t k = 0; k < total && budget; k++) {
		const struct nat64_pool4 *e;

		e = nth_addr(&nat->cfg, p, (start + k) % total, &a4);
		if (e && try_addr(nat, e, &a4, b, &budget))
			return bib_link6(nat, b);
	}
	bib_free(nat, b, false);
	NAT64_COUNT(nat, refused_pool4);
	return NULL;
}

/*
 * Section 3.5.2.2, simultaneous open: the IPv6 host's SYN answers an IPv4
 * SYN held for a pool4 transport address nobody had; the new mapping
 * takes that address so both SYNs belong to one connection.
 */
struct nat64_bib *nat64_bib_new_at(struct nat64 *nat, uint32_t shard,
				   enum nat64_proto p,
				   const struct in6_addr *a6, uint16_t p6,
				   const struct in_addr *a4, uint16_t p4)
{
	struct nat64_bib *b;
	bool in_pool = false;

	for (unsigned int i = 0; i < nat->cfg.n_pool4; i++) {
		const struct nat64_pool4 *e = &nat->cfg.pool4[i];

		if (e->proto == p && p4 >= e->lo && p4 <= e->hi &&
		    prefix4_contains(&e->pfx.addr, e->pfx.len, a4))
			in_pool = true;
	}
	if (!in_pool)
		return NULL;
	b = bib_alloc(nat, shard, p, a6, p6);
	if (!b)
		return NULL;
	if (!bib_claim4(nat, b, a4, p4)) { /* taken */
		bib_free(nat, b, false);
		return NULL;
	}
	return bib_link6(nat, b);
}
