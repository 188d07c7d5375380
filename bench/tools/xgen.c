// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xgen: paced UDP packet generator and counting sink for bench/run.sh.
 *
 *   xgen send --dst ADDR [--rate PPS|max] [--frame BYTES | --size BYTES]
 *             [--count N] [--seconds S] [--raw IFNAME --dmac MAC --src ADDR]
 *   xgen sink [--port P] [--seconds S] [--idle S] [--ready FILE]
 *
 * Sizes follow RFC 2544 / RFC 8219: a frame size counts the Ethernet
 * header (14) and the FCS (4), not the preamble+SFD (8) nor the
 * inter-frame gap (12).  So --frame 84 is a 66-byte IPv6/UDP packet with
 * 18 bytes of payload, which a SIIT turns into a 46-byte IPv4 packet, the
 * classic 64-byte IPv4 frame; --frame 1518 is a 1500-byte IP packet.
 *
 * Both modes print one JSON object on stdout.  The sender is always
 * bounded by --count and --seconds, whichever comes first.
 */
#include "xgen/xgen.h"

#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile sig_atomic_t xgen_stop;

static void on_signal(int sig)
{
	(void)sig;
	xgen_stop = 1;
}

double xgen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void xgen_die(const char *msg)
{
	fprintf(stderr, "xgen: %s\n", msg);
	exit(2);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xgen send --dst ADDR [--port P] [--sport P] [--src ADDR]\n"
		"                 [--rate PPS|max] [--frame BYTES|--size IPBYTES]\n"
		"                 [--count N] [--seconds S] [--batch N] [--burst N] [--cpu N]\n"
		"                 [--hlim N] [--raw IFNAME --dmac MAC]\n"
		"       xgen sink [--port P] [--seconds S] [--idle S] [--count N]\n"
		"                 [--cpu N] [--ready FILE] [--rcvbuf BYTES]\n");
	exit(2);
}

void xgen_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		xgen_die("sched_setaffinity failed");
}

enum {
	O_DST = 256, O_SRC, O_PORT, O_SPORT, O_RATE, O_FRAME, O_SIZE, O_COUNT,
	O_SECONDS, O_IDLE, O_BATCH, O_BURST, O_CPU, O_HLIM, O_RAW, O_DMAC, O_READY,
	O_RCVBUF,
};

static const struct option longopts[] = {
	{ "dst", required_argument, NULL, O_DST },
	{ "src", required_argument, NULL, O_SRC },
	{ "port", required_argument, NULL, O_PORT },
	{ "sport", required_argument, NULL, O_SPORT },
	{ "rate", required_argument, NULL, O_RATE },
	{ "frame", required_argument, NULL, O_FRAME },
	{ "size", required_argument, NULL, O_SIZE },
	{ "count", required_argument, NULL, O_COUNT },
	{ "seconds", required_argument, NULL, O_SECONDS },
	{ "idle", required_argument, NULL, O_IDLE },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "burst", required_argument, NULL, O_BURST },
	{ "cpu", required_argument, NULL, O_CPU },
	{ "hlim", required_argument, NULL, O_HLIM },
	{ "raw", required_argument, NULL, O_RAW },
	{ "dmac", required_argument, NULL, O_DMAC },
	{ "ready", required_argument, NULL, O_READY },
	{ "rcvbuf", required_argument, NULL, O_RCVBUF },
	{ NULL, 0, NULL, 0 },
};

static double num(const char *s, double lo, double hi, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "xgen: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void parse_one(struct opts *o, int c, const char *arg)
{
	switch (c) {
	case O_DST: o->dst = arg; break;
	case O_SRC: o->src = arg; break;
	case O_PORT: o->port = (uint16_t)num(arg, 1, 65535, "port"); break;
	case O_SPORT: o->sport = (uint16_t)num(arg, 1, 65535, "sport"); break;
	case O_RATE:
		o->rate = strcmp(arg, "max") ? num(arg, 1, 1e8, "rate") : 0;
		break;
	case O_FRAME:
		o->ip_size = (unsigned int)num(arg, 64, MAX_PKT, "frame") -
			     ETH_OVERHEAD;
		break;
	case O_SIZE: o->ip_size = (unsigned int)num(arg, 1, MAX_PKT, "size"); break;
	case O_COUNT: o->count = (uint64_t)num(arg, 1, 1e12, "count"); break;
	case O_SECONDS: o->seconds = num(arg, 0.01, MAX_SECONDS, "seconds"); break;
	case O_IDLE: o->idle = num(arg, 0.01, MAX_SECONDS, "idle"); break;
	case O_BATCH:
		o->batch = (unsigned int)num(arg, 1, MAX_BATCH, "batch");
		break;
	case O_BURST:
		o->burst = (unsigned int)num(arg, 1, MAX_BATCH, "burst");
		break;
	case O_CPU: o->cpu = (int)num(arg, 0, CPU_SETSIZE - 1, "cpu"); break;
	case O_HLIM: o->hlim = (unsigned int)num(arg, 1, 255, "hlim"); break;
	case O_RAW: o->raw_if = arg; break;
	case O_DMAC: o->dmac = arg; break;
	case O_READY: o->ready = arg; break;
	case O_RCVBUF: o->rcvbuf = (int)num(arg, 4096, 1 << 30, "rcvbuf"); break;
	default: usage();
	}
}

static void parse(struct opts *o, int argc, char **argv)
{
	int c;

	*o = (struct opts){ .port = 9000, .sport = 9001, .ip_size = 84 - ETH_OVERHEAD,
			    .count = 10000000, .seconds = 10, .idle = 0,
			    .batch = 32, .burst = 1, .cpu = -1, .hlim = 64,
			    .rcvbuf = 64 << 20 };
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "sink"))
		o->sink = true;
	else if (strcmp(argv[1], "send"))
		usage();
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		parse_one(o, c, optarg);
	if (optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sigaction sa = { .sa_handler = on_signal };

	parse(&o, argc, argv);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	return o.sink ? xgen_sink(&o) : xgen_send(&o);
}
