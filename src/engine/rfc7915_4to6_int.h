/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the IPv4 -> IPv6 files share (RFC 7915 section 4): the parsed
 * packet, the translation's state and the helpers both the plain path
 * (rfc7915_4to6.c) and the ICMPv4 error path (rfc7915_icmp4to6.c) use.
 * The IPv4 header is parsed in rfc7915_parse4.c.
 */
#ifndef XLAT_RFC7915_4TO6_INT_H
#define XLAT_RFC7915_4TO6_INT_H

#include "rfc7915.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define IP4_HDR 20
#define IP6_HDR 40
#define FRAG_HDR 8
#define ICMP_HDR 8
#define IP6_MIN_MTU 1280
#define REPLY4_MAX 576 /* RFC 1812 4.3.2.3 */
#define EXT_MIN_ORIG 128 /* RFC 4884: original datagram with extensions */
#define HEAD_MAX 64

#define PROTO_ICMP 1
#define PROTO_IGMP 2
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMP6 58
#define NH_FRAG 44

/* A parsed IPv4 header (outer or embedded). */
struct v4 {
	const uint8_t *p;
	size_t ihl;
	size_t tot;   /* Total Length field */
	size_t avail; /* bytes of this datagram present: min(tot, captured) */
	uint16_t id;
	uint32_t off; /* fragment offset in bytes */
	bool df, mf;
	uint8_t tos, ttl, proto;
	struct in_addr src, dst;
};

struct ctx {
	const struct xlat_cfg *cfg;
	struct xlat_out *out;
	unsigned int flags;
	struct v4 h;
	struct in6_addr src6, dst6;
	uint8_t hlim;
	size_t mtu;
};

/* The translated start of a transport payload. */
struct head {
	uint8_t b[HEAD_MAX];
	size_t len;
};

static inline enum xlat_verdict drop(struct xlat_out *out, enum xlat_drop r)
{
	out->n = 0;
	out->reason = r;
	return XLAT_DROP;
}

static inline bool is_frag(const struct v4 *h)
{
	return h->mf || h->off;
}

/*
 * IPv6 would read these protocol numbers as extension headers (or as
 * ICMPv6 whose checksum nobody computed), letting an IPv4 sender forge a
 * routing or fragment header: never pass them through.
 */
static inline bool proto_forbidden(uint8_t p)
{
	switch (p) {
	case 0:   /* hop-by-hop options */
	case 43:  /* routing */
	case 44:  /* fragment */
	case 58:  /* ICMPv6 */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
		return true;
	}
	return false;
}

static inline uint8_t tclass(const struct ctx *c, uint8_t tos)
{
	return c->cfg->reset_tos ? 0 : tos;
}

static inline void head_init(struct head *hd, const uint8_t *l4, size_t l4len)
{
	hd->len = l4len < HEAD_MAX ? l4len : HEAD_MAX;
	memcpy(hd->b, l4, hd->len);
}

static inline bool icmp4_is_info(uint8_t type)
{
	switch (type) {
	case 0: case 8: case 9: case 10: case 13: case 14:
	case 15: case 16: case 17: case 18:
		return true;
	}
	return false;
}

/* rfc7915_parse4.c: the header and its options. */
enum xlat_drop v4_parse_outer(const uint8_t *p, size_t len, struct v4 *h);
enum xlat_drop v4_parse_inner(const uint8_t *p, size_t len, struct v4 *h);
bool v4_unexpired_source_route(const uint8_t *o, size_t n);

/* rfc7915_4to6.c: the translated headers, payload and checksums. */
enum xlat_drop to6_map_pair(const struct ctx *c, const struct v4 *h,
			    bool inner, struct in6_addr *s6,
			    struct in6_addr *d6);
void to6_write_ip6(uint8_t *b, uint8_t tc, size_t plen, uint8_t nh,
		   uint8_t hlim, const struct in6_addr *s6,
		   const struct in6_addr *d6);
void to6_write_frag(uint8_t *b, uint8_t nh, uint32_t off, bool m,
		    uint16_t id);
void to6_copy_payload(uint8_t *dst, size_t from, size_t n,
		      const struct head *hd, const uint8_t *l4);
enum xlat_drop to6_fix_tcp_udp(const struct ctx *c, const struct v4 *h,
			       const struct in6_addr *s6,
			       const struct in6_addr *d6, struct head *hd,
			       bool inner);
void to6_fix_echo(const struct v4 *h, const struct in6_addr *s6,
		  const struct in6_addr *d6, struct head *hd);

/* rfc7915_icmp4to6.c: an ICMPv4 error and the packet it quotes. */
enum xlat_verdict to6_icmp_error(struct ctx *c, const uint8_t *icmp,
				 size_t len);

#endif
