// SPDX-License-Identifier: GPL-2.0-or-later
/* The [siit NAME] keys (man/xlatd.conf.5), defaults and checks. */
#include "xlatd/config_priv.h"

#include "rfc6052.h"
#include "xlat_cfg.h"

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

BOOL_KEY(k_hairpin, hairpin, "hairpin")

static int k_offload(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (parse_bool(v, &p->ic->siit.offload))
		return bad(msg, n, "invalid offload \"%s\": yes or no", v);
	return 0;
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

static const struct key keys[] = {
	{ "pool6", SC_SIIT, false, k_pool6 },
	{ "eam", SC_SIIT, true, k_eam },
	{ "ipv6-mtu", SC_SIIT, false, k_ipv6mtu },
	{ "ipv4-mtu", SC_SIIT, false, k_ipv4mtu },
	{ "hairpin", SC_SIIT, false, k_hairpin },
	{ "route4", SC_SIIT, true, k_route4 },
	{ "route6", SC_SIIT, true, k_route6 },
	{ "address4", SC_SIIT, true, k_addr4 },
	{ "address6", SC_SIIT, true, k_addr6 },
	{ "offload", SC_SIIT, false, k_offload },
	{ "io", SC_SIIT, false, k_io },
};

const struct key_table conf_siit_keys = {
	keys, sizeof(keys) / sizeof(keys[0])
};

void conf_siit_defaults(struct inst_conf *ic)
{
	ic->siit.mtu = 1500;
	ic->siit.threads = 1;
	ic->siit.offload = true;
	ic->siit.coalesce_usecs = CONF_COALESCE_DEFAULT;
	/* 0: in a router the translator's feeders are the kernel's NAPI,
	 * not applications; nice did not move the TUN overload (bench). */
	ic->siit.worker_nice = 0;
	ic->siit.io = SIIT_IO_AUTO;
}

int conf_siit_finish(struct inst_conf *ic, bool self6_set, char *msg,
		     size_t n)
{
	if (!ic->siit.tun[0]) {
		if (strlen(ic->name) >= IFNAMSIZ)
			return bad(msg, n, "name longer than %d characters: set tun",
				   IFNAMSIZ - 1);
		strcpy(ic->siit.tun, ic->name);
	}
	if (!ic->xlat.has_pool6 && !ic->n_eam)
		return bad(msg, n, "needs pool6 or at least one eam");
	/* The kernel forwards packets into the TUN and the translated ones
	 * out of it: two decrements the engine gives back (xlat.h). */
	ic->xlat.ttl_kernel_hops = 2;
	if (!self6_set && ic->xlat.self4.s_addr && ic->xlat.has_pool6)
		rfc6052_embed(&ic->xlat.pool6, &ic->xlat.self4,
			      &ic->xlat.self6);
	return 0;
}
