// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stderr logging; see log.h.  Two formats, chosen once:
 *  - stderr is the journal (systemd's JOURNAL_STREAM names stderr's device
 *    and inode): a "<N>" syslog priority prefix, which journald turns into
 *    the PRIORITY field, and no time stamp (journald adds its own);
 *  - anything else (a terminal, a file, a test log): an ISO 8601 local
 *    time stamp with milliseconds and the level as a word.
 * No library: the journal's stream protocol is plain text.
 */
#include "xlatd/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum log_level log_level = LOG_LVL_INFO;

static const char *const names[] = { "err", "warn", "info", "debug" };
/* syslog(3) priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG */
static const int prio[] = { 3, 4, 6, 7 };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool to_journal;

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
	to_journal = log_stderr_is_journal(getenv("JOURNAL_STREAM"), 2);
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

void log_msg(enum log_level l, const char *who, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n = 0, m;

	if (l > log_level)
		return;
	pthread_once(&once, detect);
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
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	/* One call per line keeps lines of concurrent threads whole. */
	fprintf(stderr, "%s\n", line);
}
