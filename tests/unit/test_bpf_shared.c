// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the shared-address CLAT's uplink ingress program
 * (src/bpf/clat_shared.bpf.c) under BPF_PROG_TEST_RUN.  It must take
 * exactly the packets of live mappings -- by destination port, echo
 * reply identifier, or the quoted source port of an ICMPv6 error -- and
 * leave everything else of the host's untouched.  Needs root and a
 * kernel with BPF: otherwise one "ok # SKIP".
 */
#define TAP_MAIN
#include "tap.h"

#include "datapath/bpf_shared.h"
#include "engine/checksum.h"
#include "pkt.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netinet/in.h>
#include <string.h>

#define HOST "2001:db8:1::99"
#define REM "2001:db8:64::c633:6407"

static struct xlat_shared_bpf sb;
static int loaded = -1;

static bool ready(void)
{
	if (loaded < 0) {
		struct in6_addr a = pkt_a6(HOST);

		loaded = xlat_shared_bpf_open(&sb, 64) == 0 &&
			 xlat_shared_bpf_configure(&sb, 14, &a) == 0;
	}
	return loaded;
}

/* The program's verdict on an Ethernet frame around pkt; -1: no run. */
static int verdict(const uint8_t *pkt, size_t len)
{
	uint8_t in[2048], out[2048];
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in,
			    .data_size_in = (uint32_t)(len + 14),
			    .data_out = out, .data_size_out = sizeof(out),
			    .repeat = 1);

	memcpy(in, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	put16(in + 12, 0x86dd);
	memcpy(in + 14, pkt, len);
	if (bpf_prog_test_run_opts(xlat_shared_bpf_prog_fd(&sb), &o))
		return -1;
	/* Never a change to the packet itself. */
	if (o.data_size_out != len + 14 || memcmp(out, in, len + 14))
		return -2;
	return (int)o.retval;
}

static size_t tcp6(uint8_t *b, const char *src, const char *dst,
		   uint16_t sp, uint16_t dp)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = IPPROTO_TCP };
	uint8_t l4[64];
	size_t n = pkt_tcp(l4, sp, dp, 1, 0x12, "", 0);

	n = pkt_ip6(b, &s, l4, n);
	pkt_fix_l4_csum6(b, n);
	return n;
}

/* An ICMPv6 error from a router about the packet q. */
static size_t err6(uint8_t *b, uint8_t type, const uint8_t *q, size_t qn)
{
	struct pkt6_spec s = { .src = "2001:db8:ff::1", .dst = HOST,
			       .nexthdr = IPPROTO_ICMPV6 };
	uint8_t l4[512];
	size_t n = pkt_icmp(l4, type, 0, type == 2 ? 1280 : 0, q, qn);

	n = pkt_ip6(b, &s, l4, n);
	pkt_fix_l4_csum6(b, n);
	return n;
}

#define SHOT 2
#define OK 0

TEST(takes_mapped_tcp_udp_only)
{
	uint8_t b[512];
	size_t n;

	if (!ready())
		return;
	REQUIRE(xlat_shared_bpf_add(&sb, IPPROTO_TCP, 61001) == 0);
	REQUIRE(xlat_shared_bpf_add(&sb, IPPROTO_UDP, 61002) == 0);
	CHECK_EQ(xlat_shared_bpf_keys(&sb), 2);
	n = tcp6(b, REM, HOST, 80, 61001);
	CHECK_EQ(verdict(b, n), SHOT);
	n = tcp6(b, REM, HOST, 80, 61002); /* UDP's port, not TCP's */
	CHECK_EQ(verdict(b, n), OK);
	n = tcp6(b, REM, "2001:db8:1::98", 80, 61001); /* not our address */
	CHECK_EQ(verdict(b, n), OK);
	n = tcp6(b, REM, HOST, 61001, 80); /* source port: the host's flow */
	CHECK_EQ(verdict(b, n), OK);
	n = pkt_udp6(b, REM, HOST, 53, 61002, "x", 1);
	CHECK_EQ(verdict(b, n), SHOT);
	n = pkt_udp6(b, REM, HOST, 53, 61001, "x", 1);
	CHECK_EQ(verdict(b, n), OK);
	REQUIRE(xlat_shared_bpf_del(&sb, IPPROTO_TCP, 61001) == 0);
	n = tcp6(b, REM, HOST, 80, 61001);
	CHECK_EQ(verdict(b, n), OK);
	xlat_shared_bpf_del(&sb, IPPROTO_UDP, 61002);
	CHECK_EQ(xlat_shared_bpf_keys(&sb), 0);
}

TEST(takes_echo_replies_not_requests)
{
	uint8_t b[512];
	size_t n;

	if (!ready())
		return;
	REQUIRE(xlat_shared_bpf_add(&sb, IPPROTO_ICMP, 61500) == 0);
	n = pkt_echo6(b, REM, HOST, 61500, 1, "p", 1);
	CHECK_EQ(verdict(b, n), OK); /* a request: the kernel answers it */
	b[40] = 129;
	pkt_fix_l4_csum6(b, n);
	CHECK_EQ(verdict(b, n), SHOT);
	n = pkt_echo6(b, REM, HOST, 61501, 1, "p", 1);
	b[40] = 129;
	pkt_fix_l4_csum6(b, n);
	CHECK_EQ(verdict(b, n), OK);
	xlat_shared_bpf_del(&sb, IPPROTO_ICMP, 61500);
}

TEST(takes_errors_about_mapped_flows)
{
	uint8_t b[1024], q[512];
	size_t n, qn;
	uint64_t c0[CLAT_SHARED__COUNT], c1[CLAT_SHARED__COUNT];

	if (!ready())
		return;
	REQUIRE(xlat_shared_bpf_add(&sb, IPPROTO_TCP, 61001) == 0);
	REQUIRE(xlat_shared_bpf_add(&sb, IPPROTO_ICMP, 61500) == 0);
	REQUIRE(xlat_shared_bpf_counters(&sb, c0) == 0);
	qn = tcp6(q, HOST, REM, 61001, 80); /* what the CLAT sent */
	n = err6(b, 2, q, qn);              /* Packet Too Big */
	CHECK_EQ(verdict(b, n), SHOT);
	n = err6(b, 1, q, qn);              /* Destination Unreachable */
	CHECK_EQ(verdict(b, n), SHOT);
	qn = tcp6(q, HOST, REM, 61002, 80); /* a host socket's flow */
	n = err6(b, 2, q, qn);
	CHECK_EQ(verdict(b, n), OK);
	qn = tcp6(q, "2001:db8:1::98", REM, 61001, 80); /* someone else's */
	n = err6(b, 2, q, qn);
	CHECK_EQ(verdict(b, n), OK);
	qn = pkt_echo6(q, HOST, REM, 61500, 3, "p", 1);
	n = err6(b, 3, q, qn);              /* Time Exceeded for our ping */
	CHECK_EQ(verdict(b, n), SHOT);
	REQUIRE(xlat_shared_bpf_counters(&sb, c1) == 0);
	CHECK_EQ(c1[CLAT_SHARED_STOLEN_ICMP_ERR] - c0[CLAT_SHARED_STOLEN_ICMP_ERR], 3);
	CHECK_EQ(c1[CLAT_SHARED_STOLEN] - c0[CLAT_SHARED_STOLEN], 0);
	CHECK_EQ(c1[CLAT_SHARED_HOST] - c0[CLAT_SHARED_HOST], 1);
	xlat_shared_bpf_del(&sb, IPPROTO_TCP, 61001);
	xlat_shared_bpf_del(&sb, IPPROTO_ICMP, 61500);
}

TEST(counter_names)
{
	CHECK_STR(xlat_shared_bpf_counter_name(CLAT_SHARED_STOLEN),
		  "shared_taken");
	CHECK_STR(xlat_shared_bpf_counter_name(CLAT_SHARED__COUNT), "?");
}

int main(void)
{
	int r;

	if (!ready()) {
		printf("1..1\nok 1 - clat_shared_in # SKIP cannot load the program (root, BPF)\n");
		return 0;
	}
	r = tap_run();

	if (loaded > 0)
		xlat_shared_bpf_close(&sb);
	return r;
}
