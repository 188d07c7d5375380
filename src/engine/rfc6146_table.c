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

#define SCRATCH 65536

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
	size_t off_bib, off_sess, off_host, off_h, off_frag, off_held, off_syn;
	size_t off_scratch, total;
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static void layout(const struct nat64_cfg *cfg, struct layout *l)
{
	l->sess_cap = cfg->max_sessions;
	l->bib_cap = cfg->max_sessions + cfg->n_static;
	l->host_cap = cfg->max_sessions;
	l->nb_bib = pow2_at_least(l->bib_cap);
	l->nb_sess = pow2_at_least(l->sess_cap);
	l->nb_host = pow2_at_least(l->host_cap);
	l->off_bib = align8(sizeof(struct nat64));
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
	l->off_scratch = align8(l->off_syn +
				NAT64_SYN_SLOTS * sizeof(struct nat64_syn));
	l->total = l->off_scratch + SCRATCH;
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
	for (int t = 0; t < NAT64_T__COUNT; t++)
		nat->tq[t].head = nat->tq[t].tail = NAT64_NIL;
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
	memset(mem, 0, l.off_scratch);
	engine_cfg(nat, cfg);
	nat->bib = (struct nat64_bib *)(base + l.off_bib);
	nat->sess = (struct nat64_sess *)(base + l.off_sess);
	nat->host = (struct nat64_host *)(base + l.off_host);
	nat->h_bib6 = (uint32_t *)(base + l.off_h);
	nat->h_bib4 = nat->h_bib6 + l.nb_bib;
	nat->h_sess = nat->h_bib4 + l.nb_bib;
	nat->h_host = nat->h_sess + l.nb_sess;
	nat->scratch = base + l.off_scratch;
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

int nat64_reconfigure(struct nat64 *nat, const struct nat64_cfg *cfg)
{
	if (nat64_cfg_validate(cfg, NULL, 0) || !same_tables(&nat->cfg, cfg))
		return -1;
	/* Running lifetimes keep their end; new ones use the new values. */
	engine_cfg(nat, cfg);
	return 0;
}

uint32_t nat64_sessions(const struct nat64 *nat)
{
	return nat->n_sess;
}

uint32_t nat64_bibs(const struct nat64 *nat)
{
	return nat->n_bib;
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
