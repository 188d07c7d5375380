/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-net headers on a TUN queue (IFF_VNET_HDR + TUNSETOFFLOAD): what
 * the kernel tells us about a packet it hands over (a GSO super-packet, a
 * checksum still to finish) and what we tell it about our translation.
 *
 * The engine translates a 64 KB TCP super-packet once; the kernel cuts it
 * into segments after we write it back, and finishes the checksums.
 */
#ifndef XLAT_VNET_H
#define XLAT_VNET_H

#include <linux/virtio_net.h>
#include <stddef.h>
#include <stdint.h>

#include "xlat.h"

#define VNET_HDR_LEN sizeof(struct virtio_net_hdr)

/*
 * Look at the header read in front of pkt (len bytes of IP packet) and
 * return the engine flags (XLAT_F_*) to translate it with, or -1 when it
 * cannot be translated (a GSO type we do not handle, an inconsistent
 * header).  mtu6 is the engine's IPv6 MTU: a 4->6 super-packet whose
 * translated segments would not fit goes through the engine as one big
 * packet (Fragmentation Needed, or fragments), its checksum finished
 * here first.  May write the finished checksum into pkt.
 */
int vnet_rx_flags(const struct virtio_net_hdr *vh, uint8_t *pkt, size_t len,
		  unsigned int mtu6);

/*
 * The IP packet size of one segment of a GSO super-packet (IP and TCP
 * headers plus gso_size), or 0 when vh is no TCP GSO header for pkt.
 */
size_t vnet_gso_seg_len(const struct virtio_net_hdr *vh, const uint8_t *pkt,
			size_t len);

/*
 * Finish a CHECKSUM_PARTIAL checksum in software as the kernel would:
 * the sum from csum_start to the end, complemented, at csum_start +
 * csum_offset.  0 on success, -1 if the offsets lie outside the packet.
 */
int vnet_csum_finish(uint8_t *pkt, size_t len, unsigned int start,
		     unsigned int off);

/*
 * The header for one packet the engine emitted (pkt, len) after a call
 * with flags: GSO and partial-checksum fields moved to the new family's
 * header layout, or an empty header when the engine's output is
 * complete (replies, fragments, flags 0).  in is the header that came
 * with the input.
 */
void vnet_tx_hdr(const struct virtio_net_hdr *in, unsigned int flags,
		 enum xlat_verdict v, unsigned int n_out, const uint8_t *pkt,
		 size_t len, struct virtio_net_hdr *out);

/*
 * Software TSO for a TCP/IPv4 super-packet that must leave as ordinary
 * packets (the CLAT's userspace path sends through a raw socket, which
 * cannot take GSO).  Cuts it as the kernel's tcp_gso_segment() would:
 * gso_size payload bytes per segment, the IPv4 ID counting up, sequence
 * numbers advanced, CWR only in the first segment, FIN and PSH only in
 * the last, both checksums complete (the input's may be partial).
 */
struct tso4 {
	const uint8_t *pkt;
	unsigned int hlen;   /* IPv4 + TCP header */
	unsigned int plen;   /* payload bytes in all */
	unsigned int mss;
	unsigned int done;   /* payload bytes emitted */
	unsigned int i;      /* segments emitted */
};

/* 0, or -1 when pkt (len bytes) is not a TCP/IPv4 packet to cut. */
int tso4_init(struct tso4 *t, const uint8_t *pkt, size_t len,
	      unsigned int gso_size);

/* Write the next segment into seg (cap bytes): its length, 0 after the
 * last, or -1 when it does not fit. */
int tso4_next(struct tso4 *t, uint8_t *seg, size_t cap);

#endif
