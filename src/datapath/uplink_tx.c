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

void uplink_tx_init(struct uplink_tx *t, int ifindex, const uint8_t *dst,
		    const uint8_t *src)
{
	uint64_t sent = t->sent, errors = t->errors;

	memset(t, 0, sizeof(*t));
	t->sent = sent;
	t->errors = errors;
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
	iov = t->iov[t->n];
	iov[0].iov_base = (void *)&vnet_none;
	iov[0].iov_len = sizeof(vnet_none);
	iov[1].iov_base = t->hdr;
	iov[1].iov_len = t->hlen;
	iov[2].iov_base = (void *)pkt;
	iov[2].iov_len = len;
	mh = &t->msg[t->n].msg_hdr;
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = &t->sll;
	mh->msg_namelen = sizeof(t->sll);
	mh->msg_iov = iov;
	mh->msg_iovlen = 3;
	t->n++;
	return true;
}

unsigned int uplink_tx_flush(int fd, struct uplink_tx *t)
{
	unsigned int done = 0, sent = 0;

	while (done < t->n) {
		int r = sendmmsg(fd, t->msg + done, t->n - done, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* One refused frame (ENOBUFS, EMSGSIZE) must not
			 * take the rest of the batch with it. */
			t->errors++;
			done++;
			continue;
		}
		done += (unsigned int)r;
		sent += (unsigned int)r;
	}
	t->n = 0;
	t->sent += sent;
	return sent;
}
