// SPDX-License-Identifier: GPL-2.0-or-later
/* xlatd.conf [nat64 NAME] sections: defaults, every key, errors. */
#define TAP_MAIN
#include "tap.h"

#include "conf_test.h"
#include "xlatd/config.h"

#include <arpa/inet.h>


static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

TEST(defaults)
{
	struct xlatd_conf c;
	const struct nat64_cfg *n;
	const struct inst_conf *ic;
	struct in6_addr self6;

	REQUIRE(parse("[nat64 plat]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n",
		      &c) == 0);
	ic = conf_find(&c, "plat");
	REQUIRE(ic);
	n = &ic->nat64.cfg;
	CHECK_STR(ic->kind, "nat64");
	CHECK_STR(ic->siit.tun, "plat");
	CHECK(!ic->siit.offload); /* datapath auto: the fast path's */
	CHECK_EQ(n->n_pool4, 3); /* one per protocol */
	CHECK_EQ(n->pool4[0].lo, 1024);
	CHECK_EQ(n->pool4[2].proto, NAT64_ICMP);
	CHECK_EQ(n->pool4[2].lo, 0);
	CHECK_EQ(n->pool4[2].pfx.len, 32);
	CHECK_EQ(n->max_sessions, 65536);
	CHECK_EQ(n->max_per_host, 0);
	CHECK_EQ(n->filter, NAT64_FILTER_EI);
	CHECK(n->wkp_global_only);
	CHECK_EQ(n->timeout_ms[NAT64_T_UDP], 300000);
	CHECK_EQ(n->timeout_ms[NAT64_T_TCP_EST], 7440000);
	CHECK(!ic->nat64.log_mappings);
	CHECK(!n->drop_external_tcp); /* RFC 6146 3.5.2.2: held, not dropped */
	CHECK_EQ(n->frag_ms, 2000);    /* FRAGMENT_MIN */
	/* ICMP errors from the pool4 address and its pool6 form. */
	CHECK_EQ(ic->xlat.self4.s_addr, ip4("192.0.2.1"));
	inet_pton(AF_INET6, "64:ff9b::c000:201", &self6);
	CHECK_MEM(&ic->xlat.self6, &self6, 16);
	CHECK_MEM(&n->xlat.self6, &self6, 16);
	/* Routes to the TUN: pool6 and the pool4 prefix once. */
	CHECK_EQ(ic->siit.n_route6, 1);
	CHECK_EQ(ic->siit.route6[0].len, 96);
	CHECK_EQ(ic->siit.n_route4, 1);
	CHECK_EQ(ic->siit.route4[0].addr.s_addr, ip4("192.0.2.1"));
	conf_free(&c);
}

/* TUN offload follows the data path unless given: on for userspace, off
 * for the eBPF fast path (plain packets only). */
TEST(offload_follows_datapath)
{
	static const char *const text[] = {
		"[nat64 a]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n"
		"datapath = userspace\n",
		"[nat64 a]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n"
		"datapath = userspace\noffload = no\n",
		"[nat64 a]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n"
		"datapath = bpf\n",
		"[nat64 a]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n"
		"offload = yes\n",
	};
	static const bool want[] = { true, false, false, true };
	struct xlatd_conf c;

	for (unsigned int i = 0; i < 4; i++) {
		REQUIRE(parse(text[i], &c) == 0);
		CHECK_EQ(conf_find(&c, "a")->siit.offload, want[i]);
		conf_free(&c);
	}
}

TEST(every_key)
{
	static const char text[] =
		"[nat64 n0]\n"
		"tun = nat64x\nmtu = 1400\nthreads = 2\n"
		"pool6 = 2001:db8:64::/96\n"
		"pool4 = 192.0.2.0/30 tcp 2000-3000\n"
		"pool4 = 198.51.100.8/29 udp\n"
		"pool4 = 198.51.100.8/29 icmp 10-20\n"
		"static = tcp 2001:db8:1::80 80 192.0.2.1 80\n"
		"static = udp 2001:db8:1::53 53 192.0.2.1 53\n"
		"filtering = address-dependent\n"
		"max-sessions = 1000\nmax-sessions-per-host = 50\n"
		"udp-timeout = 10\ntcp-established-timeout = 3600\n"
		"tcp-transitory-timeout = 30\nallow-short-timeouts = yes\n"
		"icmp-timeout = 5\nlog-mappings = yes\nwkp-global-only = no\n"
		"drop-external-tcp = yes\nfragment-timeout = 5\n"
		"ipv4-address = 192.0.2.254\ndecrement-ttl = yes\n"
		"offload = no\n";
	struct xlatd_conf c;
	const struct inst_conf *ic;
	const struct nat64_cfg *n;

	REQUIRE(parse(text, &c) == 0);
	ic = conf_find(&c, "n0");
	n = &ic->nat64.cfg;
	CHECK_STR(ic->siit.tun, "nat64x");
	CHECK_EQ(n->xlat.ttl_kernel_hops, 2); /* the TUN, as [siit] */
	CHECK_EQ(ic->siit.mtu, 1400);
	CHECK_EQ(ic->siit.threads, 2);
	CHECK_EQ(n->n_pool4, 3);
	CHECK_EQ(n->pool4[0].proto, NAT64_TCP);
	CHECK_EQ(n->pool4[0].lo, 2000);
	CHECK_EQ(n->pool4[0].hi, 3000);
	CHECK_EQ(n->pool4[1].proto, NAT64_UDP);
	CHECK_EQ(n->pool4[1].lo, 1024);
	CHECK_EQ(n->pool4[2].lo, 10);
	CHECK_EQ(n->n_static, 2);
	CHECK_EQ(n->statics[1].proto, NAT64_UDP);
	CHECK_EQ(n->statics[1].p4, 53);
	CHECK_EQ(n->filter, NAT64_FILTER_AD);
	CHECK_EQ(n->max_sessions, 1000);
	CHECK_EQ(n->max_per_host, 50);
	CHECK_EQ(n->timeout_ms[NAT64_T_UDP], 10000);
	CHECK_EQ(n->timeout_ms[NAT64_T_TCP_EST], 3600000);
	CHECK_EQ(n->timeout_ms[NAT64_T_TCP_TRANS], 30000);
	CHECK_EQ(n->timeout_ms[NAT64_T_ICMP], 5000);
	CHECK(ic->nat64.short_timeouts);
	CHECK(ic->nat64.log_mappings);
	CHECK(!n->wkp_global_only);
	CHECK(n->drop_external_tcp);
	CHECK_EQ(n->frag_ms, 5000);
	CHECK(!ic->siit.offload);
	CHECK_EQ(n->xlat.self4.s_addr, ip4("192.0.2.254"));
	CHECK_EQ(ic->siit.n_route4, 2);
	conf_free(&c);
}

TEST(errors)
{
	expect_err("[nat64 n]\npool4 = 192.0.2.1\n",
		   "t.conf:1: [nat64 n]: pool6 is required");
	expect_err("[nat64 n]\npool6 = 64:ff9b::/96\n",
		   "t.conf:1: [nat64 n]: at least one pool4 is required");
	expect_err("[nat64 n]\npool6 = 64:ff9b::/95\n",
		   "t.conf:2: invalid pool6 \"64:ff9b::/95\": an IPv6 prefix of length 32, 40, 48, 56, 64 or 96 (RFC 6052) in [nat64 n]");
	expect_err("[nat64 n]\npool4 = 192.0.2.1 sctp\n",
		   "t.conf:2: invalid pool4 \"192.0.2.1 sctp\": \"IPV4PREFIX [tcp|udp|icmp] [FIRST-LAST]\", e.g. \"192.0.2.0/28 tcp 1024-65535\" in [nat64 n]");
	expect_err("[nat64 n]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1/8\n",
		   "t.conf:1: [nat64 n]: pool4: prefix length must be 16..32");
	expect_err("[nat64 n]\nstatic = tcp 2001:db8::1 80\n",
		   "t.conf:2: invalid static \"tcp 2001:db8::1 80\": \"tcp|udp|icmp IPV6 PORT IPV4 PORT\" in [nat64 n]");
	expect_err("[nat64 n]\nfiltering = open\n",
		   "t.conf:2: invalid filtering \"open\": endpoint-independent or address-dependent in [nat64 n]");
	expect_err("[nat64 n]\nudp-timeout = 0\n",
		   "t.conf:2: invalid udp-timeout \"0\": a number 1..604800 in [nat64 n]");
	expect_err("[nat64 n]\nfragment-timeout = 1\n",
		   "t.conf:2: invalid fragment-timeout \"1\": a number 2..60 in [nat64 n]");
	expect_err("[nat64 n]\nmax-sessions = 5\nmax-sessions = 6\n",
		   "t.conf:3: key \"max-sessions\" given twice in [nat64 n]");
	expect_err("[nat64 n]\neam = 192.0.2.1 2001:db8::1\n",
		   "t.conf:2: unknown key \"eam\" in [nat64 n]");
	expect_err("[nat64]\n",
		   "t.conf:1: section [nat64] needs an instance name: [nat64 NAME]");
}

/*
 * RFC 6146 section 4: UDP_MIN 2 min, TCP_EST 2 h 4 min, TCP_TRANS 4 min
 * are floors, and RFC 5508 REQ-2's 60 s for ICMP query sessions; below
 * them only with allow-short-timeouts (anywhere in the section).
 */
TEST(timeout_floors)
{
	static const char base[] = "[nat64 n]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n";
	static const struct {
		const char *key, *name;
		unsigned int min;
		enum nat64_timer t;
	} f[] = {
		{ "udp-timeout", "RFC 6146's UDP_MIN", 120, NAT64_T_UDP },
		{ "tcp-established-timeout", "RFC 6146's TCP_EST", 7440, NAT64_T_TCP_EST },
		{ "tcp-transitory-timeout", "RFC 6146's TCP_TRANS", 240, NAT64_T_TCP_TRANS },
		{ "icmp-timeout", "RFC 5508 REQ-2's floor", 60, NAT64_T_ICMP },
	};
	struct xlatd_conf c;
	char text[512], msg[256];

	for (unsigned int i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(text, sizeof(text), "%s%s = %u\n", base, f[i].key,
			 f[i].min - 1);
		snprintf(msg, sizeof(msg),
			 "t.conf:1: [nat64 n]: %s = %u is below %s of %u seconds (allow-short-timeouts = yes accepts it)",
			 f[i].key, f[i].min - 1, f[i].name, f[i].min);
		expect_err(text, msg);
		snprintf(text, sizeof(text), "%s%s = %u\n", base, f[i].key,
			 f[i].min);
		REQUIRE(parse(text, &c) == 0);
		CHECK_EQ(conf_find(&c, "n")->nat64.cfg.timeout_ms[f[i].t],
			 f[i].min * 1000);
		conf_free(&c);
		/* The key may come before or after the timeout. */
		snprintf(text, sizeof(text), "%s%s = 3\nallow-short-timeouts = yes\n",
			 base, f[i].key);
		REQUIRE(parse(text, &c) == 0);
		CHECK_EQ(conf_find(&c, "n")->nat64.cfg.timeout_ms[f[i].t], 3000);
		conf_free(&c);
		snprintf(text, sizeof(text), "[nat64 n]\nallow-short-timeouts = on\n%s = 3\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n",
			 f[i].key);
		REQUIRE(parse(text, &c) == 0);
		conf_free(&c);
	}
	expect_err("[nat64 n]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\nudp-timeout = 3\nallow-short-timeouts = no\n",
		   "t.conf:1: [nat64 n]: udp-timeout = 3 is below RFC 6146's UDP_MIN of 120 seconds (allow-short-timeouts = yes accepts it)");
	expect_err("[nat64 n]\nallow-short-timeouts = maybe\n",
		   "t.conf:2: invalid allow-short-timeouts \"maybe\": yes or no in [nat64 n]");
	/* The defaults meet every floor without the key. */
	REQUIRE(parse(base, &c) == 0);
	CHECK(!conf_find(&c, "n")->nat64.short_timeouts);
	conf_free(&c);
}

/* Equal sections compare equal (reload leaves the instance alone). */
TEST(reload_equality)
{
	static const char a[] = "[nat64 n]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n";
	static const char b[] = "[nat64 n]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\nudp-timeout = 600\n";
	struct xlatd_conf ca, cb, cc;

	REQUIRE(parse(a, &ca) == 0);
	REQUIRE(parse(a, &cb) == 0);
	REQUIRE(parse(b, &cc) == 0);
	CHECK(inst_conf_equal(conf_find(&ca, "n"), conf_find(&cb, "n")));
	CHECK(!inst_conf_equal(conf_find(&ca, "n"), conf_find(&cc, "n")));
	conf_free(&ca);
	conf_free(&cb);
	conf_free(&cc);
}

/* datapath: the eBPF fast path unless told otherwise (nat64_fp.h). */
TEST(datapath)
{
	static const char base[] = "[nat64 n]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n";
	static const char *const v[] = { "auto", "bpf", "userspace" };
	static const enum clat_datapath want[] = { CLAT_DP_AUTO, CLAT_DP_BPF,
						   CLAT_DP_USERSPACE };
	struct xlatd_conf c;
	char text[256];

	REQUIRE(parse(base, &c) == 0);
	CHECK_EQ(conf_find(&c, "n")->nat64.datapath, CLAT_DP_AUTO);
	conf_free(&c);
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "%sdatapath = %s\n", base, v[i]);
		REQUIRE(parse(text, &c) == 0);
		CHECK_EQ(conf_find(&c, "n")->nat64.datapath, want[i]);
		conf_free(&c);
	}
	expect_err("[nat64 n]\ndatapath = xdp\n",
		   "t.conf:2: invalid datapath \"xdp\": auto, bpf or userspace in [nat64 n]");
	REQUIRE(parse("[nat64 n]\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\nbpf-attach = clsact\n",
		      &c) == 0);
	CHECK_EQ(conf_find(&c, "n")->nat64.bpf_attach, CLAT_ATTACH_CLSACT);
	conf_free(&c);
	expect_err("[nat64 n]\nbpf-attach = xdp\n",
		   "t.conf:2: invalid bpf-attach \"xdp\": auto, tcx or clsact in [nat64 n]");
}

int main(void)
{
	return tap_run();
}
