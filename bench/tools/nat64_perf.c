// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nat64_perf: the RFC 6146 tables alone, on one CPU, without I/O:
 * session set-up rate, the per-packet cost on existing sessions both ways,
 * expiry, and the memory of N sessions (resident, measured).
 *
 *   nat64_perf [SESSIONS]        default 1000000
 *
 * N UDP flows from N / 64 IPv6 hosts (64 source ports each) to one IPv4
 * server, pool4 192.0.2.0/24 with every port.  Prints one JSON object.
 * Each packet is built before it is translated (the translation rewrites
 * it in place); a loop that only builds them is timed too and its cost
 * taken off the ns_per_* figures.
 */
#include "checksum.h"
#include "pkt.h"
#include "rfc6146.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* IPv6 UDP from host h, port p to the server, built in place. */
static size_t pkt6(uint8_t *b, uint32_t h, uint16_t p)
{
	char src[64];

	snprintf(src, sizeof(src), "2001:db8:1::%x:%x", h >> 16, h & 0xffff);
	return pkt_udp6(b, src, "2001:db8:64::cb00:710a", p, 53, "perf", 4);
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	static uint8_t obuf[XLAT_OUT_MIN], pk[256];
	struct xlat_out out = { .buf = obuf, .cap = sizeof(obuf) };
	uint16_t *p4 = malloc(n * sizeof(*p4));
	uint32_t *a4 = malloc(n * sizeof(*a4));
	struct nat64_cfg cfg;
	struct nat64 *nat;
	size_t msz, len;
	double t0, t_setup, t_6to4, t_4to6, t_exp, b6, b4;
	long rss0, rss1;
	uint32_t ok = 0, ok6 = 0, ok4 = 0;
	void *mem;

	if (!n || !p4 || !a4)
		return 2;
	nat64_cfg_init(&cfg);
	cfg.xlat.has_pool6 = true;
	cfg.xlat.pool6.addr = pkt_a6("2001:db8:64::");
	cfg.xlat.pool6.len = 96;
	cfg.max_sessions = n;
	cfg.key[0] = 0x1234;
	cfg.key[1] = 0x5678;
	for (int p = 0; p < NAT64_PROTO__COUNT; p++) {
		cfg.pool4[p].proto = (enum nat64_proto)p;
		cfg.pool4[p].pfx.addr = pkt_a4("192.0.2.0");
		cfg.pool4[p].pfx.len = 24;
		cfg.pool4[p].lo = 1024;
		cfg.pool4[p].hi = 65535;
	}
	cfg.n_pool4 = NAT64_PROTO__COUNT;
	msz = nat64_mem_size(&cfg);
	mem = malloc(msz);
	rss0 = rss_kib();
	nat = mem ? nat64_init(mem, msz, &cfg) : NULL;
	if (!nat)
		return 1;

	t0 = now_s();
	for (uint32_t i = 0; i < n; i++)
		len = pkt6(pk, i / 64, (uint16_t)(10000 + i % 64));
	b6 = now_s() - t0;
	t0 = now_s();
	for (uint32_t i = 0; i < n; i++) {
		len = pkt6(pk, i / 64, (uint16_t)(10000 + i % 64));
		if (nat64_6to4(nat, pk, len, &out, 1) != XLAT_OUT)
			continue;
		memcpy(&a4[i], obuf + out.pkt[0].off + 12, 4);
		p4[i] = get16(obuf + out.pkt[0].off + 20);
		ok++;
	}
	t_setup = now_s() - t0;
	rss1 = rss_kib();

	/* Existing sessions: the same packets again (rebuilt, as the
	 * translation rewrites them in place). */
	t0 = now_s();
	for (uint32_t i = 0; i < n; i++) {
		len = pkt6(pk, i / 64, (uint16_t)(10000 + i % 64));
		ok6 += nat64_6to4(nat, pk, len, &out, 2) == XLAT_OUT;
	}
	t_6to4 = now_s() - t0;
	t0 = now_s();
	for (uint32_t i = 0; i < n; i++) {
		char d[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a4[i], d, sizeof(d));
		len = pkt_udp4(pk, "203.0.113.10", d, 53, p4[i], "perf", 4);
		ok4 += nat64_4to6(nat, pk, len, &out, 3) == XLAT_OUT;
	}
	t_4to6 = now_s() - t0;
	t0 = now_s();
	for (uint32_t i = 0; i < n; i++) {
		char d[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a4[i], d, sizeof(d));
		len = pkt_udp4(pk, "203.0.113.10", d, 53, p4[i], "perf", 4);
	}
	b4 = now_s() - t0;
	t_setup -= b6;
	t_6to4 -= b6;
	t_4to6 -= b4;
	t0 = now_s();
	nat64_expire(nat, 24ull * 3600 * 1000, UINT32_MAX);
	t_exp = now_s() - t0;

	printf("{\"sessions\":%u,\"created\":%u,\"setup_per_s\":%.0f,"
	       "\"ns_per_setup\":%.0f,\"ns_per_6to4\":%.0f,\"ns_per_4to6\":%.0f,"
	       "\"ok_6to4\":%u,\"ok_4to6\":%u,\"ns_per_expiry\":%.0f,"
	       "\"table_bytes\":%zu,\"bytes_per_session\":%.0f,"
	       "\"rss_growth_kib\":%ld,\"left\":%u}\n",
	       n, ok, ok / t_setup, t_setup * 1e9 / n, t_6to4 * 1e9 / n,
	       t_4to6 * 1e9 / n, ok6, ok4, t_exp * 1e9 / n, msz,
	       (double)msz / n, rss1 - rss0, nat64_sessions(nat));
	free(mem);
	free(p4);
	free(a4);
	return ok == n && ok6 == n && ok4 == n ? 0 : 1;
}
