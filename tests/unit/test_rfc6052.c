// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: RFC 6052 address format, section 3.1 rule, pool6 mapping. */
#define TAP_MAIN
#include "tap.h"

#include "engine/rfc6052.h"
#include "engine/xlat_addr.h"
#include "engine/xlat_cfg.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <stdlib.h>

static struct xlat_prefix6 pfx6(const char *s)
{
	struct xlat_prefix6 p;

	if (xlat_prefix6_parse(s, &p)) {
		fprintf(stderr, "bad test prefix %s\n", s);
		abort();
	}
	return p;
}

/* RFC 6052 section 2.4, the table of examples, with its exact strings. */
static const struct {
	const char *prefix, *v4, *v6;
} table24[] = {
	{ "2001:db8::/32", "192.0.2.33", "2001:db8:c000:221::" },
	{ "2001:db8:100::/40", "192.0.2.33", "2001:db8:1c0:2:21::" },
	{ "2001:db8:122::/48", "192.0.2.33", "2001:db8:122:c000:2:2100::" },
	{ "2001:db8:122:300::/56", "192.0.2.33", "2001:db8:122:3c0:0:221::" },
	{ "2001:db8:122:344::/64", "192.0.2.33",
	  "2001:db8:122:344:c0:2:2100::" },
	{ "2001:db8:122:344::/96", "192.0.2.33",
	  "2001:db8:122:344::192.0.2.33" },
	{ "64:ff9b::/96", "192.0.2.33", "64:ff9b::192.0.2.33" },
};

#define N24 (sizeof(table24) / sizeof(table24[0]))

TEST(rfc6052_table_embed)
{
	for (size_t i = 0; i < N24; i++) {
		struct xlat_prefix6 p = pfx6(table24[i].prefix);
		struct in_addr v4 = pkt_a4(table24[i].v4);
		struct in6_addr want = pkt_a6(table24[i].v6), got;

		rfc6052_embed(&p, &v4, &got);
		if (memcmp(&got, &want, 16))
			TAP_FAIL("embed %s in %s", table24[i].v4,
				 table24[i].prefix);
	}
}

TEST(rfc6052_table_extract)
{
	for (size_t i = 0; i < N24; i++) {
		struct xlat_prefix6 p = pfx6(table24[i].prefix);
		struct in6_addr a = pkt_a6(table24[i].v6);
		struct in_addr want = pkt_a4(table24[i].v4), got = { 0 };

		if (!rfc6052_extract(&p, &a, &got) ||
		    got.s_addr != want.s_addr)
			TAP_FAIL("extract %s with %s", table24[i].v6,
				 table24[i].prefix);
	}
}

/* Every IPv4 address bit lands somewhere and comes back (all lengths). */
TEST(rfc6052_roundtrip_all_lengths)
{
	static const char *const v4s[] = { "0.0.0.0", "255.255.255.255",
					   "128.1.2.129", "1.128.255.0" };
	static const unsigned int lens[] = { 32, 40, 48, 56, 64, 96 };

	for (size_t l = 0; l < 6; l++) {
		struct xlat_prefix6 p = pfx6("2001:db8:122:344::");
		struct in_addr v4, back;
		struct in6_addr a;

		p.len = (uint8_t)lens[l];
		for (size_t i = 0; i < 4; i++) {
			v4 = pkt_a4(v4s[i]);
			rfc6052_embed(&p, &v4, &a);
			CHECK_EQ(a.s6_addr[8], 0); /* u-octet */
			CHECK(rfc6052_extract(&p, &a, &back));
			CHECK_EQ(back.s_addr, v4.s_addr);
		}
	}
}

/* Embedding zeroes the u-octet and the suffix whatever the prefix holds. */
TEST(rfc6052_embed_ignores_bits_past_prefix)
{
	struct xlat_prefix6 p = pfx6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/32");
	struct in_addr v4 = pkt_a4("192.0.2.33");
	struct in6_addr want = pkt_a6("2001:db8:c000:221::"), got;

	rfc6052_embed(&p, &v4, &got);
	CHECK_MEM(&got, &want, 16);
	p = pfx6("2001:db8:122:344:ffff:ffff::/64");
	want = pkt_a6("2001:db8:122:344:c0:2:2100::");
	rfc6052_embed(&p, &v4, &got);
	CHECK_MEM(&got, &want, 16);
}

/* An address outside the prefix is not IPv4-embedded (section 2.3). */
TEST(rfc6052_extract_prefix_mismatch)
{
	static const char *const other[] = {
		"2001:db9:c000:221::",		/* /32 */
		"2001:db8:200:2:21::",		/* /40: byte 4 */
		"2001:db8:123:c000:2:2100::",	/* /48 */
		"2001:db8:122:4c0:0:221::",	/* /56: byte 6 */
		"2001:db8:122:345:c0:2:2100::", /* /64 */
		"2001:db8:122:344:0:1:c000:221", /* /96: bits 80-95 */
		"64:ff9a::192.0.2.33",
	};
	for (size_t i = 0; i < N24; i++) {
		struct xlat_prefix6 p = pfx6(table24[i].prefix);
		struct in6_addr a = pkt_a6(other[i]);
		struct in_addr got;

		if (rfc6052_extract(&p, &a, &got))
			TAP_FAIL("%s wrongly inside %s", other[i],
				 table24[i].prefix);
	}
}

TEST(rfc6052_valid_lengths)
{
	for (unsigned int len = 0; len <= 128; len++) {
		bool want = len == 32 || len == 40 || len == 48 || len == 56 ||
			    len == 64 || len == 96;

		if (rfc6052_valid_len(len) != want)
			TAP_FAIL("length %u", len);
	}
}

TEST(rfc6052_is_wkp)
{
	struct xlat_prefix6 p = pfx6("64:ff9b::/96");

	CHECK(rfc6052_is_wkp(&p));
	p.len = 64;
	CHECK(!rfc6052_is_wkp(&p));
	p = pfx6("64:ff9b:1::/96"); /* RFC 8215 local-use prefix is an NSP */
	CHECK(!rfc6052_is_wkp(&p));
	p = pfx6("2001:db8:64::/96");
	CHECK(!rfc6052_is_wkp(&p));
}

/*
 * Section 3.1 / IANA special-purpose registry: the first and last address
 * of every range that is not globally reachable, and the neighbours just
 * outside it, which are.
 */
static const struct {
	const char *first, *last, *below, *above;
} nonglobal[] = {
	{ "0.0.0.0", "0.255.255.255", NULL, "1.0.0.0" },
	{ "10.0.0.0", "10.255.255.255", "9.255.255.255", "11.0.0.0" },
	{ "100.64.0.0", "100.127.255.255", "100.63.255.255", "100.128.0.0" },
	{ "127.0.0.0", "127.255.255.255", "126.255.255.255", "128.0.0.0" },
	{ "169.254.0.0", "169.254.255.255", "169.253.255.255", "169.255.0.0" },
	{ "172.16.0.0", "172.31.255.255", "172.15.255.255", "172.32.0.0" },
	{ "192.0.0.0", "192.0.0.8", "191.255.255.255", NULL },
	{ "192.0.0.11", "192.0.0.255", NULL, "192.0.1.0" },
	{ "192.0.2.0", "192.0.2.255", "192.0.1.255", "192.0.3.0" },
	{ "192.168.0.0", "192.168.255.255", "192.167.255.255", "192.169.0.0" },
	{ "198.18.0.0", "198.19.255.255", "198.17.255.255", "198.20.0.0" },
	{ "198.51.100.0", "198.51.100.255", "198.51.99.255", "198.51.101.0" },
	{ "203.0.113.0", "203.0.113.255", "203.0.112.255", "203.0.114.0" },
	{ "240.0.0.0", "255.255.255.255", "239.255.255.255", NULL },
};

static bool global(const char *s)
{
	struct in_addr a = pkt_a4(s);

	return ipv4_is_global(&a);
}

TEST(ipv4_is_global_special_ranges)
{
	for (size_t i = 0; i < sizeof(nonglobal) / sizeof(nonglobal[0]); i++) {
		if (global(nonglobal[i].first))
			TAP_FAIL("%s is not global", nonglobal[i].first);
		if (global(nonglobal[i].last))
			TAP_FAIL("%s is not global", nonglobal[i].last);
		if (nonglobal[i].below && !global(nonglobal[i].below))
			TAP_FAIL("%s is global", nonglobal[i].below);
		if (nonglobal[i].above && !global(nonglobal[i].above))
			TAP_FAIL("%s is global", nonglobal[i].above);
	}
	/* RFC 7050 discovery addresses and the RFC 7335 CLAT range. */
	CHECK(!global("192.0.0.170"));
	CHECK(!global("192.0.0.171"));
	CHECK(!global("192.0.0.1"));
}

/* Globally reachable entries of the registry, and ordinary unicast. */
TEST(ipv4_is_global_global_ones)
{
	CHECK(global("192.0.0.9"));   /* PCP anycast */
	CHECK(global("192.0.0.10"));  /* TURN anycast */
	CHECK(global("192.31.196.1")); /* AS112-v4 */
	CHECK(global("192.52.193.1")); /* AMT */
	CHECK(global("192.175.48.1")); /* direct delegation AS112 */
	CHECK(global("1.0.0.1"));
	CHECK(global("223.255.255.255"));
}

static void wkp_cfg(struct xlat_cfg *cfg, const char *pool6, bool rule)
{
	xlat_cfg_init(cfg);
	cfg->has_pool6 = true;
	cfg->pool6 = pfx6(pool6);
	cfg->wkp_global_only = rule;
}

static enum xlat_drop map4(const struct xlat_cfg *cfg, const char *s,
			   struct in6_addr *out)
{
	struct in_addr a = pkt_a4(s);
	bool via = true;
	enum xlat_drop r = xlat_map4(cfg, &a, out, &via);

	CHECK(!via);
	return r;
}

static enum xlat_drop map6(const struct xlat_cfg *cfg, const char *s,
			   struct in_addr *out)
{
	struct in6_addr a = pkt_a6(s);
	bool via = true;
	enum xlat_drop r = xlat_map6(cfg, &a, out, &via);

	CHECK(!via);
	return r;
}

TEST(wkp_rule_on)
{
	struct xlat_cfg cfg;
	struct in6_addr r6, want6;
	struct in_addr r4;

	wkp_cfg(&cfg, "64:ff9b::/96", true);
	CHECK_EQ(map4(&cfg, "192.0.2.33", &r6), XLAT_DROP_WKP_NONGLOBAL);
	CHECK_EQ(map4(&cfg, "10.1.2.3", &r6), XLAT_DROP_WKP_NONGLOBAL);
	CHECK_EQ(map6(&cfg, "64:ff9b::192.0.2.33", &r4),
		 XLAT_DROP_WKP_NONGLOBAL);
	CHECK_EQ(map6(&cfg, "64:ff9b::192.168.1.1", &r4),
		 XLAT_DROP_WKP_NONGLOBAL);
	CHECK_EQ(map4(&cfg, "192.0.0.9", &r6), XLAT_DROP_NONE);
	want6 = pkt_a6("64:ff9b::192.0.0.9");
	CHECK_MEM(&r6, &want6, 16);
	CHECK_EQ(map6(&cfg, "64:ff9b::192.31.196.1", &r4), XLAT_DROP_NONE);
	CHECK_EQ(r4.s_addr, pkt_a4("192.31.196.1").s_addr);
	/* xlat_map4_pool6 applies the same rule. */
	r4 = pkt_a4("198.51.100.7");
	CHECK_EQ(xlat_map4_pool6(&cfg, &r4, &r6), XLAT_DROP_WKP_NONGLOBAL);
}

TEST(wkp_rule_off)
{
	struct xlat_cfg cfg;
	struct in6_addr r6, want6 = pkt_a6("64:ff9b::192.0.2.33");
	struct in_addr r4;

	wkp_cfg(&cfg, "64:ff9b::/96", false);
	CHECK_EQ(map4(&cfg, "192.0.2.33", &r6), XLAT_DROP_NONE);
	CHECK_MEM(&r6, &want6, 16);
	CHECK_EQ(map6(&cfg, "64:ff9b::192.0.2.33", &r4), XLAT_DROP_NONE);
	CHECK_EQ(r4.s_addr, pkt_a4("192.0.2.33").s_addr);
}

/* A network-specific prefix may carry any IPv4 address. */
TEST(wkp_rule_not_for_nsp)
{
	struct xlat_cfg cfg;
	struct in6_addr r6, want6 = pkt_a6("2001:db8:64::192.0.2.33");
	struct in_addr r4;

	wkp_cfg(&cfg, "2001:db8:64::/96", true);
	CHECK_EQ(map4(&cfg, "192.0.2.33", &r6), XLAT_DROP_NONE);
	CHECK_MEM(&r6, &want6, 16);
	CHECK_EQ(map6(&cfg, "2001:db8:64::198.51.100.1", &r4),
		 XLAT_DROP_NONE);
	CHECK_EQ(r4.s_addr, pkt_a4("198.51.100.1").s_addr);
	/* An RFC 6052 /64 NSP too. */
	wkp_cfg(&cfg, "2001:db8:122:344::/64", true);
	want6 = pkt_a6("2001:db8:122:344:c0:2:2100::");
	CHECK_EQ(map4(&cfg, "192.0.2.33", &r6), XLAT_DROP_NONE);
	CHECK_MEM(&r6, &want6, 16);
}

TEST(pool6_untranslatable)
{
	struct xlat_cfg cfg;
	struct in6_addr r6;
	struct in_addr r4;

	wkp_cfg(&cfg, "2001:db8:64::/96", true);
	CHECK_EQ(map6(&cfg, "2001:db8:65::192.0.2.1", &r4),
		 XLAT_DROP_DST_UNTRANSLATABLE);
	CHECK_EQ(map6(&cfg, "2001:db8::1", &r4), XLAT_DROP_DST_UNTRANSLATABLE);
	cfg.has_pool6 = false;
	CHECK_EQ(map4(&cfg, "192.0.2.1", &r6), XLAT_DROP_DST_UNTRANSLATABLE);
	CHECK_EQ(map6(&cfg, "2001:db8:64::192.0.2.1", &r4),
		 XLAT_DROP_DST_UNTRANSLATABLE);
	r4 = pkt_a4("192.0.2.1");
	CHECK_EQ(xlat_map4_pool6(&cfg, &r4, &r6),
		 XLAT_DROP_DST_UNTRANSLATABLE);
	/* via_eam may be NULL. */
	CHECK_EQ(xlat_map4(&cfg, &r4, &r6, NULL), XLAT_DROP_DST_UNTRANSLATABLE);
}

/* An unvalidated pool6 of a non-RFC 6052 length never gets embedded. */
TEST(pool6_bad_length_refused)
{
	struct xlat_cfg cfg;
	struct in6_addr r6;
	struct in_addr r4 = pkt_a4("192.0.2.1");

	wkp_cfg(&cfg, "2001:db8:64::/128", true);
	CHECK_EQ(xlat_map4(&cfg, &r4, &r6, NULL), XLAT_DROP_DST_UNTRANSLATABLE);
	r6 = pkt_a6("2001:db8:64::");
	CHECK_EQ(xlat_map6(&cfg, &r6, &r4, NULL), XLAT_DROP_DST_UNTRANSLATABLE);
}

int main(void)
{
	return tap_run();
}
