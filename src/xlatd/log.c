// SPDX-License-Identifier: GPL-2.0-or-later
/* stderr logging; see log.h. */
#include "xlatd/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum log_level log_level = LOG_LVL_INFO;

static const char *const names[] = { "err", "warn", "info", "debug" };

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

void log_msg(enum log_level l, const char *who, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (l > log_level)
		return;
	if (who)
		n = snprintf(line, sizeof(line), "xlatd[%s]: %s: ", who,
			     log_level_name(l));
	else
		n = snprintf(line, sizeof(line), "xlatd: %s: ",
			     log_level_name(l));
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	/* One call per line keeps lines of concurrent threads whole. */
	fprintf(stderr, "%s\n", line);
}
