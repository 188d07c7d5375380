// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpus of the fuzz targets (not built by make; the seeds
 * are committed).  To regenerate:
 *
 *   cc -std=gnu11 -D_GNU_SOURCE -Isrc/engine -Isrc -Itests/lib \
 *      -o /tmp/mkcorpus tests/fuzz/mkcorpus.c tests/lib/pkt.c \
 *      src/engine/checksum.c && /tmp/mkcorpus tests/fuzz/corpus
 *
 * Each seed is FUZZ_HDR configuration bytes (see fuzz_common.h) followed
 * by one packet built with the test library, so every checksum is right
 * and the fuzzer starts from packets the engine translates.
 */
#include "engine/checksum.h"
#include "pkt.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_HDR 6

/* pool6 2001:db8:122:344::/96, WKP rule, TTL decrement, hairpin, 7 EAMs,
 * one RFC 6791 address, MTU 1280. */
static const uint8_t cfg_96[FUZZ_HDR] = { 0x5d, 0x27, 0, 0, 0, 0x12 };
/* The same with pool6 /40 and MTU 1400, RFC 6791 pool of three. */
static const uint8_t cfg_40[FUZZ_HDR] = { 0x59, 0x67, 0, 120, 0, 0x34 };
/* 64:ff9b::/96 with the rule on, no EAM. */
static const uint8_t cfg_wkp[FUZZ_HDR] = { 0x5e, 0x20, 0, 0, 0, 0 };
/* A small output buffer (256 bytes). */
static const uint8_t cfg_small[FUZZ_HDR] = { 0x5d, 0x37, 0, 0, 16, 0 };
/* Next-hop MTUs: ipv4_mtu 548, ipv6_mtu = lowest_ipv6_mtu 1400; UDP with
 * a zero checksum dropped (3/13). */
static const uint8_t cfg_mtu[FUZZ_HDR] = { 0x7d, 0x27, 0x80, 0x3c, 80, 0x12 };

static const char *dir;

static void put1(const char *sub, const char *name, const char *suffix,
		 const uint8_t *cfg, const uint8_t *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s%s", dir, sub, name, suffix);
	f = fopen(path, "wb");
	if (!f || fwrite(cfg, 1, FUZZ_HDR, f) != FUZZ_HDR ||
	    fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Each seed twice: as built, and in "fix checksums first" mode. */
static void put(const char *sub, const char *name, const uint8_t *cfg,
		const uint8_t *p, size_t n)
{
	uint8_t fix[FUZZ_HDR];

	put1(sub, name, "", cfg, p, n);
	memcpy(fix, cfg, FUZZ_HDR);
	fix[1] |= 0x80;
	put1(sub, name, "_fix", fix, p, n);
}

static uint8_t pay[2048];

static size_t ip4(uint8_t *b, const char *s, const char *d, uint8_t proto,
		  const uint8_t *l4, size_t n)
{
	struct pkt4_spec sp = { .src = s, .dst = d, .proto = proto,
				.id = 0x1234 };
	size_t len = pkt_ip4(b, &sp, l4, n);

	pkt_fix_l4_csum4(b, len);
	return len;
}

static size_t ip6(uint8_t *b, const char *s, const char *d, uint8_t nh,
		  const uint8_t *l4, size_t n)
{
	struct pkt6_spec sp = { .src = s, .dst = d, .nexthdr = nh };
	size_t len = pkt_ip6(b, &sp, l4, n);

	pkt_fix_l4_csum6(b, len);
	return len;
}

static void seeds4(void)
{
	static const uint8_t rr_opt[8] = { 7, 7, 4, 0, 0, 0, 0, 1 };
	static const uint8_t lsrr_opt[8] = { 131, 7, 4, 198, 51, 100, 9, 1 };
	const char *s = "192.0.2.1", *d = "198.51.100.2";
	uint8_t p[2048], l4[2048], inner[128];
	struct pkt4_spec sp = { .src = s, .dst = d, .proto = IPPROTO_UDP };
	size_t n, m;

	put("4to6", "udp", cfg_96, p, pkt_udp4(p, s, d, 1234, 53, "q", 1));
	put("4to6", "udp_wkp", cfg_wkp, p,
	    pkt_udp4(p, "192.0.0.2", "192.31.196.1", 1, 2, "x", 1));
	put("4to6", "udp_eam", cfg_40, p,
	    pkt_udp4(p, "192.0.2.20", "203.0.113.5", 7, 9, "abc", 3));
	n = pkt_tcp(l4, 40000, 80, 1, 0x02, NULL, 0);
	put("4to6", "tcp_syn", cfg_96, p, ip4(p, s, d, IPPROTO_TCP, l4, n));
	put("4to6", "echo", cfg_96, p, pkt_echo4(p, s, d, 7, 1, "ping", 4));
	put("4to6", "echo_small_cap", cfg_small, p,
	    pkt_echo4(p, s, d, 7, 1, pay, 600));

	/* ICMP errors quoting a UDP datagram, truncated as routers do. */
	m = pkt_udp4(inner, d, s, 53, 1234, pay, 40);
	n = pkt_icmp(l4, 3, 4, 1400, inner, 28 + 8);
	put("4to6", "frag_needed", cfg_96, p, ip4(p, "198.51.100.9", s,
						  IPPROTO_ICMP, l4, n));
	n = pkt_icmp(l4, 11, 0, 0, inner, m);
	put("4to6", "time_exceeded", cfg_40, p, ip4(p, "198.51.100.9", s,
						    IPPROTO_ICMP, l4, n));
	n = pkt_icmp(l4, 3, 3, 0, inner, m);
	put("4to6", "port_unreach", cfg_96, p, ip4(p, d, s, IPPROTO_ICMP, l4,
						   n));
	n = pkt_icmp(l4, 12, 0, 8u << 24, inner, m);
	put("4to6", "param_problem", cfg_96, p, ip4(p, d, s, IPPROTO_ICMP, l4,
						    n));

	/* A datagram in two fragments (checksum over the whole). */
	m = pkt_udp4(p, s, d, 5000, 5001, pay, 1000);
	memcpy(l4, p + 20, m - 20);
	sp.mf = true;
	n = pkt_ip4(p, &sp, l4, 504);
	put("4to6", "frag_first", cfg_96, p, n);
	sp.mf = false;
	sp.frag_off = 63;
	n = pkt_ip4(p, &sp, l4 + 504, m - 20 - 504);
	put("4to6", "frag_last", cfg_96, p, n);

	/* Options: record route (dropped silently), LSRR (refused). */
	sp = (struct pkt4_spec){ .src = s, .dst = d, .proto = IPPROTO_UDP,
				 .opts = rr_opt, .optlen = 8 };
	n = pkt_udp(l4, 1, 2, "o", 1);
	n = pkt_ip4(p, &sp, l4, n);
	pkt_fix_l4_csum4(p, n);
	put("4to6", "opt_rr", cfg_96, p, n);
	sp.opts = lsrr_opt;
	n = pkt_udp(l4, 1, 2, "o", 1);
	n = pkt_ip4(p, &sp, l4, n);
	pkt_fix_l4_csum4(p, n);
	put("4to6", "opt_lsrr", cfg_96, p, n);

	/* Zero UDP checksum, a datagram bigger than the IPv6 MTU with and
	 * without DF, TTL 1. */
	n = pkt_udp4(p, s, d, 1, 2, "z", 1);
	put16(p + 26, 0);
	put("4to6", "udp_zero_csum", cfg_96, p, n);
	n = pkt_udp4(p, s, d, 1, 2, pay, 1400);
	put("4to6", "udp_big", cfg_96, p, n);
	sp = (struct pkt4_spec){ .src = s, .dst = d, .proto = IPPROTO_UDP,
				 .df = true };
	n = pkt_udp(l4, 1, 2, pay, 1400);
	n = pkt_ip4(p, &sp, l4, n);
	pkt_fix_l4_csum4(p, n);
	put("4to6", "udp_big_df", cfg_96, p, n);
	/* With a next-hop IPv6 MTU: Fragmentation Needed. */
	put("4to6", "udp_big_df_mtu", cfg_mtu, p, n);
	/* Zero checksum under the drop policy: 3/13. */
	n = pkt_udp4(p, s, d, 1, 2, "z", 1);
	put16(p + 26, 0);
	put("4to6", "udp_zero_csum_drop", cfg_mtu, p, n);
	sp = (struct pkt4_spec){ .src = s, .dst = d, .proto = IPPROTO_UDP,
				 .ttl = 1 };
	n = pkt_udp(l4, 1, 2, "t", 1);
	n = pkt_ip4(p, &sp, l4, n);
	pkt_fix_l4_csum4(p, n);
	put("4to6", "ttl1", cfg_96, p, n);
}

/* Insert an extension header of nh type after the fixed header. */
static size_t with_ext(uint8_t *p, size_t n, uint8_t type, const uint8_t *ext,
		       size_t elen)
{
	memmove(p + 40 + elen, p + 40, n - 40);
	memcpy(p + 40, ext, elen);
	p[40] = p[6];
	p[6] = type;
	put16(p + 4, (uint16_t)(n - 40 + elen));
	return n + elen;
}

static void seeds6(void)
{
	/* s is an EAM'd IPv6 server (192.0.2.1), d the pool6 form of an IPv4
	 * host no EAM covers (192.0.2.64), as in RFC 7757 section 4. */
	const char *s = "2001:db8:aaaa::", *d = "2001:db8:122:344::c000:240";
	uint8_t p[2048], l4[2048], inner[256];
	uint8_t hbh[8] = { 0, 0, 1, 4, 0, 0, 0, 0 }; /* PadN */
	uint8_t rh[24] = { 0, 2, 0, 1 };            /* type 0, 1 left */
	uint8_t fh[8] = { 0 };
	size_t n, m;

	put("6to4", "udp", cfg_96, p, pkt_udp6(p, s, d, 1234, 53, "q", 1));
	put("6to4", "udp_pool6", cfg_96, p,
	    pkt_udp6(p, "2001:db8:122:344::c000:221", d, 1, 2, "p", 1));
	put("6to4", "udp_pool6_40", cfg_40, p,
	    pkt_udp6(p, "2001:db8:1c0:2:21::", "2001:db8:1c0:2:40::", 1,
		     2, "p", 1));
	put("6to4", "udp_wkp", cfg_wkp, p,
	    pkt_udp6(p, "2001:db8:1::1", "64:ff9b::192.31.196.1", 1, 2, "w",
		     1));
	n = pkt_tcp(l4, 40000, 443, 9, 0x12, NULL, 0);
	put("6to4", "tcp", cfg_96, p, ip6(p, s, d, IPPROTO_TCP, l4, n));
	put("6to4", "echo", cfg_96, p, pkt_echo6(p, s, d, 3, 4, "ping", 4));
	put("6to4", "echo_small_cap", cfg_small, p,
	    pkt_echo6(p, s, d, 3, 4, pay, 600));
	/* Hairpin: the pool6 form of an IPv4 address that an EAM covers. */
	put("6to4", "hairpin", cfg_96, p,
	    pkt_udp6(p, s, "2001:db8:122:344::cb00:7105", 1, 2, "h", 1));

	/* ICMPv6 errors quoting a UDP datagram. */
	m = pkt_udp6(inner, d, s, 53, 1234, pay, 60);
	/* Errors from an untranslatable router about d's datagram to s. */
	n = pkt_icmp(l4, 2, 0, 1280, inner, 48 + 8);
	put("6to4", "ptb", cfg_96, p,
	    ip6(p, "2001:db8:ffff::9", d, IPPROTO_ICMPV6, l4, n));
	n = pkt_icmp(l4, 3, 0, 0, inner, m);
	put("6to4", "time_exceeded", cfg_96, p,
	    ip6(p, "2001:db8:ffff::9", d, IPPROTO_ICMPV6, l4, n));
	/* Errors from s itself. */
	n = pkt_icmp(l4, 1, 4, 0, inner, m);
	put("6to4", "port_unreach", cfg_96, p,
	    ip6(p, s, d, IPPROTO_ICMPV6, l4, n));
	n = pkt_icmp(l4, 4, 0, 6, inner, m);
	put("6to4", "param_problem", cfg_96, p,
	    ip6(p, s, d, IPPROTO_ICMPV6, l4, n));

	/* Extension headers: hop-by-hop, destination options, routing. */
	n = with_ext(p, pkt_udp6(p, s, d, 1, 2, "e", 1), 0, hbh, 8);
	put("6to4", "hbh", cfg_96, p, n);
	n = with_ext(p, pkt_udp6(p, s, d, 1, 2, "e", 1), 60, hbh, 8);
	put("6to4", "dstopt", cfg_96, p, n);
	memcpy(rh + 8, &(struct in6_addr){ .s6_addr = { 0x20, 0x01, 0x0d,
						       0xb8, 1 } },
	       16);
	n = with_ext(p, pkt_udp6(p, s, d, 1, 2, "r", 1), 43, rh, 24);
	put("6to4", "routing", cfg_96, p, n);

	/* Fragments of one UDP datagram. */
	m = pkt_udp6(p, s, d, 7, 8, pay, 1000);
	memcpy(l4, p + 40, m - 40);
	fh[3] = 1; /* offset 0, M */
	put32(fh + 4, 0xdeadbeef);
	n = pkt_ip6(p, &(struct pkt6_spec){ .src = s, .dst = d,
					    .nexthdr = IPPROTO_UDP },
		    l4, 504);
	n = with_ext(p, n, 44, fh, 8);
	put("6to4", "frag_first", cfg_96, p, n);
	put16(fh + 2, 504); /* offset 63 units, no M */
	n = pkt_ip6(p, &(struct pkt6_spec){ .src = s, .dst = d,
					    .nexthdr = IPPROTO_UDP },
		    l4 + 504, m - 40 - 504);
	n = with_ext(p, n, 44, fh, 8);
	put("6to4", "frag_last", cfg_96, p, n);
	/* An atomic fragment (offset 0, no M). */
	fh[2] = fh[3] = 0;
	n = with_ext(p, pkt_udp6(p, s, d, 1, 2, "a", 1), 44, fh, 8);
	put("6to4", "frag_atomic", cfg_96, p, n);

	/* Next-hop MTUs: Packet Too Big, IPv4 fragmentation. */
	put("6to4", "udp_big_mtu", cfg_mtu, p,
	    pkt_udp6(p, s, d, 1, 2, pay, 1400));
	put("6to4", "udp_df0_mtu", cfg_mtu, p,
	    pkt_udp6(p, s, d, 1, 2, pay, 1000));
	/* Header problems: a fragment of a length not a multiple of 8 with
	 * M, hop-by-hop after destination options. */
	fh[3] = 1;
	n = with_ext(p, pkt_udp6(p, s, d, 1, 2, "odd", 3), 44, fh, 8);
	put("6to4", "frag_bad_len", cfg_mtu, p, n);
	fh[3] = 0;
	n = with_ext(p, pkt_udp6(p, s, d, 1, 2, "e", 1), 0, hbh, 8);
	n = with_ext(p, n, 60, hbh, 8);
	put("6to4", "hbh_not_first", cfg_96, p, n);

	/* Big packet for the IPv4 side, hop limit 1. */
	put("6to4", "udp_big", cfg_96, p, pkt_udp6(p, s, d, 1, 2, pay, 1400));
	n = pkt_udp(l4, 1, 2, "h", 1);
	n = pkt_ip6(p, &(struct pkt6_spec){ .src = s, .dst = d, .hlim = 1,
					    .nexthdr = IPPROTO_UDP },
		    l4, n);
	pkt_fix_l4_csum6(p, n);
	put("6to4", "hlim1", cfg_96, p, n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return 2;
	}
	dir = argv[1];
	for (size_t i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(i * 31 + 7);
	seeds4();
	seeds6();
	return 0;
}
