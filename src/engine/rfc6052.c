// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 6052: IPv4-embedded IPv6 address format, section 2. */
#include "rfc6052.h"

#include <arpa/inet.h>
#include <string.h>

bool rfc6052_valid_len(unsigned int len)
{
	return len == 32 || len == 40 || len == 48 || len == 56 || len == 64 ||
	       len == 96;
}

/*
 * The IPv4 bytes follow the prefix, skipping bits 64..71 (the u-octet) for
 * the prefix lengths where they would fall there (section 2.2, figure 1).
 */
void rfc6052_embed(const struct xlat_prefix6 *p, const struct in_addr *v4,
		   struct in6_addr *out)
{
	const uint8_t *b = (const uint8_t *)&v4->s_addr;
	unsigned int pos = p->len / 8;

	memset(out, 0, sizeof(*out));
	memcpy(out->s6_addr, p->addr.s6_addr, pos);
	for (int i = 0; i < 4; i++) {
		if (pos == 8)
			pos++;
		out->s6_addr[pos++] = b[i];
	}
}

bool rfc6052_extract(const struct xlat_prefix6 *p, const struct in6_addr *a,
		     struct in_addr *out)
{
	uint8_t *b = (uint8_t *)&out->s_addr;
	unsigned int pos = p->len / 8;

	if (memcmp(a->s6_addr, p->addr.s6_addr, pos) != 0)
		return false;
	for (int i = 0; i < 4; i++) {
		if (pos == 8)
			pos++;
		b[i] = a->s6_addr[pos++];
	}
	return true;
}

bool rfc6052_is_wkp(const struct xlat_prefix6 *p)
{
	static const uint8_t wkp[12] = { 0x00, 0x64, 0xff, 0x9b };

	return p->len == 96 && memcmp(p->addr.s6_addr, wkp, 12) == 0;
}

bool prefix4_contains(const struct in_addr *pfx, unsigned int len,
		      const struct in_addr *a)
{
	uint32_t mask;

	if (len == 0)
		return true;
	mask = len >= 32 ? 0xffffffffu : ~(0xffffffffu >> len);
	return ((ntohl(pfx->s_addr) ^ ntohl(a->s_addr)) & mask) == 0;
}

bool prefix6_contains(const struct in6_addr *pfx, unsigned int len,
		      const struct in6_addr *a)
{
	unsigned int whole = len / 8, rest = len % 8;
	uint8_t mask;

	if (len > 128)
		return false;
	if (memcmp(pfx->s6_addr, a->s6_addr, whole) != 0)
		return false;
	if (!rest)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((pfx->s6_addr[whole] ^ a->s6_addr[whole]) & mask) == 0;
}

/*
 * IANA IPv4 Special-Purpose Address Registry entries whose "Globally
 * Reachable" column is False (RFC 6890 and successors).  192.0.0.9/32 and
 * 192.0.0.10/32 are globally reachable exceptions inside 192.0.0.0/24.
 */
static const struct {
	uint32_t net;
	uint8_t len;
} nonglobal4[] = {
	{ 0x00000000, 8 },  /* 0.0.0.0/8 "this network" */
	{ 0x0a000000, 8 },  /* 10.0.0.0/8 */
	{ 0x64400000, 10 }, /* 100.64.0.0/10 shared address space */
	{ 0x7f000000, 8 },  /* 127.0.0.0/8 loopback */
	{ 0xa9fe0000, 16 }, /* 169.254.0.0/16 link local */
	{ 0xac100000, 12 }, /* 172.16.0.0/12 */
	{ 0xc0000000, 24 }, /* 192.0.0.0/24 IETF protocol assignments */
	{ 0xc0000200, 24 }, /* 192.0.2.0/24 TEST-NET-1 */
	{ 0xc0a80000, 16 }, /* 192.168.0.0/16 */
	{ 0xc6120000, 15 }, /* 198.18.0.0/15 benchmarking */
	{ 0xc6336400, 24 }, /* 198.51.100.0/24 TEST-NET-2 */
	{ 0xcb007100, 24 }, /* 203.0.113.0/24 TEST-NET-3 */
	{ 0xf0000000, 4 },  /* 240.0.0.0/4 reserved, incl. broadcast */
};

bool ipv4_is_global(const struct in_addr *v4)
{
	uint32_t a = ntohl(v4->s_addr);

	if (a == 0xc0000009 || a == 0xc000000a)
		return true;
	for (size_t i = 0; i < sizeof(nonglobal4) / sizeof(nonglobal4[0]);
	     i++) {
		uint32_t mask = ~(0xffffffffu >> nonglobal4[i].len);

		if ((a & mask) == nonglobal4[i].net)
			return false;
	}
	return true;
}
