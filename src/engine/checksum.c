// SPDX-License-Identifier: GPL-2.0-or-later
/* Internet checksum (RFC 1071) and incremental update (RFC 1624). */
#include "checksum.h"

#include <endian.h>
#include <string.h>

uint32_t csum_add_buf(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	/* Eight bytes a step, as two big-endian 32-bit words: 2^16 is 1
	 * modulo 0xffff, so a word counts as the sum of its two halves.  A
	 * 64-bit accumulator cannot overflow for any IP packet, and the fold
	 * at the end makes the result exact. */
	while (len >= 8) {
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		s += be32toh(a);
		s += be32toh(b);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		s += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint32_t csum_addr4(const struct in_addr *a)
{
	return csum_add_buf(0, a, 4);
}

uint32_t csum_addr6(const struct in6_addr *a)
{
	return csum_add_buf(0, a, 16);
}

uint32_t csum_pseudo4(const struct in_addr *s, const struct in_addr *d,
		      uint8_t proto, uint16_t len)
{
	return csum_addr4(s) + csum_addr4(d) + proto + len;
}

uint32_t csum_pseudo6(const struct in6_addr *s, const struct in6_addr *d,
		      uint8_t nexthdr, uint32_t len)
{
	return csum_addr6(s) + csum_addr6(d) + (len >> 16) + (len & 0xffff) +
	       nexthdr;
}

uint16_t csum_update(uint16_t check, uint32_t delta)
{
	uint16_t d = csum_fold(delta);

	if (d == 0 || d == 0xffff)
		return check;
	return csum_finish((uint16_t)~check + (uint32_t)d);
}

uint16_t ip4_header_csum(const uint8_t *hdr, size_t ihl)
{
	uint32_t s = csum_add_buf(0, hdr, ihl);

	/* Take the checksum field itself out of the sum. */
	s = csum_sub16(s, get16(hdr + 10));
	return csum_finish(s);
}
