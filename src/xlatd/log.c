// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logging; see log.h.  The destination is chosen once, at the first line:
 *  - stderr is the journal (systemd's JOURNAL_STREAM names stderr's device
 *    and inode): each line goes to journald's native socket as fields,
 *    PRIORITY, SYSLOG_IDENTIFIER, XLATD_INSTANCE and MESSAGE, so
 *    "journalctl XLATD_INSTANCE=clat-eth0" selects one instance; if that
 *    socket cannot be reached, the line goes to stderr with a "<N>" syslog
 *    priority prefix, which journald's stream reader also understands.
 *    No time stamp: journald adds its own.
 *  - anything else (a terminal, a file, a test log): stderr, with an ISO
 *    8601 local time stamp with milliseconds and the level as a word.
 * No library: both journal protocols are plain text.
 */
#include "xlatd/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

enum log_level log_level = LOG_LVL_INFO;

static const char *const names[] = { "err", "warn", "info", "debug" };
/* syslog(3) priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG */
static const int prio[] = { 3, 4, 6, 7 };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool to_journal;
static int journal_fd = -1;

bool log_stderr_is_journal(const char *journal_stream, int fd)
{
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!journal_stream ||
	    sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	if (fstat(fd, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

static void detect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	to_journal = log_stderr_is_journal(getenv("JOURNAL_STREAM"), 2);
	if (!to_journal)
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	strcpy(sa.sun_path, JOURNAL_SOCKET);
	/* connect() once: each line is then one send() of one datagram. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return;
	}
	journal_fd = fd;
}

int log_level_parse(const char *s)
{
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	if (strcmp(s, "warning") == 0)
		return LOG_LVL_WARN;
	if (strcmp(s, "error") == 0)
		return LOG_LVL_ERR;
	return -1;
}

const char *log_level_name(enum log_level l)
{
	return (unsigned int)l < 4 ? names[l] : "?";
}

/* 2026-12-06T05:23:31.123+0100 */
static int stamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char zone[8];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n || !strftime(zone, sizeof(zone), "%z", &tm))
		return 0;
	return snprintf(buf + n, len - n, ".%03ld%s ", ts.tv_nsec / 1000000,
			zone) + (int)n;
}

/* Native protocol: KEY=value lines, one datagram.  A value must not hold
 * a newline in this form, so the message's are replaced. */
static bool journal_send(enum log_level l, const char *who, const char *msg)
{
	char d[1400];
	int n;

	if (journal_fd < 0)
		return false;
	n = snprintf(d, sizeof(d), "PRIORITY=%d\nSYSLOG_IDENTIFIER=xlatd\n%s%s%s"
		     "MESSAGE=%s%s%s\n", prio[l], who ? "XLATD_INSTANCE=" : "",
		     who ? who : "", who ? "\n" : "", who ? who : "",
		     who ? ": " : "", msg);
	if (n < 0)
		return false;
	if ((size_t)n >= sizeof(d)) {
		n = sizeof(d) - 1;
		d[n - 1] = '\n';
	}
	for (char *p = strstr(d, "MESSAGE="); p && p < d + n - 1; p++)
		if (*p == '\n')
			*p = ' ';
	return send(journal_fd, d, (size_t)n, MSG_NOSIGNAL) == n;
}

void log_msg(enum log_level l, const char *who, const char *fmt, ...)
{
	char line[1024], msg[1024];
	va_list ap;
	int n = 0, m;

	if (l > log_level)
		return;
	pthread_once(&once, detect);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_journal && journal_send(l, who, msg))
		return;
	if (to_journal)
		n = snprintf(line, sizeof(line), "<%d>", prio[l]);
	else
		n = stamp(line, sizeof(line));
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	if (who)
		m = snprintf(line + n, sizeof(line) - n, "xlatd[%s]: ", who);
	else
		m = snprintf(line + n, sizeof(line) - n, "xlatd: ");
	if (m > 0 && (size_t)(n + m) < sizeof(line))
		n += m;
	if (!to_journal) {
		m = snprintf(line + n, sizeof(line) - n, "%s: ",
			     log_level_name(l));
		if (m > 0 && (size_t)(n + m) < sizeof(line))
			n += m;
	}
	/* One call per line keeps lines of concurrent threads whole. */
	fprintf(stderr, "%s%s\n", line, msg);
}
