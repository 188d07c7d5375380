// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 7915 section 4.4: "If the IPv4 packet is discarded, then the
 * translator SHOULD be able to send back an ICMPv4 error message to the
 * original sender of the packet, unless the discarded packet is itself an
 * ICMPv4 error message.  The ICMPv4 message, if sent, has a Type of 3
 * (Destination Unreachable) and a Code of 13 (Communication
 * Administratively Prohibited), unless otherwise specified".  The
 * discards of section 4 that reach this rule: UDP with a zero checksum
 * under the drop policy (4.5), the first fragment of such a datagram
 * (4.5), fragments that cannot be reassembled, and addresses that cannot
 * be translated (4.1).  RFC 1812 4.3.2.7 keeps errors away from ICMP
 * errors, later fragments and non-unicast addresses.
 */
#define TAP_MAIN
#include "xlat_vec.h"

static uint8_t in[2048];

/* UDP from H4 to A4 with a zero checksum (the IPv4 "none"). */
static size_t udp0(uint8_t *b, size_t dlen, bool mf, uint16_t id)
{
	struct pkt4_spec s = { .src = H4, .dst = A4, .proto = 17, .id = id,
			       .mf = mf };
	uint8_t l4[1500], d[1500];

	fill(d, dlen, 3);
	pkt_udp(l4, 1000, 53, d, dlen);
	return pkt_ip4(b, &s, l4, 8 + dlen);
}

TEST(udp_zero_checksum_drop_policy_3_13)
{
	struct xlat_cfg cfg;
	size_t n = udp0(in, 20, false, 0x1111);

	cfg_vec(&cfg);
	cfg.udp0 = XLAT_UDP0_DROP;
	out.next_id = 0x4242;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_UDP_ZERO_CSUM);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 0x4242);
	CHECK_EQ(out.next_id, 0x4243);
	/* The compute policy translates it instead. */
	cfg.udp0 = XLAT_UDP0_COMPUTE;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_OUT);
	CHECK_OK(pkt_check6(opk(0), out.pkt[0].len));
}

/* The first fragment: its checksum cannot be computed by a stateless
 * translator whatever the policy (4.5). */
TEST(udp_zero_checksum_first_fragment_3_13)
{
	struct xlat_cfg cfg;
	size_t n = udp0(in, 24, true, 0x2222); /* 32 bytes: a multiple of 8 */

	cfg_vec(&cfg);
	out.next_id = 7;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_UDP_ZERO_CSUM_FRAG);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 7);
}

TEST(bad_first_fragment_3_13)
{
	struct pkt4_spec s = { .src = H4, .dst = A4, .proto = 6, .mf = true,
			       .id = 9 };
	struct xlat_cfg cfg;
	uint8_t d[64];
	size_t n;

	cfg_vec(&cfg);
	fill(d, sizeof(d), 1);
	n = pkt_ip4(in, &s, d, 27); /* not the last piece, not 8k bytes */
	out.next_id = 100;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 100);
	/* An empty first piece. */
	n = pkt_ip4(in, &s, d, 0);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 101);
}

/* Later pieces are dropped without a word (RFC 1812 4.3.2.7). */
TEST(bad_later_fragment_silent)
{
	struct pkt4_spec s = { .src = H4, .dst = A4, .proto = 6, .mf = true,
			       .frag_off = 3 };
	struct xlat_cfg cfg;
	uint8_t d[64] = { 0 };
	size_t n;

	cfg_vec(&cfg);
	n = pkt_ip4(in, &s, d, 27);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	CHECK_EQ(out.n, 0);
	s.mf = false;
	s.frag_off = 8191; /* 65528 + 16 > 65535 */
	n = pkt_ip4(in, &s, d, 16);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
}

TEST(untranslatable_addresses_3_13)
{
	struct xlat_cfg cfg;
	uint8_t d[8] = "12345678";
	size_t n;

	cfg_vec(&cfg);
	cfg.has_pool6 = false; /* the EAM entry alone: H4 has no IPv6 form */
	n = pkt_udp4(in, H4, A4, 1, 2, d, 8);
	out.next_id = 1;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_SRC_UNTRANSLATABLE);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 1);
	n = pkt_udp4(in, A4, H4, 1, 2, d, 8);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_DST_UNTRANSLATABLE);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 2);
	/* The well-known prefix never carries non-global IPv4 (RFC 6052
	 * 3.1): 192.0.2.0/24 is documentation space. */
	cfg_vec(&cfg);
	cfg.pool6.addr = pkt_a6("64:ff9b::");
	cfg.n_eam = 0;
	n = pkt_udp4(in, H4, "192.0.2.77", 1, 2, d, 8);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_WKP_NONGLOBAL);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 3);
}

/* The packet in error is cut to fit 576 bytes (RFC 1812 4.3.2.3). */
TEST(reply_cut_to_576)
{
	struct xlat_cfg cfg;
	size_t n = udp0(in, 1000, false, 5);

	cfg_vec(&cfg);
	cfg.udp0 = XLAT_UDP0_DROP;
	out.next_id = 0;
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.pkt[0].len, 576);
	CHECK_ICMP4_ERR(3, 13, 0, in, n, 0);
}

/* Never about an ICMP error, never to a non-unicast source, and not at
 * all with icmp_errors off: the discard stays, counted by reason. */
TEST(no_reply_when_not_allowed)
{
	struct xlat_cfg cfg;
	uint8_t inner[64], body[128];
	size_t n, k;

	cfg_vec(&cfg);
	cfg.has_pool6 = false;
	/* An ICMP error about a packet from A4 to H4, sent by H4. */
	k = pkt_udp4(inner, A4, H4, 1, 2, "x", 1);
	n = pkt_icmp(body, 3, 3, 0, inner, k);
	{
		struct pkt4_spec s = { .src = H4, .dst = A4, .proto = 1 };

		n = pkt_ip4(in, &s, body, n);
		pkt_fix_l4_csum4(in, n);
	}
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_SRC_UNTRANSLATABLE);
	/* 0.0.0.0 as the source: nobody to answer. */
	n = pkt_udp4(in, "0.0.0.0", A4, 1, 2, "x", 1);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	cfg_vec(&cfg);
	cfg.udp0 = XLAT_UDP0_DROP;
	cfg.icmp_errors = false;
	n = udp0(in, 8, false, 1);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_UDP_ZERO_CSUM);
	CHECK_EQ(out.n, 0);
}

/* A reply is counted as a reply and under the reason of the discard. */
TEST(reply_accounting)
{
	struct xlat_stats st;
	struct xlat_cfg cfg;
	enum xlat_verdict v;
	size_t n = udp0(in, 8, false, 1);

	memset(&st, 0, sizeof(st));
	cfg_vec(&cfg);
	cfg.udp0 = XLAT_UDP0_DROP;
	v = run_vec(&cfg, in, n);
	xlat_account(&st, XLAT_DIR_4TO6, n, v, &out);
	CHECK_EQ(st.dir[XLAT_DIR_4TO6].replies, 1);
	CHECK_EQ(st.dir[XLAT_DIR_4TO6].drops, 1);
	CHECK_EQ(st.dir[XLAT_DIR_4TO6].drop[XLAT_DROP_UDP_ZERO_CSUM], 1);
	CHECK_EQ(st.dir[XLAT_DIR_4TO6].out_pkts, 0);
}

int main(void)
{
	return tap_run();
}
