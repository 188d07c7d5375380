// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xgen sink: counts what arrives on a UDP port (bad, reordered, the
 * kernel's receive buffer and checksum drops) until --seconds, --count
 * or --idle.
 */
#include "xgen.h"

#include "checksum.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sum of the named counters of /proc/net/snmp{,6} ("Udp: ... RcvbufErrors"
 * and "Udp6RcvbufErrors"), in the sink's own network namespace. */
static uint64_t snmp_get(const char *v4name, const char *v6name)
{
	char line[4096], hdr[4096];
	uint64_t total = 0;
	FILE *f = fopen("/proc/net/snmp", "r");

	while (f && fgets(hdr, sizeof(hdr), f) && fgets(line, sizeof(line), f)) {
		char *hs, *vs, *h, *v;

		if (strncmp(hdr, "Udp:", 4))
			continue;
		h = strtok_r(hdr, " \n", &hs);
		v = strtok_r(line, " \n", &vs);
		while (h && v) {
			if (!strcmp(h, v4name))
				total += strtoull(v, NULL, 10);
			h = strtok_r(NULL, " \n", &hs);
			v = strtok_r(NULL, " \n", &vs);
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/net/snmp6", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char name[128];
		unsigned long long val;

		if (sscanf(line, "%127s %llu", name, &val) == 2 &&
		    !strcmp(name, v6name))
			total += val;
	}
	if (f)
		fclose(f);
	return total;
}

struct sink_stats {
	uint64_t pkts, bytes, bad, reordered, max_seq;
	double first, last;
};

static void account(struct sink_stats *st, const uint8_t *p, size_t len,
		    double t)
{
	uint64_t seq;

	if (len < MIN_PAYLOAD || get32(p) != XGEN_MAGIC) {
		st->bad++;
		return;
	}
	seq = (uint64_t)get32(p + 4) << 32 | get32(p + 8);
	if (st->pkts && seq < st->max_seq)
		st->reordered++;
	if (seq > st->max_seq)
		st->max_seq = seq;
	if (!st->pkts)
		st->first = t;
	st->last = t;
	st->pkts++;
	st->bytes += len;
}

static int open_sink(const struct opts *o)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(o->port),
				  .sin6_addr = IN6ADDR_ANY_INIT };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 50000 };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), v = 0;

	if (fd < 0)
		xgen_die("socket failed");
	/* One socket for both families: SIIT rows deliver IPv4. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &o->rcvbuf, sizeof(o->rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		xgen_die("bind failed");
	return fd;
}

static void ready(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		xgen_die("cannot create --ready file");
	close(fd);
}

int xgen_sink(const struct opts *o)
{
	static uint8_t bufs[MAX_BATCH][MAX_PKT];
	static struct iovec iov[MAX_BATCH];
	static struct mmsghdr msg[MAX_BATCH];
	struct sink_stats st = { 0 };
	uint64_t rcvbuf0, csum0;
	double t0, deadline;
	int fd;

	xgen_pin(o->cpu);
	fd = open_sink(o);
	for (int i = 0; i < MAX_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = MAX_PKT };
		msg[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i],
						  .msg_iovlen = 1 };
	}
	rcvbuf0 = snmp_get("RcvbufErrors", "Udp6RcvbufErrors");
	csum0 = snmp_get("InCsumErrors", "Udp6InCsumErrors");
	t0 = xgen_now();
	deadline = t0 + o->seconds;
	ready(o->ready);
	while (!xgen_stop) {
		int n = recvmmsg(fd, msg, MAX_BATCH, MSG_WAITFORONE, NULL);
		double t = xgen_now();

		for (int i = 0; i < n; i++)
			account(&st, bufs[i], msg[i].msg_len, t);
		if (t >= deadline || st.pkts >= o->count)
			break;
		if (o->idle > 0 && st.pkts && t - st.last >= o->idle)
			break;
	}
	printf("{\"mode\":\"sink\",\"packets\":%llu,\"payload_bytes\":%llu,"
	       "\"bad\":%llu,\"reordered\":%llu,\"first_to_last\":%.6f,"
	       "\"rcvbuf_errors\":%llu,\"csum_errors\":%llu}\n",
	       (unsigned long long)st.pkts, (unsigned long long)st.bytes,
	       (unsigned long long)st.bad, (unsigned long long)st.reordered,
	       st.pkts ? st.last - st.first : 0.0,
	       (unsigned long long)(snmp_get("RcvbufErrors",
					     "Udp6RcvbufErrors") - rcvbuf0),
	       (unsigned long long)(snmp_get("InCsumErrors",
					     "Udp6InCsumErrors") - csum0));
	close(fd);
	return 0;
}
