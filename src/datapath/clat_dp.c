// SPDX-License-Identifier: GPL-2.0-or-later
/* The CLAT's userspace data path: see clat_dp.h. */
#include "datapath/clat_dp.h"

#include "control/ndp.h"
#include "datapath/clat_shared.h"
#include "datapath/vnet.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static void failed(struct clat_dp *dp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct clat_dp *dp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void failed(struct clat_dp *dp, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (dp->failed)
		dp->failed(dp->arg, why);
}

static void note(struct clat_dp *dp, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (dp->note)
		dp->note(dp->arg, what);
}

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
 * Strip the virtio-net header of a TUN read (TUN offload is on).  A
 * partial checksum is finished here.  A TCP/IPv4 super-packet is left as
 * it is, with its segment size in *gso (0 for a plain packet): a raw
 * socket cannot send it whole, so the caller cuts it (tso4_*), which
 * also completes the checksums.  Other super-packets are refused (-1).
 */
static ssize_t tun_rx_strip(uint8_t *rx, ssize_t n, struct virtio_net_hdr *vh,
			    unsigned int *gso)
{
	*gso = 0;
	if (n < (ssize_t)sizeof(*vh))
		return -1;
	memcpy(vh, rx, sizeof(*vh));
	n -= (ssize_t)sizeof(*vh);
	memmove(rx, rx + sizeof(*vh), (size_t)n);
	if ((vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4) {
		*gso = vh->gso_size;
		return *gso ? n : -1;
	}
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return -1;
	if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    vnet_csum_finish(rx, (size_t)n, vh->csum_start, vh->csum_offset))
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

static void w46_flush(struct clat_dp_worker *w)
{
	struct clat_dp *dp = w->dp;
	uint64_t e0 = dp->tx.errors + dp->utx.errors;
	unsigned int sent;

	if (dp->utx.n) {
		sent = uplink_tx_flush(dp->gso_fd, &dp->utx);
		__atomic_store_n(&w->tx_frames, w->tx_frames + sent,
				 __ATOMIC_RELAXED);
	}
	if (dp->tx.n) {
		sent = clat_tx_flush(dp->raw_fd, &dp->tx);
		__atomic_store_n(&w->tx_raw, w->tx_raw + sent, __ATOMIC_RELAXED);
	}
	w->io_errors += dp->tx.errors + dp->utx.errors - e0;
}

/* One translated packet into this drain's batch: frames while the next
 * hop is resolved, the raw socket otherwise (and once after a look-up
 * found the neighbour entry stale: the kernel's output then makes it
 * confirm the router, or find another, which we follow). */
static bool w46_queue(struct clat_dp_worker *w, const uint8_t *pkt, size_t len)
{
	if (w->l2 && !w->kick)
		return uplink_tx_add(&w->dp->utx, pkt, len);
	w->kick = false;
	return clat_tx_add(&w->dp->tx, pkt, len);
}

/* Translate one IPv4 packet and queue the result (used: arena bytes). */
static void w46_one(struct clat_dp_worker *w, const uint8_t *pkt, size_t n,
		    unsigned int *used)
{
	struct clat_dp *dp = w->dp;
	struct xlat_stats *st = dp->stats[w->idx];
	enum xlat_verdict v;

	if (CLAT_ARENA - *used < XLAT_OUT_MIN ||
	    dp->tx.n + XLAT_MAX_FRAGS > CLAT_BATCH ||
	    dp->utx.n + XLAT_MAX_FRAGS > CLAT_BATCH) {
		w46_flush(w);
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
		if (!w46_queue(w, xlat_out_data(&w->out, i), w->out.pkt[i].len))
			w->io_errors++;
	}
	*used = arena_end(&w->out, w->wbuf);
}

/*
 * The uplink's next hop for frame sends, looked up again once a second
 * at the start of a drain: a packet socket bypasses the kernel's
 * neighbour code, so a changed router address is followed within that
 * second (and a vanished one sends us back to the raw socket, which
 * makes the kernel resolve it).  An Ethernet uplink needs a MAC, a
 * point-to-point one (no link layer) a next hop without one.
 */
static void w46_choose(struct clat_dp_worker *w)
{
	struct clat_dp *dp = w->dp;
	uint64_t now = coalesce_now();
	bool was = w->nh_ok, first = !w->nh_checked;
	uint8_t old[6];
	int ret;

	if (dp->gso_fd < 0) {
		w->l2 = w->nh_ok = false;
		return;
	}
	if (!first && now - w->nh_checked < 1000000000ULL)
		return;
	w->nh_checked = now;
	memcpy(old, w->nh.lladdr, sizeof(old));
	ret = nexthop_lookup6(&dp->pref64, &w->nh);
	if (ret == 0 && w->nh.ifindex != dp->up_ifindex)
		ret = -EXDEV;
	if (ret == 0 && w->nh.halen != (dp->has_mac ? 6u : 0u))
		ret = -EPFNOSUPPORT; /* no header we can build */
	w->nh_ok = w->l2 = ret == 0;
	w->kick = w->nh_ok && !w->nh.confirmed;
	if (w->nh_ok)
		uplink_tx_init(&dp->utx, dp->up_ifindex,
			       dp->has_mac ? w->nh.lladdr : NULL,
			       dp->has_mac ? dp->mac : NULL);
	if (w->nh_ok != was || first ||
	    (w->nh_ok && memcmp(old, w->nh.lladdr, sizeof(old))))
		note(dp, "uplink output: %s (next hop %s)",
		     w->nh_ok ? "frames on the packet socket, TCP super-packets whole" :
				"raw IPv6 socket, TCP super-packets cut in software",
		     w->nh_ok ? "resolved" : strerror(-ret));
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
	w46_flush(w); /* what came before it leaves before it */
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

static int w46_drain(struct clat_dp_worker *w, uint8_t *rx)
{
	struct clat_dp *dp = w->dp;
	struct virtio_net_hdr vh;
	unsigned int used = 0, gso;
	int found = 0, err;

	w46_choose(w);
	for (;;) {
		ssize_t n = read(dp->tun_fd, rx, CLAT_RX_SLOT);

		if (n < 0) {
			err = errno; /* the flush below may set its own */
			break;
		}
		found++;
		n = tun_rx_strip(rx, n, &vh, &gso);
		if (n < 0)
			w->io_errors++;
		else if (dp->shared && clat_shared_out(dp->shared, rx, (size_t)n,
						       gso != 0) == NAPT_DROP)
			continue; /* counted by the NAPT */
		else if (gso)
			w46_super(w, &vh, rx, (size_t)n, gso, &used);
		else
			w46_one(w, rx, (size_t)n, &used);
	}
	w46_flush(w);
	return err == EAGAIN || err == EINTR ? found : -err;
}

/*
 * Wait for work: until the queue (pfd[0]) is readable, or, while
 * packets come as a stream, for the moderation window (coalesce.h).
 * Either way the stop eventfd (pfd[1]) ends the wait: false then.
 */
static bool worker_wait(struct clat_dp_worker *w, struct pollfd pfd[2],
			bool timer)
{
	struct timespec ts;

	if (timer) {
		ts.tv_sec = (time_t)(w->co.window_ns / 1000000000ULL);
		ts.tv_nsec = (long)(w->co.window_ns % 1000000000ULL);
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

static void *w46_main(void *arg)
{
	struct clat_dp_worker *w = arg;
	struct pollfd pfd[2] = {
		{ .fd = w->dp->tun_fd, .events = POLLIN },
		{ .fd = w->dp->stopfd, .events = POLLIN },
	};
	uint8_t *rx = malloc(CLAT_RX_SLOT);
	bool timer = false;

	w->seg = malloc(CLAT_RX_SLOT);
	if (!rx || !w->seg)
		failed(w->dp, "%s", "no memory for the TUN reader");
	while (rx && w->seg && worker_wait(w, pfd, timer)) {
		int found = 0;

		if (pfd[0].revents)
			found = w46_drain(w, rx);
		if (found < 0) {
			failed(w->dp, "TUN read: %s", strerror(-found));
			break;
		}
		timer = coalesce_after(&w->co, (unsigned int)found,
				       coalesce_now());
	}
	free(rx);
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

	/* No link layer (point-to-point uplink): no NDP to answer. */
	if (!dp->has_mac || ndp_parse(p, len, &m) ||
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

static void *w64_main(void *arg)
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
		}
		if (n < 0) {
			failed(dp, "packet socket: %s", strerror(-n));
			break;
		}
		timer = coalesce_after(&w->co, found, coalesce_now());
	}
	if (b.ring_ok)
		io_uring_queue_exit(&b.ring);
	return NULL;
}

/* ---- the owner's side ---- */

int clat_dp_init(struct clat_dp *dp)
{
	memset(dp, 0, sizeof(*dp));
	dp->tun_fd = dp->pkt_fd = dp->raw_fd = dp->gso_fd = -1;
	for (unsigned int i = 0; i < 2; i++) {
		dp->w[i].dp = dp;
		dp->w[i].idx = i;
		dp->w[i].wbuf = malloc(CLAT_ARENA);
	}
	dp->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dp->stopfd < 0 || !dp->w[0].wbuf || !dp->w[1].wbuf ||
	    clat_rx_init(&dp->rx))
		return -ENOMEM;
	return 0;
}

void clat_dp_free(struct clat_dp *dp)
{
	clat_dp_stop(dp);
	if (dp->stopfd >= 0)
		close(dp->stopfd);
	dp->stopfd = -1;
	clat_rx_free(&dp->rx);
	for (unsigned int i = 0; i < 2; i++) {
		free(dp->w[i].wbuf);
		dp->w[i].wbuf = NULL;
	}
}

int clat_dp_start(struct clat_dp *dp)
{
	static void *(*const fn[2])(void *) = { w46_main, w64_main };

	clat_tx_init(&dp->tx, dp->up_ifindex);
	for (unsigned int i = 0; i < 2; i++) {
		struct clat_dp_worker *w = &dp->w[i];
		int ret;

		w->out.buf = w->wbuf;
		w->out.cap = CLAT_ARENA;
		w->nh_checked = 0;
		w->nh_ok = w->l2 = w->kick = false;
		coalesce_init(&w->co, dp->coalesce_usecs);
		ret = pthread_create(&w->tid, NULL, fn[i], w);
		if (ret) {
			clat_dp_stop(dp);
			return -ret;
		}
		w->running = true;
	}
	return 0;
}

void clat_dp_stop(struct clat_dp *dp)
{
	uint64_t one = 1;

	if (!clat_dp_running(dp))
		return;
	if (write(dp->stopfd, &one, sizeof(one)) < 0)
		failed(dp, "cannot signal the workers: %s", strerror(errno));
	for (unsigned int i = 0; i < 2; i++) {
		if (dp->w[i].running)
			pthread_join(dp->w[i].tid, NULL);
		dp->w[i].running = false;
	}
	/* Re-arm for the next start: its threads must not see this stop. */
	if (read(dp->stopfd, &one, sizeof(one)) < 0)
		one = 0;
}

bool clat_dp_running(const struct clat_dp *dp)
{
	return dp->w[0].running || dp->w[1].running;
}

bool clat_dp_send6(struct clat_dp *dp, const uint8_t *pkt, size_t len)
{
	struct clat_tx one;

	clat_tx_init(&one, dp->up_ifindex);
	clat_tx_add(&one, pkt, len);
	return clat_tx_flush(dp->raw_fd, &one) == 1;
}

static uint64_t ld(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

void clat_dp_counters(const struct clat_dp *dp, struct clat_dp_counters *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; i < 2; i++) {
		c->io_errors += ld(&dp->w[i].io_errors);
		c->sleeps_poll += ld(&dp->w[i].sleeps_poll);
		c->sleeps_timer += ld(&dp->w[i].sleeps_timer);
	}
	c->gso_in = ld(&dp->w[0].gso_in);
	c->gso_out = ld(&dp->w[0].gso_out);
	c->ns_answered = ld(&dp->ns_answered);
	c->tx_frames = ld(&dp->w[0].tx_frames);
	c->tx_raw = ld(&dp->w[0].tx_raw);
	c->rx_ring_batches = ld(&dp->rx.ring_batches);
	c->rx_plain_batches = ld(&dp->rx.plain_batches);
	c->rx_ring = clat_rx_ring(&dp->rx);
}
