// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 7915 section 5 (IPv6 to IPv4), RFC 6791 sources and
 * RFC 7757 section 4 hairpinning.  Expected values are worked out by hand
 * from the RFC text; every output is also run through pkt_check4/6.
 *
 * Address plan: pool6 2001:db8:64::/96 (network-specific, so the section
 * 3.1 rule stays out of the way), the RFC 7757 Figure 1 EAMT, and
 *   203.0.113.5  = 2001:db8:64::cb00:7105 (an IPv4 host)
 *   198.51.100.7 = 2001:db8:64::c633:6407 (another IPv4 host)
 *   192.0.2.1    = 2001:db8:aaaa::        (EAM entry 1, an IPv6 host)
 */
#define TAP_MAIN
#include "tap.h"

#include "engine/checksum.h"
#include "engine/rfc7915.h"
#include "engine/xlat.h"
#include "engine/xlat_addr.h"
#include "engine/xlat_cfg.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#define H4 "2001:db8:64::cb00:7105"
#define H4B "2001:db8:64::c633:6407"
#define A6 "2001:db8:aaaa::"
#define SELF6 "2001:db8:ffff::1"
#define ROUTER6 "2001:db8:ffff::99" /* IPv6-only: not translatable */

static uint8_t obuf[XLAT_OUT_MIN + 64];
static struct xlat_out out;
static struct xlat_eam fig1[6];

static struct xlat_eam eam(const char *p4, const char *p6)
{
	struct xlat_eam e;

	if (xlat_prefix4_parse(p4, &e.p4) || xlat_prefix6_parse(p6, &e.p6))
		abort();
	return e;
}

static void cfg_std(struct xlat_cfg *cfg)
{
	xlat_cfg_init(cfg);
	cfg->has_pool6 = true;
	cfg->pool6.addr = pkt_a6("2001:db8:64::");
	cfg->pool6.len = 96;
	fig1[0] = eam("192.0.2.1", "2001:db8:aaaa::");
	fig1[1] = eam("192.0.2.2/32", "2001:db8:bbbb::b/128");
	fig1[2] = eam("192.0.2.16/28", "2001:db8:cccc::/124");
	fig1[3] = eam("192.0.2.128/26", "2001:db8:dddd::/64");
	fig1[4] = eam("192.0.2.192/29", "2001:db8:eeee:8::/62");
	fig1[5] = eam("192.0.2.224/31", "64:ff9b::/127");
	cfg->eam = fig1;
	cfg->n_eam = 6;
	cfg->self4 = pkt_a4("198.51.100.254");
	cfg->self6 = pkt_a6(SELF6);
	cfg->hairpin = false; /* the hairpin tests turn it on */
}

static enum xlat_verdict run(const struct xlat_cfg *cfg, const uint8_t *p,
			     size_t len)
{
	uint16_t id = out.next_id;

	memset(&out, 0, sizeof(out));
	out.buf = obuf;
	out.cap = XLAT_OUT_MIN;
	out.next_id = id;
	return xlat_6to4(cfg, p, len, &out);
}

static uint8_t *o0(void)
{
	return xlat_out_data(&out, 0);
}

static size_t o0len(void)
{
	return out.pkt[0].len;
}

static bool eq4(const uint8_t *p, const char *a)
{
	struct in_addr x = pkt_a4(a);

	return memcmp(p, &x, 4) == 0;
}

static bool eq6(const uint8_t *p, const char *a)
{
	struct in6_addr x = pkt_a6(a);

	return memcmp(p, &x, 16) == 0;
}

/* Every field of a translated IPv4 header. */
struct exp4 {
	uint8_t tos;
	uint16_t tot, id;
	bool df, mf;
	uint16_t off;
	uint8_t ttl, proto;
	const char *src, *dst;
};

#define CHECK_IP4(p, e)                                                        \
	do {                                                                   \
		const uint8_t *_p = (p);                                       \
		const struct exp4 *_e = (e);                                   \
		CHECK_EQ(_p[0], 0x45);                                         \
		CHECK_EQ(_p[1], _e->tos);                                      \
		CHECK_EQ(get16(_p + 2), _e->tot);                              \
		CHECK_EQ(get16(_p + 4), _e->id);                               \
		CHECK_EQ(get16(_p + 6), (_e->df ? 0x4000 : 0) |                \
						(_e->mf ? 0x2000 : 0) |        \
						_e->off);                      \
		CHECK_EQ(_p[8], _e->ttl);                                      \
		CHECK_EQ(_p[9], _e->proto);                                    \
		CHECK_EQ(csum_fold(csum_add_buf(0, _p, 20)), 0xffff);          \
		CHECK(eq4(_p + 12, _e->src));                                  \
		CHECK(eq4(_p + 16, _e->dst));                                  \
	} while (0)

#define CHECK_OK4()                                                            \
	do {                                                                   \
		CHECK_EQ(out.family, AF_INET);                                 \
		CHECK_EQ(out.n, 1);                                            \
		CHECK_EQ(out.reason, XLAT_DROP_NONE);                          \
		CHECK_OK(pkt_check4(o0(), o0len()));                    \
	} while (0)

/* IPv6 header + payload (extension headers included) + L4 checksum. */
static size_t mk6(uint8_t *b, const char *s, const char *d, uint8_t nh,
		  uint8_t hlim, uint8_t tc, const void *pl, size_t plen)
{
	struct pkt6_spec sp = { .src = s, .dst = d, .nexthdr = nh,
				.hlim = hlim, .tclass = tc, .flow = 0x12345 };
	size_t n = pkt_ip6(b, &sp, pl, plen);

	pkt_fix_l4_csum6(b, n);
	return n;
}

static size_t udp6(uint8_t *b, const char *s, const char *d, size_t dlen)
{
	uint8_t l4[2048], data[2048];

	for (size_t i = 0; i < dlen; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	pkt_udp(l4, 1234, 53, data, dlen);
	return mk6(b, s, d, IPPROTO_UDP, 64, 0, l4, 8 + dlen);
}

/* An 8-byte options header (hop-by-hop or destination) with PadN. */
static size_t opt_hdr(uint8_t *b, uint8_t nh)
{
	static const uint8_t t[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };

	memcpy(b, t, 8);
	b[0] = nh;
	return 8;
}

static size_t rt_hdr(uint8_t *b, uint8_t nh, uint8_t sl)
{
	memset(b, 0, 24);
	b[0] = nh;
	b[1] = 2;
	b[2] = 4; /* type: content is not looked at */
	b[3] = sl;
	return 24;
}

static size_t frag_hdr(uint8_t *b, uint8_t nh, uint16_t off, bool m,
		       uint32_t id)
{
	b[0] = nh;
	b[1] = 0;
	put16(b + 2, (uint16_t)(off << 3 | m));
	put32(b + 4, id);
	return 8;
}

/* A valid ICMPv6 message from s to d carrying body. */
static size_t icmp6(uint8_t *b, const char *s, const char *d, uint8_t type,
		    uint8_t code, uint32_t rest, const void *body, size_t blen)
{
	uint8_t m[2048];

	pkt_icmp(m, type, code, rest, body, blen);
	return mk6(b, s, d, IPPROTO_ICMPV6, 64, 0, m, 8 + blen);
}

/* ---------------------------------------------------------------- */
/* 5.1 header                                                       */

TEST(hdr_udp_every_field)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 20);
	put32(in, 0x60000000u | 0xb8u << 20 | 0x12345);
	out.next_id = 0x4242;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	struct exp4 e = { .tos = 0xb8, .tot = 20 + 28, .id = 0x4242,
			  .ttl = 63, .proto = 17, .src = "192.0.2.1",
			  .dst = "203.0.113.5" };
	CHECK_IP4(o0(), &e);
	CHECK_EQ(o0len(), 48);
	CHECK_EQ(out.next_id, 0x4243);
	/* Ports, length and data untouched: only the checksum moved. */
	CHECK_MEM(o0() + 20, in + 40, 6);
	CHECK_MEM(o0() + 28, in + 48, 20);
}

TEST(hdr_tos_reset)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	cfg.reset_tos = true;
	n = udp6(in, A6, H4, 4);
	put32(in, 0x60000000u | 0xffu << 20);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0()[1], 0);
}

/* RFC 7915 5.1: DF is 0 up to 1260 bytes of IPv4, 1 above. */
TEST(hdr_df_threshold_1260)
{
	struct xlat_cfg cfg;
	static uint8_t in[2048];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 1260 - 28);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(get16(o0() + 2), 1260);
	CHECK_EQ(get16(o0() + 6), 0);
	n = udp6(in, A6, H4, 1261 - 28);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(get16(o0() + 2), 1261);
	CHECK_EQ(get16(o0() + 6), 0x4000);
}

TEST(hdr_id_sequence_wraps)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 4);
	out.next_id = 0xffff;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get16(o0() + 4), 0xffff);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get16(o0() + 4), 0);
	CHECK_EQ(out.next_id, 1);
}

/* Payload Length rules; bytes after it (link padding) are ignored. */
TEST(hdr_total_length_and_trailing_bytes)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 10);
	memset(in + n, 0xee, 30);
	REQUIRE(run(&cfg, in, n + 30) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0len(), 20 + 18);
	CHECK_EQ(get16(o0() + 2), 38);
}

TEST(hlim_host_mode_not_decremented)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	cfg.decrement_ttl = false;
	n = udp6(in, A6, H4, 4);
	in[7] = 1;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0()[8], 1);
	in[7] = 200;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(o0()[8], 200);
}

/* Router mode: hop limit 1 expires: Time Exceeded code 0 from self6. */
TEST(hlim_router_mode_expired_reply)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 4);
	in[7] = 2;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(o0()[8], 1);
	in[7] = 1;
	REQUIRE(run(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_HOP_LIMIT_EXPIRED);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_EQ(out.n, 1);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK_EQ(o0len(), 48 + n);
	CHECK_EQ(o0()[6], 58);
	CHECK_EQ(o0()[7], 64);
	CHECK(eq6(o0() + 8, SELF6));
	CHECK(eq6(o0() + 24, A6));
	CHECK_EQ(o0()[40], 3);
	CHECK_EQ(o0()[41], 0);
	CHECK_EQ(get32(o0() + 44), 0);
	CHECK_MEM(o0() + 48, in, n);
	in[7] = 0;
	REQUIRE(run(&cfg, in, n) == XLAT_REPLY);
	cfg.icmp_errors = false;
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_HOP_LIMIT_EXPIRED);
}

/* 5.4: the quoted packet is cut so that the error fits 1280 bytes. */
TEST(reply_cut_to_1280)
{
	struct xlat_cfg cfg;
	static uint8_t in[2048];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 1400);
	in[7] = 1;
	REQUIRE(run(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(o0len(), 1280);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK_MEM(o0() + 48, in, 1232);
}

/* No error answers an ICMPv6 error, a non-first fragment or multicast. */
TEST(reply_never_to_error_frag_multicast)
{
	struct xlat_cfg cfg;
	uint8_t in[512], inner[128], pl[256];
	size_t n, k;

	cfg_std(&cfg);
	k = udp6(inner, H4, A6, 8);
	n = icmp6(in, A6, H4, 1, 4, 0, inner, k);
	in[7] = 1;
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_HOP_LIMIT_EXPIRED);

	k = frag_hdr(pl, IPPROTO_UDP, 10, false, 7);
	memset(pl + k, 0x11, 16);
	n = mk6(in, A6, H4, 44, 1, 0, pl, k + 16);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_HOP_LIMIT_EXPIRED);

	n = udp6(in, A6, "ff0e::1", 4);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_MULTICAST);
	n = udp6(in, "ff02::1", H4, 4);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_MULTICAST);
}

/* ---------------------------------------------------------------- */
/* Extension headers                                                */

TEST(exthdr_hbh_dstopts_rh0_skipped)
{
	struct xlat_cfg cfg;
	uint8_t in[512], pl[256];
	size_t n, k = 0;

	cfg_std(&cfg);
	k += opt_hdr(pl + k, 43);
	k += rt_hdr(pl + k, 60, 0);
	k += opt_hdr(pl + k, IPPROTO_UDP);
	k += pkt_udp(pl + k, 7, 9, "abcdefgh", 8);
	n = mk6(in, A6, H4, 0, 64, 0, pl, k);
	out.next_id = 9;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	struct exp4 e = { .tot = 20 + 16, .id = 9, .ttl = 63, .proto = 17,
			  .src = "192.0.2.1", .dst = "203.0.113.5" };
	CHECK_IP4(o0(), &e);
	CHECK_MEM(o0() + 28, "abcdefgh", 8);
}

/* Segments Left != 0: Parameter Problem code 0 pointing at it. */
TEST(exthdr_routing_segments_left_param_problem)
{
	struct xlat_cfg cfg;
	uint8_t in[512], pl[256];
	size_t n, k;

	cfg_std(&cfg);
	k = rt_hdr(pl, IPPROTO_UDP, 2);
	k += pkt_udp(pl + k, 7, 9, "abcd", 4);
	n = mk6(in, A6, H4, 43, 64, 0, pl, k);
	REQUIRE(run(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_ROUTING_HDR);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK_EQ(o0()[40], 4);
	CHECK_EQ(o0()[41], 0);
	CHECK_EQ(get32(o0() + 44), 43);
	CHECK(eq6(o0() + 24, A6));

	k = opt_hdr(pl, 43);
	k += rt_hdr(pl + k, IPPROTO_UDP, 1);
	k += pkt_udp(pl + k, 7, 9, "abcd", 4);
	n = mk6(in, A6, H4, 0, 64, 0, pl, k);
	REQUIRE(run(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(get32(o0() + 44), 51);
}

TEST(exthdr_malformed)
{
	struct xlat_cfg cfg;
	uint8_t in[512], pl[256];
	size_t n, k;

	cfg_std(&cfg);
	/* hop-by-hop after a destination options header */
	k = opt_hdr(pl, 0);
	k += opt_hdr(pl + k, IPPROTO_UDP);
	k += pkt_udp(pl + k, 7, 9, "abcd", 4);
	n = mk6(in, A6, H4, 60, 64, 0, pl, k);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY); /* test_rfc7915_discard6 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
	/* a header longer than the payload */
	k = opt_hdr(pl, IPPROTO_UDP);
	pl[1] = 5;
	n = mk6(in, A6, H4, 60, 64, 0, pl, 8 + 8);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY); /* test_rfc7915_discard6 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
	/* two fragment headers */
	k = frag_hdr(pl, 44, 0, false, 1);
	k += frag_hdr(pl + k, IPPROTO_UDP, 0, false, 2);
	k += pkt_udp(pl + k, 7, 9, "abcd", 4);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY); /* test_rfc7915_discard6 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
	/* chain cut by the payload length */
	n = mk6(in, A6, H4, 60, 64, 0, pl, 4);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY); /* test_rfc7915_discard6 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
}

/* ---------------------------------------------------------------- */
/* 5.1.1 Fragment Header                                            */

/* First fragment: ID, MF, offset, DF=0; UDP checksum still right for
 * the whole datagram (the address delta does not depend on the data). */
TEST(frag_first_fields_and_checksum)
{
	struct xlat_cfg cfg;
	uint8_t whole6[256], whole4[256], in[256], pl[256];
	size_t n, k, w;

	cfg_std(&cfg);
	w = udp6(whole6, A6, H4, 40); /* UDP length 48 */
	k = frag_hdr(pl, IPPROTO_UDP, 0, true, 0xdeadbeef);
	memcpy(pl + k, whole6 + 40, 24); /* 24 bytes: a multiple of 8 */
	n = mk6(in, A6, H4, 44, 64, 0x20, pl, k + 24);
	memcpy(in + 48, whole6 + 40, 8); /* the checksum of the whole */
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	struct exp4 e = { .tos = 0x20, .tot = 20 + 24, .id = 0xbeef,
			  .mf = true, .ttl = 63, .proto = 17,
			  .src = "192.0.2.1", .dst = "203.0.113.5" };
	CHECK_IP4(o0(), &e);
	/* The same datagram built natively in IPv4 has this checksum. */
	(void)w;
	{
		uint8_t data[64];

		for (int i = 0; i < 40; i++)
			data[i] = (uint8_t)(i * 7 + 3);
		pkt_udp4(whole4, "192.0.2.1", "203.0.113.5", 1234, 53, data,
			 40);
	}
	CHECK_EQ(get16(o0() + 26), get16(whole4 + 26));
	CHECK_MEM(o0() + 28, whole6 + 48, 16);
}

TEST(frag_nonfirst_copied)
{
	struct xlat_cfg cfg;
	uint8_t in[256], pl[256];
	size_t n, k;

	cfg_std(&cfg);
	k = frag_hdr(pl, IPPROTO_TCP, 185, false, 0x00010002);
	for (int i = 0; i < 20; i++)
		pl[k + i] = (uint8_t)i;
	n = mk6(in, A6, H4, 44, 64, 0, pl, k + 20);
	out.next_id = 77;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	struct exp4 e = { .tot = 40, .id = 0x0002, .off = 185, .ttl = 63,
			  .proto = 6, .src = "192.0.2.1",
			  .dst = "203.0.113.5" };
	CHECK_IP4(o0(), &e);
	CHECK_MEM(o0() + 20, in + 48, 20);
	CHECK_EQ(out.next_id, 77); /* the fragment's own ID was used */
}

/* Offset 0 and M=0 (RFC 6946): RFC 7915 5.1.1 still takes the ID from the
 * Fragment Header and clears DF; more in test_rfc7915_atomic. */
TEST(frag_atomic_keeps_id_df0)
{
	struct xlat_cfg cfg;
	uint8_t in[256], pl[256];
	size_t n, k;

	cfg_std(&cfg);
	k = frag_hdr(pl, IPPROTO_UDP, 0, false, 0xabcd1234);
	k += pkt_udp(pl + k, 7, 9, "abcdefgh", 8);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k);
	out.next_id = 5;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	struct exp4 e = { .tot = 36, .id = 0x1234, .ttl = 63, .proto = 17,
			  .src = "192.0.2.1", .dst = "203.0.113.5" };
	CHECK_IP4(o0(), &e);
	CHECK_EQ(out.next_id, 5);
}

TEST(frag_malformed)
{
	struct xlat_cfg cfg;
	uint8_t in[256], pl[256];
	size_t n, k;

	cfg_std(&cfg);
	/* M=1 with a length that is not a multiple of 8 */
	k = frag_hdr(pl, IPPROTO_UDP, 0, true, 1);
	k += pkt_udp(pl + k, 7, 9, "abc", 3);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY); /* test_rfc7915_discard6 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	/* an options header in the fragmentable part */
	k = frag_hdr(pl, 60, 0, true, 1);
	k += opt_hdr(pl + k, IPPROTO_UDP);
	k += pkt_udp(pl + k, 7, 9, "abcdefgh", 8);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY); /* test_rfc7915_discard6 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	/* past 65535 */
	k = frag_hdr(pl, IPPROTO_UDP, 8190, false, 1);
	memset(pl + k, 0, 64);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k + 64);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY); /* test_rfc7915_discard6 */
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
}

/* ---------------------------------------------------------------- */
/* 5.5 transport                                                    */

TEST(tcp_incremental_checksum)
{
	struct xlat_cfg cfg;
	uint8_t in[256], l4[128];
	size_t n;

	cfg_std(&cfg);
	pkt_tcp(l4, 40000, 443, 0x01020304, 0x02, "hello", 5);
	n = mk6(in, A6, H4, IPPROTO_TCP, 64, 0, l4, 25);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4(); /* checks the TCP checksum over the IPv4 pseudo-header */
	CHECK_EQ(o0()[9], 6);
	CHECK_MEM(o0() + 20, in + 40, 16);
	CHECK_MEM(o0() + 38, in + 58, 7);
}

/*
 * Incremental, never recomputed: a wrong checksum stays wrong (by the
 * same amount), which a recomputation would have hidden.
 */
TEST(l4_checksum_not_recomputed)
{
	struct xlat_cfg cfg;
	uint8_t in[256], l4[128], ref[256];
	size_t n;

	cfg_std(&cfg);
	pkt_tcp(l4, 40000, 443, 1, 0x10, "xy", 2);
	n = mk6(in, A6, H4, IPPROTO_TCP, 64, 0, l4, 22);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	memcpy(ref, o0(), o0len());
	put16(in + 56, (uint16_t)(get16(in + 56) + 1));
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_STR(pkt_check4(o0(), o0len()), "ipv4: l4 checksum");
	CHECK(get16(o0() + 36) != get16(ref + 36));
}

/*
 * A checksum-neutral pair: pick an EAM for the source whose IPv6 words
 * sum like its IPv4 words plus the pool6 prefix of the destination, and
 * the TCP/UDP checksum must come out byte-identical.
 */
TEST(checksum_neutral_pair_untouched)
{
	struct xlat_cfg cfg;
	struct xlat_eam e[1];
	uint8_t in[256], l4[64];
	struct in6_addr s6 = pkt_a6("2001:db8:1::");
	uint32_t want, have;
	size_t n;
	char s6str[64];

	cfg_std(&cfg);
	/*
	 * sum(s6) + sum(pool6 form of d4) == sum(s4) + sum(d4), so
	 * sum(s6) == sum(s4) - (0x2001 + 0x0db8 + 0x0064): solve for the
	 * last word of s6.
	 */
	want = csum_addr4(&(struct in_addr){ pkt_a4("192.0.2.77").s_addr });
	want = csum_sub16(want, 0x2001 + 0x0db8 + 0x0064);
	want = csum_sub16(want, csum_fold(csum_addr6(&s6)));
	put16(s6.s6_addr + 14, csum_fold(want));
	have = csum_addr6(&s6) + 0x2001 + 0x0db8 + 0x0064;
	CHECK_EQ(csum_fold(have) % 0xffff,
		 csum_fold(csum_addr4(&(struct in_addr){
				   pkt_a4("192.0.2.77").s_addr })) %
			 0xffff);
	inet_ntop(AF_INET6, &s6, s6str, sizeof(s6str));
	e[0] = eam("192.0.2.77", s6str);
	cfg.eam = e;
	cfg.n_eam = 1;
	pkt_udp(l4, 5, 6, "neutral", 7);
	n = mk6(in, s6str, H4, IPPROTO_UDP, 64, 0, l4, 15);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK(eq4(o0() + 12, "192.0.2.77"));
	CHECK_MEM(o0() + 20, in + 40, 15);
	/* even a wrong checksum passes through byte-identical */
	put16(in + 46, 0x1234);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get16(o0() + 26), 0x1234);
}

TEST(udp_zero_checksum_dropped)
{
	struct xlat_cfg cfg;
	uint8_t in[256], pl[64];
	size_t n, k;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 4);
	put16(in + 46, 0);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_UDP_CSUM6);
	/* first fragment too */
	k = frag_hdr(pl, IPPROTO_UDP, 0, true, 1);
	k += pkt_udp(pl + k, 7, 9, "abcdefgh", 8);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k);
	put16(in + 48 + 6, 0);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_UDP_CSUM6);
}

/* An incremental result of 0x0000 is sent as 0xffff (RFC 768). */
TEST(udp_incremental_zero_becomes_ffff)
{
	struct xlat_cfg cfg;
	uint8_t in[256], l4[64], v4[256];
	uint8_t data[4] = { 0, 0, 0, 0 };
	uint32_t s;
	size_t n;

	cfg_std(&cfg);
	/* Choose data so the IPv4 checksum is exactly 0 (sum 0xffff). */
	pkt_udp4(v4, "192.0.2.1", "203.0.113.5", 1, 2, data, 4);
	put16(v4 + 26, 0);
	s = csum_pseudo4(&(struct in_addr){ pkt_a4("192.0.2.1").s_addr },
			 &(struct in_addr){ pkt_a4("203.0.113.5").s_addr }, 17,
			 12);
	s = csum_fold(csum_add_buf(s, v4 + 20, 12));
	put16(data, (uint16_t)(0xffff - s));
	pkt_udp(l4, 1, 2, data, 4);
	n = mk6(in, A6, H4, IPPROTO_UDP, 64, 0, l4, 12);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(get16(o0() + 26), 0xffff);
}

TEST(transport_truncated)
{
	struct xlat_cfg cfg;
	uint8_t in[256], l4[64];
	size_t n;

	cfg_std(&cfg);
	pkt_tcp(l4, 1, 2, 3, 0, "", 0);
	n = mk6(in, A6, H4, IPPROTO_TCP, 64, 0, l4, 19);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	n = mk6(in, A6, H4, IPPROTO_UDP, 64, 0, l4, 7);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	n = mk6(in, A6, H4, IPPROTO_ICMPV6, 64, 0, l4, 7);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	n = mk6(in, A6, H4, IPPROTO_ICMP, 64, 0, l4, 8);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_UNSUPPORTED_PROTO);
}

/* Protocols without a pseudo-header checksum are copied as they are. */
TEST(other_protocol_copied)
{
	struct xlat_cfg cfg;
	uint8_t in[256], pl[64];
	size_t n;

	cfg_std(&cfg);
	memset(pl, 0x5a, 32);
	n = mk6(in, A6, H4, 132, 64, 0, pl, 32); /* SCTP */
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0()[9], 132);
	CHECK_MEM(o0() + 20, pl, 32);
}

/* ---------------------------------------------------------------- */
/* 5.2 ICMPv6 informational                                         */

TEST(icmp_echo_request_reply)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = pkt_echo6(in, A6, H4, 0x1111, 0x2222, "pingdata", 8);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4(); /* ICMPv4 checksum, no pseudo-header */
	CHECK_EQ(o0()[9], 1);
	CHECK_EQ(o0()[20], 8);
	CHECK_EQ(o0()[21], 0);
	CHECK_MEM(o0() + 24, in + 44, 12);
	in[40] = 129;
	pkt_fix_l4_csum6(in, n);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0()[20], 0);
}

/* An echo reply with identifier, sequence and data all zero: the whole
 * ICMPv4 message sums to +0, so its checksum is 0xffff (RFC 1071); the
 * incremental update alone gives 0x0000 (found by fuzz_nat64). */
TEST(icmp_echo_all_zero_checksum)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = pkt_echo6(in, A6, H4, 0, 0, "", 0);
	in[40] = 129;
	pkt_fix_l4_csum6(in, n);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0()[20], 0);
	CHECK_EQ(get16(o0() + 22), 0xffff);
}

TEST(icmp_fragmented_dropped)
{
	struct xlat_cfg cfg;
	uint8_t in[256], pl[64];
	size_t n, k;

	cfg_std(&cfg);
	k = frag_hdr(pl, IPPROTO_ICMPV6, 0, true, 1);
	k += pkt_icmp(pl + k, 128, 0, 1, "12345678", 8);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_FRAGMENTED);
	k = frag_hdr(pl, IPPROTO_ICMPV6, 2, false, 1);
	n = mk6(in, A6, H4, 44, 64, 0, pl, k + 16);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_FRAGMENTED);
}

TEST(icmp_nd_mld_unknown_dropped)
{
	static const uint8_t mld[] = { 130, 131, 132, 143 };
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	for (unsigned int t = 133; t <= 137; t++) {
		n = icmp6(in, A6, H4, (uint8_t)t, 0, 0, "12345678", 8);
		CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_ICMPV6_ND);
	}
	for (unsigned int i = 0; i < sizeof(mld); i++) {
		n = icmp6(in, A6, H4, mld[i], 0, 0, "12345678", 8);
		CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_ICMPV6_MLD);
	}
	n = icmp6(in, A6, H4, 139, 0, 0, "12345678", 8);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
	n = icmp6(in, A6, H4, 200, 0, 0, "12345678", 8);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

/* ---------------------------------------------------------------- */
/* 5.2/5.3 ICMPv6 errors                                            */

/* The packet the IPv4 host 203.0.113.5 sent to 192.0.2.1, as IPv6. */
static size_t inner_udp(uint8_t *b, size_t dlen)
{
	return udp6(b, H4, A6, dlen);
}

/* Translate type/code/rest around inner_udp(dlen); check the shared part. */
static bool err_run(struct xlat_cfg *cfg, uint8_t type, uint8_t code,
		    uint32_t rest, size_t dlen)
{
	uint8_t in[2048], inner[2048];
	size_t k = inner_udp(inner, dlen), n;

	n = icmp6(in, A6, H4, type, code, rest, inner, k);
	return run(cfg, in, n) == XLAT_OUT;
}

/* The translated inner UDP packet of err_run(), at o0() + 28. */
#define CHECK_INNER_UDP(dlen)                                                  \
	do {                                                                   \
		const uint8_t *_i = o0() + 28;                                 \
		struct exp4 _ie = { .tot = (uint16_t)(28 + (dlen)),            \
				    .ttl = 64, .proto = 17,                    \
				    .src = "203.0.113.5",                      \
				    .dst = "192.0.2.1" };                      \
		CHECK_IP4(_i, &_ie);                                           \
		CHECK_OK(pkt_check4(_i, 28 + (dlen)));                  \
	} while (0)

TEST(icmp_unreach_codes)
{
	static const int map[] = { 1, 10, 1, 1, 3 };
	struct xlat_cfg cfg;

	cfg_std(&cfg);
	for (uint8_t code = 0; code < 5; code++) {
		REQUIRE(err_run(&cfg, 1, code, 0, 12));
		CHECK_OK4();
		struct exp4 e = { .tot = 20 + 8 + 40,
				  .id = (uint16_t)(out.next_id - 1),
				  .ttl = 63, .proto = 1, .src = "192.0.2.1",
				  .dst = "203.0.113.5" };
		CHECK_IP4(o0(), &e);
		CHECK_EQ(o0()[20], 3);
		CHECK_EQ(o0()[21], map[code]);
		CHECK_EQ(get32(o0() + 24), 0);
		CHECK_INNER_UDP(12);
	}
	for (uint8_t code = 5; code < 9; code++) {
		CHECK(!err_run(&cfg, 1, code, 0, 12));
		CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
	}
}

TEST(icmp_time_exceeded)
{
	struct xlat_cfg cfg;

	cfg_std(&cfg);
	for (uint8_t code = 0; code < 2; code++) {
		REQUIRE(err_run(&cfg, 3, code, 0, 4));
		CHECK_OK4();
		CHECK_EQ(o0()[20], 11);
		CHECK_EQ(o0()[21], code);
		CHECK_INNER_UDP(4);
	}
}

/* PTB: MTU - 20 (28 with a Fragment Header), never below 1280 - 20. */
TEST(icmp_packet_too_big_mtu)
{
	static const uint32_t in6[] = { 1500, 1280, 1000, 0, 9000, 70000 };
	static const uint16_t want[] = { 1480, 1260, 1260, 1260, 8980, 65535 };
	struct xlat_cfg cfg;
	uint8_t in[512], inner[256], pl[128];
	size_t n, k;

	cfg_std(&cfg);
	for (unsigned int i = 0; i < sizeof(in6) / sizeof(in6[0]); i++) {
		REQUIRE(err_run(&cfg, 2, 0, in6[i], 8));
		CHECK_OK4();
		CHECK_EQ(o0()[20], 3);
		CHECK_EQ(o0()[21], 4);
		CHECK_EQ(get16(o0() + 24), 0);
		CHECK_EQ(get16(o0() + 26), want[i]);
		CHECK_INNER_UDP(8);
	}
	/* the packet in error carried a Fragment Header: 28 less */
	k = frag_hdr(pl, IPPROTO_UDP, 0, true, 0x77);
	k += pkt_udp(pl + k, 53, 1234, "abcdefghijklmnop", 16);
	k = mk6(inner, H4, A6, 44, 64, 0, pl, k);
	n = icmp6(in, A6, H4, 2, 0, 1500, inner, k);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(get16(o0() + 26), 1472);
	struct exp4 e = { .tot = 20 + 24, .id = 0x77, .mf = true, .ttl = 64,
			  .proto = 17, .src = "203.0.113.5",
			  .dst = "192.0.2.1" };
	CHECK_IP4(o0() + 28, &e);
}

/* Figure 6, every row, and the codes of Parameter Problem. */
TEST(icmp_param_problem_pointer_table)
{
	struct xlat_cfg cfg;

	cfg_std(&cfg);
	for (uint32_t p = 0; p < 48; p++) {
		int want;

		if (p <= 1)
			want = (int)p;
		else if (p <= 3)
			want = -1;
		else if (p <= 5)
			want = 2;
		else if (p == 6)
			want = 9;
		else if (p == 7)
			want = 8;
		else if (p <= 23)
			want = 12;
		else if (p <= 39)
			want = 16;
		else
			want = -1;
		if (want < 0) {
			CHECK(!err_run(&cfg, 4, 0, p, 4));
			CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
			continue;
		}
		REQUIRE(err_run(&cfg, 4, 0, p, 4));
		CHECK_OK4();
		CHECK_EQ(o0()[20], 12);
		CHECK_EQ(o0()[21], 0);
		CHECK_EQ(o0()[24], want);
		CHECK_EQ(get16(o0() + 25) | o0()[27], 0);
		CHECK_INNER_UDP(4);
	}
	REQUIRE(err_run(&cfg, 4, 1, 6, 4));
	CHECK_OK4();
	CHECK_EQ(o0()[20], 3);
	CHECK_EQ(o0()[21], 2);
	CHECK_EQ(get32(o0() + 24), 0);
	CHECK(!err_run(&cfg, 4, 2, 40, 4));
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
	CHECK(!err_run(&cfg, 4, 3, 0, 4));
	CHECK(!err_run(&cfg, 5, 0, 0, 4));
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
	CHECK(!err_run(&cfg, 100, 0, 0, 4));
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

/* The inner packet's length stays the original's when cut short. */
TEST(icmp_inner_truncated)
{
	struct xlat_cfg cfg;
	uint8_t in[2048], inner[2048];
	size_t n, k;

	cfg_std(&cfg);
	k = inner_udp(inner, 1000);
	n = icmp6(in, A6, H4, 1, 4, 0, inner, 40 + 8 + 4);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0len(), 20 + 8 + 20 + 12);
	struct exp4 e = { .tot = 20 + 1008, .ttl = 64, .proto = 17,
			  .src = "203.0.113.5", .dst = "192.0.2.1" };
	CHECK_IP4(o0() + 28, &e);
	/* ports and UDP length kept; the checksum followed the addresses */
	CHECK_MEM(o0() + 48, inner + 40, 6);
	(void)k;
	/* less than an IPv6 header inside: nothing to translate */
	n = icmp6(in, A6, H4, 1, 4, 0, inner, 39);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_ERROR_TRUNCATED);
	/* an extension header cut inside */
	{
		uint8_t pl[64];
		size_t j = opt_hdr(pl, IPPROTO_UDP);

		j += pkt_udp(pl + j, 1, 2, "abcd", 4);
		j = mk6(inner, H4, A6, 60, 64, 0, pl, j);
		n = icmp6(in, A6, H4, 1, 4, 0, inner, 44);
		CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_ICMP_ERROR_TRUNCATED);
	}
}

/* The inner extension headers go, like the outer ones. */
TEST(icmp_inner_exthdr_skipped)
{
	struct xlat_cfg cfg;
	uint8_t in[512], inner[256], pl[128];
	size_t n, k;

	cfg_std(&cfg);
	k = opt_hdr(pl, IPPROTO_UDP);
	k += pkt_udp(pl + k, 53, 1234, "abcdefgh", 8);
	k = mk6(inner, H4, A6, 60, 30, 0x48, pl, k);
	n = icmp6(in, A6, H4, 1, 4, 0, inner, k);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	struct exp4 e = { .tos = 0x48, .tot = 36, .ttl = 30, .proto = 17,
			  .src = "203.0.113.5", .dst = "192.0.2.1" };
	CHECK_IP4(o0() + 28, &e);
	CHECK_OK(pkt_check4(o0() + 28, 36));
}

TEST(icmp_inner_echo_translated)
{
	struct xlat_cfg cfg;
	uint8_t in[512], inner[256];
	size_t n, k;

	cfg_std(&cfg);
	k = pkt_echo6(inner, H4, A6, 0x77, 3, "abcdefgh", 8);
	n = icmp6(in, A6, H4, 3, 0, 0, inner, k);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	struct exp4 e = { .tot = 36, .ttl = 64, .proto = 1,
			  .src = "203.0.113.5", .dst = "192.0.2.1" };
	CHECK_IP4(o0() + 28, &e);
	CHECK_EQ(o0()[48], 8);
	CHECK_OK(pkt_check4(o0() + 28, 36));
}

TEST(icmp_error_in_error_dropped)
{
	struct xlat_cfg cfg;
	uint8_t in[512], inner[256], inner2[128];
	size_t n, k;

	cfg_std(&cfg);
	k = inner_udp(inner2, 4);
	k = icmp6(inner, H4, A6, 1, 4, 0, inner2, k);
	n = icmp6(in, A6, H4, 1, 4, 0, inner, k);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_ERROR_NESTED);
	/* an inner ICMPv6 that is neither echo nor an error */
	k = icmp6(inner, H4, A6, 135, 0, 0, "12345678", 8);
	n = icmp6(in, A6, H4, 1, 4, 0, inner, k);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

TEST(icmp_error_bad_checksum)
{
	struct xlat_cfg cfg;
	uint8_t in[512], inner[256];
	size_t n, k;

	cfg_std(&cfg);
	k = inner_udp(inner, 4);
	n = icmp6(in, A6, H4, 1, 4, 0, inner, k);
	in[n - 1] ^= 1;
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_L4_CSUM);
}

/* RFC 1812 4.3.2.3: the ICMPv4 error stays within 576 bytes. */
TEST(icmp_error_capped_576)
{
	struct xlat_cfg cfg;

	cfg_std(&cfg);
	REQUIRE(err_run(&cfg, 1, 4, 0, 1232 - 48));
	CHECK_OK4();
	CHECK_EQ(o0len(), 576);
	CHECK_EQ(get16(o0() + 2), 576);
	CHECK_EQ(get16(o0() + 6), 0); /* DF=0 at this size */
	CHECK_EQ(get16(o0() + 28 + 2), 20 + 8 + 1232 - 48);
}

/* RFC 4884: 64-bit words become 32-bit words, padding, extension kept. */
TEST(rfc4884_length_and_extension)
{
	struct xlat_cfg cfg;
	uint8_t in[2048], body[2048], ext[16];
	size_t n, k;

	cfg_std(&cfg);
	for (int i = 0; i < 16; i++)
		ext[i] = (uint8_t)(0xa0 + i);
	/* inner 60 bytes, padded to 128 (16 words of 8) */
	memset(body, 0, sizeof(body));
	k = inner_udp(body, 12);
	memcpy(body + 128, ext, 16);
	n = icmp6(in, A6, H4, 1, 4, 16u << 24, body, 128 + 16);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0len(), 20 + 8 + 128 + 16);
	CHECK_EQ(o0()[25], 128 / 4);
	CHECK_INNER_UDP(12);
	for (size_t i = 28 + 40; i < 28 + 128; i++)
		CHECK_EQ(o0()[i], 0);
	CHECK_MEM(o0() + 28 + 128, ext, 16);
	(void)k;

	/* inner 200 bytes (25 words): 180 after translation, 45 words */
	memset(body, 0, sizeof(body));
	k = inner_udp(body, 152);
	REQUIRE(k == 200);
	memcpy(body + 200, ext, 16);
	n = icmp6(in, A6, H4, 3, 0, 25u << 24, body, 200 + 16);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0()[20], 11);
	CHECK_EQ(o0()[25], 45);
	CHECK_EQ(o0len(), 20 + 8 + 180 + 16);
	CHECK_INNER_UDP(152);
	CHECK_MEM(o0() + 28 + 180, ext, 16);

	/* a long inner packet is cut to 576 bytes, the extension survives */
	memset(body, 0, sizeof(body));
	k = inner_udp(body, 952); /* 1000 bytes: 125 words */
	memcpy(body + 1000, ext, 16);
	n = icmp6(in, A6, H4, 1, 4, 125u << 24, body, 1000 + 16);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0len(), 576);
	CHECK_EQ(o0()[25], 532 / 4);
	CHECK_EQ(get16(o0() + 28 + 2), 980);
	CHECK_MEM(o0() + 28 + 532, ext, 16);
}

/* A length that points past the message means no extension. */
TEST(rfc4884_bad_length_ignored)
{
	struct xlat_cfg cfg;
	uint8_t in[1024], body[512];
	size_t n, k;

	cfg_std(&cfg);
	k = inner_udp(body, 12);
	n = icmp6(in, A6, H4, 1, 4, 200u << 24, body, k);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK_EQ(o0()[25], 0);
	CHECK_EQ(o0len(), 20 + 8 + 40);
}

/* RFC 6791: an error from an IPv6-only router gets a pool source. */
TEST(rfc6791_source_for_untranslatable_router)
{
	struct xlat_cfg cfg;
	uint8_t in[512], inner[256];
	struct in_addr want;
	struct in6_addr r6;
	size_t n, k;

	cfg_std(&cfg);
	k = inner_udp(inner, 4);
	n = icmp6(in, ROUTER6, H4, 3, 0, 0, inner, k);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK(eq4(o0() + 12, "192.0.0.8"));
	CHECK(eq4(o0() + 16, "203.0.113.5"));
	cfg.pool6791[1] = pkt_a4("198.51.100.250");
	cfg.pool6791[2] = pkt_a4("198.51.100.251");
	cfg.n_pool6791 = 3;
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	r6 = pkt_a6(ROUTER6);
	xlat_pool6791_pick(&cfg, &r6, &want);
	CHECK_EQ(memcmp(o0() + 12, &want, 4), 0);
	/* not for anything but errors: an echo from it is refused */
	n = pkt_echo6(in, ROUTER6, H4, 1, 1, "x", 1);
	CHECK_EQ(run(&cfg, in, n), XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_SRC_UNTRANSLATABLE);
}

/* ---------------------------------------------------------------- */
/* Addresses and 5.4                                                */

TEST(addr_untranslatable_admin_prohibited)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, ROUTER6, H4, 4);
	REQUIRE(run(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_SRC_UNTRANSLATABLE);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK_EQ(o0()[40], 1);
	CHECK_EQ(o0()[41], 1);
	CHECK(eq6(o0() + 24, ROUTER6));
	n = udp6(in, A6, "2001:db8:9999::1", 4);
	REQUIRE(run(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_DST_UNTRANSLATABLE);
	cfg.icmp_errors = false;
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_DST_UNTRANSLATABLE);
	/* the section 3.1 rule of RFC 6052 with the well-known prefix */
	cfg.pool6.addr = pkt_a6("64:ff9b::");
	n = udp6(in, A6, "64:ff9b::a00:1", 4);    /* 10.0.0.1 */
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_WKP_NONGLOBAL);
	n = udp6(in, A6, "64:ff9b::808:808", 4);  /* 8.8.8.8: global */
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK(eq4(o0() + 16, "8.8.8.8"));
}

/* EAM before pool6, longest match first (RFC 7757 3.3). */
TEST(addr_eam_and_pool6)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, "2001:db8:cccc::4", "2001:db8:64::c633:6407", 4);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK(eq4(o0() + 12, "192.0.2.20"));
	CHECK(eq4(o0() + 16, "198.51.100.7"));
	n = udp6(in, "2001:db8:dddd:0:fc00::", H4B, 4);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK(eq4(o0() + 12, "192.0.2.191"));
}

/* ---------------------------------------------------------------- */
/* RFC 7757 section 4: hairpinning                                  */

static void cfg_hairpin(struct xlat_cfg *cfg)
{
	cfg_std(cfg);
	cfg->hairpin = true;
}

/* A (192.0.2.1) to B (192.0.2.2), B addressed through pool6. */
TEST(hairpin_eam_to_eam)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_hairpin(&cfg);
	n = udp6(in, A6, "2001:db8:64::c000:202", 20);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_EQ(out.n, 1);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK_EQ(o0len(), n);
	/* source: pool6 form of 192.0.2.1, not its EAM; destination: EAM */
	CHECK(eq6(o0() + 8, "2001:db8:64::c000:201"));
	CHECK(eq6(o0() + 24, "2001:db8:bbbb::b"));
	CHECK_EQ(o0()[7], 63); /* one hop, taken in the 6->4 pass */
	CHECK_EQ(o0()[6], 17);
	CHECK_MEM(o0() + 40, in + 40, 6);
	CHECK_MEM(o0() + 48, in + 48, 20);

	/* B answers A's pool6 form: back to A's own address */
	n = udp6(in, "2001:db8:bbbb::b", "2001:db8:64::c000:201", 20);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK(eq6(o0() + 8, "2001:db8:64::c000:202"));
	CHECK(eq6(o0() + 24, A6));

	/* echo through the hairpin */
	n = pkt_echo6(in, A6, "2001:db8:64::c000:214", 9, 9, "abc", 3);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK(eq6(o0() + 24, "2001:db8:cccc::4"));
	CHECK_EQ(o0()[40], 128);

	/* off: plain IPv4 out */
	cfg.hairpin = false;
	n = udp6(in, A6, "2001:db8:64::c000:202", 20);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_OK4();
	CHECK(eq4(o0() + 16, "192.0.2.2"));
}

/* An error about a hairpinned packet goes back to A, inner made whole. */
TEST(hairpin_icmp_error)
{
	struct xlat_cfg cfg;
	uint8_t in[512], inner[256];
	size_t n, k;

	cfg_hairpin(&cfg);
	k = udp6(inner, "2001:db8:64::c000:201", "2001:db8:bbbb::b", 8);
	n = icmp6(in, ROUTER6, "2001:db8:64::c000:201", 1, 0, 0, inner, k);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_OK(pkt_check6(o0(), o0len()));
	CHECK(eq6(o0() + 8, "2001:db8:64::c000:8")); /* 192.0.0.8 */
	CHECK(eq6(o0() + 24, A6));
	CHECK_EQ(o0()[40], 1);
	CHECK_EQ(o0()[41], 0);
	/* inner: what A sent */
	CHECK(eq6(o0() + 48 + 8, A6));
	CHECK(eq6(o0() + 48 + 24, "2001:db8:64::c000:202"));
}

TEST(hairpin_loop_guard)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_hairpin(&cfg);
	/* EAM 5 sends 192.0.2.224 to 64:ff9b::, inside pool6 here */
	cfg.pool6.addr = pkt_a6("64:ff9b::");
	cfg.wkp_global_only = false;
	n = udp6(in, A6, "64:ff9b::c000:2e0", 4);
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_HAIRPIN_LOOP);
}

/*
 * A destination that came out of the EAM table is ordinary traffic to the
 * IPv4 side, never a hairpin: this is every packet a CLAT receives (its own
 * address is the EAM entry CLAT-IPv4/32 <-> CLAT-IPv6/128).
 */
TEST(hairpin_not_for_eam_destination)
{
	static struct xlat_eam clat[1];
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_hairpin(&cfg);
	n = udp6(in, A6, "2001:db8:bbbb::b", 4);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.family, AF_INET);
	CHECK_OK4();
	CHECK(eq4(o0() + 12, "192.0.2.1"));
	CHECK(eq4(o0() + 16, "192.0.2.2"));

	clat[0] = eam("192.0.0.4/32", "2001:db8:1::c1a7/128");
	cfg.eam = clat;
	cfg.n_eam = 1;
	n = udp6(in, "2001:db8:64::cb00:710a", "2001:db8:1::c1a7", 4);
	REQUIRE(run(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.family, AF_INET);
	CHECK_OK4();
	CHECK(eq4(o0() + 12, "203.0.113.10"));
	CHECK(eq4(o0() + 16, "192.0.0.4"));
}

/* ---------------------------------------------------------------- */
/* Robustness                                                       */

TEST(no_space)
{
	struct xlat_cfg cfg;
	uint8_t in[2048];
	size_t n, need;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 100);
	need = n - 20;
	memset(&out, 0, sizeof(out));
	memset(obuf, 0xcc, 2048);
	out.buf = obuf;
	out.cap = need - 1;
	CHECK_EQ(xlat_6to4(&cfg, in, n, &out), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
	for (size_t i = 0; i < 2048; i++)
		if (obuf[i] != 0xcc)
			TAP_FAIL("byte %zu written", i);
	out.cap = need;
	CHECK_EQ(xlat_6to4(&cfg, in, n, &out), XLAT_OUT);
	/* replies and ICMP errors too */
	in[7] = 1;
	out.cap = 100;
	CHECK_EQ(xlat_6to4(&cfg, in, n, &out), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
	{
		uint8_t inner[256];
		size_t k = inner_udp(inner, 4);

		n = icmp6(in, A6, H4, 1, 4, 0, inner, k);
		out.cap = 20 + 8 + 20 + 12 - 1;
		CHECK_EQ(xlat_6to4(&cfg, in, n, &out), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
		out.cap++;
		CHECK_EQ(xlat_6to4(&cfg, in, n, &out), XLAT_OUT);
	}
	/* a hairpin needs room for both forms */
	cfg.hairpin = true;
	n = udp6(in, A6, "2001:db8:64::c000:202", 100);
	out.cap = n;
	CHECK_EQ(xlat_6to4(&cfg, in, n, &out), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
}

TEST(garbage_short_and_bad_headers)
{
	struct xlat_cfg cfg;
	uint8_t in[256];
	size_t n;

	cfg_std(&cfg);
	n = udp6(in, A6, H4, 8);
	for (size_t l = 0; l < 40; l++) {
		CHECK_EQ(run(&cfg, in, l), XLAT_DROP);
		CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	}
	CHECK_EQ(run(&cfg, in, n - 1), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	in[0] = 0x45;
	CHECK_EQ(run(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_VERSION);
}

/*
 * Mutations of valid packets of every kind: no crash (ASan/UBSan), no
 * write past cap, and every IPv4 output well-formed at the IP layer.
 */
TEST(garbage_fuzz_mutations)
{
	struct xlat_cfg cfg;
	static uint8_t seeds[6][1024], in[1100];
	size_t slen[6], k, n;
	uint8_t inner[512], pl[128];
	unsigned int seed = 12345, bad = 0;

	cfg_std(&cfg);
	cfg.hairpin = true;
	slen[0] = udp6(seeds[0], A6, H4, 30);
	slen[1] = pkt_echo6(seeds[1], A6, H4, 1, 2, "abcdef", 6);
	k = inner_udp(inner, 20);
	slen[2] = icmp6(seeds[2], A6, H4, 1, 4, 0, inner, k);
	k = pkt_echo6(inner, H4, A6, 1, 2, "abcdef", 6);
	slen[3] = icmp6(seeds[3], ROUTER6, H4, 2, 0, 1400, inner, k);
	k = opt_hdr(pl, 44);
	k += frag_hdr(pl + k, IPPROTO_TCP, 0, true, 9);
	k += pkt_tcp(pl + k, 1, 2, 3, 4, "abcdefghijkl", 12);
	slen[4] = mk6(seeds[4], A6, H4, 0, 64, 0, pl, k);
	slen[5] = udp6(seeds[5], A6, "2001:db8:64::c000:202", 30);
	for (int it = 0; it < 60000; it++) {
		int s = rand_r(&seed) % 6, m = 1 + rand_r(&seed) % 4;
		enum xlat_verdict v;

		n = slen[s];
		memcpy(in, seeds[s], n);
		for (int j = 0; j < m; j++)
			in[rand_r(&seed) % n] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4 == 0)
			n = (size_t)rand_r(&seed) % (n + 1);
		memset(&out, 0, sizeof(out));
		out.buf = obuf;
		out.cap = 600 + (size_t)rand_r(&seed) % 800;
		obuf[out.cap] = 0xa5;
		v = xlat_6to4(&cfg, in, n, &out);
		if (obuf[out.cap] != 0xa5)
			bad++;
		if (v == XLAT_DROP)
			continue;
		if (out.n != 1 || out.pkt[0].off + out.pkt[0].len > out.cap) {
			bad++;
			continue;
		}
		if (out.family == AF_INET) {
			const uint8_t *p = o0();

			if (get16(p + 2) != o0len() ||
			    csum_fold(csum_add_buf(0, p, 20)) != 0xffff)
				bad++;
		} else if (get16(o0() + 4) + 40u != o0len()) {
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	return tap_run();
}
