// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Next-hop MTUs of the translator (xlat_cfg.ipv4_mtu / ipv6_mtu, the
 * [siit] keys ipv4-mtu / ipv6-mtu).
 *
 * IPv6 -> IPv4: RFC 7915 5.1 sets DF=1 on packets over 1260 bytes without
 * a Fragment Header; such a packet that does not fit the IPv4 next hop is
 * answered as any IPv6 router would (RFC 8200 section 5, RFC 4443 3.2):
 * Packet Too Big, with the MTU the IPv6 packet may have, ipv4-mtu + 20
 * (never below 1280).  A DF=0 packet (a Fragment Header, or 1260 bytes or
 * less) is fragmented to ipv4-mtu (RFC 791).
 * IPv4 -> IPv6: DF=1 packets that do not fit ipv6-mtu get Fragmentation
 * Needed with ipv6-mtu - 20 (RFC 7915 section 4, RFC 1191); DF=0 packets
 * are fragmented to lowest-ipv6-mtu, or to ipv6-mtu when that is smaller.
 */
#define TAP_MAIN
#include "xlat_vec.h"

static uint8_t in[70000], pl[70000], whole[70000];

/* UDP A6 -> H4_6: an IPv6 packet of total bytes, or behind a Fragment
 * Header (fh) with offset off, M m. */
static size_t udp6_total(size_t total, bool fh, uint16_t off, bool m)
{
	static uint8_t d[70000];
	size_t k = 0, dlen = total - 40 - 8 - (fh ? 8 : 0);

	if (fh)
		k = frag_hdr(pl, 17, off, m, 0x0badf00d);
	fill(d, dlen, 4);
	if (fh && off) {
		memcpy(pl + k, d, dlen + 8);
		return mk6(in, A6, H4_6, 44, 64, pl, k + dlen + 8);
	}
	k += pkt_udp(pl + k, 3000, 4000, d, dlen);
	return mk6(in, A6, H4_6, fh ? 44 : 17, 64, pl, k);
}

/*
 * The pieces in out: each an IPv4 header with these fields, at most mtu
 * bytes, offsets following on from off0, the last with MF = last_mf;
 * their payloads together equal ref (the unfragmented translation).
 */
static void check_pieces(int line, uint32_t mtu, uint16_t id, uint16_t off0,
			 bool last_mf, const uint8_t *ref, size_t ref_len)
{
	size_t pos = 0;

	if (out.family != AF_INET || out.n < 2) {
		TAP_FAIL("line %d: family %d n %u", line, out.family, out.n);
		return;
	}
	for (unsigned int i = 0; i < out.n; i++) {
		const uint8_t *p = opk(i);
		size_t len = out.pkt[i].len, n = len - 20;
		bool mf = i + 1 < out.n || last_mf;
		const char *e = pkt_check4(p, len);

		if (e)
			TAP_FAIL("line %d piece %u: %s", line, i, e);
		if (len > mtu || (i + 1 < out.n && n % 8))
			TAP_FAIL("line %d piece %u: %zu bytes", line, i, len);
		if (p[0] != 0x45 || p[1] != ref[1] || get16(p + 2) != len ||
		    get16(p + 4) != id || p[8] != ref[8] || p[9] != ref[9] ||
		    memcmp(p + 12, ref + 12, 8))
			TAP_FAIL("line %d piece %u: header fields", line, i);
		if (get16(p + 6) != ((mf ? 0x2000 : 0) | (off0 + pos / 8)))
			TAP_FAIL("line %d piece %u: flags/offset 0x%04x", line,
				 i, get16(p + 6));
		if (csum_fold(csum_add_buf(0, p, 20)) != 0xffff)
			TAP_FAIL("line %d piece %u: header checksum", line, i);
		if (pos + n > ref_len - 20 || memcmp(p + 20, ref + 20 + pos, n))
			TAP_FAIL("line %d piece %u: payload", line, i);
		pos += n;
	}
	if (pos != ref_len - 20)
		TAP_FAIL("line %d: pieces carry %zu of %zu bytes", line, pos,
			 ref_len - 20);
}

/* Translate with ipv4_mtu unset first: what the pieces must add up to. */
static size_t reference(struct xlat_cfg *cfg, size_t n)
{
	uint32_t m = cfg->ipv4_mtu;
	size_t len;

	cfg->ipv4_mtu = 0;
	if (run_vec(cfg, in, n) != XLAT_OUT || out.n != 1)
		TAP_FAIL("reference translation failed");
	len = out.pkt[0].len;
	memcpy(whole, opk(0), len);
	cfg->ipv4_mtu = m;
	return len;
}

TEST(df1_too_big_packet_too_big)
{
	struct xlat_cfg cfg;
	size_t n = udp6_total(1500, false, 0, false); /* IPv4: 1480, DF=1 */

	cfg_vec(&cfg);
	cfg.ipv4_mtu = 1400;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_PKT_TOO_BIG);
	CHECK_ICMP6_ERR(2, 0, 1420, in, n);
	/* Exactly ipv4-mtu passes, DF=1. */
	n = udp6_total(1420, false, 0, false);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(out.pkt[0].len, 1400);
	CHECK_EQ(get16(opk(0) + 6), 0x4000);
	CHECK_OK(pkt_check4(opk(0), 1400));
	/* Unset: no limit here (the kernel's own check answers). */
	cfg.ipv4_mtu = 0;
	n = udp6_total(1500, false, 0, false);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_OUT);
}

/* PTB never says less than 1280 (RFC 8200 section 5). */
TEST(ptb_floor_1280)
{
	struct xlat_cfg cfg;
	size_t n = udp6_total(1300, false, 0, false); /* IPv4 1280, DF=1 */

	cfg_vec(&cfg);
	cfg.ipv4_mtu = 1000;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_ICMP6_ERR(2, 0, 1280, in, n);
}

/* 1280 bytes of IPv6 leave with DF=0: fragmented to ipv4-mtu. */
TEST(df0_fragmented_to_ipv4_mtu)
{
	struct xlat_cfg cfg;
	size_t n = udp6_total(1280, false, 0, false), ref;

	cfg_vec(&cfg);
	cfg.ipv4_mtu = 1000;
	out.next_id = 0x3000;
	ref = reference(&cfg, n);
	CHECK_EQ(get16(whole + 6), 0); /* DF=0 */
	out.next_id = 0x3000;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 2);
	CHECK_EQ(out.pkt[0].len, 20 + 976);
	CHECK_EQ(out.pkt[1].len, 20 + 264);
	check_pieces(__LINE__, 1000, 0x3000, 0, false, whole, ref);
	CHECK_EQ(out.next_id, 0x3001);
}

/* With a Fragment Header: its ID, offsets on from its own, its M last. */
TEST(fragment_header_fragmented_further)
{
	struct xlat_cfg cfg;
	size_t n, ref;

	cfg_vec(&cfg);
	cfg.ipv4_mtu = 576;
	n = udp6_total(1496, true, 0, true); /* 1448 bytes after the FH */
	ref = reference(&cfg, n);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 3);
	check_pieces(__LINE__, 576, 0xf00d, 0, true, whole, ref);
	n = udp6_total(1200, true, 200, false);
	ref = reference(&cfg, n);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	check_pieces(__LINE__, 576, 0xf00d, 200, false, whole, ref);
	/* A large atomic fragment has DF=0 too: fragmented, not refused. */
	n = udp6_total(1500, true, 0, false);
	ref = reference(&cfg, n);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	check_pieces(__LINE__, 576, 0xf00d, 0, false, whole, ref);
}

/* The smallest IPv4 MTU: 48-byte pieces; more than XLAT_MAX_FRAGS pieces
 * do not fit the output and the packet is dropped. */
TEST(ipv4_mtu_68)
{
	struct xlat_cfg cfg;
	size_t n, ref;

	cfg_vec(&cfg);
	cfg.ipv4_mtu = 68;
	n = udp6_total(40 + 8 + 100, false, 0, false);
	out.next_id = 5;
	ref = reference(&cfg, n);
	out.next_id = 5;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(out.n, 3);
	check_pieces(__LINE__, 68, 5, 0, false, whole, ref);
	n = udp6_total(4000, true, 0, true);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NO_SPACE);
	CHECK_EQ(out.n, 0);
}

/* A GSO super-packet is left to the kernel's segmentation. */
TEST(gso_not_held_to_ipv4_mtu)
{
	struct xlat_cfg cfg;
	uint8_t d[3000];
	size_t n;

	cfg_vec(&cfg);
	cfg.ipv4_mtu = 1400;
	fill(d, sizeof(d), 0);
	n = pkt_tcp(pl, 1, 2, 3, 0x10, d, sizeof(d));
	n = mk6(in, A6, H4_6, 6, 64, pl, n);
	memset(&out, 0, sizeof(out));
	out.buf = obuf;
	out.cap = XLAT_OUT_MIN;
	REQUIRE(xlat_6to4_flags(&cfg, in, n, &out, XLAT_F_GSO) == XLAT_OUT);
	CHECK_EQ(out.n, 1);
	CHECK_EQ(out.pkt[0].len, n - 20);
}

/* IPv4 -> IPv6, DF=1: Fragmentation Needed with ipv6-mtu - 20. */
TEST(ipv6_mtu_frag_needed)
{
	struct pkt4_spec s = { .src = H4, .dst = A4, .proto = 17, .df = true,
			       .id = 0x99 };
	struct xlat_cfg cfg;
	uint8_t l4[1500], d[1500];
	size_t n;

	cfg_vec(&cfg);
	cfg.ipv6_mtu = 1400;
	fill(d, 1372, 0);
	n = pkt_udp(l4, 1, 2, d, 1372);
	n = pkt_ip4(in, &s, l4, n); /* 1400 -> IPv6 1420 */
	pkt_fix_l4_csum4(in, n);
	out.next_id = 77;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_FRAG_NEEDED);
	CHECK_ICMP4_ERR(3, 4, 1380, in, n, 77);
}

/* IPv4 -> IPv6, DF=0: pieces no larger than ipv6-mtu when it is below
 * lowest-ipv6-mtu; the IPv4 ID in every Fragment Header. */
TEST(ipv6_mtu_bounds_df0)
{
	struct pkt4_spec s = { .src = H4, .dst = A4, .proto = 17, .id = 0x4321 };
	struct xlat_cfg cfg;
	uint8_t l4[1500], d[1500];
	size_t n, pos = 0;

	cfg_vec(&cfg);
	cfg.lowest_ipv6_mtu = 1500;
	cfg.ipv6_mtu = 1300;
	fill(d, 1372, 0);
	n = pkt_udp(l4, 1, 2, d, 1372);
	n = pkt_ip4(in, &s, l4, n);
	pkt_fix_l4_csum4(in, n);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	REQUIRE(out.n == 2);
	for (unsigned int i = 0; i < out.n; i++) {
		const uint8_t *p = opk(i);
		size_t plen = get16(p + 4);

		CHECK(out.pkt[i].len <= 1300);
		CHECK_EQ(out.pkt[i].len, 40 + plen);
		CHECK_EQ(p[6], 44);
		CHECK_EQ(p[40], 17);
		CHECK_EQ(get16(p + 42), (uint16_t)(pos | (i == 0 ? 1 : 0)));
		CHECK_EQ(get32(p + 44), 0x4321);
		CHECK_OK(pkt_check6(p, out.pkt[i].len));
		pos += plen - 8;
	}
	CHECK_EQ(pos, 1380);
	CHECK_EQ(out.pkt[0].len, 40 + 8 + 1248);
}

/*
 * Translated PTB / Fragmentation Needed: RFC 7915 5.2 "minimum(advertised
 * MTU-20, MTU_of_IPv4_nexthop, (MTU_of_IPv6_nexthop)-20)" and 4.2
 * "minimum(advertised MTU+20, MTU_of_IPv6_nexthop,
 * (MTU_of_IPv4_nexthop)+20)", over the next hops that are set.
 */
TEST(ptb_6to4_takes_next_hop_mtus)
{
	struct xlat_cfg cfg;
	uint8_t inner[128], body[256];
	size_t k, m, n;

	cfg_vec(&cfg);
	k = pkt_udp6(inner, A6, H4_6, 1, 2, "abcd", 4);
	m = pkt_icmp(body, 2, 0, 1500, inner, k);
	n = mk6(in, H4_6, A6, 58, 64, body, m);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get16(opk(0) + 26), 1480);
	cfg.ipv4_mtu = 1400;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_OK(pkt_check4(opk(0), out.pkt[0].len));
	CHECK_EQ(opk(0)[20], 3);
	CHECK_EQ(opk(0)[21], 4);
	CHECK_EQ(get16(opk(0) + 26), 1400);
	cfg.ipv6_mtu = 1300;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get16(opk(0) + 26), 1280);
}

TEST(frag_needed_4to6_takes_next_hop_mtus)
{
	struct pkt4_spec s = { .src = H4, .dst = A4, .proto = 1 };
	struct xlat_cfg cfg;
	uint8_t inner[128], body[256];
	size_t k, m, n;

	cfg_vec(&cfg);
	k = pkt_udp4(inner, A4, H4, 1, 2, "abcd", 4);
	m = pkt_icmp(body, 3, 4, 1480, inner, k);
	n = pkt_ip4(in, &s, body, m);
	pkt_fix_l4_csum4(in, n);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get32(opk(0) + 44), 1500);
	cfg.ipv6_mtu = 1450;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_OK(pkt_check6(opk(0), out.pkt[0].len));
	CHECK_EQ(opk(0)[40], 2);
	CHECK_EQ(opk(0)[41], 0);
	CHECK_EQ(get32(opk(0) + 44), 1450);
	cfg.ipv4_mtu = 1300;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get32(opk(0) + 44), 1320);
	cfg.ipv4_mtu = 600; /* never below 1280 */
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_EQ(get32(opk(0) + 44), 1280);
}

int main(void)
{
	return tap_run();
}
