// SPDX-License-Identifier: GPL-2.0-or-later
/* The packet socket's receive ring: see pktring.h. */
#include "datapath/pktring.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define PKTRING_BYTES ((size_t)PKTRING_BLOCK * PKTRING_BLOCKS)

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int pktring_setup(int fd)
{
	struct tpacket_req req = {
		.tp_block_size = PKTRING_BLOCK,
		.tp_block_nr = PKTRING_BLOCKS,
		.tp_frame_size = PKTRING_FRAME,
		.tp_frame_nr = PKTRING_FRAMES,
	};
	int v = TPACKET_V2, one = 1;

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)))
		return neg_errno();
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req))) {
		int err = neg_errno();

		v = TPACKET_V1; /* back to what recvmmsg() expects */
		setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v));
		return err;
	}
	/* Without it a packet bigger than a frame arrives cut short. */
	if (setsockopt(fd, SOL_PACKET, PACKET_COPY_THRESH, &one, sizeof(one)))
		return neg_errno();
	return 0;
}

void pktring_init(struct pktring *r)
{
	r->fd = -1;
	r->map = NULL;
	r->head = r->held = 0;
}

void pktring_detach(struct pktring *r)
{
	if (r->map)
		munmap(r->map, PKTRING_BYTES);
	pktring_init(r);
}

int pktring_attach(struct pktring *r, int fd)
{
	socklen_t len = sizeof(int);
	int v = 0;
	void *m;

	pktring_detach(r);
	if (fd < 0)
		return 0;
	/* Only pktring_setup() sets V2, and only with a ring. */
	if (getsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, &len) ||
	    v != TPACKET_V2)
		return 0;
	m = mmap(NULL, PKTRING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return neg_errno();
	r->fd = fd;
	r->map = m;
	/* Where the kernel writes next is not told; frames it filled
	 * before the mapping are found from 0 on. */
	return 1;
}

static struct tpacket2_hdr *frame(const struct pktring *r, unsigned int i)
{
	/* Blocks hold whole frames: frame i is i frames from the start. */
	return (struct tpacket2_hdr *)(r->map + (size_t)i * PKTRING_FRAME);
}

bool pktring_next(struct pktring *r, struct pktring_pkt *p)
{
	struct tpacket2_hdr *h;
	uint32_t st;

	if (!r->map || r->held >= PKTRING_FRAMES)
		return false;
	h = frame(r, (r->head + r->held) % PKTRING_FRAMES);
	st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
	if (!(st & TP_STATUS_USER))
		return false;
	r->held++;
	p->data = (uint8_t *)h + h->tp_net;
	p->len = h->tp_snaplen;
	p->full = h->tp_len;
	p->copy = st & TP_STATUS_COPY;
	p->csum_partial = st & TP_STATUS_CSUMNOTREADY;
	return true;
}

void pktring_release(struct pktring *r)
{
	for (; r->held; r->held--) {
		__atomic_store_n(&frame(r, r->head)->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		r->head = (r->head + 1) % PKTRING_FRAMES;
	}
}
