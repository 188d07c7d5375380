// SPDX-License-Identifier: GPL-2.0-or-later
/* Recursive-descent JSON reader and writer; see json.h. */
#include "xlatctl/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

struct parser {
	const char *p;
	const char *start;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return;
	ps->failed = true;
	n = snprintf(ps->err, ps->errlen, "offset %ld: ",
		     (long)(ps->p - ps->start));
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	       *ps->p == '\r')
		ps->p++;
}

static struct json *node(enum json_type t)
{
	struct json *j = calloc(1, sizeof(*j));

	if (j)
		j->type = t;
	return j;
}

static int hex4(const char *s, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t utf8(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX, with a following low surrogate if XXXX is a high one. */
static int unicode_escape(struct parser *ps, char *out, size_t *o)
{
	unsigned int cp, lo;

	if (hex4(ps->p, &cp) < 0)
		return -1;
	ps->p += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && ps->p[0] == '\\' &&
	    ps->p[1] == 'u' && hex4(ps->p + 2, &lo) == 0 && lo >= 0xdc00 &&
	    lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		ps->p += 6;
	}
	*o += utf8(cp, out + *o);
	return 0;
}

/* The escaped text never grows when unescaped, so one allocation of the
 * raw length is enough. */
static char *parse_string(struct parser *ps)
{
	const char *end = ps->p + 1;
	char *out;
	size_t o = 0;

	while (*end && *end != '"')
		end += (*end == '\\' && end[1]) ? 2 : 1;
	if (*end != '"') {
		fail(ps, "unterminated string");
		return NULL;
	}
	out = malloc((size_t)(end - ps->p) + 1);
	if (!out) {
		fail(ps, "out of memory");
		return NULL;
	}
	for (ps->p++; *ps->p != '"';) {
		char c = *ps->p++;

		if ((unsigned char)c < 0x20) {
			fail(ps, "control character in string");
			break;
		}
		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		c = *ps->p++;
		switch (c) {
		case '"': case '\\': case '/':
			out[o++] = c;
			break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			if (unicode_escape(ps, out, &o) == 0)
				break;
			/* fall through */
		default:
			fail(ps, "bad escape in string");
		}
		if (ps->failed)
			break;
	}
	if (ps->failed) {
		free(out);
		return NULL;
	}
	ps->p++;
	out[o] = '\0';
	return out;
}

static struct json *parse_value(struct parser *ps, int depth);

static struct json *parse_number(struct parser *ps)
{
	const char *s = ps->p;
	struct json *j;

	if (*ps->p == '-')
		ps->p++;
	if (*ps->p < '0' || *ps->p > '9') {
		fail(ps, "unexpected character '%c'", *s ? *s : '0');
		return NULL;
	}
	while ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' ||
	       *ps->p == 'e' || *ps->p == 'E' || *ps->p == '+' ||
	       *ps->p == '-')
		ps->p++;
	j = node(JSON_NUM);
	if (j)
		j->str = strndup(s, (size_t)(ps->p - s));
	if (!j || !j->str) {
		free(j);
		fail(ps, "out of memory");
		return NULL;
	}
	return j;
}

static bool word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(ps->p, w, n))
		return false;
	ps->p += n;
	return true;
}

/* Members of an object (keyed) or elements of an array, up to close. */
static struct json *parse_list(struct parser *ps, enum json_type t,
			       char close, int depth)
{
	struct json *j = node(t), **tail;

	if (!j) {
		fail(ps, "out of memory");
		return NULL;
	}
	tail = &j->child;
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_ws(ps);
		if (t == JSON_OBJ) {
			if (*ps->p != '"') {
				fail(ps, "expected a member name");
				break;
			}
			key = parse_string(ps);
			skip_ws(ps);
			if (!key || *ps->p != ':') {
				free(key);
				fail(ps, "expected ':'");
				break;
			}
			ps->p++;
		}
		v = parse_value(ps, depth + 1);
		if (!v) {
			free(key);
			break;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return j;
		}
		fail(ps, "expected ',' or '%c'", close);
		break;
	}
	json_free(j);
	return NULL;
}

static struct json *parse_value(struct parser *ps, int depth)
{
	struct json *j;

	if (depth > JSON_MAX_DEPTH) {
		fail(ps, "nested too deeply");
		return NULL;
	}
	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		return parse_list(ps, JSON_OBJ, '}', depth);
	case '[':
		return parse_list(ps, JSON_ARR, ']', depth);
	case '"':
		j = node(JSON_STR);
		if (!j) {
			fail(ps, "out of memory");
			return NULL;
		}
		j->str = parse_string(ps);
		if (!j->str) {
			free(j);
			return NULL;
		}
		return j;
	}
	if (word(ps, "true") || word(ps, "false")) {
		j = node(JSON_BOOL);
		if (j)
			j->b = ps->p[-1] == 'e' && ps->p[-2] == 'u';
		return j;
	}
	if (word(ps, "null"))
		return node(JSON_NULL);
	return parse_number(ps);
}

struct json *json_parse(const char *text, char *err, size_t errlen)
{
	struct parser ps = { .p = text, .start = text, .err = err,
			     .errlen = errlen };
	struct json *j = parse_value(&ps, 0);

	if (!j) {
		fail(&ps, "out of memory");
		return NULL;
	}
	skip_ws(&ps);
	if (*ps.p) {
		fail(&ps, "trailing characters");
		json_free(j);
		return NULL;
	}
	return j;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;

		json_free(j->child);
		free(j->key);
		free(j->str);
		free(j);
		j = next;
	}
}

static const struct json *member(const struct json *j, const char *key,
				 size_t n)
{
	if (!j || j->type != JSON_OBJ)
		return NULL;
	for (const struct json *c = j->child; c; c = c->next)
		if (strlen(c->key) == n && !strncmp(c->key, key, n))
			return c;
	return NULL;
}

const struct json *json_get(const struct json *j, const char *path)
{
	while (j && *path) {
		size_t n = strcspn(path, ".");

		j = member(j, path, n);
		path += n;
		if (*path == '.')
			path++;
	}
	return j;
}

const char *json_str(const struct json *j, const char *path)
{
	j = json_get(j, path);
	return j && j->type == JSON_STR ? j->str : NULL;
}

bool json_u64(const struct json *j, const char *path, uint64_t *v)
{
	char *end;

	j = json_get(j, path);
	if (!j || j->type != JSON_NUM || j->str[0] == '-')
		return false;
	errno = 0;
	*v = strtoull(j->str, &end, 10);
	return !errno && !*end;
}

static void write_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_write(FILE *f, const struct json *j)
{
	if (j->key) {
		write_str(f, j->key);
		fputc(':', f);
	}
	switch (j->type) {
	case JSON_NULL:
		fputs("null", f);
		return;
	case JSON_BOOL:
		fputs(j->b ? "true" : "false", f);
		return;
	case JSON_NUM:
		fputs(j->str, f);
		return;
	case JSON_STR:
		write_str(f, j->str);
		return;
	case JSON_ARR:
	case JSON_OBJ:
		fputc(j->type == JSON_ARR ? '[' : '{', f);
		for (const struct json *c = j->child; c; c = c->next) {
			json_write(f, c);
			if (c->next)
				fputc(',', f);
		}
		fputc(j->type == JSON_ARR ? ']' : '}', f);
	}
}
