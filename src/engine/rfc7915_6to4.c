// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 7915 section 5: IPv6 to IPv4, with RFC 6791 sources for ICMPv6 errors
 * from untranslatable routers and RFC 7757 section 4 hairpinning.
 *
 * Every packet is parsed and judged before a byte is written, so a drop
 * leaves out->buf as it was and the output size is known when the cap is
 * checked.  TCP, UDP and echo checksums are updated incrementally
 * (RFC 1624); only ICMP errors, whose bytes change throughout, are summed
 * again, after their ICMPv6 checksum has been verified.
 */
#include "rfc7915.h"
#include "rfc7915_6to4_int.h"

#include "checksum.h"
#include "ipv4_frag.h"
#include "rfc6052.h"
#include "xlat_addr.h"

#include <string.h>
#include <sys/socket.h>

static enum xlat_verdict emit(struct xlat_out *out, size_t len, int family)
{
	out->n = 1;
	out->pkt[0].off = 0;
	out->pkt[0].len = (uint32_t)len;
	out->family = family;
	out->reason = XLAT_DROP_NONE;
	return XLAT_OUT;
}

static bool mcast6(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static bool unspec6(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return memcmp(a, &any, sizeof(any)) == 0;
}

static bool mcast4(const struct in_addr *a)
{
	uint32_t v = get32((const uint8_t *)&a->s_addr);

	return (v >> 28) == 0xe || v == 0xffffffffu;
}

static uint8_t tos(const struct xlat_cfg *cfg, const struct p6 *h)
{
	return cfg->reset_tos ? 0 : (uint8_t)(get32(h->p) >> 20);
}

/* RFC 7915 5.1 and 5.1.1; total is the IPv4 Total Length. */
void to4_write_ip4(uint8_t *b, const struct xlat_cfg *cfg,
		   const struct p6 *h, size_t total, uint16_t id, uint8_t ttl,
		   uint8_t proto, const struct in_addr *s,
		   const struct in_addr *d)
{
	uint16_t fo = 0;

	/* RFC 7915 5.1.1: every Fragment Header, atomic ones too. */
	if (h->fh) {
		id = h->id;
		fo = (uint16_t)(h->fo | (h->mf ? 0x2000 : 0));
	} else if (total > DF_LIMIT) {
		fo = 0x4000;
	}
	b[0] = 0x45;
	b[1] = tos(cfg, h);
	put16(b + 2, (uint16_t)total);
	put16(b + 4, id);
	put16(b + 6, fo);
	b[8] = ttl;
	b[9] = proto == PROTO_ICMP6 ? PROTO_ICMP : proto;
	put16(b + 10, 0);
	memcpy(b + 12, s, 4);
	memcpy(b + 16, d, 4);
	put16(b + 10, ip4_header_csum(b, IP4_HDR));
}

/* RFC 1624 delta from the IPv6 to the IPv4 pseudo-header addresses. */
uint32_t to4_addr_delta(const struct p6 *h, const struct in_addr *s4,
			const struct in_addr *d4)
{
	uint32_t x = csum_addr4(s4) + csum_addr4(d4);

	return csum_sub16(x, csum_fold(csum_addr6(&h->src) +
				       csum_addr6(&h->dst)));
}

/*
 * Echo: drop the ICMPv6 pseudo-header, change the type (RFC 7915 5.2).
 * have: the message's bytes present (less in an error's quote).
 */
void to4_fix_echo(uint8_t *icmp, const struct p6 *h, uint8_t type4,
		  size_t have)
{
	uint32_t ph = csum_pseudo6(&h->src, &h->dst, PROTO_ICMP6,
				   (uint32_t)l4_total(h));
	uint32_t d = csum_sub16(0, csum_fold(ph));

	d = csum_add16(d, (uint16_t)(type4 << 8 | icmp[1]));
	d = csum_sub16(d, (uint16_t)(icmp[0] << 8 | icmp[1]));
	icmp[0] = type4;
	put16(icmp + 2, csum_update(get16(icmp + 2), d));
	/* Incremental arithmetic cannot tell +0 from -0: an all-zero
	 * message (echo reply, identifier and sequence 0, no data) needs
	 * 0xffff and gets 0x0000.  ICMPv4 alone has no pseudo-header to
	 * keep its sum off +0, so a 0x0000 result is checked in full. */
	if (get16(icmp + 2) == 0 && have >= l4_total(h))
		put16(icmp + 2, csum_finish(csum_add_buf(0, icmp, l4_total(h))));
}

/* TCP/UDP checksum field offset, 0 for protocols without a pseudo-header. */
static size_t csum_off(uint8_t proto)
{
	if (proto == PROTO_TCP)
		return 16;
	if (proto == PROTO_UDP)
		return 6;
	return 0;
}

void to4_fix_l4(uint8_t *l4, size_t n, uint8_t proto, uint32_t delta)
{
	size_t o = csum_off(proto);
	uint16_t c;

	if (!o || n < o + 2)
		return;
	c = get16(l4 + o);
	if (proto == PROTO_UDP && c == 0)
		return; /* only an embedded packet gets here with 0 */
	c = csum_update(c, delta);
	if (proto == PROTO_UDP && c == 0)
		c = 0xffff;
	put16(l4 + o, c);
}

/*
 * CHECKSUM_PARTIAL (XLAT_F_CSUM_PARTIAL): the field is the folded
 * pseudo-header sum, not complemented, so the delta is simply added; no
 * zero rule for UDP, the kernel completes the sum later.
 */
static void fix_l4_partial(uint8_t *l4, size_t n, uint8_t proto,
			   uint32_t delta)
{
	size_t o = csum_off(proto);
	uint16_t d = csum_fold(delta);

	if (!o || n < o + 2 || d == 0 || d == 0xffff)
		return;
	put16(l4 + o, csum_fold((uint32_t)get16(l4 + o) + d));
}

enum xlat_drop to4_map_pair(const struct xlat_cfg *cfg, const struct p6 *h,
			    struct in_addr *s4, struct in_addr *d4,
			    bool *src_failed, bool *dst_eam)
{
	enum xlat_drop r = xlat_map6(cfg, &h->src, s4, NULL);

	*src_failed = r != XLAT_DROP_NONE;
	if (r == XLAT_DROP_DST_UNTRANSLATABLE)
		r = XLAT_DROP_SRC_UNTRANSLATABLE;
	if (r != XLAT_DROP_NONE)
		return r;
	return xlat_map6(cfg, &h->dst, d4, dst_eam);
}

/* ------------------------------------------------------------------ */
/* ICMPv6 errors the translator sends back (RFC 7915 5.4).            */

/* Whether the packet is an ICMPv6 error, or might be one. */
static bool is_icmp6_error(const struct p6 *h)
{
	if (h->proto != PROTO_ICMP6 || h->fo)
		return false;
	if (h->len < h->l4off + 1)
		return true;
	return icmp6_is_error_type(h->p[h->l4off]);
}

static bool may_reply(const struct ctx *c)
{
	const struct p6 *h = &c->h;

	if (!c->cfg->icmp_errors || mcast6(&h->dst) || mcast6(&h->src) ||
	    unspec6(&h->src))
		return false;
	/*
	 * A later fragment has no upper-layer header to tell an ICMPv6 error
	 * by; only RFC 8200 4.5's own errors answer one, and only when its
	 * Next Header is a protocol that cannot be an error message.
	 */
	if (h->fo)
		return c->any_frag && h->proto != PROTO_ICMP6 &&
		       !is_ext_hdr(h->proto);
	return !is_icmp6_error(h);
}

static enum xlat_verdict reply6(struct ctx *c, uint8_t type, uint8_t code,
				uint32_t rest, enum xlat_drop reason)
{
	struct xlat_out *out = c->out;
	const struct p6 *h = &c->h;
	size_t olen = h->len, tot;
	uint8_t *b = out->buf;
	uint32_t sum;

	if (!may_reply(c))
		return drop(out, reason);
	if (olen > IP6_MIN_MTU - IP6_HDR - ICMP_HDR)
		olen = IP6_MIN_MTU - IP6_HDR - ICMP_HDR;
	tot = IP6_HDR + ICMP_HDR + olen;
	if (tot > out->cap)
		return drop(out, XLAT_DROP_NO_SPACE);
	memmove(b + IP6_HDR + ICMP_HDR, h->p, olen);
	put32(b, 0x60000000u);
	put16(b + 4, (uint16_t)(ICMP_HDR + olen));
	b[6] = PROTO_ICMP6;
	b[7] = REPLY_HLIM;
	memcpy(b + 8, &c->cfg->self6, 16);
	memcpy(b + 24, &h->src, 16);
	b[40] = type;
	b[41] = code;
	put16(b + 42, 0);
	put32(b + 44, rest);
	sum = csum_pseudo6(&c->cfg->self6, &h->src, PROTO_ICMP6,
			   (uint32_t)(ICMP_HDR + olen));
	put16(b + 42, csum_finish(csum_add_buf(sum, b + IP6_HDR,
					       ICMP_HDR + olen)));
	emit(out, tot, AF_INET6);
	out->reason = reason;
	return XLAT_REPLY;
}

/* RFC 7915 5.4: an untranslatable address is "administratively prohibited". */
static enum xlat_verdict unreachable(struct ctx *c, enum xlat_drop reason)
{
	return reply6(c, 1, 1, 0, reason);
}

/* ------------------------------------------------------------------ */
/* Everything but ICMP errors: TCP, UDP, echo, other protocols.       */

static enum xlat_drop check_l4(const struct p6 *h, unsigned int flags)
{
	size_t n = h->len - h->l4off;

	if (h->fo)
		return XLAT_DROP_NONE;
	switch (h->proto) {
	case PROTO_TCP:
		return n < 20 ? XLAT_DROP_TRUNCATED : XLAT_DROP_NONE;
	case PROTO_UDP:
		if (n < 8)
			return XLAT_DROP_TRUNCATED;
		/* RFC 8200 8.1: IPv6 UDP must carry a checksum (a partial
		 * one is a sum the kernel has yet to finish). */
		if (get16(h->p + h->l4off + 6) == 0 &&
		    !(flags & XLAT_F_CSUM_PARTIAL))
			return XLAT_DROP_BAD_UDP_CSUM6;
		return XLAT_DROP_NONE;
	case PROTO_ICMP6:
		return n < ICMP_HDR ? XLAT_DROP_TRUNCATED : XLAT_DROP_NONE;
	case PROTO_ICMP:
		/* ICMPv4 inside IPv6 would come out unchecked: refuse it. */
		return XLAT_DROP_UNSUPPORTED_PROTO;
	}
	return XLAT_DROP_NONE;
}

static enum xlat_verdict xlat_plain(struct ctx *c, size_t *len4)
{
	const struct p6 *h = &c->h;
	size_t n = h->len - h->l4off, tot = IP4_HDR + n;
	uint8_t *b = c->out->buf, *l4 = b + IP4_HDR;
	uint16_t id = 0;

	if (tot > 65535)
		return drop(c->out, XLAT_DROP_BAD_LENGTH);
	if (tot > c->out->cap)
		return drop(c->out, XLAT_DROP_NO_SPACE);
	memmove(l4, h->p + h->l4off, n);
	if (!h->fh)
		id = c->out->next_id++;
	to4_write_ip4(b, c->cfg, h, tot, id, c->ttl, h->proto, &c->src4,
		      &c->dst4);
	if (!h->fo) {
		if (h->proto == PROTO_ICMP6)
			to4_fix_echo(l4, h, l4[0] == 128 ? 8 : 0, n);
		else if (c->flags & XLAT_F_CSUM_PARTIAL)
			fix_l4_partial(l4, n, h->proto,
				       to4_addr_delta(h, &c->src4, &c->dst4));
		else
			to4_fix_l4(l4, n, h->proto,
				   to4_addr_delta(h, &c->src4, &c->dst4));
	}
	*len4 = tot;
	return XLAT_OUT;
}

/* ------------------------------------------------------------------ */
/* RFC 7757 section 4: back to IPv6 when the destination is an EAM.    */

static enum xlat_verdict hairpin(struct ctx *c, size_t len4)
{
	struct xlat_out *out = c->out, tmp;
	enum xlat_verdict v;
	struct in6_addr d6;
	uint8_t *v4;

	/* The IPv4 form goes to the top of buf, out of the second pass's way. */
	v4 = out->buf + out->cap - len4;
	memmove(v4, out->buf, len4);
	memset(&tmp, 0, sizeof(tmp));
	tmp.buf = out->buf;
	tmp.cap = out->cap - len4;
	tmp.next_id = out->next_id;
	v = xlat_4to6_flags(c->cfg, v4, len4, &tmp,
			    XLAT_4TO6_HAIRPIN | c->flags);
	out->next_id = tmp.next_id;
	/* No ICMPv4 error can reach a hairpinned, IPv6-only sender. */
	if (v != XLAT_OUT)
		return drop(out, tmp.reason);
	/*
	 * A destination that would be routed back to us (pool6, or the one
	 * we were given) makes the packet circle forever.
	 */
	memcpy(&d6, tmp.buf + tmp.pkt[0].off + 24, 16);
	if (memcmp(&d6, &c->h.dst, 16) == 0 ||
	    (c->cfg->has_pool6 &&
	     prefix6_contains(&c->cfg->pool6.addr, c->cfg->pool6.len, &d6)))
		return drop(out, XLAT_DROP_HAIRPIN_LOOP);
	out->n = tmp.n;
	memcpy(out->pkt, tmp.pkt, tmp.n * sizeof(tmp.pkt[0]));
	out->family = AF_INET6;
	out->reason = XLAT_DROP_NONE;
	return XLAT_OUT;
}

/* ------------------------------------------------------------------ */

/* Why an informational ICMPv6 message other than echo stays here. */
static enum xlat_drop info_drop(uint8_t t)
{
	if ((t >= 130 && t <= 132) || t == 143)
		return XLAT_DROP_ICMPV6_MLD;
	if (t >= 133 && t <= 137)
		return XLAT_DROP_ICMPV6_ND;
	return XLAT_DROP_ICMP_UNTRANSLATABLE;
}

/* ICMPv6 that never crosses: fragmented, or informational but not echo. */
static enum xlat_drop icmp6_gate(const struct p6 *h)
{
	uint8_t t;

	if (h->proto != PROTO_ICMP6)
		return XLAT_DROP_NONE;
	if (h->frag)
		return XLAT_DROP_ICMP_FRAGMENTED;
	if (h->len < h->l4off + ICMP_HDR)
		return XLAT_DROP_TRUNCATED;
	t = h->p[h->l4off];
	if (!icmp6_is_error_type(t) && t != 128 && t != 129)
		return info_drop(t);
	return XLAT_DROP_NONE;
}

/*
 * A packet that would leave with DF=1 (no Fragment Header, over 1260
 * bytes: RFC 7915 5.1) and not fit the IPv4 next hop.  ICMPv6 errors
 * always fit in 576 bytes and leave with DF=0.
 */
static bool too_big4(const struct ctx *c)
{
	const struct p6 *h = &c->h;
	size_t tot = IP4_HDR + (h->len - h->l4off);

	if (!c->cfg->ipv4_mtu || (c->flags & XLAT_F_GSO) || h->fh ||
	    is_icmp6_error(h))
		return false;
	return tot > DF_LIMIT && tot > c->cfg->ipv4_mtu;
}

/* The path through us takes IPv4 packets of ipv4_mtu: IPv6 ones 20 bytes
 * longer; never below the IPv6 minimum (RFC 8200 section 5). */
static uint32_t ptb_for_ipv4_mtu(uint32_t mtu4)
{
	uint32_t m = mtu4 + IP6_HDR - IP4_HDR;

	return m < IP6_MIN_MTU ? IP6_MIN_MTU : m;
}

/* A header the parser refused: its ICMPv6 error, if it has one. */
static enum xlat_verdict header_error(struct ctx *c, enum xlat_drop r)
{
	const struct p6 *h = &c->h;

	if (!h->err_type)
		return drop(c->out, r);
	c->any_frag = true;
	return reply6(c, h->err_type, h->err_code, h->err_ptr, r);
}

static enum xlat_verdict map_addrs(struct ctx *c)
{
	enum xlat_drop r;
	bool src_failed;

	r = to4_map_pair(c->cfg, &c->h, &c->src4, &c->dst4, &src_failed,
			 &c->dst_eam);
	if (r == XLAT_DROP_NONE)
		return XLAT_OUT;
	/* RFC 6791: an IPv6-only router's error still gets a source. */
	if (src_failed && is_icmp6_error(&c->h)) {
		xlat_pool6791_pick(c->cfg, &c->h.src, &c->src4);
		r = xlat_map6(c->cfg, &c->h.dst, &c->dst4, &c->dst_eam);
		if (r == XLAT_DROP_NONE)
			return XLAT_OUT;
	}
	return unreachable(c, r);
}

enum xlat_verdict xlat_6to4_flags(const struct xlat_cfg *cfg,
				  const uint8_t *pkt, size_t len,
				  struct xlat_out *out, unsigned int flags)
{
	struct ctx c = { .cfg = cfg, .out = out, .flags = flags };
	struct p6 *h = &c.h;
	enum xlat_verdict v;
	enum xlat_drop r;
	size_t len4 = 0;
	struct in6_addr e6;
	bool hp;

	out->n = 0;
	out->family = AF_INET;
	r = v6_parse_outer(pkt, len, h);
	if (r != XLAT_DROP_NONE)
		return header_error(&c, r);
	if (mcast6(&h->dst) || mcast6(&h->src))
		return drop(out, XLAT_DROP_MULTICAST);
	r = icmp6_gate(h);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);
	if (xlat_ttl_expires(cfg, pkt[7]))
		return reply6(&c, 3, 0, 0, XLAT_DROP_HOP_LIMIT_EXPIRED);
	c.ttl = xlat_ttl_next(cfg, pkt[7]);
	if (h->sl_ptr)
		return reply6(&c, 4, 0, (uint32_t)h->sl_ptr,
			      XLAT_DROP_ROUTING_HDR);
	r = check_l4(h, flags);
	/* RFC 8200 4.5: a first fragment must hold the upper-layer header. */
	if (r == XLAT_DROP_TRUNCATED && h->frag)
		return reply6(&c, 4, 3, 0, r);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);
	v = map_addrs(&c);
	if (v != XLAT_OUT)
		return v;
	if (mcast4(&c.dst4) || mcast4(&c.src4))
		return drop(out, XLAT_DROP_MULTICAST);
	/*
	 * RFC 7757 section 4: only a destination reached through pool6 whose
	 * IPv4 form is an EAM address belongs to another IPv6 node.  One
	 * that came out of the EAM table itself (a CLAT's own address) is
	 * ordinary traffic to the IPv4 side.
	 */
	hp = cfg->hairpin && cfg->n_eam && !c.dst_eam &&
	     eam_lookup4(cfg, &c.dst4, &e6);
	if (!hp && too_big4(&c))
		return reply6(&c, 2, 0, ptb_for_ipv4_mtu(cfg->ipv4_mtu),
			      XLAT_DROP_PKT_TOO_BIG);
	if (is_icmp6_error(h))
		v = to4_icmp_error(&c, &len4);
	else
		v = xlat_plain(&c, &len4);
	if (v != XLAT_OUT)
		return v;
	if (hp)
		return hairpin(&c, len4);
	if (cfg->ipv4_mtu && len4 > cfg->ipv4_mtu && !(flags & XLAT_F_GSO))
		return xlat_frag4(out, len4, cfg->ipv4_mtu);
	return emit(out, len4, AF_INET);
}

enum xlat_verdict xlat_6to4(const struct xlat_cfg *cfg, const uint8_t *pkt,
			    size_t len, struct xlat_out *out)
{
	return xlat_6to4_flags(cfg, pkt, len, out, 0);
}
