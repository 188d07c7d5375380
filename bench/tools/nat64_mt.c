// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nat64_mt: the RFC 6146 tables under several threads, without I/O: the
 * packet rate on existing sessions (a 6->4 packet and its 4->6 answer)
 * with THREADS workers, each on its own hosts, two ways:
 *   sharded  the tables' own locks (rfc6146_lock.c), as xlatd runs them;
 *   onelock  one mutex around every call, as xlatd's nat64 instance did
 *            before the tables locked themselves.
 *
 *   nat64_mt [SESSIONS [THREADS [SECONDS]]]   default 65536 2 2
 *
 * Prints one JSON object per mode.  The packets are built before the
 * timing; each is copied into the worker's buffer before it is
 * translated (the translation rewrites it), a cost both modes share.
 * Needs as many free CPUs as THREADS to say anything.
 */
#include "checksum.h"
#include "pkt.h"
#include "rfc6146.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PKT 64 /* bytes per prebuilt packet: 52 (UDP/IPv6 + 4) fits */

static struct nat64 *nat;
static uint8_t *p6, *p4;     /* prebuilt packets, PKT bytes each */
static uint8_t *l6, *l4;     /* their lengths */
static uint32_t n_sess;
static unsigned int n_thr;
static double secs;
static bool one_lock;
static pthread_mutex_t big = PTHREAD_MUTEX_INITIALIZER;

struct worker {
	pthread_t tid;
	unsigned int id;
	uint64_t pkts, bad;
	uint8_t buf[PKT];
	uint8_t *obuf;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum xlat_verdict one(struct worker *w, bool v6, uint32_t i,
			     struct xlat_out *o)
{
	enum xlat_verdict v;

	memcpy(w->buf, (v6 ? p6 : p4) + (size_t)i * PKT, PKT);
	o->n = 0;
	if (one_lock)
		pthread_mutex_lock(&big);
	v = v6 ? nat64_6to4(nat, w->buf, (v6 ? l6 : l4)[i], o, 2)
	       : nat64_4to6(nat, w->buf, (v6 ? l6 : l4)[i], o, 2);
	if (one_lock)
		pthread_mutex_unlock(&big);
	return v;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct xlat_out o = { .buf = w->obuf, .cap = XLAT_OUT_MIN };
	uint32_t lo = n_sess / n_thr * w->id, hi = lo + n_sess / n_thr, i = lo;
	double end = now_s() + secs;

	for (;;) {
		for (unsigned int k = 0; k < 1024; k++) {
			w->bad += one(w, true, i, &o) != XLAT_OUT;
			w->bad += one(w, false, i, &o) != XLAT_OUT;
			w->pkts += 2;
			if (++i == hi)
				i = lo;
		}
		if (now_s() >= end)
			return NULL;
	}
}

static void run(const char *mode)
{
	struct worker *w = calloc(n_thr, sizeof(*w));
	uint64_t pkts = 0, bad = 0;
	double t0;

	if (!w)
		exit(2);
	one_lock = !strcmp(mode, "onelock");
	t0 = now_s();
	for (unsigned int i = 0; i < n_thr; i++) {
		w[i].id = i;
		w[i].obuf = malloc(XLAT_OUT_MIN);
		if (!w[i].obuf)
			exit(2);
		pthread_create(&w[i].tid, NULL, work, &w[i]);
	}
	for (unsigned int i = 0; i < n_thr; i++) {
		pthread_join(w[i].tid, NULL);
		pkts += w[i].pkts;
		bad += w[i].bad;
		free(w[i].obuf);
	}
	t0 = now_s() - t0;
	printf("{\"mode\":\"%s\",\"threads\":%u,\"sessions\":%u,\"seconds\":%.2f,"
	       "\"mpps\":%.3f,\"ns_per_packet_per_thread\":%.0f,\"failed\":%llu}\n",
	       mode, n_thr, n_sess, t0, pkts / t0 / 1e6,
	       t0 * 1e9 * n_thr / (double)pkts, (unsigned long long)bad);
	free(w);
}

/* The sessions (64 ports of each of n / 64 hosts) and their packets. */
static int setup(void)
{
	static uint8_t obuf[XLAT_OUT_MIN];
	struct xlat_out o = { .buf = obuf, .cap = sizeof(obuf) };
	struct nat64_cfg cfg;
	size_t msz;

	nat64_cfg_init(&cfg);
	cfg.xlat.has_pool6 = true;
	cfg.xlat.pool6.addr = pkt_a6("2001:db8:64::");
	cfg.xlat.pool6.len = 96;
	cfg.max_sessions = n_sess;
	cfg.key[0] = 0x1234;
	cfg.key[1] = 0x5678;
	cfg.pool4[0].proto = NAT64_UDP;
	cfg.pool4[0].pfx.addr = pkt_a4("192.0.2.0");
	cfg.pool4[0].pfx.len = 24;
	cfg.pool4[0].lo = 1024;
	cfg.pool4[0].hi = 65535;
	cfg.n_pool4 = 1;
	msz = nat64_mem_size(&cfg);
	nat = aligned_alloc(64, (msz + 63) & ~(size_t)63);
	p6 = malloc((size_t)n_sess * PKT);
	p4 = malloc((size_t)n_sess * PKT);
	l6 = malloc(n_sess);
	l4 = malloc(n_sess);
	if (!nat || !p6 || !p4 || !l6 || !l4 || !nat64_init(nat, msz, &cfg))
		return -1;
	for (uint32_t i = 0; i < n_sess; i++) {
		uint8_t tmp[PKT];
		char src[64], d[INET_ADDRSTRLEN];
		uint16_t sp = (uint16_t)(10000 + i % 64);

		snprintf(src, sizeof(src), "2001:db8:1::%x:%x", (i / 64) >> 16,
			 (i / 64) & 0xffff);
		l6[i] = (uint8_t)pkt_udp6(p6 + (size_t)i * PKT, src,
					  "2001:db8:64::cb00:710a", sp, 53,
					  "perf", 4);
		memcpy(tmp, p6 + (size_t)i * PKT, PKT);
		if (nat64_6to4(nat, tmp, l6[i], &o, 1) != XLAT_OUT)
			return -1;
		inet_ntop(AF_INET, xlat_out_data(&o, 0) + 16 - 4, d, sizeof(d));
		l4[i] = (uint8_t)pkt_udp4(p4 + (size_t)i * PKT, "203.0.113.10",
					  d, 53, get16(xlat_out_data(&o, 0) + 20),
					  "perf", 4);
	}
	return 0;
}

int main(int argc, char **argv)
{
	n_sess = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 65536;
	n_thr = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 2;
	secs = argc > 3 ? strtod(argv[3], NULL) : 2;
	if (n_sess < 64 || !n_thr || n_thr > 64 || secs <= 0)
		return 2;
	if (setup()) {
		fprintf(stderr, "nat64_mt: set-up failed\n");
		return 1;
	}
	run("onelock");
	run("sharded");
	free(nat);
	return 0;
}
