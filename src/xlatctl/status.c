// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xlatctl status, short and long (-v), from the status tree; see render.h.
 * The short form answers "is it working, on what, and is traffic
 * flowing": state, uplink, prefix, addresses, data path, traffic, and
 * drops only when there are some.
 */
#include "xlatctl/render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define LABEL "  %-11s"

static const struct json *instances(const struct json *status)
{
	const struct json *a = json_get(status, "instances");

	return a && a->type == JSON_ARR ? a->child : NULL;
}

bool render_match(const struct json *inst, const char *match)
{
	static const char *const keys[] = { "name", "config.uplink",
					    "config.tun" };

	if (!match)
		return true;
	for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *s = json_str(inst, keys[i]);

		if (s && !strcmp(s, match))
			return true;
	}
	return false;
}

void render_filter(struct json *status, const char *match)
{
	struct json *a = (struct json *)json_get(status, "instances");
	struct json **pp;

	if (!a || a->type != JSON_ARR)
		return;
	for (pp = &a->child; *pp;) {
		struct json *i = *pp;

		if (render_match(i, match)) {
			pp = &i->next;
			continue;
		}
		*pp = i->next;
		i->next = NULL;
		json_free(i);
	}
}

void render_count(char *buf, size_t len, uint64_t v, const char *unit)
{
	static const char units[] = "kMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 100000) {
		snprintf(buf, len, "%" PRIu64 "%s%s", v, unit[0] ? " " : "", unit);
		return;
	}
	while (d >= 1000 && u < 5) {
		d /= 1000;
		u++;
	}
	snprintf(buf, len, "%.1f %c%s", d, units[u], unit);
}

static void header(FILE *f, const struct json *i)
{
	const char *kind = json_str(i, "kind"), *name = json_str(i, "name");
	const char *state = json_str(i, "state"), *reason = json_str(i, "reason");

	fprintf(f, "%s %s: %s", kind ? kind : "?", name ? name : "?",
		state ? state : "?");
	if (reason && reason[0])
		fprintf(f, " (%s)", reason);
	fputc('\n', f);
}

/* ---- short ---- */

static void clat_lines(FILE *f, const struct json *c)
{
	const char *up = json_str(c, "uplink"), *mode = json_str(c, "mode");
	const char *pfx = json_str(c, "pref64.prefix");
	const char *v4 = json_str(c, "clat_ipv4"), *v6 = json_str(c, "clat_ipv6");
	const char *dp = json_str(c, "datapath");
	uint64_t life, mtu;

	if (up)
		fprintf(f, LABEL "%s (mode %s)\n", "uplink:", up,
			mode ? mode : "?");
	if (pfx) {
		const char *src = json_str(c, "pref64.source");

		fprintf(f, LABEL "%s from %s", "prefix:", pfx, src ? src : "?");
		if (json_u64(c, "pref64.lifetime_s", &life))
			fprintf(f, ", %" PRIu64 " s left", life);
		else if (json_str(c, "pref64.lifetime"))
			fprintf(f, ", lifetime %s", json_str(c, "pref64.lifetime"));
		fputc('\n', f);
	}
	/* Dedicated or shared, and why (docs/clat-shared.md). */
	if (json_str(c, "address_mode_why"))
		fprintf(f, LABEL "%s\n", "address:", json_str(c, "address_mode_why"));
	if (v4 && v6) {
		fprintf(f, LABEL "%s as %s", "addresses:", v4, v6);
		if (json_str(c, "tun"))
			fprintf(f, ", tun %s", json_str(c, "tun"));
		if (json_u64(c, "mtu", &mtu))
			fprintf(f, " mtu %" PRIu64, mtu);
		fputc('\n', f);
	}
	if (dp) {
		const char *why = json_str(c, "fastpath_reason");
		const char *at = json_str(c, "fastpath_attach");

		fprintf(f, LABEL "%s", "datapath:", dp);
		if (at)
			fprintf(f, " (%s)", at);
		else if (why)
			fprintf(f, " (no fast path: %s)", why);
		fputc('\n', f);
	}
}

static void siit_lines(FILE *f, const struct json *c)
{
	const char *tun = json_str(c, "tun"), *pool6 = json_str(c, "pool6");
	const char *io = json_str(c, "io"), *off = json_str(c, "offload");
	uint64_t mtu, eam = 0, thr;

	if (tun) {
		fprintf(f, LABEL "%s", "tun:", tun);
		if (json_u64(c, "mtu", &mtu))
			fprintf(f, " mtu %" PRIu64, mtu);
		fputc('\n', f);
	}
	json_u64(c, "eam_entries", &eam);
	if (pool6 || eam) {
		fprintf(f, LABEL "%s", "mapping:", pool6 ? pool6 : "no pool6");
		fprintf(f, ", %" PRIu64 " EAM entr%s\n", eam, eam == 1 ? "y" : "ies");
	}
	if (json_u64(c, "threads", &thr))
		fprintf(f, LABEL "userspace, %" PRIu64 " thread%s, io %s, offload %s\n",
			"datapath:", thr, thr == 1 ? "" : "s", io ? io : "?",
			off ? off : "?");
}

/* The eBPF fast path of a nat64 instance, when it runs. */
static void nat64_fastpath(FILE *f, const struct json *c)
{
	const char *at = json_str(c, "fastpath.attach");
	uint64_t n = 0, x64 = 0, x46 = 0;

	if (!at)
		return;
	json_u64(c, "fastpath.sessions", &n);
	json_u64(c, "fastpath.fp_6to4_translated", &x64);
	json_u64(c, "fastpath.fp_4to6_translated", &x46);
	fprintf(f, LABEL "eBPF on the TUN's egress (%s%s), %" PRIu64
		   " sessions, %" PRIu64 " pkts 6to4, %" PRIu64 " pkts 4to6\n",
		"fast path:", at,
		json_str(c, "fastpath.attached") &&
				!strcmp(json_str(c, "fastpath.attached"), "yes") ?
			"" : ", DETACHED",
		n, x64, x46);
}

/* A nat64 instance: the siit's lines, then its tables and refusals. */
static void nat64_lines(FILE *f, const struct json *c)
{
	uint64_t s = 0, max = 0, bib = 0, full = 0, host = 0, pool = 0;

	siit_lines(f, c);
	if (!json_u64(c, "sessions", &s))
		return;
	json_u64(c, "max_sessions", &max);
	json_u64(c, "bib_entries", &bib);
	json_u64(c, "nat64.refused_table_full", &full);
	json_u64(c, "nat64.refused_host_limit", &host);
	json_u64(c, "nat64.refused_pool4_exhausted", &pool);
	fprintf(f, LABEL "%" PRIu64 " of %" PRIu64 ", BIB %" PRIu64, "sessions:",
		s, max, bib);
	if (full || host || pool)
		fprintf(f, ", refused: %" PRIu64 " table full, %" PRIu64
			   " host limit, %" PRIu64 " pool4", full, host, pool);
	fputc('\n', f);
	nat64_fastpath(f, c);
}

static void traffic(FILE *f, const char *dir, const struct json *d)
{
	uint64_t ip = 0, ib = 0, op = 0, ob = 0, rep = 0;
	char a[32], b[32], c[32], e[32];

	if (!d)
		return;
	json_u64(d, "in_packets", &ip);
	json_u64(d, "in_bytes", &ib);
	json_u64(d, "out_packets", &op);
	json_u64(d, "out_bytes", &ob);
	json_u64(d, "replies", &rep);
	render_count(a, sizeof(a), ip, "");
	render_count(b, sizeof(b), ib, "B");
	render_count(c, sizeof(c), op, "");
	render_count(e, sizeof(e), ob, "B");
	fprintf(f, LABEL "in %s pkts %s, out %s pkts %s", dir, a, b, c, e);
	if (rep)
		fprintf(f, ", %" PRIu64 " ICMP errors sent", rep);
	fputc('\n', f);
}

static void drops(FILE *f, const char *dir, const struct json *d)
{
	const struct json *r = json_get(d, "drop_reasons");
	uint64_t n = 0;

	if (!json_u64(d, "drops", &n) || !n)
		return;
	fprintf(f, "  drops %-4s %" PRIu64, dir, n);
	if (r && r->type == JSON_OBJ && r->child) {
		const char *sep = " (";

		for (const struct json *m = r->child; m; m = m->next) {
			fprintf(f, "%s%s %s", sep, m->key, m->str);
			sep = ", ";
		}
		fputc(')', f);
	}
	fputc('\n', f);
}

static bool idle(const struct json *i)
{
	static const char *const keys[] = { "counters.4to6.in_packets",
					    "counters.6to4.in_packets" };
	const char *state = json_str(i, "state");
	uint64_t v;

	if (state && !strcmp(state, "running"))
		return false;
	for (unsigned int k = 0; k < 2; k++)
		if (!json_u64(i, keys[k], &v) || v)
			return false;
	return true;
}

int render_short(FILE *f, const struct json *status, const char *match)
{
	int n = 0;

	for (const struct json *i = instances(status); i; i = i->next) {
		const struct json *c = json_get(i, "config");
		const char *kind = json_str(i, "kind");
		const struct json *ctr = json_get(i, "counters");

		if (!render_match(i, match))
			continue;
		header(f, i);
		if (kind && !strcmp(kind, "clat"))
			clat_lines(f, c);
		else if (kind && !strcmp(kind, "siit"))
			siit_lines(f, c);
		else if (kind && !strcmp(kind, "nat64"))
			nat64_lines(f, c);
		/* A stopped CLAT that never saw a packet: two lines of
		 * zeros say nothing. */
		if (!idle(i)) {
			traffic(f, "4to6", json_get(ctr, "4to6"));
			traffic(f, "6to4", json_get(ctr, "6to4"));
		}
		drops(f, "4to6", json_get(ctr, "4to6"));
		drops(f, "6to4", json_get(ctr, "6to4"));
		n++;
	}
	return n;
}

/* ---- long: every key, as xlatd's text status ---- */

static void long_members(FILE *f, const struct json *o, int depth)
{
	for (const struct json *m = o ? o->child : NULL; m; m = m->next) {
		fprintf(f, "%*s%s:", depth * 2, "", m->key);
		switch (m->type) {
		case JSON_OBJ:
			fputc('\n', f);
			long_members(f, m, depth + 1);
			continue;
		case JSON_BOOL:
			fprintf(f, " %s\n", m->b ? "yes" : "no");
			continue;
		case JSON_STR:
		case JSON_NUM:
			fprintf(f, " %s\n", m->str);
			continue;
		default:
			fputc('\n', f);
		}
	}
}

int render_long(FILE *f, const struct json *status, const char *match)
{
	int n = 0;

	for (const struct json *i = instances(status); i; i = i->next) {
		if (!render_match(i, match))
			continue;
		header(f, i);
		for (const struct json *m = i->child; m; m = m->next)
			if (m->type == JSON_OBJ) {
				fprintf(f, "  %s:\n", m->key);
				long_members(f, m, 2);
			}
		n++;
	}
	return n;
}
