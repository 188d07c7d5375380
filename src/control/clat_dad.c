// SPDX-License-Identifier: GPL-2.0-or-later
/* DAD of the CLAT address on the main loop: see clat_dad.h. */
#include "control/clat_dad.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

void clat_dad_params(const char *ifname, unsigned int *probes,
		     unsigned int *retrans_ms)
{
	*probes = 1;
	*retrans_ms = 1000;
	clat_if_dad_transmits(ifname, probes);
	clat_if_retrans_ms(ifname, retrans_ms);
}

static void arm(struct clat_dad *d, uint64_t ms)
{
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = (time_t)(ms / 1000);
	/* it_value 0 would disarm: at least 1 ns. */
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000 + 1;
	timerfd_settime(d->timer_fd, 0, &its, NULL);
}

static void begin(struct clat_dad *d, const struct in6_addr *addr,
		  uint64_t now_ms)
{
	uint8_t nonce[6];

	/* The nonce tells our own probes, looped back, from a duplicate's. */
	if (getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce))
		memset(nonce, 0xa5 ^ (uint8_t)d->tried, sizeof(nonce));
	d->tried++;
	ndp_dad_begin(&d->nd, addr, nonce, now_ms);
}

int clat_dad_start(struct clat_dad *d, struct clat_dp *dp,
		   const struct in6_addr *addr, unsigned int probes,
		   unsigned int max_tries, unsigned int retrans_ms)
{
	struct timespec ts;

	memset(d, 0, sizeof(*d));
	d->dp = dp;
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->timer_fd < 0)
		return -errno;
	ndp_dad_init(&d->nd, probes, max_tries, retrans_ms);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	begin(d, addr, (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
	return 0;
}

int clat_dad_timer_fd(const struct clat_dad *d)
{
	return d->timer_fd;
}

/* NS and NA the packet socket's filter let through (it passes those
 * whose target is the CLAT address). */
static void read_input(struct clat_dad *d)
{
	struct clat_dp *dp = d->dp;
	uint64_t x;
	int n;

	if (read(d->timer_fd, &x, sizeof(x)) < 0)
		x = 0;
	while ((n = clat_rx_batch(dp->pkt_fd, &dp->rx)) > 0) {
		for (int i = 0; i < n; i++) {
			struct ndp_msg m;
			size_t len;
			uint8_t *p = clat_rx_pkt(&dp->rx, (unsigned int)i, &len);

			if (!ndp_parse(p, len, &m))
				ndp_dad_input(&d->nd, &m);
		}
	}
}

enum clat_dad_result clat_dad_step(struct clat_dad *d, uint64_t now_ms)
{
	uint8_t ns[NDP_PKT_MAX];
	uint64_t wait = 0;
	size_t n;

	read_input(d);
	for (;;) {
		switch (ndp_dad_poll(&d->nd, now_ms, &wait)) {
		case NDP_DAD_WAIT:
			arm(d, wait);
			return CLAT_DAD_PENDING;
		case NDP_DAD_SEND_NS:
			n = ndp_build_dad_ns(ns, sizeof(ns), &d->nd.target,
					     d->nd.nonce);
			clat_dp_send6(d->dp, ns, n);
			continue;
		case NDP_DAD_NEW_ADDR:
			return CLAT_DAD_CONFLICT;
		case NDP_DAD_OK:
			return CLAT_DAD_OK;
		case NDP_DAD_GIVE_UP:
			return CLAT_DAD_GIVE_UP;
		}
	}
}

void clat_dad_next(struct clat_dad *d, const struct in6_addr *addr,
		   uint64_t now_ms)
{
	begin(d, addr, now_ms);
}

void clat_dad_stop(struct clat_dad *d)
{
	if (d->timer_fd >= 0)
		close(d->timer_fd);
	memset(d, 0, sizeof(*d));
	d->timer_fd = -1;
}
