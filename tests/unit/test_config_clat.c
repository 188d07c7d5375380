// SPDX-License-Identifier: GPL-2.0-or-later
/* xlatd.conf [clat NAME]: the shared-address NAPT's timeout floors. */
#define TAP_MAIN
#include "tap.h"

#include "conf_test.h"
#include "xlatd/config.h"


static const char base[] = "[clat c0]\nuplink = eth0\n";

/* The floors, in shared-timeouts' order: UDP TCP-EST TCP-TRANS ICMP. */
static const struct {
	const char *name, *rfc;
	unsigned int min;
} f[4] = {
	{ "UDP", "RFC 4787 REQ-5", 120 },
	{ "TCP-ESTABLISHED", "RFC 5382 REQ-5", 7440 },
	{ "TCP-TRANSITORY", "RFC 5382 REQ-5", 240 },
	{ "ICMP", "RFC 5508 REQ-2", 60 },
};

/* shared-timeouts with every value at its floor but value v at index i. */
static void timeouts(char *out, size_t n, unsigned int i, unsigned int v,
		     const char *extra)
{
	unsigned int t[4];

	for (unsigned int j = 0; j < 4; j++)
		t[j] = j == i ? v : f[j].min;
	snprintf(out, n, "%sshared-timeouts = %u %u %u %u\n%s", base, t[0],
		 t[1], t[2], t[3], extra);
}

/* The defaults (clat_napt.h) meet every floor: no opt-out needed. */
TEST(defaults_meet_floors)
{
	struct xlatd_conf c;
	const struct inst_conf *ic;

	REQUIRE(parse(base, &c) == 0);
	ic = conf_find(&c, "c0");
	REQUIRE(ic);
	CHECK(!ic->clat.short_timeouts);
	for (unsigned int i = 0; i < 4; i++)
		CHECK(ic->clat.shared_to[i] >= f[i].min);
	conf_free(&c);
}

/* Each floor: one second below is refused, the floor itself accepted. */
TEST(each_floor)
{
	struct xlatd_conf c;
	char text[256], msg[256];

	for (unsigned int i = 0; i < 4; i++) {
		timeouts(text, sizeof(text), i, f[i].min - 1, "");
		snprintf(msg, sizeof(msg),
			 "t.conf:1: [clat c0]: shared-timeouts: %s %u is below the %u seconds of %s (allow-short-timeouts = yes accepts it)",
			 f[i].name, f[i].min - 1, f[i].min, f[i].rfc);
		expect_err(text, msg);
		timeouts(text, sizeof(text), i, f[i].min, "");
		REQUIRE(parse(text, &c) == 0);
		CHECK_EQ(conf_find(&c, "c0")->clat.shared_to[i], f[i].min);
		conf_free(&c);
	}
}

/* allow-short-timeouts = yes lets any non-zero value through, before or
 * after shared-timeouts in the section; = no keeps the floors. */
TEST(opt_out)
{
	struct xlatd_conf c;
	const struct inst_conf *ic;
	char text[256];

	for (unsigned int i = 0; i < 4; i++) {
		timeouts(text, sizeof(text), i, 1, "allow-short-timeouts = yes\n");
		REQUIRE(parse(text, &c) == 0);
		ic = conf_find(&c, "c0");
		CHECK(ic->clat.short_timeouts);
		CHECK_EQ(ic->clat.shared_to[i], 1);
		conf_free(&c);
	}
	REQUIRE(parse("[clat c0]\nallow-short-timeouts = on\nuplink = eth0\n"
		      "shared-timeouts = 5 20 4 3\n", &c) == 0);
	CHECK_EQ(conf_find(&c, "c0")->clat.shared_to[1], 20);
	conf_free(&c);
	expect_err("[clat c0]\nuplink = eth0\nshared-timeouts = 5 7440 240 60\nallow-short-timeouts = no\n",
		   "t.conf:1: [clat c0]: shared-timeouts: UDP 5 is below the 120 seconds of RFC 4787 REQ-5 (allow-short-timeouts = yes accepts it)");
	expect_err("[clat c0]\nuplink = eth0\nallow-short-timeouts = maybe\n",
		   "t.conf:3: invalid allow-short-timeouts \"maybe\": yes or no in [clat c0]");
	expect_err("[siit s0]\npool6 = 2001:db8:64::/96\nallow-short-timeouts = yes\n",
		   "t.conf:3: unknown key \"allow-short-timeouts\" in [siit s0]");
}

/* The key is part of the section: changing it is a change on reload. */
TEST(reload_sees_opt_out)
{
	struct xlatd_conf a, b;

	REQUIRE(parse(base, &a) == 0);
	REQUIRE(parse("[clat c0]\nuplink = eth0\nallow-short-timeouts = yes\n",
		      &b) == 0);
	CHECK(!inst_conf_equal(conf_find(&a, "c0"), conf_find(&b, "c0")));
	conf_free(&a);
	conf_free(&b);
}

/* The default TUN name: clat-UPLINK when it fits, else distinct for
 * uplinks that differ only past their 10th character. */
TEST(default_tun_names)
{
	char a[IFNAMSIZ], b[IFNAMSIZ], c1[IFNAMSIZ];
	struct xlatd_conf c;

	conf_clat_tun_name(a, "eth0");
	CHECK_STR(a, "clat-eth0");
	conf_clat_tun_name(a, "enp0s20f0u");
	CHECK_STR(a, "clat-enp0s20f0u");
	conf_clat_tun_name(a, "enp0s20f0u1");
	conf_clat_tun_name(b, "enp0s20f0u2");
	conf_clat_tun_name(c1, "enp0s20f0u1");
	CHECK(strcmp(a, b) != 0);
	CHECK_STR(a, c1); /* the same every time */
	CHECK_EQ(strlen(a), 15);
	CHECK(!strncmp(a, "clat-enp0s2", 11));
	conf_clat_tun_name(a, "enx00e04c680123");
	conf_clat_tun_name(b, "enx00e04c680456");
	CHECK(strcmp(a, b) != 0);
	/* What a [clat] section gets when it names no tun. */
	REQUIRE(parse("[clat c0]\nuplink = enp0s20f0u2\n", &c) == 0);
	conf_clat_tun_name(b, "enp0s20f0u2");
	CHECK_STR(c.inst->clat.tun, b);
	conf_free(&c);
}

int main(void)
{
	return tap_run();
}
