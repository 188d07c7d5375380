// SPDX-License-Identifier: GPL-2.0-or-later
/* The [clat NAME] keys (man/xlatd.conf.5), defaults and checks. */
#include "xlatd/config_priv.h"

#include "clat_napt.h"
#include "rfc6052.h"
#include "xlat_cfg.h"

#include <arpa/inet.h>

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

static int k_short_to(struct pctx *p, const char *v, char *msg, size_t n)
{
	if (parse_bool(v, &p->ic->clat.short_timeouts))
		return bad(msg, n, "invalid allow-short-timeouts \"%s\": yes or no", v);
	return 0;
}

/*
 * The shared-address NAPT is a NAT for the host's own IPv4 flows, so the
 * NAT behavioural floors apply to it: a mapping that goes sooner breaks
 * what those RFCs protect (a UDP flow quiet for a minute, an idle SSH
 * connection, a slow ping).  RFC 4787 REQ-5a's shorter timers for
 * well-known destination ports are not implemented, so UDP has one floor.
 * allow-short-timeouts lifts them for tests and labs, which expire
 * mappings in seconds (RFC 7857 also lets an operator set the
 * transitory timeout below 4 minutes).
 */
static const struct {
	const char *name, *rfc;
	unsigned int min_s;
} floors[4] = {
	{ "UDP", "RFC 4787 REQ-5", 2 * 60 },
	{ "TCP-ESTABLISHED", "RFC 5382 REQ-5", 2 * 3600 + 4 * 60 },
	{ "TCP-TRANSITORY", "RFC 5382 REQ-5", 4 * 60 },
	{ "ICMP", "RFC 5508 REQ-2", 60 },
};

static int check_floors(const struct clat_conf *c, char *msg, size_t n)
{
	if (c->short_timeouts)
		return 0;
	for (unsigned int i = 0; i < 4; i++)
		if (c->shared_to[i] < floors[i].min_s)
			return bad(msg, n, "shared-timeouts: %s %u is below the %u seconds of %s (allow-short-timeouts = yes accepts it)",
				   floors[i].name, c->shared_to[i],
				   floors[i].min_s, floors[i].rfc);
	return 0;
}

static const struct key keys[] = {
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
	{ "allow-short-timeouts", SC_CLAT, false, k_short_to },
};

const struct key_table conf_clat_keys = {
	keys, sizeof(keys) / sizeof(keys[0])
};

void conf_clat_defaults(struct inst_conf *ic)
{
	ic->clat.metric = 4096;
	ic->clat.threads = 1;
	ic->clat.coalesce_usecs = CONF_COALESCE_DEFAULT;
	ic->clat.worker_nice = CONF_WORKER_NICE_DEFAULT;
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
}

/*
 * The default TUN name: "clat-" and the uplink's name when that fits in
 * IFNAMSIZ; a longer uplink name keeps its first 6 characters and gets 4
 * hex digits of a hash of the whole name, because names by bus path or
 * MAC differ at their end (enp0s20f0u1 and enp0s20f0u2, two USB adapters
 * enx00e04c68xxxx of one vendor) and cut to one length they collided:
 * the second CLAT failed on "File exists" for good.
 */
void conf_clat_tun_name(char out[IFNAMSIZ], const char *uplink)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	if (strlen(uplink) <= IFNAMSIZ - 1 - 5) {
		snprintf(out, IFNAMSIZ, "clat-%s", uplink);
		return;
	}
	for (const char *p = uplink; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(out, IFNAMSIZ, "clat-%.6s%04x", uplink,
		 (unsigned int)((h ^ (h >> 16)) & 0xffff));
}

int conf_clat_finish(struct inst_conf *ic, char *msg, size_t n)
{
	if (!ic->clat.uplink[0])
		return bad(msg, n, "uplink is required");
	/* Refused, not ignored: the kernel already takes one hop off what a
	 * CLAT forwards for containers, and the host's own traffic has none
	 * to lose (RFC 6877: the CLAT is part of the host). */
	if (ic->xlat.decrement_ttl)
		return bad(msg, n, "decrement-ttl = yes: a CLAT is a host, not a router (forwarded traffic already loses its one hop in the kernel)");
	if (ic->clat.has_ipv6 && ic->clat.addr_mode == CLAT_ADDR_SHARED)
		return bad(msg, n, "ipv6-address is a dedicated address: not with address-mode = shared");
	if (check_floors(&ic->clat, msg, n))
		return -1;
	if (!ic->clat.tun[0])
		conf_clat_tun_name(ic->clat.tun, ic->clat.uplink);
	return 0;
}
