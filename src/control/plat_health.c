// SPDX-License-Identifier: GPL-2.0-or-later
/* PLAT liveness and failover between NAT64 prefixes: see plat_health.h. */
#include "control/plat_health.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

void plat_health_cfg_default(struct plat_health_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->dead_after_ms = 5000;
	c->probe_timeout_ms = 2000;
	c->retry_ms = 10000;
	c->holddown_ms = 30000;
}

void plat_health_init(struct plat_health *h, const struct plat_health_cfg *c)
{
	memset(h, 0, sizeof(*h));
	h->cfg = *c;
}

static bool same(const struct xlat_prefix6 *a, const struct xlat_prefix6 *b)
{
	return a->len == b->len && !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static struct ph_prefix *find(struct plat_health *h, const struct xlat_prefix6 *p)
{
	for (unsigned int i = 0; i < h->n; i++)
		if (same(&h->e[i].p, p))
			return &h->e[i];
	return NULL;
}

/* An entry for p; when the table is full, the oldest one not in use goes. */
static struct ph_prefix *get(struct plat_health *h, const struct xlat_prefix6 *p,
			     uint64_t now)
{
	struct ph_prefix *e = find(h, p);
	unsigned int victim = 0;

	if (e)
		return e;
	if (h->n == PH_MAX) {
		for (unsigned int i = 1; i < h->n; i++)
			if (h->e[i].since < h->e[victim].since)
				victim = i;
		if (h->has_in_use && same(&h->e[victim].p, &h->in_use))
			victim = victim ? 0 : 1;
		h->e[victim] = h->e[--h->n];
	}
	e = &h->e[h->n++];
	memset(e, 0, sizeof(*e));
	e->p = *p;
	e->state = PH_ALIVE;
	e->since = now;
	return e;
}

static void set_state(struct ph_prefix *e, enum ph_state s, uint64_t now)
{
	e->state = s;
	e->since = now;
}

static void quiet_reset(struct plat_health *h)
{
	h->quiet_since = 0;
	h->out_at_quiet = 0;
}

const char *plat_health_state_name(enum ph_state s)
{
	return s == PH_ALIVE ? "alive" : s == PH_SUSPECT ? "suspect" : "dead";
}

enum ph_state plat_health_state(const struct plat_health *h,
				const struct xlat_prefix6 *p)
{
	const struct ph_prefix *e = find((struct plat_health *)h, p);

	return e ? e->state : PH_ALIVE;
}

static int index_of(const struct xlat_prefix6 *cand, unsigned int n,
		    const struct xlat_prefix6 *p)
{
	for (unsigned int i = 0; i < n; i++)
		if (same(&cand[i], p))
			return (int)i;
	return -1;
}

static const char *fmt(const struct xlat_prefix6 *p, char *b, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(b, n, "%s/%u", inet_ntop(AF_INET6, &p->addr, a, sizeof(a)),
		 p->len);
	return b;
}

/* Whether the prefix in use may be left for cand[want] now. */
static bool may_switch(const struct plat_health *h, int cur, int want,
		       enum ph_state cur_state, uint64_t now)
{
	if (cur < 0 || cur_state == PH_DEAD)
		return true; /* gone, or dead: leave it at once */
	if (want > cur)
		return false; /* a later candidate only replaces a dead one */
	return !h->last_switch || now - h->last_switch >= h->cfg.holddown_ms;
}

int plat_health_choose(struct plat_health *h, const struct xlat_prefix6 *cand,
		       unsigned int n, uint64_t now, char *why, size_t whylen)
{
	int want = 0, cur = h->has_in_use ? index_of(cand, n, &h->in_use) : -1;
	enum ph_state cs = PH_ALIVE;
	char a[64], b[64];

	if (why && whylen)
		why[0] = '\0';
	for (unsigned int i = 0; i < n; i++)
		get(h, &cand[i], now);
	while ((unsigned int)want < n && find(h, &cand[want])->state == PH_DEAD)
		want++;
	if ((unsigned int)want == n)
		want = cur >= 0 ? cur : 0; /* all dead: stay, keep trying */
	if (cur >= 0)
		cs = find(h, &cand[cur])->state;
	if (want != cur && !may_switch(h, cur, want, cs, now))
		want = cur;
	if (want != cur) {
		if (h->has_in_use)
			h->last_switch = now;
		h->switches += h->has_in_use;
		quiet_reset(h);
	}
	h->in_use = cand[want];
	h->has_in_use = true;
	if (!why || !whylen)
		return want;
	if (find(h, &cand[want])->state == PH_DEAD)
		snprintf(why, whylen, "the PLAT behind %s does not translate%s; still trying",
			 fmt(&cand[want], a, sizeof(a)),
			 n > 1 ? " (nor any other candidate's)" : "");
	else if (want > 0)
		snprintf(why, whylen, "failed over from %s (its PLAT does not translate)",
			 fmt(&cand[0], b, sizeof(b)));
	return want;
}

bool plat_health_sample(struct plat_health *h, uint64_t out, uint64_t in,
			uint64_t now)
{
	struct ph_prefix *e = h->has_in_use ? find(h, &h->in_use) : NULL;
	bool changed = false;

	if (out < h->out || in < h->in) /* counters of a new instance */
		quiet_reset(h);
	else if (in > h->in) {
		quiet_reset(h);
		if (e && e->state == PH_SUSPECT) {
			set_state(e, PH_ALIVE, now);
			changed = true;
		}
	} else if (out > h->out && !h->quiet_since) {
		h->quiet_since = now;
		h->out_at_quiet = h->out;
	}
	h->out = out;
	h->in = in;
	if (!e || e->state != PH_ALIVE || !h->quiet_since ||
	    now - h->quiet_since < h->cfg.dead_after_ms ||
	    out - h->out_at_quiet < PH_MIN_OUT)
		return changed;
	if (h->cfg.can_probe) {
		set_state(e, PH_SUSPECT, now);
	} else {
		set_state(e, PH_DEAD, now);
		e->next_probe = now + h->cfg.holddown_ms;
	}
	quiet_reset(h);
	return true;
}

bool plat_health_want_probe(struct plat_health *h, uint64_t now,
			    struct xlat_prefix6 *p)
{
	if (!h->cfg.can_probe)
		return false;
	for (unsigned int i = 0; i < h->n; i++) {
		struct ph_prefix *e = &h->e[i];

		if (e->probing)
			continue;
		if (e->state == PH_SUSPECT ||
		    (e->state == PH_DEAD && now >= e->next_probe)) {
			*p = e->p;
			return true;
		}
	}
	return false;
}

void plat_health_probe_sent(struct plat_health *h, const struct xlat_prefix6 *p,
			    uint64_t now)
{
	struct ph_prefix *e = find(h, p);

	if (!e)
		return;
	e->probing = true;
	e->probe_deadline = now + h->cfg.probe_timeout_ms;
}

bool plat_health_probe_ok(struct plat_health *h, const struct xlat_prefix6 *p,
			  uint64_t now)
{
	struct ph_prefix *e = find(h, p);

	if (!e)
		return false;
	e->probing = false;
	if (h->has_in_use && same(p, &h->in_use))
		quiet_reset(h);
	if (e->state == PH_ALIVE)
		return false;
	set_state(e, PH_ALIVE, now);
	return true;
}

bool plat_health_timeouts(struct plat_health *h, uint64_t now)
{
	bool changed = false;

	for (unsigned int i = 0; i < h->n; i++) {
		struct ph_prefix *e = &h->e[i];

		if (e->probing && now >= e->probe_deadline) {
			e->probing = false;
			e->next_probe = now + h->cfg.retry_ms;
			if (e->state == PH_SUSPECT) {
				set_state(e, PH_DEAD, now);
				changed = true;
			}
		} else if (!h->cfg.can_probe && e->state == PH_DEAD &&
			   now >= e->next_probe) {
			/* Nothing to ask: believe it again, watch again. */
			set_state(e, PH_ALIVE, now);
			changed = true;
		}
	}
	return changed;
}
