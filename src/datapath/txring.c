// SPDX-License-Identifier: GPL-2.0-or-later
/* A packet socket's transmit ring: see txring.h. */
#include "datapath/txring.h"

#include <errno.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define TXRING_BYTES ((size_t)TXRING_BLOCK * (TXRING_FRAMES * TXRING_FRAME / TXRING_BLOCK))
/* Where a frame's data starts without PACKET_TX_HAS_OFF. */
#define TXRING_DATA TPACKET_ALIGN(sizeof(struct tpacket2_hdr))
#define VNET_LEN sizeof(struct virtio_net_hdr)

void txring_init(struct txring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static int setopt(int fd, int name, const void *v, socklen_t len)
{
	return setsockopt(fd, SOL_PACKET, name, v, len) ? -errno : 0;
}

int txring_open(struct txring *r)
{
	struct tpacket_req req = {
		.tp_block_size = TXRING_BLOCK,
		.tp_block_nr = TXRING_FRAMES * TXRING_FRAME / TXRING_BLOCK,
		.tp_frame_size = TXRING_FRAME,
		.tp_frame_nr = TXRING_FRAMES,
	};
	int fd, v = TPACKET_V2, on = 1, sndbuf = 4 << 20, err;
	void *map;

	txring_init(r);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* The virtio-net header before the ring (EBUSY after); a frame
	 * the kernel cannot parse is skipped, not left blocking the ring
	 * (PACKET_LOSS). */
	err = setopt(fd, PACKET_VNET_HDR, &on, sizeof(on));
	if (!err)
		err = setopt(fd, PACKET_VERSION, &v, sizeof(v));
	if (!err)
		err = setopt(fd, PACKET_LOSS, &on, sizeof(on));
	if (!err)
		err = setopt(fd, PACKET_TX_RING, &req, sizeof(req));
	if (err) {
		close(fd);
		return err;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	map = mmap(NULL, TXRING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		err = -errno;
		close(fd);
		return err;
	}
	r->fd = fd;
	r->map = map;
	return 0;
}

void txring_close(struct txring *r)
{
	if (r->map)
		munmap(r->map, TXRING_BYTES);
	if (r->fd >= 0)
		close(r->fd);
	txring_init(r);
}

size_t txring_room(void)
{
	return TXRING_FRAME - TXRING_DATA - VNET_LEN;
}

static struct tpacket2_hdr *frame(const struct txring *r, unsigned int i)
{
	return (struct tpacket2_hdr *)(r->map + (size_t)i * TXRING_FRAME);
}

bool txring_put(struct txring *r, const uint8_t *hdr, unsigned int hlen,
		const uint8_t *pkt, size_t len)
{
	struct tpacket2_hdr *h;
	struct virtio_net_hdr vh = { 0 };
	uint32_t st;
	uint8_t *d;

	if (r->fd < 0 || hlen + len > txring_room())
		return false;
	h = frame(r, r->head);
	/* Free once the kernel has freed the frame's skb (acquire: its
	 * last read of the frame comes before our writes).  A frame still
	 * asking to be sent was left by a kick the kernel cut short. */
	st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
	if (st != TP_STATUS_AVAILABLE) {
		r->stalled |= st == TP_STATUS_SEND_REQUEST;
		return false;
	}
	/* hdr_len: the whole frame into the skb's head (txring.h). */
	vh.hdr_len = (uint16_t)(hlen + len);
	d = (uint8_t *)h + TXRING_DATA;
	memcpy(d, &vh, VNET_LEN);
	memcpy(d + VNET_LEN, hdr, hlen);
	memcpy(d + VNET_LEN + hlen, pkt, len);
	h->tp_len = (uint32_t)(VNET_LEN + hlen + len);
	__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	r->head = (r->head + 1) % TXRING_FRAMES;
	r->written++;
	return true;
}

int txring_kick(struct txring *r, const struct sockaddr_ll *sll)
{
	if (r->fd < 0 || (!r->written && !r->stalled))
		return 0;
	r->written = 0;
	r->stalled = false;
	if (sendto(r->fd, NULL, 0, MSG_DONTWAIT, (const struct sockaddr *)sll,
		   sizeof(*sll)) >= 0)
		return 0;
	/* Congestion, not loss: the device refused a frame (its queue, or
	 * a veth peer's ring, full) and the kernel put it back in the ring
	 * with the ones after it, or the send buffer is full.  They leave
	 * at the next kick, which the caller owes them soon. */
	if (errno == ENOBUFS || errno == EAGAIN) {
		r->stalled = true;
		return 0;
	}
	return -errno;
}
