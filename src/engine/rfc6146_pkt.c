// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 sections 3.4 and 3.5: which flow (BIB entry, session) a packet
 * belongs to, from its outer header or, for an ICMP error, from the packet
 * inside it; and the rewrite of the IPv6 host's end of a packet to its
 * mapped form and back, with RFC 1624 checksum updates all the way
 * through an ICMPv6 error's inner packet.
 */
#include "rfc6146_int.h"

#include "checksum.h"

#include <arpa/inet.h>
#include <string.h>

#define IP6_HDR 40
#define ICMP_HDR 8
#define NH_HOP 0
#define NH_ROUTING 43
#define NH_FRAG 44
#define NH_DSTOPTS 60
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMP6 58

struct hdr6 {
	size_t l4off;
	uint8_t proto;
	uint16_t fo;
	bool frag; /* a non-atomic Fragment Header */
	uint32_t id;
};

/* The extension header chain; truncated upper layers are the caller's. */
static bool walk6(const uint8_t *p, size_t len, struct hdr6 *h)
{
	size_t off = IP6_HDR;
	uint8_t nh;

	if (len < IP6_HDR || p[0] >> 4 != 6)
		return false;
	nh = p[6];
	memset(h, 0, sizeof(*h));
	for (int n = 0; n < 8; n++) {
		if (off + 8 > len)
			break;
		if (nh == NH_HOP || nh == NH_ROUTING || nh == NH_DSTOPTS) {
			uint8_t next = p[off];

			off += ((size_t)p[off + 1] + 1) * 8;
			nh = next;
			continue;
		}
		if (nh != NH_FRAG)
			break;
		h->fo = get16(p + off + 2) >> 3;
		h->frag = h->fo || (p[off + 3] & 1);
		h->id = get32(p + off + 4);
		nh = p[off];
		off += 8;
		if (h->fo)
			break;
	}
	if (off > len || nh == NH_HOP || nh == NH_ROUTING ||
	    nh == NH_DSTOPTS || (nh == NH_FRAG && !h->fo))
		return false;
	h->l4off = off;
	h->proto = nh;
	return true;
}

static bool icmp6_echo(uint8_t t)
{
	return t == 128 || t == 129;
}

static enum xlat_drop icmp6_info_drop(uint8_t t)
{
	if (t >= 133 && t <= 137)
		return XLAT_DROP_ICMPV6_ND;
	if ((t >= 130 && t <= 132) || t == 143)
		return XLAT_DROP_ICMPV6_MLD;
	return XLAT_DROP_ICMP_UNTRANSLATABLE;
}

/* Ports of an L4 header with n bytes present; inner packets may be cut. */
static enum xlat_drop ports(const uint8_t *l4, size_t n, uint8_t proto,
			    bool inner, struct nat64_flow *f, uint16_t *sp,
			    uint16_t *dp)
{
	size_t need = proto == PROTO_TCP && !inner ? 20 : 8;

	if (n < need)
		return inner ? XLAT_DROP_ICMP_ERROR_TRUNCATED
			     : XLAT_DROP_TRUNCATED;
	if (proto == PROTO_TCP) {
		f->proto = NAT64_TCP;
		if (!inner)
			f->tcp = l4[13] & (NAT64_TCP_FIN | NAT64_TCP_SYN |
					   NAT64_TCP_RST);
	} else if (proto == PROTO_UDP) {
		f->proto = NAT64_UDP;
	} else {
		f->proto = NAT64_ICMP;
		*sp = *dp = get16(l4 + 4);
		return XLAT_DROP_NONE;
	}
	*sp = get16(l4);
	*dp = get16(l4 + 2);
	return XLAT_DROP_NONE;
}

static enum xlat_drop inner6(const uint8_t *p, size_t len,
			     struct nat64_flow *f)
{
	struct hdr6 h;
	uint16_t sp, dp;
	enum xlat_drop r;

	if (!walk6(p, len, &h))
		return XLAT_DROP_ICMP_ERROR_TRUNCATED;
	if (h.fo)
		return XLAT_DROP_NAT64_FRAGMENT;
	if (h.proto == PROTO_ICMP6) {
		if (h.l4off < len && !icmp6_echo(p[h.l4off]))
			return p[h.l4off] < 128 ? XLAT_DROP_ICMP_ERROR_NESTED
						: XLAT_DROP_ICMP_UNTRANSLATABLE;
	} else if (h.proto != PROTO_TCP && h.proto != PROTO_UDP) {
		return XLAT_DROP_UNSUPPORTED_PROTO;
	}
	r = ports(p + h.l4off, len - h.l4off, h.proto, true, f, &sp, &dp);
	if (r != XLAT_DROP_NONE)
		return r;
	/* The packet in error went from the IPv4 peer to the IPv6 host. */
	memcpy(&f->r6, p + 8, 16);
	memcpy(&f->l6, p + 24, 16);
	f->rport = f->proto == NAT64_ICMP ? 0 : sp;
	f->lport = dp;
	return XLAT_DROP_NONE;
}

static enum xlat_drop ipproto(uint8_t proto, struct nat64_flow *f)
{
	if (proto == PROTO_TCP)
		f->proto = NAT64_TCP;
	else if (proto == PROTO_UDP)
		f->proto = NAT64_UDP;
	else if (proto == PROTO_ICMP || proto == PROTO_ICMP6)
		f->proto = NAT64_ICMP;
	else
		return XLAT_DROP_UNSUPPORTED_PROTO;
	return XLAT_DROP_NONE;
}

/* A fragment after the first: addresses and protocol, no ports. */
static enum xlat_drop tail6(const uint8_t *p, uint8_t proto,
			    struct nat64_flow *f)
{
	f->tail = true;
	memcpy(&f->l6, p + 8, 16);
	memcpy(&f->r6, p + 24, 16);
	return ipproto(proto, f);
}

enum xlat_drop nat64_flow6(const uint8_t *p, size_t len, struct nat64_flow *f)
{
	const uint8_t *l4;
	struct hdr6 h;
	uint16_t sp, dp;
	enum xlat_drop r;
	size_t n;

	memset(f, 0, sizeof(*f));
	if (!walk6(p, len, &h) || IP6_HDR + (size_t)get16(p + 4) > len)
		return XLAT_DROP_TRUNCATED;
	len = IP6_HDR + get16(p + 4);
	if (h.l4off > len)
		return XLAT_DROP_TRUNCATED;
	f->hlim = p[7];
	f->frag = h.frag;
	f->fid = h.id;
	if (h.fo) /* ports live in the first fragment only */
		return tail6(p, h.proto, f);
	l4 = p + h.l4off;
	n = len - h.l4off;
	if (h.proto == PROTO_ICMP6) {
		if (n < ICMP_HDR)
			return XLAT_DROP_TRUNCATED;
		if (l4[0] < 128) {
			f->error = true;
			return inner6(l4 + ICMP_HDR, n - ICMP_HDR, f);
		}
		if (!icmp6_echo(l4[0]))
			return icmp6_info_drop(l4[0]);
	} else if (h.proto != PROTO_TCP && h.proto != PROTO_UDP) {
		return XLAT_DROP_UNSUPPORTED_PROTO;
	}
	r = ports(l4, n, h.proto, false, f, &sp, &dp);
	if (r != XLAT_DROP_NONE)
		return r;
	memcpy(&f->l6, p + 8, 16);
	memcpy(&f->r6, p + 24, 16);
	f->lport = sp;
	f->rport = f->proto == NAT64_ICMP ? 0 : dp;
	return XLAT_DROP_NONE;
}

/* ------------------------------------------------------------------ */

static bool icmp4_error(uint8_t t)
{
	return t == 3 || t == 11 || t == 12;
}

static enum xlat_drop inner4(const uint8_t *p, size_t len,
			     struct nat64_flow *f)
{
	size_t ihl;
	uint16_t sp, dp;
	enum xlat_drop r;

	if (len < 20 || p[0] >> 4 != 4 || (ihl = (p[0] & 0xfu) * 4u) < 20 ||
	    ihl > len)
		return XLAT_DROP_ICMP_ERROR_TRUNCATED;
	if (get16(p + 6) & 0x1fff)
		return XLAT_DROP_NAT64_FRAGMENT;
	if (p[9] == PROTO_ICMP) {
		if (ihl < len && p[ihl] != 0 && p[ihl] != 8)
			return icmp4_error(p[ihl]) ? XLAT_DROP_ICMP_ERROR_NESTED
						   : XLAT_DROP_ICMP_UNTRANSLATABLE;
	} else if (p[9] != PROTO_TCP && p[9] != PROTO_UDP) {
		return XLAT_DROP_UNSUPPORTED_PROTO;
	}
	r = ports(p + ihl, len - ihl, p[9], true, f, &sp, &dp);
	if (r != XLAT_DROP_NONE)
		return r;
	/* The packet in error went from the pool4 address to the peer. */
	memcpy(&f->l4, p + 12, 4);
	memcpy(&f->r4, p + 16, 4);
	f->lport = sp;
	f->rport = f->proto == NAT64_ICMP ? 0 : dp;
	return XLAT_DROP_NONE;
}

enum xlat_drop nat64_flow4(const uint8_t *p, size_t len, struct nat64_flow *f)
{
	size_t ihl, tot;
	uint16_t sp, dp;
	enum xlat_drop r;

	memset(f, 0, sizeof(*f));
	if (len < 20 || p[0] >> 4 != 4)
		return XLAT_DROP_TRUNCATED;
	ihl = (p[0] & 0xfu) * 4u;
	tot = get16(p + 2);
	if (ihl < 20 || tot < ihl || tot > len)
		return XLAT_DROP_TRUNCATED;
	f->hlim = p[8];
	if (get16(p + 6) & 0x3fff) {
		f->frag = true;
		f->fid = get16(p + 4);
	}
	if (get16(p + 6) & 0x1fff) {
		f->tail = true;
		memcpy(&f->r4, p + 12, 4);
		memcpy(&f->l4, p + 16, 4);
		return ipproto(p[9], f);
	}
	if (p[9] == PROTO_ICMP) {
		if (tot - ihl < ICMP_HDR)
			return XLAT_DROP_TRUNCATED;
		if (icmp4_error(p[ihl])) {
			f->error = true;
			return inner4(p + ihl + ICMP_HDR, tot - ihl - ICMP_HDR,
				      f);
		}
		if (p[ihl] != 0 && p[ihl] != 8)
			return XLAT_DROP_ICMP_UNTRANSLATABLE;
	} else if (p[9] != PROTO_TCP && p[9] != PROTO_UDP) {
		return XLAT_DROP_UNSUPPORTED_PROTO;
	}
	r = ports(p + ihl, tot - ihl, p[9], false, f, &sp, &dp);
	if (r != XLAT_DROP_NONE)
		return r;
	memcpy(&f->r4, p + 12, 4);
	memcpy(&f->l4, p + 16, 4);
	f->lport = dp;
	f->rport = f->proto == NAT64_ICMP ? 0 : sp;
	return XLAT_DROP_NONE;
}

/* ------------------------------------------------------------------ */
/* Rewriting                                                           */

/* Replace 16 bytes at p by a; the one's complement sum difference. */
static uint32_t swap_addr(uint8_t *p, const struct in6_addr *a)
{
	uint32_t d = csum_sub16(csum_addr6(a), csum_fold(csum_add_buf(0, p, 16)));

	memcpy(p, a, 16);
	return d;
}

static uint32_t swap16(uint8_t *p, uint16_t v)
{
	uint32_t d = csum_sub16(v, get16(p));

	put16(p, v);
	return d;
}

static size_t csum_off(uint8_t proto)
{
	return proto == PROTO_TCP ? 16 : proto == PROTO_UDP ? 6 : 2;
}

/*
 * Fix the port and checksum of an L4 header (n bytes present) whose
 * pseudo-header changed by d; returns the sum difference of its bytes,
 * which an enclosing ICMPv6 checksum must follow.
 */
static uint32_t fix_l4(uint8_t *l4, size_t n, uint8_t proto, size_t poff,
		       uint16_t port, uint32_t d)
{
	size_t co = csum_off(proto);
	uint32_t bytes = 0, dp;
	uint16_t old, nw;

	if (proto != PROTO_TCP && proto != PROTO_UDP && proto != PROTO_ICMP6)
		return 0;
	if (n >= poff + 2) {
		dp = swap16(l4 + poff, port);
		d += dp;
		bytes += dp;
	}
	if (n < co + 2)
		return bytes;
	old = get16(l4 + co);
	if (proto == PROTO_UDP && old == 0)
		return bytes;
	nw = csum_update(old, d);
	if (proto == PROTO_UDP && nw == 0)
		nw = 0xffff;
	put16(l4 + co, nw);
	return bytes + csum_sub16(nw, old);
}

static size_t port_off(uint8_t proto, const uint8_t *l4, size_t n, bool src)
{
	if (proto == PROTO_ICMP6)
		return n >= 1 && icmp6_echo(l4[0]) ? 4 : SIZE_MAX - 2;
	return src ? 0 : 2;
}

static void rewrite_error(uint8_t *p, size_t len, const struct hdr6 *h,
			  bool local_src, const struct in6_addr *a,
			  uint16_t port)
{
	uint8_t *icmp = p + h->l4off, *in = icmp + ICMP_HDR, *l4;
	size_t ilen = len - h->l4off - ICMP_HDR, n;
	uint32_t d = swap_addr(p + (local_src ? 8 : 24), a), di;
	struct hdr6 ih;

	/* The outer address is in the ICMPv6 pseudo-header: d counts. */
	if (walk6(in, ilen, &ih)) {
		/* The inner packet went the other way: the other address. */
		di = swap_addr(in + (local_src ? 24 : 8), a);
		d += di;
		if (!ih.fo) {
			l4 = in + ih.l4off;
			n = ilen - ih.l4off;
			d += fix_l4(l4, n, ih.proto,
				    port_off(ih.proto, l4, n, !local_src), port,
				    di);
		}
	}
	put16(icmp + 2, csum_update(get16(icmp + 2), d));
}

void nat64_rewrite6(uint8_t *p, size_t len, bool local_src,
		    const struct in6_addr *a, uint16_t port)
{
	struct hdr6 h;
	uint8_t *l4;
	uint32_t d;
	size_t n;

	if (len >= IP6_HDR && IP6_HDR + (size_t)get16(p + 4) < len)
		len = IP6_HDR + get16(p + 4);
	if (!walk6(p, len, &h))
		return;
	l4 = p + h.l4off;
	n = len - h.l4off;
	if (h.proto == PROTO_ICMP6 && !h.fo && n >= ICMP_HDR && l4[0] < 128) {
		rewrite_error(p, len, &h, local_src, a, port);
		return;
	}
	d = swap_addr(p + (local_src ? 8 : 24), a);
	if (!h.fo)
		fix_l4(l4, n, h.proto, port_off(h.proto, l4, n, local_src),
		       port, d);
}

/*
 * CHECKSUM_PARTIAL (TUN offload): the TCP/UDP field holds the folded
 * pseudo-header sum, not complemented, and the kernel adds the segment's
 * bytes (ports included) when it finishes it.  So the address delta is
 * added, and the port is just written.  Anything else (fragments, ICMP)
 * never comes with a partial checksum and takes the ordinary way.
 */
void nat64_rewrite6_partial(uint8_t *p, size_t len, bool local_src,
			    const struct in6_addr *a, uint16_t port)
{
	struct hdr6 h;
	uint8_t *l4;
	uint16_t d;
	size_t co;

	if (len >= IP6_HDR && IP6_HDR + (size_t)get16(p + 4) < len)
		len = IP6_HDR + get16(p + 4);
	if (!walk6(p, len, &h) || h.fo ||
	    (h.proto != PROTO_TCP && h.proto != PROTO_UDP) ||
	    len - h.l4off < csum_off(h.proto) + 2) {
		nat64_rewrite6(p, len, local_src, a, port);
		return;
	}
	l4 = p + h.l4off;
	co = csum_off(h.proto);
	d = csum_fold(swap_addr(p + (local_src ? 8 : 24), a));
	put16(l4 + (local_src ? 0 : 2), port);
	if (d != 0 && d != 0xffff)
		put16(l4 + co, csum_fold((uint32_t)get16(l4 + co) + d));
}
