// SPDX-License-Identifier: GPL-2.0-or-later
/* CLAT address selection: see clat_addr.h. */
#include "control/clat_addr.h"

#include "control/rfc6724.h"
#include "engine/checksum.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

static bool is_gua(const struct in6_addr *a)
{
	return (a->s6_addr[0] & 0xe0) == 0x20;
}

static bool is_ula(const struct in6_addr *a)
{
	return (a->s6_addr[0] & 0xfe) == 0xfc;
}

/* Addresses a CLAT must not build on: they are going away or not ours yet. */
#define CLAT_BAD_IFA_FLAGS                                                     \
	(IFA_F_TEMPORARY | IFA_F_DEPRECATED | IFA_F_TENTATIVE |                \
	 IFA_F_DADFAILED | IFA_F_OPTIMISTIC)

static int prefix_score(const struct clat_if_addr6 *a)
{
	if (a->plen != 64 || a->scope != RT_SCOPE_UNIVERSE)
		return 0;
	if (a->flags & CLAT_BAD_IFA_FLAGS)
		return 0;
	if (a->preferred == 0)
		return 0;
	if (is_gua(&a->addr))
		return 2;
	if (is_ula(&a->addr))
		return 1;
	return 0;
}

bool clat_prefix64_usable(const struct clat_if_addr6 *a)
{
	return prefix_score(a) > 0;
}

/* Whether a ranks above b as the source toward dst (both usable). */
static bool better(const struct clat_if_addr6 *a, const struct clat_if_addr6 *b,
		   const struct in6_addr *dst)
{
	if (dst) {
		int want = rfc6724_label(dst);
		bool la = rfc6724_label(&a->addr) == want;
		bool lb = rfc6724_label(&b->addr) == want;
		unsigned int ca, cb;

		if (la != lb)
			return la; /* rule 6 */
		ca = rfc6724_common_prefix(&a->addr, dst, 64);
		cb = rfc6724_common_prefix(&b->addr, dst, 64);
		if (ca != cb)
			return ca > cb; /* rule 8 */
	} else if (prefix_score(a) != prefix_score(b)) {
		return prefix_score(a) > prefix_score(b);
	}
	return memcmp(&a->addr, &b->addr, 8) < 0;
}

int clat_pick_prefix64_for(const struct clat_if_addr6 *a, size_t n,
			   const struct in6_addr *dst)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!prefix_score(&a[i]))
			continue;
		if (best < 0 || better(&a[i], &a[best], dst))
			best = (int)i;
	}
	return best;
}

int clat_pick_prefix64(const struct clat_if_addr6 *a, size_t n)
{
	return clat_pick_prefix64_for(a, n, NULL);
}

bool clat_pick_ipv4(const struct in_addr *used, size_t n, struct in_addr *out)
{
	/* .4-.7 first: .1 is the DS-Lite B4 address (RFC 6333) and .2/.3
	 * are what other CLATs tend to take, so they are the last resort. */
	static const uint8_t order[] = { 4, 5, 6, 7, 2, 3, 1 };

	for (size_t i = 0; i < sizeof(order); i++) {
		uint32_t cand = htonl(0xc0000000u | order[i]);
		bool taken = false;

		for (size_t j = 0; j < n && !taken; j++)
			taken = used[j].s_addr == cand;
		if (!taken) {
			out->s_addr = cand;
			return true;
		}
	}
	return false;
}

bool clat_iid_reserved(const uint8_t iid[8])
{
	static const uint8_t zero[8];
	static const uint8_t anycast[7] = { 0xfd, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff };
	static const uint8_t eth[5] = { 0x02, 0x00, 0x5e, 0xff, 0xfe };

	/* Subnet-Router anycast (RFC 4291 2.6.1). */
	if (!memcmp(iid, zero, 8))
		return true;
	/* Reserved subnet anycast, FDFF:FFFF:FFFF:FF80-FFFF (RFC 2526). */
	if (!memcmp(iid, anycast, 7) && iid[7] >= 0x80)
		return true;
	/* 0200:5EFF:FE00:0000-0200:5EFF:FEFF:FFFF (RFC 5453 section 3). */
	return !memcmp(iid, eth, 5);
}

static uint32_t sum_pool6(const struct xlat_prefix6 *pool6)
{
	uint8_t b[16] = { 0 };
	unsigned int len = pool6->len > 128 ? 128 : pool6->len;

	memcpy(b, pool6->addr.s6_addr, len / 8);
	if (len % 8)
		b[len / 8] = pool6->addr.s6_addr[len / 8] &
			     (uint8_t)(0xff << (8 - len % 8));
	return csum_add_buf(0, b, sizeof(b));
}

/* Reduce to 0..0xfffe: one's complement has two zeros, 0 and 0xffff. */
static uint16_t csum_norm(uint32_t sum)
{
	uint16_t v = csum_fold(sum);

	return v == 0xffff ? 0 : v;
}

bool clat_csum_neutral(const struct in6_addr *a6,
		       const struct xlat_prefix6 *pool6,
		       const struct in_addr *a4)
{
	uint32_t s6 = csum_add_buf(sum_pool6(pool6), a6->s6_addr, 16);

	return csum_norm(s6) == csum_norm(csum_add_buf(0, &a4->s_addr, 4));
}

bool clat_make_ipv6(const struct in6_addr *prefix64, const uint8_t rnd[8],
		    const struct xlat_prefix6 *pool6, const struct in_addr *v4,
		    const struct in6_addr *avoid, size_t n_avoid,
		    struct in6_addr *out)
{
	uint16_t have, want, fix;

	memcpy(out->s6_addr, prefix64->s6_addr, 8);
	memcpy(out->s6_addr + 8, rnd, 8);
	out->s6_addr[14] = out->s6_addr[15] = 0;

	have = csum_fold(csum_add_buf(sum_pool6(pool6), out->s6_addr, 16));
	want = csum_fold(csum_add_buf(0, &v4->s_addr, 4));
	/* fix = want - have in one's complement. */
	fix = csum_fold(csum_sub16(want, have));
	put16(out->s6_addr + 14, fix);

	if (clat_iid_reserved(out->s6_addr + 8))
		return false;
	for (size_t i = 0; i < n_avoid; i++)
		if (!memcmp(&avoid[i], out, sizeof(*out)))
			return false;
	return true;
}

void clat_solicited_node(const struct in6_addr *a, struct in6_addr *out)
{
	static const uint8_t base[13] = { 0xff, 0x02, 0, 0, 0, 0, 0,
					  0,    0,    0, 0, 1, 0xff };

	memcpy(out->s6_addr, base, sizeof(base));
	memcpy(out->s6_addr + 13, a->s6_addr + 13, 3);
}

unsigned int clat_default_mtu(unsigned int ipv6_mtu)
{
	if (ipv6_mtu < 1280)
		ipv6_mtu = 1280;
	return ipv6_mtu - 28;
}
