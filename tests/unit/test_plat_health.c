// SPDX-License-Identifier: GPL-2.0-or-later
/* plat_health: PLAT liveness from counters and probes, failover, hold-down. */
#define TAP_MAIN
#include "tap.h"

#include "control/plat_health.h"

#include <arpa/inet.h>

static struct xlat_prefix6 P[2];

static void setup(struct plat_health *h, bool probe)
{
	struct plat_health_cfg c;

	plat_health_cfg_default(&c);
	c.can_probe = probe;
	plat_health_init(h, &c);
	inet_pton(AF_INET6, "2001:db8:64::", &P[0].addr);
	inet_pton(AF_INET6, "2001:db8:65::", &P[1].addr);
	P[0].len = P[1].len = 96;
}

/* Feed one sample a second from t0 to t1 with out growing by dout a
 * second and in by din; returns whether any sample changed a state. */
static bool run(struct plat_health *h, uint64_t *out, uint64_t *in,
		uint64_t t0, uint64_t t1, unsigned int dout, unsigned int din)
{
	bool changed = false;

	for (uint64_t t = t0; t <= t1; t += 1000) {
		*out += dout;
		*in += din;
		changed |= plat_health_sample(h, *out, *in, t);
	}
	return changed;
}

TEST(answered_traffic_stays_alive)
{
	struct plat_health h;
	uint64_t out = 0, in = 0;

	setup(&h, false);
	CHECK_EQ(plat_health_choose(&h, P, 2, 0, NULL, 0), 0);
	CHECK(!run(&h, &out, &in, 1000, 60000, 10, 10));
	CHECK_EQ(plat_health_state(&h, &P[0]), PH_ALIVE);
	/* Idle (nothing sent) is never a dead PLAT either. */
	CHECK(!run(&h, &out, &in, 61000, 120000, 0, 0));
	CHECK_EQ(plat_health_choose(&h, P, 2, 120000, NULL, 0), 0);
}

TEST(passive_failover_and_back_without_probe)
{
	struct plat_health h;
	uint64_t out = 0, in = 0;
	char why[200];

	setup(&h, false);
	plat_health_choose(&h, P, 2, 0, NULL, 0);
	run(&h, &out, &in, 1000, 3000, 5, 5);
	/* Sent, nothing back: dead after 5 s (not before). */
	CHECK(!run(&h, &out, &in, 4000, 8000, 5, 0));
	CHECK(run(&h, &out, &in, 9000, 9000, 5, 0));
	CHECK_EQ(plat_health_state(&h, &P[0]), PH_DEAD);
	CHECK_EQ(plat_health_choose(&h, P, 2, 9000, why, sizeof(why)), 1);
	CHECK(strstr(why, "failed over from 2001:db8:64::/96") != NULL);
	CHECK_EQ(h.switches, 1);
	/* Without a probe, P0 is believed again after the hold-down... */
	CHECK(!plat_health_timeouts(&h, 38000));
	CHECK(plat_health_timeouts(&h, 39000));
	CHECK_EQ(plat_health_state(&h, &P[0]), PH_ALIVE);
	/* ...and taken back, 30 s after the last switch. */
	CHECK_EQ(plat_health_choose(&h, P, 2, 39000, NULL, 0), 0);
	CHECK_EQ(h.switches, 2);
}

TEST(probe_clears_one_way_traffic)
{
	struct plat_health h;
	struct xlat_prefix6 p;
	uint64_t out = 0, in = 0;

	setup(&h, true);
	plat_health_choose(&h, P, 2, 0, NULL, 0);
	CHECK(!plat_health_want_probe(&h, 0, &p));
	CHECK(run(&h, &out, &in, 1000, 6000, 5, 0)); /* suspect */
	CHECK_EQ(plat_health_state(&h, &P[0]), PH_SUSPECT);
	CHECK_EQ(plat_health_choose(&h, P, 2, 6000, NULL, 0), 0); /* not yet */
	REQUIRE(plat_health_want_probe(&h, 6000, &p));
	CHECK_MEM(&p, &P[0], sizeof(p));
	plat_health_probe_sent(&h, &p, 6000);
	CHECK(!plat_health_want_probe(&h, 6500, &p));
	CHECK(plat_health_probe_ok(&h, &P[0], 6100));
	CHECK_EQ(plat_health_state(&h, &P[0]), PH_ALIVE);
	CHECK_EQ(plat_health_choose(&h, P, 2, 6100, NULL, 0), 0);
}

TEST(probe_failover_holddown_and_back)
{
	struct plat_health h;
	struct xlat_prefix6 p;
	uint64_t out = 0, in = 0;

	setup(&h, true);
	plat_health_choose(&h, P, 2, 0, NULL, 0);
	run(&h, &out, &in, 1000, 6000, 5, 0);
	REQUIRE(plat_health_want_probe(&h, 6000, &p));
	plat_health_probe_sent(&h, &p, 6000);
	CHECK(!plat_health_timeouts(&h, 7999));
	CHECK(plat_health_timeouts(&h, 8000)); /* no answer: dead */
	CHECK_EQ(plat_health_choose(&h, P, 2, 8000, NULL, 0), 1);
	/* Dead P0 is probed again every 10 s; an answer 12 s after the
	 * switch does not switch back before the 30 s hold-down. */
	CHECK(!plat_health_want_probe(&h, 17999, &p));
	REQUIRE(plat_health_want_probe(&h, 18000, &p));
	plat_health_probe_sent(&h, &p, 18000);
	CHECK(plat_health_probe_ok(&h, &P[0], 20000));
	CHECK_EQ(plat_health_choose(&h, P, 2, 20000, NULL, 0), 1);
	CHECK_EQ(plat_health_choose(&h, P, 2, 37999, NULL, 0), 1);
	CHECK_EQ(plat_health_choose(&h, P, 2, 38000, NULL, 0), 0);
	CHECK_EQ(h.switches, 2);
}

TEST(single_prefix_dead_is_reported_and_kept)
{
	struct plat_health h;
	uint64_t out = 0, in = 0;
	char why[200];

	setup(&h, false);
	plat_health_choose(&h, P, 1, 0, NULL, 0);
	run(&h, &out, &in, 1000, 7000, 5, 0);
	CHECK_EQ(plat_health_state(&h, &P[0]), PH_DEAD);
	CHECK_EQ(plat_health_choose(&h, P, 1, 7000, why, sizeof(why)), 0);
	CHECK(strstr(why, "does not translate") != NULL);
	CHECK_EQ(h.switches, 0);
}

TEST(too_few_packets_are_no_evidence)
{
	struct plat_health h;
	uint64_t out = 0, in = 0;

	setup(&h, false);
	plat_health_choose(&h, P, 2, 0, NULL, 0);
	out = 1;
	plat_health_sample(&h, out, in, 1000);
	out = 2; /* two packets in 10 s, unanswered */
	CHECK(!plat_health_sample(&h, out, in, 11000));
	CHECK_EQ(plat_health_state(&h, &P[0]), PH_ALIVE);
}

TEST(withdrawn_prefix_is_left_at_once)
{
	struct plat_health h;

	setup(&h, false);
	CHECK_EQ(plat_health_choose(&h, P, 2, 0, NULL, 0), 0);
	/* P0 no longer a candidate: P1 now, whatever the hold-down. */
	CHECK_EQ(plat_health_choose(&h, P + 1, 1, 1000, NULL, 0), 0);
	CHECK_MEM(&h.in_use, &P[1], sizeof(P[1]));
}

int main(void)
{
	return tap_run();
}
