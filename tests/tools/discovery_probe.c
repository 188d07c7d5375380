// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * discovery_probe: run NAT64 prefix discovery (src/control/discovery.h)
 * on one interface for a bounded time and print one line per event, for
 * tests/integ/discovery.sh:
 *
 *	T EVENT SOURCE PREFIX/LEN expires=E
 *
 * T and E are seconds since the start (E is "never" for a static prefix
 * and "-" after a withdrawal/expiry).  "T ready" comes first, once the
 * netlink listener is subscribed and the Router Solicitation is sent.
 *
 *	discovery_probe --iface IF [--seconds N] [--no-dns] [--no-ra]
 *			[--dns-delay MS] [--static P/LEN] [--resolv FILE]
 */
#include "control/discovery.h"
#include "xlat_cfg.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static uint64_t t0;

static void stamp(char *buf, size_t len, uint64_t t)
{
	if (t == DISC_NEVER)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%.3f", (double)(int64_t)(t - t0) / 1000.0);
}

static void on_event(void *arg, enum discovery_event ev,
		     const struct discovery_state *cur,
		     const struct discovery_state *old)
{
	const struct discovery_state *s = cur->source != DISC_SRC_NONE ? cur : old;
	char a[INET6_ADDRSTRLEN], now[32], exp[32];

	(void)arg;
	inet_ntop(AF_INET6, &s->prefix.addr, a, sizeof(a));
	stamp(now, sizeof(now), discovery_now());
	if (cur->source != DISC_SRC_NONE)
		stamp(exp, sizeof(exp), cur->expires);
	else
		snprintf(exp, sizeof(exp), "-");
	printf("%s %s %s %s/%u expires=%s\n", now, discovery_event_name(ev),
	       discovery_source_name(s->source), a, s->prefix.len, exp);
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: discovery_probe --iface IF [--seconds N] [--no-dns]"
		" [--no-ra] [--dns-delay MS] [--static P/LEN] [--resolv FILE]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct discovery_cfg *cfg, long *secs)
{
	static const struct option lo[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "seconds", required_argument, NULL, 's' },
		{ "no-dns", no_argument, NULL, 'D' },
		{ "no-ra", no_argument, NULL, 'R' },
		{ "dns-delay", required_argument, NULL, 'd' },
		{ "static", required_argument, NULL, 'p' },
		{ "resolv", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ifindex = 0;

	discovery_cfg_init(cfg, 0);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			ifindex = (int)if_nametoindex(optarg);
			if (!ifindex) {
				fprintf(stderr, "discovery_probe: no interface %s\n", optarg);
				exit(1);
			}
			break;
		case 's':
			*secs = atol(optarg);
			break;
		case 'D':
			cfg->no_dns = true;
			break;
		case 'R':
			cfg->no_ra = true;
			break;
		case 'd':
			cfg->dns_delay_ms = (unsigned int)atol(optarg);
			break;
		case 'p':
			if (xlat_prefix6_parse(optarg, &cfg->static_prefix))
				usage();
			cfg->has_static = true;
			break;
		case 'r':
			cfg->resolv_conf = optarg;
			break;
		default:
			usage();
		}
	}
	if (!ifindex || *secs < 1 || *secs > 600 || optind != argc)
		usage();
	cfg->ifindex = ifindex;
}

int main(int argc, char **argv)
{
	struct discovery_cfg cfg;
	struct discovery d;
	long secs = 10;
	uint64_t end;
	int ep, err;
	struct epoll_event ev = { .events = EPOLLIN };

	parse(argc, argv, &cfg, &secs);
	cfg.cb = on_event;
	t0 = discovery_now();
	end = t0 + (uint64_t)secs * 1000;
	discovery_init(&d, &cfg, t0);
	err = discovery_start(&d, t0);
	if (err) {
		fprintf(stderr, "discovery_probe: start: %s\n", strerror(-err));
		return 1;
	}
	if (d.rs_err)
		fprintf(stderr, "discovery_probe: RS: %s\n", strerror(-d.rs_err));
	printf("0.000 ready\n");
	fflush(stdout);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, discovery_fd(&d), &ev)) {
		perror("discovery_probe: epoll");
		return 1;
	}
	for (;;) {
		uint64_t now = discovery_now(), dl = discovery_next_deadline(&d);
		int64_t wait;

		if (now >= end)
			break;
		if (dl > end)
			dl = end;
		wait = dl > now ? (int64_t)(dl - now) : 0;
		epoll_wait(ep, &ev, 1, (int)wait);
		discovery_process(&d, discovery_now());
	}
	discovery_close(&d);
	close(ep);
	return 0;
}
