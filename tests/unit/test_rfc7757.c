// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: RFC 7757 EAM lookups, address policy, config validation. */
#define TAP_MAIN
#include "tap.h"

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

int main(void)
{
	return tap_run();
}
