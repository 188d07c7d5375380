/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the IPv6 -> IPv4 files share (RFC 7915 section 5): the parsed
 * packet, the translation's state and the helpers both the plain path
 * (rfc7915_6to4.c) and the ICMPv6 error path (rfc7915_icmp6to4.c) use.
 * The IPv6 header chain is parsed in rfc7915_parse6.c.
 */
#ifndef XLAT_RFC7915_6TO4_INT_H
#define XLAT_RFC7915_6TO4_INT_H

#include "checksum.h"
#include "xlat.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP4_HDR 20
#define IP6_HDR 40
#define FRAG_HDR 8
#define ICMP_HDR 8
#define IP6_MIN_MTU 1280
#define DF_LIMIT 1260     /* RFC 7915 5.1: DF=1 only above this size */
#define ICMP4_ERR_MAX 576 /* RFC 1812 4.3.2.3 */
#define EXT_MIN_ORIG 128  /* RFC 4884: original datagram before extensions */
#define REPLY_HLIM 64

#define NH_HOP 0
#define NH_ROUTING 43
#define NH_FRAG 44
#define NH_DSTOPTS 60
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMP6 58

/* A parsed IPv6 header and extension header chain (outer or embedded). */
struct p6 {
	const uint8_t *p;
	size_t len;       /* bytes of this datagram present: <= 40 + plen */
	size_t plen;      /* Payload Length field */
	size_t l4off;     /* offset of the upper-layer data */
	uint8_t proto;    /* the final Next Header */
	bool fh;          /* a Fragment Header, atomic or not */
	bool frag;        /* a Fragment Header that is not atomic */
	bool mf;
	uint16_t fo;      /* fragment offset, 8-byte units */
	uint16_t id;      /* low 16 bits of the fragment Identification */
	size_t sl_ptr;    /* offset of a non-zero Segments Left, or 0 */
	bool frag_ext;    /* headers in a first fragment's fragmentable part */
	/* The ICMPv6 error a parse failure deserves; type 0: none. */
	uint8_t err_type, err_code;
	uint32_t err_ptr;
	struct in6_addr src, dst;
};

struct ctx {
	const struct xlat_cfg *cfg;
	struct xlat_out *out;
	struct p6 h;
	struct in_addr src4, dst4;
	bool dst_eam; /* the destination matched an EAM entry */
	bool any_frag; /* this error may answer a non-first fragment */
	uint8_t ttl;
	unsigned int flags; /* XLAT_F_GSO, XLAT_F_CSUM_PARTIAL */
};

static inline enum xlat_verdict drop(struct xlat_out *out, enum xlat_drop r)
{
	out->n = 0;
	out->reason = r;
	return XLAT_DROP;
}

static inline bool is_ext_hdr(uint8_t nh)
{
	return nh == NH_HOP || nh == NH_ROUTING || nh == NH_FRAG ||
	       nh == NH_DSTOPTS;
}

static inline bool icmp6_is_error_type(uint8_t t)
{
	return t < 128;
}

/* The upper-layer length as the original packet had it. */
static inline size_t l4_total(const struct p6 *h)
{
	return h->plen - (h->l4off - IP6_HDR);
}

/* rfc7915_parse6.c: the header and extension header chain. */
enum xlat_drop v6_parse_outer(const uint8_t *p, size_t len, struct p6 *h);
enum xlat_drop v6_parse_inner(const uint8_t *p, size_t len, struct p6 *h);

/* rfc7915_6to4.c: the translated header and checksums. */
void to4_write_ip4(uint8_t *b, const struct xlat_cfg *cfg,
		   const struct p6 *h, size_t total, uint16_t id, uint8_t ttl,
		   uint8_t proto, const struct in_addr *s,
		   const struct in_addr *d);
uint32_t to4_addr_delta(const struct p6 *h, const struct in_addr *s4,
			const struct in_addr *d4);
void to4_fix_echo(uint8_t *icmp, const struct p6 *h, uint8_t type4,
		  size_t have);
void to4_fix_l4(uint8_t *l4, size_t n, uint8_t proto, uint32_t delta);
enum xlat_drop to4_map_pair(const struct xlat_cfg *cfg, const struct p6 *h,
			    struct in_addr *s4, struct in_addr *d4,
			    bool *src_failed, bool *dst_eam);

/* rfc7915_icmp6to4.c: an ICMPv6 error and the packet it quotes. */
enum xlat_verdict to4_icmp_error(struct ctx *c, size_t *len4);

#endif
