// SPDX-License-Identifier: GPL-2.0-or-later
/* [nat64 NAME] keys: see config_nat64.h and man/xlatd.conf.5. */
#include "xlatd/config_nat64.h"

#include "rfc6052.h"
#include "xlat_cfg.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAT64_MAX_THREADS 64
#define DAY_S (24 * 3600)

__attribute__((format(printf, 3, 4))) static int bad(char *msg, size_t n,
						     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return -1;
}

static int get_bool(const char *v, bool *out, const char *k, char *msg,
		    size_t n)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") ||
	    !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") ||
		 !strcmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else
		return bad(msg, n, "invalid %s \"%s\": yes or no", k, v);
	return 0;
}

static int get_uint(const char *v, unsigned long lo, unsigned long hi,
		    unsigned long *out, const char *k, char *msg, size_t n)
{
	char *end;
	unsigned long x;

	if (*v < '0' || *v > '9')
		return bad(msg, n, "invalid %s \"%s\": a number %lu..%lu", k, v,
			   lo, hi);
	x = strtoul(v, &end, 10);
	if (*end || x < lo || x > hi)
		return bad(msg, n, "invalid %s \"%s\": a number %lu..%lu", k, v,
			   lo, hi);
	*out = x;
	return 0;
}

static int get_proto(const char *v, enum nat64_proto *p)
{
	for (int i = 0; i < NAT64_PROTO__COUNT; i++)
		if (!strcmp(v, nat64_proto_name((enum nat64_proto)i))) {
			*p = (enum nat64_proto)i;
			return 0;
		}
	return -1;
}

static int get_range(const char *v, uint16_t *lo, uint16_t *hi)
{
	unsigned int a, b;
	char extra;

	if (sscanf(v, "%u-%u%c", &a, &b, &extra) != 2 || a > b || b > 65535)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* pool4 = PREFIX [tcp|udp|icmp] [LO-HI] */
static int k_pool4(struct nat64_cfg *c, const char *v, char *msg, size_t n)
{
	char buf[256], *save, *tok;
	struct xlat_prefix4 pfx;
	enum nat64_proto only = NAT64_PROTO__COUNT;
	uint16_t lo = 0, hi = 0;
	bool range = false;

	snprintf(buf, sizeof(buf), "%s", v);
	tok = strtok_r(buf, " \t", &save);
	if (!tok || xlat_prefix4_parse(tok, &pfx))
		goto usage;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (only == NAT64_PROTO__COUNT && !get_proto(tok, &only))
			continue;
		if (!range && !get_range(tok, &lo, &hi)) {
			range = true;
			continue;
		}
		goto usage;
	}
	for (int p = 0; p < NAT64_PROTO__COUNT; p++) {
		struct nat64_pool4 *e;

		if (only != NAT64_PROTO__COUNT && p != (int)only)
			continue;
		if (c->n_pool4 == NAT64_POOL4_MAX)
			return bad(msg, n, "pool4: at most %d entries (one per protocol)",
				   NAT64_POOL4_MAX);
		e = &c->pool4[c->n_pool4++];
		e->proto = (enum nat64_proto)p;
		e->pfx = pfx;
		e->lo = range ? lo : p == NAT64_ICMP ? 0 : 1024;
		e->hi = range ? hi : 65535;
	}
	return 0;
usage:
	return bad(msg, n, "invalid pool4 \"%s\": \"IPV4PREFIX [tcp|udp|icmp] [FIRST-LAST]\", e.g. \"192.0.2.0/28 tcp 1024-65535\"",
		   v);
}

/* static = PROTO IPV6 PORT IPV4 PORT */
static int k_static(struct nat64_cfg *c, const char *v, char *msg, size_t n)
{
	char pr[16], a6[64], a4[32], extra[2];
	unsigned int p6, p4;
	struct nat64_static s;

	memset(&s, 0, sizeof(s));
	if (sscanf(v, "%15s %63s %u %31s %u %1s", pr, a6, &p6, a4, &p4,
		   extra) != 5 ||
	    get_proto(pr, &s.proto) || inet_pton(AF_INET6, a6, &s.a6) != 1 ||
	    inet_pton(AF_INET, a4, &s.a4) != 1 || p6 > 65535 || p4 > 65535)
		return bad(msg, n, "invalid static \"%s\": \"tcp|udp|icmp IPV6 PORT IPV4 PORT\"",
			   v);
	if (c->n_static == NAT64_STATIC_MAX)
		return bad(msg, n, "static: at most %d entries", NAT64_STATIC_MAX);
	s.p6 = (uint16_t)p6;
	s.p4 = (uint16_t)p4;
	c->statics[c->n_static++] = s;
	return 0;
}

static int k_timeout(struct nat64_cfg *c, enum nat64_timer t, const char *k,
		     const char *v, char *msg, size_t n)
{
	unsigned long x = 0;

	if (get_uint(v, 1, 7 * DAY_S, &x, k, msg, n))
		return -1;
	c->timeout_ms[t] = (uint32_t)(x * 1000);
	return 0;
}

/*
 * RFC 6146 section 4's floors (UDP_MIN from RFC 4787 REQ-5, TCP_EST and
 * TCP_TRANS from RFC 5382 REQ-5) and RFC 5508 REQ-2's for ICMP query
 * sessions (60 s, ICMP_DEFAULT): a session that goes sooner breaks
 * applications the RFCs protect (a UDP flow quiet for a minute, an idle
 * SSH connection, a slow ping).  allow-short-timeouts lifts them for
 * tests and labs, which expire sessions in seconds.  FRAGMENT_MIN is not
 * among them: fragment-timeout's own range starts there.
 */
static const struct {
	enum nat64_timer t;
	const char *key, *name;
	unsigned int min_s;
} floors[] = {
	{ NAT64_T_UDP, "udp-timeout", "RFC 6146's UDP_MIN", 2 * 60 },
	{ NAT64_T_TCP_EST, "tcp-established-timeout", "RFC 6146's TCP_EST", 2 * 3600 + 4 * 60 },
	{ NAT64_T_TCP_TRANS, "tcp-transitory-timeout", "RFC 6146's TCP_TRANS", 4 * 60 },
	{ NAT64_T_ICMP, "icmp-timeout", "RFC 5508 REQ-2's floor", 60 },
};

static int check_floors(const struct inst_conf *ic, char *msg, size_t n)
{
	const struct nat64_cfg *c = &ic->nat64.cfg;

	if (ic->nat64.short_timeouts)
		return 0;
	for (unsigned int i = 0; i < sizeof(floors) / sizeof(floors[0]); i++) {
		uint32_t s = c->timeout_ms[floors[i].t] / 1000;

		if (s < floors[i].min_s)
			return bad(msg, n, "%s = %u is below %s of %u seconds (allow-short-timeouts = yes accepts it)",
				   floors[i].key, s, floors[i].name,
				   floors[i].min_s);
	}
	return 0;
}

static int k_addr(struct inst_conf *ic, const char *k, const char *v,
		  char *msg, size_t n)
{
	if (!strcmp(k, "ipv4-address")) {
		if (inet_pton(AF_INET, v, &ic->xlat.self4) != 1)
			return bad(msg, n, "invalid %s \"%s\"", k, v);
		return 0;
	}
	if (inet_pton(AF_INET6, v, &ic->xlat.self6) != 1)
		return bad(msg, n, "invalid %s \"%s\"", k, v);
	ic->nat64.self6_set = true;
	return 0;
}

static bool *bool_key(struct inst_conf *ic, const char *k)
{
	if (!strcmp(k, "decrement-ttl"))
		return &ic->xlat.decrement_ttl;
	if (!strcmp(k, "icmp-errors"))
		return &ic->xlat.icmp_errors;
	if (!strcmp(k, "reset-tos"))
		return &ic->xlat.reset_tos;
	if (!strcmp(k, "wkp-global-only"))
		return &ic->nat64.cfg.wkp_global_only;
	if (!strcmp(k, "log-mappings"))
		return &ic->nat64.log_mappings;
	if (!strcmp(k, "drop-external-tcp"))
		return &ic->nat64.cfg.drop_external_tcp;
	if (!strcmp(k, "offload"))
		return &ic->siit.offload;
	return NULL;
}

/* Keys of the RFC 7915 engine and of the TUN. */
static int k_common(struct inst_conf *ic, const char *k, const char *v,
		    char *msg, size_t n)
{
	struct xlat_cfg *x = &ic->xlat;
	unsigned long u = 0;

	if (!strcmp(k, "tun")) {
		if (strlen(v) >= IFNAMSIZ)
			return bad(msg, n, "tun \"%s\": at most %d characters",
				   v, IFNAMSIZ - 1);
		snprintf(ic->siit.tun, sizeof(ic->siit.tun), "%s", v);
	} else if (!strcmp(k, "mtu")) {
		if (get_uint(v, 1280, 65535, &u, k, msg, n))
			return -1;
		ic->siit.mtu = (unsigned int)u;
	} else if (!strcmp(k, "threads")) {
		if (get_uint(v, 1, NAT64_MAX_THREADS, &u, k, msg, n))
			return -1;
		ic->siit.threads = (unsigned int)u;
	} else if (!strcmp(k, "lowest-ipv6-mtu")) {
		if (get_uint(v, 1280, 65535, &u, k, msg, n))
			return -1;
		x->lowest_ipv6_mtu = (uint16_t)u;
	} else if (!strcmp(k, "ipv4-address") || !strcmp(k, "ipv6-address")) {
		return k_addr(ic, k, v, msg, n);
	} else if (!strcmp(k, "udp-zero-checksum")) {
		if (strcmp(v, "compute") && strcmp(v, "drop"))
			return bad(msg, n, "invalid %s \"%s\": compute or drop",
				   k, v);
		x->udp0 = strcmp(v, "drop") ? XLAT_UDP0_COMPUTE
					    : XLAT_UDP0_DROP;
	} else if (!strcmp(k, "coalesce-usecs")) {
		if (get_uint(v, 0, CONF_COALESCE_MAX, &u, k, msg, n))
			return -1;
		ic->siit.coalesce_usecs = (unsigned int)u;
	} else if (!strcmp(k, "worker-nice")) {
		if (conf_parse_nice(v, &ic->siit.worker_nice))
			return bad(msg, n, "invalid worker-nice \"%s\": -20 to 19", v);
	} else if (!strcmp(k, "worker-realtime")) {
		if (conf_parse_realtime(v, &ic->siit.worker_realtime))
			return bad(msg, n, "invalid worker-realtime \"%s\": 0 (off) to 99", v);
	} else {
		bool *b = bool_key(ic, k);

		return b ? get_bool(v, b, k, msg, n) : 1;
	}
	return 0;
}

static int k_nat(struct inst_conf *ic, const char *k, const char *v,
		 char *msg, size_t n)
{
	struct nat64_cfg *c = &ic->nat64.cfg;
	unsigned long u = 0;

	if (!strcmp(k, "pool6")) {
		if (xlat_prefix6_parse(v, &ic->xlat.pool6) ||
		    !rfc6052_valid_len(ic->xlat.pool6.len))
			return bad(msg, n, "invalid pool6 \"%s\": an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (RFC 6052)",
				   v);
		ic->xlat.has_pool6 = true;
	} else if (!strcmp(k, "pool4")) {
		return k_pool4(c, v, msg, n);
	} else if (!strcmp(k, "static")) {
		return k_static(c, v, msg, n);
	} else if (!strcmp(k, "filtering")) {
		if (!strcmp(v, "endpoint-independent"))
			c->filter = NAT64_FILTER_EI;
		else if (!strcmp(v, "address-dependent"))
			c->filter = NAT64_FILTER_AD;
		else
			return bad(msg, n, "invalid filtering \"%s\": endpoint-independent or address-dependent",
				   v);
	} else if (!strcmp(k, "max-sessions")) {
		if (get_uint(v, 1, 1ul << 26, &u, k, msg, n))
			return -1;
		c->max_sessions = (uint32_t)u;
	} else if (!strcmp(k, "max-sessions-per-host")) {
		if (get_uint(v, 0, 1ul << 26, &u, k, msg, n))
			return -1;
		c->max_per_host = (uint32_t)u;
	} else if (!strcmp(k, "datapath")) {
		static const char *const dp[] = { "auto", "bpf", "userspace" };

		for (u = 0; u < 3 && strcmp(v, dp[u]); u++)
			;
		if (u == 3)
			return bad(msg, n, "invalid datapath \"%s\": auto, bpf or userspace",
				   v);
		ic->nat64.datapath = (enum clat_datapath)u;
	} else if (!strcmp(k, "bpf-attach")) {
		static const char *const at[] = { "auto", "tcx", "clsact" };

		for (u = 0; u < 3 && strcmp(v, at[u]); u++)
			;
		if (u == 3)
			return bad(msg, n, "invalid bpf-attach \"%s\": auto, tcx or clsact",
				   v);
		ic->nat64.bpf_attach = (enum clat_bpf_attach)u;
	} else if (!strcmp(k, "udp-timeout")) {
		return k_timeout(c, NAT64_T_UDP, k, v, msg, n);
	} else if (!strcmp(k, "tcp-established-timeout")) {
		return k_timeout(c, NAT64_T_TCP_EST, k, v, msg, n);
	} else if (!strcmp(k, "tcp-transitory-timeout")) {
		return k_timeout(c, NAT64_T_TCP_TRANS, k, v, msg, n);
	} else if (!strcmp(k, "icmp-timeout")) {
		return k_timeout(c, NAT64_T_ICMP, k, v, msg, n);
	} else if (!strcmp(k, "allow-short-timeouts")) {
		return get_bool(v, &ic->nat64.short_timeouts, k, msg, n);
	} else if (!strcmp(k, "fragment-timeout")) {
		if (get_uint(v, 2, 60, &u, k, msg, n))
			return -1;
		c->frag_ms = (uint32_t)(u * 1000);
	} else {
		return k_common(ic, k, v, msg, n);
	}
	return 0;
}

void conf_nat64_defaults(struct inst_conf *ic)
{
	nat64_cfg_init(&ic->nat64.cfg);
	ic->nat64.datapath = CLAT_DP_AUTO;
	ic->xlat.hairpin = false;
	ic->siit.offload = true; /* see conf_nat64_finish() */
}

static bool repeats(const char *k)
{
	return !strcmp(k, "pool4") || !strcmp(k, "static");
}

int conf_nat64_key(struct inst_conf *ic, const char *k, const char *v,
		   char *msg, size_t n)
{
	int r = k_nat(ic, k, v, msg, n);
	size_t kl = strlen(k);
	char *seen = ic->nat64.seen;

	if (r || repeats(k))
		return r;
	/* "|key|" markers of the scalar keys given so far. */
	for (char *s = seen; (s = strstr(s, k)); s++)
		if (s > seen && s[-1] == '|' && s[kl] == '|')
			return bad(msg, n, "key \"%s\" given twice", k);
	if (strlen(seen) + kl + 2 >= sizeof(ic->nat64.seen))
		return 0;
	if (!seen[0])
		strcat(seen, "|");
	strcat(seen, k);
	strcat(seen, "|");
	return 0;
}

static void add_routes(struct inst_conf *ic)
{
	struct siit_conf *s = &ic->siit;
	const struct nat64_cfg *c = &ic->nat64.cfg;

	s->route6[0] = ic->xlat.pool6;
	s->n_route6 = 1;
	for (unsigned int i = 0; i < c->n_pool4; i++) {
		bool dup = false;

		for (unsigned int j = 0; j < s->n_route4; j++)
			dup |= s->route4[j].addr.s_addr ==
				       c->pool4[i].pfx.addr.s_addr &&
			       s->route4[j].len == c->pool4[i].pfx.len;
		if (!dup && s->n_route4 < CONF_MAX_ROUTES)
			s->route4[s->n_route4++] = c->pool4[i].pfx;
	}
}

int conf_nat64_finish(struct inst_conf *ic, char *msg, size_t n)
{
	struct nat64_cfg *c = &ic->nat64.cfg;

	if (!ic->siit.tun[0]) {
		if (strlen(ic->name) >= IFNAMSIZ)
			return bad(msg, n, "name longer than %d characters: set tun",
				   IFNAMSIZ - 1);
		strcpy(ic->siit.tun, ic->name);
	}
	if (!ic->xlat.has_pool6)
		return bad(msg, n, "pool6 is required");
	if (!c->n_pool4)
		return bad(msg, n, "at least one pool4 is required");
	/* The translator's own ICMP errors come from a pool4 address, which
	 * routes back here from both sides. */
	if (!ic->xlat.self4.s_addr)
		ic->xlat.self4 = c->pool4[0].pfx.addr;
	if (!ic->nat64.self6_set)
		rfc6052_embed(&ic->xlat.pool6, &ic->xlat.self4,
			      &ic->xlat.self6);
	/* Into the TUN and out of it, the kernel forwards (as [siit]); the
	 * eBPF fast path on the TUN's egress sees the same two decrements. */
	ic->xlat.ttl_kernel_hops = 2;
	c->xlat = ic->xlat;
	/* TUN offload (GSO, partial checksums) by default on the userspace
	 * path; the eBPF fast path takes plain packets only, so with
	 * datapath auto or bpf it is off unless asked for. */
	if (!strstr(ic->nat64.seen, "|offload|"))
		ic->siit.offload = ic->nat64.datapath == CLAT_DP_USERSPACE;
	add_routes(ic);
	if (check_floors(ic, msg, n))
		return -1;
	return nat64_cfg_validate(c, msg, n);
}
