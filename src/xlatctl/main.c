// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xlatctl: ask a running xlatd for its status.  One command line goes to
 * the control socket; the reply is printed as it comes (xlatd renders
 * both the text and the JSON form).
 */
#include "xlatd/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define EXIT_NO_DAEMON 3

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xlatctl [-s SOCKET] status [--json]\n"
		"       xlatctl [-s SOCKET] counters [--json]\n"
		"       xlatctl [-s SOCKET] ipv6-only-preferred IF\n"
		"       xlatctl [-s SOCKET] v6only-wait IF [SECONDS]\n"
		"  status    instances, their state and counters\n"
		"  counters  the same (alias)\n"
		"  ipv6-only-preferred IF  exit 0 if xlatd runs a CLAT on IF when\n"
		"            NAT64 is there (RFC 8925: ask for option 108), else 1\n"
		"  v6only-wait IF [SECONDS]  a DHCPv4 client got option 108 on IF:\n"
		"            without NAT64 within SECONDS (default: v6only-wait of\n"
		"            xlatd.conf) ipv6-only-preferred turns to no\n"
		"  --json    machine-readable output\n"
		"  -s SOCKET control socket (default %s)\n"
		"exit status: 0 ok, 1 error reply, 2 usage, 3 xlatd not reachable\n",
		CTL_DEFAULT_SOCKET);
}

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int transact(const char *path, const char *cmd)
{
	char buf[65536];
	bool error = false, first = true;
	ssize_t n;
	int fd = ctl_connect(path);

	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		fprintf(stderr, "xlatctl: cannot reach xlatd at %s: %s (the control socket is for root only)\n",
			path, strerror(errno));
		return 1;
	}
	if (fd < 0) {
		fprintf(stderr, "xlatctl: cannot reach xlatd at %s: %s (is xlatd running?)\n",
			path, strerror(errno));
		return EXIT_NO_DAEMON;
	}
	if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "xlatctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return EXIT_NO_DAEMON;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (first && n >= 6 && !memcmp(buf, "error:", 6))
			error = true;
		first = false;
		fwrite(buf, 1, (size_t)n, error ? stderr : stdout);
	}
	close(fd);
	if (n < 0) {
		fprintf(stderr, "xlatctl: reading from %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (first) {
		fprintf(stderr, "xlatctl: xlatd at %s closed the connection without a reply\n",
			path);
		return 1;
	}
	return error ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *sock = CTL_DEFAULT_SOCKET, *cmd = NULL;
	char v6only[64], v6wait[64];
	bool json = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-s") && i + 1 < argc) {
			sock = argv[++i];
		} else if (!strcmp(a, "--json") || !strcmp(a, "-j")) {
			json = true;
		} else if (!cmd && (!strcmp(a, "status") || !strcmp(a, "counters"))) {
			cmd = "status";
		} else if (!cmd && !strcmp(a, "ipv6-only-preferred") && i + 1 < argc &&
			   strlen(argv[i + 1]) < 32) {
			snprintf(v6only, sizeof(v6only), "ipv6-only-preferred %s",
				 argv[++i]);
			cmd = v6only;
		} else if (!cmd && !strcmp(a, "v6only-wait") && i + 1 < argc &&
			   strlen(argv[i + 1]) < 32) {
			const char *secs = i + 2 < argc ? argv[i + 2] : "";

			if (strspn(secs, "0123456789") != strlen(secs) ||
			    strlen(secs) > 5) {
				fprintf(stderr, "xlatctl: v6only-wait: SECONDS is a number\n");
				return EXIT_USAGE;
			}
			snprintf(v6wait, sizeof(v6wait), "v6only-wait %s %s",
				 argv[i + 1], secs);
			i += secs[0] ? 2 : 1;
			cmd = v6wait;
		} else {
			fprintf(stderr, "xlatctl: unknown argument \"%s\"\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!cmd) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cmd == v6only) /* no xlatd is no CLAT: plain "no" for hooks */
		return transact(sock, cmd) ? 1 : 0;
	if (cmd == v6wait)
		return transact(sock, cmd);
	return transact(sock, json ? "status json" : "status");
}
