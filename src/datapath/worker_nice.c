// SPDX-License-Identifier: GPL-2.0-or-later
/* A worker thread's nice value: see worker_nice.h. */
#include "datapath/worker_nice.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

/*
 * Linux keeps a nice value per thread: PRIO_PROCESS with 0 is the calling
 * thread.  Relative to the current value, so that a daemon started at
 * some priority keeps its workers that far ahead of it, never behind.
 */
int worker_nice_get(void)
{
	int cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, 0);
	return errno ? 0 : cur;
}

int worker_nice_set(int value)
{
	return setpriority(PRIO_PROCESS, 0, value) ? errno : 0;
}

int worker_nice_apply(int rel, int *now)
{
	int cur = worker_nice_get(), want;

	want = cur + rel;
	want = want < -20 ? -20 : want > 19 ? 19 : want;
	*now = cur;
	if (want == cur)
		return 0;
	if (worker_nice_set(want))
		return errno;
	*now = want;
	return 0;
}

int worker_rt_set(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
}
