// SPDX-License-Identifier: GPL-2.0-or-later
/* Per-interface NAT64 prefix discovery: static > PREF64 > RFC 7050. */
#include "control/discovery.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define TAG_MON 1
#define TAG_DNS 2

uint64_t discovery_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *discovery_source_name(enum discovery_source s)
{
	switch (s) {
	case DISC_SRC_RA:
		return "ra";
	case DISC_SRC_DNS:
		return "dns";
	case DISC_SRC_STATIC:
		return "static";
	default:
		return "none";
	}
}

const char *discovery_event_name(enum discovery_event e)
{
	switch (e) {
	case DISC_EV_APPEARED:
		return "appeared";
	case DISC_EV_CHANGED:
		return "changed";
	case DISC_EV_WITHDRAWN:
		return "withdrawn";
	default:
		return "expired";
	}
}

void discovery_cfg_init(struct discovery_cfg *cfg, int ifindex)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ifindex = ifindex;
	cfg->dns_delay_ms = DISC_DNS_DELAY_MS;
}

static bool same_prefix(const struct xlat_prefix6 *a,
			const struct xlat_prefix6 *b)
{
	return a->len == b->len && !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static bool has_state(const struct discovery_state *s, int n,
		      const struct xlat_prefix6 *p)
{
	for (int i = 0; i < n; i++)
		if (same_prefix(&s[i].prefix, p))
			return true;
	return false;
}

static bool has_rdnss(const struct discovery *d, uint64_t now)
{
	for (int k = 0; k < ND_RDNSS_MAX; k++)
		if (d->rdnss[k].used && d->rdnss[k].expires > now)
			return true;
	return false;
}

/*
 * RFC 7050 is asked when there is no PREF64; and while PREF64 is in use
 * too, of the link's own resolvers (RDNSS), so that a DNS64 that
 * disagrees with the RA is seen and its prefix stays a candidate (the
 * CLAT fails over to it when the PLAT behind the RA's prefix is dead).
 */
static bool dns_wanted(const struct discovery *d, uint64_t now)
{
	if (d->cfg.no_dns || d->cfg.has_static)
		return false;
	return !pref64_table_best(&d->ra, now) || has_rdnss(d, now);
}

static struct discovery_state choose(const struct discovery *d, uint64_t now)
{
	struct discovery_state s = { .source = DISC_SRC_NONE };
	const struct pref64_entry *e = pref64_table_best(&d->ra, now);

	if (d->cfg.has_static) {
		s.source = DISC_SRC_STATIC;
		s.prefix = d->cfg.static_prefix;
		s.expires = DISC_NEVER;
	} else if (e) {
		s.source = DISC_SRC_RA;
		s.prefix = e->prefix;
		s.expires = e->expires;
	} else if (d->dns_valid && d->dns_expires > now) {
		s.source = DISC_SRC_DNS;
		s.prefix = d->dns_prefix;
		s.expires = d->dns_expires;
	}
	return s;
}

/*
 * Report a change of the chosen prefix.  A new source or expiry for the
 * same prefix is no event: the translator keeps running unchanged.
 */
static void evaluate(struct discovery *d, uint64_t now, bool by_timeout)
{
	struct discovery_state s = choose(d, now), old = d->cur;
	enum discovery_event ev;

	d->cur = s;
	if (s.source == DISC_SRC_NONE && old.source == DISC_SRC_NONE)
		return;
	if (s.source != DISC_SRC_NONE && old.source != DISC_SRC_NONE &&
	    same_prefix(&s.prefix, &old.prefix))
		return;
	if (old.source == DISC_SRC_NONE)
		ev = DISC_EV_APPEARED;
	else if (s.source != DISC_SRC_NONE)
		ev = DISC_EV_CHANGED;
	else
		ev = by_timeout ? DISC_EV_EXPIRED : DISC_EV_WITHDRAWN;
	if (d->cfg.cb)
		d->cfg.cb(d->cfg.arg, ev, &s, &old);
}

/* No PREF64 any more: ask DNS now, unless a DNS answer is still fresh. */
static void plan_dns(struct discovery *d, uint64_t now)
{
	if (!dns_wanted(d, now)) {
		rfc7050_query_stop(&d->q);
		d->dns_next = DISC_NEVER;
		return;
	}
	if (d->dns_next == DISC_NEVER && !rfc7050_query_active(&d->q))
		d->dns_next = now;
}

void discovery_init(struct discovery *d, const struct discovery_cfg *cfg,
		    uint64_t now)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	if (!d->cfg.resolv_conf)
		d->cfg.resolv_conf = "/etc/resolv.conf";
	d->epfd = -1;
	pref64_table_init(&d->ra);
	rfc7050_query_init(&d->q);
	d->dns_next = DISC_NEVER;
	if (dns_wanted(d, now))
		d->dns_next = now + d->cfg.dns_delay_ms;
	evaluate(d, now, false);
}

void discovery_on_pref64(struct discovery *d, const struct in6_addr *router,
			 const struct pref64_opt *o, uint64_t now)
{
	if (d->cfg.no_ra)
		return;
	pref64_table_update(&d->ra, router, o, now);
	plan_dns(d, now);
	/* The options of one RA arrive together: judge them together
	 * (discovery_process() evaluates once it has read them all), so a
	 * router's two prefixes never look like a replacement midway. */
	if (!d->reading) {
		pref64_table_settle(&d->ra, now);
		evaluate(d, now, false);
	}
}

void discovery_on_rdnss(struct discovery *d, const struct rdnss_opt *o,
			uint64_t now)
{
	for (unsigned int i = 0; i < o->n; i++) {
		struct disc_rdnss *r = NULL, *slot = NULL;

		for (int k = 0; k < ND_RDNSS_MAX; k++) {
			if (d->rdnss[k].used &&
			    !memcmp(&d->rdnss[k].addr, &o->addr[i], 16))
				r = &d->rdnss[k];
			else if (!d->rdnss[k].used && !slot)
				slot = &d->rdnss[k];
		}
		if (o->lifetime == 0) {
			if (r)
				memset(r, 0, sizeof(*r));
			continue;
		}
		if (!r)
			r = slot;
		if (!r)
			continue;
		r->used = true;
		r->addr = o->addr[i];
		r->expires = o->lifetime == UINT32_MAX ?
			DISC_NEVER : now + (uint64_t)o->lifetime * 1000;
	}
	plan_dns(d, now); /* the link's resolvers: worth asking now */
}

/* Keep the prefix we have if the answer still lists it, else the first. */
static const struct xlat_prefix6 *pick_dns(const struct discovery *d,
					   const struct rfc7050_result *res)
{
	for (unsigned int i = 0; d->dns_valid && i < res->n; i++)
		if (same_prefix(&res->prefix[i], &d->dns_prefix))
			return &res->prefix[i];
	return &res->prefix[0];
}

void discovery_on_dns(struct discovery *d, const struct rfc7050_result *res,
		      uint64_t now)
{
	uint64_t life;

	d->dns_failures = 0;
	if (res->n == 0) {
		d->dns_valid = false;
		d->dns_next = dns_wanted(d, now) ? now + DISC_DNS_FLOOR_MS :
			DISC_NEVER;
		evaluate(d, now, false);
		return;
	}
	life = (uint64_t)res->min_ttl * 1000;
	if (life < DISC_DNS_FLOOR_MS)
		life = DISC_DNS_FLOOR_MS;
	d->dns_prefix = *pick_dns(d, res);
	d->dns_valid = true;
	d->dns_expires = now + life + DISC_DNS_GRACE_MS;
	/* Refresh at 90 % of the TTL, never sooner than the floor. */
	d->dns_next = dns_wanted(d, now) ? now + life - life / 10 : DISC_NEVER;
	if (d->dns_next < now + DISC_DNS_FLOOR_MS && dns_wanted(d, now))
		d->dns_next = now + DISC_DNS_FLOOR_MS;
	evaluate(d, now, false);
}

void discovery_on_dns_failure(struct discovery *d, uint64_t now)
{
	uint64_t wait = DISC_DNS_RETRY_MIN_MS;

	for (unsigned int i = 0; i < d->dns_failures && wait < DISC_DNS_RETRY_MAX_MS; i++)
		wait *= 2;
	if (wait > DISC_DNS_RETRY_MAX_MS)
		wait = DISC_DNS_RETRY_MAX_MS;
	d->dns_failures++;
	d->dns_next = dns_wanted(d, now) ? now + wait : DISC_NEVER;
}

int discovery_servers(const struct discovery *d, struct rfc7050_server *out,
		      int max, uint64_t now)
{
	int n = 0;

	for (int k = 0; k < ND_RDNSS_MAX && n < max; k++)
		if (d->rdnss[k].used && d->rdnss[k].expires > now)
			rfc7050_server_set6(&out[n++], &d->rdnss[k].addr,
					    d->cfg.ifindex);
	if (n)
		return n;
	return rfc7050_resolv_read(d->cfg.resolv_conf, out, max, d->cfg.ifindex);
}

static void watch_query(struct discovery *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = TAG_DNS };
	int fd = rfc7050_query_fd(&d->q);

	/* A closed socket leaves the epoll set by itself; a new one (even
	 * with a recycled number) is added, an old one answers EEXIST. */
	if (fd >= 0 && d->epfd >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void start_query(struct discovery *d, uint64_t now)
{
	struct rfc7050_server srv[RFC7050_MAX_SERVERS];
	int n;

	d->dns_next = DISC_NEVER;
	d->dns_queries++;
	if (!d->started)
		return; /* the pure state machine only counts */
	n = discovery_servers(d, srv, RFC7050_MAX_SERVERS, now);
	if (n <= 0 || rfc7050_query_start(&d->q, srv, (unsigned int)n, now)) {
		discovery_on_dns_failure(d, now);
		return;
	}
	watch_query(d);
}

static void query_result(struct discovery *d, int r,
			 const struct rfc7050_result *res, uint64_t now)
{
	if (r == 1)
		discovery_on_dns(d, res, now);
	else if (r < 0)
		discovery_on_dns_failure(d, now);
	else
		watch_query(d);
}

void discovery_timeouts(struct discovery *d, uint64_t now)
{
	struct rfc7050_result res;
	bool expired = false;

	if (pref64_table_expire(&d->ra, now) > 0) {
		expired = true;
		plan_dns(d, now);
	}
	for (int k = 0; k < ND_RDNSS_MAX; k++)
		if (d->rdnss[k].used && d->rdnss[k].expires <= now)
			memset(&d->rdnss[k], 0, sizeof(d->rdnss[k]));
	if (d->dns_valid && d->dns_expires <= now) {
		d->dns_valid = false;
		expired = true;
	}
	if (rfc7050_query_active(&d->q) && rfc7050_query_deadline(&d->q) <= now) {
		int r = rfc7050_query_timeout(&d->q, now);

		query_result(d, r < 0 ? r : 0, &res, now);
	}
	if (d->dns_next <= now && !rfc7050_query_active(&d->q))
		start_query(d, now);
	evaluate(d, now, expired);
}

uint64_t discovery_next_deadline(const struct discovery *d)
{
	uint64_t t = pref64_table_next_expiry(&d->ra);

	for (int k = 0; k < ND_RDNSS_MAX; k++)
		if (d->rdnss[k].used && d->rdnss[k].expires < t)
			t = d->rdnss[k].expires;
	if (d->dns_valid && d->dns_expires < t)
		t = d->dns_expires;
	if (d->dns_next < t)
		t = d->dns_next;
	if (rfc7050_query_deadline(&d->q) < t)
		t = rfc7050_query_deadline(&d->q);
	return t;
}

static void mon_pref64(void *arg, int ifindex, const struct in6_addr *router,
		       const struct pref64_opt *o)
{
	struct discovery *d = arg;

	(void)ifindex;
	discovery_on_pref64(d, router, o, d->now);
}

static void mon_rdnss(void *arg, int ifindex, const struct in6_addr *router,
		      const struct rdnss_opt *o)
{
	struct discovery *d = arg;

	(void)ifindex;
	(void)router;
	discovery_on_rdnss(d, o, d->now);
}

static const struct nd_monitor_ops mon_ops = {
	.pref64 = mon_pref64,
	.rdnss = mon_rdnss,
};

int discovery_start(struct discovery *d, uint64_t now)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = TAG_MON };
	int err;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return -errno;
	/* RDNSS matters even when PREF64 is ignored: the listener always runs. */
	err = nd_monitor_open(&d->mon, d->cfg.ifindex, &mon_ops, d);
	if (!err && epoll_ctl(d->epfd, EPOLL_CTL_ADD, nd_monitor_fd(&d->mon), &ev))
		err = -errno;
	if (err) {
		discovery_close(d);
		return err;
	}
	d->started = true;
	d->now = now;
	/* Subscribed first, so the answer to the RS cannot be missed. */
	if (!d->cfg.no_rs)
		d->rs_err = nd_send_rs(d->cfg.ifindex);
	return 0;
}

void discovery_close(struct discovery *d)
{
	rfc7050_query_stop(&d->q);
	nd_monitor_close(&d->mon);
	if (d->epfd >= 0)
		close(d->epfd);
	d->epfd = -1;
	d->started = false;
}

int discovery_fd(const struct discovery *d)
{
	return d->epfd;
}

void discovery_process(struct discovery *d, uint64_t now)
{
	struct rfc7050_result res;

	d->now = now;
	d->reading = true;
	if (d->started && nd_monitor_read(&d->mon) == -ENOBUFS && !d->cfg.no_rs)
		nd_send_rs(d->cfg.ifindex); /* lost options: ask again */
	d->reading = false;
	pref64_table_settle(&d->ra, now);
	if (rfc7050_query_active(&d->q))
		query_result(d, rfc7050_query_readable(&d->q, now, &res), &res,
			     now);
	discovery_timeouts(d, now);
}

const struct discovery_state *discovery_current(const struct discovery *d)
{
	return &d->cur;
}

int discovery_candidates(const struct discovery *d, uint64_t now,
			 struct discovery_state *out, int max)
{
	const struct pref64_entry *e[PREF64_TABLE_MAX];
	int n = 0, k;

	if (d->cfg.has_static && max > 0) {
		/* The operator's choice: no other candidate. */
		out[0] = (struct discovery_state){ DISC_SRC_STATIC,
						   d->cfg.static_prefix,
						   DISC_NEVER };
		return 1;
	}
	k = pref64_table_candidates(&d->ra, now, e, PREF64_TABLE_MAX);
	for (int i = 0; i < k && n < max; i++)
		if (!has_state(out, n, &e[i]->prefix))
			out[n++] = (struct discovery_state){ DISC_SRC_RA,
							     e[i]->prefix,
							     e[i]->expires };
	if (d->dns_valid && d->dns_expires > now && n < max &&
	    !has_state(out, n, &d->dns_prefix))
		out[n++] = (struct discovery_state){ DISC_SRC_DNS, d->dns_prefix,
						     d->dns_expires };
	return n;
}
