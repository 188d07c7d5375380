// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the NAT64 with TUN offload flags (nat64_6to4_flags(),
 * nat64_4to6_flags()).  A super-packet's TCP/UDP checksum field holds the
 * folded pseudo-header sum (CHECKSUM_PARTIAL); after the NAT64 rewrote
 * the IPv6 end (address and port) and the engine changed the family, the
 * field must be exactly the new pseudo-header's sum: the kernel adds the
 * segment's bytes, the rewritten port among them, when it completes it.
 * The expected fields come from RFC 793 / RFC 8200 8.1 here, and the
 * completed packets must pass pkt_check4()/6().
 */
#define TAP_MAIN
#include "tap.h"

#include "rfc6146_fixture.h"

static struct nat64_cfg cfg;
static uint8_t l4[70000], data[66000];

#define PARTIAL (XLAT_F_GSO | XLAT_F_CSUM_PARTIAL)

static struct nat64 *std(void)
{
	fx_cfg(&cfg);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	return fx_nat(&cfg);
}

static size_t csum_field(uint8_t proto)
{
	return proto == 6 ? 16 : 6;
}

static size_t l4_make(uint8_t proto, uint16_t sp, uint16_t dp, size_t dlen)
{
	return proto == 6 ? pkt_tcp(l4, sp, dp, 1, 0x10, data, dlen)
			  : pkt_udp(l4, sp, dp, data, dlen);
}

/* IPv6 packet src -> dst whose checksum field holds the partial sum. */
static size_t partial6(const char *src, const char *dst, uint8_t proto,
		       uint16_t sp, uint16_t dp, size_t dlen)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = proto };
	struct in6_addr a = pkt_a6(src), b = pkt_a6(dst);
	size_t n = l4_make(proto, sp, dp, dlen);
	size_t len = pkt_ip6(fx_pkt, &s, l4, n);

	put16(fx_pkt + 40 + csum_field(proto),
	      csum_fold(csum_pseudo6(&a, &b, proto, (uint32_t)n)));
	return len;
}

static size_t partial4(const char *src, const char *dst, uint8_t proto,
		       uint16_t sp, uint16_t dp, size_t dlen)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = proto,
			       .df = true };
	struct in_addr a = pkt_a4(src), b = pkt_a4(dst);
	size_t n = l4_make(proto, sp, dp, dlen);
	size_t len = pkt_ip4(fx_pkt, &s, l4, n);

	put16(fx_pkt + 20 + csum_field(proto),
	      csum_fold(csum_pseudo4(&a, &b, proto, (uint16_t)n)));
	return len;
}

/* What the kernel does with CHECKSUM_PARTIAL before the wire. */
static void complete(uint8_t *p, size_t len, size_t l4off, uint8_t proto)
{
	uint16_t c = csum_finish(csum_add_buf(0, p + l4off, len - l4off));

	if (proto == 17 && c == 0)
		c = 0xffff;
	put16(p + l4off + csum_field(proto), c);
}

/* One flow both ways: HA:5555 -> S1:80 as a super-packet, the answer
 * S1:80 -> pool4 back the same way. */
static void both_ways(uint8_t proto, size_t dlen)
{
	struct nat64 *n = std();
	struct in_addr p4a = pkt_a4(P4), s1 = pkt_a4(S1);
	struct in6_addr s16 = pkt_a6(S1_6), ha = pkt_a6(HA);
	uint16_t p4;
	size_t len, l4len;
	uint8_t *o;
	char a4[INET_ADDRSTRLEN];

	REQUIRE(n);
	if (proto == 6) /* a SYN opens the session */
		REQUIRE(fx_6to4(n, fx_tcp6(HA, S1_6, 5555, 80, TCP_SYN), 0) ==
			XLAT_OUT);
	len = partial6(HA, S1_6, proto, 5555, 80, dlen);
	fx_out();
	REQUIRE(nat64_6to4_flags(n, fx_pkt, len, &out, 1, PARTIAL) ==
		XLAT_OUT);
	REQUIRE(out.n == 1);
	o = fx_o(0);
	l4len = out.pkt[0].len - 20;
	CHECK_EQ(l4len, len - 40);
	CHECK_EQ(memcmp(o + 12, &p4a, 4), 0);
	p4 = get16(o + 20);
	CHECK(p4 >= 1024);
	CHECK_EQ(get16(o + 20 + csum_field(proto)),
		 csum_fold(csum_pseudo4(&p4a, &s1, proto, (uint16_t)l4len)));
	complete(o, out.pkt[0].len, 20, proto);
	CHECK_OK(pkt_check4(o, out.pkt[0].len));

	inet_ntop(AF_INET, &p4a, a4, sizeof(a4));
	len = partial4(S1, a4, proto, 80, p4, dlen);
	fx_out();
	REQUIRE(nat64_4to6_flags(n, fx_pkt, len, &out, 2, PARTIAL) ==
		XLAT_OUT);
	REQUIRE(out.n == 1);
	o = fx_o(0);
	l4len = out.pkt[0].len - 40;
	CHECK_EQ(memcmp(o + 24, &ha, 16), 0);
	CHECK_EQ(get16(o + 42), 5555);
	CHECK_EQ(get16(o + 40 + csum_field(proto)),
		 csum_fold(csum_pseudo6(&s16, &ha, proto, (uint32_t)l4len)));
	complete(o, out.pkt[0].len, 40, proto);
	CHECK_OK(pkt_check6(o, out.pkt[0].len));
}

TEST(tcp_super_packet_partial_checksum_both_ways)
{
	both_ways(6, 60000);
}

TEST(udp_partial_checksum_both_ways)
{
	both_ways(17, 1000);
}

/* Without the flag a complete checksum is still rewritten as one. */
TEST(whole_checksum_unchanged_without_flags)
{
	struct nat64 *n = std();
	size_t len;

	REQUIRE(n);
	len = pkt_udp6(fx_pkt, HA, S1_6, 5555, 80, data, 1000);
	fx_out();
	REQUIRE(nat64_6to4_flags(n, fx_pkt, len, &out, 1, 0) == XLAT_OUT);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
}

/* Hairpinning keeps the partial sum right through both translations:
 * HA to HB's static mapping, as a super-packet. */
TEST(hairpin_partial_checksum)
{
	struct nat64_static *st;
	struct in6_addr hb = pkt_a6(HB), src;
	struct nat64 *n;
	uint8_t *o;
	size_t len;

	fx_cfg(&cfg);
	st = &cfg.statics[cfg.n_static++];
	st->proto = NAT64_UDP;
	st->a6 = hb;
	st->p6 = 7000;
	st->a4 = pkt_a4(P4);
	st->p4 = 7000;
	n = fx_nat(&cfg);
	REQUIRE(n);
	len = partial6(HA, P4_6, 17, 5555, 7000, 3000);
	fx_out();
	REQUIRE(nat64_6to4_flags(n, fx_pkt, len, &out, 1, PARTIAL) ==
		XLAT_OUT);
	REQUIRE(out.family == AF_INET6 && out.n == 1);
	o = fx_o(0);
	CHECK_EQ(memcmp(o + 24, &hb, 16), 0);
	CHECK_EQ(get16(o + 42), 7000);
	memcpy(&src, o + 8, 16);
	CHECK_EQ(get16(o + 40 + 6),
		 csum_fold(csum_pseudo6(&src, &hb, 17,
					(uint32_t)(out.pkt[0].len - 40))));
	complete(o, out.pkt[0].len, 40, 17);
	CHECK_OK(pkt_check6(o, out.pkt[0].len));
}

int main(void)
{
	int r = tap_run();

	free(fx_mem);
	return r;
}
