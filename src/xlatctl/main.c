// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xlatctl: ask a running xlatd for its status.  One command line goes to
 * the control socket.  The status comes back as JSON, and xlatctl renders
 * it (short, long, metrics; see render.h): the daemon keeps one machine
 * format, presentation changes need no daemon restart.
 */
#include "xlatctl/render.h"
#include "xlatd/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_NO_DAEMON 3

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xlatctl [-s SOCKET] status [-v] [--json] [NAME|IF]\n"
		"       xlatctl [-s SOCKET] metrics [--output FILE]\n"
		"       xlatctl [-s SOCKET] ipv6-only-preferred IF\n"
		"       xlatctl [-s SOCKET] v6only-wait IF [SECONDS]\n"
		"       xlatctl [-s SOCKET] sessions|bib [--json]\n"
		"       xlatctl [-s SOCKET] reload\n"
		"  status    state, prefix, addresses and traffic of each instance\n"
		"            (counters: an alias); NAME|IF: only the instance of\n"
		"            that name, uplink or TUN device\n"
		"  -v        every status value and counter\n"
		"  --json    machine-readable status\n"
		"  metrics   every counter and state in the Prometheus text format;\n"
		"            --output FILE replaces FILE atomically (node_exporter\n"
		"            textfile collector)\n"
		"  ipv6-only-preferred IF  exit 0 if xlatd runs a CLAT on IF when\n"
		"            NAT64 is there (RFC 8925: ask for option 108), else 1\n"
		"  v6only-wait IF [SECONDS]  a DHCPv4 client got option 108 on IF:\n"
		"            without NAT64 within SECONDS (default: v6only-wait of\n"
		"            xlatd.conf) ipv6-only-preferred turns to no\n"
		"  sessions  the session tables of the nat64 instances (RFC 6146)\n"
		"  bib       their Binding Information Bases\n"
		"  reload    read the configuration again (as SIGHUP; root or\n"
		"            xlatd's user only)\n"
		"  -s SOCKET control socket (default %s)\n"
		"exit status: 0 ok, 1 error reply or no such instance, 2 usage,\n"
		"             3 xlatd not reachable\n",
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

static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;

	*len = 0;
	while (buf) {
		if (*len + 1 >= cap) {
			char *b = realloc(buf, cap * 2);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		n = read(fd, buf + *len, cap - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf[*len] = '\0';
			*out = buf;
			return n < 0 ? -1 : 0;
		}
		*len += (size_t)n;
	}
	free(buf);
	errno = ENOMEM;
	return -1;
}

/*
 * Send cmd, return the whole reply in *reply (NUL-terminated).  Errors are
 * printed here; the return value is the exit status.  An "error:" reply
 * goes to stderr and returns 1.
 */
static int transact(const char *path, const char *cmd, char **reply)
{
	size_t len;
	int fd = ctl_connect(path);

	*reply = NULL;
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		fprintf(stderr, "xlatctl: cannot reach xlatd at %s: %s (the control socket is for root and xlatd's group)\n",
			path, strerror(errno));
		return EXIT_ERROR;
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
	if (read_all(fd, reply, &len) < 0) {
		fprintf(stderr, "xlatctl: reading from %s: %s\n", path,
			strerror(errno));
		close(fd);
		free(*reply);
		*reply = NULL;
		return EXIT_ERROR;
	}
	close(fd);
	if (!len) {
		fprintf(stderr, "xlatctl: xlatd at %s closed the connection without a reply\n",
			path);
		return EXIT_ERROR;
	}
	if (!strncmp(*reply, "error:", 6)) {
		fputs(*reply, stderr);
		return EXIT_ERROR;
	}
	return 0;
}

#define MAX_WORDS 4

struct args {
	const char *sock;
	const struct command *cmd;
	const char *word[MAX_WORDS]; /* after the command: IF, NAME, ... */
	unsigned int n_words;
	const char *output; /* metrics --output */
	bool json, verbose;
};

/*
 * The commands: their name, how many words may follow, what runs them.
 * A command the daemon answers in one line (yes/ok/error) needs no code
 * of its own: cmd_line() sends "NAME WORD..." and prints the reply.
 */
struct command {
	const char *name;
	unsigned int min_words, max_words;
	int (*run)(const struct args *a);
};

static int cmd_status(const struct args *a);
static int cmd_metrics(const struct args *a);
static int cmd_v6only(const struct args *a);
static int cmd_v6wait(const struct args *a);
static int cmd_table(const struct args *a);
static int cmd_line(const struct args *a);

static const struct command commands[] = {
	{ "status", 0, 1, cmd_status },
	{ "counters", 0, 1, cmd_status },
	{ "metrics", 0, 0, cmd_metrics },
	{ "ipv6-only-preferred", 1, 1, cmd_v6only },
	{ "v6only-wait", 1, 2, cmd_v6wait },
	{ "sessions", 0, 0, cmd_table },
	{ "bib", 0, 0, cmd_table },
	{ "reload", 0, 0, cmd_line },
};

static const struct command *find_command(const char *name)
{
	for (unsigned int i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(s, "-s") && i + 1 < argc) {
			a->sock = argv[++i];
		} else if (!strcmp(s, "--json") || !strcmp(s, "-j")) {
			a->json = true;
		} else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
			a->verbose = true;
		} else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) &&
			   i + 1 < argc) {
			a->output = argv[++i];
		} else if (!a->cmd && find_command(s)) {
			a->cmd = find_command(s);
		} else if (a->cmd && a->n_words < a->cmd->max_words &&
			   s[0] != '-' && strlen(s) < 32) {
			a->word[a->n_words++] = s;
		} else {
			fprintf(stderr, "xlatctl: unknown argument \"%s\"\n", s);
			return -1;
		}
	}
	if (!a->cmd)
		return -1;
	if (a->n_words < a->cmd->min_words) {
		fprintf(stderr, "xlatctl: %s needs %u argument%s\n", a->cmd->name,
			a->cmd->min_words, a->cmd->min_words == 1 ? "" : "s");
		return -1;
	}
	if (a->output && a->cmd->run != cmd_metrics) {
		fprintf(stderr, "xlatctl: --output is for metrics\n");
		return -1;
	}
	return 0;
}

/* "NAME WORD..." to xlatd; its one-line reply to stdout (or stderr). */
static int cmd_line(const struct args *a)
{
	char line[256], *reply;
	size_t n = (size_t)snprintf(line, sizeof(line), "%s", a->cmd->name);
	int rc;

	for (unsigned int i = 0; i < a->n_words && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", a->word[i]);
	rc = transact(a->sock, line, &reply);
	if (reply && !rc)
		fputs(reply, stdout);
	free(reply);
	return rc;
}

/* NAT64 tables, rendered by xlatd as text or JSON. */
static int cmd_table(const struct args *a)
{
	char line[32], *reply;
	int rc;

	snprintf(line, sizeof(line), "%s%s", a->cmd->name,
		 a->json ? " json" : "");
	rc = transact(a->sock, line, &reply);
	if (reply && !rc)
		fputs(reply, stdout);
	free(reply);
	return rc;
}

/* A DHCPv4 client got option 108 on IF; SECONDS, if given, a number. */
static int cmd_v6wait(const struct args *a)
{
	const char *secs = a->n_words > 1 ? a->word[1] : "";

	if (strspn(secs, "0123456789") != strlen(secs) || strlen(secs) > 5) {
		fprintf(stderr, "xlatctl: v6only-wait: SECONDS is a number\n");
		return EXIT_USAGE;
	}
	return cmd_line(a);
}

/* For DHCPv4 client hooks: no xlatd is no CLAT, a plain "no" (1). */
static int cmd_v6only(const struct args *a)
{
	return cmd_line(a) ? 1 : 0;
}

static struct json *parse_status(const char *reply)
{
	char err[128];
	struct json *j = json_parse(reply, err, sizeof(err));

	if (!j)
		fprintf(stderr, "xlatctl: xlatd's status is not valid JSON: %s\n",
			err);
	return j;
}

static int cmd_status(const struct args *a)
{
	const char *target = a->n_words ? a->word[0] : NULL;
	struct json *j;
	char *reply;
	int rc = transact(a->sock, "status json", &reply), n;

	if (rc)
		goto out;
	if (a->json && !target) { /* unchanged, byte for byte */
		fputs(reply, stdout);
		goto out;
	}
	rc = EXIT_ERROR;
	j = parse_status(reply);
	if (!j)
		goto out;
	if (a->json) {
		render_filter(j, target);
		json_write(stdout, j);
		putchar('\n');
		n = json_get(j, "instances") && json_get(j, "instances")->child;
	} else if (a->verbose) {
		n = render_long(stdout, j, target);
	} else {
		n = render_short(stdout, j, target);
	}
	json_free(j);
	rc = 0;
	if (n)
		goto out;
	if (target) {
		fprintf(stderr, "xlatctl: no instance named %s or on %s\n",
			target, target);
		rc = EXIT_ERROR;
	} else if (!a->json) {
		puts("no instances");
	}
out:
	free(reply);
	return rc;
}

/* Write to FILE.tmp next to FILE and rename: a reader (node_exporter)
 * sees the old file or the new one, never a half-written one. */
static int write_atomic(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;
	int e;

	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "xlatctl: %s: name too long\n", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "xlatctl: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	fputs(text, f);
	fchmod(fileno(f), 0644);
	e = ferror(f) | fflush(f) | fsync(fileno(f));
	if (fclose(f) || e || rename(tmp, path) < 0) {
		fprintf(stderr, "xlatctl: writing %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int cmd_metrics(const struct args *a)
{
	struct json *j = NULL;
	char *reply, *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int rc = transact(a->sock, "status json", &reply);

	if (!m) {
		free(reply);
		return EXIT_ERROR;
	}
	if (rc == EXIT_NO_DAEMON) /* a scrape still learns that it is down */
		fputs("# HELP xlat464_up 1 if xlatd answered on its control socket.\n"
		      "# TYPE xlat464_up gauge\nxlat464_up 0\n", m);
	else if (!rc && !(j = parse_status(reply)))
		rc = EXIT_ERROR;
	if (j && render_metrics(m, j) < 0) {
		fprintf(stderr, "xlatctl: xlatd's status has no instance list\n");
		rc = EXIT_ERROR;
	}
	json_free(j);
	free(reply);
	if (fclose(m)) {
		free(text);
		return EXIT_ERROR;
	}
	if (rc == 0 || rc == EXIT_NO_DAEMON) {
		if (!a->output)
			fputs(text, stdout);
		else if (write_atomic(a->output, text) < 0)
			rc = EXIT_ERROR;
	}
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = { .sock = CTL_DEFAULT_SOCKET };

	if (parse_args(argc, argv, &a) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return a.cmd->run(&a);
}
