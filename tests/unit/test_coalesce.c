// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the wake-up moderation decision (src/datapath/coalesce.h). */
#define TAP_MAIN
#include "tap.h"

#include "datapath/coalesce.h"

#define US 1000ULL

/* Off: never the timer, whatever the traffic. */
TEST(window_zero_never_sleeps)
{
	struct coalesce c;

	coalesce_init(&c, 0);
	for (uint64_t t = 1; t < 100; t++)
		CHECK(!coalesce_after(&c, 32, t * US));
}

/* A ping: request and answer 100 us apart, then 10 ms of nothing, again
 * and again.  Every drain finds one packet; never the timer. */
TEST(ping_pairs_keep_latency)
{
	struct coalesce c;
	uint64_t t = 1000 * US;

	coalesce_init(&c, 200);
	for (int i = 0; i < 50; i++) {
		CHECK(!coalesce_after(&c, 1, t));
		CHECK(!coalesce_after(&c, 1, t + 100 * US));
		t += 10000 * US;
	}
}

/* A paced stream, one packet per 40 us (25 kpps): the fourth short gap
 * in a row switches to the timer, and timer drains keep it. */
TEST(stream_of_single_packets)
{
	struct coalesce c;
	uint64_t t = 1000 * US;
	int i;

	coalesce_init(&c, 200);
	CHECK(!coalesce_after(&c, 1, t));
	for (i = 1; i < COALESCE_STREAK; i++)
		CHECK(!coalesce_after(&c, 1, t + (uint64_t)i * 40 * US));
	CHECK(coalesce_after(&c, 1, t + (uint64_t)i * 40 * US));
	/* On the timer: drains are a window apart and find several. */
	t += (uint64_t)i * 40 * US;
	for (i = 1; i <= 10; i++)
		CHECK(coalesce_after(&c, 5, t + (uint64_t)i * 210 * US));
}

/* A drain that finds several packets soon after the last one is a
 * stream at once; a timer drain that finds one ends it, and so does one
 * that finds none. */
TEST(burst_then_quiet)
{
	struct coalesce c;

	coalesce_init(&c, 200);
	CHECK(!coalesce_after(&c, 8, 1000 * US)); /* a burst alone: poll */
	CHECK(coalesce_after(&c, 6, 1100 * US));  /* another, soon: stream */
	CHECK(coalesce_after(&c, 3, 1310 * US));  /* timer drain, several */
	CHECK(!coalesce_after(&c, 1, 1520 * US)); /* timer drain, one */
	CHECK(!coalesce_after(&c, 1, 50000 * US)); /* sparse again */
	CHECK(!coalesce_after(&c, 4, 60000 * US));
	CHECK(coalesce_after(&c, 4, 60050 * US));
	CHECK(!coalesce_after(&c, 0, 60260 * US)); /* timer drain, none */
	CHECK_EQ(c.streak, 0);
}

/* An application's bursts of 32, 1.28 ms apart (25 kpps): each is read
 * on a wake-up of its own and none is followed by a timer sleep, which
 * would find nothing and cost a second wake-up per burst. */
TEST(bursts_apart_stay_on_poll)
{
	struct coalesce c;

	coalesce_init(&c, 200);
	for (uint64_t i = 1; i < 100; i++)
		CHECK(!coalesce_after(&c, 32, i * 1280 * US));
}

/* Gaps just over the window do not build a streak. */
TEST(slow_stream_stays_on_poll)
{
	struct coalesce c;

	coalesce_init(&c, 200);
	for (uint64_t i = 1; i < 100; i++)
		CHECK(!coalesce_after(&c, 1, i * 201 * US));
}

/* The first drain ever has no predecessor: time 0 is not "just now". */
TEST(first_drain_is_not_a_gap)
{
	struct coalesce c;

	coalesce_init(&c, 200);
	CHECK(!coalesce_after(&c, 1, 50 * US));
	CHECK_EQ(c.streak, 0);
}

int main(void)
{
	return tap_run();
}
