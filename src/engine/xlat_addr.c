// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address translation policy: RFC 7757 EAM first, then the RFC 6052 pool6
 * prefix with the section 3.1 rule; RFC 6791 pool for ICMP error sources.
 */
#include "xlat_addr.h"

#include "checksum.h"
#include "rfc6052.h"

#include <arpa/inet.h>
#include <endian.h>
#include <string.h>

typedef unsigned __int128 u128;

/* An address as one number, in two 64-bit loads (a loop of byte shifts
 * on a 128-bit value stays a loop: perf showed it per packet). */
static inline u128 load128(const struct in6_addr *a)
{
	uint64_t hi, lo;

	memcpy(&hi, a->s6_addr, 8);
	memcpy(&lo, a->s6_addr + 8, 8);
	return (u128)be64toh(hi) << 64 | be64toh(lo);
}

static inline void store128(struct in6_addr *a, u128 v)
{
	uint64_t hi = htobe64((uint64_t)(v >> 64)), lo = htobe64((uint64_t)v);

	memcpy(a->s6_addr, &hi, 8);
	memcpy(a->s6_addr + 8, &lo, 8);
}

/* Mask of the first len bits (0..128). */
static inline u128 mask128(unsigned int len)
{
	return len ? ~(u128)0 << (128 - len) : 0;
}

static inline uint32_t mask32(unsigned int len)
{
	return len ? ~0u << (32 - len) : 0;
}

/*
 * RFC 7757 section 3.2 lets the IPv6 suffix be longer than the IPv4 one,
 * never shorter: xlat_cfg_validate() rejects such entries, and the lookups
 * skip them so an unvalidated table cannot make bits spill over.
 */
static inline bool eam_usable(const struct xlat_eam *e)
{
	return e->p4.len <= 32 && e->p6.len <= 128 &&
	       32 - e->p4.len <= 128 - e->p6.len;
}

/*
 * RFC 7757 section 3.3: the IPv4 suffix (the bits after the IPv4 prefix)
 * goes right after the IPv6 prefix; IPv6 suffix bits beyond it are zero.
 * With equal suffix lengths this is a plain prefix swap.
 */
bool eam_lookup4(const struct xlat_cfg *cfg, const struct in_addr *a,
		 struct in6_addr *out)
{
	const struct xlat_eam *best = NULL;
	unsigned int s4;
	u128 v;

	for (unsigned int i = 0; i < cfg->n_eam; i++) {
		const struct xlat_eam *e = &cfg->eam[i];

		if (best && e->p4.len <= best->p4.len)
			continue;
		if (eam_usable(e) &&
		    prefix4_contains(&e->p4.addr, e->p4.len, a))
			best = e;
	}
	if (!best)
		return false;
	s4 = 32 - best->p4.len;
	v = load128(&best->p6.addr) & mask128(best->p6.len);
	if (s4)
		v |= (u128)(ntohl(a->s_addr) & ~mask32(best->p4.len))
		     << (128 - best->p6.len - s4);
	store128(out, v);
	return true;
}

/* The reverse: the s4 bits after the IPv6 prefix; excess bits are lost. */
bool eam_lookup6(const struct xlat_cfg *cfg, const struct in6_addr *a,
		 struct in_addr *out)
{
	const struct xlat_eam *best = NULL;
	unsigned int s4;
	uint32_t v;

	for (unsigned int i = 0; i < cfg->n_eam; i++) {
		const struct xlat_eam *e = &cfg->eam[i];

		if (best && e->p6.len <= best->p6.len)
			continue;
		if (eam_usable(e) &&
		    prefix6_contains(&e->p6.addr, e->p6.len, a))
			best = e;
	}
	if (!best)
		return false;
	s4 = 32 - best->p4.len;
	v = ntohl(best->p4.addr.s_addr) & mask32(best->p4.len);
	if (s4)
		v |= (uint32_t)(load128(a) >> (128 - best->p6.len - s4)) &
		     ~mask32(best->p4.len);
	out->s_addr = htonl(v);
	return true;
}

static inline bool wkp_forbids(const struct xlat_cfg *cfg,
			       const struct in_addr *v4)
{
	return cfg->wkp_global_only && rfc6052_is_wkp(&cfg->pool6) &&
	       !ipv4_is_global(v4);
}

enum xlat_drop xlat_map4_pool6(const struct xlat_cfg *cfg,
			       const struct in_addr *a, struct in6_addr *out)
{
	/* An invalid length would make rfc6052_embed() write past out. */
	if (!cfg->has_pool6 || !rfc6052_valid_len(cfg->pool6.len))
		return XLAT_DROP_DST_UNTRANSLATABLE;
	if (wkp_forbids(cfg, a))
		return XLAT_DROP_WKP_NONGLOBAL;
	rfc6052_embed(&cfg->pool6, a, out);
	return XLAT_DROP_NONE;
}

enum xlat_drop xlat_map4(const struct xlat_cfg *cfg, const struct in_addr *a,
			 struct in6_addr *out, bool *via_eam)
{
	bool hit = cfg->n_eam && eam_lookup4(cfg, a, out);

	if (via_eam)
		*via_eam = hit;
	if (hit)
		return XLAT_DROP_NONE;
	return xlat_map4_pool6(cfg, a, out);
}

enum xlat_drop xlat_map6(const struct xlat_cfg *cfg, const struct in6_addr *a,
			 struct in_addr *out, bool *via_eam)
{
	struct in_addr v4;
	bool hit = cfg->n_eam && eam_lookup6(cfg, a, out);

	if (via_eam)
		*via_eam = hit;
	if (hit)
		return XLAT_DROP_NONE;
	if (!cfg->has_pool6 || !rfc6052_valid_len(cfg->pool6.len) ||
	    !rfc6052_extract(&cfg->pool6, a, &v4))
		return XLAT_DROP_DST_UNTRANSLATABLE;
	if (wkp_forbids(cfg, &v4))
		return XLAT_DROP_WKP_NONGLOBAL;
	*out = v4;
	return XLAT_DROP_NONE;
}

/*
 * A cheap, well-mixing hash of the whole address (the murmur3 finalizer
 * over a word sum), so that sources differing in any bits spread out.
 */
static inline uint32_t addr6_hash(const struct in6_addr *a)
{
	uint32_t h = 0x9e3779b9u;

	for (int i = 0; i < 16; i += 4) {
		h ^= get32(&a->s6_addr[i]);
		h *= 0x85ebca6bu;
		h ^= h >> 13;
	}
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

void xlat_pool6791_pick(const struct xlat_cfg *cfg, const struct in6_addr *src,
			struct in_addr *out)
{
	unsigned int n = cfg->n_pool6791;

	if (n > XLAT_POOL6791_MAX)
		n = XLAT_POOL6791_MAX;
	if (!n) {
		*out = cfg->self4;
		return;
	}
	*out = n == 1 ? cfg->pool6791[0] : cfg->pool6791[addr6_hash(src) % n];
}
