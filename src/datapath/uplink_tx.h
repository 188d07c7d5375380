/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CLAT's batched IPv6 output straight onto the uplink: one sendmmsg()
 * on the send-only packet socket (clat_gso_open(), PACKET_VNET_HDR) per
 * batch, each frame an empty virtio-net header, a link-layer header
 * prepared once per next hop (Ethernet: the router's MAC from the
 * kernel's neighbour table, nexthop.h; a point-to-point uplink without
 * link layer: none) and the translated packet.
 *
 * Against the raw IPv6 socket this skips, per packet, the route and
 * source address lookups, the neighbour code and the IPv6 netfilter
 * OUTPUT and POSTROUTING hooks (the qdisc and the netdev egress hook
 * still see every frame), as the eBPF fast path's redirect does.  The
 * caller keeps the raw socket for what this cannot send: no resolved
 * next hop, link-scope destinations, and a packet now and then that
 * makes the kernel confirm a stale neighbour entry.
 */
#ifndef XLAT_UPLINK_TX_H
#define XLAT_UPLINK_TX_H

#include "datapath/clat_io.h"
#include "datapath/txring.h"

#include <linux/if_packet.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>

struct uplink_tx {
	unsigned int n;        /* queued: written to the ring or in msg[] */
	unsigned int queued;   /* of those, in msg[] */
	unsigned int hlen;     /* link-layer header bytes: 14 or 0 */
	uint8_t hdr[16];
	struct sockaddr_ll sll;
	struct mmsghdr msg[CLAT_BATCH];
	struct iovec iov[CLAT_BATCH][3];
	uint64_t sent, errors;
	uint64_t ring_frames; /* of the queued, into the ring (owner reads) */
	uint64_t dropped;     /* messages the device refused, its queue full
			       * (ENOBUFS): congestion, not errors (owner reads) */
	struct io_uring ring; /* the batch's sends, when uring_ok */
	bool uring_ok;
	struct txring txr;    /* frames that fit go here (txring.h) */
	bool txr_ok;
};

/*
 * A frame goes into the transmit ring (txring.h) when there is one, it
 * fits and a frame of the ring is free, and the batch's frames leave
 * with one sendto() at the flush.  The others, and every one after them
 * in the batch (frames leave in order), go as messages: in one
 * io_uring_enter() when the io_uring could be set up, with one
 * sendmmsg() otherwise.  Why: sendmmsg() offers the
 * scheduler a preemption point after every message, and every frame
 * onto a veth wakes its peer's NAPI thread; on a CPU they share, the
 * sender then lost the CPU once per packet (measured: one involuntary
 * context switch per packet), where io_uring runs the whole batch first.
 * uplink_tx_open() sets the ring up (false without), uplink_tx_close()
 * takes it down; both keep the rest.
 */
bool uplink_tx_open(struct uplink_tx *t);
/* Before the first uplink_tx_open(): nothing open. */
void uplink_tx_preinit(struct uplink_tx *t);
void uplink_tx_close(struct uplink_tx *t);

/* ifindex the uplink; dst/src the Ethernet addresses, or NULL for a
 * link without link-layer header.  Drops nothing queued: flush first. */
void uplink_tx_init(struct uplink_tx *t, int ifindex, const uint8_t *dst,
		    const uint8_t *src);
/* Queue one IPv6 packet (kept alive by the caller until the flush, or
 * copied into the transmit ring at once); false when the batch is full. */
bool uplink_tx_add(struct uplink_tx *t, const uint8_t *pkt, size_t len);
/* Send what is queued through fd; the number the kernel took. */
unsigned int uplink_tx_flush(int fd, struct uplink_tx *t);

#endif
