/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging to stderr (journald adds time stamps): one line per event,
 *   xlatd[siit0]: info: started: tun siit0 mtu 1500, 2 threads
 * Thread-safe (one fprintf per line).  Say why, not only what.
 */
#ifndef XLATD_LOG_H
#define XLATD_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

extern enum log_level log_level;

/* "err", "warn"/"warning", "info", "debug" -> level; -1 if unknown. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level l);

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
