// SPDX-License-Identifier: GPL-2.0-or-later
/* Batched frames onto the uplink: see uplink_tx.h. */
#include "datapath/uplink_tx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>
#include <string.h>

/* Complete packets: no offload asked of the kernel. */
static const struct virtio_net_hdr vnet_none;

void uplink_tx_preinit(struct uplink_tx *t)
{
	txring_init(&t->txr);
	t->txr_ok = t->uring_ok = false;
}

bool uplink_tx_open(struct uplink_tx *t)
{
	if (!t->txr_ok)
		t->txr_ok = txring_open(&t->txr) == 0;
	if (!t->uring_ok)
		t->uring_ok = io_uring_queue_init(CLAT_BATCH, &t->ring, 0) == 0;
	return t->uring_ok;
}

static void close_uring(struct uplink_tx *t)
{
	if (t->uring_ok)
		io_uring_queue_exit(&t->ring);
	t->uring_ok = false;
}

void uplink_tx_close(struct uplink_tx *t)
{
	close_uring(t);
	txring_close(&t->txr);
	t->txr_ok = false;
}

void uplink_tx_init(struct uplink_tx *t, int ifindex, const uint8_t *dst,
		    const uint8_t *src)
{
	t->n = t->queued = 0;
	t->hlen = 0;
	memset(&t->sll, 0, sizeof(t->sll));
	t->sll.sll_family = AF_PACKET;
	t->sll.sll_protocol = htons(ETH_P_IPV6);
	t->sll.sll_ifindex = ifindex;
	if (dst && src) {
		memcpy(t->hdr, dst, 6);
		memcpy(t->hdr + 6, src, 6);
		t->hdr[12] = ETH_P_IPV6 >> 8;
		t->hdr[13] = ETH_P_IPV6 & 0xff;
		t->hlen = ETH_HLEN;
	}
}

bool uplink_tx_add(struct uplink_tx *t, const uint8_t *pkt, size_t len)
{
	struct iovec *iov;
	struct msghdr *mh;

	if (t->n >= CLAT_BATCH)
		return false;
	/* Into the ring unless an earlier frame of the batch could not. */
	if (t->txr_ok && !t->queued && txring_put(&t->txr, t->hdr, t->hlen, pkt, len)) {
		t->n++;
		__atomic_store_n(&t->ring_frames, t->ring_frames + 1,
				 __ATOMIC_RELAXED);
		return true;
	}
	iov = t->iov[t->queued];
	iov[0].iov_base = (void *)&vnet_none;
	iov[0].iov_len = sizeof(vnet_none);
	iov[1].iov_base = t->hdr;
	iov[1].iov_len = t->hlen;
	iov[2].iov_base = (void *)pkt;
	iov[2].iov_len = len;
	mh = &t->msg[t->queued].msg_hdr;
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = &t->sll;
	mh->msg_namelen = sizeof(t->sll);
	mh->msg_iov = iov;
	mh->msg_iovlen = 3;
	t->n++;
	t->queued++;
	return true;
}

/* A message the kernel did not send: a full device queue drops it (a
 * qdisc at its limit, a veth peer's ring), anything else is an error. */
static void refused(struct uplink_tx *t, int err)
{
	if (err == ENOBUFS || err == EAGAIN)
		__atomic_store_n(&t->dropped, t->dropped + 1, __ATOMIC_RELAXED);
	else
		t->errors++;
}

/* All of the batch in one io_uring_enter(); every send must be done
 * before its packet's buffer is reused, so it waits for them all.  -1
 * when the ring failed (nothing sent). */
static int flush_uring(int fd, struct uplink_tx *t)
{
	struct io_uring_cqe *cqe;
	unsigned int queued = 0, seen = 0, sent = 0;

	for (unsigned int i = 0; i < t->queued; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&t->ring);

		if (!sqe)
			break;
		io_uring_prep_sendmsg(sqe, fd, &t->msg[i].msg_hdr, 0);
		queued++;
	}
	if (queued && io_uring_submit(&t->ring) < 0)
		return -1;
	while (seen < queued) {
		int ret = io_uring_wait_cqe(&t->ring, &cqe);

		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			t->errors += queued - seen;
			break;
		}
		if (cqe->res >= 0)
			sent++;
		else
			refused(t, -cqe->res);
		io_uring_cqe_seen(&t->ring, cqe);
		seen++;
	}
	t->errors += t->queued - queued; /* cannot happen: the ring holds a batch */
	return (int)sent;
}

unsigned int uplink_tx_flush(int fd, struct uplink_tx *t)
{
	unsigned int done = 0, sent = t->n - t->queued;

	/* The ring's frames first: they came before any message.  A kick
	 * that fails leaves them in the ring for the next one, which comes
	 * even if this batch wrote none (txring_kick()). */
	if (txring_kick(&t->txr, &t->sll) < 0)
		t->errors++;
	if (t->uring_ok && t->queued) {
		int r = flush_uring(fd, t);

		if (r >= 0) {
			t->n = t->queued = 0;
			sent += (unsigned int)r;
			t->sent += sent;
			return sent;
		}
		/* Its queued requests go with it; sendmmsg() from now on. */
		close_uring(t);
	}

	while (done < t->queued) {
		int r = sendmmsg(fd, t->msg + done, t->queued - done, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* One refused frame (ENOBUFS, EMSGSIZE) must not
			 * take the rest of the batch with it. */
			refused(t, errno);
			done++;
			continue;
		}
		done += (unsigned int)r;
		sent += (unsigned int)r;
	}
	t->n = t->queued = 0;
	t->sent += sent;
	return sent;
}
