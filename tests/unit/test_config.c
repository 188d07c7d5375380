// SPDX-License-Identifier: GPL-2.0-or-later
/* xlatd.conf parser: good files, defaults, repeatable keys, every error. */
#define TAP_MAIN
#include "tap.h"

#include "conf_test.h"
#include "xlatd/config.h"
#include "xlatd/ctl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>


static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

TEST(empty_file_no_instances)
{
	struct xlatd_conf c;

	REQUIRE(parse("", &c) == 0);
	CHECK_EQ(c.n_inst, 0);
	CHECK(c.inst == NULL);
	CHECK_STR(c.control_socket, "/run/xlatd/xlatd.sock");
	CHECK_EQ(c.log_level, -1);
	conf_free(&c);
	REQUIRE(parse("# only a comment\n\n   \n; another\n", &c) == 0);
	CHECK_EQ(c.n_inst, 0);
	conf_free(&c);
}

TEST(control_group)
{
	struct xlatd_conf c;

	REQUIRE(parse("", &c) == 0);
	CHECK_STR(c.control_group, "");
	conf_free(&c);
	REQUIRE(parse("[global]\ncontrol-group = xlatd\n", &c) == 0);
	CHECK_STR(c.control_group, "xlatd");
	conf_free(&c);
	REQUIRE(parse("[global]\ncontrol-group = 991\n", &c) == 0);
	CHECK_STR(c.control_group, "991");
	conf_free(&c);
	expect_err("[global]\ncontrol-group = a b\n",
		   "t.conf:2: invalid control-group \"a b\": a group name or number in [global]");
	expect_err("[global]\ncontrol-group = -x\n",
		   "t.conf:2: invalid control-group \"-x\": a group name or number in [global]");
	expect_err("[global]\ncontrol-group = abcdefghijabcdefghijabcdefghijabc\n",
		   "t.conf:2: invalid control-group \"abcdefghijabcdefghijabcdefghijabc\": a group name or number in [global]");
}

TEST(siit_defaults)
{
	struct xlatd_conf c;
	const struct inst_conf *ic;

	REQUIRE(parse("[siit siit0]\npool6 = 2001:db8:64::/96\n", &c) == 0);
	REQUIRE(c.n_inst == 1);
	ic = c.inst;
	CHECK_STR(ic->kind, "siit");
	CHECK_STR(ic->name, "siit0");
	CHECK_EQ(ic->line, 1);
	CHECK_STR(ic->siit.tun, "siit0");
	CHECK_EQ(ic->siit.mtu, 1500);
	CHECK_EQ(ic->siit.threads, 1);
	CHECK(ic->xlat.has_pool6);
	CHECK_EQ(ic->xlat.pool6.len, 96);
	CHECK_EQ(ic->xlat.lowest_ipv6_mtu, 1280);
	CHECK(ic->xlat.decrement_ttl);
	/* Forwarded into and out of the TUN: the engine gives both back. */
	CHECK_EQ(ic->xlat.ttl_kernel_hops, 2);
	CHECK(ic->xlat.wkp_global_only);
	CHECK(ic->xlat.hairpin);
	CHECK(!ic->xlat.reset_tos);
	CHECK_EQ(ic->xlat.udp0, XLAT_UDP0_COMPUTE);
	CHECK_EQ(ic->xlat.n_pool6791, 1);
	CHECK_EQ(ic->xlat.pool6791[0].s_addr, ip4("192.0.0.8"));
	CHECK_EQ(ic->n_eam, 0);
	conf_free(&c);
}

static const char full[] =
	"# full example\n"
	"[global]\n"
	"control-socket = /tmp/x.sock\n"
	"log-level = debug\n"
	"\n"
	"[siit s1]\n"
	"tun = tun-s1   # inline comment\n"
	"pool6 = 2001:db8:64::/96\n"
	"eam = 192.0.2.0/24 2001:db8:1::/120\n"
	"eam = \"198.51.100.7 2001:db8:2::7\"\n"
	"eam=203.0.113.0/28   2001:db8:3::/124\n"
	"ipv4-address = 198.51.100.1\n"
	"rfc6791-pool = 192.0.0.8 203.0.113.200\n"
	"lowest-ipv6-mtu = 1400\n"
	"mtu = 9000\n"
	"decrement-ttl = no\n"
	"udp-zero-checksum = drop\n"
	"wkp-global-only = off\n"
	"reset-tos = yes\n"
	"hairpin = false\n"
	"threads = 4\n"
	"route4 = 192.0.2.0/24\n"
	"route4 = 203.0.113.0/28\n"
	"route6 = 2001:db8:64::/96\n"
	"address4 = 192.0.2.254\n"
	"address6 = 2001:db8:64::1/64\n"
	"[clat c1]\n"
	"uplink = eth0\n"
	"pref64 = 2001:db8:64::/96\n";

TEST(full_siit_and_repeatable_keys)
{
	struct xlatd_conf c;
	const struct inst_conf *s;

	REQUIRE(parse(full, &c) == 0);
	CHECK_STR(c.control_socket, "/tmp/x.sock");
	CHECK_EQ(c.log_level, 3);
	REQUIRE(c.n_inst == 2);
	s = conf_find(&c, "s1");
	REQUIRE(s != NULL);
	CHECK_EQ(s->line, 6);
	CHECK_STR(s->siit.tun, "tun-s1");
	REQUIRE(s->n_eam == 3);
	CHECK(s->xlat.eam == s->eam);
	CHECK_EQ(s->xlat.n_eam, 3);
	CHECK_EQ(s->eam[0].p4.addr.s_addr, ip4("192.0.2.0"));
	CHECK_EQ(s->eam[0].p4.len, 24);
	CHECK_EQ(s->eam[0].p6.len, 120);
	CHECK_EQ(s->eam[1].p4.len, 32);
	CHECK_EQ(s->eam[1].p6.len, 128);
	CHECK_EQ(s->eam[2].p4.len, 28);
	CHECK_EQ(s->xlat.self4.s_addr, ip4("198.51.100.1"));
	/* self6 defaults to the pool6 form of self4. */
	CHECK_EQ(s->xlat.self6.s6_addr[12], 198);
	CHECK_EQ(s->xlat.self6.s6_addr[15], 1);
	CHECK_EQ(s->xlat.n_pool6791, 2);
	CHECK_EQ(s->xlat.pool6791[1].s_addr, ip4("203.0.113.200"));
	CHECK_EQ(s->xlat.lowest_ipv6_mtu, 1400);
	CHECK_EQ(s->siit.mtu, 9000);
	CHECK(!s->xlat.decrement_ttl);
	CHECK_EQ(s->xlat.udp0, XLAT_UDP0_DROP);
	CHECK(!s->xlat.wkp_global_only);
	CHECK(s->xlat.reset_tos);
	CHECK(!s->xlat.hairpin);
	CHECK_EQ(s->siit.threads, 4);
	CHECK_EQ(s->siit.n_route4, 2);
	CHECK_EQ(s->siit.route4[1].len, 28);
	CHECK_EQ(s->siit.n_route6, 1);
	CHECK_EQ(s->siit.n_address4, 1);
	CHECK_EQ(s->siit.address4[0].len, 32);
	CHECK_EQ(s->siit.n_address6, 1);
	CHECK_EQ(s->siit.address6[0].len, 64);
	conf_free(&c);
}

/* The data-path keys of [siit]: defaults, every value, errors. */
TEST(siit_offload_and_io)
{
	static const char *const io[] = { "auto", "uring", "blocking" };
	static const enum siit_io want[] = { SIIT_IO_AUTO, SIIT_IO_URING,
					     SIIT_IO_BLOCKING };
	struct xlatd_conf c;
	char text[128];

	REQUIRE(parse("[siit a]\npool6 = 2001:db8:64::/96\n", &c) == 0);
	CHECK(c.inst->siit.offload);
	CHECK_EQ(c.inst->siit.io, SIIT_IO_AUTO);
	conf_free(&c);
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text),
			 "[siit a]\npool6 = 2001:db8:64::/96\noffload = %s\nio = %s\n",
			 i == 1 ? "yes" : "no", io[i]);
		REQUIRE(parse(text, &c) == 0);
		CHECK_EQ(c.inst->siit.offload, i == 1);
		CHECK_EQ(c.inst->siit.io, want[i]);
		conf_free(&c);
	}
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\noffload = some\n",
		   "t.conf:3: invalid offload \"some\": yes or no in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nio = epoll\n",
		   "t.conf:3: invalid io \"epoll\": auto, uring or blocking in [siit a]");
	expect_err("[clat c]\nuplink = eth0\nio = uring\n",
		   "t.conf:3: unknown key \"io\" in [clat c]");
}

/* worker-nice: default -5, the bounds, errors, every kind. */
TEST(clat_worker_nice)
{
	CHECK_EQ(PARSED("[clat c]\nuplink = eth0\n", clat.worker_nice), -5);
	CHECK_EQ(PARSED("[clat c]\nuplink = eth0\nworker-nice = 0\n", clat.worker_nice), 0);
	CHECK_EQ(PARSED("[clat c]\nuplink = eth0\nworker-nice = -20\n", clat.worker_nice), -20);
	CHECK_EQ(PARSED("[clat c]\nuplink = eth0\nworker-nice = 19\n", clat.worker_nice), 19);
	expect_err("[clat c]\nuplink = eth0\nworker-nice = 20\n",
		   "t.conf:3: invalid worker-nice \"20\": -20 to 19 in [clat c]");
	expect_err("[clat c]\nuplink = eth0\nworker-nice = -5x\n",
		   "t.conf:3: invalid worker-nice \"-5x\": -20 to 19 in [clat c]");
	CHECK_EQ(PARSED("[siit a]\npool6 = 2001:db8:64::/96\n", siit.worker_nice), 0);
	CHECK_EQ(PARSED("[siit a]\npool6 = 2001:db8:64::/96\nworker-nice = -10\n", siit.worker_nice), -10);
	CHECK_EQ(PARSED("[nat64 p]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\nworker-nice = 3\n", siit.worker_nice), 3);
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nworker-nice = -21\n",
		   "t.conf:3: invalid worker-nice \"-21\": -20 to 19 in [siit a]");
}

/* worker-realtime: default off, the bounds, errors, not for [clat]. */
TEST(worker_realtime)
{
	CHECK_EQ(PARSED("[siit a]\npool6 = 2001:db8:64::/96\n", siit.worker_realtime), 0);
	CHECK_EQ(PARSED("[siit a]\npool6 = 2001:db8:64::/96\nworker-realtime = 99\n", siit.worker_realtime), 99);
	CHECK_EQ(PARSED("[nat64 p]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\nworker-realtime = 1\n", siit.worker_realtime), 1);
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nworker-realtime = 100\n",
		   "t.conf:3: invalid worker-realtime \"100\": 0 (off) to 99 in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nworker-realtime = -1\n",
		   "t.conf:3: invalid worker-realtime \"-1\": 0 (off) to 99 in [siit a]");
	expect_err("[clat c]\nuplink = eth0\nworker-realtime = 5\n",
		   "t.conf:3: worker-realtime is for [siit] and [nat64], not [clat] in [clat c]");
}

/* coalesce-usecs: default, the bounds, errors, both kinds. */
TEST(siit_coalesce)
{
	CHECK_EQ(PARSED("[siit a]\npool6 = 2001:db8:64::/96\n", siit.coalesce_usecs), CONF_COALESCE_DEFAULT);
	CHECK_EQ(PARSED("[siit a]\npool6 = 2001:db8:64::/96\ncoalesce-usecs = 0\n", siit.coalesce_usecs), 0);
	CHECK_EQ(PARSED("[siit a]\npool6 = 2001:db8:64::/96\ncoalesce-usecs = 10000\n", siit.coalesce_usecs), 10000);
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\ncoalesce-usecs = 10001\n",
		   "t.conf:3: invalid coalesce-usecs \"10001\": 0 (off) to 10000 in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\ncoalesce-usecs = -1\n",
		   "t.conf:3: invalid coalesce-usecs \"-1\": 0 (off) to 10000 in [siit a]");
	CHECK_EQ(PARSED("[clat c]\nuplink = eth0\n", clat.coalesce_usecs), CONF_COALESCE_DEFAULT);
	CHECK_EQ(PARSED("[clat c]\nuplink = eth0\ncoalesce-usecs = 50\n", clat.coalesce_usecs), 50);
}

/* bpf-attach: auto (default), tcx, clsact; [clat] only. */
TEST(clat_bpf_attach)
{
	static const char *const v[] = { "auto", "tcx", "clsact" };
	struct xlatd_conf c;
	char text[96];

	REQUIRE(parse("[clat c]\nuplink = eth0\n", &c) == 0);
	CHECK_EQ(c.inst->clat.bpf_attach, CLAT_ATTACH_AUTO);
	conf_free(&c);
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "[clat c]\nuplink = eth0\nbpf-attach = %s\n",
			 v[i]);
		REQUIRE(parse(text, &c) == 0);
		CHECK_EQ(c.inst->clat.bpf_attach, (enum clat_bpf_attach)i);
		conf_free(&c);
	}
	expect_err("[clat c]\nuplink = eth0\nbpf-attach = xdp\n",
		   "t.conf:3: invalid bpf-attach \"xdp\": auto, tcx or clsact in [clat c]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nbpf-attach = tcx\n",
		   "t.conf:3: unknown key \"bpf-attach\" in [siit a]");
}

TEST(clat_defaults)
{
	struct xlatd_conf c;
	const struct inst_conf *ic;

	REQUIRE(parse("[clat c0]\nuplink = wlan0\n", &c) == 0);
	ic = c.inst;
	REQUIRE(ic);
	CHECK_STR(ic->clat.uplink, "wlan0");
	CHECK_STR(ic->clat.tun, "clat-wlan0");
	CHECK(!ic->clat.has_pref64);
	CHECK(!ic->clat.has_ipv4);
	CHECK(!ic->clat.has_ipv6);
	CHECK_EQ(ic->clat.metric, 4096);
	CHECK_EQ(ic->clat.mtu, 0);
	CHECK_EQ(ic->clat.datapath, CLAT_DP_AUTO);
	CHECK_EQ(ic->clat.mode, CLAT_MODE_AUTO);
	CHECK_EQ(ic->clat.threads, 1);
	CHECK(!ic->xlat.decrement_ttl);
	CHECK_EQ(ic->xlat.ttl_kernel_hops, 0); /* a host: nothing to give back */
	CHECK(!ic->xlat.has_pool6);
	conf_free(&c);
}

TEST(clat_keys)
{
	struct xlatd_conf c;
	const struct inst_conf *ic;

	REQUIRE(parse("[clat c0]\nuplink = enp0s31f6abcdef\npref64 = 2001:db8:64::/96\n"
		      "ipv6-address = 2001:db8:1::c1a7\nipv4-address = 192.0.0.2\n"
		      "metric = 10\nmtu = 1400\ndatapath = userspace\nmode = on\n"
		      "threads = 2\nudp-zero-checksum = drop\ndecrement-ttl = no\n",
		      &c) == 0);
	ic = c.inst;
	REQUIRE(ic);
	/* Too long for "clat-" + the name: 6 characters and a hash, 15 in
	 * all (conf_clat_tun_name(), test_config_clat). */
	CHECK_STR(ic->clat.tun, "clat-enp0s3e5a7");
	CHECK(ic->clat.has_pref64);
	CHECK_EQ(ic->clat.pref64.len, 96);
	CHECK(ic->clat.has_ipv6);
	CHECK_EQ(ic->clat.ipv6.s6_addr[15], 0xa7);
	CHECK(ic->clat.has_ipv4);
	CHECK_EQ(ic->clat.ipv4.s_addr, ip4("192.0.0.2"));
	CHECK_EQ(ic->clat.metric, 10);
	CHECK_EQ(ic->clat.mtu, 1400);
	CHECK_EQ(ic->clat.datapath, CLAT_DP_USERSPACE);
	CHECK_EQ(ic->clat.mode, CLAT_MODE_ON);
	CHECK_EQ(ic->clat.threads, 2);
	CHECK_EQ(ic->xlat.udp0, XLAT_UDP0_DROP);
	CHECK(!ic->xlat.decrement_ttl);
	conf_free(&c);
}

/* A CLAT is a host: decrement-ttl = yes is refused, not ignored. */
TEST(clat_refuses_decrement_ttl)
{
	struct xlatd_conf c;

	CHECK(parse("[clat c0]\nuplink = eth0\ndecrement-ttl = yes\n", &c) != 0);
	CHECK(strstr(conf_err, "a CLAT is a host") != NULL);
}

/* Shared-address mode keys (docs/clat-shared.md). */
TEST(clat_address_mode_keys)
{
	struct xlatd_conf c;
	const struct inst_conf *ic;

	REQUIRE(parse("[clat c0]\nuplink = eth0\n", &c) == 0);
	ic = c.inst;
	CHECK_EQ(ic->clat.addr_mode, CLAT_ADDR_AUTO);
	CHECK_EQ(ic->clat.shared_lo, 61000);
	CHECK_EQ(ic->clat.shared_hi, 65535);
	CHECK_EQ(ic->clat.shared_max, 0);
	CHECK_EQ(ic->clat.shared_to[0], 300);
	CHECK_EQ(ic->clat.shared_to[1], 7440);
	CHECK_EQ(ic->clat.shared_to[2], 240);
	CHECK_EQ(ic->clat.shared_to[3], 60);
	conf_free(&c);
	REQUIRE(parse("[clat c0]\nuplink = eth0\naddress-mode = shared\n"
		      "shared-ports = 62000-62099\nshared-max-flows = 50\n"
		      "shared-timeouts = 5 20 4 3\nallow-short-timeouts = yes\n",
		      &c) == 0);
	ic = c.inst;
	CHECK_EQ(ic->clat.addr_mode, CLAT_ADDR_SHARED);
	CHECK_EQ(ic->clat.shared_lo, 62000);
	CHECK_EQ(ic->clat.shared_hi, 62099);
	CHECK_EQ(ic->clat.shared_max, 50);
	CHECK_EQ(ic->clat.shared_to[0], 5);
	CHECK_EQ(ic->clat.shared_to[3], 3);
	conf_free(&c);
	REQUIRE(parse("[clat c0]\nuplink = eth0\naddress-mode = dedicated\n"
		      "ipv6-address = 2001:db8:1::c1a7\n", &c) == 0);
	CHECK_EQ(c.inst->clat.addr_mode, CLAT_ADDR_DEDICATED);
	conf_free(&c);
	expect_err("[clat c0]\nuplink = eth0\naddress-mode = nat\n",
		   "t.conf:3: invalid address-mode \"nat\": auto, dedicated or shared in [clat c0]");
	expect_err("[clat c0]\nuplink = eth0\nshared-ports = 65000-64000\n",
		   "t.conf:3: invalid shared-ports \"65000-64000\": LOW-HIGH, 1 to 65535 in [clat c0]");
	expect_err("[clat c0]\nuplink = eth0\nshared-timeouts = 300 0 240 60\n",
		   "t.conf:3: invalid shared-timeouts \"300 0 240 60\": UDP TCP-ESTABLISHED TCP-TRANSITORY ICMP, seconds, none 0 in [clat c0]");
	expect_err("[clat c0]\nuplink = eth0\naddress-mode = shared\n"
		   "ipv6-address = 2001:db8:1::1\n",
		   "t.conf:1: [clat c0]: ipv6-address is a dedicated address: not with address-mode = shared");
	expect_err("[siit s0]\npool6 = 2001:db8:64::/96\naddress-mode = shared\n",
		   "t.conf:3: unknown key \"address-mode\" in [siit s0]");
}

TEST(error_unknown_key_line)
{
	expect_err("[siit siit0]\npool6 = 2001:db8:64::/96\n\nfoo = 1\n",
		   "t.conf:4: unknown key \"foo\" in [siit siit0]");
	expect_err("[global]\npool6 = 2001:db8:64::/96\n",
		   "t.conf:2: unknown key \"pool6\" in [global]");
	/* A key of the other kind is unknown here. */
	expect_err("[clat c]\nuplink = eth0\neam = 192.0.2.0/24 2001:db8::/120\n",
		   "t.conf:3: unknown key \"eam\" in [clat c]");
	expect_err("[siit s]\npool6 = 2001:db8:64::/96\nuplink = eth0\n",
		   "t.conf:3: unknown key \"uplink\" in [siit s]");
}

TEST(error_sections)
{
	expect_err("pool6 = 2001:db8:64::/96\n",
		   "t.conf:1: key \"pool6\" outside any section");
	expect_err("\n[nat46 x]\n",
		   "t.conf:2: unknown instance kind \"nat46\" (siit, clat or nat64)");
	expect_err("[siit]\n", "t.conf:1: section [siit] needs an instance name: [siit NAME]");
	expect_err("[siit a b]\n",
		   "t.conf:1: invalid section header [siit a b]: [global] or [KIND NAME]");
	expect_err("[siit a\n", "t.conf:1: section header without closing ']'");
	expect_err("[siit bad/name]\n",
		   "t.conf:1: invalid instance name \"bad/name\": 1 to 31 of A-Z a-z 0-9 - _ .");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\n[clat a]\nuplink = e\n",
		   "t.conf:3: instance \"a\" defined twice (line 1)");
	expect_err("[siit a]\njunk\n",
		   "t.conf:2: expected \"key = value\" or \"[section]\"");
}

TEST(error_values)
{
	expect_err("[siit a]\npool6 = 2001:db8:64::/95\n",
		   "t.conf:2: invalid pool6 \"2001:db8:64::/95\": an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (RFC 6052) in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\neam = 192.0.2.0/24\n",
		   "t.conf:3: invalid eam \"192.0.2.0/24\": \"IPV4PREFIX IPV6PREFIX\", e.g. \"192.0.2.0/24 2001:db8:1::/120\" in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nthreads = 0\n",
		   "t.conf:3: invalid threads \"0\": 1 to 64 in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nmtu = 1279\n",
		   "t.conf:3: invalid mtu \"1279\": 1280 to 65535 in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nhairpin = maybe\n",
		   "t.conf:3: invalid hairpin \"maybe\": yes or no in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nudp-zero-checksum = fix\n",
		   "t.conf:3: invalid udp-zero-checksum \"fix\": compute or drop in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nrfc6791-pool = 192.0.0.8 300.1.1.1\n",
		   "t.conf:3: invalid rfc6791-pool address \"300.1.1.1\" in [siit a]");
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nroute4 = 2001:db8::/32\n",
		   "t.conf:3: invalid route4 \"2001:db8::/32\": an IPv4 prefix in [siit a]");
	expect_err("[siit a]\npool6 =\n", "t.conf:2: key \"pool6\" in [siit a] has no value");
	expect_err("[global]\nlog-level = loud\n",
		   "t.conf:2: invalid log-level \"loud\": err, warn, info or debug in [global]");
	expect_err("[global]\ncontrol-socket = relative.sock\n",
		   "t.conf:2: invalid control-socket \"relative.sock\": an absolute path shorter than 108 bytes in [global]");
	expect_err("[clat c]\nuplink = eth0\ndatapath = xdp\n",
		   "t.conf:3: invalid datapath \"xdp\": auto, bpf or userspace in [clat c]");
	expect_err("[clat c]\nuplink = an-interface-name-too-long\n",
		   "t.conf:2: invalid uplink \"an-interface-name-too-long\": an interface name of 1 to 15 characters in [clat c]");
}

TEST(error_duplicate_key)
{
	expect_err("[siit a]\npool6 = 2001:db8:64::/96\nmtu = 1500\nmtu = 1500\n",
		   "t.conf:4: key \"mtu\" given twice in [siit a]");
	/* The same key in another section is fine. */
	struct xlatd_conf c;

	CHECK(parse("[siit a]\npool6 = 2001:db8:64::/96\nmtu = 1500\n"
		    "[siit b]\npool6 = 2001:db8:64::/96\nmtu = 1500\n", &c) == 0);
	conf_free(&c);
}

TEST(error_whole_section_at_header_line)
{
	expect_err("# x\n[siit a]\nmtu = 1500\n",
		   "t.conf:2: [siit a]: needs pool6 or at least one eam");
	expect_err("[clat c]\nmetric = 5\n[siit s]\npool6 = 2001:db8:64::/96\n",
		   "t.conf:1: [clat c]: uplink is required");
	/* xlat_cfg_validate() messages come through with the header line. */
	struct xlatd_conf c;

	CHECK(parse("[siit a]\npool6 = 2001:db8:64:1::/96\n", &c) == 0);
	conf_free(&c);
	CHECK(parse("\n[siit a]\npool6 = 2001:db8:64::1/96\n", &c) != 0);
	CHECK(!strncmp(conf_err, "t.conf:2: [siit a]: pool6 ", 26));
	CHECK(parse("[siit a]\neam = 192.0.2.0/24 2001:db8::/120\neam = 192.0.2.0/24 2001:db8:1::/120\n",
		    &c) != 0);
	CHECK(!strncmp(conf_err, "t.conf:1: [siit a]: EAM #1 and #2", 33));
	expect_err("[siit averyveryverylongname]\npool6 = 2001:db8:64::/96\n",
		   "t.conf:1: [siit averyveryverylongname]: name longer than 15 characters: set tun");
}

TEST(canon_equal_and_dup)
{
	struct xlatd_conf a, b;
	struct inst_conf *d;

	REQUIRE(parse("[siit a]\npool6 = 2001:db8:64::/96\n# c\nmtu=1500\n", &a) == 0);
	REQUIRE(parse("[siit a]\n  pool6   =   2001:db8:64::/96   # x\nmtu = 1500\n[siit b]\neam = 192.0.2.0/24 2001:db8::/120\n",
		      &b) == 0);
	CHECK(inst_conf_equal(conf_find(&a, "a"), conf_find(&b, "a")));
	conf_free(&b);
	REQUIRE(parse("[siit a]\npool6 = 2001:db8:64::/96\nmtu=1400\n", &b) == 0);
	CHECK(!inst_conf_equal(conf_find(&a, "a"), conf_find(&b, "a")));
	conf_free(&b);
	REQUIRE(parse("[siit a]\neam = 192.0.2.0/24 2001:db8::/120\n", &b) == 0);
	d = inst_conf_dup(b.inst);
	REQUIRE(d);
	CHECK(inst_conf_equal(d, b.inst));
	CHECK(d->eam != b.inst->eam);
	CHECK(d->xlat.eam == d->eam);
	CHECK_EQ(d->n_eam, 1);
	inst_conf_free(d);
	conf_free(&b);
	conf_free(&a);
}

TEST(file_missing_and_real)
{
	struct xlatd_conf c;
	char path[] = "/tmp/test_config_XXXXXX";
	int fd;

	CHECK(conf_parse_file("/nonexistent/xlatd.conf", true, &c, conf_err, sizeof(conf_err)) == 0);
	CHECK_EQ(c.n_inst, 0);
	CHECK(conf_parse_file("/nonexistent/xlatd.conf", false, &c, conf_err, sizeof(conf_err)) != 0);
	CHECK_STR(conf_err, "/nonexistent/xlatd.conf: No such file or directory");
	fd = mkstemp(path);
	REQUIRE(fd >= 0);
	REQUIRE(write(fd, full, sizeof(full) - 1) == (ssize_t)(sizeof(full) - 1));
	REQUIRE(write(fd, "bogus = 1\n", 10) == 10);
	close(fd);
	CHECK(conf_parse_file(path, false, &c, conf_err, sizeof(conf_err)) != 0);
	char want[128];

	snprintf(want, sizeof(want), "%s:30: unknown key \"bogus\" in [clat c1]", path);
	CHECK_STR(conf_err, want);
	unlink(path);
}

TEST(ctl_out_json_and_text)
{
	struct ctl_out o;

	ctl_out_init(&o, true);
	ctl_obj_begin(&o, NULL);
	ctl_kv_str(&o, "a", "x\"y\\%d\n", 1);
	ctl_kv_u64(&o, "n", 18446744073709551615ULL);
	ctl_obj_begin(&o, "sub");
	ctl_kv_bool(&o, "t", true);
	ctl_kv_bool(&o, "f", false);
	ctl_obj_end(&o);
	ctl_kv_u64(&o, "z", 0);
	ctl_obj_end(&o);
	CHECK_STR(o.buf, "{\"a\":\"x\\\"y\\\\1\\u000a\",\"n\":18446744073709551615,"
			 "\"sub\":{\"t\":true,\"f\":false},\"z\":0}");
	ctl_out_free(&o);
	ctl_out_init(&o, false);
	ctl_kv_str(&o, "a", "%s", "b");
	ctl_obj_begin(&o, "sub");
	ctl_kv_u64(&o, "n", 7);
	ctl_obj_end(&o);
	CHECK_STR(o.buf, "a: b\nsub: \n  n: 7\n");
	ctl_out_free(&o);
}

/* RFC 8925 v6only-wait: default MIN_V6ONLY_WAIT, range 1..86400. */
TEST(global_v6only_wait)
{
	struct xlatd_conf c;

	REQUIRE(parse("", &c) == 0);
	CHECK_EQ(c.v6only_wait, 300);
	conf_free(&c);
	REQUIRE(parse("[global]\nv6only-wait = 4\n", &c) == 0);
	CHECK_EQ(c.v6only_wait, 4);
	conf_free(&c);
	REQUIRE(parse("[global]\nv6only-wait = 86400\n", &c) == 0);
	CHECK_EQ(c.v6only_wait, 86400);
	conf_free(&c);
	expect_err("[global]\nv6only-wait = 0\n",
		   "t.conf:2: invalid v6only-wait \"0\": 1 to 86400 seconds in [global]");
	expect_err("[global]\nv6only-wait = 86401\n",
		   "t.conf:2: invalid v6only-wait \"86401\": 1 to 86400 seconds in [global]");
	expect_err("[clat a]\nuplink = eth0\nv6only-wait = 5\n",
		   "t.conf:3: unknown key \"v6only-wait\" in [clat a]");
}

int main(void)
{
	return tap_run();
}
