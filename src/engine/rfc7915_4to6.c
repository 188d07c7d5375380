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
#include "rfc7915_4to6_int.h"

#include "checksum.h"
#include "xlat_addr.h"

#include <string.h>
#include <sys/socket.h>

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

/*
 * Map a source and a destination.  The addresses of an embedded packet
 * run the other way, so in hairpin mode its destination is the one that
 * takes pool6 only.
 */
enum xlat_drop to6_map_pair(const struct ctx *c, const struct v4 *h,
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

void to6_write_ip6(uint8_t *b, uint8_t tc, size_t plen, uint8_t nh,
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

void to6_write_frag(uint8_t *b, uint8_t nh, uint32_t off, bool m,
		    uint16_t id)
{
	b[0] = nh;
	b[1] = 0;
	put16(b + 2, (uint16_t)(off | (m ? 1 : 0)));
	put32(b + 4, id);
}

/* Copy bytes [from, from + n) of the payload: head first, then input. */
void to6_copy_payload(uint8_t *dst, size_t from, size_t n,
		      const struct head *hd, const uint8_t *l4)
{
	while (n && from < hd->len) {
		*dst++ = hd->b[from++];
		n--;
	}
	memcpy(dst, l4 + from, n);
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
enum xlat_drop to6_fix_tcp_udp(const struct ctx *c, const struct v4 *h,
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
void to6_fix_echo(const struct v4 *h, const struct in6_addr *s6,
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
		to6_write_ip6(out->buf, tc, l4len, nh, c->hlim, &c->src6,
			      &c->dst6);
		to6_copy_payload(out->buf + IP6_HDR, 0, l4len, hd, l4);
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

		to6_write_ip6(b, tc, FRAG_HDR + n, NH_FRAG, c->hlim, &c->src6,
			      &c->dst6);
		to6_write_frag(b + IP6_HDR, nh, h->off + (uint32_t)from, m,
			       h->id);
		to6_copy_payload(b + IP6_HDR + FRAG_HDR, from, n, hd, l4);
		out->pkt[i].off = (uint32_t)pos;
		out->pkt[i].len = (uint32_t)(IP6_HDR + FRAG_HDR + n);
		pos += IP6_HDR + FRAG_HDR + n;
	}
	out->n = (unsigned int)nfr;
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
		return to6_icmp_error(c, l4, l4len);
	}
	if (IP6_HDR + l4len > c->mtu && c->h.df)
		return reply4(c, 3, 4, (uint16_t)(c->mtu - 20),
			      XLAT_DROP_FRAG_NEEDED);
	head_init(&hd, l4, l4len);
	to6_fix_echo(&c->h, &c->src6, &c->dst6, &hd);
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
	r = v4_parse_outer(pkt, len, h);
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
	if (!(flags & XLAT_4TO6_HAIRPIN)) {
		if (xlat_ttl_expires(cfg, h->ttl))
			return reply4(&c, 11, 0, 0, XLAT_DROP_TTL_EXPIRED);
		c.hlim = xlat_ttl_next(cfg, h->ttl);
	}
	if (v4_unexpired_source_route(pkt + IP4_HDR, h->ihl - IP4_HDR))
		return reply4(&c, 3, 5, 0, XLAT_DROP_SOURCE_ROUTE);
	r = to6_map_pair(&c, h, false, &c.src6, &c.dst6);
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
		r = to6_fix_tcp_udp(&c, h, &c.src6, &c.dst6, &hd, false);
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
