// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A siit worker's io_uring loop: batches of reads and writes on its TUN
 * queue, sleeping on a poll or, under load, a coalesce-usecs timer.
 */
#include "datapath/coalesce.h"
#include "xlatd/siit_priv.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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
		siit_worker_output(w, out, rr);
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
		siit_xlat_one(w, r->rx[i], (size_t)res, &w->out, &rr);
		io_uring_submit(&r->ring);
		siit_worker_output(w, &w->out, &rr);
		return 1;
	}
	t = r->tx_free[--r->n_tx_free];
	/* The IPv4 Identification sequence belongs to the worker. */
	r->tx[t].next_id = w->out.next_id;
	siit_xlat_one(w, r->rx[i], (size_t)res, &r->tx[t], &rr);
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
void siit_ring_quiesce(struct siit_ring *r)
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

int siit_ring_loop(struct siit_worker *w, struct siit_ring *r)
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

void siit_ring_free(struct siit_ring *r)
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
int siit_ring_new(struct siit_ring **out, unsigned int coalesce_usecs)
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
		siit_ring_free(r);
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
	coalesce_init(&r->co, coalesce_usecs);
	*out = r;
	return 0;
}
