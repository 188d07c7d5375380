/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A PACKET_MMAP receive ring on the CLAT's packet socket (TPACKET_V2):
 * the kernel copies each packet the socket's filter passes into a frame
 * of a ring shared with us, so the reader takes a whole burst without a
 * system call and the kernel queues no socket buffer per packet.
 *
 * Why V2 and not the block-based V3: V3 wakes the reader only when a
 * block is retired, full or at its timeout, so a lone packet (a ping)
 * would wait that timeout; V2 wakes it per packet, as the socket did,
 * and the coalesce.h moderation still batches streams.  V2 also hands
 * over a packet too big for a frame (GRO's 64 KB TCP packets) whole:
 * with PACKET_COPY_THRESH the frame is marked TP_STATUS_COPY and the
 * full packet waits in the socket's ordinary queue, one per such frame.
 *
 * pktring_setup() goes on a new socket before bind(); a socket without
 * a ring (set-up refused) stays an ordinary one and recvmmsg() reads it.
 */
#ifndef XLAT_PKTRING_H
#define XLAT_PKTRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKTRING_FRAME 2048u           /* a 1500-byte packet and headers */
#define PKTRING_BLOCK (1u << 16)
#define PKTRING_BLOCKS 128u           /* 8 MB: 4096 frames */
#define PKTRING_FRAMES (PKTRING_BLOCK / PKTRING_FRAME * PKTRING_BLOCKS)

struct pktring {
	int fd;          /* the socket mapped, -1: none */
	uint8_t *map;
	unsigned int head; /* the next frame to look at */
	unsigned int held; /* frames taken, given back by pktring_release() */
};

/* TPACKET_V2, the ring and PACKET_COPY_THRESH on fd (before bind()).
 * 0 or a negative errno (the socket is unchanged then). */
int pktring_setup(int fd);

void pktring_init(struct pktring *r);
/* Map fd's ring if it has one (drops an older mapping first): 1 when
 * mapped, 0 when fd has no ring, a negative errno. */
int pktring_attach(struct pktring *r, int fd);
void pktring_detach(struct pktring *r);

/* One packet the kernel handed over, in place. */
struct pktring_pkt {
	uint8_t *data;
	size_t len;      /* captured bytes */
	size_t full;     /* bytes the packet had */
	bool copy;       /* the whole packet waits in the socket's queue */
	bool csum_partial; /* TCP/UDP checksum left to offload */
};

/* The next filled frame, or false when the ring is empty.  It stays
 * ours until pktring_release(), which gives back all taken frames. */
bool pktring_next(struct pktring *r, struct pktring_pkt *p);
void pktring_release(struct pktring *r);

#endif
