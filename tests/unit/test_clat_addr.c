// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: CLAT address selection (src/control/clat_addr.c). */
#define TAP_MAIN
#include "tap.h"

#include "control/clat_addr.h"
#include "control/rfc6724.h"
#include "engine/checksum.h"
#include "engine/rfc6052.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>

/* A tiny deterministic generator so failures reproduce. */
static uint64_t rng = 0x243f6a8885a308d3ull;

static void rnd_bytes(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		b[i] = (uint8_t)rng;
	}
}

static struct xlat_prefix6 pfx6(const char *s, uint8_t len)
{
	struct xlat_prefix6 p = { .addr = pkt_a6(s), .len = len };

	return p;
}

TEST(ipv4_pick_order)
{
	struct in_addr used[8], out;

	CHECK(clat_pick_ipv4(NULL, 0, &out));
	CHECK_EQ(out.s_addr, pkt_a4("192.0.0.4").s_addr);

	used[0] = pkt_a4("192.0.0.4");
	used[1] = pkt_a4("10.0.0.1");
	CHECK(clat_pick_ipv4(used, 2, &out));
	CHECK_EQ(out.s_addr, pkt_a4("192.0.0.5").s_addr);

	used[1] = pkt_a4("192.0.0.5");
	used[2] = pkt_a4("192.0.0.6");
	used[3] = pkt_a4("192.0.0.7");
	CHECK(clat_pick_ipv4(used, 4, &out));
	CHECK_EQ(out.s_addr, pkt_a4("192.0.0.2").s_addr);

	used[4] = pkt_a4("192.0.0.2");
	used[5] = pkt_a4("192.0.0.3");
	CHECK(clat_pick_ipv4(used, 6, &out));
	CHECK_EQ(out.s_addr, pkt_a4("192.0.0.1").s_addr);

	used[6] = pkt_a4("192.0.0.1");
	CHECK(!clat_pick_ipv4(used, 7, &out));
}

TEST(prefix64_pick)
{
	struct clat_if_addr6 a[] = {
		{ pkt_a6("fe80::1"), 64, RT_SCOPE_LINK, 0, ~0u },
		{ pkt_a6("2001:db8:1::99"), 64, 0, IFA_F_TEMPORARY, ~0u },
		{ pkt_a6("2001:db8:2::1"), 64, 0, IFA_F_DEPRECATED, 0 },
		{ pkt_a6("2001:db8:3::1"), 56, 0, 0, ~0u },
		{ pkt_a6("fd00:1::1"), 64, 0, 0, ~0u },
		{ pkt_a6("2001:db8:4::1"), 64, 0, IFA_F_TENTATIVE, ~0u },
		{ pkt_a6("2001:db8:5::1"), 64, 0, IFA_F_MANAGETEMPADDR, 600 },
		{ pkt_a6("2001:db8:6::1"), 64, 0, 0, 3600 },
		{ pkt_a6("2001:db8:7::1"), 64, 0, 0, 0 },
	};

	/* Lifetimes do not rank (they count down between RAs and would
	 * make the choice flip): the lowest usable prefix wins. */
	CHECK_EQ(clat_pick_prefix64(a, 8), 6);
	CHECK_EQ(clat_pick_prefix64(a + 7, 1), 0);
	/* Without a global /64, a ULA /64 will do. */
	CHECK_EQ(clat_pick_prefix64(a, 6), 4);
	CHECK_EQ(clat_pick_prefix64(a, 4), -1);
	CHECK_EQ(clat_pick_prefix64(a + 8, 1), -1);
	CHECK_EQ(clat_pick_prefix64(NULL, 0), -1);
}

/* Both orders of a[] give the same prefix: returns its first 8 bytes. */
static int pick_both_orders(struct clat_if_addr6 *a, size_t n, const char *dst)
{
	struct in6_addr d = pkt_a6(dst);
	struct clat_if_addr6 r[8];
	int i = clat_pick_prefix64_for(a, n, &d), j;

	for (size_t k = 0; k < n; k++)
		r[k] = a[n - 1 - k];
	j = clat_pick_prefix64_for(r, n, &d);
	if (i < 0 || j < 0)
		return i < 0 && j < 0 ? -1 : -2;
	return memcmp(&a[i].addr, &r[j].addr, 16) ? -3 : i;
}

TEST(prefix64_rfc6724)
{
	struct clat_if_addr6 a[] = {
		{ pkt_a6("fd00:aa::1"), 64, 0, 0, ~0u },
		{ pkt_a6("2001:db8:bb::1"), 64, 0, 0, ~0u },
		{ pkt_a6("2001:db8:64:1::1"), 64, 0, 0, ~0u },
		{ pkt_a6("2001:db8:ff::1"), 64, 0, IFA_F_DEPRECATED, 0 },
	};

	/* Labels (section 2.1). */
	CHECK_EQ(rfc6724_label(&a[0].addr), 13);
	CHECK_EQ(rfc6724_label(&a[1].addr), 1);
	CHECK_EQ(rfc6724_label(&(struct in6_addr){ .s6_addr = { 0x20, 0x01 } }), 5);
	CHECK_EQ(rfc6724_label(&(struct in6_addr){ .s6_addr = { 0x20, 0x02 } }), 2);
	CHECK_EQ(rfc6724_label(&(struct in6_addr){ .s6_addr = { [15] = 1 } }), 0);
	CHECK_EQ(rfc6724_common_prefix(&a[1].addr, &a[2].addr, 64), 40);
	CHECK_EQ(rfc6724_common_prefix(&a[1].addr, &a[1].addr, 64), 64);
	CHECK_EQ(rfc6724_common_prefix(&a[1].addr, &a[1].addr, 200), 128);

	/* Rule 6: a ULA NAT64 prefix takes the ULA /64, a global one a
	 * global /64, whatever order the kernel lists them in. */
	CHECK_EQ(pick_both_orders(a, 2, "fd00:64::"), 0);
	CHECK_EQ(pick_both_orders(a, 2, "64:ff9b::"), 1);
	/* Rule 8: among global /64s, the longest prefix in common. */
	CHECK_EQ(pick_both_orders(a, 3, "2001:db8:64::"), 2);
	CHECK_EQ(pick_both_orders(a + 1, 2, "2001:db8:bb:64::"), 0);
	/* With no /64 of the NAT64 prefix's label, another label will do. */
	CHECK_EQ(pick_both_orders(a + 1, 2, "fd00:64::"), 1);
	/* Deprecated (renumbered away) is never picked. */
	CHECK_EQ(pick_both_orders(a + 3, 1, "2001:db8:ff::"), -1);
	CHECK_EQ(pick_both_orders(a + 2, 2, "2001:db8:ff::"), 0);
}

TEST(iid_reserved)
{
	static const uint8_t zero[8];
	uint8_t iid[8] = { 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80 };

	CHECK(clat_iid_reserved(zero));
	CHECK(clat_iid_reserved(iid));
	iid[7] = 0xff;
	CHECK(clat_iid_reserved(iid));
	iid[7] = 0x7f;
	CHECK(!clat_iid_reserved(iid));

	memcpy(iid, "\x02\x00\x5e\xff\xfe\x00\x52\x13", 8);
	CHECK(clat_iid_reserved(iid));
	memcpy(iid, "\x02\x00\x5e\xff\xfe\xff\xff\xff", 8);
	CHECK(clat_iid_reserved(iid));
	memcpy(iid, "\x02\x00\x5e\xff\xff\x00\x00\x00", 8);
	CHECK(!clat_iid_reserved(iid));
	memcpy(iid, "\x00\x00\x00\x00\x00\x00\x00\x01", 8);
	CHECK(!clat_iid_reserved(iid));
}

static void check_neutral_with(const struct xlat_prefix6 *pool6,
			       const char *v4s, int rounds)
{
	struct in6_addr pfx = pkt_a6("2001:db8:1:2::"), a6;
	struct in_addr v4 = pkt_a4(v4s);
	uint8_t rnd[8];
	int made = 0;

	for (int i = 0; i < rounds; i++) {
		rnd_bytes(rnd, sizeof(rnd));
		if (!clat_make_ipv6(&pfx, rnd, pool6, &v4, NULL, 0, &a6))
			continue;
		made++;
		/* The /64 and the random part survive; only word 7 moves. */
		CHECK_MEM(a6.s6_addr, pfx.s6_addr, 8);
		CHECK_MEM(a6.s6_addr + 8, rnd, 6);
		CHECK(!clat_iid_reserved(a6.s6_addr + 8));
		CHECK(clat_csum_neutral(&a6, pool6, &v4));
	}
	CHECK(made > rounds / 2);
}

TEST(neutral_various_prefixes)
{
	struct xlat_prefix6 p[] = {
		pfx6("2001:db8:64::", 96), pfx6("64:ff9b::", 96),
		pfx6("2001:db8::", 32),    pfx6("2001:db8:aa00::", 40),
		pfx6("2001:db8:ab:cd00::", 56), pfx6("2001:db8:1:2::", 64),
	};
	const char *v4[] = { "192.0.0.4", "192.0.0.1", "192.0.0.7" };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		for (size_t j = 0; j < 3; j++)
			check_neutral_with(&p[i], v4[j], 200);
}

/*
 * The point of neutrality: a UDP checksum computed over the IPv4 pseudo
 * header is also right over the IPv6 one, in both directions, for any
 * remote IPv4 address embedded in a /96 or /32 prefix.
 */
static void check_udp_passthrough(const struct xlat_prefix6 *pool6)
{
	struct in6_addr pfx = pkt_a6("2001:db8:1:2::"), a6, r6;
	struct in_addr v4 = pkt_a4("192.0.0.4"), r4;
	uint8_t rnd[8], payload[37];
	uint32_t l4;

	do
		rnd_bytes(rnd, sizeof(rnd));
	while (!clat_make_ipv6(&pfx, rnd, pool6, &v4, NULL, 0, &a6));

	for (int i = 0; i < 500; i++) {
		uint16_t c4, c6;

		rnd_bytes((uint8_t *)&r4.s_addr, 4);
		rnd_bytes(payload, sizeof(payload));
		rfc6052_embed(pool6, &r4, &r6);
		l4 = csum_add_buf(0, payload, sizeof(payload));

		c4 = csum_finish(csum_pseudo4(&v4, &r4, IPPROTO_UDP,
					      sizeof(payload)) + l4);
		c6 = csum_finish(csum_pseudo6(&a6, &r6, IPPROTO_UDP,
					      sizeof(payload)) + l4);
		CHECK_EQ(c4, c6);
		/* And the reply direction (addresses swapped). */
		c4 = csum_finish(csum_pseudo4(&r4, &v4, IPPROTO_UDP,
					      sizeof(payload)) + l4);
		c6 = csum_finish(csum_pseudo6(&r6, &a6, IPPROTO_UDP,
					      sizeof(payload)) + l4);
		CHECK_EQ(c4, c6);
		if (tap_failed_now)
			return;
	}
}

TEST(neutral_udp_passthrough_96)
{
	struct xlat_prefix6 p = pfx6("2001:db8:64::", 96);

	check_udp_passthrough(&p);
}

TEST(neutral_udp_passthrough_wkp)
{
	struct xlat_prefix6 p = pfx6("64:ff9b::", 96);

	check_udp_passthrough(&p);
}

TEST(neutral_udp_passthrough_32)
{
	struct xlat_prefix6 p = pfx6("2001:db8::", 32);

	check_udp_passthrough(&p);
}

/* A plain random IID is (almost always) not neutral: the check can fail. */
TEST(neutral_check_rejects)
{
	struct xlat_prefix6 p = pfx6("2001:db8:64::", 96);
	struct in6_addr pfx = pkt_a6("2001:db8:1:2::"), a6;
	struct in_addr v4 = pkt_a4("192.0.0.4");
	uint8_t rnd[8];

	do
		rnd_bytes(rnd, sizeof(rnd));
	while (!clat_make_ipv6(&pfx, rnd, &p, &v4, NULL, 0, &a6));
	a6.s6_addr[15] ^= 1;
	CHECK(!clat_csum_neutral(&a6, &p, &v4));
	a6.s6_addr[15] ^= 1;
	v4 = pkt_a4("192.0.0.5");
	CHECK(!clat_csum_neutral(&a6, &p, &v4));
}

TEST(make_ipv6_refuses_reserved_and_avoided)
{
	struct xlat_prefix6 p = pfx6("2001:db8:64::", 96);
	struct in6_addr pfx = pkt_a6("2001:db8:1:2::"), a6, avoid;
	struct in_addr v4 = pkt_a4("192.0.0.4");
	uint8_t rnd[8];

	/* 0200:5eff:fexx:xxxx is reserved whatever word 3 becomes. */
	memcpy(rnd, "\x02\x00\x5e\xff\xfe\x12\x00\x00", 8);
	CHECK(!clat_make_ipv6(&pfx, rnd, &p, &v4, NULL, 0, &a6));

	memcpy(rnd, "\x11\x22\x33\x44\x55\x66\x00\x00", 8);
	REQUIRE(clat_make_ipv6(&pfx, rnd, &p, &v4, NULL, 0, &a6));
	avoid = a6;
	CHECK(!clat_make_ipv6(&pfx, rnd, &p, &v4, &avoid, 1, &a6));
}

/*
 * The fixed-up word is want + ~have, folded: never 0 for a non-zero IPv4
 * address, so even all-zero random bytes cannot give the Subnet-Router
 * anycast IID.
 */
TEST(zero_random_still_valid)
{
	struct xlat_prefix6 p = pfx6("2001:db8:64::", 96);
	struct in_addr v4 = pkt_a4("192.0.0.4");
	static const uint8_t zero[8];
	struct in6_addr pfx = pkt_a6("2001:db8:1:2::"), a6;

	REQUIRE(clat_make_ipv6(&pfx, zero, &p, &v4, NULL, 0, &a6));
	CHECK(memcmp(a6.s6_addr + 8, zero, 8) != 0);
	CHECK(clat_csum_neutral(&a6, &p, &v4));
}

TEST(solicited_node)
{
	struct in6_addr a = pkt_a6("2001:db8:1:2:aabb:ccdd:eeff:1122"), sn;
	struct in6_addr want = pkt_a6("ff02::1:ffff:1122");

	clat_solicited_node(&a, &sn);
	CHECK_MEM(&sn, &want, 16);
}

TEST(default_mtu)
{
	CHECK_EQ(clat_default_mtu(1500), 1472);
	CHECK_EQ(clat_default_mtu(1280), 1252);
	CHECK_EQ(clat_default_mtu(9000), 8972);
	CHECK_EQ(clat_default_mtu(0), 1252);
}

int main(void)
{
	return tap_run();
}
