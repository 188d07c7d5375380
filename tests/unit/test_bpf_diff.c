// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test of the eBPF fast path against the engine.  Every
 * corpus packet goes through the TC program with BPF_PROG_TEST_RUN; what
 * the program translates must equal, byte for byte, what xlat_6to4() /
 * xlat_4to6() make of it with the CLAT's configuration (pool6, one EAM
 * CLAT-IPv4/32 <-> CLAT-IPv6/128, host mode), and what it passes must come
 * back untouched, counted under the expected reason.
 *
 * Needs root and a kernel with BPF: otherwise one "ok # SKIP".
 * BPF_PROG_TEST_RUN always frames skbs as Ethernet, so both programs run
 * here with a 14-byte link header (tun_l2len = 14), stripped before
 * comparing.  The 6->4 IPv4 Identification is random in BPF and a counter
 * in the engine: the engine's counter is set to the value BPF chose.
 */
#define TAP_MAIN
#include "tap.h"

#include "bpf_run.h"
#include "checksum.h"
#include "datapath/bpf_loader.h"
#include "ipv4_special.h"
#include "pkt.h"
#include "rfc6052.h"
#include "xlat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define PFX "2001:db8:64::"
#define CLAT6 "2001:db8:1:1::464"
#define CLAT4 "192.0.0.2"
#define PEER4 "198.51.100.7"
#define PEER6 PFX "c633:6407"
#define UP_MTU 1500

#define ACT_OK BPF_RUN_ACT_OK
#define ACT_REDIRECT BPF_RUN_ACT_REDIRECT
#define NO_COUNTER (-1)
#define XLATED (-2)

static struct xlat_bpf fp;
static struct xlat_cfg xc;
static struct xlat_eam eam;
static uint8_t *engine_buf;
static bool pass_up; /* 6->4 translations go on up the stack (TC_ACT_OK) */
static bool up_egress; /* 4->6 through the uplink's egress program */

/* L3 bytes of every packet BPF translated, in and out, per direction
 * ([0] 6->4, [1] 4->6), as this test measured them. */
static uint64_t ran_in[2], ran_out[2], ran_pkts[2];

static void engine_cfg(const char *pfx, unsigned int len)
{
	xlat_cfg_init(&xc);
	xc.has_pool6 = true;
	xc.pool6.addr = pkt_a6(pfx);
	xc.pool6.len = (uint8_t)len;
	eam.p4.addr = pkt_a4(CLAT4);
	eam.p4.len = 32;
	eam.p6.addr = pkt_a6(CLAT6);
	eam.p6.len = 128;
	xc.eam = &eam;
	xc.n_eam = 1;
	xc.decrement_ttl = false;
	xc.hairpin = false; /* as the clat instance configures it */
}

/* The CLAT configuration, with the test-run framing on both sides. */
static int setup_len(const char *pfx, unsigned int len)
{
	struct clat_fp_cfg c;

	engine_cfg(pfx, len);
	if (!xlat_bpf_cfg_make(&c, &xc, UP_MTU))
		return -1;
	c.up_l2len = 14;
	c.tun_l2len = 14;
	c.up_ifindex = 1;
	c.tun_ifindex = 1;
	xlat_bpf_configure(&fp, &c);
	return 0;
}

static int setup(const char *pfx)
{
	return setup_len(pfx, 96);
}

/* delta: how far each counter moved. */
static int run_prog(enum xlat_bpf_prog p, const uint8_t *pkt, size_t len,
		    struct bpf_run *r, uint64_t *delta)
{
	uint64_t before[CLAT_FP__COUNT], after[CLAT_FP__COUNT];

	if (xlat_bpf_counters(&fp, before) ||
	    bpf_run_eth(xlat_bpf_prog_fd(&fp, p), pkt, len, r) ||
	    xlat_bpf_counters(&fp, after))
		return -1;
	for (int i = 0; i < CLAT_FP__COUNT; i++)
		delta[i] = after[i] - before[i];
	return 0;
}

/* Only packet counter `want` moved, by one (NO_COUNTER: none moved). */
static void check_counters(const uint64_t *delta, int want)
{
	for (int i = 0; i < CLAT_FP__NPKT; i++) {
		uint64_t exp = i == want ? 1 : 0;

		if (delta[i] != exp)
			TAP_FAIL("counter %s moved by %llu, expected %llu",
				 xlat_bpf_counter_name((unsigned int)i),
				 (unsigned long long)delta[i],
				 (unsigned long long)exp);
	}
}

/* The byte counters moved by in/out for direction v6 (0 and 0: none). */
static void check_bytes(const char *what, const uint64_t *delta, bool v6,
			uint64_t in, uint64_t out)
{
	static const int ctr[2][2] = {
		{ CLAT_FP_BYTES_4TO6_IN, CLAT_FP_BYTES_4TO6_OUT },
		{ CLAT_FP_BYTES_6TO4_IN, CLAT_FP_BYTES_6TO4_OUT },
	};

	for (int i = CLAT_FP__NPKT; i < CLAT_FP__COUNT; i++) {
		uint64_t exp = i == ctr[v6][0] ? in : i == ctr[v6][1] ? out : 0;

		if (delta[i] != exp)
			TAP_FAIL("%s: %s moved by %llu, expected %llu", what,
				 xlat_bpf_counter_name((unsigned int)i),
				 (unsigned long long)delta[i],
				 (unsigned long long)exp);
	}
}

/*
 * Run pkt through the program for its family.  want: XLATED, or the
 * counter of the reason it must be passed for (NO_COUNTER for traffic
 * that is not the CLAT's).  bad_l4: the input's L4 checksum is wrong on
 * purpose, and so must the output's stay.  Returns whether BPF
 * translated it.
 */
static bool diff_one(const char *what, const uint8_t *pkt, size_t len,
		     int want, bool bad_l4)
{
	bool v6 = (pkt[0] >> 4) == 6;
	struct bpf_run r;
	uint64_t delta[CLAT_FP__COUNT];
	struct xlat_out out = { .buf = engine_buf, .cap = XLAT_OUT_MIN };
	enum xlat_verdict v;

	if (run_prog(v6 ? XLAT_BPF_UP_INGRESS :
		     up_egress ? XLAT_BPF_UP_EGRESS : XLAT_BPF_TUN_EGRESS,
		     pkt, len, &r, delta)) {
		TAP_FAIL("%s: BPF_PROG_TEST_RUN failed: %s", what,
			 strerror(errno));
		return false;
	}
	if (want != XLATED) {
		/* On the uplink's egress, what the program leaves to the
		 * engine goes into the TUN; other IPv4 is left alone. */
		int pass_ret = !v6 && up_egress && want != NO_COUNTER ?
				       ACT_REDIRECT : ACT_OK;

		if (r.ret != pass_ret)
			TAP_FAIL("%s: expected pass, program returned %d", what,
				 r.ret);
		CHECK_EQ(r.len, len);
		if (r.len == len)
			CHECK_MEM(r.out, pkt, len);
		check_counters(delta, want);
		check_bytes(what, delta, v6, 0, 0);
		return r.ret == ACT_REDIRECT;
	}
	if (r.ret != ((v6 && pass_up) || (!v6 && up_egress) ? ACT_OK :
								ACT_REDIRECT) ||
	    (pass_up && v6 && r.ethertype != 0x0800)) {
		TAP_FAIL("%s: expected translation, program returned %d", what,
			 r.ret);
		bpf_run_print_counted(delta, CLAT_FP__COUNT,
				      xlat_bpf_counter_name);
		return false;
	}
	check_counters(delta, v6 ? CLAT_FP_XLAT_6TO4 : CLAT_FP_XLAT_4TO6);
	check_bytes(what, delta, v6, len, r.len);
	ran_pkts[!v6]++;
	ran_in[!v6] += len;
	ran_out[!v6] += r.len;
	CHECK_EQ(r.ethertype, v6 ? 0x0800 : 0x86dd);
	if (bad_l4)
		CHECK(pkt_check(r.out, r.len) != NULL);
	else if (pkt_check(r.out, r.len))
		TAP_FAIL("%s: BPF output malformed: %s", what,
			 pkt_check(r.out, r.len));

	if (v6 && r.len >= 20)
		out.next_id = get16(r.out + 4);
	v = v6 ? xlat_6to4(&xc, pkt, len, &out) : xlat_4to6(&xc, pkt, len, &out);
	if (v != XLAT_OUT || out.n != 1) {
		TAP_FAIL("%s: BPF translated, engine said %s/%s (n=%u)", what,
			 xlat_verdict_name(v), xlat_drop_name(out.reason),
			 out.n);
		return true;
	}
	if (!bpf_run_same(r.out, r.len, xlat_out_data(&out, 0),
			  out.pkt[0].len)) {
		TAP_FAIL("%s: BPF and engine differ", what);
		bpf_run_print_diff(r.out, r.len, xlat_out_data(&out, 0),
				   out.pkt[0].len);
	}
	return true;
}

/* ---- builders ---- */

static uint8_t data[1600];

static size_t ip6_l4(uint8_t *b, const char *src, const char *dst,
		     uint8_t nh, const uint8_t *l4, size_t n)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = nh };

	return pkt_ip6_l4(b, &s, l4, n);
}

static size_t udp6(uint8_t *b, const char *src, const char *dst, size_t n)
{
	uint8_t l4[1600];

	return ip6_l4(b, src, dst, IPPROTO_UDP, l4,
		      pkt_udp(l4, 5353, 40000, data, n));
}

static size_t tcp6(uint8_t *b, size_t n)
{
	uint8_t l4[1600];

	return ip6_l4(b, PEER6, CLAT6, IPPROTO_TCP, l4,
		      pkt_tcp(l4, 443, 40001, 0x01020304, 0x12, data, n));
}

static size_t icmp6(uint8_t *b, uint8_t type, uint8_t code, size_t n)
{
	uint8_t l4[1600];

	return ip6_l4(b, PEER6, CLAT6, IPPROTO_ICMPV6, l4,
		      pkt_icmp(l4, type, code, 0x12340001, data, n));
}

static size_t udp4(uint8_t *b, const char *src, const char *dst, bool df,
		   size_t n)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = IPPROTO_UDP,
			       .df = df, .id = 0x4242 };
	uint8_t l4[1600];

	return pkt_ip4_l4(b, &s, l4, pkt_udp(l4, 40000, 53, data, n));
}

static size_t icmp4(uint8_t *b, uint8_t type, uint8_t code, size_t n)
{
	struct pkt4_spec s = { .src = CLAT4, .dst = PEER4,
			       .proto = IPPROTO_ICMP, .df = true };
	uint8_t l4[1600];

	return pkt_ip4_l4(b, &s, l4,
			  pkt_icmp(l4, type, code, 0x0abc0007, data, n));
}

/* ---- 6 -> 4 ---- */

TEST(up_translates_udp_tcp_echo)
{
	uint8_t b[2048];
	size_t n;

	diff_one("udp", b, udp6(b, PEER6, CLAT6, 100), XLATED, false);
	diff_one("udp empty", b, udp6(b, PEER6, CLAT6, 0), XLATED, false);
	diff_one("udp 1220 (DF=0 edge)", b, udp6(b, PEER6, CLAT6, 1232),
		 XLATED, false);
	diff_one("udp 1400 (DF=1)", b, udp6(b, PEER6, CLAT6, 1400), XLATED,
		 false);
	diff_one("tcp", b, tcp6(b, 300), XLATED, false);
	diff_one("tcp no data", b, tcp6(b, 0), XLATED, false);
	diff_one("echo request", b, icmp6(b, 128, 0, 56), XLATED, false);
	diff_one("echo reply", b, icmp6(b, 129, 0, 56), XLATED, false);
	diff_one("echo reply odd", b, icmp6(b, 129, 0, 57), XLATED, false);
	n = udp6(b, PEER6, CLAT6, 20);
	put32(b, 0x6b812345); /* traffic class 0xb8, flow label */
	pkt_fix_l4_csum6(b, n);
	diff_one("udp tclass+flow", b, n, XLATED, false);
	b[7] = 1;
	diff_one("udp hop limit 1", b, n, XLATED, false);
}

TEST(up_translates_bad_l4_checksum_identically)
{
	uint8_t b[2048];
	size_t n = tcp6(b, 40);

	b[40 + 16] ^= 0x5a;
	diff_one("tcp bad csum", b, n, XLATED, true);
	n = icmp6(b, 128, 0, 8);
	b[40 + 2] ^= 0x11;
	diff_one("echo bad csum", b, n, XLATED, true);
}

/* An echo reply from IPv6 with identifier rest >> 16, sequence rest &
 * 0xffff and n bytes of d. */
static size_t reply6(uint8_t *b, uint32_t rest, const uint8_t *d, size_t n)
{
	uint8_t l4[1600];

	return ip6_l4(b, PEER6, CLAT6, IPPROTO_ICMPV6, l4,
		      pkt_icmp(l4, 129, 0, rest, d, n));
}

/*
 * An echo reply with identifier and sequence 0 and no data becomes an
 * ICMPv4 message of eight zero bytes: its checksum is 0xffff (RFC 1071,
 * the engine's since d9324b3), where the kernel's incremental update
 * gives 0x0000 (src/bpf/icmp4_zero.h).  A message that is not all zero
 * but sums to 0xffff keeps 0x0000, as the engine and a full computation
 * give it.
 */
/* The ICMPv4 checksum BPF makes of a 6->4 echo (counted as translated). */
static uint16_t up_icmp4_csum(const uint8_t *pkt, size_t len)
{
	uint64_t delta[CLAT_FP__COUNT];
	struct bpf_run r;

	if (run_prog(XLAT_BPF_UP_INGRESS, pkt, len, &r, delta) || r.len < 24)
		return 0x5555;
	ran_pkts[0]++;
	ran_in[0] += len;
	ran_out[0] += r.len;
	return get16(r.out + 22);
}

TEST(up_echo_all_zero_checksum)
{
	static const uint8_t zero[8];
	uint8_t b[2048];
	size_t n;

	n = reply6(b, 0, zero, 0);
	diff_one("echo reply all zero", b, n, XLATED, false);
	CHECK_EQ(up_icmp4_csum(b, n), 0xffff);
	b[42] ^= 0x11; /* a wrong checksum stays wrong, as the engine's */
	diff_one("echo reply all zero bad csum", b, n, XLATED, true);

	n = reply6(b, 0xffff0000, zero, 0);
	diff_one("echo reply id ffff sums to -0", b, n, XLATED, false);
	CHECK_EQ(up_icmp4_csum(b, n), 0x0000);

	/* With data, whether they are zero is the engine's to find out. */
	diff_one("echo reply zero data", b, reply6(b, 0, zero, 8),
		 CLAT_FP_PASS_ZERO_ECHO, false);
	diff_one("echo reply id 0 seq 0 data", b, reply6(b, 0, data, 8),
		 CLAT_FP_PASS_ZERO_ECHO, false);
	diff_one("echo reply seq 1 zero data", b, reply6(b, 1, zero, 8),
		 XLATED, false);
}

TEST(up_passes_the_rest)
{
	uint8_t b[2048], l4[1600];
	size_t n, m;

	/* Fragment Header, then UDP */
	m = pkt_udp(l4 + 8, 1, 2, data, 32);
	memset(l4, 0, 8);
	l4[0] = IPPROTO_UDP;
	put16(l4 + 2, 0x0001); /* offset 0, M=1 */
	put32(l4 + 4, 0xdeadbeef);
	n = ip6_l4(b, PEER6, CLAT6, 44, l4, m + 8);
	diff_one("fragment", b, n, CLAT_FP_PASS_FRAG, false);

	/* Hop-by-Hop (PadN), then UDP */
	m = pkt_udp(l4 + 8, 1, 2, data, 32);
	memcpy(l4, "\x11\x00\x01\x04\x00\x00\x00\x00", 8);
	n = ip6_l4(b, PEER6, CLAT6, 0, l4, m + 8);
	diff_one("hop-by-hop", b, n, CLAT_FP_PASS_EXTHDR, false);
	b[6] = 60;
	diff_one("dest options", b, n, CLAT_FP_PASS_EXTHDR, false);

	/* ICMPv6 Destination Unreachable quoting a CLAT packet */
	m = udp6(l4 + 8, CLAT6, PEER6, 10);
	pkt_icmp(l4, 1, 4, 0, l4 + 8, m);
	n = ip6_l4(b, PEER6, CLAT6, IPPROTO_ICMPV6, l4, m + 8);
	diff_one("icmpv6 error", b, n, CLAT_FP_PASS_ICMP, false);
	diff_one("packet too big", b, icmp6(b, 2, 0, 60), CLAT_FP_PASS_ICMP,
		 false);
	diff_one("echo code 1", b, icmp6(b, 128, 1, 8), CLAT_FP_PASS_ICMP,
		 false);
	diff_one("neighbour solicitation", b, icmp6(b, 135, 0, 16),
		 CLAT_FP_PASS_ICMP, false);

	n = udp6(b, PEER6, CLAT6, 10);
	put16(b + 46, 0);
	diff_one("udp zero checksum", b, n, CLAT_FP_PASS_UDP0, false);

	diff_one("source outside prefix", b,
		 udp6(b, "2001:db8:65::c633:6407", CLAT6, 10),
		 CLAT_FP_PASS_ADDR, false);
	diff_one("source embeds multicast", b,
		 udp6(b, PFX "e000:fb", CLAT6, 10), CLAT_FP_PASS_ADDR, false);
	diff_one("source embeds the CLAT", b, udp6(b, PFX "c000:2", CLAT6, 10),
		 CLAT_FP_PASS_ADDR, false);
	diff_one("not for the CLAT", b, udp6(b, PEER6, "2001:db8:1:1::1", 10),
		 NO_COUNTER, false);

	n = ip6_l4(b, PEER6, CLAT6, 47, data, 24);
	diff_one("gre", b, n, CLAT_FP_PASS_PROTO, false);

	n = udp6(b, PEER6, CLAT6, 10);
	b[n] = 0;
	diff_one("trailing byte", b, n + 1, CLAT_FP_PASS_MALFORMED, false);
	n = udp6(b, PEER6, CLAT6, 10);
	put16(b + 44, 17); /* UDP length != payload length */
	diff_one("udp length", b, n, CLAT_FP_PASS_MALFORMED, false);
}

/* ---- 4 -> 6 ---- */

TEST(tun_translates_udp_tcp_echo)
{
	struct pkt4_spec s = { .src = CLAT4, .dst = PEER4,
			       .proto = IPPROTO_TCP, .df = true, .tos = 0x2e,
			       .ttl = 1 };
	uint8_t b[2048], l4[1600];

	diff_one("udp", b, udp4(b, CLAT4, PEER4, true, 100), XLATED, false);
	diff_one("udp DF=0", b, udp4(b, CLAT4, PEER4, false, 100), XLATED,
		 false);
	diff_one("udp DF=0 at 1280", b, udp4(b, CLAT4, PEER4, false, 1232),
		 XLATED, false);
	diff_one("udp DF=1 at 1280", b, udp4(b, CLAT4, PEER4, true, 1232),
		 XLATED, false);
	diff_one("tcp tos ttl=1", b,
		 pkt_ip4_l4(b, &s, l4,
			    pkt_tcp(l4, 40001, 443, 7, 0x10, data, 500)),
		 XLATED, false);
	diff_one("echo request", b, icmp4(b, 8, 0, 56), XLATED, false);
	diff_one("echo reply", b, icmp4(b, 0, 0, 56), XLATED, false);
	diff_one("echo request odd", b, icmp4(b, 8, 0, 3), XLATED, false);
}

TEST(tun_translates_bad_l4_checksum_identically)
{
	uint8_t b[2048];
	size_t n = udp4(b, CLAT4, PEER4, true, 30);

	b[20 + 6] ^= 0x33;
	diff_one("udp bad csum", b, n, XLATED, true);
}

TEST(tun_passes_the_rest)
{
	static const uint8_t nops[4] = { 1, 1, 1, 0 };
	struct pkt4_spec s = { .src = CLAT4, .dst = PEER4,
			       .proto = IPPROTO_UDP };
	uint8_t b[2048], l4[1600];
	size_t n;

	diff_one("DF=1 beyond 1280", b, udp4(b, CLAT4, PEER4, true, 1233),
		 CLAT_FP_PASS_SIZE, false);
	diff_one("DF=0 beyond 1280", b, udp4(b, CLAT4, PEER4, false, 1400),
		 CLAT_FP_PASS_SIZE, false);

	s.opts = nops;
	s.optlen = 4;
	diff_one("options", b, pkt_ip4_l4(b, &s, l4, pkt_udp(l4, 1, 2, data, 8)),
		 CLAT_FP_PASS_OPTIONS, false);
	s.opts = NULL;
	s.optlen = 0;
	s.mf = true;
	diff_one("first fragment", b,
		 pkt_ip4_l4(b, &s, l4, pkt_udp(l4, 1, 2, data, 16)),
		 CLAT_FP_PASS_FRAG, false);
	s.mf = false;
	s.frag_off = 3;
	diff_one("last fragment", b, pkt_ip4(b, &s, data, 16),
		 CLAT_FP_PASS_FRAG, false);
	s.frag_off = 0;

	n = udp4(b, CLAT4, PEER4, true, 10);
	put16(b + 26, 0);
	diff_one("udp zero checksum", b, n, CLAT_FP_PASS_UDP0, false);

	n = udp4(l4 + 8, PEER4, CLAT4, true, 10);
	pkt_icmp(l4, 3, 3, 0, l4 + 8, n);
	s.proto = IPPROTO_ICMP;
	n = pkt_ip4_l4(b, &s, l4, n + 8);
	diff_one("icmp error", b, n, CLAT_FP_PASS_ICMP, false);
	diff_one("icmp timestamp", b, icmp4(b, 13, 0, 12), CLAT_FP_PASS_ICMP,
		 false);

	diff_one("source not the CLAT", b, udp4(b, "192.0.0.3", PEER4, true, 4),
		 CLAT_FP_PASS_ADDR, false);
	diff_one("multicast", b, udp4(b, CLAT4, "224.0.0.251", true, 4),
		 CLAT_FP_PASS_ADDR, false);
	diff_one("broadcast", b, udp4(b, CLAT4, "255.255.255.255", true, 4),
		 CLAT_FP_PASS_ADDR, false);

	n = udp4(b, CLAT4, PEER4, true, 10);
	b[10] ^= 1;
	diff_one("bad header checksum", b, n, CLAT_FP_PASS_MALFORMED, false);
	n = udp4(b, CLAT4, PEER4, true, 10);
	b[n] = 0;
	diff_one("trailing byte", b, n + 1, CLAT_FP_PASS_MALFORMED, false);

	s.proto = 47;
	diff_one("gre", b, pkt_ip4(b, &s, data, 24), CLAT_FP_PASS_PROTO, false);
	s.proto = IPPROTO_UDP;
	s.ttl = 0;
	n = pkt_ip4_l4(b, &s, l4, pkt_udp(l4, 1, 2, data, 8));
	b[8] = 0;
	put16(b + 10, 0);
	put16(b + 10, ip4_header_csum(b, 20));
	diff_one("ttl 0", b, n, CLAT_FP_PASS_TTL, false);
}

/* The clat instance sets lowest_ipv6_mtu to the uplink MTU: DF=0
 * packets up to it go out whole, in both paths. */
TEST(tun_uplink_mtu_as_lowest_ipv6_mtu)
{
	struct clat_fp_cfg c;
	uint8_t b[2048];

	engine_cfg(PFX, 96);
	xc.lowest_ipv6_mtu = UP_MTU;
	REQUIRE(xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	c.up_l2len = c.tun_l2len = 14;
	xlat_bpf_configure(&fp, &c);
	diff_one("DF=0 1400", b, udp4(b, CLAT4, PEER4, false, 1400), XLATED,
		 false);
	diff_one("DF=1 at 1500", b, udp4(b, CLAT4, PEER4, true, 1452), XLATED,
		 false);
	diff_one("DF=1 beyond 1500", b, udp4(b, CLAT4, PEER4, true, 1453),
		 CLAT_FP_PASS_SIZE, false);
	diff_one("DF=0 beyond 1500", b, udp4(b, CLAT4, PEER4, false, 1453),
		 CLAT_FP_PASS_SIZE, false);
	setup(PFX);
}

/* ---- configuration ---- */

/* Every RFC 6052 prefix length, byte for byte the engine's. */
TEST(every_prefix_length_matches_engine)
{
	static const struct {
		const char *pfx;
		unsigned int len;
	} p[] = {
		{ "2001:db8::", 32 },         { "2001:db8:100::", 40 },
		{ "2001:db8:122::", 48 },     { "2001:db8:122:300::", 56 },
		{ "2001:db8:122:344::", 64 }, { "2001:db8:122:344::", 96 },
	};
	struct clat_fp_cfg c;
	uint8_t b[2048];

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		struct xlat_prefix6 x = { .addr = pkt_a6(p[i].pfx),
					  .len = (uint8_t)p[i].len };
		struct in_addr v4 = pkt_a4(PEER4);
		struct in6_addr peer;
		char s6[INET6_ADDRSTRLEN], what[64];

		REQUIRE(setup_len(p[i].pfx, p[i].len) == 0);
		rfc6052_embed(&x, &v4, &peer);
		inet_ntop(AF_INET6, &peer, s6, sizeof(s6));
		snprintf(what, sizeof(what), "udp6 /%u", p[i].len);
		diff_one(what, b, udp6(b, s6, CLAT6, 100), XLATED, false);
		snprintf(what, sizeof(what), "udp4 /%u", p[i].len);
		diff_one(what, b, udp4(b, CLAT4, PEER4, true, 100), XLATED, false);
		snprintf(what, sizeof(what), "tcp4 /%u", p[i].len);
		diff_one(what, b, udp4(b, CLAT4, PEER4, false, 1200), XLATED, false);
		/* Outside the prefix: userspace's. */
		snprintf(what, sizeof(what), "udp6 other /%u", p[i].len);
		diff_one(what, b, udp6(b, "2001:db9::1", CLAT6, 10),
			 CLAT_FP_PASS_ADDR, false);
	}
	setup(PFX);
	xlat_bpf_get_cfg(&fp, &c);
	c.enabled = 0;
	xlat_bpf_configure(&fp, &c);
	diff_one("udp4 disabled", b, udp4(b, CLAT4, PEER4, true, 10),
		 CLAT_FP_PASS_DISABLED, false);
	diff_one("udp6 disabled", b, udp6(b, PEER6, CLAT6, 10), NO_COUNTER,
		 false);
	setup(PFX);
}

/* In place: the 6->4 translation goes on up the stack from the uplink,
 * the same bytes, with the IPv4 ethertype. */
TEST(up_in_place_pass_up)
{
	struct clat_fp_cfg c;
	uint8_t b[2048];

	setup(PFX);
	xlat_bpf_get_cfg(&fp, &c);
	c.pass_up = 1;
	xlat_bpf_configure(&fp, &c);
	pass_up = true;
	diff_one("udp up", b, udp6(b, PEER6, CLAT6, 100), XLATED, false);
	diff_one("tcp up", b, tcp6(b, 300), XLATED, false);
	diff_one("echo up", b, icmp6(b, 129, 0, 56), XLATED, false);
	diff_one("udp4 still redirected", b, udp4(b, CLAT4, PEER4, true, 100),
		 XLATED, false);
	pass_up = false;
	setup(PFX);
}

/* The uplink's egress: the CLAT's IPv4 in place, byte for byte the
 * engine's; the rest of its IPv4 into the TUN; other IPv4 untouched. */
TEST(up_egress_matches_engine)
{
	uint8_t b[2048];

	setup(PFX);
	up_egress = true;
	diff_one("udp4 up", b, udp4(b, CLAT4, PEER4, true, 100), XLATED, false);
	diff_one("udp4 1200 DF=0 up", b, udp4(b, CLAT4, PEER4, false, 1200),
		 XLATED, false);
	diff_one("echo up", b, icmp4(b, 8, 0, 56), XLATED, false);
	diff_one("icmp error to the engine", b, icmp4(b, 3, 4, 56),
		 CLAT_FP_PASS_ICMP, false);
	diff_one("too big to the engine", b, udp4(b, CLAT4, PEER4, true, 1480),
		 CLAT_FP_PASS_SIZE, false);
	diff_one("native IPv4 untouched", b, udp4(b, "192.0.2.9", PEER4, true, 10),
		 NO_COUNTER, false);
	up_egress = false;
}

/*
 * A checksum-neutral CLAT address (the kind xlatd picks): the address
 * change leaves TCP/UDP checksums alone, the programs skip the L4 fix,
 * and the bytes still equal the engine's.  2001:db8:1:1::642a balances
 * 192.0.0.2 and the prefix 2001:db8:64::/96 (0x2e1d + 0x2dbb + 0x642a =
 * 0xc002).
 */
#define CLAT6_NEUTRAL "2001:db8:1:1::642a"

TEST(neutral_pair_matches_engine)
{
	struct clat_fp_cfg c;
	uint8_t b[2048];

	engine_cfg(PFX, 96);
	eam.p6.addr = pkt_a6(CLAT6_NEUTRAL);
	CHECK(xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	c.up_l2len = 14;
	c.tun_l2len = 14;
	c.up_ifindex = 1;
	c.tun_ifindex = 1;
	xlat_bpf_configure(&fp, &c);
	diff_one("udp4 neutral", b, udp4(b, CLAT4, PEER4, true, 100), XLATED,
		 false);
	diff_one("udp6 neutral", b, udp6(b, PEER6, CLAT6_NEUTRAL, 100), XLATED,
		 false);
	up_egress = true;
	diff_one("udp4 neutral up", b, udp4(b, CLAT4, PEER4, true, 100),
		 XLATED, false);
	diff_one("udp4 1200 neutral up", b, udp4(b, CLAT4, PEER4, false, 1200),
		 XLATED, false);
	diff_one("echo neutral up", b, icmp4(b, 8, 0, 56), XLATED, false);
	up_egress = false;
	setup(PFX);
}

TEST(cfg_make_refuses_router_mode)
{
	struct clat_fp_cfg c;

	engine_cfg(PFX, 96);
	CHECK(xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	CHECK_EQ(c.enabled, 1);
	CHECK_EQ(c.wkp_global, 0);
	xc.decrement_ttl = true;
	CHECK(!xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	CHECK_EQ(c.enabled, 0);
	engine_cfg(PFX, 96);
	xc.reset_tos = true;
	CHECK(!xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	engine_cfg(PFX, 96);
	xc.hairpin = true;
	CHECK(!xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	engine_cfg(PFX, 96);
	xc.n_eam = 0;
	CHECK(!xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	engine_cfg("64:ff9b::", 96);
	CHECK(xlat_bpf_cfg_make(&c, &xc, UP_MTU));
	CHECK_EQ(c.wkp_global, 1);
	engine_cfg(PFX, 96);
}

/* Addresses the fast path leaves alone whatever the prefix. */
static bool special4(uint32_t a)
{
	return a == 0xc0000002 || (a >> 28) >= 0xe || (a >> 24) == 0 ||
	       (a >> 24) == 0x7f;
}

/*
 * The well-known prefix with the section 3.1 rule: at every edge of every
 * non-global range, BPF translates exactly what the engine's
 * ipv4_is_global() allows, and identically.
 */
TEST(wkp_nonglobal_matches_engine)
{
	static const struct { uint32_t net; uint8_t len; } ranges[] = {
#define X(n, l) { n, l },
		IPV4_NONGLOBAL(X)
#undef X
#define X(a) { a, 32 },
		IPV4_GLOBAL_EXCEPTIONS(X)
#undef X
		{ 0x08080808, 32 },
	};
	uint8_t b[2048];
	char s4[INET_ADDRSTRLEN], s6[INET6_ADDRSTRLEN];
	int n = 0;

	REQUIRE(setup("64:ff9b::") == 0);
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		uint32_t span = ranges[i].len < 32 ?
				0xffffffffu >> ranges[i].len : 0;
		uint32_t at[4] = { ranges[i].net, ranges[i].net + span,
				   ranges[i].net - 1, ranges[i].net + span + 1 };

		for (int k = 0; k < 4; k++) {
			struct in_addr a = { htonl(at[k]) };
			struct in6_addr a6;
			struct xlat_prefix6 wkp = { pkt_a6("64:ff9b::"), 96 };
			bool want = ipv4_is_global(&a) && !special4(at[k]);
			bool got;

			inet_ntop(AF_INET, &a, s4, sizeof(s4));
			rfc6052_embed(&wkp, &a, &a6);
			inet_ntop(AF_INET6, &a6, s6, sizeof(s6));
			got = diff_one(s4, b, udp4(b, CLAT4, s4, true, 8),
				       want ? XLATED : (special4(at[k]) ?
					CLAT_FP_PASS_ADDR : CLAT_FP_PASS_NONGLOBAL),
				       false);
			CHECK_EQ(got, want);
			got = diff_one(s6, b, udp6(b, s6, CLAT6, 8),
				       want ? XLATED : (special4(at[k]) ?
					CLAT_FP_PASS_ADDR : CLAT_FP_PASS_NONGLOBAL),
				       false);
			CHECK_EQ(got, want);
			n++;
		}
	}
	CHECK(n > 40);
	setup(PFX);
}

/*
 * Last: the counters, as the loader sums them over all CPUs since the
 * programs were loaded, add up to what this test sent and got back.
 * The engine's xlat_account() counts the same lengths (L3, no link
 * layer), which clat_bpf_stats() adds to in_bytes/out_bytes.
 */
TEST(byte_counters_add_up)
{
	uint64_t v[CLAT_FP__COUNT];
	uint8_t b[2048];
	size_t n;

	/* One more of each, with lengths worked out by hand. */
	n = udp6(b, PEER6, CLAT6, 100); /* 40 + 8 + 100 */
	CHECK_EQ(n, 148);
	diff_one("udp6 148", b, n, XLATED, false);
	n = udp4(b, CLAT4, PEER4, true, 100); /* 20 + 8 + 100 */
	CHECK_EQ(n, 128);
	diff_one("udp4 128", b, n, XLATED, false);

	REQUIRE(xlat_bpf_counters(&fp, v) == 0);
	CHECK(ran_pkts[0] > 10 && ran_pkts[1] > 10);
	CHECK_EQ(v[CLAT_FP_XLAT_6TO4], ran_pkts[0]);
	CHECK_EQ(v[CLAT_FP_XLAT_4TO6], ran_pkts[1]);
	CHECK_EQ(v[CLAT_FP_BYTES_6TO4_IN], ran_in[0]);
	CHECK_EQ(v[CLAT_FP_BYTES_6TO4_OUT], ran_out[0]);
	CHECK_EQ(v[CLAT_FP_BYTES_4TO6_IN], ran_in[1]);
	CHECK_EQ(v[CLAT_FP_BYTES_4TO6_OUT], ran_out[1]);
	/* Each translated header is 20 bytes shorter or longer. */
	CHECK_EQ(ran_in[0] - ran_out[0], 20 * ran_pkts[0]);
	CHECK_EQ(ran_out[1] - ran_in[1], 20 * ran_pkts[1]);
}

int main(void)
{
	int err;

	bpf_run_fill(data, sizeof(data));
	if (geteuid() != 0) {
		bpf_run_skip_all("bpf_fastpath", "needs root", 0);
		return 0;
	}
	err = xlat_bpf_open(&fp);
	if (err) {
		bpf_run_skip_all("bpf_fastpath", "BPF unavailable", -err);
		return 0;
	}
	engine_buf = malloc(XLAT_OUT_MIN);
	if (!engine_buf || setup(PFX)) {
		printf("Bail out! setup\n");
		return 1;
	}
	err = tap_run();
	xlat_bpf_close(&fp);
	free(engine_buf);
	return err;
}
