// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 6146 sections 3.5.3 and 3.5.4 in more shapes: ICMP
 * errors quoting an echo (traceroute -I) or a cut TCP segment, the
 * errors of routers between the IPv6 host and the NAT64, and a TCP
 * handshake between two IPv6 hosts through hairpinning (section 3.8).
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

/* An ICMPv4 error from router 203.0.113.99 quoting the first n bytes of
 * what the NAT64 sent (sent4, l4 bytes). */
static size_t err4(uint8_t type, uint8_t code, const uint8_t *sent4,
		   size_t n)
{
	struct pkt4_spec s = { .src = "203.0.113.99", .dst = P4, .proto = 1 };
	uint8_t icmp[1600];
	size_t len;

	pkt_icmp(icmp, type, code, 0, sent4, n);
	len = pkt_ip4(fx_pkt, &s, icmp, 8 + n);
	pkt_fix_l4_csum4(fx_pkt, len);
	return len;
}

/* traceroute -I: Time Exceeded quoting an echo request. */
TEST(time_exceeded_quoting_echo)
{
	struct nat64 *n = std();
	uint8_t orig6[128], sent4[128];
	size_t l6 = pkt_echo6(orig6, HA, S1_6, 0x4242, 3, "probe", 5), l4;
	struct in6_addr r6 = pkt_a6("2001:db8:64::cb00:7163");

	memcpy(fx_pkt, orig6, l6);
	REQUIRE(fx_6to4(n, l6, 0) == XLAT_OUT);
	l4 = out.pkt[0].len;
	memcpy(sent4, fx_o(0), l4);
	CHECK_EQ(fx_4to6(n, err4(11, 0, sent4, l4), 1), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[40], 3); /* Time Exceeded */
	/* The router, in its pool6 form; the quoted echo is the host's. */
	CHECK_MEM(fx_o(0) + 8, &r6, 16);
	CHECK_MEM(fx_o(0) + 48 + 8, orig6 + 8, 32);
	CHECK_MEM(fx_o(0) + 48 + 40, orig6 + 40, l6 - 40);
}

/* A router that quotes only 8 bytes of a TCP segment (RFC 792 minimum):
 * the ports are there, the checksum is not. */
TEST(error_quoting_8_bytes_of_tcp)
{
	struct nat64 *n = std();
	uint8_t orig6[128], sent4[128];
	size_t l6 = fx_tcp6(HA, S1_6, 40100, 443, TCP_SYN);
	struct in6_addr a = pkt_a6(HA);

	memcpy(orig6, fx_pkt, l6);
	REQUIRE(fx_6to4(n, l6, 0) == XLAT_OUT);
	memcpy(sent4, fx_o(0), 28);
	CHECK_EQ(fx_4to6(n, err4(3, 1, sent4, 28), 1), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	CHECK_MEM(fx_o(0) + 48 + 8, &a, 16); /* inner source: the host */
	CHECK_MEM(fx_o(0) + 48 + 40, orig6 + 40, 8); /* ports, sequence */
}

/* An ICMPv6 error from a router between the host and the NAT64 (its
 * address is not the host's): it leaves from the mapping's pool4 address. */
TEST(error_from_ipv6_router)
{
	struct nat64 *n = std();
	uint16_t p4 = fx_udp_map(n, HA, 40101, S1_6, 0);
	uint8_t orig4[128], got6[128], icmp[256];
	struct pkt6_spec s = { .src = "2001:db8:1::1", .dst = S1_6,
			       .nexthdr = 58 };
	size_t l4 = pkt_udp4(orig4, S1, P4, 53, p4, "r", 1), l6, len;

	memcpy(fx_pkt, orig4, l4);
	REQUIRE(fx_4to6(n, l4, 0) == XLAT_OUT);
	l6 = out.pkt[0].len;
	memcpy(got6, fx_o(0), l6);
	pkt_icmp(icmp, 1, 3, 0, got6, l6); /* address unreachable */
	len = pkt_ip6(fx_pkt, &s, icmp, 8 + l6);
	pkt_fix_l4_csum6(fx_pkt, len);
	CHECK_EQ(fx_6to4(n, len, 1), XLAT_OUT);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_src4().s_addr, pkt_a4(P4).s_addr);
	CHECK_EQ(fx_o(0)[20], 3);
	CHECK_EQ(fx_o(0)[21], 1); /* host unreachable */
	CHECK_MEM(fx_o(0) + 28 + 20, orig4 + 20, 8);
}

/* 3.8: a TCP handshake between two IPv6 hosts through their mappings. */
TEST(tcp_hairpin_handshake)
{
	struct nat64 *n = std();
	struct in6_addr b6 = pkt_a6(HB), a6 = pkt_a6(HA);
	uint16_t pb, pa;

	/* B listens behind a mapping it made by talking to the server. */
	REQUIRE(fx_6to4(n, fx_tcp6(HB, S1_6, 8080, 80, TCP_SYN), 0) == XLAT_OUT);
	pb = get16(fx_o(0) + 20);
	CHECK_EQ(fx_6to4(n, fx_tcp6(HA, P4_6, 50000, pb, TCP_SYN), 1), XLAT_OUT);
	REQUIRE(out.family == AF_INET6);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &b6, 16);
	CHECK_EQ(get16(fx_o(0) + 42), 8080);
	pa = get16(fx_o(0) + 40);
	CHECK_EQ(fx_6to4(n, fx_tcp6(HB, P4_6, 8080, pa, TCP_SYN | TCP_ACK), 2),
		 XLAT_OUT);
	REQUIRE(out.family == AF_INET6);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &a6, 16);
	CHECK_EQ(get16(fx_o(0) + 42), 50000);
	CHECK_EQ(fx_6to4(n, fx_tcp6(HA, P4_6, 50000, pb, TCP_ACK), 3), XLAT_OUT);
	CHECK_EQ(out.family, AF_INET6);
	/* Sessions: B-server, A's (to pool4:pb) and B's (from pool4:pa). */
	CHECK_EQ(nat64_sessions(n), 3);
	CHECK_EQ(nat64_stats(n)->hairpinned, 3);
}

/* 3.5.3: an unsolicited echo request from IPv4 has no mapping. */
TEST(inbound_echo_without_mapping)
{
	struct nat64 *n = std();
	size_t len = pkt_echo4(fx_pkt, S1, P4, 7, 1, "x", 1);

	CHECK_EQ(fx_4to6(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

int main(void)
{
	int r = tap_run();

	free(fx_mem);
	return r;
}
