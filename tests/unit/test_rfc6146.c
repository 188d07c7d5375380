// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 6146 stateful translation of packets (sections 3.4 to
 * 3.8): mapping, filtering, ICMP queries and errors, hairpinning, refusals.
 * Every output goes through pkt_check4/6; rewritten ICMP error payloads
 * are compared byte for byte with the packets they quote.
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

/* 3.5.1: a UDP packet from IPv6 creates BIB entry and session. */
TEST(udp_6to4_maps_source)
{
	struct nat64 *n = std();
	size_t len = pkt_udp6(fx_pkt, HA, S1_6, 40000, 53, "hello", 5);
	uint16_t p4;

	REQUIRE(n);
	CHECK_EQ(fx_6to4(n, len, 0), XLAT_OUT);
	CHECK_EQ(out.family, AF_INET);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_src4().s_addr, pkt_a4(P4).s_addr);
	CHECK_MEM(fx_o(0) + 16, &(struct in_addr){ pkt_a4(S1).s_addr }, 4);
	p4 = get16(fx_o(0) + 20);
	CHECK(p4 >= 1024);
	CHECK_EQ(p4 & 1, 0); /* parity kept */
	CHECK_EQ(get16(fx_o(0) + 22), 53);
	CHECK_EQ(nat64_bibs(n), 1);
	CHECK_EQ(nat64_sessions(n), 1);
}

/* 3.5.1: the answer finds the session and goes to the IPv6 host. */
TEST(udp_4to6_reaches_host)
{
	struct nat64 *n = std();
	uint16_t p4 = fx_udp_map(n, HA, 40001, S1_6, 0);
	size_t len = pkt_udp4(fx_pkt, S1, P4, 53, p4, "answer", 6);
	struct in6_addr a;

	REQUIRE(p4);
	CHECK_EQ(fx_4to6(n, len, 10), XLAT_OUT);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	a = pkt_a6(S1_6);
	CHECK_MEM(fx_o(0) + 8, &a, 16);
	a = pkt_a6(HA);
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	CHECK_EQ(get16(fx_o(0) + 40), 53);
	CHECK_EQ(get16(fx_o(0) + 42), 40001);
	CHECK_EQ(memcmp(fx_o(0) + 48, "answer", 6), 0);
}

/* RFC 4787 REQ-1 via 3.5.1: one source, one mapping, any destination. */
TEST(endpoint_independent_mapping)
{
	struct nat64 *n = std();
	uint16_t a = fx_udp_map(n, HA, 40002, S1_6, 0);
	uint16_t b = fx_udp_map(n, HA, 40002, S2_6, 0);
	uint16_t c = fx_udp_map(n, HB, 40002, S1_6, 0);

	CHECK(a && b && c);
	CHECK_EQ(a, b);
	CHECK(a != c);
	CHECK_EQ(nat64_bibs(n), 2);
	CHECK_EQ(nat64_sessions(n), 3);
}

/* 3.5.1: endpoint-independent filtering lets any IPv4 peer in. */
TEST(filtering_endpoint_independent)
{
	struct nat64 *n = std();
	uint16_t p4 = fx_udp_map(n, HA, 40003, S1_6, 0);
	size_t len = pkt_udp4(fx_pkt, S2, P4, 999, p4, "x", 1);

	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	CHECK_EQ(nat64_sessions(n), 2);
}

/* 3.5.1: address-dependent filtering: only addresses the host talked to. */
TEST(filtering_address_dependent)
{
	struct nat64 *n;
	uint16_t p4;
	size_t len;

	fx_cfg(&cfg);
	cfg.filter = NAT64_FILTER_AD;
	n = fx_nat(&cfg);
	p4 = fx_udp_map(n, HA, 40004, S1_6, 0);
	len = pkt_udp4(fx_pkt, S2, P4, 999, p4, "x", 1);
	/* Refused with Communication Administratively Prohibited (MAY). */
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FILTERED);
	CHECK_EQ(out.family, AF_INET);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[20], 3);
	CHECK_EQ(fx_o(0)[21], 13);
	CHECK_EQ(nat64_sessions(n), 1);
	/* Same address, another port: allowed, a new session. */
	len = pkt_udp4(fx_pkt, S1, P4, 999, p4, "x", 1);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	CHECK_EQ(nat64_sessions(n), 2);
}

TEST(no_mapping_is_dropped)
{
	struct nat64 *n = std();
	size_t len = pkt_udp4(fx_pkt, S1, P4, 53, 5000, "x", 1);

	CHECK_EQ(fx_4to6(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
	len = pkt_udp4(fx_pkt, S1, "192.0.2.9", 53, 5000, "x", 1);
	CHECK_EQ(fx_4to6(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_DST_UNTRANSLATABLE);
}

/* 3.5.2.2 CLOSED: only a SYN opens a TCP session. */
TEST(tcp_without_syn_is_dropped)
{
	struct nat64 *n = std();

	CHECK_EQ(fx_6to4(n, fx_tcp6(HA, S1_6, 40000, 80, TCP_ACK), 0),
		 XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_SESSION);
	CHECK_EQ(nat64_bibs(n), 0);
	CHECK_EQ(fx_6to4(n, fx_tcp6(HA, S1_6, 40000, 80, TCP_SYN), 0),
		 XLAT_OUT);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(nat64_sessions(n), 1);
}

/* 3.5.3: ICMP query identifiers are mapped like ports. */
TEST(icmp_echo_both_ways)
{
	struct nat64 *n = std();
	size_t len = pkt_echo6(fx_pkt, HA, S1_6, 0x1234, 7, "ping", 4);
	uint16_t id4;

	CHECK_EQ(fx_6to4(n, len, 0), XLAT_OUT);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[20], 8);
	id4 = get16(fx_o(0) + 24);
	CHECK_EQ(get16(fx_o(0) + 26), 7);
	/* The echo reply from the server. */
	len = pkt_echo4(fx_pkt, S1, P4, id4, 7, "ping", 4);
	fx_pkt[20] = 0;
	pkt_fix_l4_csum4(fx_pkt, len);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[40], 129);
	CHECK_EQ(get16(fx_o(0) + 44), 0x1234);
}

/*
 * 3.5.4 / RFC 7915 4.2: an ICMPv4 error about a packet the NAT64 sent
 * reaches the IPv6 host with the packet as the host sent it inside.
 */
TEST(icmp4_error_inner_restored)
{
	struct nat64 *n = std();
	uint8_t orig6[128], sent4[128], icmp[256];
	struct pkt4_spec s = { .src = "203.0.113.99", .dst = P4, .proto = 1 };
	size_t l6 = pkt_udp6(orig6, HA, S1_6, 40005, 53, "data", 4), l4, len;
	struct in6_addr a;

	memcpy(fx_pkt, orig6, l6);
	REQUIRE(fx_6to4(n, l6, 0) == XLAT_OUT);
	l4 = out.pkt[0].len;
	memcpy(sent4, fx_o(0), l4);
	pkt_icmp(icmp, 3, 3, 0, sent4, l4);
	len = pkt_ip4(fx_pkt, &s, icmp, 8 + l4);
	pkt_fix_l4_csum4(fx_pkt, len);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[40], 1); /* destination unreachable */
	CHECK_EQ(fx_o(0)[41], 4); /* port unreachable */
	a = pkt_a6(HA);
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	/* Inner: the host's own addresses, ports, length and checksum. */
	CHECK_MEM(fx_o(0) + 48 + 8, orig6 + 8, 32);
	CHECK_MEM(fx_o(0) + 48 + 40, orig6 + 40, 8);
	CHECK_EQ(nat64_sessions(n), 1);
}

/* 3.5.4: an ICMPv6 error from the host about a packet from the server. */
TEST(icmp6_error_inner_mapped)
{
	struct nat64 *n = std();
	uint16_t p4 = fx_udp_map(n, HA, 40006, S1_6, 0);
	uint8_t orig4[128], got6[128], icmp[256];
	struct pkt6_spec s = { .src = HA, .dst = S1_6, .nexthdr = 58 };
	size_t l4 = pkt_udp4(orig4, S1, P4, 53, p4, "resp", 4), l6, len;

	memcpy(fx_pkt, orig4, l4);
	REQUIRE(fx_4to6(n, l4, 0) == XLAT_OUT);
	l6 = out.pkt[0].len;
	memcpy(got6, fx_o(0), l6);
	pkt_icmp(icmp, 1, 4, 0, got6, l6);
	len = pkt_ip6(fx_pkt, &s, icmp, 8 + l6);
	pkt_fix_l4_csum6(fx_pkt, len);
	CHECK_EQ(fx_6to4(n, len, 1), XLAT_OUT);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_src4().s_addr, pkt_a4(P4).s_addr);
	CHECK_EQ(fx_o(0)[20], 3);
	CHECK_EQ(fx_o(0)[21], 3);
	/* Inner: the server's datagram as it sent it (addresses, UDP). */
	CHECK_MEM(fx_o(0) + 28 + 12, orig4 + 12, 8);
	CHECK_MEM(fx_o(0) + 28 + 20, orig4 + 20, 8);
}

/* An ICMP error with no mapping behind it goes nowhere. */
TEST(icmp_error_without_mapping)
{
	struct nat64 *n = std();
	uint8_t inner[64], icmp[128];
	struct pkt4_spec s = { .src = S1, .dst = P4, .proto = 1 };
	size_t li = pkt_udp4(inner, P4, S1, 5555, 53, "z", 1), len;

	pkt_icmp(icmp, 3, 3, 0, inner, li);
	len = pkt_ip4(fx_pkt, &s, icmp, 8 + li);
	pkt_fix_l4_csum4(fx_pkt, len);
	CHECK_EQ(fx_4to6(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

/* 3.8: from one IPv6 host to another's pool4 transport address. */
TEST(hairpinning)
{
	struct nat64 *n = std();
	uint16_t pb = fx_udp_map(n, HB, 40007, S1_6, 0), pa;
	size_t len;
	struct in6_addr a;

	REQUIRE(pb);
	len = pkt_udp6(fx_pkt, HA, P4_6, 41000, pb, "hi B", 4);
	CHECK_EQ(fx_6to4(n, len, 1), XLAT_OUT);
	REQUIRE(out.family == AF_INET6);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	a = pkt_a6(HB);
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	CHECK_EQ(get16(fx_o(0) + 42), 40007);
	a = pkt_a6(P4_6);
	CHECK_MEM(fx_o(0) + 8, &a, 16);
	pa = get16(fx_o(0) + 40);
	CHECK(pa != 41000 && pa >= 1024);
	CHECK_EQ(nat64_stats(n)->hairpinned, 1);
	/* B answers A through A's mapping. */
	len = pkt_udp6(fx_pkt, HB, P4_6, 40007, pa, "hi A", 4);
	CHECK_EQ(fx_6to4(n, len, 2), XLAT_OUT);
	REQUIRE(out.family == AF_INET6);
	a = pkt_a6(HA);
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	CHECK_EQ(get16(fx_o(0) + 42), 41000);
}

/* RFC 7915 5.1 through the NAT64: the error goes to the real host. */
TEST(hop_limit_exceeded_answers_host)
{
	struct nat64 *n = std();
	size_t len = pkt_udp6(fx_pkt, HA, S1_6, 40008, 53, "x", 1);
	struct in6_addr a = pkt_a6(HA);

	fx_pkt[7] = 1;
	CHECK_EQ(fx_6to4(n, len, 0), XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_HOP_LIMIT_EXPIRED);
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	CHECK_EQ(fx_o(0)[40], 3);
	CHECK_EQ(nat64_sessions(n), 0);
}

/* Bounded table: the next new flow is refused, old ones keep working. */
TEST(session_table_full)
{
	struct nat64 *n;
	uint16_t p4;
	size_t len;
	struct in6_addr a = pkt_a6(HB);

	fx_cfg(&cfg);
	cfg.max_sessions = 2;
	n = fx_nat(&cfg);
	p4 = fx_udp_map(n, HA, 40010, S1_6, 0);
	CHECK(fx_udp_map(n, HA, 40011, S1_6, 0));
	len = pkt_udp6(fx_pkt, HB, S1_6, 40012, 53, "x", 1);
	CHECK_EQ(fx_6to4(n, len, 0), XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_TABLE_FULL);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	CHECK_EQ(fx_o(0)[40], 1);
	CHECK_EQ(fx_o(0)[41], 3);
	CHECK_EQ(nat64_stats(n)->refused_table_full, 1);
	CHECK_EQ(nat64_sessions(n), 2);
	/* An existing flow, both ways. */
	CHECK_EQ(fx_udp_map(n, HA, 40010, S1_6, 1), p4);
	len = pkt_udp4(fx_pkt, S1, P4, 53, p4, "r", 1);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	/* A new session on an existing mapping is refused too. */
	len = pkt_udp4(fx_pkt, S2, P4, 53, p4, "r", 1);
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_TABLE_FULL);
}

/* One IPv6 host cannot take more than max_per_host sessions. */
TEST(per_host_limit)
{
	struct nat64 *n;

	fx_cfg(&cfg);
	cfg.max_per_host = 2;
	n = fx_nat(&cfg);
	CHECK(fx_udp_map(n, HA, 1111, S1_6, 0));
	CHECK(fx_udp_map(n, HA, 1111, S2_6, 0));
	CHECK(!fx_udp_map(n, HA, 1112, S1_6, 0));
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_HOST_LIMIT);
	CHECK(fx_udp_map(n, HB, 1111, S1_6, 0));
	CHECK_EQ(nat64_stats(n)->refused_host_limit, 1);
}

/* 3.5.1.1: no pool4 port left: refused with Address Unreachable. */
TEST(pool4_exhausted)
{
	struct nat64 *n;

	fx_cfg(&cfg);
	cfg.pool4[1].lo = 2000;
	cfg.pool4[1].hi = 2001;
	n = fx_nat(&cfg);
	CHECK_EQ(fx_udp_map(n, HA, 3000, S1_6, 0), 2000);
	CHECK_EQ(fx_udp_map(n, HB, 3001, S1_6, 0), 2001);
	/* Both ports taken: the next host gets none. */
	CHECK_EQ(fx_udp_map(n, "2001:db8:1::c", 3002, S1_6, 0), 0);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_POOL4_EXHAUSTED);
	CHECK_EQ(nat64_stats(n)->refused_pool4, 1);
	CHECK_EQ(nat64_bibs(n), 2);
}

/* Static BIB: an IPv6 server reachable from IPv4. */
TEST(static_bib_inbound)
{
	struct nat64 *n;
	struct nat64_static *st;
	struct in6_addr a = pkt_a6("2001:db8:1::80");

	fx_cfg(&cfg);
	cfg.filter = NAT64_FILTER_AD; /* statics are reachable anyway */
	st = &cfg.statics[cfg.n_static++];
	st->proto = NAT64_TCP;
	st->a6 = a;
	st->p6 = 8080;
	st->a4 = pkt_a4(P4);
	st->p4 = 80;
	n = fx_nat(&cfg);
	REQUIRE(n);
	CHECK_EQ(nat64_bibs(n), 1);
	CHECK_EQ(fx_4to6(n, fx_tcp4(S1, P4, 33000, 80, TCP_SYN), 0), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &a, 16);
	CHECK_EQ(get16(fx_o(0) + 42), 8080);
	/* The server's SYN-ACK leaves through the same mapping. */
	CHECK_EQ(fx_6to4(n, fx_tcp6("2001:db8:1::80", S1_6, 8080, 33000,
				    TCP_SYN | TCP_ACK), 1),
		 XLAT_OUT);
	CHECK_EQ(get16(fx_o(0) + 20), 80);
	CHECK_EQ(fx_src4().s_addr, pkt_a4(P4).s_addr);
}

/* RFC 6052 3.1 for the IPv4 peers when pool6 is the well-known prefix. */
TEST(wkp_nonglobal_peer)
{
	struct nat64 *n;
	size_t len;

	fx_cfg(&cfg);
	cfg.xlat.pool6.addr = pkt_a6("64:ff9b::");
	n = fx_nat(&cfg);
	len = pkt_udp6(fx_pkt, HA, "64:ff9b::c633:6407", 1, 53, "x", 1);
	CHECK_EQ(fx_6to4(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_WKP_NONGLOBAL);
	cfg.wkp_global_only = false;
	n = fx_nat(&cfg);
	len = pkt_udp6(fx_pkt, HA, "64:ff9b::c633:6407", 1, 53, "x", 1);
	CHECK_EQ(fx_6to4(n, len, 0), XLAT_OUT);
}

/* An IPv6 fragment of the transport datagram u: bytes off..off+n. */
static size_t frag6(const char *src, const char *dst, const uint8_t *u,
		    size_t off, size_t n, bool more)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = 44 };
	uint8_t pl[2048];

	pl[0] = 17;
	pl[1] = 0;
	put16(pl + 2, (uint16_t)(off | more));
	put32(pl + 4, 0x1234567);
	memcpy(pl + 8, u + off, n);
	return pkt_ip6(fx_pkt, &s, pl, 8 + n);
}

static size_t frag4(const char *src, const char *dst, const uint8_t *u,
		    size_t off, size_t n, bool more)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = 17,
			       .id = 0x4321, .mf = more,
			       .frag_off = (uint16_t)(off / 8) };

	return pkt_ip4(fx_pkt, &s, u + off, n);
}

/* 3.4: fragments after the first take the first one's mapping. */
TEST(fragments_6to4)
{
	struct nat64 *n = std();
	static uint8_t whole[2100], data[2000], re[2100];
	size_t ul;
	struct in_addr p4 = pkt_a4(P4), s1 = pkt_a4(S1);
	uint8_t *u = whole + 40;
	uint32_t sum;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13);
	ul = pkt_udp6(whole, HA, S1_6, 40030, 53, data, sizeof(data)) - 40;
	CHECK_EQ(fx_6to4(n, frag6(HA, S1_6, u, 0, 1232, true), 0), XLAT_OUT);
	REQUIRE(out.n == 1);
	CHECK_EQ(fx_src4().s_addr, p4.s_addr);
	CHECK_EQ(get16(fx_o(0) + 6), 0x2000); /* MF, offset 0 */
	memcpy(re, fx_o(0) + 20, 1232);
	CHECK_EQ(fx_6to4(n, frag6(HA, S1_6, u, 1232, ul - 1232, false), 1),
		 XLAT_OUT);
	CHECK_EQ(fx_src4().s_addr, p4.s_addr);
	CHECK_EQ(get16(fx_o(0) + 6), 1232 / 8);
	CHECK_EQ(out.pkt[0].len, 20 + ul - 1232);
	memcpy(re + 1232, fx_o(0) + 20, ul - 1232);
	sum = csum_pseudo4(&p4, &s1, 17, (uint16_t)ul);
	CHECK_EQ(csum_fold(csum_add_buf(sum, re, ul)), 0xffff);
	CHECK_EQ(get16(re + 2), 53);
	CHECK_EQ(nat64_sessions(n), 1);
}

TEST(fragments_4to6)
{
	struct nat64 *n = std();
	static uint8_t whole[2100], data[2000], re[2100];
	uint16_t p4 = fx_udp_map(n, HA, 40031, S1_6, 0);
	struct in6_addr a = pkt_a6(HA), s6 = pkt_a6(S1_6);
	size_t ul, rl = 0;
	uint8_t *u = whole + 20;
	uint32_t sum;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 5);
	ul = pkt_udp4(whole, S1, P4, 53, p4, data, sizeof(data)) - 20;
	CHECK_EQ(fx_4to6(n, frag4(S1, P4, u, 0, 1200, true), 1), XLAT_OUT);
	for (unsigned int i = 0; i < out.n; i++) {
		CHECK_MEM(fx_o(i) + 24, &a, 16);
		memcpy(re + rl, fx_o(i) + 48, out.pkt[i].len - 48);
		rl += out.pkt[i].len - 48;
	}
	CHECK_EQ(fx_4to6(n, frag4(S1, P4, u, 1200, ul - 1200, false), 2),
		 XLAT_OUT);
	for (unsigned int i = 0; i < out.n; i++) {
		CHECK_MEM(fx_o(i) + 24, &a, 16);
		memcpy(re + rl, fx_o(i) + 48, out.pkt[i].len - 48);
		rl += out.pkt[i].len - 48;
	}
	REQUIRE(rl == ul);
	CHECK_EQ(get16(re + 2), 40031);
	sum = csum_pseudo6(&s6, &a, 17, (uint32_t)ul);
	CHECK_EQ(csum_fold(csum_add_buf(sum, re, ul)), 0xffff);
	/* A first fragment to no mapping: dropped like any packet. */
	CHECK_EQ(fx_4to6(n, frag4(S1, P4, u, 0, 16, true), 3), XLAT_OUT);
	u[2] ^= 0x40; /* another destination port */
	CHECK_EQ(fx_4to6(n, frag4(S1, P4, u, 0, 16, true), 3), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

/* A fragment before its first waits for it, then leaves behind it. */
TEST(fragment_held_until_first)
{
	struct nat64 *n = std();
	static uint8_t whole[2100], data[2000], re[2100];
	struct in_addr p4 = pkt_a4(P4), s1 = pkt_a4(S1);
	uint8_t *u = whole + 40;
	size_t ul;
	uint32_t sum;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3);
	ul = pkt_udp6(whole, HA, S1_6, 40040, 53, data, sizeof(data)) - 40;
	CHECK_EQ(fx_6to4(n, frag6(HA, S1_6, u, 1232, ul - 1232, false), 0),
		 XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FRAG_HELD);
	CHECK_EQ(fx_6to4(n, frag6(HA, S1_6, u, 0, 1232, true), 100), XLAT_OUT);
	REQUIRE(out.n == 2);
	CHECK_EQ(get16(fx_o(0) + 6), 0x2000);
	CHECK_EQ(get16(fx_o(1) + 6), 1232 / 8);
	CHECK_EQ(get16(fx_o(0) + 4), get16(fx_o(1) + 4)); /* one datagram */
	for (unsigned int i = 0; i < 2; i++) {
		CHECK_OK(pkt_check4(fx_o(i), out.pkt[i].len));
		CHECK_MEM(fx_o(i) + 12, &p4, 4);
	}
	memcpy(re, fx_o(0) + 20, 1232);
	memcpy(re + 1232, fx_o(1) + 20, ul - 1232);
	sum = csum_pseudo4(&p4, &s1, 17, (uint16_t)ul);
	CHECK_EQ(csum_fold(csum_add_buf(sum, re, ul)), 0xffff);
	/* Held too long (another datagram: another destination): the first
	 * comes alone. */
	ul = pkt_udp6(whole, HA, S2_6, 40041, 53, data, sizeof(data)) - 40;
	CHECK_EQ(fx_6to4(n, frag6(HA, S2_6, u, 1232, ul - 1232, false), 1000),
		 XLAT_DROP);
	CHECK_EQ(fx_6to4(n, frag6(HA, S2_6, u, 0, 1232, true), 1000 + 3 * SEC),
		 XLAT_OUT);
	CHECK_EQ(out.n, 1);
}

/* 3.4: the interval fragments may take is configurable (FRAGMENT_MIN,
 * 2 s, at least): with 5 s, a fragment 3 s ahead of its first waits. */
TEST(s3_4_fragment_timeout_configurable)
{
	struct nat64 *n;
	static uint8_t whole[2100], data[2000];
	uint8_t *u = whole + 40;
	size_t ul;

	fx_cfg(&cfg);
	cfg.frag_ms = 5 * SEC;
	n = fx_nat(&cfg);
	REQUIRE(n);
	ul = pkt_udp6(whole, HA, S2_6, 40041, 53, data, sizeof(data)) - 40;
	CHECK_EQ(fx_6to4(n, frag6(HA, S2_6, u, 1232, ul - 1232, false), 1000),
		 XLAT_DROP);
	CHECK_EQ(fx_6to4(n, frag6(HA, S2_6, u, 0, 1232, true), 1000 + 3 * SEC),
		 XLAT_OUT);
	CHECK_EQ(out.n, 2);
	/* Below FRAGMENT_MIN the configuration is refused. */
	cfg.frag_ms = 1999;
	CHECK(nat64_cfg_validate(&cfg, NULL, 0) != 0);
}

TEST(fragment_held_4to6)
{
	struct nat64 *n = std();
	static uint8_t whole[2100], data[2000];
	uint16_t p4 = fx_udp_map(n, HA, 40042, S1_6, 0);
	struct in6_addr a = pkt_a6(HA);
	uint8_t *u = whole + 20;
	size_t ul, total = 0;

	ul = pkt_udp4(whole, S1, P4, 53, p4, data, sizeof(data)) - 20;
	CHECK_EQ(fx_4to6(n, frag4(S1, P4, u, 1200, ul - 1200, false), 1),
		 XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FRAG_HELD);
	CHECK_EQ(fx_4to6(n, frag4(S1, P4, u, 0, 1200, true), 2), XLAT_OUT);
	REQUIRE(out.n >= 2);
	for (unsigned int i = 0; i < out.n; i++) {
		CHECK_MEM(fx_o(i) + 24, &a, 16);
		total += out.pkt[i].len - 48;
	}
	CHECK_EQ(total, ul);
}

/* A big DF=0 datagram is fragmented for IPv6: every piece to the host,
 * and the checksum over the reassembled datagram still right. */
TEST(fragmented_output_rewritten)
{
	struct nat64 *n = std();
	static uint8_t data[3000], re[3100];
	uint16_t p4 = fx_udp_map(n, HA, 40020, S1_6, 0);
	size_t len, rl = 0;
	struct in6_addr a = pkt_a6(HA), s6 = pkt_a6(S1_6);
	uint32_t sum;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	len = pkt_udp4(fx_pkt, S1, P4, 53, p4, data, sizeof(data));
	CHECK_EQ(fx_4to6(n, len, 1), XLAT_OUT);
	REQUIRE(out.n >= 3);
	for (unsigned int i = 0; i < out.n; i++) {
		uint8_t *p = fx_o(i);
		size_t pl = out.pkt[i].len - 48;

		CHECK_MEM(p + 24, &a, 16);
		CHECK_EQ(p[6], 44);
		REQUIRE(rl + pl <= sizeof(re));
		memcpy(re + rl, p + 48, pl);
		rl += pl;
	}
	REQUIRE(rl == 8 + sizeof(data));
	CHECK_EQ(get16(re + 2), 40020);
	sum = csum_pseudo6(&s6, &a, 17, (uint32_t)rl);
	CHECK_EQ(csum_fold(csum_add_buf(sum, re, rl)), 0xffff);
}

/* Packets the NAT64 does not own are not translated statelessly. */
TEST(source_inside_pool6_refused)
{
	struct nat64 *n = std();
	size_t len = pkt_udp6(fx_pkt, S2_6, S1_6, 1, 53, "x", 1);

	CHECK_EQ(fx_6to4(n, len, 0), XLAT_DROP);
	CHECK_EQ(nat64_sessions(n), 0);
	len = pkt_udp6(fx_pkt, HA, "2001:db8:99::1", 1, 53, "x", 1);
	CHECK_EQ(fx_6to4(n, len, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_DST_UNTRANSLATABLE);
}

int main(void)
{
	int r = tap_run();

	free(fx_mem);
	return r;
}
