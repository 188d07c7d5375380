/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What xgen's files share: the options (bench/tools/xgen.c parses them),
 * the sender (send.c) and the sink (sink.c).
 */
#ifndef XGEN_H
#define XGEN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#define XGEN_MAGIC 0x5847454eu /* "XGEN" */
#define ETH_OVERHEAD 18        /* header 14 + FCS 4 (RFC 2544 frame size) */
#define MAX_BATCH 256
#define MAX_PKT 9000
#define MAX_SECONDS 600.0
#define MIN_PAYLOAD 12         /* magic + 64-bit sequence number */

struct opts {
	bool sink;
	const char *dst, *src, *raw_if, *dmac, *ready;
	uint16_t port, sport;
	double rate;           /* 0: as fast as possible */
	unsigned int ip_size;  /* IP packet bytes */
	uint64_t count;
	double seconds, idle;
	unsigned int batch;
	/* At a set rate, wait until this many are due and send them in one
	 * call: the sender then wakes once per burst, so its CPU per packet
	 * is the send path's, not the timer's (default 1: smooth). */
	unsigned int burst;
	int cpu;
	unsigned int hlim;
	int rcvbuf;
};

/* Set by SIGINT and SIGTERM: both modes stop and print what they have. */
extern volatile sig_atomic_t xgen_stop;

/* xgen.c: CLOCK_MONOTONIC in seconds; exit 2 with a message; CPU pinning
 * (cpu < 0: none). */
double xgen_now(void);
__attribute__((noreturn)) void xgen_die(const char *msg);
void xgen_pin(int cpu);

/* The two modes: print one JSON object on stdout, return the exit code. */
int xgen_send(const struct opts *o);
int xgen_sink(const struct opts *o);

#endif
