// SPDX-License-Identifier: GPL-2.0-or-later
/* The clock side of coalesce.h; the decision itself is inline there. */
#include "datapath/coalesce.h"

#include <time.h>

uint64_t coalesce_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}
