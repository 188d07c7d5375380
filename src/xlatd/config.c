// SPDX-License-Identifier: GPL-2.0-or-later
/* xlatd.conf parser; see config.h and man/xlatd.conf.5. */
#include "xlatd/config.h"

#include "xlatd/config_nat64.h"

#include "clat_napt.h"
#include "rfc6052.h"
#include "xlat_cfg.h"
#include "xlatd/ctl.h"
#include "xlatd/log.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SC_GLOBAL 0x1
#define SC_SIIT 0x2
#define SC_CLAT 0x4
#define SC_INST (SC_SIIT | SC_CLAT)

#define MAX_THREADS 64
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

__attribute__((format(printf, 3, 4))) static int bad(char *msg, size_t n,
						     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_bool(const char *v, bool *out)
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

static int parse_uint(const char *v, unsigned long min, unsigned long max,
		      unsigned long *out)
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

static int set_ifname(char *dst, const char *v, const char *key, char *msg,
		      size_t n)
{
	if (!*v || strlen(v) >= IFNAMSIZ || strchr(v, '/') || strchr(v, ' '))
		return bad(msg, n, "invalid %s \"%s\": an interface name of 1 to %d characters",
			   key, v, IFNAMSIZ - 1);
	strcpy(dst, v);
	return 0;
}

/* ---- [global] ---- */

static int k_ctlsock(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (v[0] != '/' || strlen(v) >= sizeof(p->c->control_socket))
		return bad(msg, n, "invalid control-socket \"%s\": an absolute path shorter than %zu bytes",
			   v, sizeof(p->c->control_socket));
	strcpy(p->c->control_socket, v);
	return 0;
}

/* A group name or number; main.c resolves it (the parser stays pure). */
static int k_ctlgroup(struct pctx *p, const char *v, char *msg, size_t n)
{
	size_t len = strlen(v);

	if (!len || len >= sizeof(p->c->control_group) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_.-") != len || v[0] == '-')
		return bad(msg, n, "invalid control-group \"%s\": a group name or number",
			   v);
	strcpy(p->c->control_group, v);
	return 0;
}

static int k_loglevel(struct pctx *p, const char *v, char *msg, size_t n)
{
	int l = log_level_parse(v);

	if (l < 0)
		return bad(msg, n, "invalid log-level \"%s\": err, warn, info or debug",
			   v);
	p->c->log_level = l;
	return 0;
}

static int k_clatauto(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (parse_bool(v, &p->c->clat_auto))
		return bad(msg, n, "invalid clat-auto \"%s\": yes or no", v);
	return 0;
}

static int k_statedir(struct pctx *p, const char *v, char *msg, size_t n)
{
	/* Room for "/IFNAME.state.tmp" after it. */
	if (v[0] != '/' || strlen(v) >= sizeof(p->c->state_dir) - IFNAMSIZ - 12)
		return bad(msg, n, "invalid state-dir \"%s\": an absolute path shorter than %zu bytes",
			   v, sizeof(p->c->state_dir) - IFNAMSIZ - 12);
	strcpy(p->c->state_dir, v);
	return 0;
}

static int k_v6wait(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	/* A day at most: RFC 8925 servers send minutes to hours. */
	if (parse_uint(v, 1, 86400, &x))
		return bad(msg, n, "invalid v6only-wait \"%s\": 1 to 86400 seconds",
			   v);
	p->c->v6only_wait = (unsigned int)x;
	return 0;
}

static int iflist(const char *v, const char *key, char (*out)[IFNAMSIZ],
		  unsigned int *n_out, char *msg, size_t n)
{
	char buf[MAX_LINE], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	*n_out = 0;
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		if (*n_out == CONF_MAX_IFLIST)
			return bad(msg, n, "%s: at most %d interfaces", key,
				   CONF_MAX_IFLIST);
		if (set_ifname(out[*n_out], tok, key, msg, n))
			return -1;
		(*n_out)++;
	}
	return 0;
}

static int k_ifaces(struct pctx *p, const char *v, char *msg, size_t n)
{
	return iflist(v, "interfaces", p->c->interfaces, &p->c->n_interfaces,
		      msg, n);
}

static int k_ignore(struct pctx *p, const char *v, char *msg, size_t n)
{
	return iflist(v, "ignore-interfaces", p->c->ignore, &p->c->n_ignore,
		      msg, n);
}

/* ---- shared instance keys ---- */

static int k_tun(struct pctx *p, const char *v, char *msg, size_t n)
{
	return set_ifname(strcmp(p->ic->kind, "siit") ? p->ic->clat.tun
						      : p->ic->siit.tun,
			  v, "tun", msg, n);
}

static int k_pool6(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (xlat_prefix6_parse(v, &p->ic->xlat.pool6) ||
	    !rfc6052_valid_len(p->ic->xlat.pool6.len))
		return bad(msg, n, "invalid pool6 \"%s\": an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (RFC 6052)",
			   v);
	p->ic->xlat.has_pool6 = true;
	return 0;
}

static int k_eam(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct inst_conf *ic = p->ic;
	char a[128], b[128], extra[2];
	struct xlat_eam e;
	void *t;

	if (sscanf(v, "%127s %127s %1s", a, b, extra) != 2 ||
	    xlat_prefix4_parse(a, &e.p4) || xlat_prefix6_parse(b, &e.p6))
		return bad(msg, n, "invalid eam \"%s\": \"IPV4PREFIX IPV6PREFIX\", e.g. \"192.0.2.0/24 2001:db8:1::/120\"",
			   v);
	t = realloc(ic->eam, (ic->n_eam + 1) * sizeof(*ic->eam));
	if (!t)
		return bad(msg, n, "out of memory");
	ic->eam = t;
	ic->eam[ic->n_eam++] = e;
	return 0;
}

static int k_ipv4(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct in_addr a;

	if (inet_pton(AF_INET, v, &a) != 1 || !a.s_addr)
		return bad(msg, n, "invalid ipv4-address \"%s\": an IPv4 address", v);
	if (!strcmp(p->ic->kind, "siit")) {
		p->ic->xlat.self4 = a;
	} else {
		p->ic->clat.ipv4 = a;
		p->ic->clat.has_ipv4 = true;
	}
	return 0;
}

static int k_ipv6(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, v, &a) != 1 || IN6_IS_ADDR_UNSPECIFIED(&a))
		return bad(msg, n, "invalid ipv6-address \"%s\": an IPv6 address", v);
	if (!strcmp(p->ic->kind, "siit")) {
		p->ic->xlat.self6 = a;
		p->self6_set = true;
	} else {
		p->ic->clat.ipv6 = a;
		p->ic->clat.has_ipv6 = true;
	}
	return 0;
}

static int k_pool6791(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct xlat_cfg *x = &p->ic->xlat;
	char buf[MAX_LINE], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	x->n_pool6791 = 0;
	for (tok = strtok_r(buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (x->n_pool6791 == XLAT_POOL6791_MAX)
			return bad(msg, n, "rfc6791-pool: at most %d addresses",
				   XLAT_POOL6791_MAX);
		if (inet_pton(AF_INET, tok, &x->pool6791[x->n_pool6791]) != 1 ||
		    !x->pool6791[x->n_pool6791].s_addr)
			return bad(msg, n, "invalid rfc6791-pool address \"%s\"",
				   tok);
		x->n_pool6791++;
	}
	if (!x->n_pool6791)
		return bad(msg, n, "rfc6791-pool: at least one address");
	return 0;
}

static int k_lowmtu(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 1280, 65535, &x))
		return bad(msg, n, "invalid lowest-ipv6-mtu \"%s\": 1280 to 65535", v);
	p->ic->xlat.lowest_ipv6_mtu = (uint16_t)x;
	return 0;
}

static int k_mtu(struct pctx *p, const char *v, char *msg, size_t n)
{
	bool clat = !strcmp(p->ic->kind, "clat");
	unsigned long x;

	if (clat && !strcmp(v, "auto")) {
		p->ic->clat.mtu = 0;
		return 0;
	}
	if (parse_uint(v, clat ? 0 : 1280, 65535, &x) || (x && x < 576))
		return bad(msg, n, "invalid mtu \"%s\": %s to 65535", v,
			   clat ? "0 (auto), 576" : "1280");
	if (clat)
		p->ic->clat.mtu = (unsigned int)x;
	else
		p->ic->siit.mtu = (unsigned int)x;
	return 0;
}

/*
 * [siit] next-hop MTUs (unset: the kernel decides).  The engine answers
 * Fragmentation Needed / Packet Too Big for them and fragments to them.
 * IPv6 links are never below 1280 (RFC 8200 section 5), IPv4 ones never
 * below 68 (RFC 791).
 */
static int k_ipv6mtu(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 1280, 65535, &x))
		return bad(msg, n, "invalid ipv6-mtu \"%s\": 1280 (the IPv6 minimum) to 65535",
			   v);
	p->ic->xlat.ipv6_mtu = (uint32_t)x;
	return 0;
}

static int k_ipv4mtu(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 68, 65535, &x))
		return bad(msg, n, "invalid ipv4-mtu \"%s\": 68 (the IPv4 minimum) to 65535",
			   v);
	p->ic->xlat.ipv4_mtu = (uint32_t)x;
	return 0;
}

/* Keys that [clat] and [siit] both have but keep apart: the section's. */
static unsigned int *by_kind(struct pctx *p, unsigned int *clat,
			     unsigned int *siit)
{
	return !strcmp(p->ic->kind, "clat") ? clat : siit;
}

static int k_threads(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 1, MAX_THREADS, &x))
		return bad(msg, n, "invalid threads \"%s\": 1 to %d", v,
			   MAX_THREADS);
	*by_kind(p, &p->ic->clat.threads, &p->ic->siit.threads) = (unsigned int)x;
	return 0;
}

#define BOOL_KEY(fn, field, keyname)                                           \
	static int fn(struct pctx *p, const char *v, char *msg, size_t n)      \
	{                                                                      \
		if (parse_bool(v, &p->ic->xlat.field))                         \
			return bad(msg, n, "invalid " keyname " \"%s\": yes or no", \
				   v);                                         \
		return 0;                                                      \
	}
BOOL_KEY(k_decttl, decrement_ttl, "decrement-ttl")
BOOL_KEY(k_wkp, wkp_global_only, "wkp-global-only")
BOOL_KEY(k_resettos, reset_tos, "reset-tos")
BOOL_KEY(k_hairpin, hairpin, "hairpin")
BOOL_KEY(k_icmperr, icmp_errors, "icmp-errors")

static int k_udp0(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (!strcmp(v, "compute"))
		p->ic->xlat.udp0 = XLAT_UDP0_COMPUTE;
	else if (!strcmp(v, "drop"))
		p->ic->xlat.udp0 = XLAT_UDP0_DROP;
	else
		return bad(msg, n, "invalid udp-zero-checksum \"%s\": compute or drop",
			   v);
	return 0;
}

static int k_offload(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (parse_bool(v, &p->ic->siit.offload))
		return bad(msg, n, "invalid offload \"%s\": yes or no", v);
	return 0;
}

static int k_coalesce(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 0, CONF_COALESCE_MAX, &x))
		return bad(msg, n, "invalid coalesce-usecs \"%s\": 0 (off) to %d", v,
			   CONF_COALESCE_MAX);
	*by_kind(p, &p->ic->clat.coalesce_usecs, &p->ic->siit.coalesce_usecs) =
		(unsigned int)x;
	return 0;
}

/* Which of the n names v is, or -1: for keys with a fixed set of values. */
static int name_index(const char *v, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return i;
	return -1;
}

static int k_io(struct pctx *p, const char *v, char *msg, size_t n)
{
	static const char *const names[] = { "auto", "uring", "blocking" };
	int i = name_index(v, names, 3);

	if (i < 0)
		return bad(msg, n, "invalid io \"%s\": auto, uring or blocking", v);
	p->ic->siit.io = (enum siit_io)i;
	return 0;
}

/* ---- [siit] routes and addresses ---- */

static int k_route4(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct siit_conf *s = &p->ic->siit;

	if (s->n_route4 == CONF_MAX_ROUTES)
		return bad(msg, n, "route4: at most %d", CONF_MAX_ROUTES);
	if (xlat_prefix4_parse(v, &s->route4[s->n_route4]))
		return bad(msg, n, "invalid route4 \"%s\": an IPv4 prefix", v);
	s->n_route4++;
	return 0;
}

static int k_route6(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct siit_conf *s = &p->ic->siit;

	if (s->n_route6 == CONF_MAX_ROUTES)
		return bad(msg, n, "route6: at most %d", CONF_MAX_ROUTES);
	if (xlat_prefix6_parse(v, &s->route6[s->n_route6]))
		return bad(msg, n, "invalid route6 \"%s\": an IPv6 prefix", v);
	s->n_route6++;
	return 0;
}

static int k_addr4(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct siit_conf *s = &p->ic->siit;

	if (s->n_address4 == CONF_MAX_ADDRS)
		return bad(msg, n, "address4: at most %d", CONF_MAX_ADDRS);
	if (xlat_prefix4_parse(v, &s->address4[s->n_address4]) ||
	    !s->address4[s->n_address4].addr.s_addr)
		return bad(msg, n, "invalid address4 \"%s\": ADDRESS[/LEN]", v);
	s->n_address4++;
	return 0;
}

static int k_addr6(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct siit_conf *s = &p->ic->siit;

	if (s->n_address6 == CONF_MAX_ADDRS)
		return bad(msg, n, "address6: at most %d", CONF_MAX_ADDRS);
	if (xlat_prefix6_parse(v, &s->address6[s->n_address6]))
		return bad(msg, n, "invalid address6 \"%s\": ADDRESS[/LEN]", v);
	s->n_address6++;
	return 0;
}

/* ---- [clat] ---- */

static int k_uplink(struct pctx *p, const char *v, char *msg, size_t n)
{
	return set_ifname(p->ic->clat.uplink, v, "uplink", msg, n);
}

static int k_pref64(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct clat_conf *c = &p->ic->clat;

	if (xlat_prefix6_parse(v, &c->pref64) ||
	    !rfc6052_valid_len(c->pref64.len))
		return bad(msg, n, "invalid pref64 \"%s\": an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (RFC 6052)",
			   v);
	c->has_pref64 = true;
	return 0;
}

static int k_metric(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 0, 0xffffffffUL, &x))
		return bad(msg, n, "invalid metric \"%s\": 0 to 4294967295", v);
	p->ic->clat.metric = (uint32_t)x;
	p->ic->clat.has_metric = true;
	return 0;
}

static int k_datapath(struct pctx *p, const char *v, char *msg, size_t n)
{
	static const char *const names[] = { "auto", "bpf", "userspace" };
	int i = name_index(v, names, 3);

	if (i < 0)
		return bad(msg, n, "invalid datapath \"%s\": auto, bpf or userspace", v);
	p->ic->clat.datapath = (enum clat_datapath)i;
	return 0;
}

static int k_bpf_attach(struct pctx *p, const char *v, char *msg, size_t n)
{
	static const char *const names[] = { "auto", "tcx", "clsact" };
	int i = name_index(v, names, 3);

	if (i < 0)
		return bad(msg, n, "invalid bpf-attach \"%s\": auto, tcx or clsact", v);
	p->ic->clat.bpf_attach = (enum clat_bpf_attach)i;
	return 0;
}

static int k_mode(struct pctx *p, const char *v, char *msg, size_t n)
{
	static const char *const names[] = { "auto", "on", "off" };
	int i = name_index(v, names, 3);

	if (i < 0)
		return bad(msg, n, "invalid mode \"%s\": auto, on or off", v);
	p->ic->clat.mode = (enum clat_mode)i;
	return 0;
}

static int k_plat_probe(struct pctx *p, const char *v, char *msg, size_t n)
{
	struct in_addr a;

	if (inet_pton(AF_INET, v, &a) != 1 || !a.s_addr)
		return bad(msg, n, "invalid plat-probe \"%s\": an IPv4 address reached through the PLAT", v);
	p->ic->clat.plat_probe = a;
	p->ic->clat.has_plat_probe = true;
	return 0;
}

static int k_plat_check(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (parse_bool(v, &p->ic->clat.plat_check))
		return bad(msg, n, "invalid plat-check \"%s\": yes or no", v);
	return 0;
}

static int k_plat_holddown(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 1, 3600, &x))
		return bad(msg, n, "invalid plat-holddown \"%s\": 1 to 3600 seconds", v);
	p->ic->clat.plat_holddown = (unsigned int)x;
	return 0;
}

static int k_addr_mode(struct pctx *p, const char *v, char *msg, size_t n)
{
	static const char *const names[] = { "auto", "dedicated", "shared" };
	int i = name_index(v, names, 3);

	if (i < 0)
		return bad(msg, n, "invalid address-mode \"%s\": auto, dedicated or shared",
			   v);
	p->ic->clat.addr_mode = (enum clat_addr_mode)i;
	return 0;
}

static int k_shared_ports(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned int lo, hi;
	int end = 0;

	if (sscanf(v, "%u-%u%n", &lo, &hi, &end) != 2 || v[end] || lo < 1 ||
	    lo > hi || hi > 65535)
		return bad(msg, n, "invalid shared-ports \"%s\": LOW-HIGH, 1 to 65535",
			   v);
	p->ic->clat.shared_lo = (uint16_t)lo;
	p->ic->clat.shared_hi = (uint16_t)hi;
	return 0;
}

static int k_shared_max(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned long x;

	if (parse_uint(v, 1, 3 * 65536, &x))
		return bad(msg, n, "invalid shared-max-flows \"%s\": 1 to 196608", v);
	p->ic->clat.shared_max = (uint32_t)x;
	return 0;
}

static int k_shared_to(struct pctx *p, const char *v, char *msg, size_t n)
{
	unsigned int t[4];
	int end = 0;

	if (sscanf(v, "%u %u %u %u%n", &t[0], &t[1], &t[2], &t[3], &end) != 4 ||
	    v[end] || !t[0] || !t[1] || !t[2] || !t[3])
		return bad(msg, n, "invalid shared-timeouts \"%s\": UDP TCP-ESTABLISHED TCP-TRANSITORY ICMP, seconds, none 0",
			   v);
	memcpy(p->ic->clat.shared_to, t, sizeof(t));
	return 0;
}

static const struct key keys[] = {
	{ "control-socket", SC_GLOBAL, false, k_ctlsock },
	{ "control-group", SC_GLOBAL, false, k_ctlgroup },
	{ "log-level", SC_GLOBAL, false, k_loglevel },
	{ "clat-auto", SC_GLOBAL, false, k_clatauto },
	{ "state-dir", SC_GLOBAL, false, k_statedir },
	{ "v6only-wait", SC_GLOBAL, false, k_v6wait },
	{ "interfaces", SC_GLOBAL, false, k_ifaces },
	{ "ignore-interfaces", SC_GLOBAL, false, k_ignore },
	{ "tun", SC_INST, false, k_tun },
	{ "pool6", SC_SIIT, false, k_pool6 },
	{ "eam", SC_SIIT, true, k_eam },
	{ "ipv4-address", SC_INST, false, k_ipv4 },
	{ "ipv6-address", SC_INST, false, k_ipv6 },
	{ "rfc6791-pool", SC_INST, false, k_pool6791 },
	{ "lowest-ipv6-mtu", SC_INST, false, k_lowmtu },
	{ "mtu", SC_INST, false, k_mtu },
	{ "ipv6-mtu", SC_SIIT, false, k_ipv6mtu },
	{ "ipv4-mtu", SC_SIIT, false, k_ipv4mtu },
	{ "threads", SC_INST, false, k_threads },
	{ "decrement-ttl", SC_INST, false, k_decttl },
	{ "udp-zero-checksum", SC_INST, false, k_udp0 },
	{ "wkp-global-only", SC_INST, false, k_wkp },
	{ "reset-tos", SC_INST, false, k_resettos },
	{ "hairpin", SC_SIIT, false, k_hairpin },
	{ "icmp-errors", SC_INST, false, k_icmperr },
	{ "route4", SC_SIIT, true, k_route4 },
	{ "route6", SC_SIIT, true, k_route6 },
	{ "address4", SC_SIIT, true, k_addr4 },
	{ "address6", SC_SIIT, true, k_addr6 },
	{ "offload", SC_SIIT, false, k_offload },
	{ "io", SC_SIIT, false, k_io },
	{ "coalesce-usecs", SC_INST, false, k_coalesce },
	{ "uplink", SC_CLAT, false, k_uplink },
	{ "pref64", SC_CLAT, false, k_pref64 },
	{ "metric", SC_CLAT, false, k_metric },
	{ "datapath", SC_CLAT, false, k_datapath },
	{ "bpf-attach", SC_CLAT, false, k_bpf_attach },
	{ "mode", SC_CLAT, false, k_mode },
	{ "plat-probe", SC_CLAT, false, k_plat_probe },
	{ "plat-check", SC_CLAT, false, k_plat_check },
	{ "plat-holddown", SC_CLAT, false, k_plat_holddown },
	{ "address-mode", SC_CLAT, false, k_addr_mode },
	{ "shared-ports", SC_CLAT, false, k_shared_ports },
	{ "shared-max-flows", SC_CLAT, false, k_shared_max },
	{ "shared-timeouts", SC_CLAT, false, k_shared_to },
};

/* ---- the parser ---- */

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
	ic->siit.mtu = 1500;
	ic->siit.threads = 1;
	ic->siit.offload = true;
	ic->siit.coalesce_usecs = CONF_COALESCE_DEFAULT;
	ic->siit.io = SIIT_IO_AUTO;
	ic->clat.metric = 4096;
	ic->clat.threads = 1;
	ic->clat.coalesce_usecs = CONF_COALESCE_DEFAULT;
	ic->clat.plat_check = true;
	ic->clat.plat_holddown = CONF_PLAT_HOLDDOWN_DEFAULT;
	ic->clat.shared_lo = NAPT_PORT_LO_DEFAULT;
	ic->clat.shared_hi = NAPT_PORT_HI_DEFAULT;
	ic->clat.shared_to[0] = NAPT_TO_UDP_DEFAULT;
	ic->clat.shared_to[1] = NAPT_TO_TCP_EST_DEFAULT;
	ic->clat.shared_to[2] = NAPT_TO_TCP_TRANS_DEFAULT;
	ic->clat.shared_to[3] = NAPT_TO_ICMP_DEFAULT;
	if (!strcmp(ic->kind, "clat")) {
		/* A CLAT is a host, not a router (RFC 6877, claton draft). */
		ic->xlat.decrement_ttl = false;
		ic->xlat.hairpin = false;
	}
	if (!strcmp(ic->kind, "nat64"))
		conf_nat64_defaults(ic);
}

/* Defaults that depend on other keys, then the whole-section checks. */
static int sect_finish(struct pctx *p)
{
	struct inst_conf *ic = p->ic;
	char msg[256];
	int line = ic->line;

	p->ic = NULL;
	ic->xlat.eam = ic->eam;
	ic->xlat.n_eam = ic->n_eam;
	if (!strcmp(ic->kind, "nat64")) {
		if (conf_nat64_finish(ic, msg, sizeof(msg)))
			return perr(p, line, "[nat64 %s]: %s", ic->name, msg);
		return 0;
	}
	if (!strcmp(ic->kind, "siit")) {
		if (!ic->siit.tun[0]) {
			if (strlen(ic->name) >= IFNAMSIZ)
				return perr(p, line, "[siit %s]: name longer than %d characters: set tun",
					    ic->name, IFNAMSIZ - 1);
			strcpy(ic->siit.tun, ic->name);
		}
		if (!ic->xlat.has_pool6 && !ic->n_eam)
			return perr(p, line, "[siit %s]: needs pool6 or at least one eam",
				    ic->name);
		if (!p->self6_set && ic->xlat.self4.s_addr && ic->xlat.has_pool6)
			rfc6052_embed(&ic->xlat.pool6, &ic->xlat.self4,
				      &ic->xlat.self6);
	} else {
		if (!ic->clat.uplink[0])
			return perr(p, line, "[clat %s]: uplink is required",
				    ic->name);
		if (ic->clat.has_ipv6 && ic->clat.addr_mode == CLAT_ADDR_SHARED)
			return perr(p, line, "[clat %s]: ipv6-address is a dedicated address: not with address-mode = shared",
				    ic->name);
		if (!ic->clat.tun[0])
			snprintf(ic->clat.tun, sizeof(ic->clat.tun), "clat-%.*s",
				 IFNAMSIZ - 6, ic->clat.uplink);
	}
	if (xlat_cfg_validate(&ic->xlat, msg, sizeof(msg)))
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
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, k))
			return &keys[i];
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
