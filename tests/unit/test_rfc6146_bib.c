// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 6146 BIB and pool4 allocation: section 3.5.1.1 port
 * range and parity, RFC 6056 randomisation, RFC 4787 REQ-2 paired
 * pooling, static entries, the keyed hash, memory per session.
 */
#define TAP_MAIN
#include "tap.h"

#include "engine/rfc6146_int.h"
#include "rfc6146_fixture.h"

#include <stdio.h>

static struct nat64_cfg cfg;

/* SipHash-2-4 reference vectors (key 00..0f). */
TEST(siphash_vectors)
{
	static const uint64_t key[2] = { 0x0706050403020100ull,
					 0x0f0e0d0c0b0a0908ull };
	uint8_t m[15];

	for (int i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	CHECK_EQ(nat64_siphash(key, m, 0), 0x726fdb47dd0e0e31ull);
	CHECK_EQ(nat64_siphash(key, m, 15), 0xa129ca6149be45e5ull);
}

/* 3.5.1.1: a well-known source port gets a well-known port, parity kept. */
TEST(port_range_and_parity)
{
	struct nat64 *n;
	uint16_t p;

	fx_cfg(&cfg);
	cfg.pool4[1].lo = 0;
	n = fx_nat(&cfg);
	p = fx_udp_map(n, HA, 53, S1_6, 0);
	CHECK(p > 0 && p < 1024);
	CHECK_EQ(p & 1, 1);
	p = fx_udp_map(n, HA, 40000, S1_6, 0);
	CHECK(p >= 1024);
	CHECK_EQ(p & 1, 0);
	p = fx_udp_map(n, HA, 40001, S1_6, 0);
	CHECK(p >= 1024);
	CHECK_EQ(p & 1, 1);
	/* No well-known ports in the pool: any port will do. */
	fx_cfg(&cfg);
	n = fx_nat(&cfg);
	p = fx_udp_map(n, HA, 53, S1_6, 0);
	CHECK(p >= 1024);
}

/* RFC 6056: ports are not handed out in sequence, and the secret
 * decides them. */
TEST(ports_randomised)
{
	struct nat64 *n;
	uint16_t a[16], b;
	int seq = 0;

	fx_cfg(&cfg);
	n = fx_nat(&cfg);
	for (int i = 0; i < 16; i++) {
		char h[64];

		snprintf(h, sizeof(h), "2001:db8:1::%x", 0x100 + i);
		a[i] = fx_udp_map(n, h, 40000, S1_6, 0);
		CHECK(a[i] >= 1024);
	}
	for (int i = 1; i < 16; i++)
		seq += a[i] == a[i - 1] + 2;
	CHECK(seq < 4);
	cfg.key[0] ^= 1;
	n = fx_nat(&cfg);
	b = fx_udp_map(n, "2001:db8:1::100", 40000, S1_6, 0);
	CHECK(b != a[0]);
}

/* RFC 4787 REQ-2 (paired pooling): one host, one pool4 address. */
TEST(paired_pooling)
{
	struct nat64 *n;
	struct in_addr first;

	fx_cfg(&cfg);
	cfg.n_pool4 = 0;
	fx_pool4(&cfg, NAT64_UDP, "192.0.2.0", 29, 1024, 65535);
	n = fx_nat(&cfg);
	REQUIRE(fx_udp_map(n, HA, 1000, S1_6, 0));
	first = fx_src4();
	for (uint16_t p = 1001; p < 1020; p++) {
		REQUIRE(fx_udp_map(n, HA, p, S1_6, 0));
		CHECK_EQ(fx_src4().s_addr, first.s_addr);
	}
}

/* The pool moves on to another address when one is full. */
TEST(next_address_when_full)
{
	struct nat64 *n;
	struct in_addr a0;

	fx_cfg(&cfg);
	cfg.n_pool4 = 0;
	fx_pool4(&cfg, NAT64_UDP, "192.0.2.2", 31, 5000, 5001);
	n = fx_nat(&cfg);
	for (uint16_t p = 1; p <= 4; p++)
		CHECK(fx_udp_map(n, HA, p, S1_6, 0));
	a0 = fx_src4();
	CHECK(ntohl(a0.s_addr) == 0xc0000202 || ntohl(a0.s_addr) == 0xc0000203);
	CHECK(!fx_udp_map(n, HA, 5, S1_6, 0));
	CHECK_EQ(nat64_bibs(n), 4);
}

/* Static entries are unique on both sides and stay after traffic. */
TEST(static_entries)
{
	struct nat64_static *s;
	struct nat64 *n;
	struct nat64_info inf;
	int found = 0;

	fx_cfg(&cfg);
	s = &cfg.statics[cfg.n_static++];
	s->proto = NAT64_UDP;
	s->a6 = pkt_a6(HA);
	s->p6 = 53;
	s->a4 = pkt_a4(P4);
	s->p4 = 5353;
	n = fx_nat(&cfg);
	REQUIRE(n);
	/* Dynamic traffic from the same transport address uses it. */
	CHECK_EQ(fx_udp_map(n, HA, 53, S1_6, 0), 5353);
	nat64_expire(n, 10 * MIN, 10);
	CHECK_EQ(nat64_bibs(n), 1);
	for (uint32_t i = 0; i < nat64_bib_capacity(n); i++)
		if (nat64_bib_get(n, i, &inf))
			found += inf.is_static && inf.p4 == 5353;
	CHECK_EQ(found, 1);
	/* Two statics on one pool4 transport address: refused. */
	cfg.statics[cfg.n_static] = *s;
	cfg.statics[cfg.n_static++].p6 = 54;
	CHECK(fx_nat(&cfg) == NULL);
}

TEST(validation)
{
	char err[128];

	fx_cfg(&cfg);
	CHECK_EQ(nat64_cfg_validate(&cfg, err, sizeof(err)), 0);
	cfg.xlat.pool6.len = 95;
	CHECK_EQ(nat64_cfg_validate(&cfg, err, sizeof(err)), -1);
	fx_cfg(&cfg);
	cfg.pool4[0].pfx.len = 8;
	CHECK_EQ(nat64_cfg_validate(&cfg, err, sizeof(err)), -1);
	fx_cfg(&cfg);
	cfg.pool4[0].lo = 9;
	cfg.pool4[0].hi = 8;
	CHECK_EQ(nat64_cfg_validate(&cfg, err, sizeof(err)), -1);
	fx_cfg(&cfg);
	cfg.n_pool4 = 0;
	CHECK_EQ(nat64_cfg_validate(&cfg, err, sizeof(err)), -1);
	fx_cfg(&cfg);
	cfg.max_sessions = 0;
	CHECK_EQ(nat64_cfg_validate(&cfg, err, sizeof(err)), -1);
}

/* The documented figure: bytes per session (docs/nat64.md). */
TEST(memory_per_session)
{
	size_t a, b, per;

	fx_cfg(&cfg);
	cfg.max_sessions = 1u << 20;
	a = nat64_mem_size(&cfg);
	cfg.max_sessions = 1u << 21;
	b = nat64_mem_size(&cfg);
	per = (b - a) >> 20;
	printf("# %zu bytes per session (%zu MiB for 1M sessions)\n", per,
	       a >> 20);
	CHECK(per <= 160);
	CHECK(nat64_mem_size(&cfg) > (size_t)cfg.max_sessions * 100);
}

int main(void)
{
	int r = tap_run();

	free(fx_mem);
	return r;
}
