// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: Internet checksum and RFC 1624 incremental update. */
#define TAP_MAIN
#include "tap.h"

#include "engine/checksum.h"
#include "pkt.h"

#include <arpa/inet.h>

/* RFC 1071 section 3 example: the words 0001 f203 f4f5 f6f7 sum to ddf2. */
TEST(rfc1071_example)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_EQ(csum_fold(csum_add_buf(0, b, sizeof(b))), 0xddf2);
	CHECK_EQ(csum_fold(csum_add_buf(0, b, 7)), 0xddf2 - 0xf7);
}

/* RFC 1624 section 4: HC=0xdd2f, m=0x5555 -> m'=0x3285 gives HC'=0x0000. */
TEST(rfc1624_example)
{
	uint32_t d = csum_sub16(csum_add16(0, 0x3285), 0x5555);

	CHECK_EQ(csum_update(0xdd2f, d), 0x0000);
}

/* A delta of zero (checksum-neutral change) leaves the field untouched. */
TEST(neutral_delta_untouched)
{
	CHECK_EQ(csum_update(0x0000, 0), 0x0000);
	CHECK_EQ(csum_update(0xffff, 0xffff), 0xffff);
	CHECK_EQ(csum_update(0x1234, csum_sub16(0x0064, 0x0064)), 0x1234);
}

/* The plain RFC 1071 definition, a word at a time, as a reference. */
static uint16_t ref_fold(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
		s = (s & 0xffff) + (s >> 16);
	}
	if (len & 1) {
		s += (uint32_t)p[len - 1] << 8;
		s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)s;
}

static uint32_t rng = 0x2545f491;

static uint8_t rnd8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return (uint8_t)rng;
}

/* Every length 0..200, odd ones included, at every alignment 0..7. */
TEST(odd_lengths_and_alignments)
{
	uint8_t b[216];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = rnd8();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 200; len++)
			if (csum_fold(csum_add_buf(0, b + off, len)) !=
			    ref_fold(b + off, len))
				TAP_FAIL("off %zu len %zu", off, len);
	/* An odd tail is the high byte of a word padded with zero. */
	b[0] = 0xab;
	CHECK_EQ(csum_fold(csum_add_buf(0, b, 1)), 0xab00);
	b[1] = 0xcd;
	b[2] = 0xef;
	CHECK_EQ(csum_fold(csum_add_buf(0, b, 3)), 0xabcd + 0xef00 - 0xffff);
	/* A carried-in sum is kept. */
	CHECK_EQ(csum_fold(csum_add_buf(0x1234, b, 0)), 0x1234);
}

/* All-ones data: the sum of 65535 bytes of 0xff must not overflow. */
TEST(large_buffer_no_overflow)
{
	static uint8_t b[65536];

	memset(b, 0xff, sizeof(b));
	CHECK_EQ(csum_fold(csum_add_buf(0, b, sizeof(b))), 0xffff);
	CHECK_EQ(csum_fold(csum_add_buf(0, b, 65535)), 0xff00); /* odd tail */
	CHECK_EQ(csum_fold(csum_add_buf(0xffffffffu, b, 65535)),
		 ref_fold(b, 65535));
}

/*
 * A real IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199, total length
 * 0x73, DF, TTL 64): its checksum field holds 0xb861.
 */
static const uint8_t real_hdr[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

TEST(ipv4_header_known_checksum)
{
	uint8_t h[20];

	CHECK_EQ(ip4_header_csum(real_hdr, 20), 0xb861);
	memcpy(h, real_hdr, 20);
	h[10] = h[11] = 0;
	CHECK_EQ(ip4_header_csum(h, 20), 0xb861);
	/* A receiver's check: the whole header sums to all ones. */
	CHECK_EQ(csum_fold(csum_add_buf(0, real_hdr, 20)), 0xffff);
	/* TTL 64 -> 63: RFC 1624 update agrees with a full recompute. */
	memcpy(h, real_hdr, 20);
	h[8] = 63;
	CHECK_EQ(csum_update(0xb861, csum_sub16(csum_add16(0, 0x3f11), 0x4011)),
		 ip4_header_csum(h, 20));
}

/* A header with options (IHL 6): the option words are summed too. */
TEST(ipv4_header_with_options)
{
	uint8_t h[24];

	memcpy(h, real_hdr, 20);
	h[0] = 0x46;
	h[20] = 0x94; /* router alert */
	h[21] = 0x04;
	h[22] = h[23] = 0;
	put16(h + 10, ip4_header_csum(h, 24));
	CHECK_EQ(csum_fold(csum_add_buf(0, h, 24)), 0xffff);
	CHECK(ip4_header_csum(h, 24) != ip4_header_csum(h, 20));
}

/* Pseudo-header sums equal the sum over a pseudo-header laid out in memory. */
TEST(pseudo_header_ipv4)
{
	struct in_addr s, d;
	uint8_t ph[12];

	s.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
	d.s_addr = htonl(0xc6336402); /* 198.51.100.2 */
	memcpy(ph, &s, 4);
	memcpy(ph + 4, &d, 4);
	ph[8] = 0;
	ph[9] = 17;
	put16(ph + 10, 0x1234);
	CHECK_EQ(csum_fold(csum_pseudo4(&s, &d, 17, 0x1234)),
		 ref_fold(ph, sizeof(ph)));
	CHECK_EQ(csum_fold(csum_pseudo4(&s, &d, 17, 0x1234)),
		 csum_fold(0xc000 + 0x0201 + 0xc633 + 0x6402 + 17 + 0x1234));
	CHECK_EQ(csum_fold(csum_addr4(&s)), 0xc201);
}

static void pseudo6_case(uint32_t len, uint8_t nh)
{
	struct in6_addr s, d;
	uint8_t ph[40];

	for (int i = 0; i < 16; i++) {
		s.s6_addr[i] = rnd8();
		d.s6_addr[i] = rnd8();
	}
	memcpy(ph, &s, 16);
	memcpy(ph + 16, &d, 16);
	put32(ph + 32, len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = nh;
	CHECK_EQ(csum_fold(csum_pseudo6(&s, &d, nh, len)),
		 ref_fold(ph, sizeof(ph)));
}

/* RFC 8200 8.1: a 32-bit upper-layer length, jumbograms included. */
TEST(pseudo_header_ipv6)
{
	pseudo6_case(8, 17);
	pseudo6_case(1500, 6);
	pseudo6_case(0xffff, 58);
	pseudo6_case(0x12345, 17);
	pseudo6_case(0xffffffffu, 58);
}

/* A UDP datagram built by the test library verifies against its pseudo-header. */
TEST(pseudo_header_verifies_udp)
{
	uint8_t pkt[64];
	struct in_addr s, d;
	size_t n = pkt_udp4(pkt, "192.0.2.1", "198.51.100.2", 1234, 53, "abc",
			    3);

	REQUIRE(n == 20 + 8 + 3);
	memcpy(&s, pkt + 12, 4);
	memcpy(&d, pkt + 16, 4);
	CHECK_EQ(csum_fold(csum_add_buf(csum_pseudo4(&s, &d, 17, 11), pkt + 20,
				       11)),
		 0xffff);
}

/* 64:ff9b::/96 is checksum-neutral: the IPv6 form sums like the IPv4 one. */
TEST(wkp_checksum_neutral)
{
	struct in6_addr a6 = { .s6_addr = { 0x00, 0x64, 0xff, 0x9b, [12] = 192,
					    0, 2, 33 } };
	struct in_addr a4;
	uint16_t f6, f4;

	a4.s_addr = htonl(0xc0000221);
	f6 = csum_fold(csum_addr6(&a6));
	f4 = csum_fold(csum_addr4(&a4));
	CHECK_EQ(f6 % 0xffff, f4 % 0xffff);
}

/* RFC 1624 eqn. 3 against a full recompute over random 16-bit changes. */
TEST(incremental_matches_full)
{
	uint8_t b[40];

	for (int iter = 0; iter < 2000; iter++) {
		size_t w = (size_t)(rnd8() % 20) * 2;
		uint16_t old, nw, full, inc;

		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = rnd8();
		old = get16(b + w);
		inc = csum_finish(csum_add_buf(0, b, sizeof(b)));
		nw = iter % 7 ? (uint16_t)(rnd8() << 8 | rnd8()) : old;
		put16(b + w, nw);
		full = csum_finish(csum_add_buf(0, b, sizeof(b)));
		inc = csum_update(inc, csum_sub16(csum_add16(0, nw), old));
		/* 0x0000 and 0xffff are the same number in one's complement. */
		if (full % 0xffff != inc % 0xffff) {
			TAP_FAIL("iter %d: full 0x%04x inc 0x%04x", iter, full,
				 inc);
			return;
		}
	}
}

int main(void)
{
	return tap_run();
}
