// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 7915 section 4: IPv4 to IPv6.
 *
 * Everything is read from the input and written once into out->buf; the
 * transport header bytes that change (type, checksum) are patched in a
 * small copy ("head") of the start of the payload, so fragmentation can
 * copy each piece straight from the input.  ICMP errors are built whole:
 * they are bounded by the IPv6 minimum MTU.
 */
#include "rfc7915.h"

#include "checksum.h"
#include "xlat_addr.h"

#include <string.h>
#include <sys/socket.h>

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

/*
 * The size a translated packet must fit: DF=0 packets are fragmented to
 * lowest-ipv6-mtu; DF=1 packets are held to the next-hop MTU when it is
 * known (else no limit: the IPv6 side answers with Packet Too Big).  An
 * IPv6 link is never below 1280; a lower setting is an error.
 */
static size_t out_mtu(const struct xlat_cfg *cfg, bool df)
{
	size_t m = df ? cfg->ipv6_mtu : cfg->lowest_ipv6_mtu;

	/* No limit, but a finite one: an IPv4 datagram is at most 64 KiB,
	 * and the fragmenting arithmetic must not overflow for a DF=1
	 * fragment. */
	if (df && !m)
		return IP6_HDR + FRAG_HDR + 65536;
	/* A known next hop smaller than lowest-ipv6-mtu bounds DF=0 too. */
	if (!df && cfg->ipv6_mtu && cfg->ipv6_mtu < m)
		m = cfg->ipv6_mtu;
	return m < IP6_MIN_MTU ? IP6_MIN_MTU : m;
}

static enum xlat_verdict drop(struct xlat_out *out, enum xlat_drop r)
{
	out->n = 0;
	out->reason = r;
	return XLAT_DROP;
}

static bool is_frag(const struct v4 *h)
{
	return h->mf || h->off;
}

static uint32_t a4(const struct in_addr *a)
{
	return get32((const uint8_t *)&a->s_addr);
}

static bool mcast_or_bcast(const struct in_addr *a)
{
	uint32_t v = a4(a);

	return (v >> 28) == 0xe || v == 0xffffffffu;
}

/* RFC 1812 4.3.2.7: only a unicast source may get an ICMP error. */
static bool unicast_src(const struct in_addr *a)
{
	uint32_t v = a4(a);

	return (v >> 24) != 0 && (v >> 24) != 127 && (v >> 28) < 0xe;
}

static void parse_fields(const uint8_t *p, struct v4 *h)
{
	uint16_t fo = get16(p + 6);

	h->p = p;
	h->ihl = (size_t)(p[0] & 0xf) * 4;
	h->tot = get16(p + 2);
	h->tos = p[1];
	h->id = get16(p + 4);
	h->df = fo & 0x4000;
	h->mf = fo & 0x2000;
	h->off = (uint32_t)(fo & 0x1fff) * 8;
	h->ttl = p[8];
	h->proto = p[9];
	memcpy(&h->src, p + 12, 4);
	memcpy(&h->dst, p + 16, 4);
}

static enum xlat_drop parse_outer(const uint8_t *p, size_t len, struct v4 *h)
{
	if (len < IP4_HDR)
		return XLAT_DROP_TRUNCATED;
	if (p[0] >> 4 != 4)
		return XLAT_DROP_BAD_VERSION;
	parse_fields(p, h);
	if (h->ihl < IP4_HDR)
		return XLAT_DROP_BAD_IHL;
	if (h->ihl > len)
		return XLAT_DROP_TRUNCATED;
	if (csum_fold(csum_add_buf(0, p, h->ihl)) != 0xffff)
		return XLAT_DROP_BAD_IP4_CSUM;
	if (h->tot < h->ihl)
		return XLAT_DROP_BAD_LENGTH;
	if (h->tot > len)
		return XLAT_DROP_TRUNCATED;
	h->avail = h->tot;
	return XLAT_DROP_NONE;
}

/*
 * The packet inside an ICMP error may be cut anywhere after its header
 * (RFC 792 keeps only 8 bytes of payload); its checksum is not ours to
 * judge, as the original may have been altered on the way.
 */
static enum xlat_drop parse_inner(const uint8_t *p, size_t len, struct v4 *h)
{
	if (len < IP4_HDR)
		return XLAT_DROP_ICMP_ERROR_TRUNCATED;
	if (p[0] >> 4 != 4)
		return XLAT_DROP_BAD_VERSION;
	parse_fields(p, h);
	if (h->ihl < IP4_HDR)
		return XLAT_DROP_BAD_IHL;
	if (h->ihl > len)
		return XLAT_DROP_ICMP_ERROR_TRUNCATED;
	if (h->tot < h->ihl)
		return XLAT_DROP_BAD_LENGTH;
	h->avail = h->tot < len ? h->tot : len;
	return XLAT_DROP_NONE;
}

/* RFC 7915 4.1: an unexpired LSRR/SSRR must not be translated. */
static bool unexpired_source_route(const uint8_t *o, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t t = o[i], l;

		if (t == 0) /* end of option list */
			return false;
		if (t == 1) { /* no-operation */
			i++;
			continue;
		}
		if (i + 1 >= n)
			return false;
		l = o[i + 1];
		/* Malformed lengths end the walk: options are ignored. */
		if (l < 2 || i + l > n)
			return false;
		if ((t == 131 || t == 137) && l >= 3 && o[i + 2] <= l)
			return true;
		i += l;
	}
	return false;
}

/*
 * IPv6 would read these protocol numbers as extension headers (or as
 * ICMPv6 whose checksum nobody computed), letting an IPv4 sender forge a
 * routing or fragment header: never pass them through.
 */
static bool proto_forbidden(uint8_t p)
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

static uint8_t tclass(const struct ctx *c, uint8_t tos)
{
	return c->cfg->reset_tos ? 0 : tos;
}

/*
 * Map a source and a destination.  The addresses of an embedded packet
 * run the other way, so in hairpin mode its destination is the one that
 * takes pool6 only.
 */
static enum xlat_drop map_pair(const struct ctx *c, const struct v4 *h,
			       bool inner, struct in6_addr *s6,
			       struct in6_addr *d6)
{
	bool hp = c->flags & XLAT_4TO6_HAIRPIN;
	enum xlat_drop r;

	if (hp && !inner)
		r = xlat_map4_pool6(c->cfg, &h->src, s6);
	else
		r = xlat_map4(c->cfg, &h->src, s6, NULL);
	if (r == XLAT_DROP_DST_UNTRANSLATABLE)
		r = XLAT_DROP_SRC_UNTRANSLATABLE;
	if (r != XLAT_DROP_NONE)
		return r;
	if (hp && inner)
		return xlat_map4_pool6(c->cfg, &h->dst, d6);
	return xlat_map4(c->cfg, &h->dst, d6, NULL);
}

/* RFC 1624 delta from the IPv4 to the IPv6 pseudo-header addresses. */
static uint32_t addr_delta(const struct v4 *h, const struct in6_addr *s6,
			   const struct in6_addr *d6)
{
	const uint8_t *s = (const uint8_t *)&h->src.s_addr;
	const uint8_t *d = (const uint8_t *)&h->dst.s_addr;
	uint32_t x = 0;

	x = csum_sub16(x, get16(s));
	x = csum_sub16(x, get16(s + 2));
	x = csum_sub16(x, get16(d));
	x = csum_sub16(x, get16(d + 2));
	return x + csum_addr6(s6) + csum_addr6(d6);
}

static void write_ip6(uint8_t *b, uint8_t tc, size_t plen, uint8_t nh,
		      uint8_t hlim, const struct in6_addr *s6,
		      const struct in6_addr *d6)
{
	put32(b, 0x60000000u | (uint32_t)tc << 20);
	put16(b + 4, (uint16_t)plen);
	b[6] = nh;
	b[7] = hlim;
	memcpy(b + 8, s6, 16);
	memcpy(b + 24, d6, 16);
}

static void write_frag(uint8_t *b, uint8_t nh, uint32_t off, bool m,
		       uint16_t id)
{
	b[0] = nh;
	b[1] = 0;
	put16(b + 2, (uint16_t)(off | (m ? 1 : 0)));
	put32(b + 4, id);
}

/* Copy bytes [from, from + n) of the payload: head first, then input. */
static void copy_payload(uint8_t *dst, size_t from, size_t n,
			 const struct head *hd, const uint8_t *l4)
{
	while (n && from < hd->len) {
		*dst++ = hd->b[from++];
		n--;
	}
	memcpy(dst, l4 + from, n);
}

static void head_init(struct head *hd, const uint8_t *l4, size_t l4len)
{
	hd->len = l4len < HEAD_MAX ? l4len : HEAD_MAX;
	memcpy(hd->b, l4, hd->len);
}

static bool icmp4_is_info(uint8_t type)
{
	switch (type) {
	case 0: case 8: case 9: case 10: case 13: case 14:
	case 15: case 16: case 17: case 18:
		return true;
	}
	return false;
}

/*
 * A CHECKSUM_PARTIAL field holds the folded pseudo-header sum itself, not
 * its complement: the delta is added, not subtracted from ~field.
 */
static uint16_t partial_update(uint16_t field, uint32_t delta)
{
	uint16_t d = csum_fold(delta);

	if (d == 0 || d == 0xffff)
		return field;
	return csum_fold((uint32_t)field + d);
}

/*
 * TCP and UDP: only the pseudo-header changed, so the checksum follows by
 * RFC 1624 (a checksum-neutral mapping leaves it byte-identical).
 */
static enum xlat_drop fix_tcp_udp(const struct ctx *c, const struct v4 *h,
				  const struct in6_addr *s6,
				  const struct in6_addr *d6, struct head *hd,
				  bool inner)
{
	size_t co = h->proto == PROTO_TCP ? 16 : 6;
	uint16_t ck, n;

	if (hd->len < co + 2)
		return inner ? XLAT_DROP_NONE : XLAT_DROP_TRUNCATED;
	ck = get16(hd->b + co);
	if (!inner && (c->flags & XLAT_F_CSUM_PARTIAL)) {
		/* Zero is no "no checksum" here, and the kernel finishes it. */
		put16(hd->b + co, partial_update(ck, addr_delta(h, s6, d6)));
		return XLAT_DROP_NONE;
	}
	if (h->proto == PROTO_UDP && ck == 0) {
		/* Inside an error, a zero checksum is left as it was sent. */
		if (inner)
			return XLAT_DROP_NONE;
		if (is_frag(h))
			return XLAT_DROP_UDP_ZERO_CSUM_FRAG;
		if (c->cfg->udp0 == XLAT_UDP0_DROP)
			return XLAT_DROP_UDP_ZERO_CSUM;
		n = csum_finish(csum_add_buf(csum_pseudo6(s6, d6, PROTO_UDP,
							  (uint32_t)(h->avail -
								     h->ihl)),
					     h->p + h->ihl, h->avail - h->ihl));
	} else {
		n = csum_update(ck, addr_delta(h, s6, d6));
	}
	if (h->proto == PROTO_UDP && n == 0)
		n = 0xffff;
	put16(hd->b + co, n);
	return XLAT_DROP_NONE;
}

/*
 * ICMP echo: new type, and the ICMPv6 pseudo-header joins the sum.  The
 * length is that of the whole message (for an embedded echo, the length
 * its IPv4 header claims, so its checksum stays that of the original).
 */
static void fix_echo(const struct v4 *h, const struct in6_addr *s6,
		     const struct in6_addr *d6, struct head *hd)
{
	uint8_t t6 = hd->b[0] == 8 ? 128 : 129;
	uint32_t d;

	if (hd->len < 4) {
		hd->b[0] = t6;
		return;
	}
	d = csum_sub16(0, get16(hd->b));
	hd->b[0] = t6;
	d = csum_add16(d, get16(hd->b));
	d += csum_pseudo6(s6, d6, PROTO_ICMP6, (uint32_t)(h->tot - h->ihl));
	put16(hd->b + 2, csum_update(get16(hd->b + 2), d));
}

/* ---- ICMPv4 errors generated by the translator (section 4.4) ---- */

static bool is_icmp_error(const struct v4 *h)
{
	if (h->proto != PROTO_ICMP || h->off)
		return false;
	/* Too short to tell: assume the worst and stay quiet. */
	if (h->avail < h->ihl + 1)
		return true;
	return !icmp4_is_info(h->p[h->ihl]);
}

static bool may_reply(const struct ctx *c)
{
	const struct v4 *h = &c->h;

	return c->cfg->icmp_errors && !(c->flags & XLAT_4TO6_HAIRPIN) &&
	       h->off == 0 && !is_icmp_error(h) && unicast_src(&h->src) &&
	       !mcast_or_bcast(&h->dst);
}

static enum xlat_verdict reply4(struct ctx *c, uint8_t type, uint8_t code,
				uint16_t mtu, enum xlat_drop reason)
{
	struct xlat_out *out = c->out;
	size_t olen = c->h.tot, tot;
	uint8_t *b = out->buf;

	if (!may_reply(c))
		return drop(out, reason);
	if (olen > REPLY4_MAX - IP4_HDR - ICMP_HDR)
		olen = REPLY4_MAX - IP4_HDR - ICMP_HDR;
	tot = IP4_HDR + ICMP_HDR + olen;
	if (tot > out->cap)
		return drop(out, XLAT_DROP_NO_SPACE);
	memset(b, 0, IP4_HDR + ICMP_HDR);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)tot);
	put16(b + 4, out->next_id++);
	b[8] = 64;
	b[9] = PROTO_ICMP;
	memcpy(b + 12, &c->cfg->self4, 4);
	memcpy(b + 16, &c->h.src, 4);
	put16(b + 10, ip4_header_csum(b, IP4_HDR));
	b[20] = type;
	b[21] = code;
	put16(b + 26, mtu);
	memcpy(b + 28, c->h.p, olen);
	put16(b + 22, csum_finish(csum_add_buf(0, b + 20, tot - IP4_HDR)));
	out->n = 1;
	out->pkt[0].off = 0;
	out->pkt[0].len = (uint32_t)tot;
	out->family = AF_INET;
	out->reason = reason;
	return XLAT_REPLY;
}

/*
 * RFC 7915 4.4: a discarded packet is answered with Destination
 * Unreachable, Communication Administratively Prohibited (3/13), unless
 * the rules elsewhere say otherwise.  reply4() keeps quiet about ICMP
 * errors, later fragments, multicast and broadcast.
 */
static enum xlat_verdict prohibited(struct ctx *c, enum xlat_drop reason)
{
	return reply4(c, 3, 13, 0, reason);
}

/* ---- Translated output: one packet, or fragments (section 4.1) ---- */

static enum xlat_verdict emit(struct ctx *c, const struct head *hd,
			      const uint8_t *l4, size_t l4len, uint8_t nh)
{
	const struct v4 *h = &c->h;
	struct xlat_out *out = c->out;
	uint8_t tc = tclass(c, h->tos);
	size_t chunk, nfr, pos = 0;
	bool frag = is_frag(h);

	if (!frag && (IP6_HDR + l4len <= c->mtu || (c->flags & XLAT_F_GSO))) {
		if (IP6_HDR + l4len > out->cap)
			return drop(out, XLAT_DROP_NO_SPACE);
		write_ip6(out->buf, tc, l4len, nh, c->hlim, &c->src6, &c->dst6);
		copy_payload(out->buf + IP6_HDR, 0, l4len, hd, l4);
		out->n = 1;
		out->pkt[0].off = 0;
		out->pkt[0].len = (uint32_t)(IP6_HDR + l4len);
		out->reason = XLAT_DROP_NONE;
		return XLAT_OUT;
	}
	/* Fragment Header in every piece; all but the last carry M. */
	chunk = (c->mtu - IP6_HDR - FRAG_HDR) & ~(size_t)7;
	nfr = l4len ? (l4len + chunk - 1) / chunk : 1;
	if (nfr > XLAT_MAX_FRAGS ||
	    nfr * (IP6_HDR + FRAG_HDR) + l4len > out->cap)
		return drop(out, XLAT_DROP_NO_SPACE);
	for (size_t i = 0; i < nfr; i++) {
		size_t from = i * chunk;
		size_t n = l4len - from < chunk ? l4len - from : chunk;
		uint8_t *b = out->buf + pos;
		bool m = i + 1 < nfr || h->mf;

		write_ip6(b, tc, FRAG_HDR + n, NH_FRAG, c->hlim, &c->src6,
			  &c->dst6);
		write_frag(b + IP6_HDR, nh, h->off + (uint32_t)from, m, h->id);
		copy_payload(b + IP6_HDR + FRAG_HDR, from, n, hd, l4);
		out->pkt[i].off = (uint32_t)pos;
		out->pkt[i].len = (uint32_t)(IP6_HDR + FRAG_HDR + n);
		pos += IP6_HDR + FRAG_HDR + n;
	}
	out->n = (unsigned int)nfr;
	out->reason = XLAT_DROP_NONE;
	return XLAT_OUT;
}

/* ---- ICMPv4 errors to ICMPv6 (sections 4.2 and 4.3) ---- */

struct icmp_map {
	uint8_t type, code;
	bool ext_ok; /* the ICMPv6 type has an RFC 4884 length field */
	enum { REST_NONE, REST_PTR, REST_MTU } rest;
	uint32_t ptr;
};

/* Figure 3; -1 for fields IPv6 has no counterpart of. */
static int pointer_4to6(uint8_t p)
{
	static const int8_t map[20] = {
		0, 1, 4, 4, -1, -1, -1, -1, 7, 6,
		-1, -1, 8, 8, 8, 8, 24, 24, 24, 24,
	};

	return p < 20 ? map[p] : -1;
}

/* The error half of the section 4.2 table; false: silently drop. */
static bool map_error(const uint8_t *icmp, struct icmp_map *m)
{
	uint8_t code = icmp[1];
	int ptr;

	memset(m, 0, sizeof(*m));
	switch (icmp[0]) {
	case 3:
		m->type = 1;
		m->ext_ok = true;
		switch (code) {
		case 0: case 1: case 5: case 6: case 7: case 8:
		case 11: case 12:
			m->code = 0;
			return true;
		case 2:
			m->type = 4;
			m->code = 1;
			m->ext_ok = false;
			m->rest = REST_PTR;
			m->ptr = 6; /* Next Header */
			return true;
		case 3:
			m->code = 4;
			return true;
		case 4:
			m->type = 2;
			m->ext_ok = false;
			m->rest = REST_MTU;
			return true;
		case 9: case 10: case 13: case 15:
			m->code = 1;
			return true;
		}
		return false;
	case 11:
		if (code > 1)
			return false;
		m->type = 3;
		m->code = code;
		m->ext_ok = true;
		return true;
	case 12:
		if (code != 0 && code != 2)
			return false;
		ptr = pointer_4to6(icmp[4]);
		if (ptr < 0)
			return false;
		m->type = 4;
		m->rest = REST_PTR;
		m->ptr = (uint32_t)ptr;
		return true;
	}
	return false;
}

/*
 * Section 4.2, code 4: the IPv6 MTU is 20 bytes more than the IPv4 one and
 * never below 1280; "minimum(MTU+20, MTU_of_IPv6_nexthop,
 * MTU_of_IPv4_nexthop+20)" with the next-hop MTUs that are configured.  A
 * pre-RFC 1191 router sends 0: estimate by the greatest plateau below the
 * returned Total Length.
 */
static uint32_t ptb_mtu(const struct xlat_cfg *cfg, uint16_t mtu4,
			size_t inner_tot)
{
	static const uint16_t plateau[] = { 65535, 32000, 17914, 8166,
					    4352, 2002, 1492 };
	uint32_t m = mtu4;

	if (m == 0) {
		for (size_t i = 0; i < sizeof(plateau) / sizeof(plateau[0]);
		     i++) {
			if (plateau[i] < inner_tot) {
				m = plateau[i];
				break;
			}
		}
		if (m == 0)
			return IP6_MIN_MTU;
	}
	m += IP6_HDR - IP4_HDR;
	if (cfg->ipv6_mtu && cfg->ipv6_mtu < m)
		m = cfg->ipv6_mtu;
	if (cfg->ipv4_mtu && cfg->ipv4_mtu + IP6_HDR - IP4_HDR < m)
		m = cfg->ipv4_mtu + IP6_HDR - IP4_HDR;
	return m < IP6_MIN_MTU ? IP6_MIN_MTU : m;
}

/* The embedded packet's translated L4 start; checks its protocol. */
static enum xlat_drop inner_l4(const struct ctx *c, const struct v4 *ih,
			       const struct in6_addr *s6,
			       const struct in6_addr *d6, struct head *hd)
{
	const uint8_t *l4 = ih->p + ih->ihl;
	size_t l4len = ih->avail - ih->ihl;

	if (proto_forbidden(ih->proto))
		return XLAT_DROP_UNSUPPORTED_PROTO;
	head_init(hd, l4, ih->off ? 0 : l4len);
	if (ih->off)
		return XLAT_DROP_NONE;
	switch (ih->proto) {
	case PROTO_TCP:
	case PROTO_UDP:
		return fix_tcp_udp(c, ih, s6, d6, hd, true);
	case PROTO_ICMP:
		if (!hd->len)
			return XLAT_DROP_NONE;
		if (hd->b[0] != 0 && hd->b[0] != 8)
			return icmp4_is_info(hd->b[0]) ?
				       XLAT_DROP_ICMP_UNTRANSLATABLE :
				       XLAT_DROP_ICMP_ERROR_NESTED;
		fix_echo(ih, s6, d6, hd);
		return XLAT_DROP_NONE;
	}
	return XLAT_DROP_NONE;
}

/* Write at most max bytes of [a (alen)][payload of the head/l4 pair]. */
static size_t write_bounded(uint8_t *dst, size_t max, const uint8_t *a,
			    size_t alen, const struct head *hd,
			    const uint8_t *l4, size_t l4len)
{
	size_t n = alen < max ? alen : max;

	memcpy(dst, a, n);
	if (n < alen)
		return n;
	max -= n;
	if (l4len > max)
		l4len = max;
	copy_payload(dst + n, 0, l4len, hd, l4);
	return n + l4len;
}

struct errbody {
	const uint8_t *orig; /* the ICMPv4 "original datagram" field */
	size_t orig_len;
	const uint8_t *ext; /* RFC 4884 extension structure, or NULL */
	size_t ext_len;
};

/* RFC 4884 section 5.1: a length attribute that does not fit is ignored. */
static void split_body(const uint8_t *icmp, size_t len, bool ext_ok,
		       struct errbody *e)
{
	size_t attr = (size_t)icmp[5] * 4;

	e->orig = icmp + ICMP_HDR;
	e->orig_len = len - ICMP_HDR;
	e->ext = NULL;
	e->ext_len = 0;
	if (icmp[0] == 3 || icmp[0] == 11 || icmp[0] == 12) {
		if (attr && attr <= e->orig_len) {
			e->ext = e->orig + attr;
			e->ext_len = e->orig_len - attr;
			e->orig_len = attr;
		}
	}
	/* PTB and Parameter Problem carry no length: extensions go. */
	if (!ext_ok || !e->ext_len) {
		e->ext = NULL;
		e->ext_len = 0;
	}
}

static enum xlat_verdict icmp_error(struct ctx *c, const uint8_t *icmp,
				    size_t len)
{
	struct xlat_out *out = c->out;
	struct in6_addr is6, id6;
	struct icmp_map m;
	struct errbody e;
	struct v4 ih;
	struct head hd;
	uint8_t ihdr[IP6_HDR + FRAG_HDR], *b = out->buf, *ib;
	size_t ihdr_len, ilen, room, tot;
	enum xlat_drop r;
	uint8_t nh;

	if (!map_error(icmp, &m))
		return drop(out, XLAT_DROP_ICMP_UNTRANSLATABLE);
	/* Recomputing below would otherwise bless a corrupted message. */
	if (csum_fold(csum_add_buf(0, icmp, len)) != 0xffff)
		return drop(out, XLAT_DROP_BAD_L4_CSUM);
	split_body(icmp, len, m.ext_ok, &e);
	r = parse_inner(e.orig, e.orig_len, &ih);
	if (r == XLAT_DROP_NONE)
		r = map_pair(c, &ih, true, &is6, &id6);
	if (r == XLAT_DROP_NONE)
		r = inner_l4(c, &ih, &is6, &id6, &hd);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);

	nh = ih.proto == PROTO_ICMP ? PROTO_ICMP6 : ih.proto;
	ihdr_len = IP6_HDR;
	if (is_frag(&ih)) {
		write_frag(ihdr + IP6_HDR, nh, ih.off, ih.mf, ih.id);
		nh = NH_FRAG;
		ihdr_len += FRAG_HDR;
	}
	/* The embedded lengths describe the original, not what is left. */
	write_ip6(ihdr, tclass(c, ih.tos), ih.tot - ih.ihl + ihdr_len - IP6_HDR,
		  nh, ih.ttl, &is6, &id6);
	ilen = ihdr_len + ih.avail - ih.ihl;

	/* The whole error must fit the IPv6 minimum MTU. */
	room = IP6_MIN_MTU - IP6_HDR - ICMP_HDR;
	if (e.ext_len) {
		size_t want = (ilen + 7) & ~(size_t)7;

		if (want < EXT_MIN_ORIG)
			want = EXT_MIN_ORIG;
		if (want + e.ext_len > room) {
			want = (room - (e.ext_len < room ? e.ext_len : room)) &
			       ~(size_t)7;
			if (want < EXT_MIN_ORIG) {
				e.ext = NULL;
				e.ext_len = 0;
			}
		}
		if (e.ext_len)
			ilen = want;
	}
	if (!e.ext_len && ilen > room)
		ilen = room;
	tot = IP6_HDR + ICMP_HDR + ilen + e.ext_len;
	if (tot > out->cap)
		return drop(out, XLAT_DROP_NO_SPACE);

	write_ip6(b, tclass(c, c->h.tos), tot - IP6_HDR, PROTO_ICMP6, c->hlim,
		  &c->src6, &c->dst6);
	ib = b + IP6_HDR;
	memset(ib, 0, ICMP_HDR + ilen);
	ib[0] = m.type;
	ib[1] = m.code;
	if (m.rest == REST_PTR)
		put32(ib + 4, m.ptr);
	else if (m.rest == REST_MTU)
		put32(ib + 4, ptb_mtu(c->cfg, get16(icmp + 6), ih.tot));
	else if (e.ext_len)
		ib[4] = (uint8_t)(ilen / 8);
	write_bounded(ib + ICMP_HDR, ilen, ihdr, ihdr_len, &hd,
		      ih.p + ih.ihl, ih.avail - ih.ihl);
	if (e.ext_len)
		memcpy(ib + ICMP_HDR + ilen, e.ext, e.ext_len);
	put16(ib + 2, csum_finish(csum_add_buf(
			      csum_pseudo6(&c->src6, &c->dst6, PROTO_ICMP6,
					   (uint32_t)(tot - IP6_HDR)),
			      ib, tot - IP6_HDR)));
	out->n = 1;
	out->pkt[0].off = 0;
	out->pkt[0].len = (uint32_t)tot;
	out->reason = XLAT_DROP_NONE;
	return XLAT_OUT;
}

static enum xlat_verdict icmp4(struct ctx *c, const uint8_t *l4, size_t l4len)
{
	struct head hd;
	uint8_t type;

	/* The ICMPv6 checksum covers a pseudo-header with the whole length. */
	if (is_frag(&c->h))
		return drop(c->out, XLAT_DROP_ICMP_FRAGMENTED);
	if (l4len < ICMP_HDR)
		return drop(c->out, XLAT_DROP_TRUNCATED);
	type = l4[0];
	if (type != 0 && type != 8) {
		if (icmp4_is_info(type))
			return drop(c->out, XLAT_DROP_ICMP_UNTRANSLATABLE);
		return icmp_error(c, l4, l4len);
	}
	if (IP6_HDR + l4len > c->mtu && c->h.df)
		return reply4(c, 3, 4, (uint16_t)(c->mtu - 20),
			      XLAT_DROP_FRAG_NEEDED);
	head_init(&hd, l4, l4len);
	fix_echo(&c->h, &c->src6, &c->dst6, &hd);
	return emit(c, &hd, l4, l4len, PROTO_ICMP6);
}

static enum xlat_drop check_frag(const struct v4 *h)
{
	size_t l4len = h->tot - h->ihl;

	if (!is_frag(h))
		return XLAT_DROP_NONE;
	/* Empty pieces, ragged non-last pieces and offsets past 64 KiB
	 * cannot be reassembled; IPv6 would only see them as attacks. */
	if (!l4len || (h->mf && (l4len & 7)) || h->off + l4len > 65535)
		return XLAT_DROP_BAD_FRAGMENT;
	return XLAT_DROP_NONE;
}

enum xlat_verdict xlat_4to6_flags(const struct xlat_cfg *cfg,
				  const uint8_t *pkt, size_t len,
				  struct xlat_out *out, unsigned int flags)
{
	struct ctx c = { .cfg = cfg, .out = out, .flags = flags };
	struct v4 *h = &c.h;
	const uint8_t *l4;
	struct head hd;
	size_t l4len, size;
	enum xlat_drop r;

	out->n = 0;
	out->family = AF_INET6;
	out->reason = XLAT_DROP_NONE;
	r = parse_outer(pkt, len, h);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);
	if (mcast_or_bcast(&h->dst) || mcast_or_bcast(&h->src))
		return drop(out, XLAT_DROP_MULTICAST);
	if (h->proto == PROTO_IGMP)
		return drop(out, XLAT_DROP_IGMP);
	l4 = pkt + h->ihl;
	l4len = h->tot - h->ihl;
	c.mtu = out_mtu(cfg, h->df);

	/* A hairpinned packet already lost its hop in the 6->4 pass. */
	c.hlim = h->ttl;
	if (cfg->decrement_ttl && !(flags & XLAT_4TO6_HAIRPIN)) {
		if (h->ttl <= 1)
			return reply4(&c, 11, 0, 0, XLAT_DROP_TTL_EXPIRED);
		c.hlim = h->ttl - 1;
	}
	if (unexpired_source_route(pkt + IP4_HDR, h->ihl - IP4_HDR))
		return reply4(&c, 3, 5, 0, XLAT_DROP_SOURCE_ROUTE);
	r = map_pair(&c, h, false, &c.src6, &c.dst6);
	if (r != XLAT_DROP_NONE)
		return prohibited(&c, r);
	if (proto_forbidden(h->proto))
		return drop(out, XLAT_DROP_UNSUPPORTED_PROTO);
	r = check_frag(h);
	if (r != XLAT_DROP_NONE)
		return prohibited(&c, r);
	if (h->proto == PROTO_ICMP)
		return icmp4(&c, l4, l4len);

	size = IP6_HDR + l4len + (is_frag(h) ? FRAG_HDR : 0);
	if (size > c.mtu && h->df && !(flags & XLAT_F_GSO))
		return reply4(&c, 3, 4, (uint16_t)(c.mtu - 20),
			      XLAT_DROP_FRAG_NEEDED);
	head_init(&hd, l4, h->off ? 0 : l4len);
	if (!h->off && (h->proto == PROTO_TCP || h->proto == PROTO_UDP)) {
		r = fix_tcp_udp(&c, h, &c.src6, &c.dst6, &hd, false);
		if (r == XLAT_DROP_UDP_ZERO_CSUM ||
		    r == XLAT_DROP_UDP_ZERO_CSUM_FRAG)
			return prohibited(&c, r);
		if (r != XLAT_DROP_NONE)
			return drop(out, r);
	}
	return emit(&c, &hd, l4, l4len, h->proto);
}

enum xlat_verdict xlat_4to6(const struct xlat_cfg *cfg, const uint8_t *pkt,
			    size_t len, struct xlat_out *out)
{
	return xlat_4to6_flags(cfg, pkt, len, out, 0);
}

enum xlat_verdict xlat_packet_flags(const struct xlat_cfg *cfg,
				    const uint8_t *pkt, size_t len,
				    struct xlat_out *out, unsigned int flags)
{
	/* Callers never get to set the engine's internal bits. */
	flags &= XLAT_F_GSO | XLAT_F_CSUM_PARTIAL;
	if (len >= 1 && pkt[0] >> 4 == 4)
		return xlat_4to6_flags(cfg, pkt, len, out, flags);
	if (len >= 1 && pkt[0] >> 4 == 6)
		return xlat_6to4_flags(cfg, pkt, len, out, flags);
	return xlat_packet(cfg, pkt, len, out);
}
