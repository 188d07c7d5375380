/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test packet builders and validators, shared by unit tests, fuzz targets
 * and tools.  Builders write into caller buffers and return the length;
 * they compute every checksum, so a test states only the fields it means.
 * Validators return NULL for a well-formed packet, else what is wrong.
 */
#ifndef XLAT_TEST_PKT_H
#define XLAT_TEST_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct in_addr pkt_a4(const char *s);   /* aborts on a bad literal */
struct in6_addr pkt_a6(const char *s);

struct pkt4_spec {
	const char *src, *dst;
	uint8_t tos, ttl, proto; /* ttl 0 means 64 */
	uint16_t id;
	bool df, mf;
	uint16_t frag_off; /* in 8-byte units */
	const uint8_t *opts;
	size_t optlen; /* multiple of 4 */
};

struct pkt6_spec {
	const char *src, *dst;
	uint8_t tclass, hlim, nexthdr; /* hlim 0 means 64 */
	uint32_t flow;
};

/* IP header + payload; the IPv4 header checksum is computed. */
size_t pkt_ip4(uint8_t *buf, const struct pkt4_spec *s, const void *payload,
	       size_t plen);
size_t pkt_ip6(uint8_t *buf, const struct pkt6_spec *s, const void *payload,
	       size_t plen);

/* Transport headers with zero checksum; pkt_fix_l4_* fills it in. */
size_t pkt_udp(uint8_t *buf, uint16_t sport, uint16_t dport, const void *data,
	       size_t len);
size_t pkt_tcp(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint8_t flags, const void *data, size_t len);
size_t pkt_icmp(uint8_t *buf, uint8_t type, uint8_t code, uint32_t rest,
		const void *data, size_t len);

/* Compute the TCP/UDP/ICMP(v6) checksum of a whole, unfragmented packet
 * in place (after any IPv6 extension headers). */
void pkt_fix_l4_csum4(uint8_t *pkt, size_t len);
void pkt_fix_l4_csum6(uint8_t *pkt, size_t len);

/* pkt_ip4() / pkt_ip6() of a transport header and its data, then its
 * checksum: a whole packet with every checksum right. */
size_t pkt_ip4_l4(uint8_t *buf, const struct pkt4_spec *s, const void *l4,
		  size_t n);
size_t pkt_ip6_l4(uint8_t *buf, const struct pkt6_spec *s, const void *l4,
		  size_t n);

/* Convenience: whole UDP / ICMP echo packets with valid checksums. */
size_t pkt_udp4(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
		uint16_t dport, const void *data, size_t len);
size_t pkt_udp6(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
		uint16_t dport, const void *data, size_t len);
size_t pkt_echo4(uint8_t *buf, const char *src, const char *dst, uint16_t id,
		 uint16_t seq, const void *data, size_t len);
size_t pkt_echo6(uint8_t *buf, const char *src, const char *dst, uint16_t id,
		 uint16_t seq, const void *data, size_t len);

/*
 * Well-formedness: version, header and total lengths, IPv4 header
 * checksum, IPv6 extension header chain, and for unfragmented packets the
 * TCP/UDP/ICMP(v6) checksum (UDP over IPv6 must not be zero).
 */
const char *pkt_check4(const uint8_t *p, size_t len);
const char *pkt_check6(const uint8_t *p, size_t len);
const char *pkt_check(const uint8_t *p, size_t len); /* by version */

#endif
