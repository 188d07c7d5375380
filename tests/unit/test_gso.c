// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the engine's offload flags.  XLAT_F_GSO lets a TCP
 * super-packet through in one piece whatever the MTU; with
 * XLAT_F_CSUM_PARTIAL the checksum field holds the folded pseudo-header
 * sum (what the kernel leaves for CHECKSUM_PARTIAL), and the engine must
 * leave there exactly the new pseudo-header's sum.  The expected field is
 * computed here from RFC 8200 8.1 / RFC 793, and completing it as the
 * kernel would must give a packet that pkt_check4()/6() accepts.
 */
#define TAP_MAIN
#include "tap.h"

#include "engine/checksum.h"
#include "engine/xlat.h"
#include "pkt.h"

#include <string.h>
#include <sys/socket.h>

#define H4 "192.0.2.1"
#define H6 "2001:db8:64::c000:201"
#define R4 "198.51.100.2"
#define R6 "2001:db8:64::c633:6402"
#define G6 "2001:db8:1::2"  /* EAM partner of G4 */
#define G4 "192.0.2.2"

static struct xlat_cfg cfg;
static struct xlat_eam eam;
static uint8_t obuf[XLAT_OUT_MIN];
static struct xlat_out out;
static uint8_t in[70000], l4[70000], data[66000];

static void setup(void)
{
	xlat_cfg_init(&cfg);
	cfg.has_pool6 = true;
	cfg.pool6.addr = pkt_a6("2001:db8:64::");
	cfg.pool6.len = 96;
	cfg.self4 = pkt_a4("192.0.2.254");
	eam.p4.addr = pkt_a4(G4);
	eam.p4.len = 32;
	eam.p6.addr = pkt_a6(G6);
	eam.p6.len = 128;
	cfg.eam = &eam;
	cfg.n_eam = 1;
	cfg.decrement_ttl = false;
	memset(&out, 0, sizeof(out));
	out.buf = obuf;
	out.cap = sizeof(obuf);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
}

static size_t l4_csum_off(uint8_t proto)
{
	return proto == 6 ? 16 : 6;
}

/* IPv4 TCP/UDP packet whose checksum field holds the partial sum. */
static size_t partial4(uint8_t proto, size_t dlen, bool df)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = proto, .df = df };
	struct in_addr a = pkt_a4(H4), b = pkt_a4(R4);
	size_t n = proto == 6 ? pkt_tcp(l4, 1234, 80, 1, 0x10, data, dlen) :
				pkt_udp(l4, 1234, 80, data, dlen);
	size_t len = pkt_ip4(in, &s, l4, n);

	put16(in + 20 + l4_csum_off(proto),
	      csum_fold(csum_pseudo4(&a, &b, proto, (uint16_t)n)));
	return len;
}

static size_t partial6(const char *src, const char *dst, uint8_t proto,
		       size_t dlen)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = proto };
	struct in6_addr a = pkt_a6(src), b = pkt_a6(dst);
	size_t n = proto == 6 ? pkt_tcp(l4, 1234, 80, 1, 0x10, data, dlen) :
				pkt_udp(l4, 1234, 80, data, dlen);
	size_t len = pkt_ip6(in, &s, l4, n);

	put16(in + 40 + l4_csum_off(proto),
	      csum_fold(csum_pseudo6(&a, &b, proto, (uint32_t)n)));
	return len;
}

/* What the kernel does with CHECKSUM_PARTIAL before the wire. */
static void complete(uint8_t *p, size_t len, size_t l4off, uint8_t proto)
{
	uint16_t c = csum_finish(csum_add_buf(0, p + l4off, len - l4off));

	if (proto == 17 && c == 0)
		c = 0xffff;
	put16(p + l4off + l4_csum_off(proto), c);
}

static uint16_t want6(const char *src, const char *dst, uint8_t proto,
		      size_t l4len)
{
	struct in6_addr a = pkt_a6(src), b = pkt_a6(dst);

	return csum_fold(csum_pseudo6(&a, &b, proto, (uint32_t)l4len));
}

static uint16_t want4(const char *src, const char *dst, uint8_t proto,
		      size_t l4len)
{
	struct in_addr a = pkt_a4(src), b = pkt_a4(dst);

	return csum_fold(csum_pseudo4(&a, &b, proto, (uint16_t)l4len));
}

TEST(gso_4to6_super_packet_is_one_packet)
{
	size_t len, l4len = 20 + 30000;
	enum xlat_verdict v;
	uint8_t *p;

	setup();
	len = partial4(6, 30000, true);
	/* Without the flag a 30 KB DF packet is Fragmentation Needed (with
	 * a known next-hop MTU; else it would go out whole). */
	cfg.ipv6_mtu = 1500;
	v = xlat_packet_flags(&cfg, in, len, &out, XLAT_F_CSUM_PARTIAL);
	CHECK_EQ(v, XLAT_REPLY);
	CHECK_EQ(out.reason, XLAT_DROP_FRAG_NEEDED);
	v = xlat_packet_flags(&cfg, in, len, &out,
			      XLAT_F_GSO | XLAT_F_CSUM_PARTIAL);
	CHECK_EQ(v, XLAT_OUT);
	CHECK_EQ(out.n, 1u);
	CHECK_EQ(out.family, AF_INET6);
	CHECK_EQ(out.pkt[0].len, 40 + l4len);
	p = xlat_out_data(&out, 0);
	CHECK_EQ(get16(p + 4), l4len);
	CHECK_EQ(p[6], 6);
	CHECK_EQ(get16(p + 40 + 16), want6(H6, R6, 6, l4len));
	CHECK_MEM(p + 40 + 20, data, 30000);
	complete(p, out.pkt[0].len, 40, 6);
	CHECK_OK(pkt_check6(p, out.pkt[0].len));
}

TEST(gso_6to4_super_packet_is_one_df_packet)
{
	size_t len, l4len = 20 + 40000;
	enum xlat_verdict v;
	uint8_t *p;

	setup();
	len = partial6(G6, R6, 6, 40000);
	v = xlat_packet_flags(&cfg, in, len, &out,
			      XLAT_F_GSO | XLAT_F_CSUM_PARTIAL);
	CHECK_EQ(v, XLAT_OUT);
	CHECK_EQ(out.n, 1u);
	CHECK_EQ(out.family, AF_INET);
	p = xlat_out_data(&out, 0);
	CHECK_EQ(out.pkt[0].len, 20 + l4len);
	CHECK_EQ(get16(p + 2), 20 + l4len);
	CHECK(get16(p + 6) & 0x4000);
	CHECK_EQ(get16(p + 20 + 16), want4(G4, R4, 6, l4len));
	complete(p, out.pkt[0].len, 20, 6);
	CHECK_OK(pkt_check4(p, out.pkt[0].len));
}

TEST(partial_udp_both_ways)
{
	size_t len;
	uint8_t *p;

	setup();
	len = partial4(17, 100, false);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out, XLAT_F_CSUM_PARTIAL),
		 XLAT_OUT);
	p = xlat_out_data(&out, 0);
	CHECK_EQ(get16(p + 40 + 6), want6(H6, R6, 17, 108));
	complete(p, out.pkt[0].len, 40, 17);
	CHECK_OK(pkt_check6(p, out.pkt[0].len));

	len = partial6(G6, R6, 17, 100);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out, XLAT_F_CSUM_PARTIAL),
		 XLAT_OUT);
	p = xlat_out_data(&out, 0);
	CHECK_EQ(get16(p + 20 + 6), want4(G4, R4, 17, 108));
	complete(p, out.pkt[0].len, 20, 17);
	CHECK_OK(pkt_check4(p, out.pkt[0].len));
}

/* The complemented (ordinary) update would leave a wrong partial sum. */
TEST(partial_is_not_the_full_checksum_rule)
{
	size_t len;
	uint8_t *p;

	setup();
	len = partial4(6, 10, true);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out, 0), XLAT_OUT);
	p = xlat_out_data(&out, 0);
	CHECK(get16(p + 56) != want6(H6, R6, 6, 30));
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out, XLAT_F_CSUM_PARTIAL),
		 XLAT_OUT);
	CHECK_EQ(get16(p + 56), want6(H6, R6, 6, 30));
}

/* A zero partial field is a sum to finish, not "no checksum". */
TEST(partial_udp6_zero_field_is_not_dropped)
{
	size_t len;

	setup();
	len = partial6(G6, R6, 17, 20);
	put16(in + 46, 0);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_BAD_UDP_CSUM6);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out, XLAT_F_CSUM_PARTIAL),
		 XLAT_OUT);
}

/* Hairpinned (RFC 7757 s4) super-packets keep both flags' meaning. */
TEST(gso_hairpin_6to6)
{
	size_t len, l4len = 20 + 20000;
	uint8_t *p;

	setup();
	/* G6 -> pool6 form of G4: back to G6's own EAM partner address. */
	cfg.eam = &eam;
	len = partial6(R6, "2001:db8:64::c000:202", 6, 20000);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out,
				   XLAT_F_GSO | XLAT_F_CSUM_PARTIAL),
		 XLAT_OUT);
	CHECK_EQ(out.n, 1u);
	CHECK_EQ(out.family, AF_INET6);
	p = xlat_out_data(&out, 0);
	CHECK_EQ(out.pkt[0].len, 40 + l4len);
	CHECK_MEM(p + 24, &eam.p6.addr, 16);
	complete(p, out.pkt[0].len, 40, 6);
	CHECK_OK(pkt_check6(p, out.pkt[0].len));
}

TEST(flags_leave_other_packets_alone)
{
	uint8_t ref[200];
	size_t len;

	setup();
	len = pkt_echo4(in, H4, R4, 1, 2, data, 32);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out, 0), XLAT_OUT);
	memcpy(ref, xlat_out_data(&out, 0), out.pkt[0].len);
	CHECK_EQ(xlat_packet_flags(&cfg, in, len, &out,
				   XLAT_F_GSO | XLAT_F_CSUM_PARTIAL | 0xff),
		 XLAT_OUT);
	CHECK_MEM(xlat_out_data(&out, 0), ref, out.pkt[0].len);
	CHECK_EQ(xlat_packet_flags(&cfg, in, 0, &out, XLAT_F_GSO), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_TRUNCATED);
}

int main(void)
{
	return tap_run();
}
