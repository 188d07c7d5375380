// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the shared-address CLAT's NAPT (src/engine/clat_napt.c).
 * Every packet that leaves a call is checked for valid checksums, and
 * the round trips (out then in, ICMP errors) give back the bytes the
 * host sent.
 */
#define TAP_MAIN
#include "tap.h"

#include "engine/checksum.h"
#include "engine/clat_napt.h"
#include "pkt.h"

#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>

#define CLAT4 "192.0.0.4"
#define REM "198.51.100.7"
#define REM2 "203.0.113.9"
#define S 1000ULL /* ms per second */

/* A fake owner: refuses the ports listed, remembers releases. */
struct owner {
	uint16_t busy[8];
	unsigned int n_busy;
	int fail; /* a negative errno for every reservation, or 0 */
	unsigned int reserved, released;
	uint16_t last_released;
};

static int o_reserve(void *arg, enum napt_proto p, uint16_t port)
{
	struct owner *o = arg;

	(void)p;
	if (o->fail)
		return o->fail;
	for (unsigned int i = 0; i < o->n_busy; i++)
		if (o->busy[i] == port)
			return -EADDRINUSE;
	o->reserved++;
	return 0;
}

static void o_release(void *arg, enum napt_proto p, uint16_t port)
{
	struct owner *o = arg;

	(void)p;
	o->released++;
	o->last_released = port;
}

static struct owner own;
static void *mem; /* the table's memory, the caller's (here: reused) */

static void setup(struct clat_napt *t, uint16_t lo, uint16_t hi,
		  uint32_t max)
{
	struct clat_napt_cfg c;
	struct clat_napt_ops ops = { o_reserve, o_release, &own };

	memset(&own, 0, sizeof(own));
	clat_napt_cfg_default(&c);
	if (lo) {
		c.port_lo = lo;
		c.port_hi = hi;
	}
	if (max)
		c.max_maps = max;
	mem = realloc(mem, clat_napt_mem_size(&c));
	if (!mem || clat_napt_init(t, &c, &ops, mem))
		TAP_FAIL("clat_napt_init");
}

static size_t udp_out(uint8_t *b, uint16_t sport, const char *dst)
{
	return pkt_udp4(b, CLAT4, dst, sport, 53, "hello", 5);
}

static size_t udp_in(uint8_t *b, const char *src, uint16_t dport)
{
	return pkt_udp4(b, src, CLAT4, 53, dport, "world!", 6);
}

static size_t tcp4(uint8_t *b, const char *src, const char *dst,
		   uint16_t sp, uint16_t dp, uint8_t flags)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = IPPROTO_TCP };
	uint8_t l4[64];
	size_t n = pkt_tcp(l4, sp, dp, 1, flags, "data", 4);

	n = pkt_ip4(b, &s, l4, n);
	pkt_fix_l4_csum4(b, n);
	return n;
}

#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define RST 0x04

static uint16_t sport(const uint8_t *p)
{
	return get16(p + 20);
}

static uint16_t dport(const uint8_t *p)
{
	return get16(p + 22);
}

TEST(config_defaults_and_checks)
{
	struct clat_napt_cfg c;

	clat_napt_cfg_default(&c);
	CHECK_EQ(c.port_lo, 61000);
	CHECK_EQ(c.port_hi, 65535);
	CHECK_EQ(c.max_maps, 4536 * 3);
	CHECK_EQ(c.to_udp, 300);
	CHECK_EQ(c.to_tcp_est, 7440);
	CHECK_EQ(c.to_tcp_trans, 240);
	CHECK_EQ(c.to_icmp, 60);
	CHECK(clat_napt_cfg_check(&c) == NULL);
	c.port_lo = 62000;
	c.port_hi = 61000;
	CHECK(clat_napt_cfg_check(&c) != NULL);
	clat_napt_cfg_default(&c);
	c.to_icmp = 0;
	CHECK(clat_napt_cfg_check(&c) != NULL);
	clat_napt_cfg_default(&c);
	c.max_maps = 0;
	CHECK(clat_napt_cfg_check(&c) != NULL);
}

/* UDP: the source port becomes one of the range; the reply goes back. */
TEST(udp_round_trip)
{
	struct clat_napt t;
	uint8_t b[128], orig[128];
	size_t n = udp_out(b, 40000, REM);
	uint16_t p;

	setup(&t, 0, 0, 0);
	memcpy(orig, b, n);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 12345) == NAPT_PASS);
	p = sport(b);
	CHECK(p >= 61000);
	CHECK_EQ(p, 61000 + 12345 % 4536);
	CHECK_OK(pkt_check4(b, n));
	/* Nothing else changed but the checksum. */
	CHECK_MEM(b, orig, 20);
	CHECK_MEM(b + 22, orig + 22, 4);
	CHECK_MEM(b + 28, orig + 28, n - 28);
	CHECK_EQ(own.reserved, 1);
	CHECK_EQ(clat_napt_count(&t, NAPT_UDP), 1);
	n = udp_in(b, REM, p);
	REQUIRE(clat_napt_in(&t, b, n, 1 * S) == NAPT_PASS);
	CHECK_EQ(dport(b), 40000);
	CHECK_OK(pkt_check4(b, n));
	CHECK_EQ(t.ctr[NAPT_C_OUT], 1);
	CHECK_EQ(t.ctr[NAPT_C_IN], 1);
	clat_napt_clear(&t);
	CHECK_EQ(own.released, 1);
}

/* RFC 4787: one mapping per internal port, whatever the remote; any
 * remote may answer on it while it lives. */
TEST(endpoint_independent_mapping_and_filtering)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n;
	uint16_t p1, p2;

	setup(&t, 0, 0, 0);
	n = udp_out(b, 40000, REM);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_PASS);
	p1 = sport(b);
	n = udp_out(b, 40000, REM2);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 999) == NAPT_PASS);
	p2 = sport(b);
	CHECK_EQ(p1, p2);
	CHECK_EQ(own.reserved, 1);
	n = udp_in(b, "192.0.2.33", p1);
	CHECK(clat_napt_in(&t, b, n, 0) == NAPT_PASS);
	CHECK_EQ(dport(b), 40000);
	/* Another internal port gets another external one. */
	n = udp_out(b, 40001, REM);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_PASS);
	CHECK(sport(b) != p1);
	clat_napt_clear(&t);
}

/* Inbound packets never create a mapping. */
TEST(inbound_without_mapping_dropped)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n = udp_in(b, REM, 61234);

	setup(&t, 0, 0, 0);
	CHECK(clat_napt_in(&t, b, n, 0) == NAPT_DROP);
	n = tcp4(b, REM, CLAT4, 80, 61234, SYN);
	CHECK(clat_napt_in(&t, b, n, 0) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_NO_MAP], 2);
	CHECK_EQ(t.n_used, 0);
	CHECK_EQ(own.reserved, 0);
	clat_napt_clear(&t);
}

/* TCP: only a SYN creates; the port and checksums follow both ways. */
TEST(tcp_syn_creates_others_do_not)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n;
	uint16_t p;

	setup(&t, 0, 0, 0);
	n = tcp4(b, CLAT4, REM, 50000, 80, ACK);
	CHECK(clat_napt_out(&t, b, n, false, 0, 7) == NAPT_DROP);
	n = tcp4(b, CLAT4, REM, 50000, 80, SYN | ACK);
	CHECK(clat_napt_out(&t, b, n, false, 0, 7) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_TCP_NO_SYN], 2);
	n = tcp4(b, CLAT4, REM, 50000, 80, SYN);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 7) == NAPT_PASS);
	p = sport(b);
	CHECK_EQ(p, 61007);
	CHECK_OK(pkt_check4(b, n));
	n = tcp4(b, REM, CLAT4, 80, p, SYN | ACK);
	REQUIRE(clat_napt_in(&t, b, n, 0) == NAPT_PASS);
	CHECK_EQ(dport(b), 50000);
	CHECK_OK(pkt_check4(b, n));
	/* The host's next segment uses the mapping. */
	n = tcp4(b, CLAT4, REM, 50000, 80, ACK);
	CHECK(clat_napt_out(&t, b, n, false, 0, 99) == NAPT_PASS);
	CHECK_EQ(sport(b), p);
	clat_napt_clear(&t);
}

static uint64_t expiry_of(struct clat_napt *t, enum napt_proto pr, uint16_t in)
{
	const struct clat_napt_map *m = clat_napt_find_in(t, pr, in);

	return m ? m->expires : 0;
}

static uint8_t state_of(struct clat_napt *t, uint16_t in)
{
	const struct clat_napt_map *m = clat_napt_find_in(t, NAPT_TCP, in);

	return m ? m->tcp : 0xff;
}

/* RFC 6146 3.5.2.2, the parts a CLAT needs. */
TEST(tcp_tracker_timeouts)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n;
	uint16_t p;

	setup(&t, 0, 0, 0);
	n = tcp4(b, CLAT4, REM, 50000, 80, SYN);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 0) == NAPT_PASS);
	p = sport(b);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_SYN_SENT);
	CHECK_EQ(expiry_of(&t, NAPT_TCP, 50000), 240 * S);
	n = tcp4(b, REM, CLAT4, 80, p, SYN | ACK);
	clat_napt_in(&t, b, n, 10 * S);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_EST);
	CHECK_EQ(expiry_of(&t, NAPT_TCP, 50000), 10 * S + 7440 * S);
	/* FIN from the host: still the long timeout. */
	n = tcp4(b, CLAT4, REM, 50000, 80, FIN | ACK);
	clat_napt_out(&t, b, n, false, 20 * S, 0);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_FIN_OUT);
	CHECK_EQ(expiry_of(&t, NAPT_TCP, 50000), 20 * S + 7440 * S);
	/* FIN from the remote: transitory, and no later ACK extends it. */
	n = tcp4(b, REM, CLAT4, 80, p, FIN | ACK);
	clat_napt_in(&t, b, n, 30 * S);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_FIN_BOTH);
	CHECK_EQ(expiry_of(&t, NAPT_TCP, 50000), 30 * S + 240 * S);
	n = tcp4(b, CLAT4, REM, 50000, 80, ACK);
	clat_napt_out(&t, b, n, false, 40 * S, 0);
	CHECK_EQ(expiry_of(&t, NAPT_TCP, 50000), 30 * S + 240 * S);
	/* A new SYN on the same port starts over. */
	n = tcp4(b, CLAT4, REM2, 50000, 443, SYN);
	REQUIRE(clat_napt_out(&t, b, n, false, 50 * S, 0) == NAPT_PASS);
	CHECK_EQ(sport(b), p);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_SYN_SENT);
	n = tcp4(b, REM2, CLAT4, 443, p, SYN | ACK);
	clat_napt_in(&t, b, n, 51 * S);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_EST);
	/* RST: transitory; then any other packet: established again. */
	n = tcp4(b, REM2, CLAT4, 443, p, RST);
	clat_napt_in(&t, b, n, 60 * S);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_TRANS);
	CHECK_EQ(expiry_of(&t, NAPT_TCP, 50000), 60 * S + 240 * S);
	n = tcp4(b, CLAT4, REM2, 50000, 443, ACK);
	clat_napt_out(&t, b, n, false, 70 * S, 0);
	CHECK_EQ(state_of(&t, 50000), NAPT_TCP_EST);
	CHECK_EQ(expiry_of(&t, NAPT_TCP, 50000), 70 * S + 7440 * S);
	clat_napt_clear(&t);
}

/* Expiry releases the port (once) and only when due. */
TEST(expiry_releases)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n = udp_out(b, 40000, REM);
	uint16_t p;

	setup(&t, 0, 0, 0);
	REQUIRE(clat_napt_out(&t, b, n, false, 1000, 3) == NAPT_PASS);
	p = sport(b);
	n = udp_in(b, REM, p);
	clat_napt_in(&t, b, n, 100 * S); /* inbound refreshes too */
	CHECK_EQ(clat_napt_expire(&t, 100 * S + 300 * S - 1), 0);
	CHECK(clat_napt_find_ext(&t, NAPT_UDP, p) != NULL);
	CHECK_EQ(own.released, 0);
	CHECK_EQ(clat_napt_expire(&t, 100 * S + 300 * S), 1);
	CHECK(clat_napt_find_ext(&t, NAPT_UDP, p) == NULL);
	CHECK(clat_napt_find_in(&t, NAPT_UDP, 40000) == NULL);
	CHECK_EQ(own.released, 1);
	CHECK_EQ(own.last_released, p);
	CHECK_EQ(t.ctr[NAPT_C_EXPIRED], 1);
	n = udp_in(b, REM, p);
	CHECK(clat_napt_in(&t, b, n, 500 * S) == NAPT_DROP);
	clat_napt_clear(&t);
	CHECK_EQ(own.released, 1);
}

/* ICMP echo: the identifier is the port; 60 s. */
TEST(icmp_echo_round_trip)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n = pkt_echo4(b, CLAT4, REM, 777, 1, "ping", 4);
	uint16_t id;

	setup(&t, 0, 0, 0);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 100) == NAPT_PASS);
	id = get16(b + 24);
	CHECK_EQ(id, 61100);
	CHECK_OK(pkt_check4(b, n));
	CHECK_EQ(expiry_of(&t, NAPT_ICMP, 777), 60 * S);
	/* The reply: type 0 from the remote. */
	n = pkt_echo4(b, REM, CLAT4, id, 1, "ping", 4);
	b[20] = 0;
	pkt_fix_l4_csum4(b, n);
	REQUIRE(clat_napt_in(&t, b, n, 1 * S) == NAPT_PASS);
	CHECK_EQ(get16(b + 24), 777);
	CHECK_OK(pkt_check4(b, n));
	/* An echo request from outside is not ours to pass. */
	n = pkt_echo4(b, REM, CLAT4, id, 2, "ping", 4);
	CHECK(clat_napt_in(&t, b, n, 2 * S) == NAPT_DROP);
	/* TCP and UDP port 777 are other keys. */
	CHECK(clat_napt_find_in(&t, NAPT_UDP, 777) == NULL);
	clat_napt_clear(&t);
}

/* A port a host socket holds is skipped; other errors refuse the flow. */
TEST(reserve_refusals)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n = udp_out(b, 40000, REM);

	setup(&t, 0, 0, 0);
	own.busy[own.n_busy++] = 61010;
	own.busy[own.n_busy++] = 61011;
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 10) == NAPT_PASS);
	CHECK_EQ(sport(b), 61012);
	CHECK_EQ(t.ctr[NAPT_C_PORT_IN_USE], 2);
	own.fail = -EMFILE;
	n = udp_out(b, 40001, REM);
	CHECK(clat_napt_out(&t, b, n, false, 0, 10) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_RESERVE], 1);
	CHECK_EQ(clat_napt_count(&t, NAPT_UDP), 1);
	/* Every port busy: give up after NAPT_RESERVE_TRIES, not 4536. */
	own.fail = -EADDRINUSE;
	n = udp_out(b, 40002, REM);
	CHECK(clat_napt_out(&t, b, n, false, 0, 10) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_PORT_IN_USE], 2 + NAPT_RESERVE_TRIES);
	CHECK_EQ(t.ctr[NAPT_C_DROP_RESERVE], 2);
	clat_napt_clear(&t);
}

/* The table is bounded; expiry makes room again. */
TEST(table_full)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n;

	setup(&t, 0, 0, 2);
	for (uint16_t i = 0; i < 2; i++) {
		n = udp_out(b, (uint16_t)(40000 + i), REM);
		CHECK(clat_napt_out(&t, b, n, false, 0, i) == NAPT_PASS);
	}
	n = pkt_echo4(b, CLAT4, REM, 1, 1, "x", 1);
	CHECK(clat_napt_out(&t, b, n, false, 0, 5) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_FULL], 1);
	CHECK_EQ(clat_napt_expire(&t, 300 * S), 2);
	CHECK(clat_napt_out(&t, b, n, false, 300 * S, 5) == NAPT_PASS);
	clat_napt_clear(&t);
}

/* Each protocol has the whole range; when it is used up, new flows of
 * that protocol are refused, the others go on. */
TEST(ports_exhausted_per_protocol)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n;

	setup(&t, 62000, 62001, 100);
	for (uint16_t i = 0; i < 2; i++) {
		n = udp_out(b, (uint16_t)(40000 + i), REM);
		CHECK(clat_napt_out(&t, b, n, false, 0, 0) == NAPT_PASS);
		CHECK(sport(b) == 62000 || sport(b) == 62001);
	}
	n = udp_out(b, 40002, REM);
	CHECK(clat_napt_out(&t, b, n, false, 0, 0) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_NO_PORT], 1);
	n = tcp4(b, CLAT4, REM, 40002, 80, SYN);
	CHECK(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_PASS);
	CHECK_EQ(sport(b), 62001);
	clat_napt_clear(&t);
}

/* The first port tried follows the random number. */
TEST(random_start)
{
	struct clat_napt t;
	uint8_t b[128];
	uint16_t seen[4];
	size_t n;

	setup(&t, 0, 0, 0);
	for (uint16_t i = 0; i < 4; i++) {
		n = udp_out(b, (uint16_t)(1000 + i), REM);
		REQUIRE(clat_napt_out(&t, b, n, false, 0,
				      0x9e3779b9u * (i + 1)) == NAPT_PASS);
		seen[i] = sport(b);
		CHECK_EQ(seen[i], 61000 + (0x9e3779b9u * (i + 1)) % 4536);
	}
	CHECK(seen[0] != seen[1] && seen[1] != seen[2] && seen[2] != seen[3]);
	clat_napt_clear(&t);
}

/*
 * An ICMPv4 error from the network (6->4 translated) quoting a packet
 * the CLAT sent: the quote gets the host's port back, so the host sees
 * exactly the bytes it sent, and the checksums are right.
 */
static void error_in_quoting(const uint8_t *sent, size_t sn, uint8_t *orig,
			     struct clat_napt *t)
{
	uint8_t b[256], icmp[200];
	struct pkt4_spec s = { .src = REM, .dst = CLAT4, .proto = IPPROTO_ICMP };
	size_t n = pkt_icmp(icmp, 3, 3, 0, sent, sn);

	n = pkt_ip4(b, &s, icmp, n);
	pkt_fix_l4_csum4(b, n);
	REQUIRE(clat_napt_in(t, b, n, 0) == NAPT_PASS);
	CHECK_OK(pkt_check4(b, n));
	CHECK_MEM(b + 28, orig, sn);
}

TEST(icmp_error_in_restores_quote)
{
	struct clat_napt t;
	uint8_t b[128], orig[128];
	size_t n;

	setup(&t, 0, 0, 0);
	n = udp_out(b, 40000, REM);
	memcpy(orig, b, n);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 42) == NAPT_PASS);
	error_in_quoting(b, n, orig, &t);
	n = tcp4(b, CLAT4, REM, 50000, 80, SYN);
	memcpy(orig, b, n);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 43) == NAPT_PASS);
	error_in_quoting(b, n, orig, &t);
	/* Only 8 bytes of TCP quoted (RFC 792): no checksum to fix. */
	n = tcp4(b, CLAT4, REM, 50000, 80, ACK);
	memcpy(orig, b, n);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 43) == NAPT_PASS);
	error_in_quoting(b, 28, orig, &t);
	n = pkt_echo4(b, CLAT4, REM, 4242, 9, "abc", 3);
	memcpy(orig, b, n);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 44) == NAPT_PASS);
	error_in_quoting(b, n, orig, &t);
	CHECK_EQ(t.ctr[NAPT_C_ICMP_ERR], 4);
	clat_napt_clear(&t);
}

/* The host's own error about a packet the CLAT delivered (e.g. port
 * unreachable): the quote gets P back, as the network sent it. */
TEST(icmp_error_out_rewrites_quote)
{
	struct clat_napt t;
	uint8_t b[256], q[128], wire[128], icmp[200];
	struct pkt4_spec s = { .src = CLAT4, .dst = REM, .proto = IPPROTO_ICMP };
	size_t n, qn;
	uint16_t p;

	setup(&t, 0, 0, 0);
	n = udp_out(b, 40000, REM);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 42) == NAPT_PASS);
	p = sport(b);
	qn = udp_in(wire, REM, p); /* as it came from the network */
	memcpy(q, wire, qn);
	REQUIRE(clat_napt_in(&t, q, qn, 0) == NAPT_PASS); /* as delivered */
	CHECK_EQ(dport(q), 40000);
	n = pkt_icmp(icmp, 3, 3, 0, q, qn);
	n = pkt_ip4(b, &s, icmp, n);
	pkt_fix_l4_csum4(b, n);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 0) == NAPT_PASS);
	CHECK_OK(pkt_check4(b, n));
	CHECK_MEM(b + 28, wire, qn);
	/* About a port with no mapping: dropped. */
	qn = udp_in(q, REM, 40999);
	n = pkt_icmp(icmp, 3, 3, 0, q, qn);
	n = pkt_ip4(b, &s, icmp, n);
	pkt_fix_l4_csum4(b, n);
	CHECK(clat_napt_out(&t, b, n, false, 0, 0) == NAPT_DROP);
	clat_napt_clear(&t);
}

/* GSO super-packets carry only the pseudo-header sum: leave it. */
TEST(partial_checksum_untouched)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n = tcp4(b, CLAT4, REM, 50000, 80, SYN);
	uint16_t c;

	setup(&t, 0, 0, 0);
	put16(b + 36, 0x1234);
	c = get16(b + 36);
	REQUIRE(clat_napt_out(&t, b, n, true, 0, 1) == NAPT_PASS);
	CHECK_EQ(get16(b + 36), c);
	CHECK_EQ(sport(b), 61001);
	clat_napt_clear(&t);
}

/* IPv4 UDP without a checksum keeps none. */
TEST(udp_zero_checksum_stays_zero)
{
	struct clat_napt t;
	uint8_t b[128];
	size_t n = udp_out(b, 40000, REM);

	setup(&t, 0, 0, 0);
	put16(b + 26, 0);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_PASS);
	CHECK_EQ(get16(b + 26), 0);
	clat_napt_clear(&t);
}

/* Later fragments have no ports: they pass as they are. */
TEST(later_fragments_pass)
{
	struct clat_napt t;
	uint8_t b[128], orig[128];
	struct pkt4_spec s = { .src = CLAT4, .dst = REM, .proto = IPPROTO_UDP,
			       .frag_off = 3 };
	size_t n = pkt_ip4(b, &s, "0123456789abcdef", 16);

	setup(&t, 0, 0, 0);
	memcpy(orig, b, n);
	CHECK(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_PASS);
	CHECK_MEM(b, orig, n);
	CHECK(clat_napt_in(&t, b, n, 0) == NAPT_PASS);
	CHECK_MEM(b, orig, n);
	CHECK_EQ(t.ctr[NAPT_C_PASS_FRAG], 2);
	CHECK_EQ(t.n_used, 0);
	clat_napt_clear(&t);
}

/* Short, odd or foreign packets are dropped and named. */
TEST(malformed_and_other_protocols)
{
	struct clat_napt t;
	uint8_t b[128];
	struct pkt4_spec s = { .src = CLAT4, .dst = REM, .proto = 47 };
	size_t n = pkt_ip4(b, &s, "gre!", 4);

	setup(&t, 0, 0, 0);
	CHECK(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_PROTO], 1);
	n = udp_out(b, 40000, REM);
	CHECK(clat_napt_out(&t, b, 25, false, 0, 1) == NAPT_DROP);
	b[0] = 0x60;
	CHECK(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_MALFORMED], 2);
	n = pkt_echo4(b, CLAT4, REM, 5, 1, "x", 1);
	b[20] = 13; /* timestamp */
	CHECK(clat_napt_out(&t, b, n, false, 0, 1) == NAPT_DROP);
	CHECK_EQ(t.ctr[NAPT_C_DROP_PROTO], 2);
	CHECK_EQ(t.n_used, 0);
	CHECK_EQ(own.reserved, 0);
	clat_napt_clear(&t);
}

/* A datagram the kernel reassembled goes to the host as one IPv4 packet. */
TEST(reassembled_udp_in)
{
	struct clat_napt t;
	struct in_addr s4 = pkt_a4(REM), d4 = pkt_a4(CLAT4);
	static uint8_t b[4096];
	size_t n = udp_out(b, 40000, REM);
	uint16_t p;

	setup(&t, 0, 0, 0);
	REQUIRE(clat_napt_out(&t, b, n, false, 0, 5) == NAPT_PASS);
	p = sport(b);
	memset(b, 0, sizeof(b));
	for (int i = 0; i < 3000; i++)
		b[28 + i] = (uint8_t)(i * 7);
	n = clat_napt_udp_in(&t, b, 3000, &s4, 53, &d4, p, 57, 0x20, 9, 100 * S);
	REQUIRE(n == 3028);
	CHECK_OK(pkt_check4(b, n));
	CHECK_EQ(sport(b), 53);
	CHECK_EQ(dport(b), 40000);
	CHECK_EQ(b[8], 57);
	CHECK_EQ(b[1], 0x20);
	CHECK_EQ(b[28 + 2999], (uint8_t)(2999 * 7));
	CHECK_EQ(expiry_of(&t, NAPT_UDP, 40000), 100 * S + 300 * S);
	CHECK_EQ(t.ctr[NAPT_C_IN_REASSEMBLED], 1);
	/* No mapping (another port), or too big for IPv4: nothing. */
	CHECK_EQ(clat_napt_udp_in(&t, b, 10, &s4, 53, &d4, (uint16_t)(p + 1), 64, 0, 1, 0), 0);
	CHECK_EQ(clat_napt_udp_in(&t, b, 65508, &s4, 53, &d4, p, 64, 0, 1, 0), 0);
	CHECK_EQ(t.ctr[NAPT_C_DROP_NO_MAP], 1);
	clat_napt_clear(&t);
}

/* Counter names are stable: status and the docs use them. */
TEST(counter_names)
{
	CHECK_STR(clat_napt_counter_name(NAPT_C_DROP_FULL),
		  "napt_drop_table_full");
	CHECK_STR(clat_napt_counter_name(NAPT_C_DROP_NO_PORT),
		  "napt_drop_ports_exhausted");
	CHECK_STR(clat_napt_counter_name(NAPT_C__COUNT), "?");
	CHECK_STR(clat_napt_proto_name(NAPT_ICMP), "icmp");
}

int main(void)
{
	int r = tap_run();

	free(mem);
	return r;
}
