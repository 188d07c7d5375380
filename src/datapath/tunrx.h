/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Batched reads of a TUN queue through io_uring: several reads posted
 * with RWF_NOWAIT and run inside one io_uring_enter(), so a burst costs
 * one system call instead of one per packet (a TUN hands over one
 * packet per read).  A read posted on an empty queue ends at once with
 * EAGAIN.  The number posted adapts: doubled while every read finds a
 * packet, back to what the last batch found (at least TUNRX_MIN) when
 * the queue ran dry, so sparse traffic does not pay for empty reads.
 *
 * The reads run in the order they were posted, so slot order is packet
 * order.  Without io_uring (tunrx_init() failed) the caller read()s.
 */
#ifndef XLAT_TUNRX_H
#define XLAT_TUNRX_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>

#define TUNRX_SLOTS 16
#define TUNRX_MIN 2

struct tunrx {
	struct io_uring ring;
	bool ok;
	size_t slot;      /* bytes per slot */
	uint8_t *buf;     /* TUNRX_SLOTS * slot */
	unsigned int want;
	int res[TUNRX_SLOTS]; /* per slot: bytes read, or a negative errno */
	unsigned int posted;
};

/* 0, or a negative errno (then only tunrx_free() is valid). */
int tunrx_init(struct tunrx *t, size_t slot);
void tunrx_free(struct tunrx *t);
/*
 * Post and run a batch of reads on fd: the number of packets read (the
 * slots i < t->posted with t->res[i] > 0), or a negative errno of a
 * read that failed otherwise than with EAGAIN.  *more: every read found
 * a packet, more may wait.
 */
int tunrx_batch(struct tunrx *t, int fd, bool *more);

static inline uint8_t *tunrx_slot(const struct tunrx *t, unsigned int i)
{
	return t->buf + (size_t)i * t->slot;
}

#endif
