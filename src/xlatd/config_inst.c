// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys [siit] and [clat] sections share (man/xlatd.conf.5): the
 * engine's behaviour, the TUN, the addresses, MTUs and threads.  Some
 * land in the section's own kind (siit_conf or clat_conf).
 */
#include "xlatd/config_priv.h"

#include "xlat_cfg.h"

#include <arpa/inet.h>

#define MAX_THREADS 64

static int k_tun(struct pctx *p, const char *v, char *msg, size_t n)
{
	return set_ifname(strcmp(p->ic->kind, "siit") ? p->ic->clat.tun
						      : p->ic->siit.tun,
			  v, "tun", msg, n);
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

BOOL_KEY(k_decttl, decrement_ttl, "decrement-ttl")
BOOL_KEY(k_wkp, wkp_global_only, "wkp-global-only")
BOOL_KEY(k_resettos, reset_tos, "reset-tos")
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


/* A whole number lo..hi, nothing after it: 0, or -1. */
static int parse_int_range(const char *v, long lo, long hi, int *out)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi)
		return -1;
	*out = (int)x;
	return 0;
}

/* worker-nice: steps from the daemon's nice value, -20 to 19. */
int conf_parse_nice(const char *v, int *out)
{
	return parse_int_range(v, -20, 19, out);
}

/* worker-realtime: 0 (off) or a SCHED_FIFO priority, 1 to 99. */
int conf_parse_realtime(const char *v, int *out)
{
	return parse_int_range(v, 0, 99, out);
}

/* Routers only: a CLAT's workers share their CPU with the host's
 * applications, which a real-time worker could starve. */
static int k_worker_rt(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (!strcmp(p->ic->kind, "clat"))
		return bad(msg, n, "worker-realtime is for [siit] and [nat64], not [clat]");
	if (conf_parse_realtime(v, &p->ic->siit.worker_realtime))
		return bad(msg, n, "invalid worker-realtime \"%s\": 0 (off) to 99", v);
	return 0;
}

static int k_worker_nice(struct pctx *p, const char *v, char *msg, size_t n)
{
	bool clat = !strcmp(p->ic->kind, "clat");

	if (conf_parse_nice(v, clat ? &p->ic->clat.worker_nice : &p->ic->siit.worker_nice))
		return bad(msg, n, "invalid worker-nice \"%s\": -20 to 19", v);
	return 0;
}

static const struct key keys[] = {
	{ "tun", SC_INST, false, k_tun },
	{ "ipv4-address", SC_INST, false, k_ipv4 },
	{ "ipv6-address", SC_INST, false, k_ipv6 },
	{ "rfc6791-pool", SC_INST, false, k_pool6791 },
	{ "lowest-ipv6-mtu", SC_INST, false, k_lowmtu },
	{ "mtu", SC_INST, false, k_mtu },
	{ "threads", SC_INST, false, k_threads },
	{ "decrement-ttl", SC_INST, false, k_decttl },
	{ "udp-zero-checksum", SC_INST, false, k_udp0 },
	{ "wkp-global-only", SC_INST, false, k_wkp },
	{ "reset-tos", SC_INST, false, k_resettos },
	{ "icmp-errors", SC_INST, false, k_icmperr },
	{ "coalesce-usecs", SC_INST, false, k_coalesce },
	{ "worker-nice", SC_INST, false, k_worker_nice },
	{ "worker-realtime", SC_INST, false, k_worker_rt },
};

const struct key_table conf_inst_keys = {
	keys, sizeof(keys) / sizeof(keys[0])
};
