/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the RFC 7915 vector tests of the discard errors, atomic
 * fragments and next-hop MTUs (test_rfc7915_{atomic,discard4,discard6,
 * mtu}.c): one configuration, packet builders, and checkers that look at
 * every field of an ICMP error the translator generates.
 *
 * Address plan (as in test_rfc7915_6to4.c): pool6 2001:db8:64::/96, EAM
 * 192.0.2.1 <-> 2001:db8:aaaa:: (an IPv6 host, A6), IPv4 hosts
 * 203.0.113.5 (= H4) and 198.51.100.7; the translator's own addresses
 * SELF4 and SELF6.
 */
#ifndef XLAT_TEST_VEC_H
#define XLAT_TEST_VEC_H

#include "tap.h"

#include "engine/checksum.h"
#include "engine/xlat.h"
#include "engine/xlat_cfg.h"
#include "pkt.h"

#include <stdlib.h>
#include <sys/socket.h>

#define A4 "192.0.2.1"
#define A6 "2001:db8:aaaa::"
#define H4 "203.0.113.5"
#define H4_6 "2001:db8:64::cb00:7105"
#define SELF4 "198.51.100.254"
#define SELF6 "2001:db8:ffff::1"

static uint8_t obuf[XLAT_OUT_MIN + 64];
static struct xlat_out out;
static struct xlat_eam vec_eam[1];

static inline void cfg_vec(struct xlat_cfg *cfg)
{
	xlat_cfg_init(cfg);
	cfg->has_pool6 = true;
	cfg->pool6.addr = pkt_a6("2001:db8:64::");
	cfg->pool6.len = 96;
	vec_eam[0].p4.addr = pkt_a4(A4);
	vec_eam[0].p4.len = 32;
	vec_eam[0].p6.addr = pkt_a6(A6);
	vec_eam[0].p6.len = 128;
	cfg->eam = vec_eam;
	cfg->n_eam = 1;
	cfg->self4 = pkt_a4(SELF4);
	cfg->self6 = pkt_a6(SELF6);
	cfg->hairpin = false;
}

/* One translation; out.next_id carries over from the last call. */
static inline enum xlat_verdict run_vec(const struct xlat_cfg *cfg,
					const uint8_t *p, size_t len)
{
	uint16_t id = out.next_id;

	memset(&out, 0, sizeof(out));
	memset(obuf, 0xa5, sizeof(obuf));
	out.buf = obuf;
	out.cap = XLAT_OUT_MIN;
	out.next_id = id;
	return xlat_packet(cfg, p, len, &out);
}

static inline uint8_t *opk(unsigned int i)
{
	return xlat_out_data(&out, i);
}

static inline bool addr_is(const uint8_t *p, int af, const char *a)
{
	if (af == AF_INET) {
		struct in_addr x = pkt_a4(a);

		return memcmp(p, &x, 4) == 0;
	}
	struct in6_addr y = pkt_a6(a);

	return memcmp(p, &y, 16) == 0;
}

/* IPv6 header + payload with the L4 checksum filled in. */
static inline size_t mk6(uint8_t *b, const char *s, const char *d,
			 uint8_t nh, uint8_t hlim, const void *pl, size_t plen)
{
	struct pkt6_spec sp = { .src = s, .dst = d, .nexthdr = nh,
				.hlim = hlim };
	size_t n = pkt_ip6(b, &sp, pl, plen);

	pkt_fix_l4_csum6(b, n);
	return n;
}

static inline size_t frag_hdr(uint8_t *b, uint8_t nh, uint16_t off, bool m,
			      uint32_t id)
{
	b[0] = nh;
	b[1] = 0;
	put16(b + 2, (uint16_t)(off << 3 | m));
	put32(b + 4, id);
	return 8;
}

/* An 8-byte options header (hop-by-hop or destination) with PadN. */
static inline size_t opt_hdr(uint8_t *b, uint8_t nh)
{
	static const uint8_t t[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };

	memcpy(b, t, 8);
	b[0] = nh;
	return 8;
}

static inline void fill(uint8_t *b, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed);
}

/*
 * An ICMPv6 error from the translator (RFC 7915 5.4, RFC 4443): every
 * field of the IPv6 header and the ICMPv6 header, the checksum summed
 * here over the pseudo-header, and the packet in error copied as far as
 * 1280 bytes allow.
 */
#define CHECK_ICMP6_ERR(type, code, rest, orig, olen)                          \
	check_icmp6_err(__LINE__, type, code, rest, orig, olen)

static inline void check_icmp6_err(int line, uint8_t type, uint8_t code,
				   uint32_t rest, const uint8_t *orig,
				   size_t olen)
{
	struct in6_addr s = pkt_a6(SELF6), d;
	size_t want = olen > 1232 ? 1232 : olen;
	const uint8_t *p = opk(0);
	size_t len = out.pkt[0].len;

	if (out.n != 1 || out.family != AF_INET6 || len != 48 + want) {
		TAP_FAIL("line %d: n %u family %d len %zu, want 1 %d %zu", line,
			 out.n, out.family, len, AF_INET6, 48 + want);
		return;
	}
	memcpy(&d, orig + 8, 16);
	if (get32(p) != 0x60000000u)
		TAP_FAIL("line %d: version/class/flow 0x%08x", line, get32(p));
	if (get16(p + 4) != 8 + want)
		TAP_FAIL("line %d: payload length %u", line, get16(p + 4));
	if (p[6] != 58 || p[7] != 64)
		TAP_FAIL("line %d: next header %u hop limit %u", line, p[6],
			 p[7]);
	if (memcmp(p + 8, &s, 16) || memcmp(p + 24, &d, 16))
		TAP_FAIL("line %d: not from self6 to the packet's source",
			 line);
	if (p[40] != type || p[41] != code || get32(p + 44) != rest)
		TAP_FAIL("line %d: type %u code %u rest %u, want %u %u %u", line,
			 p[40], p[41], get32(p + 44), type, code, rest);
	if (csum_fold(csum_add_buf(csum_pseudo6(&s, &d, 58,
						(uint32_t)(8 + want)),
				   p + 40, 8 + want)) != 0xffff)
		TAP_FAIL("line %d: ICMPv6 checksum", line);
	if (memcmp(p + 48, orig, want))
		TAP_FAIL("line %d: packet in error not copied", line);
}

/*
 * An ICMPv4 error from the translator (RFC 7915 4.4, RFC 792): every
 * field of the IPv4 header, the ICMP header and checksum, and the packet
 * in error copied as far as 576 bytes allow.
 */
#define CHECK_ICMP4_ERR(type, code, mtu, orig, olen, id)                       \
	check_icmp4_err(__LINE__, type, code, mtu, orig, olen, id)

static inline void check_icmp4_err(int line, uint8_t type, uint8_t code,
				   uint16_t mtu, const uint8_t *orig,
				   size_t olen, uint16_t id)
{
	size_t want = olen > 548 ? 548 : olen;
	const uint8_t *p = opk(0);
	size_t len = out.pkt[0].len;

	if (out.n != 1 || out.family != AF_INET || len != 28 + want) {
		TAP_FAIL("line %d: n %u family %d len %zu, want 1 %d %zu", line,
			 out.n, out.family, len, AF_INET, 28 + want);
		return;
	}
	if (p[0] != 0x45 || p[1] != 0 || get16(p + 2) != 28 + want)
		TAP_FAIL("line %d: version/IHL 0x%02x TOS %u total %u", line,
			 p[0], p[1], get16(p + 2));
	if (get16(p + 4) != id || get16(p + 6) != 0)
		TAP_FAIL("line %d: ID %u flags/offset 0x%04x", line,
			 get16(p + 4), get16(p + 6));
	if (p[8] != 64 || p[9] != 1)
		TAP_FAIL("line %d: TTL %u protocol %u", line, p[8], p[9]);
	if (csum_fold(csum_add_buf(0, p, 20)) != 0xffff)
		TAP_FAIL("line %d: header checksum", line);
	if (!addr_is(p + 12, AF_INET, SELF4) || memcmp(p + 16, orig + 12, 4))
		TAP_FAIL("line %d: not from self4 to the packet's source",
			 line);
	if (p[20] != type || p[21] != code || get16(p + 24) != 0 ||
	    get16(p + 26) != mtu)
		TAP_FAIL("line %d: type %u code %u word 0x%04x%04x", line,
			 p[20], p[21], get16(p + 24), get16(p + 26));
	if (csum_fold(csum_add_buf(0, p + 20, 8 + want)) != 0xffff)
		TAP_FAIL("line %d: ICMP checksum", line);
	if (memcmp(p + 28, orig, want))
		TAP_FAIL("line %d: packet in error not copied", line);
}

#endif
