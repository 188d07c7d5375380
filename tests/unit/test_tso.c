// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: software TSO of TCP/IPv4 super-packets (datapath/vnet.h),
 * checked against what the kernel's tcp_gso_segment() produces: every
 * segment a valid packet (pkt_check4: IPv4 header and TCP checksums),
 * gso_size payload bytes but the last, sequence numbers and IPv4 IDs
 * counting up, CWR in the first segment only, FIN and PSH in the last
 * only, the payload intact in order.
 */
#define TAP_MAIN
#include "tap.h"

#include "datapath/vnet.h"
#include "engine/checksum.h"
#include "pkt.h"

#include <string.h>

#define SRC "192.0.0.4"
#define DST "198.51.100.2"

static uint8_t in[70000], l4[70000], data[66000], seg[2000], got[66000];

/* A super-packet of dlen payload bytes; the checksum field holds the
 * partial (pseudo-header) sum, as the kernel hands it over. */
static size_t super4(size_t dlen, uint8_t flags, uint16_t id)
{
	struct pkt4_spec s = { .src = SRC, .dst = DST, .proto = 6, .df = true,
			       .id = id };
	struct in_addr a = pkt_a4(SRC), b = pkt_a4(DST);
	size_t n, len;

	for (size_t i = 0; i < dlen; i++)
		data[i] = (uint8_t)(i * 13 + 5);
	n = pkt_tcp(l4, 40000, 443, 0xfffff000u, flags, data, dlen);
	len = pkt_ip4(in, &s, l4, n);
	put16(in + 20 + 16, csum_fold(csum_pseudo4(&a, &b, 6, (uint16_t)n)));
	return len;
}

TEST(segments_like_the_kernel)
{
	const unsigned int mss = 1432, dlen = 5000;
	size_t len = super4(dlen, 0x10 | 0x80 | 0x08 | 0x01, 0xfffe);
	struct tso4 t;
	unsigned int off = 0, i = 0;
	int n;

	REQUIRE(tso4_init(&t, in, len, mss) == 0);
	while ((n = tso4_next(&t, seg, sizeof(seg))) > 0) {
		unsigned int pl = (unsigned int)n - 40;
		bool last = off + pl == dlen;

		CHECK_OK(pkt_check4(seg, (size_t)n));
		CHECK_EQ(pl, last ? dlen - 3 * mss : mss);
		CHECK_EQ(get16(seg + 2), (unsigned int)n);
		CHECK_EQ(get16(seg + 4), (uint16_t)(0xfffe + i));
		CHECK_EQ(get32(seg + 24), 0xfffff000u + off); /* wraps */
		CHECK_EQ(seg[33] & 0x80, i == 0 ? 0x80 : 0);
		CHECK_EQ(seg[33] & 0x09, last ? 0x09 : 0);
		CHECK_EQ(seg[33] & 0x10, 0x10);
		CHECK(seg[6] & 0x40); /* DF kept */
		memcpy(got + off, seg + 40, pl);
		off += pl;
		i++;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(i, 4u);
	CHECK_EQ(off, dlen);
	CHECK_MEM(got, data, dlen);
	CHECK_EQ(tso4_next(&t, seg, sizeof(seg)), 0);
}

/* A payload that is a multiple of gso_size: no empty last segment. */
TEST(exact_multiple)
{
	size_t len = super4(3 * 1000, 0x10, 1);
	struct tso4 t;
	int n, k = 0;

	REQUIRE(tso4_init(&t, in, len, 1000) == 0);
	while ((n = tso4_next(&t, seg, sizeof(seg))) > 0) {
		CHECK_EQ(n, 1040);
		k++;
	}
	CHECK_EQ(k, 3);
}

/* TCP options are copied into every segment. */
TEST(options_in_every_segment)
{
	static const uint8_t ts[12] = { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct pkt4_spec s = { .src = SRC, .dst = DST, .proto = 6 };
	struct tso4 t;
	size_t n, len;
	int k = 0, r;

	/* A 32-byte header: 20 + 12 bytes of options. */
	pkt_tcp(l4, 1, 2, 100, 0x10, data, 0);
	memcpy(l4 + 20, ts, sizeof(ts));
	l4[12] = 8 << 4;
	memset(l4 + 32, 0x5a, 2500);
	n = 32 + 2500;
	len = pkt_ip4(in, &s, l4, n);
	pkt_fix_l4_csum4(in, len);
	REQUIRE(tso4_init(&t, in, len, 1200) == 0);
	while ((r = tso4_next(&t, seg, sizeof(seg))) > 0) {
		CHECK_OK(pkt_check4(seg, (size_t)r));
		CHECK_MEM(seg + 40, ts, sizeof(ts));
		CHECK_EQ(seg[32] >> 4, 8);
		k++;
	}
	CHECK_EQ(k, 3);
}

TEST(refuses_what_is_not_tcp4)
{
	struct tso4 t;
	size_t len = pkt_udp4(in, SRC, DST, 1, 2, data, 3000);

	CHECK_EQ(tso4_init(&t, in, len, 1000), -1);
	len = super4(3000, 0x10, 1);
	CHECK_EQ(tso4_init(&t, in, len, 0), -1);       /* no gso_size */
	CHECK_EQ(tso4_init(&t, in, 30, 1000), -1);     /* truncated */
	in[6] |= 0x20;                                 /* MF: a fragment */
	CHECK_EQ(tso4_init(&t, in, len, 1000), -1);
}

/* A segment that does not fit the caller's buffer is refused. */
TEST(small_buffer)
{
	size_t len = super4(3000, 0x10, 1);
	struct tso4 t;

	REQUIRE(tso4_init(&t, in, len, 1400) == 0);
	CHECK_EQ(tso4_next(&t, seg, 1000), -1);
}

int main(void)
{
	return tap_run();
}
