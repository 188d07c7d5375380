// SPDX-License-Identifier: GPL-2.0-or-later
/* discovery: the per-interface choice and its events, without sockets. */
#define TAP_MAIN
#include "tap.h"

#include "control/discovery.h"

#include <arpa/inet.h>

struct ev {
	enum discovery_event ev;
	struct discovery_state cur;
};

static struct ev evs[16];
static int nev;

static void cb(void *arg, enum discovery_event ev,
	       const struct discovery_state *cur, const struct discovery_state *old)
{
	(void)arg;
	(void)old;
	if (nev < 16)
		evs[nev++] = (struct ev){ ev, *cur };
}

static struct xlat_prefix6 p6(const char *s, unsigned int len)
{
	struct xlat_prefix6 p = { .len = (uint8_t)len };

	inet_pton(AF_INET6, s, &p.addr);
	return p;
}

static struct in6_addr rtr(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static void setup(struct discovery *d, bool no_dns)
{
	struct discovery_cfg cfg;

	discovery_cfg_init(&cfg, 3);
	cfg.no_dns = no_dns;
	cfg.cb = cb;
	cfg.resolv_conf = "/nonexistent";
	nev = 0;
	discovery_init(d, &cfg, 0);
}

static void ra(struct discovery *d, const char *r, const char *p,
	       unsigned int len, uint32_t life, uint64_t now)
{
	struct pref64_opt o = { .prefix = p6(p, len), .lifetime = life };
	struct in6_addr a = rtr(r);

	discovery_on_pref64(d, &a, &o, now);
}

TEST(ra_appears_changes_withdraws)
{
	struct discovery d;

	setup(&d, true);
	CHECK_EQ(nev, 0);
	CHECK_EQ(discovery_next_deadline(&d), (long long)DISC_NEVER);
	ra(&d, "fe80::1", "2001:db8:64::", 96, 600, 1000);
	REQUIRE(nev == 1);
	CHECK_EQ(evs[0].ev, DISC_EV_APPEARED);
	CHECK_EQ(evs[0].cur.source, DISC_SRC_RA);
	CHECK_EQ(evs[0].cur.expires, 601000);
	CHECK_EQ(discovery_next_deadline(&d), 601000);
	/* A refresh is no event. */
	ra(&d, "fe80::1", "2001:db8:64::", 96, 600, 2000);
	CHECK_EQ(nev, 1);
	/* The router switches prefixes: the new one replaces its old one
	 * at once, although the old one's lifetime has not run out. */
	ra(&d, "fe80::1", "2001:db8:65::", 64, 600, 3000);
	REQUIRE(nev == 2);
	CHECK_EQ(evs[1].ev, DISC_EV_CHANGED);
	CHECK_EQ(evs[1].cur.prefix.len, 64);
	/* ...and back: an RA with the old one alone brings it back at once. */
	ra(&d, "fe80::1", "2001:db8:64::", 96, 600, 3500);
	REQUIRE(nev == 3);
	CHECK_EQ(evs[2].ev, DISC_EV_CHANGED);
	CHECK_EQ(evs[2].cur.prefix.len, 96);
	ra(&d, "fe80::1", "2001:db8:65::", 64, 600, 3600);
	REQUIRE(nev == 4);
	CHECK_EQ(evs[3].cur.prefix.len, 64);
	nev = 2;
	ra(&d, "fe80::1", "2001:db8:64::", 96, 0, 3000);
	CHECK_EQ(nev, 2); /* withdrawing the replaced one is no event */
	ra(&d, "fe80::1", "2001:db8:65::", 64, 0, 4000);
	REQUIRE(nev == 3);
	CHECK_EQ(evs[2].ev, DISC_EV_WITHDRAWN);
	CHECK_EQ(evs[2].cur.source, DISC_SRC_NONE);
	CHECK_EQ(discovery_current(&d)->source, DISC_SRC_NONE);
}

TEST(ra_expiry_exact_deadline)
{
	struct discovery d;

	setup(&d, true);
	ra(&d, "fe80::1", "2001:db8:64::", 96, 16, 500);
	CHECK_EQ(discovery_next_deadline(&d), 16500);
	discovery_timeouts(&d, 16499);
	CHECK_EQ(nev, 1);
	discovery_timeouts(&d, 16500);
	REQUIRE(nev == 2);
	CHECK_EQ(evs[1].ev, DISC_EV_EXPIRED);
	CHECK_EQ(discovery_next_deadline(&d), (long long)DISC_NEVER);
}

TEST(static_overrides_everything)
{
	struct discovery_cfg cfg;
	struct discovery d;
	struct rfc7050_result res = { .n = 1, .min_ttl = 600 };

	discovery_cfg_init(&cfg, 3);
	cfg.has_static = true;
	cfg.static_prefix = p6("2001:db8:1::", 96);
	cfg.cb = cb;
	nev = 0;
	discovery_init(&d, &cfg, 0);
	REQUIRE(nev == 1);
	CHECK_EQ(evs[0].cur.source, DISC_SRC_STATIC);
	CHECK_EQ(evs[0].cur.expires, (long long)DISC_NEVER);
	CHECK_EQ(d.dns_next, (long long)DISC_NEVER); /* no DNS query at all */
	ra(&d, "fe80::1", "2001:db8:64::", 96, 600, 10);
	res.prefix[0] = p6("2001:db8:46::", 96);
	discovery_on_dns(&d, &res, 20);
	CHECK_EQ(nev, 1);
	CHECK_EQ(discovery_current(&d)->source, DISC_SRC_STATIC);
}

TEST(dns_after_delay_then_ra_wins)
{
	struct discovery d;
	struct rfc7050_result res = { .n = 1, .min_ttl = 3600 };

	setup(&d, false);
	CHECK_EQ(discovery_next_deadline(&d), DISC_DNS_DELAY_MS);
	discovery_timeouts(&d, DISC_DNS_DELAY_MS - 1);
	CHECK_EQ(d.dns_queries, 0);
	discovery_timeouts(&d, DISC_DNS_DELAY_MS);
	CHECK_EQ(d.dns_queries, 1);
	res.prefix[0] = p6("2001:db8:46::", 96);
	discovery_on_dns(&d, &res, 3000);
	REQUIRE(nev == 1);
	CHECK_EQ(evs[0].cur.source, DISC_SRC_DNS);
	/* Refresh at 90 % of the TTL. */
	CHECK_EQ(d.dns_next, 3000 + 3240000);
	/* PREF64 is preferred: the prefix changes and DNS stops. */
	ra(&d, "fe80::1", "2001:db8:64::", 96, 60, 4000);
	REQUIRE(nev == 2);
	CHECK_EQ(evs[1].ev, DISC_EV_CHANGED);
	CHECK_EQ(evs[1].cur.source, DISC_SRC_RA);
	CHECK_EQ(d.dns_next, (long long)DISC_NEVER);
	/* The RA prefix expires: back to the (still fresh) DNS answer, and
	 * a new query is due at once. */
	discovery_timeouts(&d, 64000);
	REQUIRE(nev == 3);
	CHECK_EQ(evs[2].ev, DISC_EV_CHANGED);
	CHECK_EQ(evs[2].cur.source, DISC_SRC_DNS);
	CHECK_EQ(d.dns_queries, 2);
}

/* With the link's own resolvers (RDNSS), DNS stays fresh beside PREF64
 * and its prefix is a candidate behind the RA's. */
TEST(dns_kept_fresh_beside_pref64)
{
	struct discovery d;
	struct rfc7050_result res = { .n = 1, .min_ttl = 3600 };
	struct rdnss_opt rd = { .lifetime = 600, .n = 1 };
	struct discovery_state c[4];

	setup(&d, false);
	ra(&d, "fe80::1", "2001:db8:64::", 96, 600, 100);
	REQUIRE(nev == 1);
	CHECK_EQ(d.dns_next, (long long)DISC_NEVER); /* no RDNSS: no query */
	rd.addr[0] = rtr("2001:db8:1::53");
	discovery_on_rdnss(&d, &rd, 200);
	CHECK_EQ(d.dns_next, 200);
	discovery_timeouts(&d, 200);
	CHECK_EQ(d.dns_queries, 1);
	res.prefix[0] = p6("2001:db8:46::", 96);
	discovery_on_dns(&d, &res, 300);
	CHECK_EQ(nev, 1); /* PREF64 still chosen */
	CHECK_EQ(discovery_current(&d)->source, DISC_SRC_RA);
	CHECK_EQ(d.dns_next, 300 + 3240000); /* refreshed at 90 % of the TTL */
	REQUIRE(discovery_candidates(&d, 400, c, 4) == 2);
	CHECK_EQ(c[0].source, DISC_SRC_RA);
	CHECK_EQ(c[1].source, DISC_SRC_DNS);
	CHECK_EQ(c[1].prefix.addr.s6_addr[5], 0x46);
	/* The same prefix from both is one candidate. */
	res.prefix[0] = p6("2001:db8:64::", 96);
	discovery_on_dns(&d, &res, 500);
	CHECK_EQ(discovery_candidates(&d, 600, c, 4), 1);
}

TEST(dns_refresh_floor_and_expiry)
{
	struct discovery d;
	struct rfc7050_result res = { .n = 1, .min_ttl = 5 };

	setup(&d, false);
	res.prefix[0] = p6("2001:db8:46::", 96);
	discovery_on_dns(&d, &res, 1000);
	CHECK_EQ(d.dns_next, 1000 + DISC_DNS_FLOOR_MS);
	CHECK_EQ(d.dns_expires, 1000 + DISC_DNS_FLOOR_MS + DISC_DNS_GRACE_MS);
	/* Refreshes that fail: retries back off, then the prefix expires. */
	discovery_timeouts(&d, d.dns_next);
	discovery_on_dns_failure(&d, 61000);
	CHECK_EQ(d.dns_next, 61000 + DISC_DNS_RETRY_MIN_MS);
	discovery_on_dns_failure(&d, 63000);
	CHECK_EQ(d.dns_next, 63000 + 2 * DISC_DNS_RETRY_MIN_MS);
	for (int i = 0; i < 10; i++)
		discovery_on_dns_failure(&d, 70000);
	CHECK_EQ(d.dns_next, 70000 + DISC_DNS_RETRY_MAX_MS);
	CHECK_EQ(nev, 1);
	discovery_timeouts(&d, d.dns_expires);
	REQUIRE(nev == 2);
	CHECK_EQ(evs[1].ev, DISC_EV_EXPIRED);
}

TEST(dns_negative_withdraws_and_keeps_prefix_stable)
{
	struct discovery d;
	struct rfc7050_result res = { .n = 2, .min_ttl = 600 };

	setup(&d, false);
	res.prefix[0] = p6("2001:db8:46::", 96);
	res.prefix[1] = p6("2001:db8:47::", 96);
	discovery_on_dns(&d, &res, 0);
	CHECK_EQ(evs[0].cur.prefix.addr.s6_addr[5], 0x46);
	/* Same set, other order: the prefix in use stays. */
	res.prefix[0] = p6("2001:db8:47::", 96);
	res.prefix[1] = p6("2001:db8:46::", 96);
	discovery_on_dns(&d, &res, 1000);
	CHECK_EQ(nev, 1);
	res.n = 0;
	discovery_on_dns(&d, &res, 2000);
	REQUIRE(nev == 2);
	CHECK_EQ(evs[1].ev, DISC_EV_WITHDRAWN);
	CHECK_EQ(d.dns_next, 2000 + DISC_DNS_FLOOR_MS);
}

TEST(rdnss_servers_before_resolv_conf)
{
	struct discovery d;
	struct rdnss_opt o = { .lifetime = 10, .n = 2 };
	struct rfc7050_server s[4];

	setup(&d, false);
	o.addr[0] = rtr("fe80::53");
	o.addr[1] = rtr("2001:db8::53");
	discovery_on_rdnss(&d, &o, 0);
	REQUIRE(discovery_servers(&d, s, 4, 5000) == 2);
	CHECK_EQ(((struct sockaddr_in6 *)&s[0].sa)->sin6_scope_id, 3);
	CHECK_EQ(discovery_next_deadline(&d), DISC_DNS_DELAY_MS);
	discovery_timeouts(&d, 10000); /* the RDNSS lifetime ends */
	CHECK_EQ(discovery_servers(&d, s, 4, 10000), 0);
	o.lifetime = 0xffffffffu;
	discovery_on_rdnss(&d, &o, 0);
	CHECK_EQ(discovery_servers(&d, s, 4, 1ull << 40), 2);
	o.lifetime = 0;
	discovery_on_rdnss(&d, &o, 0);
	CHECK_EQ(discovery_servers(&d, s, 4, 0), 0);
}

int main(void)
{
	return tap_run();
}
