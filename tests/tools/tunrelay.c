// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tunrelay: a point-to-point IP link between two network namespaces, made
 * of two TUN devices (IFF_TUN: no link layer, POINTOPOINT, NOARP) and
 * this process moving packets between them.  It stands in for what this
 * kernel cannot build (WireGuard, ip6tnl, sit, GRE) and for what a raw-IP
 * LTE modem or a PPP link looks like to the host.
 *
 *	tunrelay --ns1 NAME --if1 IF --ns2 NAME --if2 IF [--seconds N]
 *
 * The devices exist while it runs (they are not persistent); it exits
 * after --seconds (default 600) or on SIGTERM.  Prints "ready" once both
 * devices exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Create TUN ifname inside namespace ns (the device stays there). */
static int tun_in(const char *ns, const char *ifname)
{
	char path[256];
	struct ifreq ifr = { 0 };
	int nsfd, fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		fprintf(stderr, "tunrelay: namespace %s: %s\n", ns, strerror(errno));
		return -1;
	}
	close(nsfd);
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		perror("tunrelay: /dev/net/tun");
		return -1;
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		fprintf(stderr, "tunrelay: TUN %s: %s\n", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Move what is queued on from to to; false on a hard error. */
static int pump(int from, int to)
{
	static unsigned char buf[65536];

	for (int i = 0; i < 64; i++) {
		ssize_t n = read(from, buf, sizeof(buf));

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		/* A full queue on the other side drops, as a link would. */
		if (write(to, buf, (size_t)n) < 0 && errno != EAGAIN &&
		    errno != EIO)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ns1", required_argument, NULL, 'a' },
		{ "if1", required_argument, NULL, 'b' },
		{ "ns2", required_argument, NULL, 'c' },
		{ "if2", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 's' },
		{ 0 },
	};
	const char *ns1 = NULL, *if1 = NULL, *ns2 = NULL, *if2 = NULL;
	long seconds = 600;
	struct pollfd p[2];
	time_t end;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'a': ns1 = optarg; break;
		case 'b': if1 = optarg; break;
		case 'c': ns2 = optarg; break;
		case 'd': if2 = optarg; break;
		case 's': seconds = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!ns1 || !if1 || !ns2 || !if2 || seconds <= 0 || seconds > 3600) {
		fprintf(stderr, "usage: tunrelay --ns1 NS --if1 IF --ns2 NS --if2 IF [--seconds 1..3600]\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	p[0].fd = tun_in(ns1, if1);
	p[1].fd = p[0].fd < 0 ? -1 : tun_in(ns2, if2);
	if (p[0].fd < 0 || p[1].fd < 0)
		return 1;
	p[0].events = p[1].events = POLLIN;
	printf("ready\n");
	fflush(stdout);
	end = time(NULL) + seconds;
	while (!stop && time(NULL) < end) {
		if (poll(p, 2, 500) < 0 && errno != EINTR)
			break;
		if ((p[0].revents & POLLIN) && pump(p[0].fd, p[1].fd) < 0)
			break;
		if ((p[1].revents & POLLIN) && pump(p[1].fd, p[0].fd) < 0)
			break;
	}
	return 0;
}
