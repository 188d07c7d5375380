// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 6052: IPv4-embedded IPv6 address format, section 2. */
#include "rfc6052.h"

#include "ipv4_special.h"

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

/* The table is shared with the eBPF fast path: see ipv4_special.h. */
bool ipv4_is_global(const struct in_addr *v4)
{
	return !ipv4_nonglobal(ntohl(v4->s_addr));
}
