// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 8925 IPv6-only capability and V6ONLY_WAIT per uplink; see v6only.h. */
#include "xlatd/v6only.h"

#include "xlatd/clat.h"
#include "xlatd/clat_auto.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/statefile.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#define V6_MAX 64

struct v6if {
	bool used;
	char name[IFNAMSIZ];
	bool up;            /* IFF_UP and carrier */
	bool nat64;         /* a NAT64 prefix is known on it */
	bool waiting;       /* a V6ONLY_WAIT runs */
	bool expired;       /* ... and ran out without a NAT64 prefix */
	bool from_108;      /* started by a client's option 108, not link-up */
	unsigned int secs;  /* length of the current (or last) wait */
	uint64_t deadline;  /* ms CLOCK_MONOTONIC */
};

static struct v6if tab[V6_MAX];
static unsigned int wait_secs = V6ONLY_WAIT_DEFAULT;

void v6only_set_wait(unsigned int secs)
{
	wait_secs = secs ? secs : V6ONLY_WAIT_DEFAULT;
}

static struct v6if *find(const char *name, bool create)
{
	struct v6if *free_e = NULL;

	for (int i = 0; i < V6_MAX; i++) {
		if (tab[i].used && !strcmp(tab[i].name, name))
			return &tab[i];
		if (!tab[i].used && !free_e)
			free_e = &tab[i];
	}
	/* Full: a new interface goes untracked (its answer is then the
	 * configuration's alone); removed interfaces free their slots. */
	if (!create || !free_e)
		return NULL;
	memset(free_e, 0, sizeof(*free_e));
	free_e->used = true;
	snprintf(free_e->name, sizeof(free_e->name), "%s", name);
	return free_e;
}

static const char *origin(const struct v6if *e)
{
	return e->from_108 ? "option 108" : "link-up";
}

/* The state file carries the answer: rewrite it when the answer moves. */
static void set_expired(struct v6if *e, bool x)
{
	if (e->expired == x)
		return;
	e->expired = x;
	if (x)
		log_warn(NULL, "%s: no NAT64 prefix within V6ONLY_WAIT %u s after %s: IPv6-only is not possible, a DHCPv4 client should take a lease",
			 e->name, e->secs, origin(e));
	else
		log_info(NULL, "%s: NAT64 prefix found: IPv6-only possible again",
			 e->name);
	statefile_refresh(e->name);
}

static void start_wait(struct v6if *e, unsigned int secs, bool from_108,
		       uint64_t now)
{
	e->secs = secs;
	e->from_108 = from_108;
	e->waiting = true;
	e->deadline = now + (uint64_t)secs * 1000;
	log_debug(NULL, "%s: V6ONLY_WAIT %u s from %s", e->name, secs,
		  origin(e));
}

void v6only_link(const char *ifname, bool up, uint64_t now_ms)
{
	struct v6if *e = find(ifname, up);

	if (!e || e->up == up)
		return;
	e->up = up;
	e->waiting = false;
	if (up && !e->nat64)
		start_wait(e, wait_secs, false, now_ms);
	/* Down: the next link-up may be another network; start afresh. */
	if (!up)
		set_expired(e, false);
}

void v6only_nat64(const char *ifname, bool known, uint64_t now_ms)
{
	struct v6if *e = find(ifname, known);

	if (!e || e->nat64 == known)
		return;
	e->nat64 = known;
	if (known) {
		e->waiting = false;
		set_expired(e, false);
	} else if (e->up && !e->expired) {
		/* The prefix went away: IPv6-only has the same time again. */
		start_wait(e, wait_secs, false, now_ms);
	}
}

void v6only_forget(const char *ifname)
{
	struct v6if *e = find(ifname, false);

	if (e)
		e->used = false;
}

int v6only_report(const char *ifname, unsigned int secs, uint64_t now_ms)
{
	struct v6if *e = find(ifname, true);

	if (!e)
		return -ENOSPC;
	log_info(NULL, "%s: a DHCPv4 client reports option 108, V6ONLY_WAIT %u s%s",
		 ifname, secs ? secs : wait_secs,
		 e->nat64 ? " (a NAT64 prefix is known)" : "");
	if (e->nat64)
		return 0;
	start_wait(e, secs ? secs : wait_secs, true, now_ms);
	set_expired(e, false);
	return 0;
}

void v6only_process(uint64_t now_ms)
{
	for (int i = 0; i < V6_MAX; i++) {
		struct v6if *e = &tab[i];

		if (!e->used || !e->waiting || e->deadline > now_ms)
			continue;
		e->waiting = false;
		set_expired(e, true);
	}
}

uint64_t v6only_next_deadline(void)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < V6_MAX; i++)
		if (tab[i].used && tab[i].waiting && tab[i].deadline < next)
			next = tab[i].deadline;
	return next;
}

bool v6only_answer(const char *ifname, char *why, size_t n)
{
	struct instance *inst = clat_auto_find(ifname);
	struct v6if *e = find(ifname, false);
	char state[16], reason[256];

	if (!inst) {
		snprintf(why, n, "no CLAT for %s: not an uplink xlatd would use",
			 ifname);
		return false;
	}
	if (inst->conf->clat.mode == CLAT_MODE_OFF) {
		snprintf(why, n, "mode = off for %s", ifname);
		return false;
	}
	if (e && e->expired) {
		snprintf(why, n, "no NAT64 prefix on %s within V6ONLY_WAIT %u s after %s",
			 ifname, e->secs, origin(e));
		return false;
	}
	if (clat_working(inst)) {
		snprintf(why, n, "%s translates on %s", inst->name, ifname);
		return true;
	}
	instance_get_state(inst, state, sizeof(state), reason, sizeof(reason));
	snprintf(why, n, "%s runs a CLAT on %s once NAT64 is there (now %s%s%s)",
		 inst->name, ifname, state, reason[0] ? ": " : "", reason);
	return true;
}

void v6only_status(struct ctl_out *o, const char *ifname)
{
	struct v6if *e = find(ifname, false);
	uint64_t now = discovery_now();
	char why[400];
	bool yes = v6only_answer(ifname, why, sizeof(why));

	ctl_obj_begin(o, "ipv6_only_preferred");
	ctl_kv_bool(o, "answer", yes);
	ctl_kv_str(o, "why", "%s", why);
	if (e && (e->waiting || e->expired)) {
		ctl_kv_u64(o, "v6only_wait_s", e->secs);
		ctl_kv_str(o, "since", "%s", origin(e));
		if (e->waiting)
			ctl_kv_u64(o, "remaining_s", e->deadline > now ?
				   (e->deadline - now + 999) / 1000 : 0);
		ctl_kv_bool(o, "expired", e->expired);
	}
	ctl_obj_end(o);
}
