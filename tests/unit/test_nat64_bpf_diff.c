// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test of the NAT64 eBPF fast path (src/bpf/nat64.bpf.c)
 * against the RFC 6146 engine: sessions are made by the engine and copied
 * into the program's maps as xlatd does; then every corpus packet goes
 * through the program with BPF_PROG_TEST_RUN and through nat64_6to4() /
 * nat64_4to6().  What the program translates must equal the engine's
 * packet byte for byte (its random IPv4 Identification is given to the
 * engine's counter first); what it passes must come back untouched,
 * counted under the expected reason.  Every value of a two-byte payload
 * word is tried, so every checksum outcome is (0x0000 and 0xffff too).
 *
 * Needs root and BPF: otherwise one "ok # SKIP".  BPF_PROG_TEST_RUN frames
 * packets as Ethernet, so the program runs with l2len 14 here.
 */
#define TAP_MAIN
#include "tap.h"

#include "bpf_run.h"
#include "datapath/nat64_bpf.h"
#include "rfc6146_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define ACT_OK BPF_RUN_ACT_OK
#define ACT_REDIRECT BPF_RUN_ACT_REDIRECT
#define XLATED (-1)
#define NOW 1000000ull

static struct nat64_bpf fp;
static struct nat64 *nat;
static struct nat64_cfg cfg;
static uint16_t up4, tp4, ip4; /* pool4 ports (ICMP: identifier) */
static bool icmp_id0; /* setup(): the ICMP pool4 holds identifier 0 only */

/* delta: how far each counter moved, when counters: read them before and
 * after (not in the exhaustive loops). */
static int run_prog(const uint8_t *pkt, size_t len, struct bpf_run *r,
		    uint64_t *delta, bool counters)
{
	uint64_t before[NAT64_FP__COUNT], after[NAT64_FP__COUNT];

	memset(before, 0, sizeof(before));
	memset(after, 0, sizeof(after));
	if ((counters && nat64_bpf_counters(&fp, before)) ||
	    bpf_run_eth(nat64_bpf_prog_fd(&fp), pkt, len, r) ||
	    (counters && nat64_bpf_counters(&fp, after)))
		return -1;
	for (int i = 0; i < NAT64_FP__COUNT; i++)
		delta[i] = after[i] - before[i];
	return 0;
}

/* pkt through both; want: XLATED or the pass counter.  quiet: report
 * only a failure (the exhaustive loops).  Returns false on a mismatch. */
static bool diff(const char *what, const uint8_t *pkt, size_t len, int want,
		 bool quiet)
{
	bool v6 = pkt[0] >> 4 == 6;
	enum xlat_verdict v;
	uint64_t delta[NAT64_FP__COUNT];
	struct bpf_run r;

	if (run_prog(pkt, len, &r, delta, !quiet)) {
		TAP_FAIL("%s: BPF_PROG_TEST_RUN: %s", what, strerror(errno));
		return false;
	}
	if (want != XLATED) {
		if (r.ret != ACT_OK || r.len != len || memcmp(r.out, pkt, len) ||
		    delta[want] != 1) {
			TAP_FAIL("%s: expected a pass as %s: ret %d, counter %llu",
				 what, nat64_bpf_counter_name((unsigned int)want),
				 r.ret, (unsigned long long)delta[want]);
			return false;
		}
		return true;
	}
	if (r.ret != ACT_REDIRECT || r.ethertype != (v6 ? 0x0800 : 0x86dd)) {
		TAP_FAIL("%s: not translated (ret %d)", what, r.ret);
		bpf_run_print_counted(delta, NAT64_FP__COUNT,
				      nat64_bpf_counter_name);
		return false;
	}
	memcpy(fx_pkt, pkt, len);
	fx_out();
	if (v6)
		out.next_id = get16(r.out + 4);
	v = v6 ? nat64_6to4(nat, fx_pkt, len, &out, NOW)
	       : nat64_4to6(nat, fx_pkt, len, &out, NOW);
	if (v != XLAT_OUT || out.n != 1) {
		TAP_FAIL("%s: engine said %s/%s", what, xlat_verdict_name(v),
			 xlat_drop_name(out.reason));
		return false;
	}
	if (!bpf_run_same(r.out, r.len, xlat_out_data(&out, 0),
			  out.pkt[0].len)) {
		TAP_FAIL("%s: BPF and engine differ", what);
		bpf_run_print_diff(r.out, r.len, xlat_out_data(&out, 0),
				   out.pkt[0].len);
		return false;
	}
	if (!quiet)
		CHECK(true);
	return true;
}

/* ---- sessions, made by the engine, copied in as nat64_fp.c does ---- */

static bool copy_in(const uint8_t *pkt, size_t len)
{
	struct nat64_fast_flow ff;
	struct nat64_info inf;

	return nat64_fast_flow(nat, pkt, len, &ff) &&
	       nat64_fast_get(nat, &ff, &inf) &&
	       nat64_bpf_add(&fp, &inf) == 0;
}

static uint8_t data[1600];

static size_t udp6(uint8_t *b, uint16_t sp, size_t n, uint8_t tc,
		   uint32_t flow, uint8_t hlim)
{
	struct pkt6_spec s = { .src = HA, .dst = S1_6, .nexthdr = 17,
			       .tclass = tc, .flow = flow, .hlim = hlim };
	uint8_t l4[1600];

	return pkt_ip6_l4(b, &s, l4, pkt_udp(l4, sp, 53, data, n));
}

static size_t udp4(uint8_t *b, uint16_t dp, size_t n, uint8_t tos, bool df,
		   uint8_t ttl)
{
	struct pkt4_spec s = { .src = S1, .dst = P4, .proto = 17, .tos = tos,
			       .df = df, .ttl = ttl, .id = 0x4242 };
	uint8_t l4[1600];

	return pkt_ip4_l4(b, &s, l4, pkt_udp(l4, 53, dp, data, n));
}

static size_t tcp6(uint8_t *b, uint8_t flags, size_t n, uint8_t tc)
{
	struct pkt6_spec s = { .src = HA, .dst = S1_6, .nexthdr = 6,
			       .tclass = tc };
	uint8_t l4[1600];

	return pkt_ip6_l4(b, &s, l4,
			  pkt_tcp(l4, 40001, 443, 1000, flags, data, n));
}

static size_t tcp4(uint8_t *b, uint8_t flags, size_t n, bool df)
{
	struct pkt4_spec s = { .src = S1, .dst = P4, .proto = 6, .df = df };
	uint8_t l4[1600];

	return pkt_ip4_l4(b, &s, l4,
			  pkt_tcp(l4, 443, tp4, 5000, flags, data, n));
}

static size_t echo6(uint8_t *b, uint8_t type, uint8_t code, size_t n)
{
	struct pkt6_spec s = { .src = HA, .dst = S1_6, .nexthdr = 58 };
	uint8_t l4[1600];

	return pkt_ip6_l4(b, &s, l4,
			  pkt_icmp(l4, type, code, 0x77000001, data, n));
}

static int sessions(void)
{
	uint8_t b[1600];
	size_t n;

	/* UDP: the engine maps [HA]:40000 on its first packet. */
	n = udp6(b, 40000, 10, 0, 0, 64);
	memcpy(fx_pkt, b, n);
	if (fx_6to4(nat, n, NOW) != XLAT_OUT || !copy_in(b, n))
		return -1;
	up4 = get16(xlat_out_data(&out, 0) + 20);
	/* TCP: SYN out, SYN back: ESTABLISHED. */
	n = tcp6(b, 0x02, 0, 0);
	memcpy(fx_pkt, b, n);
	if (fx_6to4(nat, n, NOW) != XLAT_OUT)
		return -1;
	tp4 = get16(xlat_out_data(&out, 0) + 20);
	n = tcp4(b, 0x12, 0, true);
	memcpy(fx_pkt, b, n);
	if (fx_4to6(nat, n, NOW) != XLAT_OUT || !copy_in(b, n))
		return -1;
	/* ICMP echo identifier 0x7700. */
	n = echo6(b, 128, 0, 8);
	memcpy(fx_pkt, b, n);
	if (fx_6to4(nat, n, NOW) != XLAT_OUT || !copy_in(b, n))
		return -1;
	ip4 = get16(xlat_out_data(&out, 0) + 24);
	return 0;
}

/* ---- the corpus ---- */

TEST(udp_6to4_sizes_tclass_flow_hlim)
{
	static const size_t sz[] = { 0, 1, 7, 100, 1239, 1240, 1241, 1400, 1452 };
	uint8_t b[1600];
	char w[64];

	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		snprintf(w, sizeof(w), "udp6 %zu", sz[i]);
		diff(w, b, udp6(b, 40000, sz[i], (uint8_t)(i * 37), 0x12345, 64),
		     XLATED, false);
	}
	diff("udp6 hlim 2", b, udp6(b, 40000, 20, 0xfc, 1, 2), XLATED, false);
	diff("udp6 hlim 255", b, udp6(b, 40000, 20, 0x03, 0xfffff, 255),
	     XLATED, false);
	diff("udp6 hlim 1", b, udp6(b, 40000, 20, 0, 0, 1),
	     NAT64_FP_PASS_TTL, false);
	diff("udp6 other port", b, udp6(b, 40002, 20, 0, 0, 64),
	     NAT64_FP_PASS_NO_SESSION, false);
}

TEST(udp_4to6_sizes_tos_df_ttl)
{
	static const size_t sz[] = { 0, 1, 100, 1232, 1233, 1400, 1452 };
	uint8_t b[1600];
	char w[64];

	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		snprintf(w, sizeof(w), "udp4 %zu DF", sz[i]);
		diff(w, b, udp4(b, up4, sz[i], (uint8_t)(i * 41), true, 64),
		     XLATED, false);
	}
	/* DF=0 beyond lowest-ipv6-mtu (1280): the engine fragments. */
	diff("udp4 1232 no DF", b, udp4(b, up4, 1232, 0, false, 64), XLATED,
	     false);
	diff("udp4 1233 no DF", b, udp4(b, up4, 1233, 0, false, 64),
	     NAT64_FP_PASS_SIZE, false);
	diff("udp4 ttl 2", b, udp4(b, up4, 10, 0xff, true, 2), XLATED, false);
	diff("udp4 ttl 1", b, udp4(b, up4, 10, 0, true, 1), NAT64_FP_PASS_TTL,
	     false);
	diff("udp4 other port", b, udp4(b, up4 + 1, 10, 0, true, 64),
	     NAT64_FP_PASS_NO_SESSION, false);
}

/* ttl_kernel_hops 2 (the TUN instances): the program gives the kernel's
 * two decrements back as the engine does, with and without
 * decrement-ttl, up to 255, and passes nothing for its TTL.  The engine's
 * RFC 7915 settings change only with new tables (nat64_reconfigure()
 * refuses), so each setting gets a fresh engine and program. */
/* 0, -errno when BPF is unavailable, 1 when the rest fails. */
static int setup(uint8_t hops, bool dec)
{
	int err;

	nat64_bpf_close(&fp);
	fx_cfg(&cfg);
	for (unsigned int i = 0; i < cfg.n_pool4 && icmp_id0; i++)
		if (cfg.pool4[i].proto == NAT64_ICMP)
			cfg.pool4[i].hi = 0;
	cfg.xlat.ttl_kernel_hops = hops;
	cfg.xlat.decrement_ttl = dec;
	nat = fx_nat(&cfg);
	err = nat64_bpf_open(&fp, cfg.max_sessions);
	if (err)
		return err;
	if (!nat || nat64_bpf_configure(&fp, &cfg) || sessions())
		return 1; /* not the BPF: the set-up failed */
	nat64_bpf_set_dev(&fp, 1, 1500, 14);
	return 0;
}

TEST(ttl_kernel_hops_both_ways)
{
	static const uint8_t ttl[] = { 1, 2, 63, 64, 253, 254, 255 };
	uint8_t b[1600];
	char w[64];

	for (int dec = 1; dec >= 0; dec--) {
		REQUIRE(setup(2, dec) == 0);
		for (size_t i = 0; i < sizeof(ttl); i++) {
			snprintf(w, sizeof(w), "hops 2 dec %d udp6 hlim %u",
				 dec, ttl[i]);
			diff(w, b, udp6(b, 40000, 20, 0, 0, ttl[i]), XLATED,
			     false);
			snprintf(w, sizeof(w), "hops 2 dec %d udp4 ttl %u",
				 dec, ttl[i]);
			diff(w, b, udp4(b, up4, 20, 0, true, ttl[i]), XLATED,
			     false);
		}
	}
	/* And the engine alone without decrement-ttl: TTL 1 passes on. */
	REQUIRE(setup(0, false) == 0);
	diff("hops 0 dec 0 udp6 hlim 1", b, udp6(b, 40000, 20, 0, 0, 1),
	     XLATED, false);
	diff("hops 0 dec 0 udp4 ttl 1", b, udp4(b, up4, 20, 0, true, 1),
	     XLATED, false);
	/* The fixture's configuration again for the tests after this one. */
	REQUIRE(setup(0, true) == 0);
}

TEST(udp_4to6_zero_checksum_options_fragments_pass)
{
	static const uint8_t nop[4] = { 1, 1, 1, 0 };
	struct pkt4_spec s = { .src = S1, .dst = P4, .proto = 17, .df = true };
	uint8_t b[1600], l4[64];
	size_t n;

	n = pkt_ip4(b, &s, l4, pkt_udp(l4, 53, up4, data, 20));
	diff("udp4 zero checksum", b, n, NAT64_FP_PASS_UDP0, false);
	s.opts = nop;
	s.optlen = 4;
	n = pkt_ip4_l4(b, &s, l4, pkt_udp(l4, 53, up4, data, 20));
	diff("udp4 options", b, n, NAT64_FP_PASS_OPTIONS, false);
	s.opts = NULL;
	s.optlen = 0;
	s.df = false;
	s.mf = true;
	n = pkt_ip4(b, &s, l4, pkt_udp(l4, 53, up4, data, 24));
	diff("udp4 first fragment", b, n, NAT64_FP_PASS_FRAG, false);
}

TEST(tcp_both_ways_and_flags)
{
	uint8_t b[1600];

	diff("tcp6 ack", b, tcp6(b, 0x10, 0, 0), XLATED, false);
	diff("tcp6 psh ack 1000", b, tcp6(b, 0x18, 1000, 0xb8), XLATED, false);
	diff("tcp6 urg ece cwr", b, tcp6(b, 0xf0, 10, 0), XLATED, false);
	diff("tcp4 ack", b, tcp4(b, 0x10, 0, true), XLATED, false);
	diff("tcp4 1400 DF", b, tcp4(b, 0x18, 1400, true), XLATED, false);
	diff("tcp6 syn", b, tcp6(b, 0x02, 0, 0), NAT64_FP_PASS_TCP_FLAGS, false);
	diff("tcp6 fin", b, tcp6(b, 0x11, 0, 0), NAT64_FP_PASS_TCP_FLAGS, false);
	diff("tcp4 rst", b, tcp4(b, 0x04, 0, true), NAT64_FP_PASS_TCP_FLAGS,
	     false);
}

TEST(icmp_echo_both_ways)
{
	struct pkt4_spec s = { .src = S1, .dst = P4, .proto = 1, .df = true };
	uint8_t b[1600], l4[1600];
	size_t n;

	diff("echo6 request", b, echo6(b, 128, 0, 56), XLATED, false);
	diff("echo6 reply", b, echo6(b, 129, 0, 1), XLATED, false);
	diff("echo6 code 1", b, echo6(b, 128, 1, 8), NAT64_FP_PASS_ICMP, false);
	n = pkt_ip4_l4(b, &s, l4,
		       pkt_icmp(l4, 0, 0, (uint32_t)ip4 << 16 | 2, data, 56));
	diff("echo4 reply", b, n, XLATED, false);
	n = pkt_ip4_l4(b, &s, l4, pkt_icmp(l4, 3, 3, 0, data, 48));
	diff("icmp4 error", b, n, NAT64_FP_PASS_ICMP, false);
}

/* An echo from [HA] with identifier rest >> 16 (0x7700: the session's),
 * sequence rest & 0xffff and n bytes of d. */
static size_t echo6_raw(uint8_t *b, uint8_t type, uint32_t rest,
			const uint8_t *d, size_t n)
{
	struct pkt6_spec s = { .src = HA, .dst = S1_6, .nexthdr = 58 };
	uint8_t l4[1600];

	return pkt_ip6_l4(b, &s, l4, pkt_icmp(l4, type, 0, rest, d, n));
}

/*
 * The identifier mapped to 0 (an ICMP pool4 of identifier 0 alone): an
 * echo reply with sequence 0 and no data becomes an all-zero ICMPv4
 * message, whose checksum is 0xffff (RFC 1071, the engine's since
 * d9324b3), where the kernel's incremental update gives 0x0000.
 */
TEST(icmp_echo_all_zero_checksum)
{
	static const uint8_t zero[8];
	uint8_t b[1600];
	uint64_t delta[NAT64_FP__COUNT];
	struct bpf_run r;
	size_t n;

	icmp_id0 = true;
	REQUIRE(setup(0, true) == 0);
	icmp_id0 = false;
	CHECK_EQ(ip4, 0);
	n = echo6_raw(b, 129, 0x77000000, zero, 0);
	diff("echo6 reply all zero", b, n, XLATED, false);
	REQUIRE(run_prog(b, n, &r, delta, false) == 0);
	CHECK_EQ(r.len, 28u);
	CHECK_EQ(get16(r.out + 22), 0xffff);
	b[42] ^= 0x11; /* a wrong checksum stays as wrong as the engine's */
	diff("echo6 reply all zero bad csum", b, n, XLATED, false);
	diff("echo6 reply zero data", b, echo6_raw(b, 129, 0x77000000, zero, 8),
	     NAT64_FP_PASS_ZERO_ECHO, false);
	diff("echo6 reply seq 1", b, echo6_raw(b, 129, 0x77000001, zero, 0),
	     XLATED, false);
	diff("echo6 request seq 0", b, echo6_raw(b, 128, 0x77000000, zero, 0),
	     XLATED, false);
	REQUIRE(setup(0, true) == 0);
}

TEST(hairpin_and_addresses_pass)
{
	struct pkt6_spec s = { .src = HA, .dst = P4_6, .nexthdr = 17 };
	uint8_t b[1600], l4[64];
	size_t n = pkt_ip6_l4(b, &s, l4, pkt_udp(l4, 40000, 53, data, 8));

	diff("udp6 to pool4", b, n, NAT64_FP_PASS_HAIRPIN, false);
	s.dst = "2001:db8:64::1:c633:6407"; /* suffix bits set */
	n = pkt_ip6_l4(b, &s, l4, pkt_udp(l4, 40000, 53, data, 8));
	diff("udp6 non-canonical", b, n, NAT64_FP_PASS_ADDR, false);
}

/* Every value of the first two payload bytes: every checksum there is. */
TEST(every_checksum_value)
{
	uint8_t b[1600];
	unsigned int bad = 0;
	size_t n;

	for (unsigned int v = 0; v < 65536 && bad < 3; v++) {
		data[0] = (uint8_t)(v >> 8);
		data[1] = (uint8_t)v;
		n = udp6(b, 40000, 6, 0, 0, 64);
		bad += !diff("udp6 word", b, n, XLATED, true);
		n = udp4(b, up4, 6, 0, true, 64);
		bad += !diff("udp4 word", b, n, XLATED, true);
		n = tcp6(b, 0x10, 6, 0);
		bad += !diff("tcp6 word", b, n, XLATED, true);
		n = tcp4(b, 0x10, 6, true);
		bad += !diff("tcp4 word", b, n, XLATED, true);
		n = echo6(b, 128, 0, 6);
		bad += !diff("echo6 word", b, n, XLATED, true);
	}
	CHECK_EQ(bad, 0u);
	bpf_run_fill(data, sizeof(data));
}

int main(void)
{
	int err;

	bpf_run_fill(data, sizeof(data));
	if (geteuid() != 0) {
		bpf_run_skip_all("nat64_bpf_diff", "needs root", 0);
		return 0;
	}
	err = setup(0, true);
	if (err < 0) {
		bpf_run_skip_all("nat64_bpf_diff", "BPF unavailable", -err);
		return 0;
	}
	if (err > 0) {
		printf("Bail out! setup\n");
		return 1;
	}
	err = tap_run();
	nat64_bpf_close(&fp);
	return err;
}
