// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: RFC 7757 EAM lookups, address policy, config validation. */
#define TAP_MAIN
#include "tap.h"

#include "engine/rfc6052.h"
#include "engine/xlat_addr.h"
#include "engine/xlat_cfg.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <stdlib.h>

static struct xlat_eam eam(const char *p4, const char *p6)
{
	struct xlat_eam e;

	if (xlat_prefix4_parse(p4, &e.p4) || xlat_prefix6_parse(p6, &e.p6)) {
		fprintf(stderr, "bad test prefix %s %s\n", p4, p6);
		abort();
	}
	return e;
}

static const char *fmt6(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET6, a, buf[i], sizeof(buf[i]));
}

static const char *fmt4(const struct in_addr *a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET, a, buf[i], sizeof(buf[i]));
}

/* Both directions of one mapping must hold, through eam_lookup*. */
#define CHECK_EAM(cfg, s4, s6)                                                 \
	do {                                                                   \
		struct in_addr _a4 = pkt_a4(s4), _r4;                          \
		struct in6_addr _a6 = pkt_a6(s6), _r6;                         \
		CHECK(eam_lookup4(cfg, &_a4, &_r6));                           \
		CHECK_STR(fmt6(&_r6), fmt6(&_a6));                             \
		CHECK(eam_lookup6(cfg, &_a6, &_r4));                           \
		CHECK_STR(fmt4(&_r4), fmt4(&_a4));                             \
	} while (0)

/*
 * RFC 7757 section 3.3, Figure 1: the example EAMT,
 * and the translations the section 3.2 algorithm gives for it.
 */
static struct xlat_eam fig1[6];

static void fig1_cfg(struct xlat_cfg *cfg)
{
	fig1[0] = eam("192.0.2.1", "2001:db8:aaaa::");
	fig1[1] = eam("192.0.2.2/32", "2001:db8:bbbb::b/128");
	fig1[2] = eam("192.0.2.16/28", "2001:db8:cccc::/124");
	fig1[3] = eam("192.0.2.128/26", "2001:db8:dddd::/64");
	fig1[4] = eam("192.0.2.192/29", "2001:db8:eeee:8::/62");
	fig1[5] = eam("192.0.2.224/31", "64:ff9b::/127");
	xlat_cfg_init(cfg);
	cfg->eam = fig1;
	cfg->n_eam = 6;
}

TEST(rfc7757_fig1_examples)
{
	struct xlat_cfg cfg;
	char err[128];

	fig1_cfg(&cfg);
	CHECK_EQ(xlat_cfg_validate(&cfg, err, sizeof(err)), 0);
	CHECK_EAM(&cfg, "192.0.2.1", "2001:db8:aaaa::");
	CHECK_EAM(&cfg, "192.0.2.2", "2001:db8:bbbb::b");
	CHECK_EAM(&cfg, "192.0.2.16", "2001:db8:cccc::");
	CHECK_EAM(&cfg, "192.0.2.20", "2001:db8:cccc::4");
	CHECK_EAM(&cfg, "192.0.2.31", "2001:db8:cccc::f");
	CHECK_EAM(&cfg, "192.0.2.129", "2001:db8:dddd:0:400::");
	CHECK_EAM(&cfg, "192.0.2.191", "2001:db8:dddd:0:fc00::");
	CHECK_EAM(&cfg, "192.0.2.195", "2001:db8:eeee:9:8000::");
	CHECK_EAM(&cfg, "192.0.2.224", "64:ff9b::");
	CHECK_EAM(&cfg, "192.0.2.225", "64:ff9b::1");
}

/* Addresses next to the table's prefixes match no entry. */
TEST(rfc7757_fig1_misses)
{
	struct xlat_cfg cfg;
	struct in_addr r4, a4;
	struct in6_addr r6, a6;

	fig1_cfg(&cfg);
	a4 = pkt_a4("192.0.2.3");
	CHECK(!eam_lookup4(&cfg, &a4, &r6));
	a4 = pkt_a4("192.0.2.32");
	CHECK(!eam_lookup4(&cfg, &a4, &r6));
	a4 = pkt_a4("192.0.2.226");
	CHECK(!eam_lookup4(&cfg, &a4, &r6));
	a6 = pkt_a6("2001:db8:aaaa::1");
	CHECK(!eam_lookup6(&cfg, &a6, &r4));
	a6 = pkt_a6("2001:db8:cccc::10");
	CHECK(!eam_lookup6(&cfg, &a6, &r4));
	a6 = pkt_a6("64:ff9b::2");
	CHECK(!eam_lookup6(&cfg, &a6, &r4));
	a6 = pkt_a6("2001:db8:eeee:c::");
	CHECK(!eam_lookup6(&cfg, &a6, &r4));
}

/* Section 3.2: IPv6 suffix bits beyond the IPv4 suffix are ignored 6->4. */
TEST(rfc7757_excess_ipv6_suffix_ignored)
{
	struct xlat_cfg cfg;
	struct in6_addr a6 = pkt_a6("2001:db8:dddd:0:6000:beef::1");
	struct in_addr r4;

	fig1_cfg(&cfg);
	CHECK(eam_lookup6(&cfg, &a6, &r4));
	CHECK_STR(fmt4(&r4), "192.0.2.152");
}

/* Longest prefix match, whatever the table order, in both directions. */
TEST(eam_longest_prefix_match)
{
	struct xlat_eam t[3];
	struct xlat_cfg cfg;
	char err[128];

	t[0] = eam("192.0.2.0/24", "2001:db8:1::/120");
	t[1] = eam("192.0.2.128/25", "2001:db8:2::/121");
	t[2] = eam("192.0.2.200", "2001:db8:3::c8");
	xlat_cfg_init(&cfg);
	cfg.eam = t;
	cfg.n_eam = 3;
	CHECK_EQ(xlat_cfg_validate(&cfg, err, sizeof(err)), 0);
	CHECK_EAM(&cfg, "192.0.2.33", "2001:db8:1::21");
	CHECK_EAM(&cfg, "192.0.2.129", "2001:db8:2::1");
	CHECK_EAM(&cfg, "192.0.2.200", "2001:db8:3::c8");
	/* Reversed order: same answers. */
	t[0] = eam("192.0.2.200", "2001:db8:3::c8");
	t[2] = eam("192.0.2.0/24", "2001:db8:1::/120");
	CHECK_EAM(&cfg, "192.0.2.33", "2001:db8:1::21");
	CHECK_EAM(&cfg, "192.0.2.129", "2001:db8:2::1");
	CHECK_EAM(&cfg, "192.0.2.200", "2001:db8:3::c8");
}

/*
 * Overlapping IPv6 prefixes (section 3.2 allows them): 6->4 picks the
 * longest IPv6 prefix even when its IPv4 side is the shorter one.
 */
TEST(eam_longest_prefix_match_ipv6_side)
{
	struct xlat_eam t[2];
	struct xlat_cfg cfg;
	struct in6_addr a6 = pkt_a6("2001:db8:1::5");
	struct in_addr r4;

	t[0] = eam("198.51.100.0/24", "2001:db8::/32");
	t[1] = eam("192.0.2.0/24", "2001:db8:1::/120");
	xlat_cfg_init(&cfg);
	cfg.eam = t;
	cfg.n_eam = 2;
	CHECK(eam_lookup6(&cfg, &a6, &r4));
	CHECK_STR(fmt4(&r4), "192.0.2.5");
	a6 = pkt_a6("2001:db8:700::");
	CHECK(eam_lookup6(&cfg, &a6, &r4));
	CHECK_STR(fmt4(&r4), "198.51.100.7");
}

/* Section 3.3: the EAMT is consulted before the RFC 6052 prefix. */
TEST(eam_preferred_over_pool6)
{
	struct xlat_eam t[1];
	struct xlat_cfg cfg;
	struct in_addr a4 = pkt_a4("192.0.2.1"), r4;
	struct in6_addr a6, r6;
	bool via = false;

	t[0] = eam("192.0.2.1", "2001:db8:aaaa::1");
	xlat_cfg_init(&cfg);
	cfg.has_pool6 = true;
	xlat_prefix6_parse("2001:db8:64::/96", &cfg.pool6);
	cfg.eam = t;
	cfg.n_eam = 1;
	CHECK_EQ(xlat_map4(&cfg, &a4, &r6, &via), XLAT_DROP_NONE);
	CHECK(via);
	CHECK_STR(fmt6(&r6), "2001:db8:aaaa::1");
	/* The pool6 form of the same address still maps back by pool6. */
	a6 = pkt_a6("2001:db8:64::192.0.2.1");
	CHECK_EQ(xlat_map6(&cfg, &a6, &r4, &via), XLAT_DROP_NONE);
	CHECK(!via);
	CHECK_STR(fmt4(&r4), "192.0.2.1");
	a6 = pkt_a6("2001:db8:aaaa::1");
	CHECK_EQ(xlat_map6(&cfg, &a6, &r4, &via), XLAT_DROP_NONE);
	CHECK(via);
	CHECK_STR(fmt4(&r4), "192.0.2.1");
	/* Not in the EAMT: pool6. */
	a4 = pkt_a4("192.0.2.2");
	CHECK_EQ(xlat_map4(&cfg, &a4, &r6, &via), XLAT_DROP_NONE);
	CHECK(!via);
	CHECK_STR(fmt6(&r6), "2001:db8:64::c000:202");
	/* xlat_map4_pool6 ignores the EAMT. */
	a4 = pkt_a4("192.0.2.1");
	CHECK_EQ(xlat_map4_pool6(&cfg, &a4, &r6), XLAT_DROP_NONE);
	CHECK_STR(fmt6(&r6), "2001:db8:64::c000:201");
}

/* EAM entries are exempt from the WKP rule (it is about RFC 6052 only). */
TEST(eam_not_subject_to_wkp_rule)
{
	struct xlat_eam t[1];
	struct xlat_cfg cfg;
	struct in_addr a4 = pkt_a4("192.0.2.224"), r4;
	struct in6_addr a6, r6;

	t[0] = eam("192.0.2.224/31", "64:ff9b::/127");
	xlat_cfg_init(&cfg);
	cfg.has_pool6 = true;
	xlat_prefix6_parse("64:ff9b::/96", &cfg.pool6);
	cfg.eam = t;
	cfg.n_eam = 1;
	CHECK_EQ(xlat_map4(&cfg, &a4, &r6, NULL), XLAT_DROP_NONE);
	CHECK_STR(fmt6(&r6), "64:ff9b::");
	a6 = pkt_a6("64:ff9b::1");
	CHECK_EQ(xlat_map6(&cfg, &a6, &r4, NULL), XLAT_DROP_NONE);
	CHECK_STR(fmt4(&r4), "192.0.2.225");
	/* Outside the entry the pool6 rule applies again. */
	a6 = pkt_a6("64:ff9b::192.0.2.1");
	CHECK_EQ(xlat_map6(&cfg, &a6, &r4, NULL), XLAT_DROP_WKP_NONGLOBAL);
	a4 = pkt_a4("192.0.2.1");
	CHECK_EQ(xlat_map4(&cfg, &a4, &r6, NULL), XLAT_DROP_WKP_NONGLOBAL);
}

/* A /0 <-> /96 entry maps everything; a /32 <-> /128 exactly one. */
TEST(eam_extreme_lengths)
{
	struct xlat_eam t[2];
	struct xlat_cfg cfg;

	t[0] = eam("0.0.0.0/0", "2001:db8:46::/96");
	t[1] = eam("203.0.113.9", "2001:db8:99::1");
	xlat_cfg_init(&cfg);
	cfg.eam = t;
	cfg.n_eam = 2;
	CHECK_EAM(&cfg, "203.0.113.8", "2001:db8:46::cb00:7108");
	CHECK_EAM(&cfg, "255.255.255.255", "2001:db8:46::ffff:ffff");
	CHECK_EAM(&cfg, "203.0.113.9", "2001:db8:99::1");
}

/* Entries that validation would reject are never used by the lookups. */
TEST(eam_unusable_entry_skipped)
{
	struct xlat_eam t[1];
	struct xlat_cfg cfg;
	struct in_addr a4 = pkt_a4("10.1.2.3"), r4;
	struct in6_addr a6 = pkt_a6("2001:db8::3"), r6;

	t[0] = eam("10.0.0.0/8", "2001:db8::/120");
	xlat_cfg_init(&cfg);
	cfg.eam = t;
	cfg.n_eam = 1;
	CHECK(!eam_lookup4(&cfg, &a4, &r6));
	CHECK(!eam_lookup6(&cfg, &a6, &r4));
}

static int validate_one(struct xlat_cfg *cfg, char *err, size_t n)
{
	int r = xlat_cfg_validate(cfg, err, n);

	printf("#   validate: %d %s\n", r, err);
	return r;
}

#define CHECK_INVALID(cfg, substr)                                             \
	do {                                                                   \
		char _e[160] = "";                                             \
		CHECK_EQ(validate_one(cfg, _e, sizeof(_e)), -1);               \
		if (!strstr(_e, substr))                                       \
			TAP_FAIL("message \"%s\" lacks \"%s\"", _e, substr);   \
	} while (0)

TEST(validate_defaults_ok)
{
	struct xlat_cfg cfg;
	char err[128];

	xlat_cfg_init(&cfg);
	CHECK_EQ(xlat_cfg_validate(&cfg, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	cfg.has_pool6 = true;
	for (unsigned int l = 32; l <= 96; l += 8) {
		xlat_prefix6_parse("2001:db8::", &cfg.pool6);
		cfg.pool6.len = (uint8_t)l;
		CHECK_EQ(xlat_cfg_validate(&cfg, err, sizeof(err)),
			 rfc6052_valid_len(l) ? 0 : -1);
	}
}

TEST(validate_pool6)
{
	struct xlat_cfg cfg;

	xlat_cfg_init(&cfg);
	cfg.has_pool6 = true;
	xlat_prefix6_parse("2001:db8:64::/80", &cfg.pool6);
	CHECK_INVALID(&cfg, "length");
	xlat_prefix6_parse("2001:db8:64::1/96", &cfg.pool6);
	CHECK_INVALID(&cfg, "beyond the prefix length");
	xlat_prefix6_parse("2001:db8:100:1::/40", &cfg.pool6);
	CHECK_INVALID(&cfg, "beyond the prefix length");
	xlat_prefix6_parse("2001:db8:122:344:ff00::/96", &cfg.pool6);
	CHECK_INVALID(&cfg, "u-octet");
	xlat_prefix6_parse("2001:db8:122:344:1::/96", &cfg.pool6);
	CHECK_EQ(xlat_cfg_validate(&cfg, NULL, 0), 0);
}

TEST(validate_eam)
{
	struct xlat_eam t[2];
	struct xlat_cfg cfg;

	xlat_cfg_init(&cfg);
	cfg.eam = t;
	cfg.n_eam = 1;
	t[0] = eam("192.0.2.1/24", "2001:db8::/120");
	CHECK_INVALID(&cfg, "IPv4 host bits");
	t[0] = eam("192.0.2.0/24", "2001:db8::1/120");
	CHECK_INVALID(&cfg, "IPv6 host bits");
	t[0] = eam("10.0.0.0/8", "2001:db8::/120");
	CHECK_INVALID(&cfg, "longer than the IPv6 suffix");
	t[0] = eam("192.0.2.0/24", "2001:db8::/120");
	t[0].p4.len = 33;
	CHECK_INVALID(&cfg, "out of range");
	cfg.n_eam = 2;
	t[0] = eam("192.0.2.0/24", "2001:db8:1::/120");
	t[1] = eam("192.0.2.0/24", "2001:db8:2::/120");
	CHECK_INVALID(&cfg, "same IPv4 prefix");
	t[1] = eam("198.51.100.0/24", "2001:db8:1::/120");
	CHECK_INVALID(&cfg, "same IPv6 prefix");
	/* Same address, other length: a different prefix, allowed. */
	t[1] = eam("192.0.2.0/25", "2001:db8:1::/121");
	CHECK_EQ(xlat_cfg_validate(&cfg, NULL, 0), 0);
	cfg.eam = NULL;
	CHECK_INVALID(&cfg, "missing");
}

TEST(validate_misc)
{
	struct xlat_cfg cfg;
	char small[8];

	xlat_cfg_init(&cfg);
	cfg.lowest_ipv6_mtu = 1279;
	CHECK_INVALID(&cfg, "1280");
	cfg.lowest_ipv6_mtu = 1280;
	cfg.n_pool6791 = 0;
	CHECK_INVALID(&cfg, "RFC 6791");
	cfg.self4 = pkt_a4("192.0.0.1");
	CHECK_EQ(xlat_cfg_validate(&cfg, NULL, 0), 0);
	cfg.n_pool6791 = XLAT_POOL6791_MAX + 1;
	CHECK_INVALID(&cfg, "more than");
	cfg.n_pool6791 = 2; /* the second is 0.0.0.0 */
	CHECK_INVALID(&cfg, "0.0.0.0");
	cfg.n_pool6791 = 1;
	cfg.udp0 = (enum xlat_udp0)7;
	CHECK_INVALID(&cfg, "UDP");
	/* A short buffer is truncated, still terminated. */
	memset(small, 'x', sizeof(small));
	CHECK_EQ(xlat_cfg_validate(&cfg, small, sizeof(small)), -1);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
}

TEST(parse_prefixes)
{
	struct xlat_prefix6 p6;
	struct xlat_prefix4 p4;

	CHECK_EQ(xlat_prefix6_parse("2001:db8:64::/96", &p6), 0);
	CHECK_EQ(p6.len, 96);
	CHECK_STR(fmt6(&p6.addr), "2001:db8:64::");
	CHECK_EQ(xlat_prefix6_parse("2001:db8::1", &p6), 0);
	CHECK_EQ(p6.len, 128);
	CHECK_EQ(xlat_prefix6_parse("::/0", &p6), 0);
	CHECK_EQ(p6.len, 0);
	CHECK_EQ(xlat_prefix6_parse("64:ff9b::192.0.2.33/128", &p6), 0);
	CHECK_STR(fmt6(&p6.addr), "64:ff9b::c000:221");
	CHECK_EQ(xlat_prefix4_parse("192.0.2.0/24", &p4), 0);
	CHECK_EQ(p4.len, 24);
	CHECK_STR(fmt4(&p4.addr), "192.0.2.0");
	CHECK_EQ(xlat_prefix4_parse("192.0.2.1", &p4), 0);
	CHECK_EQ(p4.len, 32);
	CHECK_EQ(xlat_prefix4_parse("0.0.0.0/0", &p4), 0);
	CHECK_EQ(p4.len, 0);
}

TEST(parse_rejects_garbage)
{
	static const char *const bad6[] = {
		"", "/64", "2001:db8::/", "2001:db8::/129", "2001:db8::/-1",
		"2001:db8::/64x", "2001:db8::/ 64", "2001:db8::/0064",
		"2001:db8:::/64", "192.0.2.1", "2001:db8::/64/1", "zz::",
		" 2001:db8::", "2001:db8::/1e2",
	};
	static const char *const bad4[] = {
		"", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/+8",
		"192.0.2", "192.0.2.256", "2001:db8::1", "192.0.2.0/24 ",
		"192.0.2.0/2a", "192.0.2.0/24/1", "0x7f.0.0.1",
	};
	struct xlat_prefix6 p6 = { .len = 77 };
	struct xlat_prefix4 p4 = { .len = 7 };

	for (size_t i = 0; i < sizeof(bad6) / sizeof(bad6[0]); i++)
		if (xlat_prefix6_parse(bad6[i], &p6) != -1)
			TAP_FAIL("accepted \"%s\"", bad6[i]);
	for (size_t i = 0; i < sizeof(bad4) / sizeof(bad4[0]); i++)
		if (xlat_prefix4_parse(bad4[i], &p4) != -1)
			TAP_FAIL("accepted \"%s\"", bad4[i]);
	CHECK_EQ(xlat_prefix6_parse(NULL, &p6), -1);
	CHECK_EQ(xlat_prefix4_parse(NULL, &p4), -1);
	CHECK_EQ(p6.len, 77); /* untouched */
	CHECK_EQ(p4.len, 7);
}

/* RFC 6791: one source keeps one pool address; sources spread out. */
TEST(pool6791_pick)
{
	struct xlat_cfg cfg;
	struct in6_addr src = pkt_a6("2001:db8:ffff::1");
	struct in_addr a, b;
	unsigned int seen = 0;

	xlat_cfg_init(&cfg);
	xlat_pool6791_pick(&cfg, &src, &a);
	CHECK_STR(fmt4(&a), "192.0.0.8");
	cfg.n_pool6791 = 4;
	for (unsigned int i = 0; i < 4; i++)
		cfg.pool6791[i].s_addr = htonl(0xcb007100 + i); /* 203.0.113.i */
	for (unsigned int i = 0; i < 64; i++) {
		src.s6_addr[15] = (uint8_t)i;
		src.s6_addr[7] = (uint8_t)(i * 7);
		xlat_pool6791_pick(&cfg, &src, &a);
		xlat_pool6791_pick(&cfg, &src, &b);
		CHECK_EQ(a.s_addr, b.s_addr);
		REQUIRE((ntohl(a.s_addr) & ~3u) == 0xcb007100);
		seen |= 1u << (ntohl(a.s_addr) & 3);
	}
	CHECK_EQ(seen, 0xf);
	cfg.n_pool6791 = 0;
	cfg.self4 = pkt_a4("192.0.0.2");
	xlat_pool6791_pick(&cfg, &src, &a);
	CHECK_STR(fmt4(&a), "192.0.0.2");
}

int main(void)
{
	return tap_run();
}
