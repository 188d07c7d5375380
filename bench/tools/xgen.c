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
#include "checksum.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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
	int cpu;
	unsigned int hlim;
	int rcvbuf;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
		       EINTR &&
	       !stop)
		;
}

static void die(const char *msg)
{
	fprintf(stderr, "xgen: %s\n", msg);
	exit(2);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xgen send --dst ADDR [--port P] [--sport P] [--src ADDR]\n"
		"                 [--rate PPS|max] [--frame BYTES|--size IPBYTES]\n"
		"                 [--count N] [--seconds S] [--batch N] [--cpu N]\n"
		"                 [--hlim N] [--raw IFNAME --dmac MAC]\n"
		"       xgen sink [--port P] [--seconds S] [--idle S] [--count N]\n"
		"                 [--cpu N] [--ready FILE] [--rcvbuf BYTES]\n");
	exit(2);
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity failed");
}

enum {
	O_DST = 256, O_SRC, O_PORT, O_SPORT, O_RATE, O_FRAME, O_SIZE, O_COUNT,
	O_SECONDS, O_IDLE, O_BATCH, O_CPU, O_HLIM, O_RAW, O_DMAC, O_READY,
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
			    .batch = 32, .cpu = -1, .hlim = 64,
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

/* ---- sender ---- */

struct target {
	int family;
	struct sockaddr_storage dst, src;
	socklen_t len;
	bool has_src;
};

static bool parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss,
		       socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return true;
	}
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return true;
	}
	return false;
}

static unsigned int hdr_len(int family)
{
	return (family == AF_INET6 ? 40 : 20) + 8;
}

static void fill_payload(uint8_t *p, uint64_t seq)
{
	put32(p, XGEN_MAGIC);
	put32(p + 4, (uint32_t)(seq >> 32));
	put32(p + 8, (uint32_t)seq);
}

struct sender {
	int fd;
	bool raw;
	size_t len;                 /* bytes handed to the socket per packet */
	size_t payload_off;         /* offset of the xgen payload in buf */
	size_t csum_off;            /* raw: offset of the UDP checksum */
	uint16_t csum0;             /* raw: UDP checksum with seq 0 */
	uint8_t buf[MAX_BATCH][MAX_PKT + 14];
	struct iovec iov[MAX_BATCH];
	struct mmsghdr msg[MAX_BATCH];
	struct sockaddr_ll ll;
};

static int open_udp(const struct opts *o, const struct target *t)
{
	int fd = socket(t->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int v = 8 << 20;

	if (fd < 0)
		die("socket failed");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v));
	v = (int)o->hlim;
	if (t->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v));
	else
		setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v));
	if (t->has_src && bind(fd, (const struct sockaddr *)&t->src, t->len) < 0)
		die("bind to --src failed");
	if (connect(fd, (const struct sockaddr *)&t->dst, t->len) < 0)
		die("connect failed");
	return fd;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

/* Build the Ethernet + IP + UDP template of a raw (AF_PACKET) sender. */
static void build_raw(struct sender *s, const struct opts *o,
		      const struct target *t, const uint8_t smac[6])
{
	uint8_t *f = s->buf[0];
	uint8_t zero[MAX_PKT] = { 0 };
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t plen = o->ip_size - hdr_len(t->family), n;

	if (!parse_mac(o->dmac, f))
		die("bad --dmac");
	memcpy(f + 6, smac, 6);
	put16(f + 12, t->family == AF_INET6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP);
	if (t->family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&t->src)->sin6_addr,
			  src, sizeof(src));
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&t->dst)->sin6_addr,
			  dst, sizeof(dst));
		n = pkt_udp6(f + 14, src, dst, o->sport, o->port, zero, plen);
		f[14 + 7] = (uint8_t)o->hlim;
		s->csum_off = 14 + 40 + 6;
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&t->src)->sin_addr,
			  src, sizeof(src));
		inet_ntop(AF_INET, &((struct sockaddr_in *)&t->dst)->sin_addr,
			  dst, sizeof(dst));
		n = pkt_udp4(f + 14, src, dst, o->sport, o->port, zero, plen);
		f[14 + 8] = (uint8_t)o->hlim;
		f[14 + 6] |= 0x40; /* DF, so nothing on the path fragments */
		put16(f + 14 + 10, 0);
		put16(f + 14 + 10, ip4_header_csum(f + 14, 20));
		s->csum_off = 14 + 20 + 6;
	}
	s->len = 14 + n;
	s->payload_off = s->len - plen;
	fill_payload(f + s->payload_off, 0);
	/* Magic in, sequence 0: recompute once, then update incrementally. */
	put16(f + s->csum_off, 0);
	if (t->family == AF_INET6)
		pkt_fix_l4_csum6(f + 14, n);
	else
		pkt_fix_l4_csum4(f + 14, n);
	s->csum0 = get16(f + s->csum_off);
	for (int i = 1; i < MAX_BATCH; i++)
		memcpy(s->buf[i], f, s->len);
}

static int open_raw(struct sender *s, const struct opts *o,
		    const struct target *t)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	int v = 1;

	if (fd < 0)
		die("AF_PACKET socket failed");
	if (!o->dmac || !t->has_src)
		die("--raw needs --dmac and --src");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->raw_if);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR failed");
	/* Skip the qdisc: veth has none anyway, and it saves a lock. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &v, sizeof(v));
	v = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v));
	s->ll = (struct sockaddr_ll){ .sll_family = AF_PACKET,
				      .sll_ifindex = (int)if_nametoindex(o->raw_if),
				      .sll_halen = 6 };
	if (!s->ll.sll_ifindex)
		die("no such --raw interface");
	build_raw(s, o, t, (const uint8_t *)ifr.ifr_hwaddr.sa_data);
	memcpy(s->ll.sll_addr, s->buf[0], 6);
	return fd;
}

static void stamp(struct sender *s, unsigned int i, uint64_t seq)
{
	uint8_t *p = s->buf[i] + s->payload_off;
	uint32_t sum;
	uint16_t c;

	put32(p + 4, (uint32_t)(seq >> 32));
	put32(p + 8, (uint32_t)seq);
	if (!s->raw)
		return;
	/* RFC 1624: the template summed with seq 0, so just add seq words. */
	sum = (uint16_t)~s->csum0;
	sum += get16(p + 4) + get16(p + 6) + get16(p + 8) + get16(p + 10);
	c = csum_finish(sum);
	put16(s->buf[i] + s->csum_off, c ? c : 0xffff);
}

static void setup_msgs(struct sender *s)
{
	for (int i = 0; i < MAX_BATCH; i++) {
		s->iov[i].iov_base = s->buf[i] + (s->raw ? 0 : s->payload_off);
		s->iov[i].iov_len = s->raw ? s->len : s->len - s->payload_off;
		s->msg[i].msg_hdr = (struct msghdr){
			.msg_iov = &s->iov[i], .msg_iovlen = 1,
			.msg_name = s->raw ? &s->ll : NULL,
			.msg_namelen = s->raw ? sizeof(s->ll) : 0,
		};
	}
}

struct send_stats {
	uint64_t sent, errors, seq;
	int last_errno;
};

static void send_batch(struct sender *s, unsigned int n, struct send_stats *st)
{
	unsigned int done = 0;

	for (unsigned int i = 0; i < n; i++)
		stamp(s, i, st->seq + i);
	st->seq += n;
	while (done < n && !stop) {
		/* Never block: --seconds must hold even if the socket fills. */
		int r = sendmmsg(s->fd, s->msg + done, n - done, MSG_DONTWAIT);

		if (r > 0) {
			done += (unsigned int)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		/* ENOBUFS, EAGAIN, ECONNREFUSED: this packet is lost; go on. */
		st->errors++;
		st->last_errno = errno;
		done++;
	}
}

static int run_send(const struct opts *o)
{
	static struct sender s;
	struct target t = { 0 };
	struct send_stats st = { 0 };
	struct rusage ru;
	double t0, t1, deadline;

	if (!o->dst || !parse_addr(o->dst, o->port, &t.dst, &t.len))
		die("--dst must be an IPv4 or IPv6 address");
	t.family = t.dst.ss_family;
	if (o->src) {
		socklen_t l;

		if (!parse_addr(o->src, o->sport, &t.src, &l) ||
		    t.src.ss_family != t.family)
			die("--src must be an address of the --dst family");
		t.has_src = true;
	}
	if (o->ip_size < hdr_len(t.family) + MIN_PAYLOAD)
		die("packet too small for the xgen payload");
	pin(o->cpu);
	prctl(PR_SET_TIMERSLACK, 1UL);
	s.raw = o->raw_if != NULL;
	if (s.raw) {
		s.fd = open_raw(&s, o, &t);
	} else {
		s.fd = open_udp(o, &t);
		s.len = o->ip_size;
		s.payload_off = hdr_len(t.family);
		fill_payload(s.buf[0] + s.payload_off, 0);
		for (int i = 1; i < MAX_BATCH; i++)
			memcpy(s.buf[i], s.buf[0], s.len);
	}
	setup_msgs(&s);

	t0 = now();
	deadline = t0 + o->seconds;
	for (;;) {
		uint64_t left = o->count - st.seq, due;
		double tn = now();

		if (stop || !left || tn >= deadline)
			break;
		due = o->batch;
		if (o->rate > 0) {
			uint64_t should = (uint64_t)((tn - t0) * o->rate);

			due = should > st.seq ? should - st.seq : 0;
			if (!due) {
				sleep_until(t0 + (double)(st.seq + 1) / o->rate);
				continue;
			}
			if (due > o->batch)
				due = o->batch;
		}
		if (due > left)
			due = left;
		send_batch(&s, (unsigned int)due, &st);
	}
	t1 = now();
	st.sent = st.seq - st.errors;
	/* The sender's own CPU, user and kernel: on a host that translates
	 * in its output path (a CLAT's egress program), the cost of the
	 * translation is in here. */
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"mode\":\"send\",\"family\":%d,\"transport\":\"%s\","
	       "\"ip_bytes\":%u,\"frame_bytes\":%u,\"target_pps\":%.0f,"
	       "\"sent\":%llu,\"errors\":%llu,\"last_errno\":%d,"
	       "\"seconds\":%.6f,\"pps\":%.1f,\"cpu_us\":%.0f}\n",
	       t.family == AF_INET6 ? 6 : 4, s.raw ? "raw" : "udp", o->ip_size,
	       o->ip_size + ETH_OVERHEAD, o->rate, (unsigned long long)st.sent,
	       (unsigned long long)st.errors, st.last_errno, t1 - t0,
	       (double)st.sent / (t1 - t0),
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
	close(s.fd);
	return 0;
}

/* ---- sink ---- */

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
		die("socket failed");
	/* One socket for both families: SIIT rows deliver IPv4. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &o->rcvbuf, sizeof(o->rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind failed");
	return fd;
}

static void ready(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("cannot create --ready file");
	close(fd);
}

static int run_sink(const struct opts *o)
{
	static uint8_t bufs[MAX_BATCH][MAX_PKT];
	static struct iovec iov[MAX_BATCH];
	static struct mmsghdr msg[MAX_BATCH];
	struct sink_stats st = { 0 };
	uint64_t rcvbuf0, csum0;
	double t0, deadline;
	int fd;

	pin(o->cpu);
	fd = open_sink(o);
	for (int i = 0; i < MAX_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = MAX_PKT };
		msg[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i],
						  .msg_iovlen = 1 };
	}
	rcvbuf0 = snmp_get("RcvbufErrors", "Udp6RcvbufErrors");
	csum0 = snmp_get("InCsumErrors", "Udp6InCsumErrors");
	t0 = now();
	deadline = t0 + o->seconds;
	ready(o->ready);
	while (!stop) {
		int n = recvmmsg(fd, msg, MAX_BATCH, MSG_WAITFORONE, NULL);
		double t = now();

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

int main(int argc, char **argv)
{
	struct opts o;
	struct sigaction sa = { .sa_handler = on_signal };

	parse(&o, argc, argv);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	return o.sink ? run_sink(&o) : run_send(&o);
}
