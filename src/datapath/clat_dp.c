// SPDX-License-Identifier: GPL-2.0-or-later
/* The CLAT's userspace data path: see clat_dp.h. */
#include "datapath/clat_dp.h"
#include "datapath/clat_dp_int.h"

#include "control/ndp.h"
#include "datapath/clat_shared.h"
#include "datapath/tunrx.h"
#include "datapath/vnet.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Send one IPv6 packet now (replies, NA: rare, not worth batching). */
static void send_now(struct clat_dp_worker *w, const uint8_t *pkt, size_t len)
{
	if (!clat_dp_send6(w->dp, pkt, len))
		w->io_errors++;
}

/*
 * The TUN carries a virtio-net header (TUN_VNET_HDR) so that the host's
 * TCP can hand it 64 KB super-packets (the owner turns TUN offload on).  What we
 * write is always complete: an empty header.
 */
static void tun_write(struct clat_dp_worker *w, const uint8_t *pkt, size_t len)
{
	static const struct virtio_net_hdr none;
	struct iovec iov[2] = {
		{ .iov_base = (void *)&none, .iov_len = sizeof(none) },
		{ .iov_base = (void *)pkt, .iov_len = len },
	};

	if (writev(w->dp->tun_fd, iov, 2) < 0)
		w->io_errors++;
}

/*
 * Look at the virtio-net header in front of a TUN read (TUN offload is
 * on): the IP packet follows it at rx + VNET_HDR_LEN, n bytes (the
 * return value).  A partial checksum is finished here.  A TCP/IPv4
 * super-packet is left as it is, with its segment size in *gso (0 for a
 * plain packet): sent whole or cut by the caller (tso4_*), which also
 * completes the checksums.  Other super-packets are refused (-1).
 */
static ssize_t tun_rx_strip(uint8_t *rx, ssize_t n, struct virtio_net_hdr *vh,
			    unsigned int *gso)
{
	uint8_t *pkt = rx + VNET_HDR_LEN;

	*gso = 0;
	if (n < (ssize_t)VNET_HDR_LEN)
		return -1;
	memcpy(vh, rx, sizeof(*vh));
	n -= (ssize_t)VNET_HDR_LEN;
	if ((vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4) {
		*gso = vh->gso_size;
		return *gso ? n : -1;
	}
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return -1;
	if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    vnet_csum_finish(pkt, (size_t)n, vh->csum_start, vh->csum_offset))
		return -1;
	return n;
}

/* ---- IPv4 -> IPv6: TUN reads, one sendmmsg per batch ---- */

/*
 * An ICMPv4 error the engine answers the host with quotes the packet as
 * it was after the NAPT (source port P): give the host its own port back
 * (shared-address mode), or the host would not match it to its socket.
 */
static void tun_reply(struct clat_dp_worker *w, uint8_t *pkt, size_t len)
{
	if (w->dp->shared && clat_shared_in(w->dp->shared, pkt, len) == NAPT_DROP)
		return;
	tun_write(w, pkt, len);
}

static unsigned int arena_end(const struct xlat_out *o, const uint8_t *base)
{
	size_t end = (size_t)(o->buf - base);

	for (unsigned int i = 0; i < o->n; i++) {
		size_t e = (size_t)(o->buf - base) + o->pkt[i].off + o->pkt[i].len;

		if (e > end)
			end = e;
	}
	return (unsigned int)((end + 7) & ~(size_t)7);
}

/* Translate one IPv4 packet and queue the result (used: arena bytes). */
static void w46_one(struct clat_dp_worker *w, const uint8_t *pkt, size_t n,
		    unsigned int *used)
{
	struct clat_dp *dp = w->dp;
	struct xlat_stats *st = dp->stats[w->idx];
	enum xlat_verdict v;

	/* Room for the largest output (fragments) in the arena; a full send
	 * queue is flushed packet by packet below, as the outputs stay where
	 * they are in the arena until *used is reset. */
	if (CLAT_ARENA - *used < XLAT_OUT_MIN) {
		clat_out6_flush(w);
		*used = 0;
	}
	w->out.buf = w->wbuf + *used;
	w->out.cap = CLAT_ARENA - *used;
	v = xlat_4to6(dp->cfg, pkt, n, &w->out);
	xlat_account(st, XLAT_DIR_4TO6, n, v, &w->out);
	if (v == XLAT_DROP)
		return;
	if (v == XLAT_REPLY || w->out.family != AF_INET6) {
		for (unsigned int i = 0; i < w->out.n; i++)
			tun_reply(w, xlat_out_data(&w->out, i), w->out.pkt[i].len);
		return;
	}
	for (unsigned int i = 0; i < w->out.n; i++) {
		if (clat_out6_full(w))
			clat_out6_flush(w);
		if (!clat_out6_queue(w, xlat_out_data(&w->out, i), w->out.pkt[i].len))
			w->io_errors++;
	}
	*used = arena_end(&w->out, w->wbuf);
}

/*
 * A TCP super-packet sent whole: translated once, its virtio-net header
 * moved to IPv6, and out of the GSO packet socket, so the uplink (or the
 * next hop, over veth) segments it.  False when that path is not open;
 * the caller then cuts the packet itself.
 */
static bool w46_gso(struct clat_dp_worker *w, const struct virtio_net_hdr *vh,
		    uint8_t *pkt, size_t n, unsigned int *used)
{
	struct clat_dp *dp = w->dp;
	struct xlat_stats *st = dp->stats[w->idx];
	struct virtio_net_hdr tx;
	enum xlat_verdict v;
	int flags;

	if (!w->nh_ok || !dp->has_mac)
		return false; /* GSO frames: Ethernet only */
	flags = vnet_rx_flags(vh, pkt, n, dp->up_mtu);
	if (flags < 0)
		return false;
	if (!(flags & XLAT_F_GSO)) {
		/* Its segments would not fit the uplink: one big packet,
		 * checksum finished, for the engine (Fragmentation Needed). */
		w46_one(w, pkt, n, used);
		return true;
	}
	clat_out6_flush(w); /* what came before it leaves before it */
	*used = 0;
	w->out.buf = w->wbuf;
	w->out.cap = CLAT_ARENA;
	v = xlat_packet_flags(dp->cfg, pkt, n, &w->out, (unsigned int)flags);
	xlat_account(st, XLAT_DIR_4TO6, n, v, &w->out);
	if (v == XLAT_DROP)
		return true;
	if (v != XLAT_OUT || w->out.n != 1 || w->out.family != AF_INET6) {
		for (unsigned int i = 0; i < w->out.n; i++)
			tun_reply(w, xlat_out_data(&w->out, i), w->out.pkt[i].len);
		return true;
	}
	vnet_tx_hdr(vh, (unsigned int)flags, v, 1, xlat_out_data(&w->out, 0),
		    w->out.pkt[0].len, &tx);
	if (clat_gso_send(dp->gso_fd, dp->up_ifindex, w->nh.lladdr, dp->mac, &tx,
			  xlat_out_data(&w->out, 0), w->out.pkt[0].len) < 0)
		w->io_errors++;
	else
		__atomic_store_n(&w->gso_out, w->gso_out + 1, __ATOMIC_RELAXED);
	return true;
}

/* A TCP super-packet from the host: sent whole if we can, else cut as
 * TSO would and each segment translated (a raw socket cannot send GSO). */
static void w46_super(struct clat_dp_worker *w, const struct virtio_net_hdr *vh,
		      uint8_t *pkt, size_t n, unsigned int gso,
		      unsigned int *used)
{
	struct tso4 t;
	int len;

	__atomic_store_n(&w->gso_in, w->gso_in + 1, __ATOMIC_RELAXED);
	if (w46_gso(w, vh, pkt, n, used))
		return;
	if (tso4_init(&t, pkt, n, gso) < 0) {
		w->io_errors++;
		return;
	}
	while ((len = tso4_next(&t, w->seg, CLAT_RX_SLOT)) > 0)
		w46_one(w, w->seg, (size_t)len, used);
	if (len < 0)
		w->io_errors++;
}

/* One TUN read (n bytes from rx, virtio-net header first). */
static void w46_packet(struct clat_dp_worker *w, uint8_t *rx, ssize_t n,
		       unsigned int *used)
{
	struct clat_dp *dp = w->dp;
	uint8_t *pkt = rx + VNET_HDR_LEN;
	struct virtio_net_hdr vh;
	unsigned int gso;

	n = tun_rx_strip(rx, n, &vh, &gso);
	if (n < 0)
		w->io_errors++;
	else if (dp->shared && clat_shared_out(dp->shared, pkt, (size_t)n,
					       gso != 0) == NAPT_DROP)
		return; /* counted by the NAPT */
	else if (gso)
		w46_super(w, &vh, pkt, (size_t)n, gso, used);
	else
		w46_one(w, pkt, (size_t)n, used);
}

/* Read the TUN until it is empty: batches of io_uring reads, or one
 * read() each without io_uring.  The packet count or a negative errno. */
static int w46_drain(struct clat_dp_worker *w, struct tunrx *t)
{
	struct clat_dp *dp = w->dp;
	unsigned int used = 0;
	bool more = true;
	int found = 0, err = 0;

	/* The next hop is looked up (netlink, tens of microseconds) before
	 * the first drain, then after a drain's packets have left: not in
	 * front of a sparse packet, which would wait for it. */
	if (!w->nh_checked)
		clat_out6_choose(w);
	while (t->ok && more) {
		int n = tunrx_batch(t, dp->tun_fd, &more);

		if (n < 0) {
			err = -n;
			break;
		}
		for (unsigned int i = 0; i < t->posted; i++) {
			if (t->res[i] > 0)
				w46_packet(w, tunrx_slot(t, i), t->res[i], &used);
		}
		found += n;
		if (found > CLAT_BOOST_AFTER)
			clat_dp_worker_boost(w, true);
	}
	while (!t->ok) {
		ssize_t n = read(dp->tun_fd, t->buf, t->slot);

		if (n < 0) {
			err = errno; /* the flush below may set its own */
			break;
		}
		found++;
		w46_packet(w, t->buf, n, &used);
	}
	clat_out6_flush(w);
	clat_out6_choose(w);
	return err && err != EAGAIN && err != EINTR ? -err : found;
}

/*
 * Wait for work: until the queue (pfd[0]) is readable, or, while
 * packets come as a stream, for the moderation window (coalesce.h).
 * Either way the stop eventfd (pfd[1]) ends the wait: false then.
 */
static bool worker_wait(struct clat_dp_worker *w, struct pollfd pfd[2],
			bool timer)
{
	uint64_t ns = w->co.window_ns ? w->co.window_ns : CLAT_STALL_WAIT_NS;
	struct timespec ts;

	if (timer) {
		ts.tv_sec = (time_t)(ns / 1000000000ULL);
		ts.tv_nsec = (long)(ns % 1000000000ULL);
		__atomic_store_n(&w->sleeps_timer, w->sleeps_timer + 1,
				 __ATOMIC_RELAXED);
		pfd[0].revents = POLLIN;
		return ppoll(&pfd[1], 1, &ts, NULL) <= 0 || !pfd[1].revents;
	}
	__atomic_store_n(&w->sleeps_poll, w->sleeps_poll + 1, __ATOMIC_RELAXED);
	if (poll(pfd, 2, -1) < 0 && errno != EINTR)
		return false;
	return !pfd[1].revents;
}

void *clat_w46_main(void *arg)
{
	struct clat_dp_worker *w = arg;
	struct pollfd pfd[2] = {
		{ .fd = w->dp->tun_fd, .events = POLLIN },
		{ .fd = w->dp->stopfd, .events = POLLIN },
	};
	struct tunrx t;
	bool timer = false, ok;

	clat_dp_worker_sched(w);
	/* Without io_uring the TUN is read() one packet at a time. */
	ok = tunrx_init(&t, VNET_HDR_LEN + CLAT_RX_SLOT) != -ENOMEM;
	w->tun_uring = t.ok;
	uplink_tx_open(&w->dp->utx); /* else sendmmsg() */
	w->seg = malloc(CLAT_RX_SLOT);
	if (!ok || !w->seg)
		clat_dp_failed(w->dp, "%s", "no memory for the TUN reader");
	while (ok && w->seg && worker_wait(w, pfd, timer)) {
		int found = 0;

		if (pfd[0].revents)
			found = w46_drain(w, &t);
		if (found < 0) {
			clat_dp_failed(w->dp, "TUN read: %s", strerror(-found));
			break;
		}
		timer = coalesce_after(&w->co, (unsigned int)found,
				       coalesce_now());
		clat_dp_worker_boost(w, timer);
		/* Frames the device pushed back wait in the ring: the next
		 * drain kicks it again, after the window, not after the
		 * next packet (txring.h). */
		timer |= txring_stalled(&w->dp->utx.txr);
	}
	tunrx_free(&t);
	uplink_tx_close(&w->dp->utx);
	free(w->seg);
	w->seg = NULL;
	return NULL;
}

/* ---- IPv6 -> IPv4: packet socket batches, TUN writes ---- */

static bool is_nd(const uint8_t *p, size_t len)
{
	return len >= 41 && p[6] == IPPROTO_ICMPV6 &&
	       (p[40] == NDP_NS || p[40] == NDP_NA);
}

/* Answer an NS for the CLAT address (also defends it against DAD). */
static void handle_nd(struct clat_dp_worker *w, const uint8_t *p, size_t len)
{
	struct clat_dp *dp = w->dp;
	uint8_t na[NDP_PKT_MAX];
	struct ndp_msg m;
	struct in6_addr dst;
	uint32_t flags;
	size_t n;

	/* Not ours to answer: no link layer (point-to-point uplink), or
	 * shared mode (the kernel owns the address and answers). */
	if (!dp->nd_ours || ndp_parse(p, len, &m) ||
	    !ndp_ns_answer(&m, &dp->addr6, &dst, &flags))
		return;
	n = ndp_build_na(na, sizeof(na), &dp->addr6, &dst, &dp->addr6, flags,
			 dp->mac);
	send_now(w, na, n);
	__atomic_add_fetch(&dp->ns_answered, 1, __ATOMIC_RELAXED);
}

/*
 * The translations of one packet-socket batch go into the TUN with one
 * io_uring call (a TUN takes one packet per write; a system call costs
 * more than translating a small packet here).  Without io_uring, one
 * writev() each.
 */
#define W64_QUEUE (2 * XLAT_MAX_FRAGS)

struct w64_batch {
	struct io_uring ring;
	bool ring_ok;
	unsigned int n;    /* writes queued */
	unsigned int used; /* arena bytes they occupy */
	struct iovec iov[W64_QUEUE][2];
};

static const struct virtio_net_hdr vnet_none;

static void w64_flush(struct clat_dp_worker *w, struct w64_batch *b)
{
	struct io_uring_cqe *cqe;
	unsigned int queued = 0, seen = 0;

	for (unsigned int i = 0; i < b->n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);

		if (!sqe) {
			if (writev(w->dp->tun_fd, b->iov[i], 2) < 0)
				w->io_errors++;
			continue;
		}
		io_uring_prep_writev(sqe, w->dp->tun_fd, b->iov[i], 2, (__u64)-1);
		queued++;
	}
	if (queued)
		io_uring_submit(&b->ring);
	/* Every write must be done before its buffer is reused. */
	while (seen < queued) {
		int ret = io_uring_wait_cqe(&b->ring, &cqe);

		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			w->io_errors += queued - seen;
			break;
		}
		if (cqe->res < 0)
			w->io_errors++;
		io_uring_cqe_seen(&b->ring, cqe);
		seen++;
	}
	b->n = 0;
	b->used = 0;
}

static void w64_packet(struct clat_dp_worker *w, struct w64_batch *b,
		       const uint8_t *p, size_t len, struct xlat_stats *st)
{
	struct clat_dp *dp = w->dp;
	enum xlat_verdict v;

	if (is_nd(p, len)) {
		handle_nd(w, p, len);
		return;
	}
	if (CLAT_ARENA - b->used < XLAT_OUT_MIN)
		w64_flush(w, b);
	w->out.buf = w->wbuf + b->used;
	w->out.cap = CLAT_ARENA - b->used;
	v = xlat_6to4(dp->cfg, p, len, &w->out);
	xlat_account(st, XLAT_DIR_6TO4, len, v, &w->out);
	if (v == XLAT_DROP)
		return;
	/* Room in the queue for all of it (fragments): send what is queued
	 * first; this output stays where it is in the arena. */
	if (b->n + w->out.n > W64_QUEUE)
		w64_flush(w, b);
	for (unsigned int i = 0; i < w->out.n; i++) {
		uint8_t *o = xlat_out_data(&w->out, i);
		size_t n = w->out.pkt[i].len;

		if (w->out.family != AF_INET) {
			send_now(w, o, n);
		} else if (dp->shared &&
			   clat_shared_in(dp->shared, o, n) == NAPT_DROP) {
			continue; /* no mapping (any more): counted */
		} else if (!b->ring_ok) {
			tun_write(w, o, n);
		} else {
			b->iov[b->n][0].iov_base = (void *)&vnet_none;
			b->iov[b->n][0].iov_len = sizeof(vnet_none);
			b->iov[b->n][1].iov_base = o;
			b->iov[b->n][1].iov_len = n;
			b->n++;
		}
	}
	if (b->ring_ok)
		b->used = arena_end(&w->out, w->wbuf);
}

void *clat_w64_main(void *arg)
{
	struct clat_dp_worker *w = arg;
	struct clat_dp *dp = w->dp;
	struct xlat_stats *st = dp->stats[w->idx];
	struct pollfd pfd[2] = {
		{ .fd = dp->pkt_fd, .events = POLLIN },
		{ .fd = dp->stopfd, .events = POLLIN },
	};
	struct w64_batch b = { .n = 0 };
	bool timer = false;

	clat_dp_worker_sched(w);
	b.ring_ok = io_uring_queue_init(W64_QUEUE, &b.ring, 0) == 0;
	while (worker_wait(w, pfd, timer)) {
		unsigned int found = 0;
		int n = 0;

		while (pfd[0].revents &&
		       (n = clat_rx_batch(dp->pkt_fd, &dp->rx)) > 0) {
			found += (unsigned int)n;
			for (int i = 0; i < n; i++) {
				size_t len;
				uint8_t *p = clat_rx_pkt(&dp->rx, (unsigned int)i,
							 &len);

				if (len)
					w64_packet(w, &b, p, len, st);
			}
			w64_flush(w, &b);
			if (found > CLAT_BOOST_AFTER)
				clat_dp_worker_boost(w, true);
		}
		if (n < 0) {
			clat_dp_failed(dp, "packet socket: %s", strerror(-n));
			break;
		}
		timer = coalesce_after(&w->co, found, coalesce_now());
		clat_dp_worker_boost(w, timer);
	}
	if (b.ring_ok)
		io_uring_queue_exit(&b.ring);
	return NULL;
}

