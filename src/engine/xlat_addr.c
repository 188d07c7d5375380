// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address translation policy: RFC 7757 EAM first, then the RFC 6052 pool6
 * prefix with the section 3.1 rule; RFC 6791 pool for ICMP error sources.
 */
#include "xlat_addr.h"

#include "checksum.h"
#include "rfc6052.h"

#include <arpa/inet.h>
#include <string.h>

/* Mask of the low `bits` bits of a 32-bit word (bits 0..32). */
static inline uint32_t low_mask(unsigned int bits)
{
	return bits >= 32 ? 0xffffffffu : (1u << bits) - 1;
}

/*
 * The suffix length of an entry.  xlat_cfg_validate() guarantees that both
 * sides agree; taking the shorter one keeps an unvalidated table from
 * carrying bits across the prefix boundary.
 */
static inline unsigned int eam_suffix(const struct xlat_eam *e)
{
	unsigned int s4 = 32 - e->p4.len, s6 = 128 - e->p6.len;

	return s4 < s6 ? s4 : s6;
}

static inline bool eam_sane(const struct xlat_eam *e)
{
	return e->p4.len <= 32 && e->p6.len <= 128;
}

/*
 * RFC 7757 section 3.2: the suffix bits of the address are copied, in
 * order, into the suffix of the other prefix.  Suffixes are at most 32
 * bits long, so with equal suffix lengths they are the low bits of both
 * addresses: the low 32 bits of the IPv6 address carry them.
 */
bool eam_lookup4(const struct xlat_cfg *cfg, const struct in_addr *a,
		 struct in6_addr *out)
{
	const struct xlat_eam *best = NULL;
	uint32_t m, lo;

	for (unsigned int i = 0; i < cfg->n_eam; i++) {
		const struct xlat_eam *e = &cfg->eam[i];

		if (!eam_sane(e) || (best && e->p4.len <= best->p4.len))
			continue;
		if (prefix4_contains(&e->p4.addr, e->p4.len, a))
			best = e;
	}
	if (!best)
		return false;
	m = low_mask(eam_suffix(best));
	*out = best->p6.addr;
	lo = get32(&out->s6_addr[12]);
	put32(&out->s6_addr[12], (lo & ~m) | (ntohl(a->s_addr) & m));
	return true;
}

bool eam_lookup6(const struct xlat_cfg *cfg, const struct in6_addr *a,
		 struct in_addr *out)
{
	const struct xlat_eam *best = NULL;
	uint32_t m;

	for (unsigned int i = 0; i < cfg->n_eam; i++) {
		const struct xlat_eam *e = &cfg->eam[i];

		if (!eam_sane(e) || (best && e->p6.len <= best->p6.len))
			continue;
		if (prefix6_contains(&e->p6.addr, e->p6.len, a))
			best = e;
	}
	if (!best)
		return false;
	m = low_mask(eam_suffix(best));
	out->s_addr = htonl((ntohl(best->p4.addr.s_addr) & ~m) |
			    (get32(&a->s6_addr[12]) & m));
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
