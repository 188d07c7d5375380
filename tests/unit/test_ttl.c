// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: TTL / hop limit through the engine (RFC 7915 4.1, 5.1) with
 * xlat_cfg.ttl_kernel_hops.  0: the engine alone is the translator, one
 * decrement with decrement_ttl (Time Exceeded at 1), none without.  2:
 * the kernel forwards into a TUN and out of it (a decrement each), so the
 * engine gives them back: +1 with decrement_ttl, +2 without, never above
 * 255, and never Time Exceeded (the kernel answered TTL 1 on the way in).
 * ICMP errors: the outer header steps like any packet, the quoted one is
 * left alone.  The RFC 6146 engine follows the same rule.
 *
 * SIIT addresses: pool6 2001:db8:64::/96 on both sides, 198.51.100.7 =
 * 2001:db8:64::c633:6407 and 203.0.113.5 = 2001:db8:64::cb00:7105.
 */
#define TAP_MAIN
#include "tap.h"

#include "rfc6146_fixture.h"

#include <stdio.h>

#define TE (-1) /* Time Exceeded */

struct ttl_case {
	uint8_t hops;
	bool dec;
	uint8_t in;
	int want; /* TTL / hop limit out, or TE */
};

static const struct ttl_case cases[] = {
	{ 0, true, 1, TE },	 { 0, true, 2, 1 },	 { 0, true, 64, 63 },
	{ 0, true, 255, 254 },	 { 0, false, 1, 1 },	 { 0, false, 2, 2 },
	{ 0, false, 64, 64 },	 { 0, false, 255, 255 }, { 2, true, 1, 2 },
	{ 2, true, 2, 3 },	 { 2, true, 64, 65 },	 { 2, true, 255, 255 },
	{ 2, false, 1, 3 },	 { 2, false, 2, 4 },	 { 2, false, 64, 66 },
	{ 2, false, 254, 255 },	 { 2, false, 255, 255 },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void siit_cfg(struct xlat_cfg *c, uint8_t hops, bool dec)
{
	xlat_cfg_init(c);
	c->has_pool6 = true;
	c->pool6.addr = pkt_a6("2001:db8:64::");
	c->pool6.len = 96;
	c->self4 = pkt_a4("192.0.2.254");
	c->self6 = pkt_a6("2001:db8:ffff::1");
	c->decrement_ttl = dec;
	c->ttl_kernel_hops = hops;
}

static size_t udp4_ttl(uint8_t *b, const char *src, const char *dst,
		       uint16_t sp, uint16_t dp, uint8_t ttl)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = 17, .ttl = ttl };
	uint8_t l4[16];
	size_t n = pkt_ip4(b, &s, l4, pkt_udp(l4, sp, dp, "ttl!", 4));

	pkt_fix_l4_csum4(b, n);
	return n;
}

static size_t udp6_hlim(uint8_t *b, const char *src, const char *dst,
			uint16_t sp, uint16_t dp, uint8_t hlim)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = 17,
			       .hlim = hlim };
	uint8_t l4[16];
	size_t n = pkt_ip6(b, &s, l4, pkt_udp(l4, sp, dp, "ttl!", 4));

	pkt_fix_l4_csum6(b, n);
	return n;
}

/* The verdict and header of one direction against c->want. */
static void check_case(const struct ttl_case *c, bool v6in,
		       enum xlat_verdict v)
{
	const uint8_t *o = fx_o(0);
	const char *dir = v6in ? "6->4" : "4->6";

	if (c->want == TE) {
		/* In the input's family: ICMPv6 3/0 or ICMPv4 11/0. */
		if (v != XLAT_REPLY || out.n != 1 ||
		    (v6in ? o[40] != 3 : o[20] != 11) ||
		    (v6in ? o[41] : o[21]) != 0) {
			TAP_FAIL("%s hops %u dec %d ttl %u: want Time Exceeded, "
				 "got %s", dir, c->hops, c->dec, c->in,
				 xlat_verdict_name(v));
			return;
		}
		CHECK_OK(pkt_check(o, out.pkt[0].len));
		return;
	}
	if (v != XLAT_OUT || out.n != 1) {
		TAP_FAIL("%s hops %u dec %d ttl %u: %s/%s", dir, c->hops,
			 c->dec, c->in, xlat_verdict_name(v),
			 xlat_drop_name(out.reason));
		return;
	}
	CHECK_OK(pkt_check(o, out.pkt[0].len));
	if ((v6in ? o[8] : o[7]) != c->want)
		TAP_FAIL("%s hops %u dec %d ttl %u: out %u, want %d", dir,
			 c->hops, c->dec, c->in, v6in ? o[8] : o[7], c->want);
}

TEST(siit_6to4_hops_0_and_2)
{
	struct xlat_cfg cfg;
	uint8_t in[128];
	size_t n;

	for (size_t i = 0; i < N_CASES; i++) {
		siit_cfg(&cfg, cases[i].hops, cases[i].dec);
		n = udp6_hlim(in, S2_6, S1_6, 4000, 53, cases[i].in);
		fx_out();
		check_case(&cases[i], true, xlat_6to4(&cfg, in, n, &out));
	}
}

TEST(siit_4to6_hops_0_and_2)
{
	struct xlat_cfg cfg;
	uint8_t in[128];
	size_t n;

	for (size_t i = 0; i < N_CASES; i++) {
		siit_cfg(&cfg, cases[i].hops, cases[i].dec);
		n = udp4_ttl(in, S1, S2, 53, 4000, cases[i].in);
		fx_out();
		check_case(&cases[i], false, xlat_4to6(&cfg, in, n, &out));
	}
}

/* An ICMPv4 Port Unreachable quoting a UDP datagram with TTL 7: the
 * outer header steps, the quoted one keeps 7 (as hop limit). */
TEST(icmp4_error_outer_steps_inner_untouched)
{
	static const uint8_t outer[] = { 1, 2, 64, 255 };
	struct xlat_cfg cfg;
	uint8_t inner[128], in[256];
	struct pkt4_spec s = { .src = S1, .dst = S2, .proto = 1 };
	size_t ni, n;

	ni = udp4_ttl(inner, S2, S1, 4000, 53, 7);
	for (unsigned int hops = 0; hops <= 2; hops += 2) {
		for (size_t i = 0; i < sizeof(outer); i++) {
			uint8_t l4[160];
			int want;

			siit_cfg(&cfg, (uint8_t)hops, true);
			s.ttl = outer[i];
			n = pkt_ip4(in, &s, l4,
				    pkt_icmp(l4, 3, 3, 0, inner, ni));
			pkt_fix_l4_csum4(in, n);
			fx_out();
			if (hops == 0 && outer[i] == 1) {
				/* Errors are not answered: dropped. */
				CHECK(xlat_4to6(&cfg, in, n, &out) ==
				      XLAT_DROP);
				continue;
			}
			REQUIRE(xlat_4to6(&cfg, in, n, &out) == XLAT_OUT);
			CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
			want = hops ? outer[i] + 1 : outer[i] - 1;
			CHECK_EQ(fx_o(0)[7], want > 255 ? 255 : want);
			CHECK_EQ(fx_o(0)[40], 1); /* Destination Unreachable */
			CHECK_EQ(fx_o(0)[48 + 7], 7); /* inner hop limit */
		}
	}
}

/* An ICMPv6 Port Unreachable quoting a UDP datagram with hop limit 7. */
TEST(icmp6_error_outer_steps_inner_untouched)
{
	static const uint8_t outer[] = { 1, 2, 64, 255 };
	struct xlat_cfg cfg;
	uint8_t inner[128], in[256];
	struct pkt6_spec s = { .src = S2_6, .dst = S1_6, .nexthdr = 58 };
	size_t ni, n;

	ni = udp6_hlim(inner, S1_6, S2_6, 4000, 53, 7);
	for (unsigned int hops = 0; hops <= 2; hops += 2) {
		for (size_t i = 0; i < sizeof(outer); i++) {
			uint8_t l4[160];
			int want;

			siit_cfg(&cfg, (uint8_t)hops, true);
			s.hlim = outer[i];
			n = pkt_ip6(in, &s, l4,
				    pkt_icmp(l4, 1, 4, 0, inner, ni));
			pkt_fix_l4_csum6(in, n);
			fx_out();
			if (hops == 0 && outer[i] == 1) {
				CHECK(xlat_6to4(&cfg, in, n, &out) ==
				      XLAT_DROP);
				continue;
			}
			REQUIRE(xlat_6to4(&cfg, in, n, &out) == XLAT_OUT);
			CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
			want = hops ? outer[i] + 1 : outer[i] - 1;
			CHECK_EQ(fx_o(0)[8], want > 255 ? 255 : want);
			CHECK_EQ(fx_o(0)[20], 3); /* Port Unreachable */
			CHECK_EQ(fx_o(0)[28 + 8], 7); /* inner TTL */
		}
	}
}

/* RFC 6146: the NAT64 engine checks expiry with the same rule before it
 * makes state, and steps the same way. */
TEST(nat64_hops_0_and_2)
{
	struct nat64_cfg nc;
	struct nat64 *nat;
	uint16_t p4;
	size_t n;

	for (unsigned int hops = 0; hops <= 2; hops += 2) {
		fx_cfg(&nc);
		nc.xlat.ttl_kernel_hops = (uint8_t)hops;
		nat = fx_nat(&nc);
		REQUIRE(nat);
		n = udp6_hlim(fx_pkt, HA, S1_6, 5000, 53, 1);
		if (hops == 0) {
			CHECK(fx_6to4(nat, n, SEC) == XLAT_REPLY);
			CHECK_EQ(fx_o(0)[40], 3); /* Time Exceeded */
			CHECK_EQ(nat64_sessions(nat), 0);
		} else {
			REQUIRE(fx_6to4(nat, n, SEC) == XLAT_OUT);
			CHECK_EQ(fx_o(0)[8], 2);
		}
		n = udp6_hlim(fx_pkt, HA, S1_6, 5000, 53, 255);
		REQUIRE(fx_6to4(nat, n, SEC) == XLAT_OUT);
		CHECK_EQ(fx_o(0)[8], hops ? 255 : 254);
		p4 = get16(fx_o(0) + 20);
		n = udp4_ttl(fx_pkt, S1, P4, 53, p4, 64);
		REQUIRE(fx_4to6(nat, n, SEC) == XLAT_OUT);
		CHECK_EQ(fx_o(0)[7], hops ? 65 : 63);
		n = udp4_ttl(fx_pkt, S1, P4, 53, p4, 1);
		if (hops == 0) {
			CHECK(fx_4to6(nat, n, SEC) == XLAT_REPLY);
			CHECK_EQ(fx_o(0)[20], 11); /* Time Exceeded */
		} else {
			REQUIRE(fx_4to6(nat, n, SEC) == XLAT_OUT);
			CHECK_EQ(fx_o(0)[7], 2);
		}
		/* Read without the locks: changed only with new tables. */
		nc.xlat.ttl_kernel_hops = (uint8_t)(2 - hops);
		CHECK_EQ(nat64_reconfigure(nat, &nc), -1);
		nc.xlat.ttl_kernel_hops = (uint8_t)hops;
		CHECK_EQ(nat64_reconfigure(nat, &nc), 0);
	}
}

/* The step itself, as data paths (the eBPF program) must copy it. */
TEST(step_helpers)
{
	struct xlat_cfg c;

	siit_cfg(&c, 0, true);
	CHECK_EQ(xlat_ttl_step(&c), 1);
	CHECK(xlat_ttl_expires(&c, 0));
	CHECK(xlat_ttl_expires(&c, 1));
	CHECK(!xlat_ttl_expires(&c, 2));
	siit_cfg(&c, 0, false);
	CHECK_EQ(xlat_ttl_step(&c), 0);
	CHECK(!xlat_ttl_expires(&c, 0));
	CHECK_EQ(xlat_ttl_next(&c, 0), 0);
	siit_cfg(&c, 2, true);
	CHECK_EQ(xlat_ttl_step(&c), -1);
	CHECK(!xlat_ttl_expires(&c, 0));
	CHECK_EQ(xlat_ttl_next(&c, 0), 1);
	siit_cfg(&c, 2, false);
	CHECK_EQ(xlat_ttl_step(&c), -2);
	CHECK_EQ(xlat_ttl_next(&c, 253), 255);
	CHECK_EQ(xlat_ttl_next(&c, 254), 255);
}

int main(void)
{
	return tap_run();
}
