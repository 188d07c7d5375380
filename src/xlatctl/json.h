/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON reader for xlatctl: xlatd's "status json" reply becomes a
 * tree that the short status, the filter and the metrics render from, so
 * the daemon keeps one machine format and xlatctl does the presentation.
 *
 * Numbers keep their text (counters are 64-bit; a double would round
 * them); json_u64() converts.  Object members keep their order.
 */
#ifndef XLATCTL_JSON_H
#define XLATCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
	enum json_type type;
	char *key;          /* member name inside an object, else NULL */
	char *str;          /* JSON_STR: the unescaped text; JSON_NUM: as written */
	bool b;             /* JSON_BOOL */
	struct json *child; /* JSON_ARR, JSON_OBJ: first element or member */
	struct json *next;  /* next sibling */
};

/* Parse text (NUL-terminated); NULL on error with a message in err. */
struct json *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct json *j);

/* Member key of object j (NULL if j is no object or has no such key);
 * a dotted path ("pref64.prefix") goes deeper. */
const struct json *json_get(const struct json *j, const char *path);
/* The string of a JSON_STR member, or NULL. */
const char *json_str(const struct json *j, const char *path);
/* A JSON_NUM member as unsigned integer; false if absent or not one. */
bool json_u64(const struct json *j, const char *path, uint64_t *v);

/* Write j back as compact JSON (same member order). */
void json_write(FILE *f, const struct json *j);

#endif
