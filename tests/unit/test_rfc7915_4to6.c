// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 7915 section 4 (IPv4 to IPv6).  Expected values are
 * worked out from the RFC text, not from the implementation: addresses by
 * RFC 6052 with 2001:db8:64::/96, lengths and MTUs by the section 4.1 and
 * 4.2 arithmetic.  Every emitted packet also passes pkt_check6()/4().
 */
#define TAP_MAIN
#include "tap.h"

#include "engine/checksum.h"
#include "engine/rfc7915.h"
#include "engine/xlat.h"
#include "pkt.h"

#include <stdlib.h>
#include <sys/socket.h>

/* IPv4 host behind the CLAT, a remote IPv4 server, an IPv4 router. */
#define H4 "192.0.2.1"
#define H6 "2001:db8:64::c000:201"
#define R4 "198.51.100.2"
#define R6 "2001:db8:64::c633:6402"
#define RT4 "203.0.113.1"
#define RT6 "2001:db8:64::cb00:7101"
#define SELF4 "192.0.2.254"

static struct xlat_cfg cfg;
static uint8_t obuf[XLAT_OUT_MIN];
static struct xlat_out out;
static uint8_t in[70000];

static void setup(void)
{
	xlat_cfg_init(&cfg);
	cfg.has_pool6 = true;
	cfg.pool6.addr = pkt_a6("2001:db8:64::");
	cfg.pool6.len = 96;
	cfg.self4 = pkt_a4(SELF4);
	memset(&out, 0, sizeof(out));
	out.buf = obuf;
	out.cap = sizeof(obuf);
	memset(obuf, 0xa5, sizeof(obuf));
}

static enum xlat_verdict run(const uint8_t *p, size_t n)
{
	return xlat_4to6(&cfg, p, n, &out);
}

static uint8_t *opkt(unsigned int i)
{
	return xlat_out_data(&out, i);
}

static void check6_at(int line, const uint8_t *p, size_t len, uint8_t tc,
		      size_t plen, uint8_t nh, uint8_t hlim, const char *src,
		      const char *dst)
{
	struct in6_addr s = pkt_a6(src), d = pkt_a6(dst);
	const char *e = pkt_check6(p, len);

	if (e)
		TAP_FAIL("line %d: pkt_check6: %s", line, e);
	if (len < 40) {
		TAP_FAIL("line %d: short", line);
		return;
	}
	if (p[0] >> 4 != 6)
		TAP_FAIL("line %d: version %d", line, p[0] >> 4);
	if ((get32(p) >> 20 & 0xff) != tc)
		TAP_FAIL("line %d: tclass %u != %u", line,
			 get32(p) >> 20 & 0xff, tc);
	if (get32(p) & 0xfffff)
		TAP_FAIL("line %d: flow label not 0", line);
	if (get16(p + 4) != plen || len != plen + 40)
		TAP_FAIL("line %d: plen %u len %zu, want %zu", line,
			 get16(p + 4), len, plen);
	if (p[6] != nh)
		TAP_FAIL("line %d: next header %u != %u", line, p[6], nh);
	if (p[7] != hlim)
		TAP_FAIL("line %d: hop limit %u != %u", line, p[7], hlim);
	if (memcmp(p + 8, &s, 16))
		TAP_FAIL("line %d: source differs from %s", line, src);
	if (memcmp(p + 24, &d, 16))
		TAP_FAIL("line %d: destination differs from %s", line, dst);
}

#define check6(...) check6_at(__LINE__, __VA_ARGS__)

/* Checks of an ICMPv4 error the translator sent back (section 4.4). */
static void check_reply_at(int line, uint8_t type, uint8_t code,
			   uint16_t mtu, const uint8_t *orig, size_t olen)
{
	struct in_addr self = cfg.self4;
	size_t want = olen > 548 ? 548 : olen;
	const uint8_t *p = opkt(0);
	const char *e;

	if (out.n != 1 || out.family != AF_INET) {
		TAP_FAIL("line %d: n %u family %d", line, out.n, out.family);
		return;
	}
	e = pkt_check4(p, out.pkt[0].len);
	if (e)
		TAP_FAIL("line %d: pkt_check4: %s", line, e);
	if (out.pkt[0].len != 28 + want)
		TAP_FAIL("line %d: length %u", line, out.pkt[0].len);
	if (p[8] != 64 || p[9] != 1)
		TAP_FAIL("line %d: ttl %u proto %u", line, p[8], p[9]);
	if (memcmp(p + 12, &self, 4) || memcmp(p + 16, orig + 12, 4))
		TAP_FAIL("line %d: addresses", line);
	if (p[20] != type || p[21] != code || get16(p + 24) != 0 ||
	    get16(p + 26) != mtu)
		TAP_FAIL("line %d: icmp %u/%u mtu %u", line, p[20], p[21],
			 get16(p + 26));
	if (memcmp(p + 28, orig, want))
		TAP_FAIL("line %d: quoted packet differs", line);
}

#define check_reply(...) check_reply_at(__LINE__, __VA_ARGS__)

static void fill(uint8_t *b, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

static size_t udp4(uint8_t *b, const struct pkt4_spec *s, size_t dlen)
{
	uint8_t d[66000];
	size_t n;

	fill(d, dlen, dlen);
	n = pkt_udp(b + 20 + s->optlen, 1234, 53, d, dlen);
	n = pkt_ip4(b, s, b + 20 + s->optlen, n);
	pkt_fix_l4_csum4(b, n);
	return n;
}

static size_t tcp4(uint8_t *b, const struct pkt4_spec *s, size_t dlen)
{
	uint8_t d[2000];
	size_t n;

	fill(d, dlen, 3);
	n = pkt_tcp(b + 20, 40000, 80, 0x01020304, 0x18, d, dlen);
	n = pkt_ip4(b, s, b + 20, n);
	pkt_fix_l4_csum4(b, n);
	return n;
}

/* An ICMPv4 message from src to dst carrying body. */
static size_t icmp4(uint8_t *b, const char *src, const char *dst,
		    uint8_t type, uint8_t code, uint32_t rest,
		    const uint8_t *body, size_t blen)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = 1 };
	uint8_t t[2048];
	size_t n;

	n = pkt_icmp(t, type, code, rest, body, blen);
	n = pkt_ip4(b, &s, t, n);
	pkt_fix_l4_csum4(b, n);
	return n;
}

/* The packet an IPv4 router complains about: a UDP datagram sent by the
 * IPv6 side (H4 after 6->4) to R4, TTL 5. */
static size_t orig_udp(uint8_t *b, size_t dlen)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .ttl = 5,
			       .tos = 0x20, .id = 77 };

	return udp4(b, &s, dlen);
}

/* An error from RT4 to H4 about orig (len bytes of it). */
static size_t err4(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest,
		   const uint8_t *orig, size_t len)
{
	return icmp4(b, RT4, H4, type, code, rest, orig, len);
}

/* ---- 4.1: the IPv6 header ---- */

TEST(hdr_fields_udp)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17,
			       .tos = 0xb8, .ttl = 64, .id = 0x1234 };
	size_t n;

	setup();
	n = udp4(in, &s, 100);
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_EQ(out.reason, XLAT_DROP_NONE);
	check6(opkt(0), out.pkt[0].len, 0xb8, 108, 17, 63, H6, R6);
	/* Everything but the checksum is the IPv4 payload, unchanged. */
	CHECK_MEM(opkt(0) + 40, in + 20, 6);
	CHECK_MEM(opkt(0) + 48, in + 28, 100);
}

TEST(hdr_reset_tos)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17,
			       .tos = 0xb8 };
	size_t n;

	setup();
	cfg.reset_tos = true;
	n = udp4(in, &s, 10);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 18, 17, 63, H6, R6);
}

TEST(hdr_host_mode_keeps_ttl)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .ttl = 1 };
	size_t n;

	setup();
	cfg.decrement_ttl = false;
	n = udp4(in, &s, 10);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 18, 17, 1, H6, R6);
}

TEST(ttl_expired_router_reply)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .ttl = 1 };
	size_t n;

	setup();
	n = udp4(in, &s, 10);
	REQUIRE(run(in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_TTL_EXPIRED);
	check_reply(11, 0, 0, in, n);
	/* TTL 2 still goes through, with hop limit 1. */
	s.ttl = 2;
	n = udp4(in, &s, 10);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 18, 17, 1, H6, R6);
}

TEST(ttl_expired_without_icmp_errors)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .ttl = 1 };
	size_t n;

	setup();
	cfg.icmp_errors = false;
	n = udp4(in, &s, 10);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TTL_EXPIRED);
	CHECK_EQ(out.n, 0);
}

TEST(ttl_expired_icmp_error_is_silent)
{
	uint8_t o[100];
	size_t n = orig_udp(o, 8);

	setup();
	n = err4(in, 3, 3, 0, o, n);
	in[8] = 1;
	put16(in + 10, ip4_header_csum(in, 20));
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TTL_EXPIRED);
}

TEST(addr_untranslatable)
{
	struct xlat_eam e = { .p4 = { pkt_a4(R4), 32 },
			      .p6 = { pkt_a6("2001:db8:bb::2"), 128 } };
	size_t n = pkt_udp4(in, H4, R4, 1, 2, "x", 1);

	setup();
	cfg.has_pool6 = false;
	cfg.eam = &e;
	cfg.n_eam = 1;
	CHECK_EQ(run(in, n), XLAT_REPLY); /* 3/13: RFC 7915 4.4 */
	CHECK_EQ(out.reason, XLAT_DROP_SRC_UNTRANSLATABLE);
	n = pkt_udp4(in, R4, H4, 1, 2, "x", 1);
	CHECK_EQ(run(in, n), XLAT_REPLY); /* 3/13: RFC 7915 4.4 */
	CHECK_EQ(out.reason, XLAT_DROP_DST_UNTRANSLATABLE);
	n = pkt_udp4(in, R4, R4, 1, 2, "x", 1);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 9, 17, 63, "2001:db8:bb::2",
	       "2001:db8:bb::2");
}

TEST(addr_wkp_nonglobal)
{
	size_t n = pkt_udp4(in, H4, R4, 1, 2, "x", 1);

	setup();
	cfg.pool6.addr = pkt_a6("64:ff9b::");
	CHECK_EQ(run(in, n), XLAT_REPLY); /* 3/13: RFC 7915 4.4 */
	CHECK_EQ(out.reason, XLAT_DROP_WKP_NONGLOBAL);
}

TEST(addr_eam_then_hairpin_pool6)
{
	struct xlat_eam e = { .p4 = { pkt_a4("192.0.2.0"), 24 },
			      .p6 = { pkt_a6("2001:db8:aa::"), 120 } };
	size_t n = pkt_udp4(in, H4, R4, 1, 2, "x", 1);

	setup();
	cfg.eam = &e;
	cfg.n_eam = 1;
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 9, 17, 63, "2001:db8:aa::1", R6);
	/* RFC 7757 section 4: the hairpinned source takes pool6, and the
	 * hop was already counted by the 6->4 pass. */
	REQUIRE(xlat_4to6_flags(&cfg, in, n, &out, XLAT_4TO6_HAIRPIN) ==
		XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 9, 17, 64, H6, R6);
	n = pkt_udp4(in, R4, H4, 1, 2, "x", 1);
	REQUIRE(xlat_4to6_flags(&cfg, in, n, &out, XLAT_4TO6_HAIRPIN) ==
		XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 9, 17, 64, R6, "2001:db8:aa::1");
}

/* Hairpinned error: the embedded destination mirrors the outer source. */
TEST(hairpin_icmp_error_inner_pool6)
{
	struct xlat_eam e = { .p4 = { pkt_a4("198.51.100.0"), 24 },
			      .p6 = { pkt_a6("2001:db8:bb::"), 120 } };
	struct in6_addr bb2 = pkt_a6("2001:db8:bb::2"), r6 = pkt_a6(R6);
	uint8_t o[100];
	size_t on = orig_udp(o, 8), n;

	setup();
	cfg.eam = &e;
	cfg.n_eam = 1;
	n = icmp4(in, R4, H4, 3, 3, 0, o, on);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 56, 58, 63, "2001:db8:bb::2",
	       H6);
	CHECK_MEM(opkt(0) + 48 + 24, &bb2, 16);
	REQUIRE(xlat_4to6_flags(&cfg, in, n, &out, XLAT_4TO6_HAIRPIN) ==
		XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 56, 58, 64, R6, H6);
	CHECK_MEM(opkt(0) + 48 + 24, &r6, 16);
}

TEST(options_ignored)
{
	/* Record Route (7) with room for one address, then NOP, EOL. */
	static const uint8_t opt[8] = { 7, 7, 4, 0, 0, 0, 0, 0 };
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17,
			       .opts = opt, .optlen = 8 };
	size_t n;

	setup();
	n = udp4(in, &s, 20);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 28, 17, 63, H6, R6);
	CHECK_MEM(opkt(0) + 48, in + 28 + 8, 20);
}

TEST(source_route_reply)
{
	static const uint8_t lsrr[8] = { 131, 7, 4, 203, 0, 113, 9, 0 };
	static const uint8_t ssrr[8] = { 1, 137, 7, 4, 203, 0, 113, 9 };
	static const uint8_t done[8] = { 131, 7, 8, 203, 0, 113, 9, 0 };
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17,
			       .opts = lsrr, .optlen = 8 };
	size_t n;

	setup();
	n = udp4(in, &s, 20);
	REQUIRE(run(in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_SOURCE_ROUTE);
	check_reply(3, 5, 0, in, n);
	s.opts = ssrr;
	n = udp4(in, &s, 20);
	REQUIRE(run(in, n) == XLAT_REPLY);
	check_reply(3, 5, 0, in, n);
	/* Pointer past the end: the route is complete, options ignored. */
	s.opts = done;
	n = udp4(in, &s, 20);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 28, 17, 63, H6, R6);
}

TEST(multicast_broadcast_dropped)
{
	static const char *const dst[] = { "224.0.0.251", "239.1.2.3",
					   "255.255.255.255" };

	setup();
	for (size_t i = 0; i < 3; i++) {
		size_t n = pkt_udp4(in, H4, dst[i], 1, 2, "x", 1);

		CHECK_EQ(run(in, n), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_MULTICAST);
	}
	/* Not even a TTL error for them. */
	{
		size_t n = pkt_udp4(in, H4, "224.0.0.251", 1, 2, "x", 1);

		in[8] = 1;
		put16(in + 10, ip4_header_csum(in, 20));
		CHECK_EQ(run(in, n), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_MULTICAST);
	}
}

TEST(igmp_dropped)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 2 };
	uint8_t d[8] = { 0x11 };
	size_t n;

	setup();
	n = pkt_ip4(in, &s, d, 8);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_IGMP);
}

TEST(other_protocol_copied)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 50 };
	uint8_t d[64];
	size_t n;

	setup();
	fill(d, sizeof(d), 9);
	n = pkt_ip4(in, &s, d, sizeof(d));
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 64, 50, 63, H6, R6);
	CHECK_MEM(opkt(0) + 40, d, 64);
}

TEST(ipv6_extension_protocols_refused)
{
	static const uint8_t bad[] = { 0, 43, 44, 58, 60 };
	uint8_t d[16] = { 0 };

	setup();
	for (size_t i = 0; i < sizeof(bad); i++) {
		struct pkt4_spec s = { .src = H4, .dst = R4, .proto = bad[i] };
		size_t n = pkt_ip4(in, &s, d, sizeof(d));

		CHECK_EQ(run(in, n), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_UNSUPPORTED_PROTO);
	}
}

/* ---- 4.1: fragments ---- */

TEST(frag_first_gets_fragment_header)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17,
			       .id = 0xbeef };
	uint8_t whole[200], ref[200];
	size_t n, wn;
	uint16_t want;

	setup();
	/* The checksum of the unfragmented translation is the one the
	 * first fragment must carry. */
	wn = udp4(whole, &s, 40);
	REQUIRE(run(whole, wn) == XLAT_OUT);
	memcpy(ref, opkt(0), out.pkt[0].len);
	want = get16(ref + 46);

	s.mf = true;
	n = pkt_ip4(in, &s, whole + 20, 24); /* UDP header + 16 bytes */
	REQUIRE(run(in, n) == XLAT_OUT);
	REQUIRE(out.n == 1);
	check6(opkt(0), out.pkt[0].len, 0, 32, 44, 63, H6, R6);
	CHECK_EQ(opkt(0)[40], 17);
	CHECK_EQ(opkt(0)[41], 0);
	CHECK_EQ(get16(opkt(0) + 42), 0x0001); /* offset 0, M */
	CHECK_EQ(get32(opkt(0) + 44), 0x0000beef);
	CHECK_EQ(get16(opkt(0) + 48 + 6), want);
	CHECK_MEM(opkt(0) + 48 + 8, whole + 28, 16);
}

TEST(frag_nonfirst_copied)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .id = 7,
			       .frag_off = 3 };
	uint8_t d[21];
	size_t n;

	setup();
	fill(d, sizeof(d), 1);
	n = pkt_ip4(in, &s, d, sizeof(d));
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 29, 44, 63, H6, R6);
	CHECK_EQ(opkt(0)[40], 17);
	CHECK_EQ(get16(opkt(0) + 42), 24); /* offset 24 bytes, M 0 */
	CHECK_EQ(get32(opkt(0) + 44), 7);
	CHECK_MEM(opkt(0) + 48, d, 21);
}

TEST(frag_bad_pieces)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .mf = true };
	uint8_t d[20] = { 0 };
	size_t n;

	setup();
	n = pkt_ip4(in, &s, d, 13); /* non-last piece not a multiple of 8 */
	CHECK_EQ(run(in, n), XLAT_REPLY); /* 3/13: RFC 7915 4.4 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	s.mf = false;
	s.frag_off = 8191; /* 65528 + 16 > 65535 */
	n = pkt_ip4(in, &s, d, 16);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
}

TEST(df0_fits_no_fragment_header)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17 };
	size_t n;

	setup();
	n = udp4(in, &s, 1232); /* IPv6: 40 + 8 + 1232 = 1280 */
	REQUIRE(run(in, n) == XLAT_OUT);
	REQUIRE(out.n == 1);
	check6(opkt(0), out.pkt[0].len, 0, 1240, 17, 63, H6, R6);
}

/* Reassemble out->pkt[] (Fragment Headers after a 40-byte header). */
static size_t reassemble(uint8_t *dst, uint32_t base, uint32_t id,
			 bool last_m)
{
	size_t total = 0;

	for (unsigned int i = 0; i < out.n; i++) {
		const uint8_t *p = opkt(i);
		uint32_t len = out.pkt[i].len;
		uint16_t fo = get16(p + 42);
		bool m = fo & 1;

		if (len > cfg.lowest_ipv6_mtu || len < 48)
			TAP_FAIL("fragment %u length %u", i, len);
		if (pkt_check6(p, len))
			TAP_FAIL("fragment %u: %s", i, pkt_check6(p, len));
		if (p[6] != 44 || get32(p + 44) != id)
			TAP_FAIL("fragment %u: nh %u id %x", i, p[6],
				 get32(p + 44));
		if ((fo & ~7u) - base != total)
			TAP_FAIL("fragment %u at %u, want %zu", i, fo & ~7u,
				 total + base);
		if (m != (i + 1 < out.n || last_m))
			TAP_FAIL("fragment %u M %d", i, m);
		if (i + 1 < out.n && (len - 48) % 8)
			TAP_FAIL("fragment %u not a multiple of 8", i);
		memcpy(dst + total, p + 48, len - 48);
		total += len - 48;
	}
	return total;
}

TEST(df0_split_into_fragments)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17,
			       .id = 0x4242, .ttl = 30 };
	static uint8_t ref[4000], re[4000];
	size_t n, total;

	setup();
	n = udp4(in, &s, 3000); /* 3008 bytes of UDP */
	cfg.lowest_ipv6_mtu = 9000;
	REQUIRE(run(in, n) == XLAT_OUT);
	REQUIRE(out.n == 1);
	memcpy(ref, opkt(0), out.pkt[0].len);
	check6(ref, 3048, 0, 3008, 17, 29, H6, R6);

	cfg.lowest_ipv6_mtu = 1280;
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 3);
	CHECK_EQ(out.pkt[0].len, 1280);
	CHECK_EQ(out.pkt[1].len, 1280);
	CHECK_EQ(out.pkt[2].len, 48 + 3008 - 2 * 1232);
	for (unsigned int i = 0; i < out.n; i++) {
		CHECK_EQ(opkt(i)[40], 17);
		CHECK_EQ(opkt(i)[7], 29);
		CHECK_MEM(opkt(i) + 8, ref + 8, 32);
	}
	total = reassemble(re, 0, 0x4242, false);
	CHECK_EQ(total, 3008);
	CHECK_MEM(re, ref + 40, 3008);
}

TEST(df0_split_keeps_input_offset)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17,
			       .id = 9, .mf = true, .frag_off = 100 };
	static uint8_t d[2000], re[2000];
	size_t n;

	setup();
	fill(d, sizeof(d), 5);
	n = pkt_ip4(in, &s, d, 2000);
	cfg.lowest_ipv6_mtu = 1500;
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 2); /* pieces of (1500 - 48) & ~7 = 1448 */
	CHECK_EQ(out.pkt[0].len, 1496);
	CHECK_EQ(reassemble(re, 800, 9, true), 2000);
	CHECK_MEM(re, d, 2000);
}

TEST(df1_too_big_frag_needed)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .df = true };
	size_t n;

	setup();
	cfg.ipv6_mtu = 1280; /* the next-hop MTU, when the caller knows it */
	n = udp4(in, &s, 1232); /* 1260 bytes: IPv6 1280 fits */
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 1);
	check6(opkt(0), out.pkt[0].len, 0, 1240, 17, 63, H6, R6);
	n = udp4(in, &s, 1233);
	REQUIRE(run(in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_FRAG_NEEDED);
	check_reply(3, 4, 1260, in, n);
	CHECK_EQ(out.pkt[0].len, 576);

	cfg.ipv6_mtu = 1500;
	n = udp4(in, &s, 1452); /* 1480 bytes */
	CHECK_EQ(run(in, n), XLAT_OUT);
	n = udp4(in, &s, 1453);
	REQUIRE(run(in, n) == XLAT_REPLY);
	check_reply(3, 4, 1480, in, n);
}

/*
 * lowest-ipv6-mtu governs DF=0 fragmentation only: a DF=1 packet is held
 * to the next-hop MTU, and with none known it goes out whole (the IPv6
 * side answers with Packet Too Big if it does not fit).
 */
TEST(df1_not_held_to_lowest_ipv6_mtu)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .df = true };
	size_t n;

	setup();
	CHECK_EQ(cfg.ipv6_mtu, 0);
	CHECK_EQ(cfg.lowest_ipv6_mtu, 1280);
	n = udp4(in, &s, 1453); /* IPv4 1481, IPv6 1501 */
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 1);
	check6(opkt(0), out.pkt[0].len, 0, 1461, 17, 63, H6, R6);
	/* A (strange) DF=1 fragment: one IPv6 fragment, found by the fuzzer
	 * when "no limit" overflowed the fragmenting arithmetic. */
	s.frag_off = 100;
	n = udp4(in, &s, 1453);
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(opkt(0)[6], 44);
	s.frag_off = 0;
	/* DF=0, same size: fragmented to lowest-ipv6-mtu */
	s.df = false;
	n = udp4(in, &s, 1453);
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 2);
	CHECK_EQ(out.pkt[0].len, 1280);
}

/* ---- 4.2: ICMP informational ---- */

TEST(icmp_echo_request_reply)
{
	uint8_t d[56];
	size_t n;

	setup();
	fill(d, sizeof(d), 11);
	n = pkt_echo4(in, H4, R4, 0x1111, 0x0007, d, sizeof(d));
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 64, 58, 63, H6, R6);
	CHECK_EQ(opkt(0)[40], 128);
	CHECK_EQ(opkt(0)[41], 0);
	CHECK_EQ(get32(opkt(0) + 44), 0x11110007);
	CHECK_MEM(opkt(0) + 48, d, 56);

	in[20] = 0; /* echo reply; fix the ICMPv4 checksum by hand */
	put16(in + 22, csum_update(get16(in + 22),
				   csum_sub16(csum_add16(0, 0x0000), 0x0800)));
	REQUIRE(pkt_check4(in, n) == NULL);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 64, 58, 63, H6, R6);
	CHECK_EQ(opkt(0)[40], 129);
}

TEST(icmp_echo_fragmented_dropped)
{
	uint8_t e[64];
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 1, .mf = true };
	size_t n;

	setup();
	n = pkt_echo4(e, H4, R4, 1, 1, "01234567", 8);
	n = pkt_ip4(in, &s, e + 20, 16);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_FRAGMENTED);
	s.mf = false;
	s.frag_off = 2;
	n = pkt_ip4(in, &s, e + 20, 16);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_FRAGMENTED);
}

TEST(icmp_echo_df1_too_big)
{
	static uint8_t d[1300];
	size_t n;

	setup();
	cfg.ipv6_mtu = 1280;
	n = pkt_echo4(in, H4, R4, 1, 1, d, 1300);
	in[6] = 0x40;
	put16(in + 10, ip4_header_csum(in, 20));
	REQUIRE(run(in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_FRAG_NEEDED);
	check_reply(3, 4, 1260, in, n);
	/* DF=0: fragments, each checked by pkt_check6 in reassemble(). */
	in[6] = 0;
	put16(in + 10, ip4_header_csum(in, 20));
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 2);
	CHECK_EQ(opkt(0)[40], 58);
	CHECK_EQ(opkt(0)[48], 128);
}

TEST(icmp_untranslatable_types)
{
	static const uint8_t t[] = { 4, 5, 6, 9, 10, 13, 14, 15, 16, 17,
				     18, 30, 40, 253 };
	uint8_t body[28] = { 0x45 };

	setup();
	for (size_t i = 0; i < sizeof(t); i++) {
		size_t n = icmp4(in, R4, H4, t[i], 0, 0, body, sizeof(body));

		CHECK_EQ(run(in, n), XLAT_DROP);
		if (out.reason != XLAT_DROP_ICMP_UNTRANSLATABLE)
			TAP_FAIL("type %u: reason %s", t[i],
				 xlat_drop_name(out.reason));
	}
}

/* ---- 4.2/4.3: ICMP errors ---- */

/* Checks of the embedded IPv6 packet translated from orig_udp(). */
static void check_inner_at(int line, const uint8_t *p, size_t len,
			   size_t olen_full, bool whole)
{
	struct in6_addr h6 = pkt_a6(H6), r6 = pkt_a6(R6);

	if (len < 40) {
		TAP_FAIL("line %d: inner length %zu", line, len);
		return;
	}
	if (get32(p) != (0x60000000u | 0x20u << 20))
		TAP_FAIL("line %d: inner version/tc/flow %08x", line,
			 get32(p));
	if (get16(p + 4) != olen_full - 20)
		TAP_FAIL("line %d: inner plen %u", line, get16(p + 4));
	if (p[6] != 17 || p[7] != 5)
		TAP_FAIL("line %d: inner nh %u hlim %u", line, p[6], p[7]);
	if (memcmp(p + 8, &h6, 16) || memcmp(p + 24, &r6, 16))
		TAP_FAIL("line %d: inner addresses", line);
	if (whole && pkt_check6(p, len))
		TAP_FAIL("line %d: inner: %s", line, pkt_check6(p, len));
}

#define check_inner(...) check_inner_at(__LINE__, __VA_ARGS__)

struct unreach_case {
	uint8_t code4;
	int type6, code6; /* -1: dropped */
};

TEST(icmp_dest_unreach_codes)
{
	static const struct unreach_case c[] = {
		{ 0, 1, 0 }, { 1, 1, 0 }, { 2, 4, 1 }, { 3, 1, 4 },
		{ 4, 2, 0 }, { 5, 1, 0 }, { 6, 1, 0 }, { 7, 1, 0 },
		{ 8, 1, 0 }, { 9, 1, 1 }, { 10, 1, 1 }, { 11, 1, 0 },
		{ 12, 1, 0 }, { 13, 1, 1 }, { 14, -1, -1 }, { 15, 1, 1 },
		{ 16, -1, -1 }, { 200, -1, -1 },
	};
	uint8_t o[100];
	size_t on = orig_udp(o, 20);

	setup();
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t n = err4(in, 3, c[i].code4,
				c[i].code4 == 4 ? 1400 : 0, o, on);
		enum xlat_verdict v = run(in, n);

		if (c[i].type6 < 0) {
			CHECK_EQ(v, XLAT_DROP);
			CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
			continue;
		}
		if (v != XLAT_OUT) {
			TAP_FAIL("code %u: %s", c[i].code4,
				 xlat_drop_name(out.reason));
			continue;
		}
		check6(opkt(0), out.pkt[0].len, 0, 8 + 40 + 28, 58, 63, RT6,
		       H6);
		CHECK_EQ(opkt(0)[40], c[i].type6);
		CHECK_EQ(opkt(0)[41], c[i].code6);
		if (c[i].code4 == 2)
			CHECK_EQ(get32(opkt(0) + 44), 6); /* Next Header */
		else if (c[i].code4 == 4)
			CHECK_EQ(get32(opkt(0) + 44), 1420);
		else
			CHECK_EQ(get32(opkt(0) + 44), 0);
		check_inner(opkt(0) + 48, 68, on, true);
	}
}

TEST(icmp_ptb_mtu_arithmetic)
{
	static const struct {
		uint16_t mtu4;
		size_t dlen; /* inner UDP data: Total Length = 28 + dlen */
		uint32_t mtu6;
	} c[] = {
		{ 1400, 20, 1420 },  /* + 20 */
		{ 1260, 20, 1280 },  /* exactly the minimum */
		{ 576, 20, 1280 },   /* never below 1280 */
		{ 9000, 20, 9020 },
		{ 0, 1472, 1512 },   /* TL 1500: plateau 1492 */
		{ 0, 1464, 1280 },   /* TL 1492: no plateau below, >= 1280 */
		{ 0, 3972, 2022 },   /* TL 4000: plateau 2002 */
		{ 0, 20, 1280 },     /* TL 48 */
	};
	static uint8_t o[5000];

	setup();
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t on = orig_udp(o, c[i].dlen);
		/* RFC 792: the router quotes the header + 8 bytes. */
		size_t n = err4(in, 3, 4, c[i].mtu4, o, 28);

		REQUIRE(run(in, n) == XLAT_OUT);
		check6(opkt(0), out.pkt[0].len, 0, 8 + 48, 58, 63, RT6, H6);
		CHECK_EQ(opkt(0)[40], 2);
		CHECK_EQ(opkt(0)[41], 0);
		if (get32(opkt(0) + 44) != c[i].mtu6)
			TAP_FAIL("mtu4 %u TL %zu: mtu6 %u != %u", c[i].mtu4,
				 on, get32(opkt(0) + 44), c[i].mtu6);
		check_inner(opkt(0) + 48, 48, on, false);
	}
}

TEST(icmp_time_exceeded)
{
	uint8_t o[100];
	size_t on = orig_udp(o, 20), n;

	setup();
	for (uint8_t code = 0; code < 3; code++) {
		n = err4(in, 11, code, 0, o, on);
		if (code == 2) {
			CHECK_EQ(run(in, n), XLAT_DROP);
			CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
			continue;
		}
		REQUIRE(run(in, n) == XLAT_OUT);
		check6(opkt(0), out.pkt[0].len, 0, 8 + 68, 58, 63, RT6, H6);
		CHECK_EQ(opkt(0)[40], 3);
		CHECK_EQ(opkt(0)[41], code);
		check_inner(opkt(0) + 48, 68, on, true);
	}
}

TEST(icmp_param_problem_pointer)
{
	/* Figure 3; -1 is n/a or unlisted. */
	static const int map[24] = { 0, 1, 4, 4, -1, -1, -1, -1, 7, 6,
				     -1, -1, 8, 8, 8, 8, 24, 24, 24, 24,
				     -1, -1, -1, -1 };
	uint8_t o[100];
	size_t on = orig_udp(o, 20);

	setup();
	for (uint8_t code = 0; code < 4; code++) {
		for (uint32_t p = 0; p < 24; p++) {
			size_t n = err4(in, 12, code, p << 24, o, on);
			enum xlat_verdict v = run(in, n);

			if ((code != 0 && code != 2) || map[p] < 0) {
				if (v != XLAT_DROP ||
				    out.reason != XLAT_DROP_ICMP_UNTRANSLATABLE)
					TAP_FAIL("code %u ptr %u not dropped",
						 code, p);
				continue;
			}
			if (v != XLAT_OUT) {
				TAP_FAIL("code %u ptr %u dropped", code, p);
				continue;
			}
			check6(opkt(0), out.pkt[0].len, 0, 8 + 68, 58, 63,
			       RT6, H6);
			CHECK_EQ(opkt(0)[40], 4);
			CHECK_EQ(opkt(0)[41], 0);
			CHECK_EQ(get32(opkt(0) + 44), map[p]);
		}
	}
}

TEST(icmp_inner_truncated)
{
	uint8_t o[1100];
	size_t on = orig_udp(o, 1000); /* Total Length 1028 */

	setup();
	/* Only the header and 8 bytes (RFC 792) come back. */
	size_t n = err4(in, 3, 3, 0, o, 28);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 48, 58, 63, RT6, H6);
	check_inner(opkt(0) + 48, 48, on, false);
	/* UDP header, checksum updated for the original full datagram. */
	CHECK_MEM(opkt(0) + 88, o + 20, 6);
	CHECK(get16(opkt(0) + 94) != get16(o + 26));
	/* Even a bare header is translated. */
	n = err4(in, 3, 3, 0, o, 20);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 40, 58, 63, RT6, H6);
	/* Less than a header is not. */
	n = err4(in, 3, 3, 0, o, 19);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_ERROR_TRUNCATED);
}

TEST(icmp_inner_udp_checksum_matches_standalone)
{
	uint8_t o[100], ref[200];
	size_t on = orig_udp(o, 20);

	setup();
	cfg.decrement_ttl = false;
	REQUIRE(run(o, on) == XLAT_OUT);
	memcpy(ref, opkt(0), out.pkt[0].len);
	size_t n = err4(in, 3, 3, 0, o, on);
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_MEM(opkt(0) + 48, ref, 68);
}

TEST(icmp_inner_echo_and_fragment)
{
	uint8_t o[100];
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .id = 0x55,
			       .mf = true, .ttl = 9 };
	size_t on = pkt_echo4(o, H4, R4, 3, 4, "abcdefgh", 8), n;

	setup();
	n = err4(in, 11, 0, 0, o, on);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 56, 58, 63, RT6, H6);
	/* The embedded echo is a complete, valid ICMPv6 echo request. */
	CHECK(pkt_check6(opkt(0) + 48, 56) == NULL);
	CHECK_EQ(opkt(0)[48 + 6], 58);
	CHECK_EQ(opkt(0)[48 + 40], 128);

	/* An embedded first fragment gets its Fragment Header. */
	on = udp4(o, &s, 8);
	n = err4(in, 11, 0, 0, o, on);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 48 + 16, 58, 63, RT6, H6);
	CHECK_EQ(get16(opkt(0) + 48 + 4), 8 + 16);
	CHECK_EQ(opkt(0)[48 + 6], 44);
	CHECK_EQ(opkt(0)[48 + 7], 9);
	CHECK_EQ(opkt(0)[88], 17);
	CHECK_EQ(get16(opkt(0) + 90), 1);
	CHECK_EQ(get32(opkt(0) + 92), 0x55);
}

TEST(icmp_nested_error_dropped)
{
	uint8_t o[100], e[200];
	size_t on = orig_udp(o, 8);
	size_t en = icmp4(e, H4, R4, 3, 3, 0, o, on); /* error H4 -> R4 */

	setup();
	size_t n = err4(in, 11, 0, 0, e, en);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_ERROR_NESTED);
}

TEST(icmp_error_limited_to_1280)
{
	static uint8_t o[1500];
	size_t on = orig_udp(o, 1400), n;

	setup();
	n = err4(in, 3, 1, 0, o, on); /* 20 + 8 + 1428 */
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(out.pkt[0].len, 1280);
	check6(opkt(0), 1280, 0, 1240, 58, 63, RT6, H6);
	check_inner(opkt(0) + 48, 1232, on, false);
	CHECK_MEM(opkt(0) + 96, o + 28, 1232 - 48);
}

TEST(icmp_error_bad_checksum_and_fragmented)
{
	uint8_t o[100];
	size_t on = orig_udp(o, 20), n;

	setup();
	n = err4(in, 3, 3, 0, o, on);
	in[40] ^= 1; /* inside the quoted header */
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_L4_CSUM);
	n = err4(in, 3, 3, 0, o, on);
	in[6] = 0x20; /* MF */
	put16(in + 10, ip4_header_csum(in, 20));
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_FRAGMENTED);
}

/* An RFC 4884 message: 128 bytes of original datagram, then 12 bytes. */
static size_t err4884(uint8_t *b, uint8_t type, uint8_t code, uint8_t attr,
		      uint16_t mtu, const uint8_t *o)
{
	uint8_t body[140];

	memcpy(body, o, 128);
	body[128] = 0x20; /* version 2 */
	for (int i = 129; i < 140; i++)
		body[i] = (uint8_t)i;
	return err4(b, type, code, (uint32_t)attr << 16 | mtu, body, 140);
}

TEST(rfc4884_length_translated)
{
	uint8_t o[200];
	size_t on = orig_udp(o, 200 - 28), n;
	uint8_t *p;

	setup();
	(void)on;
	n = err4884(in, 11, 0, 32, 0, o);
	REQUIRE(run(in, n) == XLAT_OUT);
	/* 128 bytes of IPv4 -> 148 of IPv6, padded to 152 = 19 words. */
	check6(opkt(0), out.pkt[0].len, 0, 8 + 152 + 12, 58, 63, RT6, H6);
	p = opkt(0) + 40;
	CHECK_EQ(p[0], 3);
	CHECK_EQ(p[4], 19);
	CHECK_EQ(get16(p + 5), 0);
	CHECK_MEM(p + 8 + 48, o + 28, 100);
	CHECK_EQ(get32(p + 8 + 148), 0);
	CHECK_EQ(p[8 + 152], 0x20);
	CHECK_EQ(p[8 + 152 + 11], 139);
	check_inner(p + 8, 148, 200, false);

	/* A short original datagram is zero-padded to 128 bytes. */
	{
		uint8_t body[40];

		memcpy(body, o, 28);
		memset(body + 28, 0x20, 12);
		n = err4(in, 11, 0, 7u << 16, body, 40);
		REQUIRE(run(in, n) == XLAT_OUT);
		check6(opkt(0), out.pkt[0].len, 0, 8 + 128 + 12, 58, 63,
		       RT6, H6);
		CHECK_EQ(opkt(0)[44], 16);
		CHECK_EQ(opkt(0)[48 + 48], 0);
		CHECK_EQ(opkt(0)[48 + 127], 0);
		CHECK_EQ(opkt(0)[48 + 128], 0x20);
	}

	/* Destination Unreachable too. */
	n = err4884(in, 3, 1, 32, 0, o);
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_EQ(opkt(0)[44], 19);
	CHECK_EQ(out.pkt[0].len, 40 + 8 + 152 + 12);
}

TEST(rfc4884_invalid_length_is_rfc792)
{
	uint8_t o[200];
	size_t n;

	setup();
	orig_udp(o, 200 - 28);
	n = err4884(in, 11, 0, 36, 0, o); /* 144 > 140 bytes present */
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 160, 58, 63, RT6, H6);
	CHECK_EQ(opkt(0)[44], 0);
	n = err4884(in, 11, 0, 0, 0, o); /* no attribute */
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 160, 58, 63, RT6, H6);
	CHECK_EQ(opkt(0)[44], 0);
}

TEST(rfc4884_dropped_for_ptb_and_param_problem)
{
	uint8_t o[200];
	size_t n;

	setup();
	orig_udp(o, 200 - 28);
	n = err4884(in, 3, 4, 32, 1400, o);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 148, 58, 63, RT6, H6);
	CHECK_EQ(get32(opkt(0) + 44), 1420);
	n = err4884(in, 12, 0, 32, 0, o);
	in[24] = 8; /* pointer: TTL */
	put16(in + 22, 0);
	put16(in + 22, csum_finish(csum_add_buf(0, in + 20, n - 20)));
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 8 + 148, 58, 63, RT6, H6);
	CHECK_EQ(get32(opkt(0) + 44), 7);
}

/* ---- 4.4: no errors about errors, non-first fragments ---- */

TEST(no_reply_for_nonfirst_fragment)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .ttl = 1,
			       .frag_off = 10 };
	uint8_t d[16] = { 0 };
	size_t n;

	setup();
	n = pkt_ip4(in, &s, d, 16);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TTL_EXPIRED);
}

/* ---- 4.5: transport checksums ---- */

TEST(udp_zero_checksum_policies)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17 };
	uint8_t d[30];
	size_t n;

	setup();
	fill(d, sizeof(d), 2);
	n = pkt_udp(in + 20, 1, 2, d, sizeof(d));
	n = pkt_ip4(in, &s, in + 20, n); /* checksum left 0 */
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 38, 17, 63, H6, R6);
	CHECK(get16(opkt(0) + 46) != 0);
	cfg.udp0 = XLAT_UDP0_DROP;
	CHECK_EQ(run(in, n), XLAT_REPLY); /* 3/13: RFC 7915 4.4 */
	CHECK_EQ(out.reason, XLAT_DROP_UDP_ZERO_CSUM);
	cfg.udp0 = XLAT_UDP0_COMPUTE;
	s.mf = true;
	n = pkt_ip4(in, &s, in + 20, 32);
	CHECK_EQ(run(in, n), XLAT_REPLY); /* 3/13: RFC 7915 4.4 */
	CHECK_EQ(out.reason, XLAT_DROP_UDP_ZERO_CSUM_FRAG);
}

TEST(checksum_neutral_prefix_untouched)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 6 };
	size_t n;

	setup();
	/* 0x0064 + 0xff9b = 0xffff: the WKP adds nothing to the sum.  The
	 * section 3.1 rule is switched off to keep documentation addresses. */
	cfg.pool6.addr = pkt_a6("64:ff9b::");
	cfg.wkp_global_only = false;
	n = tcp4(in, &s, 33);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 53, 6, 63, "64:ff9b::c000:201",
	       "64:ff9b::c633:6402");
	CHECK_MEM(opkt(0) + 40, in + 20, 53); /* checksum byte-identical */
	n = udp4(in, &s, 33);
	in[9] = 17;
	put16(in + 10, ip4_header_csum(in, 20));
	pkt_fix_l4_csum4(in, n);
	REQUIRE(run(in, n) == XLAT_OUT);
	CHECK_MEM(opkt(0) + 40, in + 20, 41);
}

TEST(tcp_incremental_checksum)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 6, .tos = 4 };
	uint8_t cp[200];
	size_t n;

	setup();
	n = tcp4(in, &s, 101);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 4, 121, 6, 63, H6, R6);
	/* Equal to a full recomputation. */
	memcpy(cp, opkt(0), out.pkt[0].len);
	pkt_fix_l4_csum6(cp, out.pkt[0].len);
	CHECK_EQ(get16(opkt(0) + 56), get16(cp + 56));
	CHECK(get16(opkt(0) + 56) != get16(in + 36));
	/* Too short to hold its checksum. */
	n = pkt_ip4(in, &s, in + 20, 17);
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
}

TEST(udp_incremental_zero_becomes_ffff)
{
	struct in6_addr s6 = pkt_a6(H6), d6 = pkt_a6(R6);
	uint8_t d[2] = { 0, 0 };
	uint32_t sum;
	size_t n;

	setup();
	/* Pick the data word that makes the IPv6 checksum come out 0. */
	n = pkt_udp4(in, H4, R4, 1, 2, d, 2);
	put16(in + 26, 0);
	sum = csum_add_buf(csum_pseudo6(&s6, &d6, 17, 10), in + 20, 10);
	put16(in + 28, (uint16_t)~csum_fold(sum));
	pkt_fix_l4_csum4(in, n);
	REQUIRE(get16(in + 26) != 0);
	REQUIRE(run(in, n) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 10, 17, 63, H6, R6);
	CHECK_EQ(get16(opkt(0) + 46), 0xffff);
}

/* ---- robustness ---- */

TEST(no_space)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 17, .ttl = 1 };
	size_t n;

	setup();
	n = udp4(in, &s, 100);
	out.cap = 100;
	CHECK_EQ(run(in, n), XLAT_DROP); /* reply needs 28 + 128 */
	CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
	s.ttl = 64;
	n = udp4(in, &s, 100);
	out.cap = 147;
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
	out.cap = 148;
	CHECK_EQ(run(in, n), XLAT_OUT);
	n = udp4(in, &s, 3000);
	out.cap = 3000;
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
	CHECK_EQ(out.n, 0);
	for (size_t i = 3000; i < sizeof(obuf); i++)
		if (obuf[i] != 0xa5) {
			TAP_FAIL("wrote past cap at %zu", i);
			break;
		}
}

TEST(garbage_headers)
{
	size_t n;

	setup();
	n = pkt_udp4(in, H4, R4, 1, 2, "abcd", 4);
	for (size_t l = 0; l < 20; l++) {
		CHECK_EQ(run(in, l), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	}
	in[0] = 0x65;
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_VERSION);
	in[0] = 0x44;
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_IHL);
	in[0] = 0x4f; /* 60-byte header in a 32-byte packet */
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	in[0] = 0x45;
	in[12] ^= 0x80;
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_IP4_CSUM);
	in[12] ^= 0x80;
	CHECK_EQ(run(in, n - 1), XLAT_DROP); /* Total Length > captured */
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	put16(in + 2, 19);
	put16(in + 10, ip4_header_csum(in, 20));
	CHECK_EQ(run(in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_LENGTH);
	/* Bytes past Total Length (Ethernet padding) are ignored. */
	n = pkt_udp4(in, H4, R4, 1, 2, "abcd", 4);
	memset(in + n, 0xee, 20);
	REQUIRE(run(in, n + 20) == XLAT_OUT);
	check6(opkt(0), out.pkt[0].len, 0, 12, 17, 63, H6, R6);
	/* The reserved flag is ignored. */
	in[6] |= 0x80;
	put16(in + 10, ip4_header_csum(in, 20));
	CHECK_EQ(run(in, n), XLAT_OUT);
}

static uint32_t rng = 12345;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/*
 * Random mutations of valid packets: never a crash (ASan watches), never
 * a write past cap, and a valid input yields only valid output.
 */
TEST(random_mutations)
{
	static uint8_t seed[8][2000];
	static size_t slen[8];
	uint8_t o[300] = { 0 };
	int bad = 0;

	setup();
	slen[0] = pkt_udp4(seed[0], H4, R4, 5, 6, "hello", 5);
	slen[1] = pkt_echo4(seed[1], H4, R4, 1, 2, "ping", 4);
	slen[2] = err4(seed[2], 3, 3, 0, o, orig_udp(o, 40));
	orig_udp(o, 200 - 28);
	slen[3] = err4884(seed[3], 11, 0, 32, 0, o);
	{
		struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 6 };

		slen[4] = tcp4(seed[4], &s, 1500);
		s.mf = true;
		s.proto = 17;
		slen[5] = udp4(seed[5], &s, 1600);
	}
	slen[6] = err4(seed[6], 12, 0, 8u << 24, o, 28);
	slen[7] = err4(seed[7], 3, 4, 0, o, 60);
	for (int it = 0; it < 30000; it++) {
		unsigned int k = rnd() % 8;
		size_t n = slen[k], cut;
		enum xlat_verdict v;

		memcpy(in, seed[k], n);
		for (int m = (int)(rnd() % 4); m >= 0; m--)
			in[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
		if (rnd() % 2) {
			put16(in + 10, 0);
			put16(in + 10, ip4_header_csum(in, 20));
		}
		if (rnd() % 2 && (in[0] & 0xf) == 5 && get16(in + 2) == n &&
		    !(get16(in + 6) & 0x3fff))
			pkt_fix_l4_csum4(in, n);
		cut = rnd() % 4 ? n : rnd() % (n + 1);
		cfg.udp0 = rnd() % 2 ? XLAT_UDP0_DROP : XLAT_UDP0_COMPUTE;
		cfg.decrement_ttl = rnd() % 2;
		out.cap = rnd() % 8 ? sizeof(obuf) : rnd() % 3000;
		v = xlat_4to6_flags(&cfg, in, cut, &out, rnd() % 2);
		if (v == XLAT_DROP) {
			if (out.n || out.reason == XLAT_DROP_NONE ||
			    out.reason >= XLAT_DROP__COUNT)
				bad++;
			continue;
		}
		for (unsigned int i = 0; i < out.n; i++) {
			if (out.pkt[i].off + out.pkt[i].len > out.cap)
				bad++;
			if (cut == n && pkt_check4(in, n) == NULL &&
			    pkt_check(opkt(i), out.pkt[i].len)) {
				if (bad < 5)
					TAP_FAIL("seed %u: %s", k,
						 pkt_check(opkt(i),
							   out.pkt[i].len));
				bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	return tap_run();
}
