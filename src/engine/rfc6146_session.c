// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 section 3.2: the session tables, their lifetimes and the TCP
 * state machine of section 3.5.2.2.
 *
 * Each lifetime class (UDP, TCP established, TCP transitory, incoming
 * SYN, ICMP) has one fixed duration, so a list per class kept in refresh
 * order is also in expiry order: a refresh moves a session to the tail,
 * expiry pops from the head, both O(1).
 */
#include "rfc6146_int.h"

#include <string.h>

static uint32_t sess_hash(const struct nat64 *nat, uint32_t bib,
			  const struct in_addr *r4, uint16_t rport)
{
	uint8_t k[10];

	memcpy(k, &bib, 4);
	memcpy(k + 4, r4, 4);
	k[8] = (uint8_t)(rport >> 8);
	k[9] = (uint8_t)rport;
	return nat64_bucket((uint32_t)nat64_siphash(nat->cfg.key, k, sizeof(k)),
			    nat->sess_mask, nat->bib[bib].shard);
}

struct nat64_sess *nat64_sess_find(struct nat64 *nat, struct nat64_bib *b,
				   const struct in_addr *r4, uint16_t rport)
{
	uint32_t bi = (uint32_t)(b - nat->bib);
	uint32_t i = nat->h_sess[sess_hash(nat, bi, r4, rport)];

	for (; i != NAT64_NIL; i = nat->sess[i].next) {
		struct nat64_sess *s = &nat->sess[i];

		if (s->bib == bi && s->rport == rport &&
		    s->r4.s_addr == r4->s_addr)
			return s;
	}
	return NULL;
}

/* Address-dependent filtering: has the IPv6 host talked to r4 at all? */
bool nat64_sess_addr_known(struct nat64 *nat, const struct nat64_bib *b,
			   const struct in_addr *r4)
{
	for (uint32_t i = b->sess; i != NAT64_NIL; i = nat->sess[i].bnext)
		if (nat->sess[i].r4.s_addr == r4->s_addr)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Timer lists                                                         */

/* The timer lists of the shard of s. */
static struct nat64_tq *tq_of(struct nat64 *nat, const struct nat64_sess *s)
{
	return nat->shard[nat->bib[s->bib].shard].tq;
}

static void tq_unlink(struct nat64 *nat, struct nat64_sess *s)
{
	struct nat64_tq *q = &tq_of(nat, s)[s->timer];

	if (s->tprev != NAT64_NIL)
		nat->sess[s->tprev].tnext = s->tnext;
	else
		q->head = s->tnext;
	if (s->tnext != NAT64_NIL)
		nat->sess[s->tnext].tprev = s->tprev;
	else
		q->tail = s->tprev;
}

static void tq_append(struct nat64 *nat, struct nat64_sess *s)
{
	struct nat64_tq *q = &tq_of(nat, s)[s->timer];
	uint32_t i = (uint32_t)(s - nat->sess);

	s->tnext = NAT64_NIL;
	s->tprev = q->tail;
	if (q->tail != NAT64_NIL)
		nat->sess[q->tail].tnext = i;
	else
		q->head = i;
	q->tail = i;
}

void nat64_sess_set_timer(struct nat64 *nat, struct nat64_sess *s,
			  enum nat64_timer t, uint64_t now)
{
	tq_unlink(nat, s);
	s->timer = (uint8_t)t;
	s->expires = now + nat->cfg.timeout_ms[t];
	tq_append(nat, s);
}

/* ------------------------------------------------------------------ */
/* Creation and removal                                                */

/* Under the pool lock: a free host entry and a free session, both or
 * neither (table full). */
static bool pop_free(struct nat64 *nat, bool need_host, uint32_t *hi,
		     uint32_t *si)
{
	*si = nat->free_sess;
	*hi = need_host ? nat->free_host : 0;
	if (*si == NAT64_NIL || *hi == NAT64_NIL)
		return false;
	nat->free_sess = nat->sess[*si].next;
	if (need_host)
		nat->free_host = nat->host[*hi].next;
	return true;
}

static struct nat64_host *host_new(struct nat64 *nat, uint32_t i,
				   const struct nat64_bib *b)
{
	struct nat64_host *h = &nat->host[i];
	uint32_t bucket;

	h->a6 = b->a6;
	h->a4 = b->a4; /* the address its next mappings prefer */
	h->n = 0;
	bucket = (uint32_t)nat64_siphash(nat->cfg.key, &b->a6, 16) &
		 nat->host_mask;
	h->next = nat->h_host[bucket];
	nat->h_host[bucket] = i;
	__atomic_fetch_add(&nat->n_host, 1, __ATOMIC_RELAXED);
	return h;
}

static void host_put(struct nat64 *nat, struct nat64_host *h)
{
	uint32_t idx = (uint32_t)(h - nat->host), *pp;

	if (--h->n)
		return;
	pp = &nat->h_host[(uint32_t)nat64_siphash(nat->cfg.key, &h->a6, 16) &
			  nat->host_mask];
	while (*pp != idx)
		pp = &nat->host[*pp].next;
	*pp = h->next;
	__atomic_fetch_sub(&nat->n_host, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&nat->pool_lock);
	h->next = nat->free_host;
	nat->free_host = idx;
	pthread_mutex_unlock(&nat->pool_lock);
}

struct nat64_sess *nat64_sess_new(struct nat64 *nat, struct nat64_bib *b,
				  const struct in_addr *r4, uint16_t rport,
				  enum xlat_drop *why)
{
	uint32_t i, hi, bi = (uint32_t)(b - nat->bib), hb;
	struct nat64_host *h = nat64_host_find(nat, &b->a6);
	struct nat64_sess *s;
	bool full, limit = false;

	/* Table full, then the host's limit, as one step against the
	 * other shards' allocations: both checks are exact. */
	pthread_mutex_lock(&nat->pool_lock);
	full = nat->free_sess == NAT64_NIL || (!h && nat->free_host == NAT64_NIL);
	if (!full)
		limit = nat->cfg.max_per_host && h &&
			h->n >= nat->cfg.max_per_host;
	if (!full && !limit)
		pop_free(nat, !h, &hi, &i);
	pthread_mutex_unlock(&nat->pool_lock);
	if (full || limit) {
		*why = full ? XLAT_DROP_NAT64_TABLE_FULL
			    : XLAT_DROP_NAT64_HOST_LIMIT;
		if (full)
			NAT64_COUNT(nat, refused_table_full);
		else
			NAT64_COUNT(nat, refused_host_limit);
		return NULL;
	}
	if (!h)
		h = host_new(nat, hi, b);
	h->n++;
	s = &nat->sess[i];
	memset(s, 0, sizeof(*s));
	s->bib = bi;
	s->r4 = *r4;
	s->rport = rport;
	s->state = NAT64_ESTABLISHED;
	hb = sess_hash(nat, bi, r4, rport);
	s->next = nat->h_sess[hb];
	nat->h_sess[hb] = i;
	s->bprev = NAT64_NIL;
	s->bnext = b->sess;
	if (b->sess != NAT64_NIL)
		nat->sess[b->sess].bprev = i;
	b->sess = i;
	b->n_sess++;
	s->timer = NAT64_T_UDP;
	tq_append(nat, s);
	__atomic_fetch_add(&nat->n_sess, 1, __ATOMIC_RELAXED);
	NAT64_COUNT(nat, sess_added);
	nat64_event(nat, NAT64_EV_SESS_ADD, b, s);
	return s;
}

void nat64_sess_del(struct nat64 *nat, struct nat64_sess *s)
{
	uint32_t idx = (uint32_t)(s - nat->sess), *pp;
	struct nat64_bib *b = &nat->bib[s->bib];
	struct nat64_host *h = nat64_host_find(nat, &b->a6);

	nat64_event(nat, NAT64_EV_SESS_DEL, b, s);
	tq_unlink(nat, s);
	pp = &nat->h_sess[sess_hash(nat, s->bib, &s->r4, s->rport)];
	while (*pp != idx)
		pp = &nat->sess[*pp].next;
	*pp = s->next;
	if (s->bprev != NAT64_NIL)
		nat->sess[s->bprev].bnext = s->bnext;
	else
		b->sess = s->bnext;
	if (s->bnext != NAT64_NIL)
		nat->sess[s->bnext].bprev = s->bprev;
	b->n_sess--;
	s->state = NAT64_CLOSED;
	__atomic_fetch_sub(&nat->n_sess, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&nat->pool_lock);
	s->next = nat->free_sess;
	nat->free_sess = idx;
	pthread_mutex_unlock(&nat->pool_lock);
	NAT64_COUNT(nat, sess_removed);
	if (h)
		host_put(nat, h);
	nat64_bib_put(nat, b);
}

/* ------------------------------------------------------------------ */
/* RFC 6146 section 3.5.2.2                                            */

void nat64_tcp_step(struct nat64 *nat, struct nat64_sess *s, bool from6,
		    uint8_t flags, uint64_t now)
{
	bool syn = flags & NAT64_TCP_SYN, fin = flags & NAT64_TCP_FIN;
	bool rst = flags & NAT64_TCP_RST;

	switch (s->state) {
	case NAT64_V4_INIT:
		if (from6 && syn) {
			s->state = NAT64_ESTABLISHED;
			nat64_sess_set_timer(nat, s, NAT64_T_TCP_EST, now);
		}
		return;
	case NAT64_V6_INIT:
		if (!from6 && syn) {
			s->state = NAT64_ESTABLISHED;
			nat64_sess_set_timer(nat, s, NAT64_T_TCP_EST, now);
		} else if (from6 && syn) {
			nat64_sess_set_timer(nat, s, NAT64_T_TCP_TRANS, now);
		}
		return;
	case NAT64_ESTABLISHED:
		if (rst) {
			s->state = NAT64_TRANS;
			nat64_sess_set_timer(nat, s, NAT64_T_TCP_TRANS, now);
			return;
		}
		/* A FIN moves the state and leaves the lifetime as it is;
		 * anything else refreshes TCP_EST. */
		if (fin) {
			s->state = from6 ? NAT64_V6_FIN_RCV : NAT64_V4_FIN_RCV;
			return;
		}
		nat64_sess_set_timer(nat, s, NAT64_T_TCP_EST, now);
		return;
	case NAT64_V4_FIN_RCV:
	case NAT64_V6_FIN_RCV:
		/* The RFC's text refreshes TCP_EST on anything but the
		 * other FIN; a RST ends the connection as it does in
		 * ESTABLISHED (RFC 5382 transitory state), so it gets
		 * TCP_TRANS here too instead of keeping a dead session
		 * 2 h 4 min. */
		if (rst) {
			s->state = NAT64_TRANS;
			nat64_sess_set_timer(nat, s, NAT64_T_TCP_TRANS, now);
			return;
		}
		if (fin && from6 == (s->state == NAT64_V4_FIN_RCV)) {
			s->state = NAT64_V4_FIN_V6_FIN_RCV;
			nat64_sess_set_timer(nat, s, NAT64_T_TCP_TRANS, now);
			return;
		}
		nat64_sess_set_timer(nat, s, NAT64_T_TCP_EST, now);
		return;
	case NAT64_TRANS:
		if (!rst) {
			s->state = NAT64_ESTABLISHED;
			nat64_sess_set_timer(nat, s, NAT64_T_TCP_EST, now);
		}
		return;
	default: /* V4 FIN + V6 FIN: the lifetime runs out unchanged */
		return;
	}
}

/*
 * An established TCP session whose lifetime ran out is not cut at once
 * (RFC 6146 section 3.5.2.2): it goes to TRANS for TCP_TRANS and is
 * probed (rfc6146_probe.c); any packet but a RST revives it.  The FIN
 * states end with their lifetime.
 */
static bool tcp_grace(struct nat64 *nat, struct nat64_sess *s, uint64_t now)
{
	const struct nat64_bib *b = &nat->bib[s->bib];

	if (b->proto != NAT64_TCP || s->state != NAT64_ESTABLISHED)
		return false;
	s->state = NAT64_TRANS;
	nat64_sess_set_timer(nat, s, NAT64_T_TCP_TRANS, now);
	nat64_probe_queue(nat, s);
	return true;
}

static unsigned int expire_shard(struct nat64 *nat, uint32_t sh, uint64_t now,
				 unsigned int budget)
{
	struct nat64_tq *tq = nat->shard[sh].tq;
	unsigned int done = 0;

	for (int t = 0; t < NAT64_T__COUNT; t++) {
		while (done < budget && tq[t].head != NAT64_NIL) {
			struct nat64_sess *s = &nat->sess[tq[t].head];

			if (s->expires > now)
				break;
			done++;
			if (!tcp_grace(nat, s, now))
				nat64_sess_del(nat, s);
		}
	}
	return done;
}

/* One shard locked at a time: the data path waits for one shard's
 * expiry at most. */
unsigned int nat64_expire(struct nat64 *nat, uint64_t now, unsigned int budget)
{
	unsigned int done = 0;

	/* Starting where the last call stopped: no shard waits for ever
	 * behind the budget. */
	for (uint32_t k = 0; k < NAT64_SHARDS && done < budget; k++) {
		uint32_t sh = (nat->expire_from + k) & (NAT64_SHARDS - 1);

		nat64_lock(nat, sh);
		done += expire_shard(nat, sh, now, budget - done);
		nat64_unlock(nat, sh);
		if (done >= budget)
			nat->expire_from = sh;
	}
	return done;
}

uint64_t nat64_next_expiry(const struct nat64 *nat)
{
	struct nat64 *n = (struct nat64 *)nat; /* the locks only */
	uint64_t next = nat64_syn_next_expiry(n);

	for (uint32_t sh = 0; sh < NAT64_SHARDS; sh++) {
		nat64_lock(n, sh);
		for (int t = 0; t < NAT64_T__COUNT; t++) {
			uint32_t h = nat->shard[sh].tq[t].head;

			if (h != NAT64_NIL && nat->sess[h].expires < next)
				next = nat->sess[h].expires;
		}
		nat64_unlock(n, sh);
	}
	return next;
}
