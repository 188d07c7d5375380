/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared set-up of the RFC 6146 unit tests.  Address plan:
 *   pool6  2001:db8:64::/96 (network-specific: the RFC 6052 section 3.1
 *          rule stays out of the way unless a test asks for 64:ff9b::)
 *   pool4  192.0.2.1, TCP/UDP ports 1024-65535, ICMP ids 0-65535
 *   IPv6 hosts 2001:db8:1::a, 2001:db8:1::b; IPv4 servers 198.51.100.7
 *   (= 2001:db8:64::c633:6407) and 203.0.113.5 (= 2001:db8:64::cb00:7105)
 */
#ifndef RFC6146_FIXTURE_H
#define RFC6146_FIXTURE_H

#include "engine/checksum.h"
#include "engine/rfc6146.h"
#include "engine/xlat.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define HA "2001:db8:1::a"
#define HB "2001:db8:1::b"
#define S1 "198.51.100.7"
#define S1_6 "2001:db8:64::c633:6407"
#define S2 "203.0.113.5"
#define S2_6 "2001:db8:64::cb00:7105"
#define P4 "192.0.2.1"
#define P4_6 "2001:db8:64::c000:201"

#define SEC 1000ull
#define MIN (60 * SEC)

static uint8_t fx_obuf[XLAT_OUT_MIN];
static struct xlat_out out;
static uint8_t fx_pkt[70000];
static void *fx_mem;

static inline void fx_pool4(struct nat64_cfg *c, enum nat64_proto p,
			    const char *a, uint8_t len, uint16_t lo,
			    uint16_t hi)
{
	struct nat64_pool4 *e = &c->pool4[c->n_pool4++];

	e->proto = p;
	e->pfx.addr = pkt_a4(a);
	e->pfx.len = len;
	e->lo = lo;
	e->hi = hi;
}

static inline void fx_cfg(struct nat64_cfg *c)
{
	nat64_cfg_init(c);
	c->xlat.has_pool6 = true;
	c->xlat.pool6.addr = pkt_a6("2001:db8:64::");
	c->xlat.pool6.len = 96;
	c->xlat.self4 = pkt_a4("192.0.2.254");
	c->xlat.self6 = pkt_a6("2001:db8:ffff::1");
	c->max_sessions = 64;
	c->key[0] = 0x0706050403020100ull;
	c->key[1] = 0x0f0e0d0c0b0a0908ull;
	fx_pool4(c, NAT64_TCP, P4, 32, 1024, 65535);
	fx_pool4(c, NAT64_UDP, P4, 32, 1024, 65535);
	fx_pool4(c, NAT64_ICMP, P4, 32, 0, 65535);
}

static inline struct nat64 *fx_nat(const struct nat64_cfg *c)
{
	size_t n = (nat64_mem_size(c) + 63) & ~(size_t)63;

	free(fx_mem);
	fx_mem = aligned_alloc(64, n);
	if (!fx_mem)
		abort();
	return nat64_init(fx_mem, n, c);
}

static inline void fx_out(void)
{
	uint16_t id = out.next_id;

	memset(&out, 0, sizeof(out));
	out.buf = fx_obuf;
	out.cap = sizeof(fx_obuf);
	out.next_id = id;
}

/* Run a packet built in fx_pkt through one direction. */
static inline enum xlat_verdict fx_6to4(struct nat64 *n, size_t len,
					uint64_t now)
{
	fx_out();
	return nat64_6to4(n, fx_pkt, len, &out, now);
}

static inline enum xlat_verdict fx_4to6(struct nat64 *n, size_t len,
					uint64_t now)
{
	fx_out();
	return nat64_4to6(n, fx_pkt, len, &out, now);
}

static inline size_t fx_tcp6(const char *src, const char *dst, uint16_t sp,
			     uint16_t dp, uint8_t flags)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = 6 };
	uint8_t l4[20];
	size_t n;

	pkt_tcp(l4, sp, dp, 1000, flags, "", 0);
	n = pkt_ip6(fx_pkt, &s, l4, 20);
	pkt_fix_l4_csum6(fx_pkt, n);
	return n;
}

static inline size_t fx_tcp4(const char *src, const char *dst, uint16_t sp,
			     uint16_t dp, uint8_t flags)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = 6 };
	uint8_t l4[20];
	size_t n;

	pkt_tcp(l4, sp, dp, 2000, flags, "", 0);
	n = pkt_ip4(fx_pkt, &s, l4, 20);
	pkt_fix_l4_csum4(fx_pkt, n);
	return n;
}

static inline uint8_t *fx_o(unsigned int i)
{
	return xlat_out_data(&out, i);
}

static inline struct in_addr fx_src4(void)
{
	struct in_addr a;

	memcpy(&a, fx_o(0) + 12, 4);
	return a;
}

/* Map HA:sp -> S1:dp over UDP; the pool4 port it got, or 0. */
static inline uint16_t fx_udp_map(struct nat64 *n, const char *h, uint16_t sp,
				  const char *dst6, uint64_t now)
{
	size_t len = pkt_udp6(fx_pkt, h, dst6, sp, 53, "q", 1);

	if (fx_6to4(n, len, now) != XLAT_OUT)
		return 0;
	return get16(fx_o(0) + 20);
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#endif
