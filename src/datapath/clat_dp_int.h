/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the CLAT's userspace data path: what its files share. */
#ifndef XLAT_CLAT_DP_INT_H
#define XLAT_CLAT_DP_INT_H

#include "datapath/clat_dp.h"

/* Report to the owner: the path stopped for good (why), or a decision
 * worth one log line. */
void clat_dp_failed(struct clat_dp *dp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void clat_dp_note(struct clat_dp *dp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The worker threads (clat_dp.c). */
void *clat_w46_main(void *arg);
void *clat_w64_main(void *arg);

/* 4->6 output (clat_dp_out6.c).  choose: at the start of a drain, how
 * this drain's packets leave; queue: one translated packet, false when
 * the batch is full; flush: send the batch. */
void clat_out6_choose(struct clat_dp_worker *w);
bool clat_out6_queue(struct clat_dp_worker *w, const uint8_t *pkt, size_t len);
bool clat_out6_full(const struct clat_dp_worker *w);
void clat_dp_worker_sched(struct clat_dp_worker *w);
void clat_dp_worker_boost(struct clat_dp_worker *w, bool stream);
/* A drain that has found more than this is racing its sender (the queue
 * fills as fast as it is read): boosted for the rest of that drain,
 * whatever the timer says.  Going to sleep on poll ends any boost. */
#define CLAT_BOOST_AFTER 64
/* How long the 4->6 worker waits before it kicks a stalled transmit ring
 * again (txring.h) when wake-up moderation is off (coalesce-usecs = 0),
 * which would otherwise make that wait a busy loop. */
#define CLAT_STALL_WAIT_NS 200000ULL
void clat_out6_flush(struct clat_dp_worker *w);

#endif
