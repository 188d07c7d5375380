// SPDX-License-Identifier: GPL-2.0-or-later
/* virtio-net header handling for offloading TUN queues; see vnet.h. */
#include "datapath/vnet.h"

#include "checksum.h"

#include <string.h>

#define IP4_HDR 20
#define IP6_HDR 40
#define PROTO_TCP 6
#define PROTO_UDP 17
#define TCP_CSUM_OFF 16
#define UDP_CSUM_OFF 6
#define GSO_ECN VIRTIO_NET_HDR_GSO_ECN

/* Where the transport header of a packet starts, when it is simple. */
struct l4loc {
	unsigned int ver;
	unsigned int off;  /* transport header offset */
	unsigned int len;  /* transport bytes the IP header claims */
	uint8_t proto;
	bool frag;
};

/*
 * The legacy header that TUN uses without TUNSETVNETLE is in the host's
 * byte order; plain loads and stores are right.
 */
static unsigned int h16(__virtio16 v)
{
	return (unsigned int)v;
}

static bool locate(const uint8_t *p, size_t len, struct l4loc *l)
{
	memset(l, 0, sizeof(*l));
	if (len < IP4_HDR)
		return false;
	l->ver = p[0] >> 4;
	if (l->ver == 4) {
		size_t ihl = (size_t)(p[0] & 15) * 4, tot = get16(p + 2);

		if (ihl < IP4_HDR || tot < ihl || tot > len)
			return false;
		l->off = (unsigned int)ihl;
		l->len = (unsigned int)(tot - ihl);
		l->proto = p[9];
		l->frag = (get16(p + 6) & 0x3fff) != 0;
		return true;
	}
	if (l->ver != 6 || len < IP6_HDR ||
	    IP6_HDR + (size_t)get16(p + 4) > len)
		return false;
	/* Extension headers are no "simple" layout: p[6] is then not the
	 * transport, and the caller falls back to a full checksum. */
	l->off = IP6_HDR;
	l->len = get16(p + 4);
	l->proto = p[6];
	return true;
}

static unsigned int csum_field(uint8_t proto)
{
	if (proto == PROTO_TCP)
		return TCP_CSUM_OFF;
	if (proto == PROTO_UDP)
		return UDP_CSUM_OFF;
	return 0;
}

int vnet_csum_finish(uint8_t *pkt, size_t len, unsigned int start,
		     unsigned int off)
{
	uint16_t c;

	if ((size_t)start + off + 2 > len)
		return -1;
	c = csum_finish(csum_add_buf(0, pkt + start, len - start));
	/* UDP's zero means "no checksum"; its one's complement twin is sent. */
	if (c == 0 && off == UDP_CSUM_OFF)
		c = 0xffff;
	put16(pkt + start + off, c);
	return 0;
}

/* The partial sum may go through the engine as it is. */
static bool partial_ok(const struct l4loc *l, unsigned int start,
		       unsigned int off)
{
	unsigned int co = csum_field(l->proto);

	return co && co == off && start == l->off && !l->frag &&
	       l->len >= co + 2;
}

static int rx_plain(const struct virtio_net_hdr *vh, uint8_t *pkt, size_t len,
		    const struct l4loc *l, bool loc_ok, unsigned int mtu6)
{
	unsigned int start = h16(vh->csum_start), off = h16(vh->csum_offset);

	if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return 0;
	/* A 4->6 packet the engine may fragment needs its real sum first. */
	if (loc_ok && partial_ok(l, start, off) &&
	    !(l->ver == 4 && IP6_HDR + (size_t)l->len > mtu6))
		return XLAT_F_CSUM_PARTIAL;
	return vnet_csum_finish(pkt, len, start, off) ? -1 : 0;
}

int vnet_rx_flags(const struct virtio_net_hdr *vh, uint8_t *pkt, size_t len,
		  unsigned int mtu6)
{
	unsigned int gso = vh->gso_type & ~GSO_ECN, want, thl;
	struct l4loc l;
	bool loc_ok = locate(pkt, len, &l);

	if (gso == VIRTIO_NET_HDR_GSO_NONE)
		return rx_plain(vh, pkt, len, &l, loc_ok, mtu6);
	want = loc_ok && l.ver == 4 ? VIRTIO_NET_HDR_GSO_TCPV4 :
				      VIRTIO_NET_HDR_GSO_TCPV6;
	if (!loc_ok || gso != want || l.proto != PROTO_TCP ||
	    !(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || !h16(vh->gso_size) ||
	    !partial_ok(&l, h16(vh->csum_start), h16(vh->csum_offset)))
		return -1;
	thl = (unsigned int)(pkt[l.off + 12] >> 4) * 4;
	if (thl < 20 || thl > l.len)
		return -1;
	/*
	 * TCP sets DF, and RFC 7915 holds DF=1 packets to the next-hop MTU,
	 * not to lowest-ipv6-mtu: segments grown by 20 bytes that do not fit
	 * the IPv6 path make the kernel answer with Packet Too Big, which we
	 * translate back to the sender as Fragmentation Needed.
	 */
	return XLAT_F_GSO | XLAT_F_CSUM_PARTIAL;
}

size_t vnet_gso_seg_len(const struct virtio_net_hdr *vh, const uint8_t *pkt,
			size_t len)
{
	struct l4loc l;
	unsigned int thl;

	if ((vh->gso_type & ~GSO_ECN) == VIRTIO_NET_HDR_GSO_NONE ||
	    !locate(pkt, len, &l) || l.proto != PROTO_TCP || l.len < 20)
		return 0;
	thl = (unsigned int)(pkt[l.off + 12] >> 4) * 4;
	return (size_t)l.off + thl + h16(vh->gso_size);
}

void vnet_tx_hdr(const struct virtio_net_hdr *in, unsigned int flags,
		 enum xlat_verdict v, unsigned int n_out, const uint8_t *pkt,
		 size_t len, struct virtio_net_hdr *out)
{
	struct l4loc l;

	memset(out, 0, sizeof(*out));
	if (v != XLAT_OUT || n_out != 1 || !(flags & XLAT_F_CSUM_PARTIAL))
		return;
	if (!locate(pkt, len, &l) || !csum_field(l.proto) || l.frag)
		return;
	out->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	out->csum_start = (__virtio16)l.off;
	out->csum_offset = (__virtio16)csum_field(l.proto);
	if (!(flags & XLAT_F_GSO) || l.proto != PROTO_TCP || l.len < 20)
		return;
	out->gso_type = (uint8_t)((l.ver == 4 ? VIRTIO_NET_HDR_GSO_TCPV4 :
						VIRTIO_NET_HDR_GSO_TCPV6) |
				  (in->gso_type & GSO_ECN));
	out->gso_size = in->gso_size;
	out->hdr_len = (__virtio16)(l.off + (pkt[l.off + 12] >> 4) * 4);
}

/* ---- software TSO, TCP/IPv4 ---- */

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

int tso4_init(struct tso4 *t, const uint8_t *pkt, size_t len,
	      unsigned int gso_size)
{
	struct l4loc l;
	unsigned int doff;

	memset(t, 0, sizeof(*t));
	if (!locate(pkt, len, &l) || l.ver != 4 || l.proto != PROTO_TCP ||
	    l.frag || l.len < 20 || !gso_size)
		return -1;
	doff = (unsigned int)(pkt[l.off + 12] >> 4) * 4;
	if (doff < 20 || doff > l.len)
		return -1;
	t->pkt = pkt;
	t->hlen = l.off + doff;
	t->plen = l.len - doff;
	t->mss = gso_size;
	return 0;
}

int tso4_next(struct tso4 *t, uint8_t *seg, size_t cap)
{
	unsigned int ihl = (unsigned int)(t->pkt[0] & 15) * 4, n;
	uint8_t *tcp = seg + ihl;
	uint32_t sum;
	bool last;

	if (t->done >= t->plen && (t->i || t->plen))
		return 0;
	n = t->plen - t->done < t->mss ? t->plen - t->done : t->mss;
	if ((size_t)t->hlen + n > cap)
		return -1;
	last = t->done + n >= t->plen;
	memcpy(seg, t->pkt, t->hlen);
	memcpy(seg + t->hlen, t->pkt + t->hlen + t->done, n);
	put16(seg + 2, (uint16_t)(t->hlen + n));
	put16(seg + 4, (uint16_t)(get16(t->pkt + 4) + t->i));
	put16(seg + 10, 0);
	put16(seg + 10, csum_finish(csum_add_buf(0, seg, ihl)));
	put32(tcp + 4, get32(t->pkt + ihl + 4) + t->done);
	if (t->i)
		tcp[13] &= (uint8_t)~TCP_CWR;
	if (!last)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	/* RFC 793 3.1: the pseudo header, then the segment. */
	put16(tcp + TCP_CSUM_OFF, 0);
	sum = csum_add_buf(0, seg + 12, 8);
	sum = csum_add16(sum, PROTO_TCP);
	sum = csum_add16(sum, (uint16_t)(t->hlen - ihl + n));
	sum = csum_add_buf(sum, tcp, t->hlen - ihl + n);
	put16(tcp + TCP_CSUM_OFF, csum_finish(sum));
	t->done += n;
	t->i++;
	return (int)(t->hlen + n);
}
