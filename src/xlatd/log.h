/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging: one line per event.  On a terminal or into a file, stderr:
 *   2026-12-06T05:23:31.123+0000 xlatd[siit0]: info: started: tun siit0 ...
 * When stderr is the journal (JOURNAL_STREAM), journald's native socket
 * with the fields PRIORITY, SYSLOG_IDENTIFIER=xlatd, XLATD_INSTANCE (who)
 * and MESSAGE ("siit0: started: ..."); if that socket is not there,
 * stderr with the syslog priority journald's stream reader parses:
 *   <6>xlatd[siit0]: started: tun siit0 ...
 * Thread-safe (one fprintf per line).  Say why, not only what; log a
 * decision once when it is taken, never per packet.
 */
#ifndef XLATD_LOG_H
#define XLATD_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

extern enum log_level log_level;

/* "err", "warn"/"warning", "info", "debug" -> level; -1 if unknown. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level l);

/* journal_stream ("DEV:INODE", systemd's JOURNAL_STREAM) names fd. */
bool log_stderr_is_journal(const char *journal_stream, int fd);

/* who: instance name or NULL for the daemon itself. */
void log_msg(enum log_level l, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(who, ...) log_msg(LOG_LVL_ERR, who, __VA_ARGS__)
#define log_warn(who, ...) log_msg(LOG_LVL_WARN, who, __VA_ARGS__)
#define log_info(who, ...) log_msg(LOG_LVL_INFO, who, __VA_ARGS__)
#define log_debug(who, ...)                                                    \
	do {                                                                   \
		if (log_level >= LOG_LVL_DEBUG)                                \
			log_msg(LOG_LVL_DEBUG, who, __VA_ARGS__);              \
	} while (0)

#endif
