/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wake-up moderation for the userspace data paths, like a network card's
 * interrupt moderation.  A reader that sleeps until the next packet pays
 * one wake-up per packet, which on a loaded host costs several times the
 * translation.  While packets come as a stream, the reader instead sleeps
 * a fixed window and then takes everything that queued up meanwhile.
 *
 * Pure logic (the caller passes the clock), so it is unit-tested on its
 * own: tests/unit/test_coalesce.c.
 */
#ifndef XLAT_COALESCE_H
#define XLAT_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

/* Drains in a row, each soon after the last, that make a stream. */
#define COALESCE_STREAK 4

struct coalesce {
	uint64_t window_ns;  /* 0: never sleep on the timer */
	uint64_t last_found; /* when a drain last found packets */
	unsigned int streak; /* drains in a row that found packets soon */
	bool timer;          /* the decision of the last drain */
};

static inline void coalesce_init(struct coalesce *c, unsigned int usecs)
{
	c->window_ns = (uint64_t)usecs * 1000;
	c->last_found = 0;
	c->streak = 0;
	c->timer = false;
}

/*
 * A drain (reading until the queue was empty) found `found` packets at
 * time now_ns.  True: sleep window_ns, then drain again, whatever
 * arrives.  False: sleep until a packet arrives.
 *
 * The timer pays only when packets come more often than once a window,
 * and the gap since the last drain that found packets is what says so
 * (how many a drain found does not: a burst may be all there is).  A
 * stream starts with a drain that found several packets soon (less than
 * window_ns) after that one, or with COALESCE_STREAK short gaps in a row.
 * An application's bursts further apart than the window stay on poll:
 * a timer drain after each would find nothing and cost a wake-up per
 * burst.  A request and its answer (a ping) make one short gap, not a
 * streak, and keep their latency.  On the timer, a drain that finds
 * several keeps the stream; one that finds one or none ends it: at that
 * rate the timer saves no wake-up and only adds delay.
 */
static inline bool coalesce_after(struct coalesce *c, unsigned int found,
				  uint64_t now_ns)
{
	bool soon = c->last_found && now_ns - c->last_found < c->window_ns;

	if (found)
		c->last_found = now_ns;
	if (!c->window_ns || !found || c->timer) {
		c->timer = c->window_ns && c->timer && found > 1;
		c->streak = 0;
		return c->timer;
	}
	c->streak = soon ? c->streak + 1 : 0;
	c->timer = soon && (found > 1 || c->streak >= COALESCE_STREAK);
	return c->timer;
}

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t coalesce_now(void);

#endif
