/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A packet socket's transmit ring (PACKET_TX_RING, TPACKET_V2) for the
 * CLAT's frames onto the uplink: frames are written into shared memory
 * and one sendto() without data sends every one written since the last,
 * where sendmsg() (even batched in io_uring) costs each frame a request,
 * a message header copy and an iovec import (perf: about a sixth of the
 * 4->6 worker's CPU at full speed).
 *
 * Each frame starts with a virtio-net header whose hdr_len is the whole
 * frame: the kernel then copies the frame into the skb instead of
 * pointing the skb at the ring's pages.  A frame is free again when its
 * skb is freed; on a veth into another namespace that is when the skb
 * crosses over (it is orphaned there) while it would still point at the
 * page, and the next frame written there would change a packet in
 * flight.  Copying costs the same as sendmsg()'s copy.
 *
 * The socket is the ring's own (send-only, protocol 0): with a ring, a
 * packet socket's sendmsg() sends from the ring and ignores its data.
 */
#ifndef XLAT_TXRING_H
#define XLAT_TXRING_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TXRING_FRAME 2048u  /* a 1500-byte uplink's frames fit */
#define TXRING_FRAMES 1024u
#define TXRING_BLOCK 4096u  /* two frames a page: no big allocation */

struct txring {
	int fd;
	uint8_t *map;
	unsigned int head;    /* the next frame to write */
	unsigned int written; /* frames written since the last kick */
	bool stalled;         /* a frame waits for a kick that never came */
};

/* -1 fd: no ring (then txring_put() always refuses). */
void txring_init(struct txring *r);
/* 0 or a negative errno (then no ring, nothing left open). */
int txring_open(struct txring *r);
void txring_close(struct txring *r);
static inline bool txring_ok(const struct txring *r)
{
	return r->fd >= 0;
}
static inline bool txring_stalled(const struct txring *r)
{
	return r->stalled;
}
/* The largest hdr + pkt a frame takes. */
size_t txring_room(void);
/*
 * Write one frame (hlen bytes of link-layer header, then pkt) into the
 * next free frame: false if there is none free (frames still in flight
 * on a slow device) or it does not fit.  Sent at the next kick.
 */
bool txring_put(struct txring *r, const uint8_t *hdr, unsigned int hlen,
		const uint8_t *pkt, size_t len);
/* Send what was written, out of sll's device, without waiting for the
 * device: 0 or a negative errno (the frames stay queued for the next).
 * Also when nothing was written since the last but a frame still waits
 * to be sent: a kick the device cut short (ENOBUFS: the kernel puts the
 * refused frame back) leaves frames queued, and the ring would
 * otherwise stay full for good.  After such a kick txring_stalled() is
 * true until the next: kick again soon, or those frames wait for the
 * next packet, however late. */
int txring_kick(struct txring *r, const struct sockaddr_ll *sll);

#endif
