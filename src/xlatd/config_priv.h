/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the xlatd.conf parser's files share: the parse state, the key
 * tables each kind's file exports (config_global.c, config_inst.c,
 * config_siit.c, config_clat.c; config.c looks keys up in them) and the
 * small value parsers every key uses.  Not an API: config.h is.
 */
#ifndef XLATD_CONFIG_PRIV_H
#define XLATD_CONFIG_PRIV_H

#include "xlatd/config.h"

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SC_GLOBAL 0x1
#define SC_SIIT 0x2
#define SC_CLAT 0x4
#define SC_INST (SC_SIIT | SC_CLAT)

#define MAX_LINE 4096

struct pctx {
	const char *fname;
	int line;
	struct xlatd_conf *c;
	struct inst_conf *ic;  /* current instance section, or NULL */
	bool in_global;
	bool self6_set;
	char *err;
	size_t errlen;
	/* Keys seen in the current section, to refuse duplicates. */
	const char *seen[64];
	unsigned int n_seen;
};

typedef int (*key_fn)(struct pctx *p, const char *val, char *msg, size_t n);

struct key {
	const char *name;
	unsigned int scope;
	bool repeat;
	key_fn set;
};

/* One file's keys; config.c searches every table (names are unique). */
struct key_table {
	const struct key *keys;
	size_t n;
};

extern const struct key_table conf_global_keys; /* config_global.c */
extern const struct key_table conf_inst_keys;   /* config_inst.c */
extern const struct key_table conf_siit_keys;   /* config_siit.c */
extern const struct key_table conf_clat_keys;   /* config_clat.c */

/* Per-kind defaults and section-end checks: -1 with a message in msg. */
void conf_siit_defaults(struct inst_conf *ic);
int conf_siit_finish(struct inst_conf *ic, bool self6_set, char *msg,
		     size_t n);
void conf_clat_defaults(struct inst_conf *ic);
int conf_clat_finish(struct inst_conf *ic, char *msg, size_t n);

__attribute__((format(printf, 3, 4))) static inline int
bad(char *msg, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return -1;
}

static inline int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
	    !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") ||
		 !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static inline int parse_uint(const char *v, unsigned long min,
			     unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long x;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

static inline int set_ifname(char *dst, const char *v, const char *key,
			     char *msg, size_t n)
{
	if (!*v || strlen(v) >= IFNAMSIZ || strchr(v, '/') || strchr(v, ' '))
		return bad(msg, n, "invalid %s \"%s\": an interface name of 1 to %d characters",
			   key, v, IFNAMSIZ - 1);
	strcpy(dst, v);
	return 0;
}

/* Which of the n names v is, or -1: for keys with a fixed set of values. */
static inline int name_index(const char *v, const char *const *names,
			     int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return i;
	return -1;
}

/* The key_fn fn of a yes/no engine key (struct xlat_cfg's field). */
#define BOOL_KEY(fn, field, keyname)                                           \
	static int fn(struct pctx *p, const char *v, char *msg, size_t n)      \
	{                                                                      \
		if (parse_bool(v, &p->ic->xlat.field))                         \
			return bad(msg, n, "invalid " keyname " \"%s\": yes or no", \
				   v);                                         \
		return 0;                                                      \
	}

#endif
