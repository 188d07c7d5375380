// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 configuration (section 4 defaults), the memory layout of the
 * tables and read access for operators.  Everything a struct nat64 will
 * ever use is laid out here once: the packet path never allocates.
 */
#include "rfc6146_int.h"

#include "rfc6052.h"
#include "xlat_cfg.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void nat64_cfg_init(struct nat64_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	xlat_cfg_init(&cfg->xlat);
	cfg->xlat.hairpin = false;
	cfg->wkp_global_only = true;
	cfg->filter = NAT64_FILTER_EI;
	cfg->max_sessions = 65536;
	cfg->timeout_ms[NAT64_T_UDP] = 5 * 60 * 1000;
	cfg->timeout_ms[NAT64_T_TCP_EST] = (2 * 3600 + 4 * 60) * 1000;
	cfg->timeout_ms[NAT64_T_TCP_TRANS] = 4 * 60 * 1000;
	cfg->timeout_ms[NAT64_T_ICMP] = 60 * 1000;
	cfg->frag_ms = NAT64_FRAG_MS;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int check_pool4(const struct nat64_cfg *cfg, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < cfg->n_pool4; i++) {
		const struct nat64_pool4 *e = &cfg->pool4[i];
		uint32_t a = ntohl(e->pfx.addr.s_addr);

		if ((unsigned int)e->proto >= NAT64_PROTO__COUNT)
			return fail(err, errlen, "pool4: bad protocol");
		/* At most 65536 addresses an entry keeps indexes in range. */
		if (e->pfx.len < 16 || e->pfx.len > 32)
			return fail(err, errlen,
				    "pool4: prefix length must be 16..32");
		if (e->pfx.len < 32 && (a & ((1u << (32 - e->pfx.len)) - 1)))
			return fail(err, errlen, "pool4: host bits set");
		if (e->lo > e->hi)
			return fail(err, errlen, "pool4: empty port range");
	}
	return 0;
}

int nat64_cfg_validate(const struct nat64_cfg *cfg, char *err, size_t errlen)
{
	if (!cfg->xlat.has_pool6 || !rfc6052_valid_len(cfg->xlat.pool6.len))
		return fail(err, errlen,
			    "pool6 must be an RFC 6052 prefix (/32 /40 /48 /56 /64 /96)");
	if (xlat_cfg_validate(&cfg->xlat, err, errlen))
		return -1;
	if (cfg->n_pool4 == 0 || cfg->n_pool4 > NAT64_POOL4_MAX)
		return fail(err, errlen, "pool4: 1 to %d entries",
			    NAT64_POOL4_MAX);
	if (check_pool4(cfg, err, errlen))
		return -1;
	if (cfg->n_static > NAT64_STATIC_MAX)
		return fail(err, errlen, "at most %d static BIB entries",
			    NAT64_STATIC_MAX);
	if (cfg->max_sessions < 1 || cfg->max_sessions > (1u << 26))
		return fail(err, errlen, "max-sessions must be 1..67108864");
	for (int t = 0; t < NAT64_T__COUNT; t++)
		if (!cfg->timeout_ms[t])
			return fail(err, errlen, "timeouts must not be zero");
	if (cfg->frag_ms < NAT64_FRAG_MS || cfg->frag_ms > NAT64_FRAG_MAX_MS)
		return fail(err, errlen,
			    "fragment-timeout must be 2..60 s (RFC 6146 FRAGMENT_MIN)");
	return 0;
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

struct layout {
	uint32_t bib_cap, sess_cap, host_cap, nb_bib, nb_sess, nb_host;
	size_t off_shard, off_stripe, off_bib, off_sess, off_host, off_h;
	size_t off_frag, off_held, off_syn, total;
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Hash tables at least as wide as the shards: a bucket is one shard's. */
static uint32_t buckets(uint32_t n)
{
	return pow2_at_least(n > NAT64_SHARDS ? n : NAT64_SHARDS);
}

static void layout(const struct nat64_cfg *cfg, struct layout *l)
{
	l->sess_cap = cfg->max_sessions;
	l->bib_cap = cfg->max_sessions + cfg->n_static;
	l->host_cap = cfg->max_sessions;
	l->nb_bib = buckets(l->bib_cap);
	l->nb_sess = buckets(l->sess_cap);
	l->nb_host = buckets(l->host_cap);
	/* The locks first, on cache lines of their own when mem is. */
	l->off_shard = (sizeof(struct nat64) + 63) & ~(size_t)63;
	l->off_stripe = l->off_shard + NAT64_SHARDS * sizeof(struct nat64_shard);
	l->off_bib = align8(l->off_stripe +
			    NAT64_STRIPES * sizeof(struct nat64_stripe));
	l->off_sess = align8(l->off_bib + l->bib_cap * sizeof(struct nat64_bib));
	l->off_host = align8(l->off_sess +
			     l->sess_cap * sizeof(struct nat64_sess));
	l->off_h = align8(l->off_host + l->host_cap * sizeof(struct nat64_host));
	l->off_frag = align8(l->off_h + 4 * ((size_t)2 * l->nb_bib +
					     l->nb_sess + l->nb_host));
	l->off_held = align8(l->off_frag +
			     NAT64_FRAG_SLOTS * sizeof(struct nat64_frag));
	l->off_syn = align8(l->off_held +
			    NAT64_HELD_SLOTS * sizeof(struct nat64_held));
	l->total = l->off_syn + NAT64_SYN_SLOTS * sizeof(struct nat64_syn);
}

size_t nat64_mem_size(const struct nat64_cfg *cfg)
{
	struct layout l;

	layout(cfg, &l);
	return l.total;
}

static void fill_nil(uint32_t *a, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		a[i] = NAT64_NIL;
}

static void init_free_lists(struct nat64 *nat)
{
	for (uint32_t i = 0; i < nat->bib_cap; i++)
		nat->bib[i].next6 = i + 1 < nat->bib_cap ? i + 1 : NAT64_NIL;
	for (uint32_t i = 0; i < nat->sess_cap; i++)
		nat->sess[i].next = i + 1 < nat->sess_cap ? i + 1 : NAT64_NIL;
	for (uint32_t i = 0; i < nat->host_cap; i++)
		nat->host[i].next = i + 1 < nat->host_cap ? i + 1 : NAT64_NIL;
	nat->free_bib = nat->free_sess = nat->free_host = 0;
}

/* The engine's part of the configuration: only pool6 translates. */
static void engine_cfg(struct nat64 *nat, const struct nat64_cfg *cfg)
{
	nat->cfg = *cfg;
	nat->cfg.xlat.hairpin = false;
	nat->cfg.xlat.eam = NULL;
	nat->cfg.xlat.n_eam = 0;
	nat->cfg.xlat.wkp_global_only = false;
}

struct nat64 *nat64_init(void *mem, size_t size, const struct nat64_cfg *cfg)
{
	struct nat64 *nat = mem;
	uint8_t *base = mem;
	struct layout l;

	if (nat64_cfg_validate(cfg, NULL, 0))
		return NULL;
	layout(cfg, &l);
	if (size < l.total)
		return NULL;
	memset(mem, 0, l.total);
	engine_cfg(nat, cfg);
	nat->shard = (struct nat64_shard *)(base + l.off_shard);
	nat->stripe = (struct nat64_stripe *)(base + l.off_stripe);
	nat64_locks_init(nat);
	nat->bib = (struct nat64_bib *)(base + l.off_bib);
	nat->sess = (struct nat64_sess *)(base + l.off_sess);
	nat->host = (struct nat64_host *)(base + l.off_host);
	nat->h_bib6 = (uint32_t *)(base + l.off_h);
	nat->h_bib4 = nat->h_bib6 + l.nb_bib;
	nat->h_sess = nat->h_bib4 + l.nb_bib;
	nat->h_host = nat->h_sess + l.nb_sess;
	nat->frag = (struct nat64_frag *)(base + l.off_frag);
	nat->held = (struct nat64_held *)(base + l.off_held);
	nat->syn = (struct nat64_syn *)(base + l.off_syn);
	nat->bib_cap = l.bib_cap;
	nat->sess_cap = l.sess_cap;
	nat->host_cap = l.host_cap;
	nat->bib_mask = l.nb_bib - 1;
	nat->sess_mask = l.nb_sess - 1;
	nat->host_mask = l.nb_host - 1;
	fill_nil(nat->h_bib6, 2 * l.nb_bib + l.nb_sess + l.nb_host);
	init_free_lists(nat);
	for (unsigned int i = 0; i < cfg->n_static; i++)
		if (nat64_bib_add_static(nat, &cfg->statics[i]))
			return NULL;
	return nat;
}

void nat64_set_log(struct nat64 *nat, nat64_log_fn *fn, void *arg)
{
	nat->log = fn;
	nat->log_arg = arg;
}

/* Field by field: struct xlat_prefix4 has padding that a parser's
 * struct copy may fill with anything. */
static bool same_pool4(const struct nat64_cfg *a, const struct nat64_cfg *b)
{
	for (unsigned int i = 0; i < a->n_pool4; i++) {
		const struct nat64_pool4 *x = &a->pool4[i], *y = &b->pool4[i];

		if (x->proto != y->proto || x->pfx.addr.s_addr != y->pfx.addr.s_addr ||
		    x->pfx.len != y->pfx.len || x->lo != y->lo || x->hi != y->hi)
			return false;
	}
	return true;
}

static bool same_tables(const struct nat64_cfg *a, const struct nat64_cfg *b)
{
	return a->xlat.pool6.len == b->xlat.pool6.len &&
	       !memcmp(&a->xlat.pool6.addr, &b->xlat.pool6.addr, 16) &&
	       a->n_pool4 == b->n_pool4 && a->n_static == b->n_static &&
	       same_pool4(a, b) &&
	       !memcmp(a->statics, b->statics, sizeof(a->statics)) &&
	       a->max_sessions == b->max_sessions &&
	       a->key[0] == b->key[0] && a->key[1] == b->key[1];
}

/* What translations read outside the shard locks stays as it is. */
/* Field by field: padding may differ (see same_pool4()); hairpin, EAM
 * and the engine's section 3.1 check are engine_cfg()'s anyway. */
static bool same_unlocked(const struct nat64 *nat, const struct nat64_cfg *cfg)
{
	const struct xlat_cfg *a = &nat->cfg.xlat, *b = &cfg->xlat;

	return a->has_pool6 == b->has_pool6 &&
	       a->pool6.len == b->pool6.len &&
	       !memcmp(&a->pool6.addr, &b->pool6.addr, 16) &&
	       a->n_pool6791 == b->n_pool6791 &&
	       !memcmp(a->pool6791, b->pool6791,
		       a->n_pool6791 * sizeof(a->pool6791[0])) &&
	       a->self4.s_addr == b->self4.s_addr &&
	       !memcmp(&a->self6, &b->self6, 16) &&
	       a->lowest_ipv6_mtu == b->lowest_ipv6_mtu &&
	       a->ipv6_mtu == b->ipv6_mtu && a->ipv4_mtu == b->ipv4_mtu &&
	       a->decrement_ttl == b->decrement_ttl &&
	       a->ttl_kernel_hops == b->ttl_kernel_hops &&
	       a->reset_tos == b->reset_tos &&
	       a->icmp_errors == b->icmp_errors && a->udp0 == b->udp0 &&
	       cfg->wkp_global_only == nat->cfg.wkp_global_only;
}

int nat64_reconfigure(struct nat64 *nat, const struct nat64_cfg *cfg)
{
	if (nat64_cfg_validate(cfg, NULL, 0) || !same_tables(&nat->cfg, cfg) ||
	    !same_unlocked(nat, cfg))
		return -1;
	/* Running lifetimes keep their end; new ones use the new values.
	 * Filtering, limits and timeouts are read under a shard lock, the
	 * fragment timeout under a shard lock or frag_lock. */
	nat64_lock_all(nat);
	pthread_mutex_lock(&nat->frag_lock);
	nat->cfg.filter = cfg->filter;
	nat->cfg.max_per_host = cfg->max_per_host;
	memcpy(nat->cfg.timeout_ms, cfg->timeout_ms, sizeof(cfg->timeout_ms));
	nat->cfg.frag_ms = cfg->frag_ms;
	/* Read without a shard lock for a SYN that finds no mapping. */
	__atomic_store_n(&nat->cfg.drop_external_tcp, cfg->drop_external_tcp,
			 __ATOMIC_RELAXED);
	pthread_mutex_unlock(&nat->frag_lock);
	nat64_unlock_all(nat);
	return 0;
}

uint32_t nat64_sessions(const struct nat64 *nat)
{
	return __atomic_load_n(&nat->n_sess, __ATOMIC_RELAXED);
}

uint32_t nat64_bibs(const struct nat64 *nat)
{
	return __atomic_load_n(&nat->n_bib, __ATOMIC_RELAXED);
}

const struct nat64_stats *nat64_stats(const struct nat64 *nat)
{
	return &nat->st;
}

const struct nat64_cfg *nat64_cfg(const struct nat64 *nat)
{
	return &nat->cfg;
}

uint32_t nat64_sess_capacity(const struct nat64 *nat)
{
	return nat->sess_cap;
}

uint32_t nat64_bib_capacity(const struct nat64 *nat)
{
	return nat->bib_cap;
}

static void bib_info(const struct nat64_bib *b, struct nat64_info *inf)
{
	memset(inf, 0, sizeof(*inf));
	inf->proto = (enum nat64_proto)b->proto;
	inf->a6 = b->a6;
	inf->p6 = b->p6;
	inf->a4 = b->a4;
	inf->p4 = b->p4;
	inf->is_static = b->flags & NAT64_BIB_STATIC;
}

bool nat64_bib_get(const struct nat64 *nat, uint32_t i, struct nat64_info *inf)
{
	if (i >= nat->bib_cap || !(nat->bib[i].flags & NAT64_BIB_USED))
		return false;
	bib_info(&nat->bib[i], inf);
	return true;
}

bool nat64_sess_get(const struct nat64 *nat, uint32_t i,
		    struct nat64_info *inf)
{
	const struct nat64_sess *s;

	if (i >= nat->sess_cap || nat->sess[i].state == NAT64_CLOSED)
		return false;
	s = &nat->sess[i];
	bib_info(&nat->bib[s->bib], inf);
	inf->r4 = s->r4;
	inf->rport = s->rport;
	inf->state = (enum nat64_tcp_state)s->state;
	inf->expires = s->expires;
	return true;
}

const char *nat64_proto_name(enum nat64_proto p)
{
	static const char *const n[] = { "tcp", "udp", "icmp" };

	return (unsigned int)p < NAT64_PROTO__COUNT ? n[p] : "unknown";
}

const char *nat64_state_name(enum nat64_tcp_state s)
{
	static const char *const n[] = {
		"closed",   "v4_init",	   "v6_init",	      "established",
		"v4_fin_rcv", "v6_fin_rcv", "v4_fin_v6_fin_rcv", "trans",
	};

	return (unsigned int)s < NAT64_STATE__COUNT ? n[s] : "unknown";
}
