/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internet checksum helpers (RFC 1071) and incremental updates (RFC 1624).
 *
 * Sums are kept as 32-bit accumulators of 16-bit words in network byte
 * order as read from memory; csum_fold() reduces them.  All helpers work on
 * byte buffers, so alignment never matters.
 */
#ifndef XLAT_CHECKSUM_H
#define XLAT_CHECKSUM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Add the 16-bit big-endian words of buf to sum (odd tail padded with 0). */
uint32_t csum_add_buf(uint32_t sum, const void *buf, size_t len);

static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Final checksum value (host order) of a 32-bit sum. */
static inline uint16_t csum_finish(uint32_t sum)
{
	return (uint16_t)~csum_fold(sum);
}

static inline uint32_t csum_add16(uint32_t sum, uint16_t v)
{
	return sum + v;
}

/* One's complement subtraction of v: add ~v. */
static inline uint32_t csum_sub16(uint32_t sum, uint16_t v)
{
	return sum + (uint16_t)~v;
}

/* Sum of the addresses of an IPv4 / IPv6 pseudo-header. */
uint32_t csum_addr4(const struct in_addr *a);
uint32_t csum_addr6(const struct in6_addr *a);

/* Full pseudo-header sums (RFC 768/793 for IPv4, RFC 8200 8.1 for IPv6). */
uint32_t csum_pseudo4(const struct in_addr *s, const struct in_addr *d,
		      uint8_t proto, uint16_t len);
uint32_t csum_pseudo6(const struct in6_addr *s, const struct in6_addr *d,
		      uint8_t nexthdr, uint32_t len);

/*
 * RFC 1624 eqn. 3: given a checksum field value (host order) and a delta
 * (sum of new words plus complements of old words), return the new field.
 * A delta congruent to zero leaves the field exactly as it was, which is
 * what keeps checksum-neutral address pairs untouched.
 */
uint16_t csum_update(uint16_t check, uint32_t delta);

/* Read/write a big-endian 16-bit field at p. */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The IPv4 header checksum of hdr (ihl bytes), field assumed zeroed or not. */
uint16_t ip4_header_csum(const uint8_t *hdr, size_t ihl);

#endif
