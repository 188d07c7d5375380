// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: NS/NA parse and build, DAD state machine (src/control/ndp.c). */
#define TAP_MAIN
#include "tap.h"

#include "control/clat_addr.h"
#include "control/ndp.h"
#include "engine/checksum.h"
#include "pkt.h"

static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t nonce[6] = { 1, 2, 3, 4, 5, 6 };

/* A hand-made NS: ICMPv6 body from the caller, checksum and IPv6 by pkt.h. */
static size_t mk_ns(uint8_t *buf, const char *src, const char *dst,
		    uint8_t hlim, const char *target, const uint8_t *opts,
		    size_t olen)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .hlim = hlim,
			       .nexthdr = IPPROTO_ICMPV6 };
	struct in6_addr t = pkt_a6(target);
	uint8_t icmp[128] = { NDP_NS };
	size_t len;

	memcpy(icmp + 8, &t, 16);
	if (olen)
		memcpy(icmp + 24, opts, olen);
	len = pkt_ip6(buf, &s, icmp, 24 + olen);
	pkt_fix_l4_csum6(buf, len);
	return len;
}

static const uint8_t slla[8] = { 1, 1, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

TEST(parse_ns_with_slla)
{
	uint8_t b[200];
	struct ndp_msg m;
	size_t n = mk_ns(b, "fe80::1", "ff02::1:ff00:1234", 255,
			 "2001:db8:1:2::1234", slla, 8);

	REQUIRE(ndp_parse(b, n, &m) == 0);
	CHECK_EQ(m.type, NDP_NS);
	CHECK(m.has_lla);
	CHECK_MEM(m.lla, slla + 2, 6);
	CHECK(!m.has_nonce);
	struct in6_addr t = pkt_a6("2001:db8:1:2::1234");
	struct in6_addr s = pkt_a6("fe80::1");
	CHECK_MEM(&m.target, &t, 16);
	CHECK_MEM(&m.src, &s, 16);
	/* Trailing bytes past the payload length (padding) are ignored. */
	b[n] = 0xee;
	CHECK(ndp_parse(b, n + 1, &m) == 0);
}

TEST(parse_rejects_invalid)
{
	uint8_t b[200];
	struct ndp_msg m;
	const uint8_t zero_opt[8] = { 1, 0 };
	size_t n;

	/* Hop limit other than 255: maybe forwarded, RFC 4861 7.1.1. */
	n = mk_ns(b, "fe80::1", "ff02::1:ff00:1", 254, "2001:db8::1", NULL, 0);
	CHECK(ndp_parse(b, n, &m) != 0);

	n = mk_ns(b, "fe80::1", "ff02::1:ff00:1", 255, "2001:db8::1", NULL, 0);
	REQUIRE(ndp_parse(b, n, &m) == 0);
	b[40 + 2] ^= 0x10; /* checksum */
	CHECK(ndp_parse(b, n, &m) != 0);
	b[40 + 2] ^= 0x10;
	CHECK(ndp_parse(b, n - 1, &m) != 0); /* truncated */

	n = mk_ns(b, "fe80::1", "ff02::1:ff00:1", 255, "ff02::1", NULL, 0);
	CHECK(ndp_parse(b, n, &m) != 0); /* multicast target */

	n = mk_ns(b, "fe80::1", "ff02::1:ff00:1", 255, "2001:db8::1",
		  zero_opt, 8);
	CHECK(ndp_parse(b, n, &m) != 0); /* option length 0 */

	/* DAD probe (source ::) with a source link-layer option. */
	n = mk_ns(b, "::", "ff02::1:ff00:1", 255, "2001:db8::1", slla, 8);
	CHECK(ndp_parse(b, n, &m) != 0);
	/* DAD probe not sent to the solicited-node group. */
	n = mk_ns(b, "::", "ff02::1", 255, "2001:db8::1", NULL, 0);
	CHECK(ndp_parse(b, n, &m) != 0);

	/* ICMPv6 code must be 0. */
	n = mk_ns(b, "fe80::1", "ff02::1:ff00:1", 255, "2001:db8::1", NULL, 0);
	b[41] = 1;
	pkt_fix_l4_csum6(b, n);
	CHECK(ndp_parse(b, n, &m) != 0);

	/* Not ND at all: an echo request. */
	n = pkt_echo6(b, "fe80::1", "2001:db8::1", 1, 1, "x", 1);
	CHECK(ndp_parse(b, n, &m) != 0);
}

TEST(build_na_roundtrip)
{
	struct in6_addr src = pkt_a6("2001:db8:1:2::c1a7");
	struct in6_addr dst = pkt_a6("fe80::1");
	uint8_t b[NDP_PKT_MAX];
	struct ndp_msg m;
	size_t n;

	CHECK_EQ(ndp_build_na(b, 10, &src, &dst, &src, 0, mac), 0);
	n = ndp_build_na(b, sizeof(b), &src, &dst, &src,
			 NDP_NA_SOLICITED | NDP_NA_OVERRIDE, mac);
	REQUIRE(n == 72);
	CHECK(pkt_check6(b, n) == NULL);
	CHECK_EQ(b[7], 255);
	REQUIRE(ndp_parse(b, n, &m) == 0);
	CHECK_EQ(m.type, NDP_NA);
	CHECK_EQ(m.na_flags, NDP_NA_SOLICITED | NDP_NA_OVERRIDE);
	CHECK_MEM(&m.target, &src, 16);
	CHECK_MEM(&m.src, &src, 16);
	CHECK_MEM(&m.dst, &dst, 16);
	CHECK(m.has_lla);
	CHECK_MEM(m.lla, mac, 6);
}

TEST(na_multicast_with_s_rejected)
{
	struct in6_addr src = pkt_a6("2001:db8:1:2::c1a7");
	struct in6_addr all = pkt_a6("ff02::1");
	uint8_t b[NDP_PKT_MAX];
	struct ndp_msg m;
	size_t n;

	n = ndp_build_na(b, sizeof(b), &src, &all, &src, NDP_NA_SOLICITED, mac);
	CHECK(ndp_parse(b, n, &m) != 0);
	n = ndp_build_na(b, sizeof(b), &src, &all, &src, NDP_NA_OVERRIDE, mac);
	CHECK(ndp_parse(b, n, &m) == 0);
}

TEST(build_dad_ns)
{
	struct in6_addr t = pkt_a6("2001:db8:1:2:aabb:ccdd:eeff:1122");
	struct in6_addr sn = pkt_a6("ff02::1:ffff:1122"), any = { 0 };
	uint8_t b[NDP_PKT_MAX];
	struct ndp_msg m;
	size_t n;

	n = ndp_build_dad_ns(b, sizeof(b), &t, nonce);
	REQUIRE(n > 0);
	CHECK(pkt_check6(b, n) == NULL);
	REQUIRE(ndp_parse(b, n, &m) == 0);
	CHECK_EQ(m.type, NDP_NS);
	CHECK_MEM(&m.src, &any, 16);
	CHECK_MEM(&m.dst, &sn, 16);
	CHECK_MEM(&m.target, &t, 16);
	CHECK(!m.has_lla);
	CHECK(m.has_nonce);
	CHECK_MEM(m.nonce, nonce, 6);
}

TEST(ns_answer)
{
	struct in6_addr ours = pkt_a6("2001:db8:1:2::c1a7"), dst;
	struct in6_addr all = pkt_a6("ff02::1"), r = pkt_a6("fe80::1");
	struct ndp_msg ns = { .type = NDP_NS, .src = r, .target = ours };
	uint32_t fl = 0;

	REQUIRE(ndp_ns_answer(&ns, &ours, &dst, &fl));
	CHECK_MEM(&dst, &r, 16);
	CHECK_EQ(fl, NDP_NA_SOLICITED | NDP_NA_OVERRIDE);

	/* Someone else's DAD for our address: defend to all-nodes, no S. */
	memset(&ns.src, 0, 16);
	REQUIRE(ndp_ns_answer(&ns, &ours, &dst, &fl));
	CHECK_MEM(&dst, &all, 16);
	CHECK_EQ(fl, NDP_NA_OVERRIDE);

	ns.target = pkt_a6("2001:db8:1:2::1");
	CHECK(!ndp_ns_answer(&ns, &ours, &dst, &fl));
	ns.target = ours;
	ns.type = NDP_NA;
	CHECK(!ndp_ns_answer(&ns, &ours, &dst, &fl));
}

TEST(dad_quiet_link_succeeds)
{
	struct in6_addr t = pkt_a6("2001:db8:1:2::c1a7");
	struct ndp_dad d;
	uint64_t w = 0;

	ndp_dad_init(&d, 1, 3, 1000);
	CHECK_EQ(ndp_dad_poll(&d, 0, &w), NDP_DAD_WAIT); /* idle */
	ndp_dad_begin(&d, &t, nonce, 5000);
	CHECK_EQ(ndp_dad_poll(&d, 5000, &w), NDP_DAD_SEND_NS);
	CHECK_EQ(ndp_dad_poll(&d, 5001, &w), NDP_DAD_WAIT);
	CHECK_EQ(w, 999);
	CHECK_EQ(ndp_dad_poll(&d, 5999, &w), NDP_DAD_WAIT);
	CHECK_EQ(w, 1);
	CHECK_EQ(ndp_dad_poll(&d, 6000, &w), NDP_DAD_OK);
	CHECK_EQ(ndp_dad_poll(&d, 9000, &w), NDP_DAD_OK);
	/* Once done, packets no longer change the verdict. */
	struct ndp_msg na = { .type = NDP_NA, .target = t };
	CHECK(!ndp_dad_input(&d, &na));
	CHECK_EQ(d.state, NDP_DAD_DONE);
}

TEST(dad_two_probes)
{
	struct in6_addr t = pkt_a6("2001:db8:1:2::c1a7");
	struct ndp_dad d;

	ndp_dad_init(&d, 2, 3, 100);
	ndp_dad_begin(&d, &t, nonce, 0);
	CHECK_EQ(ndp_dad_poll(&d, 0, NULL), NDP_DAD_SEND_NS);
	CHECK_EQ(ndp_dad_poll(&d, 50, NULL), NDP_DAD_WAIT);
	CHECK_EQ(ndp_dad_poll(&d, 100, NULL), NDP_DAD_SEND_NS);
	CHECK_EQ(ndp_dad_poll(&d, 199, NULL), NDP_DAD_WAIT);
	CHECK_EQ(ndp_dad_poll(&d, 200, NULL), NDP_DAD_OK);
}

TEST(dad_conflicts_then_give_up)
{
	struct in6_addr t = pkt_a6("2001:db8:1:2::c1a7");
	struct ndp_msg na = { .type = NDP_NA, .target = t };
	struct ndp_dad d;

	ndp_dad_init(&d, 1, 3, 1000);
	for (int i = 0; i < 3; i++) {
		t.s6_addr[15]++;
		na.target = t;
		ndp_dad_begin(&d, &t, nonce, 0);
		CHECK_EQ(ndp_dad_poll(&d, 0, NULL), NDP_DAD_SEND_NS);
		CHECK(ndp_dad_input(&d, &na));
		CHECK_EQ(ndp_dad_poll(&d, 10, NULL),
			 i < 2 ? NDP_DAD_NEW_ADDR : NDP_DAD_GIVE_UP);
	}
	CHECK_EQ(ndp_dad_poll(&d, 5000, NULL), NDP_DAD_GIVE_UP);
}

TEST(dad_input_rules)
{
	struct in6_addr t = pkt_a6("2001:db8:1:2::c1a7");
	struct ndp_msg m = { .type = NDP_NS, .target = t };
	struct ndp_dad d;

	ndp_dad_init(&d, 1, 3, 1000);
	CHECK(!ndp_dad_input(&d, &m)); /* not probing yet */
	ndp_dad_begin(&d, &t, nonce, 0);
	CHECK_EQ(ndp_dad_poll(&d, 0, NULL), NDP_DAD_SEND_NS);

	/* Our own probe looped back (same nonce): not a duplicate. */
	m.has_nonce = true;
	memcpy(m.nonce, nonce, 6);
	CHECK(!ndp_dad_input(&d, &m));
	/* Address resolution for the target (source set): ignored. */
	m.src = pkt_a6("fe80::1");
	m.nonce[0] ^= 1;
	CHECK(!ndp_dad_input(&d, &m));
	/* An NA for another address: ignored. */
	struct ndp_msg na = { .type = NDP_NA, .target = pkt_a6("2001:db8::9") };
	CHECK(!ndp_dad_input(&d, &na));
	CHECK_EQ(d.state, NDP_DAD_PROBING);
	/* Another node probing the same address (other nonce): conflict. */
	memset(&m.src, 0, 16);
	CHECK(ndp_dad_input(&d, &m));
	CHECK_EQ(ndp_dad_poll(&d, 1, NULL), NDP_DAD_NEW_ADDR);

	/* A probe without a nonce from another node also conflicts. */
	ndp_dad_begin(&d, &t, nonce, 0);
	m.has_nonce = false;
	CHECK(ndp_dad_input(&d, &m));
}

/*
 * Found by fuzz_ndp: an NS whose source is a multicast address was
 * accepted and answered with a solicited NA to that group, which every
 * receiver must drop (RFC 4861 7.1.2).  RFC 4291 2.7: never a source.
 */
TEST(parse_rejects_multicast_source)
{
	uint8_t b[200];
	struct ndp_msg m;
	size_t n;

	n = mk_ns(b, "ff02::1", "2001:db8::1", 255, "2001:db8::1", slla, 8);
	CHECK(ndp_parse(b, n, &m) != 0);
	n = mk_ns(b, "ff0e::1:2", "ff02::1:ff00:1", 255, "2001:db8::1", NULL, 0);
	CHECK(ndp_parse(b, n, &m) != 0);
	/* The same NS from a unicast source is fine. */
	n = mk_ns(b, "fe80::2", "2001:db8::1", 255, "2001:db8::1", slla, 8);
	CHECK(ndp_parse(b, n, &m) == 0);
}

int main(void)
{
	return tap_run();
}
