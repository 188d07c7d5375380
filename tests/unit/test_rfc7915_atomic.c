// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Atomic fragments (RFC 6946: a Fragment Header with offset 0 and M=0)
 * through RFC 7915 section 5.1.1: "If the IPv6 packet contains a Fragment
 * Header, the header fields are set as above with the following
 * exceptions: Total Length: ... minus 8 for the Fragment Header;
 * Identification: copied from the low-order 16 bits in the Identification
 * field in the Fragment Header; Flags: the More Fragments (MF) flag is
 * copied from the M flag in the Fragment Header.  The Don't Fragment (DF)
 * flag is set to zero, allowing this packet to be fragmented if required
 * by IPv4 routers; Fragment Offset: copied from the Fragment Offset field
 * of the IPv6 Fragment Header."  Section 5.3 translates the packet inside
 * an ICMPv6 error by the same rules, and 5.2 takes 28 rather than 20 off
 * the MTU of a Packet Too Big about a packet with a Fragment Header.
 */
#define TAP_MAIN
#include "xlat_vec.h"

static uint8_t in[4096], pl[4096];

/* Every field of a translated IPv4 header. */
static void check_ip4(int line, const uint8_t *p, uint16_t tot, uint16_t id,
		      uint16_t flags_off, uint8_t ttl, uint8_t proto,
		      const char *src, const char *dst)
{
	if (p[0] != 0x45 || p[1] != 0 || get16(p + 2) != tot)
		TAP_FAIL("line %d: 0x%02x tos %u total %u (want %u)", line,
			 p[0], p[1], get16(p + 2), tot);
	if (get16(p + 4) != id || get16(p + 6) != flags_off)
		TAP_FAIL("line %d: ID 0x%04x flags 0x%04x (want 0x%04x 0x%04x)",
			 line, get16(p + 4), get16(p + 6), id, flags_off);
	if (p[8] != ttl || p[9] != proto)
		TAP_FAIL("line %d: TTL %u protocol %u", line, p[8], p[9]);
	if (csum_fold(csum_add_buf(0, p, 20)) != 0xffff)
		TAP_FAIL("line %d: header checksum", line);
	if (!addr_is(p + 12, AF_INET, src) || !addr_is(p + 16, AF_INET, dst))
		TAP_FAIL("line %d: addresses", line);
}

/* UDP A6 -> H4_6 behind an atomic Fragment Header (and ext before it). */
static size_t atomic_udp(uint8_t *b, size_t dlen, bool dstopts, uint32_t id)
{
	uint8_t d[2048];
	size_t k = 0;

	if (dstopts)
		k = opt_hdr(pl, 44);
	k += frag_hdr(pl + k, 17, 0, false, id);
	fill(d, dlen, 9);
	k += pkt_udp(pl + k, 4000, 53, d, dlen);
	return mk6(b, A6, H4_6, dstopts ? 60 : 44, 64, pl, k);
}

/* The UDP checksum the same datagram has when sent natively in IPv4. */
static uint16_t native_udp4_csum(size_t dlen)
{
	uint8_t b[2100], d[2048];

	fill(d, dlen, 9);
	pkt_udp4(b, A4, H4, 4000, 53, d, dlen);
	return get16(b + 26);
}

TEST(atomic_udp_every_field)
{
	struct xlat_cfg cfg;
	size_t n = atomic_udp(in, 12, false, 0xabcd1234);

	cfg_vec(&cfg);
	out.next_id = 500;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	REQUIRE(out.n == 1 && out.family == AF_INET);
	CHECK_EQ(out.pkt[0].len, 20 + 8 + 12);
	check_ip4(__LINE__, opk(0), 40, 0x1234, 0, 63, 17, A4, H4);
	CHECK_OK(pkt_check4(opk(0), out.pkt[0].len));
	CHECK_EQ(get16(opk(0) + 26), native_udp4_csum(12));
	CHECK_MEM(opk(0) + 20, in + 48, 6);       /* ports, length */
	CHECK_MEM(opk(0) + 28, in + 48 + 8, 12);  /* data */
	CHECK_EQ(out.next_id, 500); /* the generator was not used */
}

/* Without the Fragment Header a packet this size gets DF=1 (5.1); with
 * it, DF=0 whatever the size. */
TEST(atomic_large_keeps_df0)
{
	struct xlat_cfg cfg;
	size_t n;

	cfg_vec(&cfg);
	n = atomic_udp(in, 1400, false, 0x00007777);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	check_ip4(__LINE__, opk(0), 20 + 8 + 1400, 0x7777, 0, 63, 17, A4, H4);
	CHECK_OK(pkt_check4(opk(0), out.pkt[0].len));
	CHECK_EQ(get16(opk(0) + 26), native_udp4_csum(1400));
}

/* Total Length leaves out every extension header, the FH included. */
TEST(atomic_behind_destination_options)
{
	struct xlat_cfg cfg;
	size_t n = atomic_udp(in, 30, true, 0xffff0001);

	cfg_vec(&cfg);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	check_ip4(__LINE__, opk(0), 20 + 8 + 30, 0x0001, 0, 63, 17, A4, H4);
	CHECK_OK(pkt_check4(opk(0), out.pkt[0].len));
	CHECK_MEM(opk(0) + 28, in + 40 + 8 + 8 + 8, 30);
}

/* An atomic ICMPv6 echo is no fragmented ICMP: translated (5.2). */
TEST(atomic_echo_translated)
{
	struct xlat_cfg cfg;
	uint8_t m[64];
	size_t n, k;

	cfg_vec(&cfg);
	k = frag_hdr(pl, 58, 0, false, 0x10002);
	k += pkt_icmp(pl + k, 128, 0, 0x00420007, "ping", 4);
	n = mk6(in, A6, H4_6, 44, 64, pl, k);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	check_ip4(__LINE__, opk(0), 20 + 12, 0x0002, 0, 63, 1, A4, H4);
	CHECK_OK(pkt_check4(opk(0), out.pkt[0].len));
	pkt_icmp(m, 8, 0, 0x00420007, "ping", 4);
	m[2] = m[3] = 0;
	put16(m + 2, csum_finish(csum_add_buf(0, m, 12)));
	CHECK_MEM(opk(0) + 20, m, 12);
}

/* An ICMPv6 error about an atomic fragment: its inner IPv4 header takes
 * the ID from the Fragment Header, DF=0 (5.3). */
static size_t error_about_atomic(uint8_t type, uint8_t code, uint32_t rest,
				 size_t dlen)
{
	uint8_t inner[2048], body[2100];
	size_t k = atomic_udp(inner, dlen, false, 0x5555abcd), m;

	inner[7] = 17; /* the hop limit it had where it died */
	m = pkt_icmp(body, type, code, rest, inner, k);
	return mk6(in, H4_6, A6, 58, 64, body, m);
}

TEST(icmp_error_inner_atomic)
{
	struct xlat_cfg cfg;
	size_t n = error_about_atomic(1, 4, 0, 16);
	const uint8_t *ip;

	cfg_vec(&cfg);
	out.next_id = 9;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	REQUIRE(out.n == 1);
	CHECK_OK(pkt_check4(opk(0), out.pkt[0].len));
	check_ip4(__LINE__, opk(0), 20 + 8 + 20 + 8 + 16, 9, 0, 63, 1, H4, A4);
	CHECK_EQ(opk(0)[20], 3);
	CHECK_EQ(opk(0)[21], 3);
	ip = opk(0) + 28;
	check_ip4(__LINE__, ip, 20 + 8 + 16, 0xabcd, 0, 17, 17, A4, H4);
	CHECK_EQ(get16(ip + 26), native_udp4_csum(16));
	CHECK_MEM(ip + 28, in + 48 + 48 + 8, 16);
}

/* Packet Too Big about an atomic fragment: 28 off the MTU (5.2). */
TEST(packet_too_big_inner_atomic)
{
	struct xlat_cfg cfg;
	size_t n = error_about_atomic(2, 0, 1400, 8);

	cfg_vec(&cfg);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_OK(pkt_check4(opk(0), out.pkt[0].len));
	CHECK_EQ(opk(0)[20], 3);
	CHECK_EQ(opk(0)[21], 4);
	CHECK_EQ(get16(opk(0) + 24), 0);
	CHECK_EQ(get16(opk(0) + 26), 1400 - 28);
	check_ip4(__LINE__, opk(0) + 28, 20 + 8 + 8, 0xabcd, 0, 17, 17, A4,
		  H4);
}

int main(void)
{
	return tap_run();
}
