// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpus of fuzz_nat64 (not built by make; the seeds are
 * committed).  The seeds are real conversations: the generator runs the
 * NAT64 itself to learn the pool4 ports it hands out, so that the answers
 * in a seed reach existing sessions.  To regenerate:
 *
 *   cc -std=gnu11 -D_GNU_SOURCE -Isrc/engine -Isrc -Itests/lib \
 *      -o /tmp/mkcorpus_nat64 tests/fuzz/mkcorpus_nat64.c tests/lib/pkt.c \
 *      $(find src/engine -name '*.c') && \
 *      /tmp/mkcorpus_nat64 tests/fuzz/corpus/nat64
 *
 * The configuration must match setup() in fuzz_nat64.c: pool6
 * 2001:db8:64::/96 (or 64:ff9b::/96), pool4 192.0.2.0/31 ports 1020-1031,
 * ICMP identifiers 0-7, key {1, 2}.
 */
#include "engine/checksum.h"
#include "engine/rfc6146.h"
#include "pkt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;
static uint8_t seed[65536];
static size_t slen;
static struct nat64 *nat;
static void *mem;
static uint8_t obuf[XLAT_OUT_MIN], pbuf[4096], last[4096];
static size_t last_len;
static uint64_t now;

static void start(uint8_t h)
{
	struct nat64_cfg c;
	size_t n;

	nat64_cfg_init(&c);
	c.xlat.has_pool6 = true;
	c.xlat.pool6.addr = pkt_a6(h & 2 ? "64:ff9b::" : "2001:db8:64::");
	c.xlat.pool6.len = 96;
	c.xlat.self4 = pkt_a4("192.0.2.254");
	c.xlat.self6 = pkt_a6("2001:db8:ffff::1");
	c.xlat.icmp_errors = !(h & 0x10);
	c.xlat.decrement_ttl = !(h & 0x80);
	c.filter = h & 1 ? NAT64_FILTER_AD : NAT64_FILTER_EI;
	c.max_sessions = h & 4 ? 4 : 64;
	c.max_per_host = h & 8 ? 2 : 0;
	c.wkp_global_only = !(h & 0x40);
	c.key[0] = 1;
	c.key[1] = 2;
	for (int p = 0; p < NAT64_PROTO__COUNT; p++) {
		struct nat64_pool4 *e = &c.pool4[c.n_pool4++];

		e->proto = (enum nat64_proto)p;
		e->pfx.addr = pkt_a4("192.0.2.0");
		e->pfx.len = 31;
		e->lo = p == NAT64_ICMP ? 0 : 1020;
		e->hi = p == NAT64_ICMP ? 7 : 1031;
	}
	if (h & 0x20) {
		c.statics[0].proto = NAT64_UDP;
		c.statics[0].a6 = pkt_a6("2001:db8:1::53");
		c.statics[0].p6 = 53;
		c.statics[0].a4 = pkt_a4("192.0.2.1");
		c.statics[0].p4 = 53;
		c.n_static = 1;
	}
	free(mem);
	n = nat64_mem_size(&c);
	mem = malloc(n);
	nat = nat64_init(mem, n, &c);
	if (!nat)
		abort();
	seed[0] = h;
	slen = 1;
	now = 0;
}

/* Append one record and run it, keeping the first output packet. */
static void rec(int to6, unsigned int secs, const uint8_t *p, size_t n)
{
	struct xlat_out out = { .buf = obuf, .cap = sizeof(obuf) };
	enum xlat_verdict v;

	seed[slen++] = (uint8_t)(to6 | secs << 2);
	put16(seed + slen, (uint16_t)n);
	memcpy(seed + slen + 2, p, n);
	slen += 2 + n;
	now += secs * 1000ull;
	nat64_expire(nat, now, 1000);
	memcpy(pbuf, p, n);
	v = to6 ? nat64_4to6(nat, pbuf, n, &out, now)
		: nat64_6to4(nat, pbuf, n, &out, now);
	last_len = 0;
	if (v != XLAT_DROP && out.pkt[0].len <= sizeof(last)) {
		last_len = out.pkt[0].len;
		memcpy(last, xlat_out_data(&out, 0), last_len);
	}
}

static void done(const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(seed, 1, slen, f) != slen || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static uint8_t b[4096];

static size_t tcp(int v6, const char *s, const char *d, uint16_t sp,
		  uint16_t dp, uint8_t fl)
{
	uint8_t l4[20];
	size_t n;

	pkt_tcp(l4, sp, dp, 1, fl, "", 0);
	if (v6) {
		struct pkt6_spec sp6 = { .src = s, .dst = d, .nexthdr = 6 };

		n = pkt_ip6(b, &sp6, l4, 20);
		pkt_fix_l4_csum6(b, n);
	} else {
		struct pkt4_spec sp4 = { .src = s, .dst = d, .proto = 6 };

		n = pkt_ip4(b, &sp4, l4, 20);
		pkt_fix_l4_csum4(b, n);
	}
	return n;
}

/* The pool4 address and port of the last 6to4 output, as text. */
static char p4s[32];
static uint16_t p4p;

static void learn(void)
{
	snprintf(p4s, sizeof(p4s), "%u.%u.%u.%u", last[12], last[13],
		 last[14], last[15]);
	p4p = get16(last + 20);
}

#define HA "2001:db8:1::a"
#define HB "2001:db8:1::b"
#define S1 "198.51.100.7"
#define S1_6 "2001:db8:64::c633:6407"

static void udp_seed(void)
{
	uint8_t icmp[256], err[512];
	struct pkt4_spec s = { .src = "203.0.113.1", .proto = 1 };
	size_t n;

	start(0x40);
	rec(0, 0, b, pkt_udp6(b, HA, S1_6, 40000, 53, "query", 5));
	learn();
	rec(1, 1, b, pkt_udp4(b, S1, p4s, 53, p4p, "answer", 6));
	rec(0, 0, b, pkt_udp6(b, HA, S1_6, 40000, 53, "query", 5));
	memcpy(icmp, last, 28);
	s.dst = p4s;
	n = pkt_icmp(err, 3, 3, 0, icmp, 28);
	n = pkt_ip4(b, &s, err, n);
	pkt_fix_l4_csum4(b, n);
	rec(1, 2, b, n);
	rec(0, 63, b, pkt_udp6(b, HA, S1_6, 40001, 53, "late", 4));
	done("udp");
}

static void tcp_seed(void)
{
	start(0x41);
	rec(0, 0, b, tcp(1, HA, S1_6, 40000, 80, 0x02));
	learn();
	rec(1, 0, b, tcp(0, S1, p4s, 80, p4p, 0x12));
	rec(0, 0, b, tcp(1, HA, S1_6, 40000, 80, 0x10));
	rec(0, 1, b, tcp(1, HA, S1_6, 40000, 80, 0x11));
	rec(1, 0, b, tcp(0, S1, p4s, 80, p4p, 0x11));
	rec(0, 0, b, tcp(1, HA, S1_6, 40000, 80, 0x10));
	rec(1, 0, b, tcp(0, S1, p4s, 80, p4p, 0x04));
	done("tcp");
}

static void echo_seed(void)
{
	size_t n;

	start(0x42);
	rec(0, 0, b, pkt_echo6(b, HA, "64:ff9b::c633:6407", 77, 1, "ping", 4));
	learn();
	n = pkt_echo4(b, S1, p4s, get16(last + 24), 1, "ping", 4);
	b[20] = 0;
	pkt_fix_l4_csum4(b, n);
	rec(1, 1, b, n);
	done("echo");
}

static void hairpin_seed(void)
{
	char d6[64];

	start(0x40);
	rec(0, 0, b, pkt_udp6(b, HB, S1_6, 5000, 53, "b", 1));
	learn();
	snprintf(d6, sizeof(d6), "2001:db8:64::%02x%02x:%02x%02x", last[12],
		 last[13], last[14], last[15]);
	rec(0, 1, b, pkt_udp6(b, HA, d6, 6000, p4p, "to b", 4));
	done("hairpin");
}

static void static_seed(void)
{
	start(0x61);
	rec(1, 0, b, pkt_udp4(b, S1, "192.0.2.1", 999, 53, "q", 1));
	rec(0, 0, b, pkt_udp6(b, "2001:db8:1::53", S1_6, 53, 999, "a", 1));
	done("static");
}

static void full_seed(void)
{
	start(0x4c);
	for (uint16_t p = 1; p <= 6; p++)
		rec(0, 0, b, pkt_udp6(b, p & 1 ? HA : HB, S1_6, p, 53, "x", 1));
	rec(0, 63, b, pkt_udp6(b, HA, S1_6, 9, 53, "x", 1));
	done("full");
}

/* RFC 6146 3.5.2.2: an IPv4 SYN held and met by the host's SYN
 * (simultaneous open), another held until its Port Unreachable, one
 * refused by address-dependent filtering. */
static void simopen_seed(void)
{
	start(0x41);
	rec(1, 0, b, tcp(0, S1, "192.0.2.1", 80, 1025, 0x02));
	rec(0, 1, b, tcp(1, HA, S1_6, 40000, 80, 0x02));
	learn();
	rec(1, 0, b, tcp(0, S1, p4s, 80, p4p, 0x12));
	rec(1, 0, b, tcp(0, "203.0.113.9", p4s, 81, p4p, 0x02));
	rec(1, 0, b, tcp(0, S1, "192.0.2.0", 80, 1030, 0x02));
	rec(0, 7, b, tcp(1, HA, S1_6, 40000, 80, 0x10));
	done("simopen");
}

/* A UDP datagram in two IPv6 fragments, the answer in two IPv4 ones. */
static void frag_seed(void)
{
	static uint8_t whole[1600], data[1400], fr[1600];
	struct pkt6_spec s6 = { .src = HA, .dst = S1_6, .nexthdr = 44 };
	size_t ul = pkt_udp6(whole, HA, S1_6, 7000, 53, data, sizeof(data)) - 40;
	uint8_t *u = whole + 40;

	start(0x40);
	fr[0] = 17;
	fr[1] = 0;
	put16(fr + 2, 0 | 1);
	put32(fr + 4, 77);
	memcpy(fr + 8, u, 1000);
	rec(0, 0, b, pkt_ip6(b, &s6, fr, 1008));
	learn();
	put16(fr + 2, 1000);
	memcpy(fr + 8, u + 1000, ul - 1000);
	rec(0, 0, b, pkt_ip6(b, &s6, fr, 8 + ul - 1000));
	ul = pkt_udp4(whole, S1, p4s, 53, p4p, data, sizeof(data)) - 20;
	{
		struct pkt4_spec a = { .src = S1, .dst = p4s, .proto = 17,
				       .id = 9, .mf = true };
		struct pkt4_spec z = { .src = S1, .dst = p4s, .proto = 17,
				       .id = 9, .frag_off = 1000 / 8 };

		rec(1, 0, b, pkt_ip4(b, &a, whole + 20, 1000));
		rec(1, 0, b, pkt_ip4(b, &z, whole + 20 + 1000, ul - 1000));
	}
	done("frag");
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	dir = argv[1];
	udp_seed();
	tcp_seed();
	echo_seed();
	hairpin_seed();
	static_seed();
	full_seed();
	frag_seed();
	simopen_seed();
	free(mem);
	return 0;
}
