/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A token bucket for the ICMP errors a translator originates.  RFC 4443
 * section 2.4 (f) asks every IPv6 node to limit the rate of the ICMPv6
 * errors it sends, RFC 1812 4.3.2.8 the same of IPv4 routers; the engine
 * has no clock, so the data path applies it to XLAT_REPLY verdicts.  One
 * bucket per worker thread: no sharing, no atomics.
 */
#ifndef XLAT_RATELIMIT_H
#define XLAT_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* The kernel's own default (net.ipv4.icmp_msgs_per_sec) and burst. */
#define RL_ICMP_RATE 1000
#define RL_ICMP_BURST 50

struct rl_bucket {
	uint64_t last_ns; /* when tokens were last added */
	uint32_t tokens;
	bool started;
};

/* Whether one more message may go at now_ns; takes its token if so. */
static inline bool rl_allow(struct rl_bucket *b, uint64_t now_ns,
			    uint32_t rate, uint32_t burst)
{
	uint64_t add;

	if (!b->started) {
		b->started = true;
		b->tokens = burst;
		b->last_ns = now_ns;
	}
	/* Whole tokens only, so slow trickles keep their fraction. */
	add = now_ns > b->last_ns ? (now_ns - b->last_ns) * rate / 1000000000u
				  : 0;
	if (add) {
		b->tokens = add >= burst || b->tokens + add >= burst ?
				    burst :
				    b->tokens + (uint32_t)add;
		b->last_ns += add * 1000000000u / rate;
	}
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}

#endif
