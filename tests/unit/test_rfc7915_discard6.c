// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IPv6 packets the translator discards for their headers, and the ICMPv6
 * error each gets (RFC 7915 5.4: "If the IPv6 packet is discarded, then
 * the translator SHOULD be able to send back an ICMPv6 error message to
 * the original sender of the packet, unless the discarded packet is
 * itself an ICMPv6 error message"; Destination Unreachable code 1 unless
 * another rule applies).  The other rules, from RFC 8200:
 *  - 4.5: a fragment with M=1 whose length is not a multiple of 8:
 *    Parameter Problem code 0 pointing to the Payload Length (4);
 *  - 4.5: offset + length past 65535: code 0 pointing to the Fragment
 *    Offset field (Fragment Header + 2);
 *  - 4.5 (RFC 7112): a first fragment without every header through the
 *    upper-layer header: code 3, pointer 0;
 *  - 4.3: a Next Header of 0 anywhere but in the IPv6 header: code 1,
 *    pointing to that Next Header field;
 *  - a chain that runs past the Payload Length: code 0 pointing to it.
 * Headers the translator cannot carry (extension headers in a first
 * fragment's fragmentable part, a second Fragment Header) get the 5.4
 * default.  RFC 4443 2.4 (e): never about an ICMPv6 error, a multicast
 * destination or an unspecified or multicast source.
 */
#define TAP_MAIN
#include "xlat_vec.h"

static uint8_t in[2048], pl[2048];

/* A fragment of a UDP datagram from A6 to H4_6 with dlen data bytes. */
static size_t frag_udp(uint16_t off, bool m, size_t dlen)
{
	size_t k = frag_hdr(pl, 17, off, m, 0x01020304);

	fill(pl + k, dlen, 5);
	return mk6(in, A6, H4_6, 44, 64, pl, k + dlen);
}

TEST(fragment_length_not_multiple_of_8)
{
	struct xlat_cfg cfg;
	size_t n;

	cfg_vec(&cfg);
	n = frag_udp(0, true, 21);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	CHECK_ICMP6_ERR(4, 0, 4, in, n);
	/* A later fragment is answered too: its Next Header (UDP) says it
	 * is no ICMPv6 error. */
	n = frag_udp(100, true, 30);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_ICMP6_ERR(4, 0, 4, in, n);
	/* The last fragment may have any length. */
	n = frag_udp(100, false, 30);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_OUT);
}

TEST(fragment_past_65535)
{
	struct xlat_cfg cfg;
	size_t n;

	cfg_vec(&cfg);
	n = frag_udp(8190, false, 32); /* 65520 + 32 > 65535 */
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	CHECK_ICMP6_ERR(4, 0, 42, in, n);
	/* Behind a destination options header the field moves with it. */
	{
		size_t k = opt_hdr(pl, 44);

		k += frag_hdr(pl + k, 17, 8190, false, 1);
		fill(pl + k, 32, 1);
		n = mk6(in, A6, H4_6, 60, 64, pl, k + 32);
	}
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_ICMP6_ERR(4, 0, 50, in, n);
}

/* RFC 8200 4.5: the first fragment must hold the upper-layer header. */
TEST(first_fragment_without_upper_layer_header)
{
	struct xlat_cfg cfg;
	size_t n, k;

	cfg_vec(&cfg);
	/* 16 bytes of TCP: its header needs 20. */
	k = frag_hdr(pl, 6, 0, true, 5);
	fill(pl + k, 16, 2);
	n = mk6(in, A6, H4_6, 44, 64, pl, k + 16);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
	CHECK_ICMP6_ERR(4, 3, 0, in, n);
	/* A destination options header that runs past the fragment. */
	k = frag_hdr(pl, 60, 0, true, 5);
	k += opt_hdr(pl + k, 17);
	pl[8 + 1] = 3; /* 32 bytes claimed, 8 present */
	n = mk6(in, A6, H4_6, 44, 64, pl, k + 8);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
	CHECK_ICMP6_ERR(4, 3, 0, in, n);
	/* Unfragmented, the same short TCP is only a truncated packet. */
	fill(pl, 16, 2);
	n = mk6(in, A6, H4_6, 6, 64, pl, 16);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
}

TEST(hop_by_hop_not_first)
{
	struct xlat_cfg cfg;
	size_t n, k;

	cfg_vec(&cfg);
	k = opt_hdr(pl, 0); /* destination options naming hop-by-hop */
	k += opt_hdr(pl + k, 17);
	k += pkt_udp(pl + k, 7, 9, "abcd", 4);
	n = mk6(in, A6, H4_6, 60, 64, pl, k);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
	CHECK_ICMP6_ERR(4, 1, 40, in, n);
}

TEST(chain_past_payload_length)
{
	struct xlat_cfg cfg;
	size_t n, k;

	cfg_vec(&cfg);
	k = opt_hdr(pl, 17);
	pl[1] = 5; /* 48 bytes claimed, 16 in the packet */
	fill(pl + k, 8, 0);
	n = mk6(in, A6, H4_6, 60, 64, pl, k + 8);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
	CHECK_ICMP6_ERR(4, 0, 4, in, n);
	/* Not even the first 8 bytes of the header. */
	n = mk6(in, A6, H4_6, 60, 64, pl, 4);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_ICMP6_ERR(4, 0, 4, in, n);
}

/* Legal headers a stateless translator cannot carry: 5.4's default. */
TEST(untranslatable_headers_admin_prohibited)
{
	struct xlat_cfg cfg;
	size_t n, k;

	cfg_vec(&cfg);
	/* Destination options in the fragmentable part of a first
	 * fragment: dropping them would shift every later offset. */
	k = frag_hdr(pl, 60, 0, true, 5);
	k += opt_hdr(pl + k, 17);
	k += pkt_udp(pl + k, 7, 9, "abcdefgh", 8);
	n = mk6(in, A6, H4_6, 44, 64, pl, k);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	CHECK_ICMP6_ERR(1, 1, 0, in, n);
	/* Two Fragment Headers. */
	k = frag_hdr(pl, 44, 0, false, 1);
	k += frag_hdr(pl + k, 17, 0, false, 2);
	k += pkt_udp(pl + k, 7, 9, "abcd", 4);
	n = mk6(in, A6, H4_6, 44, 64, pl, k);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_EXTHDR);
	CHECK_ICMP6_ERR(1, 1, 0, in, n);
	/* In a later fragment nothing tells what follows: silence. */
	k = frag_hdr(pl, 60, 10, true, 5);
	fill(pl + k, 16, 0);
	n = mk6(in, A6, H4_6, 44, 64, pl, k + 16);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
}

/* RFC 4443 2.4 (e), and icmp_errors off. */
TEST(no_error_when_not_allowed)
{
	struct xlat_cfg cfg;
	uint8_t msg[64];
	size_t n, k;

	cfg_vec(&cfg);
	/* A first fragment of an ICMPv6 error (type 1), badly cut. */
	k = frag_hdr(pl, 58, 0, true, 5);
	pkt_icmp(msg, 1, 0, 0, "abcdefghijklm", 13);
	memcpy(pl + k, msg, 21);
	n = mk6(in, A6, H4_6, 44, 64, pl, k + 21);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	/* A later fragment whose Next Header is ICMPv6. */
	k = frag_hdr(pl, 58, 10, true, 5);
	fill(pl + k, 21, 0);
	n = mk6(in, A6, H4_6, 44, 64, pl, k + 21);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	/* Multicast destination, unspecified source. */
	k = frag_hdr(pl, 17, 0, true, 5);
	fill(pl + k, 21, 0);
	n = mk6(in, A6, "ff0e::1", 44, 64, pl, k + 21);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	n = mk6(in, "::", H4_6, 44, 64, pl, k + 21);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	/* Switched off. */
	cfg.icmp_errors = false;
	n = mk6(in, A6, H4_6, 44, 64, pl, k + 21);
	CHECK_EQ(run_vec(&cfg, in, n), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_FRAGMENT);
	CHECK_EQ(out.n, 0);
}

/* The packet in error is cut so that the error fits 1280 bytes. */
TEST(error_cut_to_1280)
{
	struct xlat_cfg cfg;
	size_t n;

	cfg_vec(&cfg);
	n = frag_udp(0, true, 1501);
	REQUIRE(run_vec(&cfg, in, n) == XLAT_REPLY);
	CHECK_EQ(out.pkt[0].len, 1280);
	CHECK_ICMP6_ERR(4, 0, 4, in, n);
}

int main(void)
{
	return tap_run();
}
