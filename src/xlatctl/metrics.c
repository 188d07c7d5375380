// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xlatctl metrics: the status tree in the Prometheus text exposition
 * format (version 0.0.4).  Samples are collected first and printed family
 * by family, because the format wants all samples of one metric together
 * under one HELP and TYPE, while the tree is ordered by instance.
 *
 * Names: xlat464_ prefix, base units in the name (_bytes, _seconds),
 * _total on counters.  Counters of every drop reason are printed even
 * when zero (the daemon's status lists only non-zero ones), so a series
 * does not appear out of nothing.  A numeric status key this file does
 * not know yet still comes out, as an untyped xlat464_<kind>_<key>.
 */
#include "xlatctl/render.h"

#include "engine/xlat.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct sample {
	char family[96];
	const char *type;
	char help[128];
	char labels[768];
	char value[32];
};

struct samples {
	struct sample *v;
	size_t n, cap;
	bool oom;
};

static void label_esc(char *out, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

/* Append ,name="value" to a label set. */
static void label_add(char *labels, size_t len, const char *name,
		      const char *value)
{
	char esc[256];
	size_t n = strlen(labels);

	label_esc(esc, sizeof(esc), value);
	snprintf(labels + n, len - n, "%s%s=\"%s\"", n ? "," : "", name, esc);
}

static struct sample *add(struct samples *s, const char *family,
			  const char *type, const char *help,
			  const char *labels)
{
	struct sample *x;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 128;
		struct sample *v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			s->oom = true;
			return NULL;
		}
		s->v = v;
		s->cap = cap;
	}
	x = &s->v[s->n++];
	snprintf(x->family, sizeof(x->family), "%s", family);
	x->type = type;
	snprintf(x->help, sizeof(x->help), "%s", help);
	snprintf(x->labels, sizeof(x->labels), "%s", labels);
	x->value[0] = '\0';
	return x;
}

static void add_u64(struct samples *s, const char *family, const char *type,
		    const char *help, const char *labels, uint64_t v)
{
	struct sample *x = add(s, family, type, help, labels);

	if (x)
		snprintf(x->value, sizeof(x->value), "%" PRIu64, v);
}

/* ---- per-direction counters ---- */

static const struct {
	const char *key, *family, *help;
} dir_keys[] = {
	{ "in_packets", "xlat464_in_packets_total", "Packets that entered the translator." },
	{ "in_bytes", "xlat464_in_bytes_total", "Bytes that entered the translator." },
	{ "out_packets", "xlat464_out_packets_total", "Translated packets sent." },
	{ "out_bytes", "xlat464_out_bytes_total", "Bytes of translated packets sent." },
	{ "replies", "xlat464_icmp_errors_sent_total", "ICMP errors the translator generated." },
	{ "hairpinned", "xlat464_hairpinned_packets_total", "Packets translated twice (hairpinning)." },
	{ "drops", "xlat464_dropped_packets_total", "Packets dropped, all reasons." },
};

static void dir_counters(struct samples *s, const char *base,
			 const char *dir, const struct json *d)
{
	char l[768];
	uint64_t v;

	snprintf(l, sizeof(l), "%s", base);
	label_add(l, sizeof(l), "direction", dir);
	for (unsigned int k = 0; k < sizeof(dir_keys) / sizeof(dir_keys[0]); k++)
		if (json_u64(d, dir_keys[k].key, &v))
			add_u64(s, dir_keys[k].family, "counter",
				dir_keys[k].help, l, v);
	for (int r = 1; r < XLAT_DROP__COUNT; r++) {
		const char *name = xlat_drop_name((enum xlat_drop)r);
		const struct json *reasons = json_get(d, "drop_reasons");
		const struct json *m = reasons ? reasons->child : NULL;
		char lr[768];

		v = 0;
		for (; m; m = m->next)
			if (!strcmp(m->key, name))
				json_u64(m, "", &v);
		snprintf(lr, sizeof(lr), "%s", l);
		label_add(lr, sizeof(lr), "reason", name);
		add_u64(s, "xlat464_dropped_packets_by_reason_total", "counter",
			"Packets dropped, by reason.", lr, v);
	}
}

/* ---- instance configuration and counters of the kinds ---- */

static const struct {
	const char *key, *family, *type, *help, *lname, *lval;
	unsigned int usec; /* value is in microseconds: print seconds */
} cfg_keys[] = {
	{ "mtu", "xlat464_mtu_bytes", "gauge", "MTU of the translator's TUN device.", 0, 0, 0 },
	{ "uplink_ipv6_mtu", "xlat464_uplink_ipv6_mtu_bytes", "gauge", "IPv6 MTU of the CLAT's uplink.", 0, 0, 0 },
	{ "metric", "xlat464_route_metric", "gauge", "Metric of the CLAT's IPv4 default route.", 0, 0, 0 },
	{ "threads", "xlat464_threads", "gauge", "Worker threads.", 0, 0, 0 },
	{ "eam_entries", "xlat464_eam_entries", "gauge", "Explicit address mappings (RFC 7757).", 0, 0, 0 },
	{ "routes", "xlat464_routes", "gauge", "Routes the instance installed.", 0, 0, 0 },
	{ "coalesce_usecs", "xlat464_coalesce_seconds", "gauge", "Time a worker waits to batch packets.", 0, 0, 1 },
	{ "ns_answered", "xlat464_neighbor_solicitations_answered_total", "counter", "Neighbor solicitations answered for the CLAT address.", 0, 0, 0 },
	{ "io_errors", "xlat464_io_errors_total", "counter", "Read and write errors of the data path.", 0, 0, 0 },
	{ "tun_write_errors", "xlat464_io_errors_total", "counter", "Read and write errors of the data path.", 0, 0, 0 },
	{ "uplink_tx_dropped", "xlat464_uplink_dropped_total", "counter", "Frames the uplink refused, its queue full.", 0, 0, 0 },
	{ "tun_gso_in", "xlat464_gso_packets_total", "counter", "GSO super-packets through the TUN device.", "direction", "in", 0 },
	{ "tun_gso_out", "xlat464_gso_packets_total", "counter", "GSO super-packets through the TUN device.", "direction", "out", 0 },
	{ "io_sleeps_poll", "xlat464_io_sleeps_total", "counter", "Times a worker slept, by how it woke.", "wakeup", "poll", 0 },
	{ "io_sleeps_timer", "xlat464_io_sleeps_total", "counter", "Times a worker slept, by how it woke.", "wakeup", "timer", 0 },
	{ "pref64.lifetime_s", "xlat464_pref64_lifetime_seconds", "gauge", "Remaining lifetime of the NAT64 prefix.", 0, 0, 0 },
	{ "ipv6_mtu", "xlat464_path_mtu_bytes", "gauge", "Configured MTU toward the IPv6 or IPv4 side.", "family", "ipv6", 0 },
	{ "ipv4_mtu", "xlat464_path_mtu_bytes", "gauge", "Configured MTU toward the IPv6 or IPv4 side.", "family", "ipv4", 0 },
	{ "icmp_errors_rate_limited", "xlat464_icmp_errors_rate_limited_total", "counter", "ICMP errors not sent: over the rate limit.", 0, 0, 0 },
	{ "ipv6_only_preferred.v6only_wait_s", "xlat464_v6only_wait_seconds", "gauge", "RFC 8925 V6ONLY_WAIT reported for the uplink.", 0, 0, 0 },
	{ "ipv6_only_preferred.remaining_s", "xlat464_v6only_wait_remaining_seconds", "gauge", "Time left in the V6ONLY_WAIT.", 0, 0, 0 },
};

/* Booleans: 1 or 0. */
static const struct {
	const char *key, *family, *help;
} bool_keys[] = {
	{ "ipv6_only_preferred.answer", "xlat464_ipv6_only_preferred", "1 if a DHCPv4 client on the uplink should ask for option 108 (RFC 8925)." },
	{ "ipv6_only_preferred.expired", "xlat464_v6only_wait_expired", "1 if the V6ONLY_WAIT ran out without a NAT64 prefix." },
};

static bool prefixed(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);

	if (strncmp(s, p, n))
		return false;
	*rest = s + n;
	return true;
}

/* What a [nat64] fast path says besides its fp_* counters (nat64_fp.c). */
static const struct {
	const char *key, *family, *type, *help;
} fp_keys[] = {
	{ "sessions", "xlat464_fastpath_sessions", "gauge", "Sessions in the NAT64 fast path's maps." },
	{ "capacity", "xlat464_fastpath_sessions_max", "gauge", "Sessions the NAT64 fast path's maps can hold." },
	{ "sessions_not_added", "xlat464_fastpath_sessions_not_added_total", "counter", "Sessions the NAT64 fast path's maps had no room for (userspace translates them)." },
};

/* The fast path's text values (attach, attached) and program id. */
static void fastpath_info(struct samples *s, const char *base,
			  const struct json *fp)
{
	const char *attach = json_str(fp, "attach");
	const char *attached = json_str(fp, "attached");
	char l[768], id[24];
	uint64_t v;

	if (attached)
		add_u64(s, "xlat464_fastpath_attached", "gauge",
			"1 if the NAT64 fast path's program is attached to the TUN.",
			base, !strcmp(attached, "yes"));
	if (!attach && !json_u64(fp, "prog_id", &v))
		return;
	snprintf(l, sizeof(l), "%s", base);
	if (attach)
		label_add(l, sizeof(l), "attach", attach);
	if (json_u64(fp, "prog_id", &v)) {
		snprintf(id, sizeof(id), "%" PRIu64, v);
		label_add(l, sizeof(l), "prog_id", id);
	}
	add_u64(s, "xlat464_fastpath_info", "gauge",
		"Always 1: how the fast path's program is attached, and its id.",
		l, 1);
}

static bool fastpath_known(struct samples *s, const char *base,
			   const struct json *m, uint64_t v)
{
	if (!strcmp(m->key, "prog_id"))
		return true; /* a label of xlat464_fastpath_info */
	for (unsigned int k = 0; k < sizeof(fp_keys) / sizeof(fp_keys[0]); k++)
		if (!strcmp(m->key, fp_keys[k].key)) {
			add_u64(s, fp_keys[k].family, fp_keys[k].type,
				fp_keys[k].help, base, v);
			return true;
		}
	return false;
}

/* fastpath.fp_*: the eBPF program's counters, named by the kernel side. */
static void fastpath(struct samples *s, const char *base, const struct json *fp)
{
	fastpath_info(s, base, fp);
	for (const struct json *m = fp ? fp->child : NULL; m; m = m->next) {
		const char *rest, *family = NULL, *help = NULL, *lname = NULL;
		char l[768], val[64];
		uint64_t v;

		if (!json_u64(m, "", &v) || fastpath_known(s, base, m, v))
			continue;
		snprintf(l, sizeof(l), "%s", base);
		if (prefixed(m->key, "fp_pass_", &rest)) {
			family = "xlat464_fastpath_passed_packets_total";
			help = "Packets the fast path left to userspace, by reason.";
			lname = "reason";
			snprintf(val, sizeof(val), "%s", rest);
		} else if (prefixed(m->key, "fp_drop_", &rest)) {
			family = "xlat464_fastpath_dropped_packets_total";
			help = "Packets the fast path dropped, by reason.";
			lname = "reason";
			snprintf(val, sizeof(val), "%s", rest);
		} else if (prefixed(m->key, "fp_", &rest) && strlen(rest) > 5 &&
			   rest[4] == '_') {
			/* fp_6to4_translated, fp_6to4_in_bytes, ... */
			snprintf(val, sizeof(val), "%.4s", rest);
			lname = "direction";
			rest += 5;
			if (!strcmp(rest, "translated")) {
				family = "xlat464_fastpath_translated_packets_total";
				help = "Packets the eBPF fast path translated.";
			} else if (!strcmp(rest, "in_bytes")) {
				family = "xlat464_fastpath_in_bytes_total";
				help = "Bytes that entered the eBPF fast path.";
			} else if (!strcmp(rest, "out_bytes")) {
				family = "xlat464_fastpath_out_bytes_total";
				help = "Bytes the eBPF fast path sent translated.";
			}
		}
		if (!family) {
			family = "xlat464_fastpath_counter";
			help = "An eBPF fast path counter this xlatctl has no name for.";
			lname = "name";
			snprintf(val, sizeof(val), "%s", m->key);
		}
		label_add(l, sizeof(l), lname, val);
		add_u64(s, family, strstr(family, "_total") ? "counter" : "untyped",
			help, l, v);
	}
}

static bool cfg_known(struct samples *s, const char *base, const char *path,
		      const struct json *m)
{
	for (unsigned int k = 0; k < sizeof(cfg_keys) / sizeof(cfg_keys[0]); k++) {
		char l[768];
		struct sample *x;
		uint64_t v;

		if (strcmp(cfg_keys[k].key, path) || !json_u64(m, "", &v))
			continue;
		snprintf(l, sizeof(l), "%s", base);
		if (cfg_keys[k].lname)
			label_add(l, sizeof(l), cfg_keys[k].lname, cfg_keys[k].lval);
		x = add(s, cfg_keys[k].family, cfg_keys[k].type,
			cfg_keys[k].help, l);
		if (x && cfg_keys[k].usec)
			snprintf(x->value, sizeof(x->value), "%" PRIu64 ".%06" PRIu64,
				 v / 1000000, v % 1000000);
		else if (x)
			snprintf(x->value, sizeof(x->value), "%" PRIu64, v);
		return true;
	}
	return false;
}

static void cfg_bool(struct samples *s, const char *base, const char *kind,
		     const char *path, bool v)
{
	const char *family = NULL, *help = "A status flag this xlatctl has no name for.";
	char fam[160];

	for (unsigned int k = 0; k < sizeof(bool_keys) / sizeof(bool_keys[0]); k++)
		if (!strcmp(bool_keys[k].key, path)) {
			family = bool_keys[k].family;
			help = bool_keys[k].help;
		}
	if (!family) {
		snprintf(fam, sizeof(fam), "xlat464_%s_%s", kind, path);
		for (char *p = fam; *p; p++)
			if (*p == '.')
				*p = '_';
		family = fam;
	}
	add_u64(s, family, "gauge", help, base, v);
}

/* Walk the config: numbers and booleans become samples, strings labels
 * of _info. */
static void config(struct samples *s, const char *base, const char *kind,
		   const struct json *o, const char *prefix, char *info,
		   size_t infolen)
{
	for (const struct json *m = o ? o->child : NULL; m; m = m->next) {
		char path[128], fam[160];
		uint64_t v;

		snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "",
			 m->key);
		if (m->type == JSON_OBJ && !strcmp(path, "fastpath")) {
			fastpath(s, base, m);
		} else if (m->type == JSON_OBJ) {
			config(s, base, kind, m, path, info, infolen);
		} else if (!strcmp(path, "pref64.lifetime") && m->type == JSON_STR) {
			struct sample *x = add(s, "xlat464_pref64_lifetime_seconds", "gauge",
					       "Remaining lifetime of the NAT64 prefix.", base);

			if (x)
				snprintf(x->value, sizeof(x->value), "+Inf");
		} else if (m->type == JSON_STR) {
			char *p;

			snprintf(fam, sizeof(fam), "%s", path);
			for (p = fam; *p; p++)
				if (*p == '.')
					*p = '_';
			label_add(info, infolen, fam, m->str);
		} else if (m->type == JSON_BOOL) {
			cfg_bool(s, base, kind, path, m->b);
		} else if (m->type == JSON_NUM && !cfg_known(s, base, path, m) &&
			   json_u64(m, "", &v)) {
			char *p;

			snprintf(fam, sizeof(fam), "xlat464_%s_%s", kind, path);
			for (p = fam; *p; p++)
				if (*p == '.')
					*p = '_';
			add_u64(s, fam, "untyped", "A status value this xlatctl has no name for.",
				base, v);
		}
	}
}

static const char *const states[] = { "starting", "running", "waiting",
				      "stopped", "failed" };

static void state_sample(struct samples *s, const char *base, const char *st,
			 const char *state)
{
	char l[768];

	snprintf(l, sizeof(l), "%s", base);
	label_add(l, sizeof(l), "state", st);
	add_u64(s, "xlat464_instance_state", "gauge",
		"1 for the state the instance is in, 0 for the others.", l,
		!strcmp(st, state));
}

static void instance(struct samples *s, const struct json *i)
{
	const char *name = json_str(i, "name"), *kind = json_str(i, "kind");
	const char *state = json_str(i, "state"), *reason = json_str(i, "reason");
	char base[768] = "", info[768];
	bool known = false;

	if (!name || !kind || !state)
		return;
	label_add(base, sizeof(base), "instance", name);
	snprintf(info, sizeof(info), "%s", base);
	label_add(info, sizeof(info), "kind", kind);
	label_add(info, sizeof(info), "reason", reason ? reason : "");
	for (unsigned int k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
		known |= !strcmp(states[k], state);
		state_sample(s, base, states[k], state);
	}
	if (!known)
		state_sample(s, base, state, state);
	config(s, base, kind, json_get(i, "config"), "", info, sizeof(info));
	add_u64(s, "xlat464_instance_info", "gauge",
		"Instance kind, state reason and configuration, as labels.", info, 1);
	dir_counters(s, base, "4to6", json_get(i, "counters.4to6"));
	dir_counters(s, base, "6to4", json_get(i, "counters.6to4"));
}

static void print(FILE *f, const struct samples *s)
{
	bool *done = calloc(s->n ? s->n : 1, sizeof(*done));

	if (!done)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (done[i])
			continue;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", s->v[i].family,
			s->v[i].help, s->v[i].family, s->v[i].type);
		for (size_t j = i; j < s->n; j++) {
			if (done[j] || strcmp(s->v[j].family, s->v[i].family))
				continue;
			done[j] = true;
			fprintf(f, "%s{%s} %s\n", s->v[j].family, s->v[j].labels,
				s->v[j].value);
		}
	}
	free(done);
}

int render_metrics(FILE *f, const struct json *status)
{
	const struct json *a = json_get(status, "instances");
	struct samples s = { 0 };

	if (!a || a->type != JSON_ARR)
		return -1;
	fprintf(f, "# HELP xlat464_up 1 if xlatd answered on its control socket.\n"
		   "# TYPE xlat464_up gauge\nxlat464_up 1\n");
	for (const struct json *i = a->child; i; i = i->next)
		instance(&s, i);
	print(f, &s);
	free(s.v);
	return s.oom ? -1 : 0;
}
