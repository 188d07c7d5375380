// SPDX-License-Identifier: GPL-2.0-or-later
/* xlatd.conf: the [siit] next-hop MTU keys ipv4-mtu and ipv6-mtu. */
#define TAP_MAIN
#include "tap.h"

#include "engine/xlat_cfg.h"
#include "conf_test.h"
#include "xlatd/config.h"

#define SIIT "[siit a]\npool6 = 2001:db8:64::/96\n"


/* Unset by default: the kernel decides, as before the keys existed. */
TEST(default_unset)
{
	struct xlatd_conf c;

	REQUIRE(parse(SIIT, &c) == 0);
	CHECK_EQ(c.inst->xlat.ipv6_mtu, 0);
	CHECK_EQ(c.inst->xlat.ipv4_mtu, 0);
	CHECK_EQ(c.inst->xlat.lowest_ipv6_mtu, 1280);
	conf_free(&c);
}

TEST(values_and_bounds)
{
	struct xlatd_conf c;

	REQUIRE(parse(SIIT "ipv6-mtu = 1400\nipv4-mtu = 1260\n", &c) == 0);
	CHECK_EQ(c.inst->xlat.ipv6_mtu, 1400);
	CHECK_EQ(c.inst->xlat.ipv4_mtu, 1260);
	conf_free(&c);
	/* The smallest links each family allows. */
	REQUIRE(parse(SIIT "ipv6-mtu = 1280\nipv4-mtu = 68\n", &c) == 0);
	CHECK_EQ(c.inst->xlat.ipv6_mtu, 1280);
	CHECK_EQ(c.inst->xlat.ipv4_mtu, 68);
	conf_free(&c);
	REQUIRE(parse(SIIT "ipv6-mtu = 65535\nipv4-mtu = 65535\n", &c) == 0);
	conf_free(&c);
}

TEST(errors)
{
	expect_err(SIIT "ipv6-mtu = 1279\n",
		   "t.conf:3: invalid ipv6-mtu \"1279\": 1280 (the IPv6 minimum) to 65535 in [siit a]");
	expect_err(SIIT "ipv4-mtu = 67\n",
		   "t.conf:3: invalid ipv4-mtu \"67\": 68 (the IPv4 minimum) to 65535 in [siit a]");
	expect_err(SIIT "ipv4-mtu = 65536\n",
		   "t.conf:3: invalid ipv4-mtu \"65536\": 68 (the IPv4 minimum) to 65535 in [siit a]");
	expect_err(SIIT "ipv6-mtu = auto\n",
		   "t.conf:3: invalid ipv6-mtu \"auto\": 1280 (the IPv6 minimum) to 65535 in [siit a]");
	expect_err(SIIT "ipv6-mtu = 1500\nipv6-mtu = 1500\n",
		   "t.conf:4: key \"ipv6-mtu\" given twice in [siit a]");
	/* A CLAT takes its MTUs from the uplink. */
	expect_err("[clat c]\nuplink = eth0\nipv4-mtu = 1500\n",
		   "t.conf:3: unknown key \"ipv4-mtu\" in [clat c]");
}

/* A change is a changed configuration: a reload restarts the instance. */
TEST(change_is_seen_by_reload)
{
	struct xlatd_conf a, b;

	REQUIRE(parse(SIIT "ipv4-mtu = 1400\n", &a) == 0);
	REQUIRE(parse(SIIT "ipv4-mtu = 1300\n", &b) == 0);
	CHECK(!inst_conf_equal(a.inst, b.inst));
	conf_free(&b);
	REQUIRE(parse(SIIT "ipv4-mtu = 1400\n", &b) == 0);
	CHECK(inst_conf_equal(a.inst, b.inst));
	conf_free(&a);
	conf_free(&b);
}

/* The engine refuses the same values when a caller sets them itself. */
TEST(engine_validation)
{
	struct xlat_cfg x;
	char e[256];

	xlat_cfg_init(&x);
	x.self4.s_addr = 1;
	x.ipv6_mtu = 1279;
	CHECK(xlat_cfg_validate(&x, e, sizeof(e)) < 0);
	CHECK_STR(e, "IPv6 next-hop MTU 1279 is below the IPv6 minimum of 1280");
	x.ipv6_mtu = 0;
	x.ipv4_mtu = 67;
	CHECK(xlat_cfg_validate(&x, e, sizeof(e)) < 0);
	CHECK_STR(e, "IPv4 next-hop MTU 67 is outside 68 to 65535");
	x.ipv4_mtu = 68;
	x.ipv6_mtu = 9000;
	CHECK_EQ(xlat_cfg_validate(&x, e, sizeof(e)), 0);
}

int main(void)
{
	return tap_run();
}
