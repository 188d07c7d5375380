// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 7915 sections 5.2 and 5.3, RFC 4884: an ICMPv6 error becomes an
 * ICMPv4 one, the packet it quotes translated with it.  The message's
 * bytes change throughout, so its checksum is verified, then summed again.
 */
#include "rfc7915_6to4_int.h"

#include <string.h>

/* Figure 6: Parameter Problem pointers; -1 is "n/a" or not listed. */
static int pp_pointer(uint32_t p6)
{
	if (p6 <= 1)
		return (int)p6;
	if (p6 == 4 || p6 == 5)
		return 2;
	if (p6 == 6)
		return 9;
	if (p6 == 7)
		return 8;
	if (p6 >= 8 && p6 <= 23)
		return 12;
	if (p6 >= 24 && p6 <= 39)
		return 16;
	return -1;
}

struct icmp4 {
	uint8_t type, code;
	uint8_t rest[4];
	bool has_len; /* carries an RFC 4884 length attribute in rest[1] */
};

/*
 * RFC 7915 5.2: the PTB MTU less the header size difference, 28 when the
 * packet in error carried a Fragment Header.  IPv6 paths are never below
 * 1280 (RFC 8201 section 4), so a smaller value counts as 1280.  The
 * formula's "minimum(..., MTU_of_IPv4_nexthop, MTU_of_IPv6_nexthop - 20)"
 * applies the next-hop MTUs that are configured.
 */
static uint16_t ptb_mtu(const struct xlat_cfg *cfg, uint32_t mtu6,
			bool inner_frag)
{
	uint32_t m = mtu6 < IP6_MIN_MTU ? IP6_MIN_MTU : mtu6;

	m -= inner_frag ? IP6_HDR + FRAG_HDR - IP4_HDR : IP6_HDR - IP4_HDR;
	if (cfg->ipv4_mtu && cfg->ipv4_mtu < m)
		m = cfg->ipv4_mtu;
	if (cfg->ipv6_mtu > IP6_HDR && cfg->ipv6_mtu - (IP6_HDR - IP4_HDR) < m)
		m = cfg->ipv6_mtu - (IP6_HDR - IP4_HDR);
	return m > 65535 ? 65535 : (uint16_t)m;
}

/* Type, code and the second word of the ICMPv4 error. */
static enum xlat_drop error_header(const struct xlat_cfg *cfg,
				   const uint8_t *icmp, bool inner_frag,
				   struct icmp4 *m)
{
	static const int8_t unreach[] = { 1, 10, 1, 1, 3 };
	uint8_t t = icmp[0], code = icmp[1];
	uint16_t mtu;
	int ptr;

	memset(m, 0, sizeof(*m));
	switch (t) {
	case 1:
		if (code >= sizeof(unreach))
			return XLAT_DROP_ICMP_UNTRANSLATABLE;
		m->type = 3;
		m->code = (uint8_t)unreach[code];
		m->has_len = true;
		return XLAT_DROP_NONE;
	case 2:
		m->type = 3;
		m->code = 4;
		mtu = ptb_mtu(cfg, get32(icmp + 4), inner_frag);
		put16(m->rest + 2, mtu);
		return XLAT_DROP_NONE;
	case 3:
		m->type = 11;
		m->code = code;
		m->has_len = true;
		return XLAT_DROP_NONE;
	case 4:
		if (code == 1) {
			m->type = 3;
			m->code = 2;
			return XLAT_DROP_NONE;
		}
		if (code != 0)
			return XLAT_DROP_ICMP_UNTRANSLATABLE;
		ptr = pp_pointer(get32(icmp + 4));
		if (ptr < 0)
			return XLAT_DROP_ICMP_UNTRANSLATABLE;
		m->type = 12;
		m->rest[0] = (uint8_t)ptr;
		return XLAT_DROP_NONE;
	}
	return XLAT_DROP_ICMP_UNTRANSLATABLE;
}

/* The embedded packet, parsed and judged; written later by write_inner(). */
struct inner {
	struct p6 h;
	struct in_addr src4, dst4;
	size_t l4n; /* upper-layer bytes present */
};

static enum xlat_drop inner_l4_check(const struct p6 *h)
{
	uint8_t t;

	if (h->fo || h->proto != PROTO_ICMP6 || h->len <= h->l4off)
		return XLAT_DROP_NONE;
	t = h->p[h->l4off];
	if (icmp6_is_error_type(t))
		return XLAT_DROP_ICMP_ERROR_NESTED;
	if (t != 128 && t != 129)
		return XLAT_DROP_ICMP_UNTRANSLATABLE;
	return XLAT_DROP_NONE;
}

static enum xlat_drop judge_inner(const struct xlat_cfg *cfg,
				  const uint8_t *p, size_t len,
				  struct inner *in)
{
	enum xlat_drop r;
	bool src_failed;

	r = v6_parse_inner(p, len, &in->h);
	if (r != XLAT_DROP_NONE)
		return r;
	r = inner_l4_check(&in->h);
	if (r != XLAT_DROP_NONE)
		return r;
	r = to4_map_pair(cfg, &in->h, &in->src4, &in->dst4, &src_failed,
			 NULL);
	if (r != XLAT_DROP_NONE)
		return r;
	in->l4n = in->h.len - in->h.l4off;
	return XLAT_DROP_NONE;
}

/*
 * Write the translated embedded packet, cut to max bytes.  Its header
 * keeps the original's length (RFC 7915 5.3: the packet in error is
 * translated like any header), no hop is taken off, and its checksums
 * follow the address change where the bytes are there.
 */
static size_t write_inner(uint8_t *b, size_t max, const struct xlat_cfg *cfg,
			  const struct inner *in)
{
	const struct p6 *h = &in->h;
	size_t total = IP4_HDR + l4_total(h), n = in->l4n;
	uint8_t *l4 = b + IP4_HDR;

	if (total > 65535)
		total = 65535;
	to4_write_ip4(b, cfg, h, total, 0, h->p[7], h->proto, &in->src4,
		      &in->dst4);
	if (n > max - IP4_HDR)
		n = max - IP4_HDR;
	memcpy(l4, h->p + h->l4off, n);
	if (h->fo)
		return IP4_HDR + n;
	if (h->proto == PROTO_ICMP6 && n >= 4)
		to4_fix_echo(l4, h, l4[0] == 128 ? 8 : 0, n);
	else if (h->proto == PROTO_ICMP6 && n >= 1)
		l4[0] = l4[0] == 128 ? 8 : 0;
	else
		to4_fix_l4(l4, n, h->proto,
			   to4_addr_delta(h, &in->src4, &in->dst4));
	return IP4_HDR + n;
}

/* The ICMPv6 message as RFC 4884 sees it. */
struct body {
	const uint8_t *orig;
	size_t orig_len;
	const uint8_t *ext;
	size_t ext_len;
};

/* RFC 4884 section 5.1: a length that does not fit means no extension. */
static void split_body(const uint8_t *icmp, size_t len, struct body *bd)
{
	size_t attr = (size_t)icmp[4] * 8;

	bd->orig = icmp + ICMP_HDR;
	bd->orig_len = len - ICMP_HDR;
	bd->ext = NULL;
	bd->ext_len = 0;
	if ((icmp[0] == 1 || icmp[0] == 3) && attr && attr < bd->orig_len) {
		bd->ext = bd->orig + attr;
		bd->ext_len = bd->orig_len - attr;
		bd->orig_len = attr;
	}
}

static bool icmp6_csum_ok(const struct p6 *h)
{
	size_t n = h->len - h->l4off;
	uint32_t s = csum_pseudo6(&h->src, &h->dst, PROTO_ICMP6, (uint32_t)n);

	return csum_fold(csum_add_buf(s, h->p + h->l4off, n)) == 0xffff;
}

/* Sizes of the ICMPv4 error: original datagram field and extension. */
static void error_layout(const struct icmp4 *m, const struct body *bd,
			 size_t inner4, size_t *orig, size_t *ext)
{
	const size_t room = ICMP4_ERR_MAX - IP4_HDR - ICMP_HDR;

	*ext = m->has_len ? bd->ext_len : 0;
	/* The extension must survive whole after 128 bytes, or it goes. */
	if (*ext && *ext + EXT_MIN_ORIG > room)
		*ext = 0;
	if (!*ext) {
		*orig = inner4 < room ? inner4 : room;
		return;
	}
	*orig = (inner4 + 3) & ~(size_t)3;
	if (*orig < EXT_MIN_ORIG)
		*orig = EXT_MIN_ORIG;
	if (*orig > ((room - *ext) & ~(size_t)3))
		*orig = (room - *ext) & ~(size_t)3;
}

enum xlat_verdict to4_icmp_error(struct ctx *c, size_t *len4)
{
	const struct p6 *h = &c->h;
	const uint8_t *icmp = h->p + h->l4off;
	size_t ilen = h->len - h->l4off, orig, ext, inner4, tot, w;
	struct inner in;
	struct icmp4 m;
	struct body bd;
	enum xlat_drop r;
	uint8_t *b = c->out->buf, *ic;

	if (!icmp6_csum_ok(h))
		return drop(c->out, XLAT_DROP_BAD_L4_CSUM);
	split_body(icmp, ilen, &bd);
	r = judge_inner(c->cfg, bd.orig, bd.orig_len, &in);
	if (r != XLAT_DROP_NONE)
		return drop(c->out, r);
	r = error_header(c->cfg, icmp, in.h.fh, &m);
	if (r != XLAT_DROP_NONE)
		return drop(c->out, r);
	inner4 = IP4_HDR + in.l4n;
	error_layout(&m, &bd, inner4, &orig, &ext);
	tot = IP4_HDR + ICMP_HDR + orig + ext;
	if (tot > c->out->cap)
		return drop(c->out, XLAT_DROP_NO_SPACE);

	ic = b + IP4_HDR;
	ic[0] = m.type;
	ic[1] = m.code;
	put16(ic + 2, 0);
	memcpy(ic + 4, m.rest, 4);
	if (ext)
		ic[5] = (uint8_t)(orig / 4);
	w = write_inner(ic + ICMP_HDR, orig, c->cfg, &in);
	memset(ic + ICMP_HDR + w, 0, orig - w);
	if (ext)
		memcpy(ic + ICMP_HDR + orig, bd.ext, ext);
	put16(ic + 2, csum_finish(csum_add_buf(0, ic, tot - IP4_HDR)));
	to4_write_ip4(b, c->cfg, h, tot, c->out->next_id++, c->ttl,
		      PROTO_ICMP, &c->src4, &c->dst4);
	*len4 = tot;
	return XLAT_OUT;
}
