// SPDX-License-Identifier: GPL-2.0-or-later
/* The owner's side of the CLAT's userspace data path (clat_dp.h): set-up,
 * start and stop of the workers, counters, and the worker's reports. */
#include "datapath/clat_dp.h"
#include "datapath/clat_dp_int.h"
#include "datapath/worker_nice.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

void clat_dp_failed(struct clat_dp *dp, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (dp->failed)
		dp->failed(dp->arg, why);
}

void clat_dp_note(struct clat_dp *dp, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (dp->note)
		dp->note(dp->arg, what);
}

/*
 * A worker's first act: whether it may take its worker-nice steps
 * (worker_nice.h), tried once so that a refusal is said at start.
 * Failing (no CAP_SYS_NICE and an RLIMIT_NICE that does not allow it)
 * is not fatal: said once, shown in the status, the worker runs at the
 * daemon's.  It takes them only while it carries a stream
 * (clat_dp_worker_boost()); between streams it runs at the daemon's.
 */
void clat_dp_worker_sched(struct clat_dp_worker *w)
{
	struct clat_dp *dp = w->dp;
	int now, err, zero = 0;

	w->nice_base = worker_nice_get();
	err = worker_nice_apply(dp->nice, &now);
	__atomic_store_n(&w->nice_boost, now, __ATOMIC_RELAXED);
	if (now != w->nice_base && worker_nice_set(w->nice_base) == 0)
		now = w->nice_base;
	__atomic_store_n(&w->nice, now, __ATOMIC_RELAXED);
	if (err && __atomic_compare_exchange_n(&dp->nice_err, &zero, err, false,
					       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		clat_dp_note(dp, "worker-nice %d not set (%s): the workers run at the daemon's nice %d",
			     dp->nice, strerror(err), now);
}

/*
 * Ahead of the application only while a stream lasts (the moderation
 * timer is on, coalesce.h).  A TUN has no back-pressure: a worker that
 * shares a CPU with a sender at full speed must win that CPU often
 * enough, or the TUN queue overflows.  Between streams, a burst's first
 * packet would make a boosted worker preempt its sender, take that one
 * packet and sleep, again for every few packets of the burst (four
 * wake-ups a burst of 32 instead of one, sched_switch trace); at the
 * daemon's nice the sender finishes its burst first.
 */
void clat_dp_worker_boost(struct clat_dp_worker *w, bool stream)
{
	int want = stream ? w->nice_boost : w->nice_base;

	if (want != w->nice && worker_nice_set(want) == 0)
		__atomic_store_n(&w->nice, want, __ATOMIC_RELAXED);
}

int clat_dp_init(struct clat_dp *dp)
{
	memset(dp, 0, sizeof(*dp));
	dp->tun_fd = dp->pkt_fd = dp->raw_fd = dp->gso_fd = dp->stopfd = -1;
	uplink_tx_preinit(&dp->utx);
	for (unsigned int i = 0; i < 2; i++) {
		dp->w[i].dp = dp;
		dp->w[i].idx = i;
	}
	return clat_rx_init(&dp->rx);
}

/*
 * What only running workers use (their arenas, the receive buffers, the
 * stop eventfd) is taken at start and given back at stop: a stopped
 * CLAT, such as the automatic one of every veth of a container host,
 * holds no descriptor and no buffer for its data path.
 */
static int workers_take(struct clat_dp *dp)
{
	for (unsigned int i = 0; i < 2; i++)
		if (!dp->w[i].wbuf && !(dp->w[i].wbuf = malloc(CLAT_ARENA)))
			return -ENOMEM;
	if (dp->stopfd < 0)
		dp->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dp->stopfd < 0)
		return -errno;
	return clat_rx_alloc(&dp->rx);
}

static void workers_give_back(struct clat_dp *dp)
{
	for (unsigned int i = 0; i < 2; i++) {
		free(dp->w[i].wbuf);
		dp->w[i].wbuf = NULL;
	}
	if (dp->stopfd >= 0)
		close(dp->stopfd);
	dp->stopfd = -1;
	clat_rx_release(&dp->rx);
}

void clat_dp_free(struct clat_dp *dp)
{
	clat_dp_stop(dp);
	workers_give_back(dp);
	clat_rx_free(&dp->rx);
}

int clat_dp_start(struct clat_dp *dp)
{
	static void *(*const fn[2])(void *) = { clat_w46_main, clat_w64_main };
	int ret = workers_take(dp);

	if (ret) {
		workers_give_back(dp);
		return ret;
	}
	clat_tx_init(&dp->tx, dp->up_ifindex);
	dp->nice_err = 0;
	for (unsigned int i = 0; i < 2; i++) {
		struct clat_dp_worker *w = &dp->w[i];

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
		clat_dp_failed(dp, "cannot signal the workers: %s", strerror(errno));
	for (unsigned int i = 0; i < 2; i++) {
		if (dp->w[i].running)
			pthread_join(dp->w[i].tid, NULL);
		dp->w[i].running = false;
	}
	/* The next start takes a new eventfd: its threads never see this
	 * stop. */
	workers_give_back(dp);
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

void clat_dp_counters(struct clat_dp *dp, struct clat_dp_counters *c)
{
	memset(c, 0, sizeof(*c));
	clat_rx_drops(dp->pkt_fd, &dp->rx_drops);
	c->rx_drops = dp->rx_drops;
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
	c->tx_ring_frames = ld(&dp->utx.ring_frames);
	c->tx_dropped = ld(&dp->utx.dropped);
	c->tx_sends = ld(&dp->w[0].tx_sends);
	c->rx_ring_batches = ld(&dp->rx.ring_batches);
	c->rx_plain_batches = ld(&dp->rx.plain_batches);
	c->rx_copies = ld(&dp->rx.copies);
	c->rx_ring = clat_rx_ring(&dp->rx);
	c->tun_uring = __atomic_load_n(&dp->w[0].tun_uring, __ATOMIC_RELAXED);
}
