// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manager's plan for a bound uplink (clat_auto.c keeps the facts):
 * whether its CLAT runs, why or why not, with which NAT64 prefix and
 * which default route metric, handed to clat_apply().
 */
#include "xlatd/clat_auto_priv.h"

#include "xlatd/clat.h"
#include "xlatd/clat_uplink.h"
#include "xlatd/instance.h"
#include "xlatd/v6only.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static uint32_t metric_of(struct uplink *u)
{
	const struct clat_conf *cc = &u->inst->conf->clat;

	if (cc->has_metric)
		return cc->metric;
	if (u->slot < 0) {
		/* The lowest free offset: every CLAT default route has its
		 * own metric (the kernel refuses equal IPv4 ones). */
		for (int s = 0; u->slot < 0; s++)
			if (!clat_auto_slot_taken(s))
				u->slot = s;
	}
	return CLAT_METRIC_BASE + (uint32_t)u->slot;
}

static void plan_for(struct uplink *u, struct clat_plan *p)
{
	const struct clat_conf *cc = &u->inst->conf->clat;
	const struct lm_if *f = &u->facts;
	const struct discovery_state *d;
	struct discovery_state cand[PH_MAX];
	uint64_t now = discovery_now();
	char b[INET6_ADDRSTRLEN], other[100];
	int n;

	memset(p, 0, sizeof(*p));
#define NO(...) snprintf(p->reason, sizeof(p->reason), __VA_ARGS__)
	if (cc->mode == CLAT_MODE_OFF)
		return (void)NO("mode = off for %s", u->name);
	if (!u->present)
		return (void)NO("uplink %s not found", u->name);
	if (!f->up)
		return (void)NO("link down on %s", u->name);
	if (cc->mode != CLAT_MODE_ON && clat_auto_other_clat(u, other, sizeof(other)))
		return (void)NO("another CLAT %s; not starting a second (mode = on overrides)",
				other);
	if (!clat_addr_mode_for(cc, f, u->name, p))
		return;
	if (!f->has_default6)
		return (void)NO("no IPv6 default route on %s", u->name);
	n = u->disc_on ? discovery_candidates(&u->disc, now, cand, PH_MAX) : 0;
	if (!n)
		return (void)NO("no NAT64 prefix on %s (no static pref64, no PREF64 in RAs, no DNS64 answer for ipv4only.arpa)",
				u->name);
	clat_plat_setup(&u->plat, cc, f->ifindex);
	d = &cand[clat_plat_choose(&u->plat, cand, n, now)];
	if (cc->mode == CLAT_MODE_AUTO && f->has_default4)
		return (void)NO("native IPv4 default route on %s", u->name);
#undef NO
	p->run = true;
	p->ifindex = f->ifindex;
	p->pref64 = d->prefix;
	p->source = d->source;
	p->expires = d->expires;
	clat_pick_uplink64(f, &d->prefix, p);
	snprintf(p->plat_why, sizeof(p->plat_why), "%s", u->plat.why);
	p->metric = metric_of(u);
	snprintf(p->reason, sizeof(p->reason), "NAT64 prefix %s/%u from %s on %s%s",
		 inet_ntop(AF_INET6, &d->prefix.addr, b, sizeof(b)), d->prefix.len,
		 clat_source_name(d->source), u->name,
		 cc->mode == CLAT_MODE_ON && f->has_default4 ?
			 " (mode = on: despite a native IPv4 default route)" : "");
	if (p->plat_why[0])
		snprintf(p->reason + strlen(p->reason),
			 sizeof(p->reason) - strlen(p->reason), " (%s)",
			 p->plat_why);
}

void clat_auto_apply(struct uplink *u)
{
	struct clat_plan p;

	u->dirty = false;
	if (!u->inst)
		return;
	/* RFC 8925 bookkeeping first: the state file shows its answer. */
	v6only_nat64(u->name, u->disc_on &&
		     discovery_current(&u->disc)->source != DISC_SRC_NONE,
		     discovery_now());
	plan_for(u, &p);
	if (!p.run && u->slot >= 0 && !u->inst->conf->clat.has_metric)
		u->slot = -1; /* free the offset for others */
	clat_apply(u->inst, &p);
}
