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

#include "checksum.h"
#include "ipv4_frag.h"
#include "rfc6052.h"
#include "xlat_addr.h"

#include <string.h>
#include <sys/socket.h>

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

static enum xlat_verdict drop(struct xlat_out *out, enum xlat_drop r)
{
	out->n = 0;
	out->reason = r;
	return XLAT_DROP;
}

static enum xlat_verdict emit(struct xlat_out *out, size_t len, int family)
{
	out->n = 1;
	out->pkt[0].off = 0;
	out->pkt[0].len = (uint32_t)len;
	out->family = family;
	out->reason = XLAT_DROP_NONE;
	return XLAT_OUT;
}

static bool is_ext_hdr(uint8_t nh)
{
	return nh == NH_HOP || nh == NH_ROUTING || nh == NH_FRAG ||
	       nh == NH_DSTOPTS;
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

static enum xlat_drop set_err(struct p6 *h, uint8_t type, uint8_t code,
			      size_t ptr, enum xlat_drop r)
{
	h->err_type = type;
	h->err_code = code;
	h->err_ptr = (uint32_t)ptr;
	return r;
}

/*
 * The Fragment Header: RFC 8200 4.5.  An atomic fragment (offset 0, M=0,
 * RFC 6946) is no fragment, but its Identification still travels
 * (RFC 7915 5.1.1).  Until the chain is walked further, the fragment's
 * Next Header stands for the protocol, so a reply can judge it.
 */
static enum xlat_drop parse_frag(struct p6 *h, size_t off, bool *stop)
{
	const uint8_t *f = h->p + off;
	uint16_t w = get16(f + 2);
	size_t data;

	h->fh = true;
	h->fo = w >> 3;
	h->mf = w & 1;
	h->id = get16(f + 6);
	h->proto = f[0];
	h->l4off = off + FRAG_HDR;
	*stop = false;
	if (!h->fo && !h->mf)
		return XLAT_DROP_NONE;
	h->frag = true;
	/* RFC 8200 4.5: Parameter Problem code 0 for both. */
	data = IP6_HDR + h->plen - (off + FRAG_HDR);
	if (h->mf && (data & 7))
		return set_err(h, 4, 0, 4, XLAT_DROP_BAD_FRAGMENT);
	if ((size_t)h->fo * 8 + data > 65535)
		return set_err(h, 4, 0, off + 2, XLAT_DROP_BAD_FRAGMENT);
	/*
	 * Headers of the fragmentable part exist in the first fragment only:
	 * skipping them there would shift every later fragment's offset.  A
	 * first fragment is walked on (its upper layer decides whether it
	 * may be answered); a later one cannot be told from an ICMPv6 error.
	 */
	if (is_ext_hdr(f[0])) {
		if (h->fo)
			return XLAT_DROP_BAD_FRAGMENT;
		h->frag_ext = true;
	}
	*stop = h->fo != 0;
	return XLAT_DROP_NONE;
}

/*
 * A chain that runs past the payload.  In a first fragment the headers
 * through the upper layer must all be there (RFC 8200 4.5, RFC 7112):
 * Parameter Problem code 3, pointer 0.  Elsewhere the Payload Length is
 * what disagrees with the headers: code 0, pointing at it.
 */
static enum xlat_drop cut_chain(struct p6 *h, enum xlat_drop bad)
{
	if (h->frag && !h->fo)
		return set_err(h, 4, 3, 0, bad);
	return set_err(h, 4, 0, 4, bad);
}

/*
 * Walk the chain within h->len.  bad is the verdict for a chain that runs
 * past the data: malformed in an outer packet, cut short in an embedded one.
 */
static enum xlat_drop parse_chain(struct p6 *h, enum xlat_drop bad)
{
	uint8_t nh = h->p[6];
	size_t off = IP6_HDR, hl, nh_at = 6;
	bool seen_frag = false, stop;
	enum xlat_drop r;

	for (;;) {
		switch (nh) {
		case NH_HOP:
		case NH_ROUTING:
		case NH_DSTOPTS:
			/* RFC 8200 4.1 and 4.3: hop-by-hop only right after
			 * the header, else code 1 at the Next Header naming it */
			if (nh == NH_HOP && off != IP6_HDR)
				return set_err(h, 4, 1, nh_at,
					       XLAT_DROP_BAD_EXTHDR);
			if (off + 8 > h->len)
				return cut_chain(h, bad);
			hl = ((size_t)h->p[off + 1] + 1) * 8;
			if (off + hl > h->len)
				return cut_chain(h, bad);
			if (nh == NH_ROUTING && h->p[off + 3] && !h->sl_ptr)
				h->sl_ptr = off + 3;
			nh = h->p[off];
			nh_at = off;
			off += hl;
			break;
		case NH_FRAG:
			/* Legal, but two reassemblies are beyond a
			 * stateless translator: RFC 7915 5.4's default. */
			if (seen_frag)
				return set_err(h, 1, 1, 0, XLAT_DROP_BAD_EXTHDR);
			seen_frag = true;
			if (off + FRAG_HDR > h->len)
				return cut_chain(h, bad);
			r = parse_frag(h, off, &stop);
			if (r != XLAT_DROP_NONE)
				return r;
			nh = h->p[off];
			nh_at = off;
			off += FRAG_HDR;
			if (stop)
				return XLAT_DROP_NONE;
			break;
		default:
			h->proto = nh;
			h->l4off = off;
			/* Translatable only by shifting later fragments. */
			if (h->frag_ext)
				return set_err(h, 1, 1, 0,
					       XLAT_DROP_BAD_FRAGMENT);
			return XLAT_DROP_NONE;
		}
	}
}

static void parse_fields(const uint8_t *p, size_t len, struct p6 *h)
{
	memset(h, 0, sizeof(*h));
	h->p = p;
	h->plen = get16(p + 4);
	h->len = len;
	memcpy(&h->src, p + 8, 16);
	memcpy(&h->dst, p + 24, 16);
}

static enum xlat_drop parse_outer(const uint8_t *p, size_t len, struct p6 *h)
{
	if (len < IP6_HDR)
		return XLAT_DROP_TRUNCATED;
	if (p[0] >> 4 != 6)
		return XLAT_DROP_BAD_VERSION;
	parse_fields(p, len, h);
	/* Link-layer padding after the payload is not part of the packet. */
	if (h->plen > len - IP6_HDR)
		return XLAT_DROP_TRUNCATED;
	h->len = IP6_HDR + h->plen;
	return parse_chain(h, XLAT_DROP_BAD_EXTHDR);
}

/* An embedded packet may be cut anywhere after its extension headers. */
static enum xlat_drop parse_inner(const uint8_t *p, size_t len, struct p6 *h)
{
	enum xlat_drop r;

	if (len < IP6_HDR)
		return XLAT_DROP_ICMP_ERROR_TRUNCATED;
	if (p[0] >> 4 != 6)
		return XLAT_DROP_BAD_VERSION;
	parse_fields(p, len, h);
	if (h->len > IP6_HDR + h->plen)
		h->len = IP6_HDR + h->plen; /* RFC 4884 zero padding */
	r = parse_chain(h, XLAT_DROP_ICMP_ERROR_TRUNCATED);
	if (r == XLAT_DROP_NONE && h->l4off - IP6_HDR > h->plen)
		return XLAT_DROP_BAD_LENGTH;
	return r;
}

static uint8_t tos(const struct xlat_cfg *cfg, const struct p6 *h)
{
	return cfg->reset_tos ? 0 : (uint8_t)(get32(h->p) >> 20);
}

/* The upper-layer length as the original packet had it. */
static size_t l4_total(const struct p6 *h)
{
	return h->plen - (h->l4off - IP6_HDR);
}

/* RFC 7915 5.1 and 5.1.1; total is the IPv4 Total Length. */
static void write_ip4(uint8_t *b, const struct xlat_cfg *cfg,
		      const struct p6 *h, size_t total, uint16_t id,
		      uint8_t ttl, uint8_t proto, const struct in_addr *s,
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
static uint32_t addr_delta(const struct p6 *h, const struct in_addr *s4,
			   const struct in_addr *d4)
{
	uint32_t x = csum_addr4(s4) + csum_addr4(d4);

	return csum_sub16(x, csum_fold(csum_addr6(&h->src) +
				       csum_addr6(&h->dst)));
}

/* Echo: drop the ICMPv6 pseudo-header, change the type (RFC 7915 5.2). */
static void fix_echo(uint8_t *icmp, const struct p6 *h, uint8_t type4)
{
	uint32_t ph = csum_pseudo6(&h->src, &h->dst, PROTO_ICMP6,
				   (uint32_t)l4_total(h));
	uint32_t d = csum_sub16(0, csum_fold(ph));

	d = csum_add16(d, (uint16_t)(type4 << 8 | icmp[1]));
	d = csum_sub16(d, (uint16_t)(icmp[0] << 8 | icmp[1]));
	icmp[0] = type4;
	put16(icmp + 2, csum_update(get16(icmp + 2), d));
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

static void fix_l4(uint8_t *l4, size_t n, uint8_t proto, uint32_t delta)
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

static enum xlat_drop map_pair(const struct xlat_cfg *cfg, const struct p6 *h,
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

static bool icmp6_is_error_type(uint8_t t)
{
	return t < 128;
}

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
/* ICMPv6 to ICMPv4 (RFC 7915 5.2 and 5.3, RFC 4884).                 */

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

static enum xlat_drop info_drop(uint8_t t)
{
	if ((t >= 130 && t <= 132) || t == 143)
		return XLAT_DROP_ICMPV6_MLD;
	if (t >= 133 && t <= 137)
		return XLAT_DROP_ICMPV6_ND;
	return XLAT_DROP_ICMP_UNTRANSLATABLE;
}

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

	r = parse_inner(p, len, &in->h);
	if (r != XLAT_DROP_NONE)
		return r;
	r = inner_l4_check(&in->h);
	if (r != XLAT_DROP_NONE)
		return r;
	r = map_pair(cfg, &in->h, &in->src4, &in->dst4, &src_failed,
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
	write_ip4(b, cfg, h, total, 0, h->p[7], h->proto, &in->src4,
		  &in->dst4);
	if (n > max - IP4_HDR)
		n = max - IP4_HDR;
	memcpy(l4, h->p + h->l4off, n);
	if (h->fo)
		return IP4_HDR + n;
	if (h->proto == PROTO_ICMP6 && n >= 4)
		fix_echo(l4, h, l4[0] == 128 ? 8 : 0);
	else if (h->proto == PROTO_ICMP6 && n >= 1)
		l4[0] = l4[0] == 128 ? 8 : 0;
	else
		fix_l4(l4, n, h->proto, addr_delta(h, &in->src4, &in->dst4));
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

static enum xlat_verdict xlat_icmp_error(struct ctx *c, size_t *len4)
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
	write_ip4(b, c->cfg, h, tot, c->out->next_id++, c->ttl, PROTO_ICMP,
		  &c->src4, &c->dst4);
	*len4 = tot;
	return XLAT_OUT;
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
	write_ip4(b, c->cfg, h, tot, id, c->ttl, h->proto, &c->src4,
		  &c->dst4);
	if (!h->fo) {
		if (h->proto == PROTO_ICMP6)
			fix_echo(l4, h, l4[0] == 128 ? 8 : 0);
		else if (c->flags & XLAT_F_CSUM_PARTIAL)
			fix_l4_partial(l4, n, h->proto,
				       addr_delta(h, &c->src4, &c->dst4));
		else
			fix_l4(l4, n, h->proto,
			       addr_delta(h, &c->src4, &c->dst4));
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

	r = map_pair(c->cfg, &c->h, &c->src4, &c->dst4, &src_failed,
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
	r = parse_outer(pkt, len, h);
	if (r != XLAT_DROP_NONE)
		return header_error(&c, r);
	if (mcast6(&h->dst) || mcast6(&h->src))
		return drop(out, XLAT_DROP_MULTICAST);
	r = icmp6_gate(h);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);
	c.ttl = pkt[7];
	if (cfg->decrement_ttl) {
		if (c.ttl <= 1)
			return reply6(&c, 3, 0, 0,
				      XLAT_DROP_HOP_LIMIT_EXPIRED);
		c.ttl--;
	}
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
		v = xlat_icmp_error(&c, &len4);
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
