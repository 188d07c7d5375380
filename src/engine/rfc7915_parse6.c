// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IPv6 header and its extension header chain (RFC 8200), outer or
 * quoted in an ICMPv6 error, parsed for RFC 7915 section 5.  A parse
 * failure names the ICMPv6 error it deserves (set_err()).
 */
#include "rfc7915_6to4_int.h"

#include <string.h>

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

enum xlat_drop v6_parse_outer(const uint8_t *p, size_t len, struct p6 *h)
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
enum xlat_drop v6_parse_inner(const uint8_t *p, size_t len, struct p6 *h)
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
