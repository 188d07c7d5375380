// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 7915 sections 4.2 and 4.3, RFC 4884: an ICMPv4 error becomes an
 * ICMPv6 one, the packet it quotes translated with it, the whole within
 * the IPv6 minimum MTU.
 */
#include "rfc7915_4to6_int.h"

#include "checksum.h"

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
		return to6_fix_tcp_udp(c, ih, s6, d6, hd, true);
	case PROTO_ICMP:
		if (!hd->len)
			return XLAT_DROP_NONE;
		if (hd->b[0] != 0 && hd->b[0] != 8)
			return icmp4_is_info(hd->b[0]) ?
				       XLAT_DROP_ICMP_UNTRANSLATABLE :
				       XLAT_DROP_ICMP_ERROR_NESTED;
		to6_fix_echo(ih, s6, d6, hd);
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
	to6_copy_payload(dst + n, 0, l4len, hd, l4);
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

enum xlat_verdict to6_icmp_error(struct ctx *c, const uint8_t *icmp,
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
	r = v4_parse_inner(e.orig, e.orig_len, &ih);
	if (r == XLAT_DROP_NONE)
		r = to6_map_pair(c, &ih, true, &is6, &id6);
	if (r == XLAT_DROP_NONE)
		r = inner_l4(c, &ih, &is6, &id6, &hd);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);

	nh = ih.proto == PROTO_ICMP ? PROTO_ICMP6 : ih.proto;
	ihdr_len = IP6_HDR;
	if (is_frag(&ih)) {
		to6_write_frag(ihdr + IP6_HDR, nh, ih.off, ih.mf, ih.id);
		nh = NH_FRAG;
		ihdr_len += FRAG_HDR;
	}
	/* The embedded lengths describe the original, not what is left. */
	to6_write_ip6(ihdr, tclass(c, ih.tos),
		      ih.tot - ih.ihl + ihdr_len - IP6_HDR, nh, ih.ttl, &is6,
		      &id6);
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

	to6_write_ip6(b, tclass(c, c->h.tos), tot - IP6_HDR, PROTO_ICMP6,
		      c->hlim, &c->src6, &c->dst6);
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
