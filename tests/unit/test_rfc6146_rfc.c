// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 6146 rules not covered by the other test_rfc6146*
 * files, named after their section: hairpinning loops (3.5), ICMP errors
 * that need the mapping only and are never filtered (3.5, 3.6), the ICMP
 * error address-dependent filtering MAY send (3.5.1, 3.5.3), hairpinned
 * ICMP and refusals (3.8), zero-checksum UDP from IPv4 (3.7 with RFC
 * 7915 4.5).
 */
#define TAP_MAIN
#include "tap.h"

#include "rfc6146_fixture.h"

static struct nat64_cfg cfg;

static struct nat64 *std(void)
{
	fx_cfg(&cfg);
	return fx_nat(&cfg);
}

static struct nat64 *adf(void)
{
	fx_cfg(&cfg);
	cfg.filter = NAT64_FILTER_AD;
	return fx_nat(&cfg);
}

/* An ICMPv4 error (type, code) from src to dst quoting inner. */
static size_t icmp4_err(const char *src, const char *dst, uint8_t type,
			uint8_t code, const uint8_t *inner, size_t li)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = 1 };
	uint8_t icmp[256];
	size_t len;

	pkt_icmp(icmp, type, code, 0, inner, li);
	len = pkt_ip4(fx_pkt, &s, icmp, 8 + li);
	pkt_fix_l4_csum4(fx_pkt, len);
	return len;
}

static size_t icmp6_err(const char *src, const char *dst, uint8_t type,
			uint8_t code, const uint8_t *inner, size_t li)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = 58 };
	uint8_t icmp[256];
	size_t len;

	pkt_icmp(icmp, type, code, 0, inner, li);
	len = pkt_ip6(fx_pkt, &s, icmp, 8 + li);
	pkt_fix_l4_csum6(fx_pkt, len);
	return len;
}

/* 3.5: "MUST silently discard all incoming IPv6 packets containing a
 * source address that contains the Pref64::/n" (hairpinning loops). */
TEST(s3_5_source_in_pool6_is_hairpin_loop)
{
	struct nat64 *n = std();
	size_t len = pkt_udp6(fx_pkt, S2_6, S1_6, 1, 53, "x", 1);

	CHECK_EQ(fx_6to4(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_HAIRPIN_LOOP);
	CHECK_EQ(out.n, 0);
	CHECK_EQ(nat64_bibs(n), 0);
}

/* A source no host can have makes no mapping, no hold, no answer. */
TEST(s3_5_source_not_unicast_opens_nothing)
{
	struct nat64 *n = std();
	size_t len = pkt_udp6(fx_pkt, "ff02::1", S1_6, 1, 53, "x", 1);

	CHECK_EQ(fx_6to4(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_MULTICAST);
	len = pkt_udp6(fx_pkt, "::", S1_6, 1, 53, "x", 1);
	CHECK_EQ(fx_6to4(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_SRC_UNTRANSLATABLE);
	CHECK_EQ(nat64_bibs(n), 0);
	CHECK_EQ(fx_4to6(n, fx_tcp4("255.255.255.255", P4, 80, 3333, TCP_SYN),
			 0),
		 XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_MULTICAST);
	CHECK_EQ(fx_4to6(n, fx_tcp4("127.0.0.1", P4, 80, 3333, TCP_SYN), 0),
		 XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_SRC_UNTRANSLATABLE);
	CHECK_EQ(nat64_stats(n)->syn_held, 0);
}

/* ... nor a destination no host can be (0/8, 127/8, class D/E,
 * broadcast), even behind a network-specific prefix: no BIB entry, no
 * session, no packet (found from the wire by tests/integ/nat64_conformance). */
TEST(s3_5_destination_not_unicast_opens_nothing)
{
	static const char *const dst[] = {
		"2001:db8:64::7f00:1",	  "2001:db8:64::7:1",
		"2001:db8:64::e000:9",	  "2001:db8:64::ffff:ffff",
		"2001:db8:64::f000:1",
	};
	static const enum xlat_drop why[] = {
		XLAT_DROP_DST_UNTRANSLATABLE, XLAT_DROP_DST_UNTRANSLATABLE,
		XLAT_DROP_MULTICAST, XLAT_DROP_MULTICAST, XLAT_DROP_MULTICAST,
	};
	struct nat64 *n = std();
	size_t len;

	for (size_t i = 0; i < sizeof(dst) / sizeof(dst[0]); i++) {
		len = pkt_udp6(fx_pkt, HA, dst[i], 40000, 53, "x", 1);
		CHECK_EQ(fx_6to4(n, len, 0), XLAT_DROP);
		CHECK_EQ(out.reason, why[i]);
		CHECK_EQ(fx_6to4(n, fx_tcp6(HA, dst[i], 40001, 80, TCP_SYN), 0),
			 XLAT_DROP);
	}
	CHECK_EQ(nat64_bibs(n), 0);
	/* A unicast peer still maps. */
	CHECK(fx_udp_map(n, HA, 40000, S1_6, 0) != 0);
}

/* 3.5/3.6: an ICMPv6 error is translated on the mapping of the packet
 * inside, with or without a session to the peer it quotes. */
TEST(s3_5_icmp6_error_needs_mapping_only)
{
	struct nat64 *n = std();
	uint8_t inner[64];
	uint16_t p4 = fx_udp_map(n, HA, 40000, S1_6, 0);
	size_t li, len;

	REQUIRE(p4);
	/* About a datagram S2:77 -> HA:40000: no session with S2. */
	li = pkt_udp6(inner, S2_6, HA, 77, 40000, "q", 1);
	len = icmp6_err(HA, S2_6, 1, 4, inner, li);
	CHECK_EQ(fx_6to4(n, len, 1), XLAT_OUT);
	REQUIRE(out.family == AF_INET);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[20], 3);
	CHECK_EQ(fx_o(0)[21], 3);
	CHECK_EQ(fx_src4().s_addr, pkt_a4(P4).s_addr);
	CHECK_EQ(get16(fx_o(0) + 28 + 20 + 2), p4); /* inner destination port */
	CHECK_EQ(nat64_sessions(n), 1);
	/* No mapping at all: dropped. */
	li = pkt_udp6(inner, S2_6, HB, 77, 40000, "q", 1);
	len = icmp6_err(HB, S2_6, 1, 4, inner, li);
	CHECK_EQ(fx_6to4(n, len, 1), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

/* 3.5: ICMPv4 errors are not filtered (address-dependent filtering on)
 * and need only the mapping; they change no session. */
TEST(s3_5_icmp4_error_not_filtered)
{
	struct nat64 *n = adf();
	struct in6_addr ha = pkt_a6(HA);
	uint8_t inner[64];
	uint16_t p4 = fx_udp_map(n, HA, 40000, S1_6, 0);
	size_t li, len;

	REQUIRE(p4);
	/* A router (S2) about a datagram pool4:p4 -> 192.0.2.77:9: the
	 * host never sent there, yet the error is its business. */
	li = pkt_udp4(inner, P4, "198.51.100.77", p4, 9, "q", 1);
	len = icmp4_err(S2, P4, 3, 1, inner, li);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &ha, 16);
	CHECK_EQ(fx_o(0)[40], 1);
	CHECK_EQ(fx_o(0)[41], 0); /* Host Unreachable -> No Route */
	CHECK_EQ(get16(fx_o(0) + 48 + 40), 40000); /* inner source port */
	CHECK_EQ(nat64_sessions(n), 1);
}

/* 3.5.3: an ICMP query address-dependent filtering refuses: Destination
 * Unreachable, Communication Administratively Prohibited (MAY). */
TEST(s3_5_3_icmp_query_filtered_prohibited)
{
	struct nat64 *n = adf();
	size_t len = pkt_echo6(fx_pkt, HA, S1_6, 7, 1, "p", 1);
	uint16_t id;

	REQUIRE(fx_6to4(n, len, 0) == XLAT_OUT);
	id = get16(fx_o(0) + 24);
	len = pkt_echo4(fx_pkt, S2, P4, id, 1, "p", 1);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FILTERED);
	REQUIRE(out.family == AF_INET);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[20], 3);
	CHECK_EQ(fx_o(0)[21], 13);
	CHECK_EQ(fx_src4().s_addr, pkt_a4(P4).s_addr);
	/* icmp-errors = no: a plain drop. */
	fx_cfg(&cfg);
	cfg.filter = NAT64_FILTER_AD;
	cfg.xlat.icmp_errors = false;
	n = fx_nat(&cfg);
	len = pkt_echo6(fx_pkt, HA, S1_6, 7, 1, "p", 1);
	REQUIRE(fx_6to4(n, len, 0) == XLAT_OUT);
	id = get16(fx_o(0) + 24);
	len = pkt_echo4(fx_pkt, S2, P4, id, 1, "p", 1);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FILTERED);
}

/* 3.5.1: a datagram to a pool4 port without a mapping: silently gone. */
TEST(s3_5_1_udp_without_mapping_silent)
{
	struct nat64 *n = std();
	size_t len = pkt_udp4(fx_pkt, S1, P4, 53, 5000, "x", 1);

	CHECK_EQ(fx_4to6(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.n, 0);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

/* 3.8: a hairpinned datagram address-dependent filtering refuses: the
 * 3/13 goes to the sender's pool4 address, so on to the sender as
 * ICMPv6 (Communication with Destination Administratively Prohibited). */
TEST(s3_8_hairpinned_refusal_reaches_host)
{
	struct nat64 *n = adf();
	struct in6_addr ha = pkt_a6(HA);
	uint16_t pb = fx_udp_map(n, HB, 50000, S1_6, 0);
	size_t len;

	REQUIRE(pb);
	len = pkt_udp6(fx_pkt, HA, P4_6, 40000, pb, "h", 1);
	CHECK_EQ(fx_6to4(n, len, 1), XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FILTERED);
	REQUIRE(out.family == AF_INET6);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &ha, 16);
	CHECK_EQ(fx_o(0)[40], 1);
	CHECK_EQ(fx_o(0)[41], 1);
	CHECK_MEM(fx_o(0) + 48 + 8, &ha, 16); /* the host's own datagram */
	CHECK_EQ(get16(fx_o(0) + 48 + 40), 40000);
}

/*
 * 3.8: an echo request to a pool4 address comes back in like any IPv4
 * packet.  An ICMP query is keyed by its sender's identifier on both
 * sides, so it lands on the sender's own mapping: the host gets its
 * request back from the pool6 form of the pool4 address, with its own
 * identifier, answers it, and the answer comes back the same way (a
 * ping of the NAT64's pool4 address is answered).
 */
TEST(s3_8_hairpinned_echo)
{
	struct nat64 *n = std();
	struct in6_addr ha = pkt_a6(HA), p46 = pkt_a6(P4_6);
	size_t len;

	len = pkt_echo6(fx_pkt, HA, P4_6, 11, 1, "p", 1);
	REQUIRE(fx_6to4(n, len, 1) == XLAT_OUT);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 8, &p46, 16);
	CHECK_MEM(fx_o(0) + 24, &ha, 16);
	CHECK_EQ(fx_o(0)[40], 128);
	CHECK_EQ(get16(fx_o(0) + 44), 11);
	len = pkt_echo6(fx_pkt, HA, P4_6, 11, 1, "p", 1);
	fx_pkt[40] = 129;
	pkt_fix_l4_csum6(fx_pkt, len);
	REQUIRE(fx_6to4(n, len, 2) == XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &ha, 16);
	CHECK_EQ(fx_o(0)[40], 129);
	CHECK_EQ(get16(fx_o(0) + 44), 11);
	CHECK_EQ(nat64_stats(n)->hairpinned, 2);
}

/* RFC 7915 4.5 under 3.7: a zero-checksum IPv4 datagram gets its
 * checksum computed (the rewrite to the host keeps it valid). */
TEST(s3_7_udp_zero_checksum_computed)
{
	struct nat64 *n = std();
	uint16_t p4 = fx_udp_map(n, HA, 40000, S1_6, 0);
	size_t len;

	REQUIRE(p4);
	len = pkt_udp4(fx_pkt, S1, P4, 53, p4, "answer", 6);
	put16(fx_pkt + 26, 0);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK(get16(fx_o(0) + 46) != 0);
	CHECK_EQ(get16(fx_o(0) + 42), 40000);
}

/* ... or, udp-zero-checksum = drop, refused (3/13) and no state made. */
TEST(s3_7_udp_zero_checksum_dropped_opens_nothing)
{
	struct nat64 *n;
	uint16_t p4;
	size_t len;

	fx_cfg(&cfg);
	cfg.xlat.udp0 = XLAT_UDP0_DROP;
	n = fx_nat(&cfg);
	p4 = fx_udp_map(n, HA, 40000, S1_6, 0);
	REQUIRE(p4);
	len = pkt_udp4(fx_pkt, S2, P4, 53, p4, "answer", 6);
	put16(fx_pkt + 26, 0);
	CHECK(fx_4to6(n, len, 1) != XLAT_OUT);
	CHECK_EQ(out.reason, XLAT_DROP_UDP_ZERO_CSUM);
	CHECK_EQ(nat64_sessions(n), 1);
}

int main(void)
{
	int r = tap_run();

	free(fx_mem);
	return r;
}
