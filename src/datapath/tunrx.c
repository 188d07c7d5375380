// SPDX-License-Identifier: GPL-2.0-or-later
/* Batched TUN reads through io_uring: see tunrx.h. */
#include "datapath/tunrx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int tunrx_init(struct tunrx *t, size_t slot)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->slot = slot;
	t->want = TUNRX_MIN;
	t->buf = malloc(TUNRX_SLOTS * slot);
	if (!t->buf)
		return -ENOMEM;
	ret = io_uring_queue_init(TUNRX_SLOTS, &t->ring, 0);
	if (ret < 0)
		return ret;
	t->ok = true;
	return 0;
}

void tunrx_free(struct tunrx *t)
{
	if (t->ok)
		io_uring_queue_exit(&t->ring);
	t->ok = false;
	free(t->buf);
	t->buf = NULL;
}

static int reap(struct tunrx *t, unsigned int *found)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0;
	int err = 0;

	io_uring_for_each_cqe(&t->ring, head, cqe) {
		uint64_t i = io_uring_cqe_get_data64(cqe);

		seen++;
		if (i >= TUNRX_SLOTS)
			continue;
		t->res[i] = cqe->res;
		if (cqe->res > 0)
			(*found)++;
		else if (cqe->res != -EAGAIN && cqe->res != -EINTR && !err)
			err = cqe->res;
	}
	io_uring_cq_advance(&t->ring, seen);
	return err;
}

int tunrx_batch(struct tunrx *t, int fd, bool *more)
{
	unsigned int found = 0, i;
	int ret, err;

	*more = false;
	for (i = 0; i < t->want; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&t->ring);

		if (!sqe)
			break;
		io_uring_prep_read(sqe, fd, tunrx_slot(t, i), (unsigned int)t->slot,
				   (uint64_t)-1);
		/* An empty queue ends the read at once, whatever the fd. */
		sqe->rw_flags = RWF_NOWAIT;
		io_uring_sqe_set_data64(sqe, i);
		t->res[i] = -EAGAIN;
	}
	t->posted = i;
	/* The reads run inside this call: waiting for them costs nothing. */
	do
		ret = io_uring_submit_and_wait(&t->ring, t->posted);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	err = reap(t, &found);
	if (err)
		return err;
	*more = found == t->posted;
	if (*more)
		t->want = t->want * 2 > TUNRX_SLOTS ? TUNRX_SLOTS : t->want * 2;
	else
		t->want = found + 1 > TUNRX_MIN ? found + 1 : TUNRX_MIN;
	return (int)found;
}
