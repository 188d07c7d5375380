// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stateless "siit" instance: RFC 7915 between the two families on
 * one TUN device.  The kernel routes packets into the device; each worker
 * thread owns one queue and writes the translation back into the same
 * device, where the kernel routes it on.
 */
#include "control/rtnl.h"
#include "datapath/coalesce.h"
#include "datapath/ratelimit.h"
#include "datapath/tun.h"
#include "datapath/vnet.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/siit.h"

#include <arpa/inet.h>
#include <liburing.h>
#include <errno.h>
#include <poll.h>
#include <linux/if_addr.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Interrupts a worker's blocking read (see worker_main()). */
#define SIIT_WAKE_SIG (SIGRTMIN + 5)
#define SIIT_RX_MAX 65536
/* Room in front of the engine's output for a virtio-net header, so one
 * write() carries both. */
#define SIIT_HEADROOM 16

struct siit;
struct siit_ring;

struct siit_worker {
	struct siit *s;
	unsigned int idx;
	int fd;
	bool running;
	pthread_t tid;
	uint8_t *rx;
	uint8_t *out_base;
	struct xlat_out out;
	uint64_t write_errors;
	uint64_t gso_in; /* super-packets translated in one piece */
	uint64_t wake_poll, wake_timer; /* io_uring sleeps, by what ended them */
	struct rl_bucket icmp_rl;  /* the ICMP errors this worker sends */
	uint64_t icmp_limited;     /* errors not sent: over the rate */
	struct siit_ring *ring; /* NULL: blocking read()/write() */
};

struct siit {
	struct instance *inst;
	struct rtnl rtnl;
	bool rtnl_open;
	char ifname[IFNAMSIZ];
	int ifindex;
	bool stopping; /* read by the workers after every packet */
	bool vnet;    /* IFF_VNET_HDR: a virtio_net_hdr before every packet */
	bool offload; /* TUNSETOFFLOAD accepted: GSO and partial checksums */
	bool uring;   /* the workers run io_uring rings */
	unsigned int n_workers;
	struct siit_worker *w;
	/* What we added, so stop removes exactly that. */
	unsigned int n_route4, n_route6, n_addr4, n_addr6;
	const struct siit_hooks *hooks; /* another kind's translation */
	void *hook_arg;
};

/* What a read brought: the engine's verdict and, with a virtio-net
 * header, the input header and engine flags the output headers need. */
struct rx_result {
	enum xlat_verdict v;
	unsigned int flags;
	struct virtio_net_hdr vh;
};

/* out->pkt[i] behind a virtio-net header (vh) or bare (vh NULL). */
static void write_one(struct siit_worker *w, const struct xlat_out *out,
		      unsigned int i, const struct virtio_net_hdr *vh)
{
	uint8_t *p = xlat_out_data(out, i);
	size_t len = out->pkt[i].len;
	struct iovec iov[2] = {
		{ .iov_base = (void *)vh, .iov_len = VNET_HDR_LEN },
		{ .iov_base = p, .iov_len = len },
	};
	ssize_t r;

	if (!vh) {
		r = write(w->fd, p, len);
	} else if (out->pkt[i].off == 0) {
		/* The first packet has the headroom; fragments sit back to
		 * back. */
		memcpy(p - VNET_HDR_LEN, vh, VNET_HDR_LEN);
		r = write(w->fd, p - VNET_HDR_LEN, len + VNET_HDR_LEN);
	} else {
		r = writev(w->fd, iov, 2);
	}
	if (r < 0)
		w->write_errors++;
}

/* Every packet of a translation, with blocking writes. */
static void worker_output(struct siit_worker *w, const struct xlat_out *out,
			  const struct rx_result *rr)
{
	struct virtio_net_hdr vh;

	if (rr->v == XLAT_DROP)
		return;
	for (unsigned int i = 0; i < out->n; i++) {
		if (!w->s->vnet) {
			write_one(w, out, i, NULL);
			continue;
		}
		vnet_tx_hdr(&rr->vh, rr->flags, rr->v, out->n,
			    xlat_out_data(out, i), out->pkt[i].len, &vh);
		write_one(w, out, i, &vh);
	}
}

/*
 * With a next-hop MTU configured, a super-packet whose segments would not
 * fit it once translated goes through the engine whole, which answers it
 * with Fragmentation Needed / Packet Too Big, as for one big packet.
 */
static unsigned int gso_fit(const struct xlat_cfg *cfg,
			    const struct virtio_net_hdr *vh,
			    const uint8_t *pkt, size_t n, unsigned int flags)
{
	size_t seg;

	if (!(flags & XLAT_F_GSO) || (!cfg->ipv6_mtu && !cfg->ipv4_mtu))
		return flags;
	seg = vnet_gso_seg_len(vh, pkt, n);
	if (pkt[0] >> 4 == 4 && cfg->ipv6_mtu && seg + 20 > cfg->ipv6_mtu)
		return flags & ~XLAT_F_GSO;
	/* Only segments that leave with DF=1 (over 1260 bytes) can be
	 * answered with a Packet Too Big the sender acts on. */
	if (pkt[0] >> 4 == 6 && cfg->ipv4_mtu && seg > 20 &&
	    seg - 20 > cfg->ipv4_mtu && seg - 20 > 1260)
		return flags & ~XLAT_F_GSO;
	return flags;
}

/* The size the engine may fragment 4->6 packets to. */
static unsigned int frag_mtu6(const struct xlat_cfg *cfg)
{
	if (cfg->ipv6_mtu && cfg->ipv6_mtu < cfg->lowest_ipv6_mtu)
		return cfg->ipv6_mtu;
	return cfg->lowest_ipv6_mtu;
}

/* One packet read with a virtio-net header in front of it. */
static void xlat_one_vnet(struct siit_worker *w, uint8_t *buf, size_t n,
			  struct xlat_out *out, struct rx_result *rr)
{
	const struct xlat_cfg *cfg = &w->s->inst->conf->xlat;
	struct xlat_stats *st = instance_stats(w->s->inst, w->idx);
	uint8_t *pkt = buf + VNET_HDR_LEN;
	enum xlat_dir dir;
	int flags;

	rr->v = XLAT_DROP;
	if (n <= VNET_HDR_LEN)
		return;
	memcpy(&rr->vh, buf, VNET_HDR_LEN);
	n -= VNET_HDR_LEN;
	dir = (pkt[0] >> 4) == 6 ? XLAT_DIR_6TO4 : XLAT_DIR_4TO6;
	flags = vnet_rx_flags(&rr->vh, pkt, n, frag_mtu6(cfg));
	if (flags >= 0)
		flags = (int)gso_fit(cfg, &rr->vh, pkt, n, (unsigned int)flags);
	if (flags < 0) {
		out->n = 0;
		out->reason = XLAT_DROP_BAD_VNET_HDR;
		xlat_account(st, dir, n, XLAT_DROP, out);
		return;
	}
	if (flags & XLAT_F_GSO)
		__atomic_store_n(&w->gso_in, w->gso_in + 1, __ATOMIC_RELAXED);
	rr->flags = (unsigned int)flags;
	rr->v = xlat_packet_flags(cfg, pkt, n, out, rr->flags);
	xlat_account(st, dir, n, rr->v, out);
}

/* RFC 4443 2.4 (f), RFC 1812 4.3.2.8: errors over the rate are not sent
 * (the packet stays counted under its reason). */
static void limit_reply(struct siit_worker *w, struct rx_result *rr)
{
	if (rr->v != XLAT_REPLY ||
	    rl_allow(&w->icmp_rl, coalesce_now(), RL_ICMP_RATE, RL_ICMP_BURST))
		return;
	rr->v = XLAT_DROP;
	__atomic_store_n(&w->icmp_limited, w->icmp_limited + 1,
			 __ATOMIC_RELAXED);
}

/* Translate the n bytes read into buf; out gets the result. */
static void xlat_one(struct siit_worker *w, uint8_t *buf, size_t n,
		     struct xlat_out *out, struct rx_result *rr)
{
	const struct xlat_cfg *cfg = &w->s->inst->conf->xlat;
	struct xlat_stats *st = instance_stats(w->s->inst, w->idx);
	enum xlat_dir dir;

	if (w->s->vnet) {
		xlat_one_vnet(w, buf, n, out, rr);
		limit_reply(w, rr);
		return;
	}
	rr->flags = 0;
	dir = (buf[0] >> 4) == 6 ? XLAT_DIR_6TO4 : XLAT_DIR_4TO6;
	if (w->s->hooks)
		rr->v = w->s->hooks->xlate(w->s->hook_arg, w->idx, buf, n, out);
	else
		rr->v = xlat_packet(cfg, buf, n, out);
	xlat_account(st, dir, n, rr->v, out);
	limit_reply(w, rr);
}

/* One blocking read and its translation: 0, or a negative errno. */
static int worker_read(struct siit_worker *w)
{
	ssize_t n = read(w->fd, w->rx, VNET_HDR_LEN + SIIT_RX_MAX);
	struct rx_result rr;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	xlat_one(w, w->rx, (size_t)n, &w->out, &rr);
	worker_output(w, &w->out, &rr);
	return 0;
}

/*
 * io_uring: SIIT_RING_SLOTS receive buffers and as many transmit areas.
 * Reads are RWF_NOWAIT, so a read posted on an empty queue ends at once
 * with EAGAIN.  A *drain* posts `want` reads, which run inside the
 * io_uring_enter() that also sends the writes queued by the last drain;
 * it then translates what they found and queues those writes.  A drain
 * whose reads all found a packet is followed by the next at once (load);
 * otherwise the worker sleeps in one io_uring_enter() until
 *  - a poll on the queue fires: a packet arrived (the "interrupt"), or,
 *  - while packets arrive more often than every coalesce-usecs, a timer
 *    of that length expires.  Like a NIC's interrupt moderation this
 *    turns one wake-up per packet, which costs several times the
 *    translation, into one per batch, for at most coalesce-usecs of
 *    added delay and only under load; sparse traffic (a ping) still wakes
 *    the worker at once.
 * No read is ever left waiting on the queue, so the poll is the only
 * thing a packet wakes.
 */
#define SIIT_RING_SLOTS 32
#define RING_TAG_WRITE (1ULL << 32)
#define RING_TAG_WAKE (1ULL << 33)
#define RING_TAG_CANCEL (1ULL << 34)
#define SIIT_RING_FLUSH 4096
#define RING_WANT_MIN 4

struct siit_ring {
	struct io_uring ring;
	bool disabled; /* IORING_SETUP_R_DISABLED: the worker enables it */
	uint8_t *rx_area, *tx_area;
	uint8_t *rx[SIIT_RING_SLOTS];
	struct xlat_out tx[SIIT_RING_SLOTS];
	unsigned int rx_free[SIIT_RING_SLOTS], n_rx_free;
	unsigned int tx_free[SIIT_RING_SLOTS], n_tx_free;
	unsigned int want;   /* reads the next drain posts */
	unsigned int writes; /* queued or in flight, completion not reaped */
	bool wake_out;       /* a poll or a timer is posted */
	struct coalesce co;  /* when to sleep on the timer */
	struct __kernel_timespec ts;
};

#define RX_SLOT (VNET_HDR_LEN + SIIT_RX_MAX)
#define TX_SLOT (SIIT_HEADROOM + XLAT_OUT_MIN)

static struct io_uring_sqe *ring_sqe(struct siit_ring *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

	/* The queue holds a read and a write per slot, so this is only a
	 * safety net. */
	if (!sqe && io_uring_submit(&r->ring) >= 0)
		sqe = io_uring_get_sqe(&r->ring);
	return sqe;
}

/*
 * Queue the translation in tx area t, or write it at once when it is
 * more than one packet (fragments, rare): those keep their order
 * behind what is queued by flushing the queue first.
 */
static void ring_send(struct siit_worker *w, struct siit_ring *r,
		      unsigned int t, const struct rx_result *rr)
{
	struct xlat_out *out = &r->tx[t];
	struct io_uring_sqe *sqe;
	struct virtio_net_hdr vh;
	uint8_t *p = xlat_out_data(out, 0);
	size_t len = out->pkt[0].len;

	if (rr->v != XLAT_DROP && out->n == 1 && out->pkt[0].off == 0 &&
	    (sqe = ring_sqe(r))) {
		if (w->s->vnet) {
			vnet_tx_hdr(&rr->vh, rr->flags, rr->v, 1, p, len, &vh);
			p -= VNET_HDR_LEN;
			len += VNET_HDR_LEN;
			memcpy(p, &vh, VNET_HDR_LEN);
		}
		io_uring_prep_write(sqe, w->fd, p, (unsigned int)len, (__u64)-1);
		io_uring_sqe_set_data64(sqe, RING_TAG_WRITE | t);
		r->writes++;
		/* A super-packet costs far more than a system call: send it
		 * now rather than behind the rest of the drain. */
		if (len > SIIT_RING_FLUSH)
			io_uring_submit(&r->ring);
		return;
	}
	if (rr->v != XLAT_DROP) {
		io_uring_submit(&r->ring);
		worker_output(w, out, rr);
	}
	r->tx_free[r->n_tx_free++] = t;
}

/* A read completed in rx slot i with res bytes or a negative errno:
 * 1 if it brought a packet, 0 if not, or a negative errno. */
static int ring_rx(struct siit_worker *w, struct siit_ring *r, unsigned int i,
		   int res)
{
	struct rx_result rr;
	unsigned int t;

	r->rx_free[r->n_rx_free++] = i;
	if (res < 0)
		return res == -EAGAIN || res == -EINTR || res == -ECANCELED ?
			       0 : res;
	if (res == 0)
		return 0;
	if (!r->n_tx_free) {
		/* Every area waits for its write: translate into the
		 * worker's own and write it now. */
		xlat_one(w, r->rx[i], (size_t)res, &w->out, &rr);
		io_uring_submit(&r->ring);
		worker_output(w, &w->out, &rr);
		return 1;
	}
	t = r->tx_free[--r->n_tx_free];
	/* The IPv4 Identification sequence belongs to the worker. */
	r->tx[t].next_id = w->out.next_id;
	xlat_one(w, r->rx[i], (size_t)res, &r->tx[t], &rr);
	w->out.next_id = r->tx[t].next_id;
	ring_send(w, r, t, &rr);
	return 1;
}

/* Reap every completion: the packets the reads found, or a negative
 * errno. */
static int ring_reap(struct siit_worker *w, struct siit_ring *r)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	int err = 0, found = 0;

	io_uring_for_each_cqe(&r->ring, head, cqe) {
		uint64_t d = io_uring_cqe_get_data64(cqe);
		int ret;

		n++;
		if (d & RING_TAG_WAKE) {
			r->wake_out = false;
			continue;
		}
		if (d & RING_TAG_WRITE) {
			if (cqe->res < 0)
				w->write_errors++;
			r->writes--;
			r->tx_free[r->n_tx_free++] = (unsigned int)d;
			continue;
		}
		ret = ring_rx(w, r, (unsigned int)d, cqe->res);
		if (ret < 0 && !err)
			err = ret;
		found += ret > 0;
	}
	io_uring_cq_advance(&r->ring, n);
	return err ? err : found;
}

static bool ring_enter_failed(int ret)
{
	return ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY;
}

/* Post up to `want` reads, run them and translate what they found: the
 * number of packets, or a negative errno. */
static int ring_drain(struct siit_worker *w, struct siit_ring *r,
		      unsigned int *posted)
{
	int ret;

	*posted = 0;
	while (*posted < r->want && r->n_rx_free) {
		unsigned int i = r->rx_free[r->n_rx_free - 1];
		struct io_uring_sqe *sqe = ring_sqe(r);

		if (!sqe)
			break;
		r->n_rx_free--;
		io_uring_prep_read(sqe, w->fd, r->rx[i], RX_SLOT, (__u64)-1);
		/* An empty queue ends the read with EAGAIN: io_uring would
		 * otherwise leave it waiting, whatever O_NONBLOCK says. */
		sqe->rw_flags = RWF_NOWAIT;
		io_uring_sqe_set_data64(sqe, i);
		(*posted)++;
	}
	/* The reads (and the writes queued before them) run inside this
	 * call; waiting for them costs nothing. */
	ret = io_uring_submit_and_wait(&r->ring, *posted + r->writes);
	if (ring_enter_failed(ret))
		return ret;
	return ring_reap(w, r);
}

/* Sleep until a packet arrives, or for the window while they arrive
 * faster than that. */
static int ring_sleep(struct siit_worker *w, struct siit_ring *r, bool timer)
{
	struct io_uring_sqe *sqe;
	int ret;

	if (!r->wake_out) {
		sqe = ring_sqe(r);
		if (!sqe)
			return -EBUSY;
		if (timer) {
			r->ts.tv_sec = (long long)(r->co.window_ns / 1000000000ULL);
			r->ts.tv_nsec = (long long)(r->co.window_ns % 1000000000ULL);
			io_uring_prep_timeout(sqe, &r->ts, 0, 0);
			__atomic_store_n(&w->wake_timer, w->wake_timer + 1,
					 __ATOMIC_RELAXED);
		} else {
			io_uring_prep_poll_add(sqe, w->fd, POLLIN);
			__atomic_store_n(&w->wake_poll, w->wake_poll + 1,
					 __ATOMIC_RELAXED);
		}
		io_uring_sqe_set_data64(sqe, RING_TAG_WAKE);
		r->wake_out = true;
	}
	/* The writes finish inside the call (a TUN write does not block):
	 * one completion more is the wake-up. */
	ret = io_uring_submit_and_wait(&r->ring, r->writes + 1);
	if (ring_enter_failed(ret))
		return ret;
	ret = ring_reap(w, r);
	return ret < 0 ? ret : 0;
}

/*
 * Before the worker leaves: cancel what is still posted (the wake-up
 * poll holds a reference to the TUN queue) and wait for the writes.  A
 * ring torn down with requests in flight lets the kernel drop those
 * references later, from a work queue, so the device would outlive
 * siit_stop() and a reload that recreates it would find it still there.
 */
static void ring_quiesce(struct siit_ring *r)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };
	unsigned int want = r->writes + (r->wake_out ? 1 : 0);
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int head, n;

	/* stop_worker() keeps signalling, so a wait may end early: a few
	 * tries, each bounded. */
	for (int tries = 0; want && tries < 10; tries++) {
		if (r->wake_out && (sqe = io_uring_get_sqe(&r->ring))) {
			io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
			io_uring_sqe_set_data64(sqe, RING_TAG_CANCEL);
			want++;
		}
		io_uring_submit_and_wait_timeout(&r->ring, &cqe, want, &ts, NULL);
		n = 0;
		io_uring_for_each_cqe(&r->ring, head, cqe) {
			uint64_t d = io_uring_cqe_get_data64(cqe);

			n++;
			if (d & RING_TAG_WAKE)
				r->wake_out = false;
			else if (d & RING_TAG_WRITE)
				r->writes--;
		}
		io_uring_cq_advance(&r->ring, n);
		want = r->writes + (r->wake_out ? 1 : 0);
	}
}

static int ring_loop(struct siit_worker *w, struct siit_ring *r)
{
	int ret;

	if (r->disabled) {
		/* liburing 2.3 declares io_uring_enable_rings() but its
		 * library lacks it. */
		ret = (int)syscall(__NR_io_uring_register, r->ring.ring_fd,
				   IORING_REGISTER_ENABLE_RINGS, NULL, 0);
		if (ret < 0)
			return -errno;
	}
	while (!__atomic_load_n(&w->s->stopping, __ATOMIC_ACQUIRE)) {
		unsigned int posted;

		ret = ring_drain(w, r, &posted);
		if (ret < 0)
			return ret;
		if (ret > 0 && (unsigned int)ret == posted) {
			/* Every read found a packet: more are waiting. */
			r->want = posted * 2 > SIIT_RING_SLOTS ?
					  SIIT_RING_SLOTS : posted * 2;
			continue;
		}
		/* A read that finds the queue empty costs a little: post
		 * what the last drain found and some margin. */
		r->want = (unsigned int)ret + (unsigned int)ret / 2 + 2;
		if (r->want < RING_WANT_MIN)
			r->want = RING_WANT_MIN;
		if (r->want > SIIT_RING_SLOTS)
			r->want = SIIT_RING_SLOTS;
		ret = ring_sleep(w, r,
				 coalesce_after(&r->co, (unsigned int)ret,
						coalesce_now()));
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void ring_free(struct siit_ring *r)
{
	if (!r)
		return;
	io_uring_queue_exit(&r->ring);
	free(r->rx_area);
	free(r->tx_area);
	free(r);
}

/*
 * Set the ring up in the starting thread so a failure is reported
 * there.  The cheapest kind first: completions run only when the worker
 * asks for them (DEFER_TASKRUN), not by interrupting it.
 */
static int ring_new(struct siit_ring **out)
{
	static const unsigned int setups[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			IORING_SETUP_R_DISABLED,
		IORING_SETUP_COOP_TASKRUN,
		0,
	};
	struct siit_ring *r = calloc(1, sizeof(*r));
	int ret = -EINVAL;

	if (!r)
		return -ENOMEM;
	for (unsigned int k = 0; k < 3; k++) {
		ret = io_uring_queue_init(2 * SIIT_RING_SLOTS, &r->ring,
					  setups[k]);
		if (ret == 0) {
			r->disabled = setups[k] & IORING_SETUP_R_DISABLED;
			break;
		}
	}
	if (ret < 0) {
		free(r);
		return ret;
	}
	r->rx_area = malloc((size_t)SIIT_RING_SLOTS * RX_SLOT);
	r->tx_area = malloc((size_t)SIIT_RING_SLOTS * TX_SLOT);
	if (!r->rx_area || !r->tx_area) {
		ring_free(r);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < SIIT_RING_SLOTS; i++) {
		r->rx[i] = r->rx_area + (size_t)i * RX_SLOT;
		r->tx[i].buf = r->tx_area + (size_t)i * TX_SLOT + SIIT_HEADROOM;
		r->tx[i].cap = XLAT_OUT_MIN;
		r->rx_free[r->n_rx_free++] = i;
		r->tx_free[r->n_tx_free++] = i;
	}
	r->want = RING_WANT_MIN;
	*out = r;
	return 0;
}

static void wake_handler(int sig)
{
	(void)sig;
}

/*
 * Blocking reads: a packet costs one read and one write, where poll()
 * plus a read that ends in EAGAIN doubled the system calls whenever the
 * queue ran empty (any rate below saturation).  siit_stop() interrupts
 * the read with SIIT_WAKE_SIG, installed without SA_RESTART.
 */
static void *worker_main(void *arg)
{
	struct siit_worker *w = arg;
	sigset_t ss;

	sigemptyset(&ss);
	sigaddset(&ss, SIIT_WAKE_SIG);
	pthread_sigmask(SIG_UNBLOCK, &ss, NULL);
	if (w->ring) {
		int r = ring_loop(w, w->ring);

		ring_quiesce(w->ring);
		if (r < 0)
			instance_set_state(w->s->inst, "failed",
					   "queue %u: io_uring: %s", w->idx,
					   strerror(-r));
		return NULL;
	}
	while (!__atomic_load_n(&w->s->stopping, __ATOMIC_ACQUIRE)) {
		int r = worker_read(w);

		if (r < 0) {
			instance_set_state(w->s->inst, "failed",
					   "queue %u: read: %s", w->idx,
					   strerror(-r));
			break;
		}
	}
	return NULL;
}

static int install_wake_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wake_handler;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIIT_WAKE_SIG, &sa, NULL) < 0 ? -errno : 0;
}

/* A signal just before the thread blocks in read() is lost: repeat it. */
static void stop_worker(struct siit_worker *w)
{
	for (;;) {
		struct timespec ts;

		pthread_kill(w->tid, SIIT_WAKE_SIG);
		/* Monotonic: a stepped clock must not stretch the wait. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_clockjoin_np(w->tid, NULL, CLOCK_MONOTONIC, &ts) !=
		    ETIMEDOUT)
			return;
	}
}

static void fmt_p4(const struct xlat_prefix4 *p, char *b, size_t n)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	snprintf(b, n, "%s/%u", a, p->len);
}

static void fmt_p6(const struct xlat_prefix6 *p, char *b, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(b, n, "%s/%u", a, p->len);
}

static int add_route(struct siit *s, int family, const void *dst,
		     unsigned int plen, const char *txt)
{
	struct rtnl_route rt = {
		.family = family,
		.plen = (uint8_t)plen,
		.ifindex = s->ifindex,
		.protocol = XLAT_RTPROT,
	};
	int ret;

	memcpy(&rt.dst, dst, family == AF_INET ? 4 : 16);
	ret = rtnl_route(&s->rtnl, true, &rt);
	if (ret < 0)
		instance_set_state(s->inst, "failed", "route %s dev %s: %s", txt,
				   s->ifname, strerror(-ret));
	else
		log_debug(s->inst->name, "route %s dev %s added", txt, s->ifname);
	return ret;
}

static void del_route(struct siit *s, int family, const void *dst,
		      unsigned int plen)
{
	struct rtnl_route rt = {
		.family = family,
		.plen = (uint8_t)plen,
		.ifindex = s->ifindex,
		.protocol = XLAT_RTPROT,
	};

	memcpy(&rt.dst, dst, family == AF_INET ? 4 : 16);
	rtnl_route(&s->rtnl, false, &rt);
}

static int add_addrs_routes(struct siit *s)
{
	const struct siit_conf *c = &s->inst->conf->siit;
	char txt[64];
	int ret;

	for (; s->n_addr4 < c->n_address4; s->n_addr4++) {
		fmt_p4(&c->address4[s->n_addr4], txt, sizeof(txt));
		ret = rtnl_addr(&s->rtnl, true, s->ifindex, AF_INET,
				(const void *)&c->address4[s->n_addr4].addr,
				c->address4[s->n_addr4].len, 0);
		if (ret < 0)
			goto addr_fail;
	}
	for (; s->n_addr6 < c->n_address6; s->n_addr6++) {
		fmt_p6(&c->address6[s->n_addr6], txt, sizeof(txt));
		ret = rtnl_addr(&s->rtnl, true, s->ifindex, AF_INET6,
				(const void *)&c->address6[s->n_addr6].addr,
				c->address6[s->n_addr6].len, IFA_F_NODAD);
		if (ret < 0)
			goto addr_fail;
	}
	for (; s->n_route4 < c->n_route4; s->n_route4++) {
		fmt_p4(&c->route4[s->n_route4], txt, sizeof(txt));
		ret = add_route(s, AF_INET, &c->route4[s->n_route4].addr,
				c->route4[s->n_route4].len, txt);
		if (ret < 0)
			return ret;
	}
	for (; s->n_route6 < c->n_route6; s->n_route6++) {
		fmt_p6(&c->route6[s->n_route6], txt, sizeof(txt));
		ret = add_route(s, AF_INET6, &c->route6[s->n_route6].addr,
				c->route6[s->n_route6].len, txt);
		if (ret < 0)
			return ret;
	}
	return 0;
addr_fail:
	instance_set_state(s->inst, "failed", "address %s on %s: %s", txt,
			   s->ifname, strerror(-ret));
	return ret;
}

/*
 * Offload on every queue: one read then carries a whole TCP super-packet
 * (up to 64 KB) and the kernel segments what we write back.  A kernel
 * without it leaves us with the plain one-packet-per-call path.
 */
static void try_offload(struct siit *s)
{
	s->offload = true;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		int ret = tun_set_offload(s->w[i].fd, true);

		if (ret < 0) {
			log_info(s->inst->name, "no TUN offload on %s: %s",
				 s->ifname, strerror(-ret));
			s->offload = false;
			return;
		}
	}
}

static int open_queues(struct siit *s)
{
	const struct siit_conf *c = &s->inst->conf->siit;
	bool vnet = c->offload && !s->hooks;
	unsigned int flags = vnet ? TUN_VNET_HDR : 0;

	if (rtnl_link_index(c->tun) > 0) {
		instance_set_state(s->inst, "failed",
				   "device %s exists already (another instance, a leftover, or not ours)",
				   c->tun);
		return -EEXIST;
	}
	if (s->n_workers > 1)
		flags |= TUN_MULTIQUEUE;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		int fd = tun_open_flags(c->tun, flags, s->ifname);

		if (fd < 0) {
			instance_set_state(s->inst, "failed",
					   "cannot open TUN %s (queue %u): %s",
					   c->tun, i, strerror(-fd));
			return fd;
		}
		s->w[i].fd = fd;
	}
	s->vnet = vnet;
	if (s->vnet)
		try_offload(s);
	s->ifindex = rtnl_link_index(s->ifname);
	return s->ifindex > 0 ? 0 : s->ifindex;
}

static int setup_link(struct siit *s)
{
	const struct siit_conf *c = &s->inst->conf->siit;
	int ret;

	ret = rtnl_link_set_mtu(&s->rtnl, s->ifindex, c->mtu);
	if (ret < 0) {
		instance_set_state(s->inst, "failed", "set mtu %u on %s: %s",
				   c->mtu, s->ifname, strerror(-ret));
		return ret;
	}
	/* Bursts from the stack overflow the default 500 quickly. */
	tun_set_txqueuelen(s->ifname, 2048);
	ret = rtnl_link_set_up(&s->rtnl, s->ifindex, true);
	if (ret < 0)
		instance_set_state(s->inst, "failed", "set %s up: %s",
				   s->ifname, strerror(-ret));
	return ret;
}

/*
 * A ring per worker, or none at all: io = auto falls back to blocking
 * calls (saying why once), io = uring fails the instance instead.
 */
static int make_rings(struct siit *s)
{
	enum siit_io io = s->inst->conf->siit.io;
	int ret = 0;

	if (io == SIIT_IO_BLOCKING)
		return 0;
	for (unsigned int i = 0; i < s->n_workers && ret == 0; i++)
		ret = ring_new(&s->w[i].ring);
	for (unsigned int i = 0; i < s->n_workers && ret == 0; i++)
		coalesce_init(&s->w[i].ring->co,
			      s->inst->conf->siit.coalesce_usecs);
	if (ret == 0) {
		s->uring = true;
		return 0;
	}
	for (unsigned int i = 0; i < s->n_workers; i++) {
		ring_free(s->w[i].ring);
		s->w[i].ring = NULL;
	}
	if (io == SIIT_IO_URING) {
		instance_set_state(s->inst, "failed", "io_uring: %s",
				   strerror(-ret));
		return ret;
	}
	log_info(s->inst->name, "no io_uring (%s): one read and one write per packet",
		 strerror(-ret));
	return 0;
}

static int start_workers(struct siit *s)
{
	int err = install_wake_handler();

	if (err < 0)
		return err;
	err = make_rings(s);
	if (err < 0)
		return err;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		struct siit_worker *w = &s->w[i];
		int ret;

		w->rx = malloc(VNET_HDR_LEN + SIIT_RX_MAX);
		w->out_base = malloc(SIIT_HEADROOM + XLAT_OUT_MIN);
		if (!w->rx || !w->out_base)
			return -ENOMEM;
		w->out.buf = w->out_base + SIIT_HEADROOM;
		w->out.cap = XLAT_OUT_MIN;
		ret = pthread_create(&w->tid, NULL, worker_main, w);
		if (ret) {
			instance_set_state(s->inst, "failed",
					   "cannot start thread %u: %s", i,
					   strerror(ret));
			return -ret;
		}
		w->running = true;
	}
	return 0;
}

int siit_start_hooked(struct instance *inst, const struct siit_hooks *h,
		      void *arg)
{
	const struct siit_conf *c = &inst->conf->siit;
	struct siit *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	inst->priv = s;
	s->inst = inst;
	s->hooks = h;
	s->hook_arg = arg;
	s->n_workers = c->threads ? c->threads : 1;
	s->w = calloc(s->n_workers, sizeof(*s->w));
	if (!s->w)
		return -ENOMEM;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		s->w[i].fd = -1;
		s->w[i].s = s;
		s->w[i].idx = i;
	}
	ret = instance_stats_alloc(inst, s->n_workers);
	if (ret < 0)
		return ret;
	ret = rtnl_open(&s->rtnl);
	if (ret < 0) {
		instance_set_state(inst, "failed", "netlink: %s", strerror(-ret));
		return ret;
	}
	s->rtnl_open = true;
	ret = open_queues(s);
	if (ret == 0)
		ret = setup_link(s);
	if (ret == 0)
		ret = add_addrs_routes(s);
	if (ret == 0)
		ret = start_workers(s);
	if (ret < 0)
		return ret;
	log_info(inst->name, "running on %s: mtu %u, %u thread%s (%s), %u route%s, %u EAM entr%s",
		 s->ifname, c->mtu, s->n_workers, s->n_workers > 1 ? "s" : "",
		 s->uring ? "io_uring" : "blocking I/O",
		 c->n_route4 + c->n_route6, c->n_route4 + c->n_route6 == 1 ? "" : "s",
		 inst->conf->n_eam, inst->conf->n_eam == 1 ? "y" : "ies");
	return 0;
}

/*
 * The kernel removes a TUN device when its last queue is released, which
 * can trail close() by a little: wait for it, so that stop() leaves
 * nothing behind and a restart (a reload) can create it again at once.
 */
static void wait_tun_gone(struct siit *s)
{
	for (int i = 0; i < 200 && rtnl_link_index(s->ifname) > 0; i++)
		usleep(10 * 1000);
	if (rtnl_link_index(s->ifname) > 0)
		log_warn(s->inst->name, "%s still exists 2 s after its queues were closed",
			 s->ifname);
}

static int siit_start(struct instance *inst)
{
	return siit_start_hooked(inst, NULL, NULL);
}

void *siit_hook_arg(struct instance *inst)
{
	struct siit *s = inst->priv;

	return s ? s->hook_arg : NULL;
}

int siit_send_hooked(struct instance *inst, const void *pkt, size_t len)
{
	struct siit *s = inst->priv;

	/* Hooked kinds run without virtio-net headers; a TUN write is one
	 * packet and never blocks, so any thread may use queue 0. */
	if (!s || !s->w || !s->n_workers || s->vnet)
		return -1;
	return write(s->w[0].fd, pkt, len) == (ssize_t)len ? 0 : -1;
}

void siit_stop_hooked(struct instance *inst)
{
	struct siit *s = inst->priv;
	const struct siit_conf *c = &inst->conf->siit;
	bool opened = false;

	if (!s)
		return;
	__atomic_store_n(&s->stopping, true, __ATOMIC_RELEASE);
	for (unsigned int i = 0; s->w && i < s->n_workers; i++)
		if (s->w[i].running)
			stop_worker(&s->w[i]);
	/* Closing the device would take these with it; removing them first
	 * keeps the order explicit and the log honest. */
	while (s->n_route6)
		s->n_route6--, del_route(s, AF_INET6, &c->route6[s->n_route6].addr,
					 c->route6[s->n_route6].len);
	while (s->n_route4)
		s->n_route4--, del_route(s, AF_INET, &c->route4[s->n_route4].addr,
					 c->route4[s->n_route4].len);
	while (s->n_addr6)
		s->n_addr6--, rtnl_addr(&s->rtnl, false, s->ifindex, AF_INET6,
					(const void *)&c->address6[s->n_addr6].addr,
					c->address6[s->n_addr6].len, 0);
	while (s->n_addr4)
		s->n_addr4--, rtnl_addr(&s->rtnl, false, s->ifindex, AF_INET,
					(const void *)&c->address4[s->n_addr4].addr,
					c->address4[s->n_addr4].len, 0);
	for (unsigned int i = 0; s->w && i < s->n_workers; i++) {
		if (s->w[i].fd >= 0) {
			close(s->w[i].fd);
			opened = true;
		}
		ring_free(s->w[i].ring);
		free(s->w[i].rx);
		free(s->w[i].out_base);
	}
	if (opened && s->ifname[0])
		wait_tun_gone(s);
	if (s->rtnl_open)
		rtnl_close(&s->rtnl);
	free(s->w);
	free(s);
	inst->priv = NULL;
}

void siit_status_hooked(struct instance *inst, struct ctl_out *o)
{
	const struct inst_conf *ic = inst->conf;
	struct siit *s = inst->priv;
	uint64_t werr = 0, gso = 0, wp = 0, wt = 0, rl = 0;
	char b[64];

	ctl_kv_str(o, "tun", "%s", s->ifname);
	ctl_kv_u64(o, "mtu", ic->siit.mtu);
	/* 0: not set, the kernel decides. */
	ctl_kv_u64(o, "ipv6_mtu", ic->xlat.ipv6_mtu);
	ctl_kv_u64(o, "ipv4_mtu", ic->xlat.ipv4_mtu);
	ctl_kv_u64(o, "threads", s->n_workers);
	ctl_kv_str(o, "offload", "%s", s->offload ? "yes" : "no");
	ctl_kv_str(o, "io", "%s", s->uring ? "uring" : "blocking");
	if (ic->xlat.has_pool6) {
		fmt_p6(&ic->xlat.pool6, b, sizeof(b));
		ctl_kv_str(o, "pool6", "%s", b);
	}
	ctl_kv_u64(o, "eam_entries", ic->n_eam);
	ctl_kv_u64(o, "routes", ic->siit.n_route4 + ic->siit.n_route6);
	for (unsigned int i = 0; i < s->n_workers; i++)
		werr += __atomic_load_n(&s->w[i].write_errors, __ATOMIC_RELAXED);
	ctl_kv_u64(o, "tun_write_errors", werr);
	for (unsigned int i = 0; i < s->n_workers; i++)
		gso += __atomic_load_n(&s->w[i].gso_in, __ATOMIC_RELAXED);
	ctl_kv_u64(o, "tun_gso_in", gso);
	for (unsigned int i = 0; i < s->n_workers; i++)
		rl += __atomic_load_n(&s->w[i].icmp_limited, __ATOMIC_RELAXED);
	ctl_kv_u64(o, "icmp_errors_rate_limited", rl);
	if (!s->uring)
		return;
	/* How the workers slept: a poll per packet when traffic is sparse,
	 * a timer per batch under load (coalesce-usecs). */
	ctl_kv_u64(o, "coalesce_usecs", ic->siit.coalesce_usecs);
	for (unsigned int i = 0; i < s->n_workers; i++) {
		wp += __atomic_load_n(&s->w[i].wake_poll, __ATOMIC_RELAXED);
		wt += __atomic_load_n(&s->w[i].wake_timer, __ATOMIC_RELAXED);
	}
	ctl_kv_u64(o, "io_sleeps_poll", wp);
	ctl_kv_u64(o, "io_sleeps_timer", wt);
}

const struct instance_kind siit_kind = {
	.name = "siit",
	.start = siit_start,
	.stop = siit_stop_hooked,
	.status = siit_status_hooked,
};
