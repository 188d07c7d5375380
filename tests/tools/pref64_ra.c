// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pref64_ra: send Router Advertisements that carry only a PREF64 option
 * (RFC 8781), for the lab and the discovery tests.  radvd 2.19 cannot send
 * PREF64, so this runs beside it: from a second link-local address and
 * with router lifetime 0, so the client keeps radvd's default route.
 *
 *	pref64_ra --iface IF --src fe80::64 --prefix 2001:db8:64::/96
 *		  [--lifetime SEC] [--count N] [--interval SEC] [--answer-rs]
 *
 * Lifetime 0 withdraws the prefix.  Every run is bounded: --count defaults
 * to 1 and is capped.  With --answer-rs a Router Solicitation on IF is
 * answered at once (as a router with PREF64 configured does), at most one
 * answer a second, between the periodic RAs; answers are not counted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PREF64_OPT_TYPE 38
#define MAX_COUNT 100000
#define MAX_SCALED 8191 /* 13 bits, units of 8 s */

struct ra_opts {
	const char *iface;
	const char *src;
	struct in6_addr prefix;
	int plen;
	long lifetime;
	long count;
	double interval;
	int answer_rs;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: pref64_ra --iface IF --src LINKLOCAL --prefix P/LEN\n"
		"                 [--lifetime SEC] [--count N] [--interval SEC] [--answer-rs]\n"
		"LEN is 96, 64, 56, 48, 40 or 32; count 1..%d (default 1);\n"
		"lifetime 0..65528 (default 1800, 0 withdraws)\n",
		MAX_COUNT);
	exit(2);
}

/* RFC 8781 section 4: the Prefix Length Code. */
static int plc_of(int plen)
{
	static const int lens[] = { 96, 64, 56, 48, 40, 32 };
	unsigned int i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		if (lens[i] == plen)
			return (int)i;
	return -1;
}

static int parse_prefix(const char *arg, struct ra_opts *o)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	o->plen = (int)strtol(slash + 1, &end, 10);
	if (*end || plc_of(o->plen) < 0)
		return -1;
	return inet_pton(AF_INET6, buf, &o->prefix) == 1 ? 0 : -1;
}

static long parse_long(const char *arg, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v < lo || v > hi)
		usage();
	return v;
}

static void parse_args(int argc, char **argv, struct ra_opts *o)
{
	static const struct option lopts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "src", required_argument, NULL, 's' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 't' },
		{ "answer-rs", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int c, have_prefix = 0;
	char *end;

	o->lifetime = 1800;
	o->count = 1;
	o->interval = 1.0;
	while ((c = getopt_long(argc, argv, "i:s:p:l:c:t:a", lopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->answer_rs = 1;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 's':
			o->src = optarg;
			break;
		case 'p':
			if (parse_prefix(optarg, o))
				usage();
			have_prefix = 1;
			break;
		case 'l':
			o->lifetime = parse_long(optarg, 0, MAX_SCALED * 8);
			break;
		case 'c':
			o->count = parse_long(optarg, 1, MAX_COUNT);
			break;
		case 't':
			o->interval = strtod(optarg, &end);
			if (*end || o->interval < 0.01 || o->interval > 3600)
				usage();
			break;
		default:
			usage();
		}
	}
	if (!o->iface || !o->src || !have_prefix || optind != argc)
		usage();
}

/*
 * The RA header with everything zero (router lifetime 0: not a default
 * router), then the 16-byte PREF64 option.  The kernel fills in the
 * ICMPv6 checksum of a raw ICMPv6 socket (RFC 3542 section 3.1).
 */
static size_t build_ra(const struct ra_opts *o, uint8_t *buf)
{
	struct nd_router_advert *ra = (struct nd_router_advert *)buf;
	uint8_t *opt = buf + sizeof(*ra);
	unsigned int scaled = (unsigned int)((o->lifetime + 7) / 8);
	uint16_t word;

	memset(buf, 0, sizeof(*ra) + 16);
	ra->nd_ra_type = ND_ROUTER_ADVERT;
	ra->nd_ra_code = 0;
	ra->nd_ra_router_lifetime = 0;
	if (scaled > MAX_SCALED)
		scaled = MAX_SCALED;
	opt[0] = PREF64_OPT_TYPE;
	opt[1] = 2; /* in units of 8 octets */
	word = htons((uint16_t)(scaled << 3 | (unsigned int)plc_of(o->plen)));
	memcpy(opt + 2, &word, 2);
	memcpy(opt + 4, &o->prefix, 12);
	return sizeof(*ra) + 16;
}

static int open_socket(const struct ra_opts *o, struct sockaddr_in6 *dst)
{
	struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
	unsigned int ifindex = if_nametoindex(o->iface);
	int fd, hops = 255;

	if (!ifindex) {
		fprintf(stderr, "pref64_ra: no interface %s\n", o->iface);
		return -1;
	}
	if (inet_pton(AF_INET6, o->src, &src.sin6_addr) != 1 ||
	    !IN6_IS_ADDR_LINKLOCAL(&src.sin6_addr)) {
		fprintf(stderr, "pref64_ra: --src must be link-local\n");
		return -1;
	}
	src.sin6_scope_id = ifindex;
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0) {
		perror("pref64_ra: socket");
		return -1;
	}
	/* Binding fails unless the address is configured and not tentative. */
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex))) {
		perror("pref64_ra: bind/setsockopt");
		close(fd);
		return -1;
	}
	memset(dst, 0, sizeof(*dst));
	dst->sin6_family = AF_INET6;
	dst->sin6_scope_id = ifindex;
	inet_pton(AF_INET6, "ff02::1", &dst->sin6_addr);
	return fd;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A second socket, not bound to --src (a bound raw socket sees only what
 * is addressed to its address), that receives only Router Solicitations
 * arriving on IF.
 */
static int open_rs_socket(const struct ra_opts *o)
{
	struct icmp6_filter f;
	int fd;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0) {
		perror("pref64_ra: socket");
		return -1;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->iface,
		       (socklen_t)strlen(o->iface))) {
		perror("pref64_ra: RS socket");
		close(fd);
		return -1;
	}
	return fd;
}

static int send_ra(int fd, const uint8_t *pkt, size_t len,
		   const struct sockaddr_in6 *dst)
{
	int e;

	if (sendto(fd, pkt, len, 0, (const struct sockaddr *)dst, sizeof(*dst)) ==
	    (ssize_t)len)
		return 0;
	e = errno; /* perror() may change it */
	perror("pref64_ra: sendto");
	/* The link down for a moment (make soak flaps it): a router keeps
	 * announcing once it is back.  Anything else ends the run. */
	if (e == ENETDOWN || e == ENOBUFS || e == EADDRNOTAVAIL || e == ENXIO)
		return 0;
	return -1;
}

/*
 * Wait sec seconds; with an RS socket, answer solicitations meanwhile
 * (at most one answer a second, so a flood of RSs cannot make a flood).
 */
static int wait_answering(double sec, int rs_fd, int fd, const uint8_t *pkt,
			  size_t len, const struct sockaddr_in6 *dst,
			  double *last_answer)
{
	double end = now_s() + sec;
	struct pollfd p = { .fd = rs_fd, .events = POLLIN };
	uint8_t buf[256];

	for (;;) {
		double left = end - now_s();

		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0 || !(p.revents & POLLIN))
			continue;
		if (recv(rs_fd, buf, sizeof(buf), 0) < 0)
			continue;
		if (now_s() - *last_answer < 1.0)
			continue;
		*last_answer = now_s();
		if (send_ra(fd, pkt, len, dst))
			return -1;
	}
}

static void pause_for(double sec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct ra_opts o = { 0 };
	struct sockaddr_in6 dst;
	double last_answer = 0;
	uint8_t pkt[64];
	size_t len;
	long i;
	int fd, rs_fd = -1, ret = 0;

	parse_args(argc, argv, &o);
	fd = open_socket(&o, &dst);
	if (fd < 0)
		return 1;
	if (o.answer_rs) {
		rs_fd = open_rs_socket(&o);
		if (rs_fd < 0) {
			close(fd);
			return 1;
		}
	}
	len = build_ra(&o, pkt);
	for (i = 0; i < o.count && !ret; i++) {
		if (i && rs_fd >= 0)
			ret = wait_answering(o.interval, rs_fd, fd, pkt, len, &dst,
					     &last_answer);
		else if (i)
			pause_for(o.interval);
		if (!ret)
			ret = send_ra(fd, pkt, len, &dst);
	}
	if (rs_fd >= 0)
		close(rs_fd);
	close(fd);
	return ret ? 1 : 0;
}
