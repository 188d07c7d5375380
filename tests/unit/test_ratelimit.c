// SPDX-License-Identifier: GPL-2.0-or-later
/* The token bucket that limits the ICMP errors a translator sends. */
#define TAP_MAIN
#include "tap.h"

#include "datapath/ratelimit.h"

#define MS 1000000ull

static unsigned int count(struct rl_bucket *b, uint64_t now, unsigned int n)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < n; i++)
		ok += rl_allow(b, now, 1000, 50);
	return ok;
}

/* A burst passes, then nothing until time refills it. */
TEST(burst_then_rate)
{
	struct rl_bucket b = { 0 };

	CHECK_EQ(count(&b, 5 * MS, 200), 50);
	CHECK_EQ(count(&b, 5 * MS, 10), 0);
	CHECK_EQ(count(&b, 15 * MS, 200), 10); /* 10 ms at 1000/s */
	CHECK_EQ(count(&b, 10000 * MS, 200), 50); /* never past the burst */
}

/* Sustained: 1000 per second, whatever the offered rate. */
TEST(sustained_rate)
{
	struct rl_bucket b = { 0 };
	unsigned int ok = 0;

	for (uint64_t t = 0; t < 2000 * MS; t += MS / 10)
		ok += rl_allow(&b, t, 1000, 50);
	CHECK(ok >= 2000 && ok <= 2050 + 1);
}

/* A slow trickle below the rate always passes, fractions are kept. */
TEST(trickle_never_limited)
{
	struct rl_bucket b = { 0 };

	for (uint64_t t = 0; t < 3000 * MS; t += 3 * MS / 2)
		if (!rl_allow(&b, t, 1000, 1)) {
			TAP_FAIL("limited at %llu ns", (unsigned long long)t);
			break;
		}
}

/* A clock that steps back never adds tokens. */
TEST(clock_backwards)
{
	struct rl_bucket b = { 0 };

	CHECK_EQ(count(&b, 100 * MS, 60), 50);
	CHECK_EQ(count(&b, 1 * MS, 5), 0);
}

int main(void)
{
	return tap_run();
}
