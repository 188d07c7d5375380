// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 8781 PREF64: option parsing, the prefix table, RTM_NEWNDUSEROPT. */
#define TAP_MAIN
#include "tap.h"

#include "control/nd_monitor.h"
#include "control/pref64.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static struct xlat_prefix6 p6(const char *s, unsigned int len)
{
	struct xlat_prefix6 p = { .addr = a6(s), .len = (uint8_t)len };

	return p;
}

/* A hand-made option: 38, 2, scaled lifetime << 3 | plc, 12 prefix bytes. */
static void mkopt(uint8_t *o, unsigned int scaled, unsigned int plc,
		  const char *prefix)
{
	struct in6_addr a = a6(prefix);
	unsigned int w = scaled << 3 | plc;

	o[0] = 38;
	o[1] = 2;
	o[2] = (uint8_t)(w >> 8);
	o[3] = (uint8_t)w;
	memcpy(o + 4, &a, 12);
}

TEST(every_plc)
{
	static const unsigned int lens[] = { 96, 64, 56, 48, 40, 32 };
	/* All 96 bits set: only the first len may survive. */
	const char *all = "ffff:ffff:ffff:ffff:ffff:ffff::";

	for (unsigned int plc = 0; plc < 6; plc++) {
		struct pref64_opt o;
		struct in6_addr want = a6(all);
		uint8_t opt[16];

		mkopt(opt, 1, plc, all);
		REQUIRE(pref64_opt_parse(opt, 16, &o) == 0);
		CHECK_EQ(o.prefix.len, lens[plc]);
		pref64_mask(&want, lens[plc]);
		CHECK_MEM(&o.prefix.addr, &want, 16);
		CHECK_EQ(pref64_plc_to_len(plc), lens[plc]);
		CHECK_EQ(pref64_len_to_plc(lens[plc]), plc);
	}
}

TEST(plc_32_exact_bits)
{
	struct pref64_opt o;
	struct in6_addr want = a6("2001:db8::");
	uint8_t opt[16];

	mkopt(opt, 225, 5, "2001:db8:ffff:ffff::");
	REQUIRE(pref64_opt_parse(opt, 16, &o) == 0);
	CHECK_EQ(o.prefix.len, 32);
	CHECK_MEM(&o.prefix.addr, &want, 16);
	CHECK_EQ(o.lifetime, 1800);
}

TEST(invalid_plc_ignored)
{
	struct pref64_opt o;
	uint8_t opt[16];

	for (unsigned int plc = 6; plc < 8; plc++) {
		mkopt(opt, 100, plc, "2001:db8:64::");
		CHECK_EQ(pref64_opt_parse(opt, 16, &o), -EPROTO);
		CHECK_EQ(pref64_plc_to_len(plc), -1);
	}
	CHECK_EQ(pref64_len_to_plc(128), -1);
	CHECK_EQ(pref64_len_to_plc(60), -1);
}

TEST(scaled_lifetime)
{
	static const unsigned int scaled[] = { 0, 1, 2, 225, 4096, 8191 };
	struct pref64_opt o;
	uint8_t opt[16];

	for (unsigned int i = 0; i < sizeof(scaled) / sizeof(scaled[0]); i++) {
		mkopt(opt, scaled[i], 0, "2001:db8:64::");
		REQUIRE(pref64_opt_parse(opt, 16, &o) == 0);
		CHECK_EQ(o.lifetime, scaled[i] * 8);
	}
	CHECK_EQ(8191 * 8, 65528);
}

TEST(build_roundtrip_rounds_up_and_caps)
{
	struct xlat_prefix6 p = p6("2001:db8:64::", 96);
	struct pref64_opt o;
	uint8_t opt[16];

	CHECK_EQ(pref64_opt_build(opt, &p, 1), 16);
	REQUIRE(pref64_opt_parse(opt, 16, &o) == 0);
	CHECK_EQ(o.lifetime, 8); /* rounded up, never down to a withdrawal */
	pref64_opt_build(opt, &p, 17);
	pref64_opt_parse(opt, 16, &o);
	CHECK_EQ(o.lifetime, 24);
	pref64_opt_build(opt, &p, 1000000);
	pref64_opt_parse(opt, 16, &o);
	CHECK_EQ(o.lifetime, 65528);
	pref64_opt_build(opt, &p, 0);
	pref64_opt_parse(opt, 16, &o);
	CHECK_EQ(o.lifetime, 0);
	p.len = 60;
	CHECK_EQ(pref64_opt_build(opt, &p, 8), 0);
}

TEST(truncated_and_bad_length)
{
	struct pref64_opt o;
	uint8_t opt[24];

	mkopt(opt, 10, 0, "2001:db8:64::");
	for (size_t n = 0; n < 16; n++)
		CHECK_EQ(pref64_opt_parse(opt, n, &o), -EINVAL);
	opt[1] = 1;
	CHECK_EQ(pref64_opt_parse(opt, 16, &o), -EINVAL);
	opt[1] = 3;
	CHECK_EQ(pref64_opt_parse(opt, 24, &o), -EINVAL);
	opt[1] = 2;
	opt[0] = 25;
	CHECK_EQ(pref64_opt_parse(opt, 16, &o), -EINVAL);
}

TEST(table_add_refresh_withdraw)
{
	struct pref64_table t;
	struct in6_addr r1 = a6("fe80::1");
	struct pref64_opt o = { .prefix = p6("2001:db8:64::", 96), .lifetime = 600 };
	const struct pref64_entry *e;

	pref64_table_init(&t);
	CHECK(!pref64_table_best(&t, 0));
	CHECK_EQ(pref64_table_next_expiry(&t), (long long)PREF64_NEVER);
	CHECK_EQ(pref64_table_update(&t, &r1, &o, 1000), 1);
	e = pref64_table_best(&t, 1000);
	REQUIRE(e);
	CHECK_EQ(e->expires, 601000);
	CHECK_EQ(pref64_table_next_expiry(&t), 601000);
	/* A refresh moves the expiry, is no change. */
	CHECK_EQ(pref64_table_update(&t, &r1, &o, 5000), 0);
	CHECK_EQ(pref64_table_next_expiry(&t), 605000);
	/* Lifetime 0 removes exactly that prefix of that router. */
	o.lifetime = 0;
	CHECK_EQ(pref64_table_update(&t, &r1, &o, 6000), 1);
	CHECK(!pref64_table_best(&t, 6000));
	CHECK_EQ(pref64_table_update(&t, &r1, &o, 6000), 0);
}

TEST(table_expiry_exact)
{
	struct pref64_table t;
	struct in6_addr r1 = a6("fe80::1");
	struct pref64_opt o = { .prefix = p6("2001:db8:64::", 96), .lifetime = 8 };

	pref64_table_init(&t);
	pref64_table_update(&t, &r1, &o, 100);
	CHECK_EQ(pref64_table_next_expiry(&t), 8100);
	CHECK(pref64_table_best(&t, 8099));
	CHECK_EQ(pref64_table_expire(&t, 8099), 0);
	CHECK(!pref64_table_best(&t, 8100));
	CHECK_EQ(pref64_table_expire(&t, 8100), 1);
	CHECK_EQ(pref64_table_next_expiry(&t), (long long)PREF64_NEVER);
}

TEST(table_first_seen_wins)
{
	struct pref64_table t;
	struct in6_addr r1 = a6("fe80::1"), r2 = a6("fe80::2");
	struct pref64_opt a = { .prefix = p6("2001:db8:64::", 96), .lifetime = 100 };
	struct pref64_opt b = { .prefix = p6("2001:db8:6400::", 40), .lifetime = 1000 };
	const struct pref64_entry *e;

	pref64_table_init(&t);
	pref64_table_update(&t, &r2, &b, 0);
	pref64_table_update(&t, &r1, &a, 10);
	e = pref64_table_best(&t, 20);
	REQUIRE(e);
	CHECK_EQ(e->prefix.len, 40);
	CHECK_MEM(&e->router, &r2, 16);
	/* Refreshing the second keeps the first in front. */
	pref64_table_update(&t, &r1, &a, 30);
	CHECK_EQ(pref64_table_best(&t, 40)->prefix.len, 40);
	/* The same prefix from two routers: two entries. */
	pref64_table_update(&t, &r1, &b, 50);
	b.lifetime = 0;
	pref64_table_update(&t, &r2, &b, 60);
	e = pref64_table_best(&t, 70);
	REQUIRE(e);
	/* r1 announced its /40 without its /96 (last seen at 30): the /40
	 * replaced it. */
	CHECK_EQ(e->prefix.len, 40);
	CHECK_MEM(&e->router, &r1, 16);
	CHECK_EQ(pref64_table_next_expiry(&t), 100030); /* refreshed at 30 */
}

TEST(table_router_replaces_its_prefix)
{
	struct pref64_table t;
	struct in6_addr r1 = a6("fe80::1"), r2 = a6("fe80::2");
	struct pref64_opt p1 = { .prefix = p6("2001:db8:64::", 96), .lifetime = 1000 };
	struct pref64_opt p2 = { .prefix = p6("2001:db8:65::", 96), .lifetime = 1000 };
	struct pref64_opt p3 = { .prefix = p6("2001:db8:66::", 96), .lifetime = 1000 };
	const struct pref64_entry *c[8];

	pref64_table_init(&t);
	/* Two prefixes in one RA (one timestamp): both candidates, the
	 * first seen chosen, also when the RA lists them the other way
	 * round next time. */
	pref64_table_update(&t, &r1, &p1, 10);
	pref64_table_update(&t, &r1, &p2, 10);
	CHECK_EQ(pref64_table_candidates(&t, 20, c, 8), 2);
	CHECK_EQ(pref64_table_best(&t, 20)->prefix.addr.s6_addr[5], 0x64);
	pref64_table_update(&t, &r1, &p2, 30);
	pref64_table_update(&t, &r1, &p1, 30);
	CHECK_EQ(pref64_table_best(&t, 40)->prefix.addr.s6_addr[5], 0x64);
	/* Renumbered: the next RA carries only p3; it replaces both at once. */
	pref64_table_update(&t, &r1, &p3, 50);
	CHECK_EQ(pref64_table_candidates(&t, 60, c, 8), 1);
	CHECK_EQ(pref64_table_best(&t, 60)->prefix.addr.s6_addr[5], 0x66);
	/* Later RAs carrying p1 again do not bring it back... */
	pref64_table_update(&t, &r1, &p1, 70);
	pref64_table_update(&t, &r1, &p3, 70);
	CHECK_EQ(pref64_table_best(&t, 80)->prefix.addr.s6_addr[5], 0x66);
	/* ...another router's prefix is a candidate, behind the first... */
	pref64_table_update(&t, &r2, &p2, 90);
	CHECK_EQ(pref64_table_candidates(&t, 100, c, 8), 2);
	CHECK_EQ(c[0]->prefix.addr.s6_addr[5], 0x66);
	CHECK_EQ(c[1]->prefix.addr.s6_addr[5], 0x65);
	CHECK_MEM(&c[1]->router, &r2, 16);
	CHECK_EQ(pref64_table_candidates(&t, 100, c, 1), 1);
	CHECK_EQ(c[0]->prefix.addr.s6_addr[5], 0x66);
	/* ...and withdrawing p3 makes what it replaced candidates again. */
	p3.lifetime = 0;
	pref64_table_update(&t, &r1, &p3, 110);
	CHECK_EQ(pref64_table_candidates(&t, 120, c, 8), 3);
	CHECK_EQ(pref64_table_best(&t, 120)->prefix.addr.s6_addr[5], 0x64);
}

TEST(table_router_goes_back)
{
	struct pref64_table t;
	struct in6_addr r1 = a6("fe80::1"), r2 = a6("fe80::2");
	struct pref64_opt p1 = { .prefix = p6("2001:db8:64::", 96), .lifetime = 1000 };
	struct pref64_opt p2 = { .prefix = p6("2001:db8:65::", 96), .lifetime = 1000 };
	struct pref64_opt p3 = { .prefix = p6("2001:db8:66::", 96), .lifetime = 1000 };
	const struct pref64_entry *c[8];

	pref64_table_init(&t);
	pref64_table_update(&t, &r1, &p1, 10);
	CHECK_EQ(pref64_table_settle(&t, 10), 0);
	/* A -> B: B replaces A. */
	pref64_table_update(&t, &r1, &p2, 20);
	CHECK_EQ(pref64_table_settle(&t, 20), 0);
	CHECK_EQ(pref64_table_best(&t, 25)->prefix.addr.s6_addr[5], 0x65);
	/* An RA with A and B together (either order) keeps B. */
	pref64_table_update(&t, &r1, &p1, 30);
	pref64_table_update(&t, &r1, &p2, 30);
	CHECK_EQ(pref64_table_settle(&t, 30), 0);
	CHECK_EQ(pref64_table_best(&t, 35)->prefix.addr.s6_addr[5], 0x65);
	pref64_table_update(&t, &r1, &p2, 40);
	pref64_table_update(&t, &r1, &p1, 40);
	CHECK_EQ(pref64_table_settle(&t, 40), 0);
	CHECK_EQ(pref64_table_best(&t, 45)->prefix.addr.s6_addr[5], 0x65);
	pref64_table_update(&t, &r2, &p3, 45);
	CHECK_EQ(pref64_table_settle(&t, 45), 0);
	/* B -> A: an RA with A alone brings A back at once, B is replaced;
	 * the other router's prefix stays behind, untouched. */
	pref64_table_update(&t, &r1, &p1, 50);
	CHECK_EQ(pref64_table_settle(&t, 50), 1);
	CHECK_EQ(pref64_table_best(&t, 55)->prefix.addr.s6_addr[5], 0x64);
	CHECK_EQ(pref64_table_candidates(&t, 55, c, 8), 2);
	CHECK_EQ(c[1]->prefix.addr.s6_addr[5], 0x66);
	/* A refresh of the current one is nothing to settle. */
	pref64_table_update(&t, &r1, &p1, 60);
	CHECK_EQ(pref64_table_settle(&t, 60), 0);
	/* And forth again: B alone replaces A. */
	pref64_table_update(&t, &r1, &p2, 70);
	CHECK_EQ(pref64_table_settle(&t, 70), 1);
	CHECK_EQ(pref64_table_best(&t, 75)->prefix.addr.s6_addr[5], 0x65);
	/* Withdrawing B makes A (what it replaced) current again. */
	p2.lifetime = 0;
	pref64_table_update(&t, &r1, &p2, 80);
	CHECK_EQ(pref64_table_best(&t, 85)->prefix.addr.s6_addr[5], 0x64);
}

TEST(table_full_keeps_choice)
{
	struct pref64_table t;
	struct in6_addr r = a6("fe80::1");
	struct pref64_opt o = { .prefix = p6("2001:db8::", 96), .lifetime = 100 };

	pref64_table_init(&t);
	for (int i = 0; i < PREF64_TABLE_MAX; i++) {
		o.prefix.addr.s6_addr[5] = (uint8_t)i;
		CHECK_EQ(pref64_table_update(&t, &r, &o, 0), 1);
	}
	o.prefix.addr.s6_addr[5] = 0xee;
	CHECK_EQ(pref64_table_update(&t, &r, &o, 0), -ENOSPC);
	CHECK_EQ(pref64_table_best(&t, 1)->prefix.addr.s6_addr[5], 0);
}

/* An RTM_NEWNDUSEROPT exactly as the kernel's ndisc_ra_useropt() lays it out. */
static size_t mk_useropt(uint8_t *buf, int ifindex, uint8_t icmp_type,
			 const uint8_t *opts, size_t olen, const char *router)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nduseroptmsg *nd = (struct nduseroptmsg *)(buf + NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nd) + olen);
	struct nlattr *a = (struct nlattr *)(buf + off);
	struct in6_addr r = a6(router);

	memset(buf, 0, off + 20);
	nd->nduseropt_family = AF_INET6;
	nd->nduseropt_opts_len = (unsigned short)olen;
	nd->nduseropt_ifindex = ifindex;
	nd->nduseropt_icmp_type = icmp_type;
	memcpy(nd + 1, opts, olen);
	a->nla_len = 20;
	a->nla_type = NDUSEROPT_SRCADDR;
	memcpy(a + 1, &r, 16);
	nlh->nlmsg_len = (uint32_t)(off + 20);
	nlh->nlmsg_type = RTM_NEWNDUSEROPT;
	return off + 20;
}

TEST(nduseropt_parse)
{
	uint8_t buf[256] __attribute__((aligned(8)));
	uint8_t opt[16];
	struct nd_useropt u;
	struct in6_addr r = a6("fe80::64");
	size_t len;

	mkopt(opt, 225, 0, "2001:db8:64::");
	len = mk_useropt((uint8_t *)buf, 7, ND_ROUTER_ADVERT, opt, 16, "fe80::64");
	REQUIRE(nd_useropt_parse(buf, len, &u) == 0);
	CHECK_EQ(u.ifindex, 7);
	CHECK_EQ(u.icmp_type, ND_ROUTER_ADVERT);
	CHECK(u.has_router);
	CHECK_MEM(&u.router, &r, 16);
	CHECK_EQ(u.opts_len, 16);
	CHECK_MEM(u.opts, opt, 16);
	/* Every truncation is refused or at least never overreads. */
	for (size_t n = 0; n < len; n++) {
		int e = nd_useropt_parse(buf, n, &u);

		CHECK(e == -EBADMSG || (e == 0 && !u.has_router));
	}
	((struct nlmsghdr *)buf)->nlmsg_type = RTM_NEWROUTE;
	CHECK_EQ(nd_useropt_parse(buf, len, &u), -ENOMSG);
}

TEST(nduseropt_opts_len_beyond_message)
{
	uint8_t buf[256] __attribute__((aligned(8)));
	uint8_t opt[16];
	struct nd_useropt u;
	size_t len;

	mkopt(opt, 225, 0, "2001:db8:64::");
	len = mk_useropt((uint8_t *)buf, 7, ND_ROUTER_ADVERT, opt, 16, "fe80::64");
	((struct nduseroptmsg *)((uint8_t *)buf + NLMSG_HDRLEN))->nduseropt_opts_len = 200;
	CHECK_EQ(nd_useropt_parse(buf, len, &u), -EBADMSG);
}

static int got_pref64, got_rdnss;
static struct pref64_opt last_opt;
static struct rdnss_opt last_rdnss;
static int last_if;

static void cb_pref64(void *arg, int ifindex, const struct in6_addr *router,
		      const struct pref64_opt *o)
{
	(void)arg;
	(void)router;
	got_pref64++;
	last_if = ifindex;
	last_opt = *o;
}

static void cb_rdnss(void *arg, int ifindex, const struct in6_addr *router,
		     const struct rdnss_opt *o)
{
	(void)arg;
	(void)router;
	(void)ifindex;
	got_rdnss++;
	last_rdnss = *o;
}

static const struct nd_monitor_ops ops = { cb_pref64, cb_rdnss };

TEST(monitor_dispatch_filters)
{
	uint8_t buf[512] __attribute__((aligned(8)));
	uint8_t opts[16 + 24], *b = (uint8_t *)buf;
	struct nd_monitor m = { .ifindex = 7, .ops = &ops };
	struct in6_addr dns = a6("2001:db8::53");
	size_t l1, l2;

	mkopt(opts, 75, 1, "2001:db8:64:1::");
	/* RDNSS: 25, len 3, reserved, lifetime 300, one address. */
	memset(opts + 16, 0, 24);
	opts[16] = 25;
	opts[17] = 3;
	opts[23] = 44; opts[22] = 1; /* 300 */
	memcpy(opts + 24, &dns, 16);
	/* Two messages in one datagram; the second for another interface. */
	l1 = mk_useropt(b, 7, ND_ROUTER_ADVERT, opts, 40, "fe80::1");
	l2 = mk_useropt(b + NLMSG_ALIGN(l1), 8, ND_ROUTER_ADVERT, opts, 16, "fe80::1");
	got_pref64 = got_rdnss = 0;
	CHECK_EQ(nd_monitor_dispatch(&m, buf, NLMSG_ALIGN(l1) + l2), 2);
	CHECK_EQ(got_pref64, 1);
	CHECK_EQ(got_rdnss, 1);
	CHECK_EQ(last_if, 7);
	CHECK_EQ(last_opt.prefix.len, 64);
	CHECK_EQ(last_opt.lifetime, 600);
	CHECK_EQ(last_rdnss.lifetime, 300);
	CHECK_EQ(last_rdnss.n, 1);
	CHECK_MEM(&last_rdnss.addr[0], &dns, 16);
	/* Not an RA: ignored. */
	l1 = mk_useropt(b, 7, ND_ROUTER_SOLICIT, opts, 16, "fe80::1");
	CHECK_EQ(nd_monitor_dispatch(&m, buf, l1), 0);
	/* An option with length 0 stops the walk (no endless loop). */
	opts[1] = 0;
	l1 = mk_useropt(b, 7, ND_ROUTER_ADVERT, opts, 16, "fe80::1");
	CHECK_EQ(nd_monitor_dispatch(&m, buf, l1), 0);
	/* Invalid PLC: the option is dropped. */
	mkopt(opts, 75, 7, "2001:db8:64::");
	l1 = mk_useropt(b, 7, ND_ROUTER_ADVERT, opts, 16, "fe80::1");
	CHECK_EQ(nd_monitor_dispatch(&m, buf, l1), 0);
}

TEST(rdnss_parse)
{
	uint8_t o[56] = { 25, 5, 0, 0, 0xff, 0xff, 0xff, 0xff };
	struct rdnss_opt r;

	CHECK_EQ(rdnss_opt_parse(o, sizeof(o) - 16, &r), 0);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.lifetime, 0xffffffffu);
	CHECK_EQ(rdnss_opt_parse(o, 39, &r), -EINVAL); /* shorter than its length */
	o[1] = 4;
	CHECK_EQ(rdnss_opt_parse(o, sizeof(o), &r), -EINVAL); /* even */
	o[1] = 1;
	CHECK_EQ(rdnss_opt_parse(o, sizeof(o), &r), -EINVAL);
}

int main(void)
{
	return tap_run();
}
