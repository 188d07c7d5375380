// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xgen send: paced UDP packets through a UDP socket, or built whole and
 * sent through a packet socket (--raw), each carrying the magic and a
 * sequence number the sink checks.
 */
#include "xgen.h"

#include "checksum.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
		       EINTR &&
	       !xgen_stop)
		;
}

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
		xgen_die("socket failed");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v));
	v = (int)o->hlim;
	if (t->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v));
	else
		setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v));
	if (t->has_src && bind(fd, (const struct sockaddr *)&t->src, t->len) < 0)
		xgen_die("bind to --src failed");
	if (connect(fd, (const struct sockaddr *)&t->dst, t->len) < 0)
		xgen_die("connect failed");
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
		xgen_die("bad --dmac");
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
		xgen_die("AF_PACKET socket failed");
	if (!o->dmac || !t->has_src)
		xgen_die("--raw needs --dmac and --src");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->raw_if);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		xgen_die("SIOCGIFHWADDR failed");
	/* Skip the qdisc: veth has none anyway, and it saves a lock. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &v, sizeof(v));
	v = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v));
	s->ll = (struct sockaddr_ll){ .sll_family = AF_PACKET,
				      .sll_ifindex = (int)if_nametoindex(o->raw_if),
				      .sll_halen = 6 };
	if (!s->ll.sll_ifindex)
		xgen_die("no such --raw interface");
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
	while (done < n && !xgen_stop) {
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

int xgen_send(const struct opts *o)
{
	static struct sender s;
	struct target t = { 0 };
	struct send_stats st = { 0 };
	struct rusage ru;
	double t0, t1, deadline;

	if (!o->dst || !parse_addr(o->dst, o->port, &t.dst, &t.len))
		xgen_die("--dst must be an IPv4 or IPv6 address");
	t.family = t.dst.ss_family;
	if (o->src) {
		socklen_t l;

		if (!parse_addr(o->src, o->sport, &t.src, &l) ||
		    t.src.ss_family != t.family)
			xgen_die("--src must be an address of the --dst family");
		t.has_src = true;
	}
	if (o->ip_size < hdr_len(t.family) + MIN_PAYLOAD)
		xgen_die("packet too small for the xgen payload");
	xgen_pin(o->cpu);
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

	t0 = xgen_now();
	deadline = t0 + o->seconds;
	for (;;) {
		uint64_t left = o->count - st.seq, due;
		double tn = xgen_now();

		if (xgen_stop || !left || tn >= deadline)
			break;
		due = o->batch;
		if (o->rate > 0) {
			uint64_t should = (uint64_t)((tn - t0) * o->rate);

			due = should > st.seq ? should - st.seq : 0;
			if (due < o->burst && due < left) {
				sleep_until(t0 + (double)(st.seq + o->burst) / o->rate);
				continue;
			}
			if (due > o->batch)
				due = o->batch;
		}
		if (due > left)
			due = left;
		send_batch(&s, (unsigned int)due, &st);
	}
	t1 = xgen_now();
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
