// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xlatd.conf parser: lines, sections, the key tables' look-up, the
 * instance list; see config.h and man/xlatd.conf.5.  The keys of each
 * kind are in config_global.c, config_inst.c ([siit] and [clat]),
 * config_siit.c, config_clat.c and config_nat64.c.
 */
#include "xlatd/config.h"

#include "xlatd/config_nat64.h"
#include "xlatd/config_priv.h"

#include "xlat_cfg.h"
#include "xlatd/ctl.h"

__attribute__((format(printf, 3, 4))) static int perr(struct pctx *p, int line,
						      const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(p->err, p->errlen, "%s:%d: ", p->fname, line);
	if (n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void sect_label(const struct pctx *p, char *buf, size_t n)
{
	if (p->ic)
		snprintf(buf, n, "[%s %s]", p->ic->kind, p->ic->name);
	else
		snprintf(buf, n, "[global]");
}

static int canon_add(struct inst_conf *ic, const char *k, const char *v)
{
	size_t add = strlen(k) + strlen(v) + 2;
	char *t = realloc(ic->canon, ic->canon_len + add + 1);

	if (!t)
		return -1;
	ic->canon = t;
	snprintf(ic->canon + ic->canon_len, add + 1, "%s=%s\n", k, v);
	ic->canon_len += add;
	return 0;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) >= CONF_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

static void inst_defaults(struct inst_conf *ic)
{
	xlat_cfg_init(&ic->xlat);
	conf_siit_defaults(ic);
	conf_clat_defaults(ic);
	if (!strcmp(ic->kind, "nat64"))
		conf_nat64_defaults(ic);
}

/* Defaults that depend on other keys, then the whole-section checks. */
static int sect_finish(struct pctx *p)
{
	struct inst_conf *ic = p->ic;
	char msg[256];
	int line = ic->line;
	int r;

	p->ic = NULL;
	ic->xlat.eam = ic->eam;
	ic->xlat.n_eam = ic->n_eam;
	if (!strcmp(ic->kind, "nat64")) {
		if (conf_nat64_finish(ic, msg, sizeof(msg)))
			return perr(p, line, "[nat64 %s]: %s", ic->name, msg);
		return 0;
	}
	if (!strcmp(ic->kind, "siit"))
		r = conf_siit_finish(ic, p->self6_set, msg, sizeof(msg));
	else
		r = conf_clat_finish(ic, msg, sizeof(msg));
	if (r || xlat_cfg_validate(&ic->xlat, msg, sizeof(msg)))
		return perr(p, line, "[%s %s]: %s", ic->kind, ic->name, msg);
	return 0;
}

static int sect_begin(struct pctx *p, char *hdr)
{
	char kind[32], name[64], extra[2];
	struct inst_conf *ic, **tail;
	int n;

	p->n_seen = 0;
	p->self6_set = false;
	p->in_global = false;
	n = sscanf(hdr, "%31s %63s %1s", kind, name, extra);
	if (n == 1 && !strcmp(kind, "global")) {
		p->in_global = true;
		return 0;
	}
	if (n == 1 && (!strcmp(kind, "siit") || !strcmp(kind, "clat") ||
		       !strcmp(kind, "nat64")))
		return perr(p, p->line, "section [%s] needs an instance name: [%s NAME]",
			    kind, kind);
	if (n != 2)
		return perr(p, p->line, "invalid section header [%s]: [global] or [KIND NAME]",
			    hdr);
	if (strcmp(kind, "siit") && strcmp(kind, "clat") && strcmp(kind, "nat64"))
		return perr(p, p->line, "unknown instance kind \"%s\" (siit, clat or nat64)",
			    kind);
	if (!valid_name(name))
		return perr(p, p->line, "invalid instance name \"%s\": 1 to %d of A-Z a-z 0-9 - _ .",
			    name, CONF_NAME_MAX - 1);
	if (conf_find(p->c, name))
		return perr(p, p->line, "instance \"%s\" defined twice (line %d)",
			    name, conf_find(p->c, name)->line);
	ic = calloc(1, sizeof(*ic));
	if (!ic)
		return perr(p, p->line, "out of memory");
	strcpy(ic->kind, kind);
	strcpy(ic->name, name);
	ic->line = p->line;
	inst_defaults(ic);
	for (tail = &p->c->inst; *tail; tail = &(*tail)->next)
		;
	*tail = ic;
	p->c->n_inst++;
	p->ic = ic;
	return canon_add(ic, "kind", kind) ? perr(p, p->line, "out of memory") : 0;
}

static const struct key *key_find(const char *k)
{
	static const struct key_table *const tables[] = {
		&conf_global_keys, &conf_inst_keys, &conf_siit_keys,
		&conf_clat_keys,
	};

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < tables[t]->n; i++)
			if (!strcmp(tables[t]->keys[i].name, k))
				return &tables[t]->keys[i];
	return NULL;
}

/* [nat64] keys live in config_nat64.c. */
static int nat64_key_line(struct pctx *p, const char *k, char *v,
			  const char *sect)
{
	size_t vl = strlen(v);
	char msg[320];
	int r;

	if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
		v[vl - 1] = '\0';
		v = trim(v + 1);
	}
	if (!*v)
		return perr(p, p->line, "key \"%s\" in %s has no value", k, sect);
	r = conf_nat64_key(p->ic, k, v, msg, sizeof(msg));
	if (r > 0)
		return perr(p, p->line, "unknown key \"%s\" in %s", k, sect);
	if (r < 0)
		return perr(p, p->line, "%s in %s", msg, sect);
	return canon_add(p->ic, k, v) ? perr(p, p->line, "out of memory") : 0;
}

static int key_line(struct pctx *p, char *k, char *v)
{
	unsigned int scope = p->ic ? (!strcmp(p->ic->kind, "siit") ? SC_SIIT : SC_CLAT)
				   : SC_GLOBAL;
	const struct key *key = key_find(k);
	char sect[96], msg[320];
	size_t vl = strlen(v);

	sect_label(p, sect, sizeof(sect));
	if (!p->ic && !p->in_global)
		return perr(p, p->line, "key \"%s\" outside any section", k);
	if (p->ic && !strcmp(p->ic->kind, "nat64"))
		return nat64_key_line(p, k, v, sect);
	if (!key || !(key->scope & scope))
		return perr(p, p->line, "unknown key \"%s\" in %s", k, sect);
	if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
		v[vl - 1] = '\0';
		v = trim(v + 1);
	}
	if (!*v)
		return perr(p, p->line, "key \"%s\" in %s has no value", k, sect);
	if (!key->repeat) {
		for (unsigned int i = 0; i < p->n_seen; i++)
			if (p->seen[i] == key->name)
				return perr(p, p->line, "key \"%s\" given twice in %s",
					    k, sect);
		if (p->n_seen < sizeof(p->seen) / sizeof(p->seen[0]))
			p->seen[p->n_seen++] = key->name;
	}
	if (key->set(p, v, msg, sizeof(msg)))
		return perr(p, p->line, "%s in %s", msg, sect);
	if (p->ic && canon_add(p->ic, k, v))
		return perr(p, p->line, "out of memory");
	return 0;
}

static int parse_line(struct pctx *p, char *line)
{
	char *s = trim(line), *eq, *hash;

	if (!*s || *s == '#' || *s == ';')
		return 0;
	/* A '#' after white space starts a comment; keep "a#b". */
	for (hash = s; (hash = strchr(hash, '#')); hash++)
		if (isspace((unsigned char)hash[-1])) {
			*hash = '\0';
			s = trim(s);
			break;
		}
	if (*s == '[') {
		size_t n = strlen(s);

		if (s[n - 1] != ']')
			return perr(p, p->line, "section header without closing ']'");
		s[n - 1] = '\0';
		if (p->ic && sect_finish(p))
			return -1;
		return sect_begin(p, trim(s + 1));
	}
	eq = strchr(s, '=');
	if (!eq)
		return perr(p, p->line, "expected \"key = value\" or \"[section]\"");
	*eq = '\0';
	return key_line(p, trim(s), trim(eq + 1));
}

void conf_init(struct xlatd_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->control_socket, sizeof(c->control_socket), "%s",
		 CTL_DEFAULT_SOCKET);
	snprintf(c->state_dir, sizeof(c->state_dir), "/run/xlatd");
	c->clat_auto = true;
	c->v6only_wait = V6ONLY_WAIT_DEFAULT;
	c->log_level = -1;
}

void inst_conf_free(struct inst_conf *ic)
{
	if (!ic)
		return;
	free(ic->eam);
	free(ic->canon);
	free(ic);
}

void conf_free(struct xlatd_conf *c)
{
	while (c->inst) {
		struct inst_conf *ic = c->inst;

		c->inst = ic->next;
		inst_conf_free(ic);
	}
	c->n_inst = 0;
}

int conf_parse_string(const char *text, const char *fname,
		      struct xlatd_conf *c, char *err, size_t errlen)
{
	struct pctx p = { .fname = fname, .c = c, .err = err, .errlen = errlen };
	const char *s = text;
	char line[MAX_LINE];
	int ret = 0;

	conf_init(c);
	if (errlen)
		err[0] = '\0';
	while (*s && !ret) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		p.line++;
		if (n >= sizeof(line)) {
			ret = perr(&p, p.line, "line longer than %d bytes",
				   MAX_LINE - 1);
			break;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		if (memchr(line, '\0', n))
			ret = perr(&p, p.line, "NUL byte in line");
		else
			ret = parse_line(&p, line);
		s += n + (nl ? 1 : 0);
	}
	if (!ret && p.ic)
		ret = sect_finish(&p);
	if (ret)
		conf_free(c);
	return ret;
}

int conf_parse_file(const char *path, bool missing_ok, struct xlatd_conf *c,
		    char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0, len = 0, r;
	int ret;

	if (!f) {
		if (errno == ENOENT && missing_ok) {
			conf_init(c);
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	do {
		if (cap - len < 4096) {
			char *t = realloc(text, cap + 65536);

			if (!t) {
				free(text);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			text = t;
			cap += 65536;
		}
		r = fread(text + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		free(text);
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		return -1;
	}
	ret = conf_parse_string(text, path, c, err, errlen);
	free(text);
	return ret;
}

const struct inst_conf *conf_find(const struct xlatd_conf *c, const char *name)
{
	for (const struct inst_conf *ic = c->inst; ic; ic = ic->next)
		if (!strcmp(ic->name, name))
			return ic;
	return NULL;
}

bool inst_conf_equal(const struct inst_conf *a, const struct inst_conf *b)
{
	return !strcmp(a->kind, b->kind) && !strcmp(a->name, b->name) &&
	       a->canon_len == b->canon_len &&
	       (!a->canon_len || !memcmp(a->canon, b->canon, a->canon_len));
}

struct inst_conf *inst_conf_dup(const struct inst_conf *ic)
{
	struct inst_conf *d = malloc(sizeof(*d));

	if (!d)
		return NULL;
	*d = *ic;
	d->next = NULL;
	d->eam = NULL;
	d->canon = NULL;
	if (ic->n_eam) {
		d->eam = malloc(ic->n_eam * sizeof(*d->eam));
		if (!d->eam)
			goto fail;
		memcpy(d->eam, ic->eam, ic->n_eam * sizeof(*d->eam));
	}
	d->xlat.eam = d->eam;
	if (ic->canon) {
		d->canon = malloc(ic->canon_len + 1);
		if (!d->canon)
			goto fail;
		memcpy(d->canon, ic->canon, ic->canon_len + 1);
	}
	return d;
fail:
	inst_conf_free(d);
	return NULL;
}
