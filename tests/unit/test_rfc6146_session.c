// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 6146 session lifetimes (section 4 defaults, configurable)
 * and the TCP state machine of section 3.5.2.2, driven by packets with a
 * clock the test owns.
 */
#define TAP_MAIN
#include "tap.h"

#include <string.h>

#include "rfc6146_fixture.h"

static struct nat64_cfg cfg;

static struct nat64 *std(void)
{
	fx_cfg(&cfg);
	return fx_nat(&cfg);
}

/* The one session's state and expiry. */
static bool only_session(const struct nat64 *n, struct nat64_info *inf)
{
	for (uint32_t i = 0; i < nat64_sess_capacity(n); i++)
		if (nat64_sess_get(n, i, inf))
			return true;
	return false;
}

static enum nat64_tcp_state st(const struct nat64 *n)
{
	struct nat64_info inf;

	return only_session(n, &inf) ? inf.state : NAT64_CLOSED;
}

static uint64_t exp_at(const struct nat64 *n)
{
	struct nat64_info inf;

	return only_session(n, &inf) ? inf.expires : 0;
}

static uint16_t tcp6(struct nat64 *n, uint8_t fl, uint64_t now)
{
	if (fx_6to4(n, fx_tcp6(HA, S1_6, 40000, 80, fl), now) != XLAT_OUT)
		return 0;
	return get16(fx_o(0) + 20);
}

static enum xlat_verdict tcp4(struct nat64 *n, uint16_t p4, uint8_t fl,
			      uint64_t now)
{
	return fx_4to6(n, fx_tcp4(S1, P4, 80, p4, fl), now);
}

TEST(defaults_are_rfc6146_section4)
{
	nat64_cfg_init(&cfg);
	CHECK_EQ(cfg.timeout_ms[NAT64_T_UDP], 5 * MIN);
	CHECK_EQ(cfg.timeout_ms[NAT64_T_TCP_EST], 124 * MIN);
	CHECK_EQ(cfg.timeout_ms[NAT64_T_TCP_TRANS], 4 * MIN);
	CHECK_EQ(cfg.timeout_ms[NAT64_T_ICMP], 60 * SEC);
}

/* V6 SYN -> V6 INIT -> ESTABLISHED -> FINs -> expiry after TCP_TRANS. */
TEST(tcp_open_and_close_from_v6)
{
	struct nat64 *n = std();
	uint16_t p4 = tcp6(n, TCP_SYN, 0);

	REQUIRE(p4);
	CHECK_EQ(st(n), NAT64_V6_INIT);
	CHECK_EQ(exp_at(n), 4 * MIN);
	CHECK_EQ(tcp4(n, p4, TCP_SYN | TCP_ACK, 1 * SEC), XLAT_OUT);
	CHECK_EQ(st(n), NAT64_ESTABLISHED);
	CHECK_EQ(exp_at(n), 1 * SEC + 124 * MIN);
	CHECK(tcp6(n, TCP_ACK, 2 * SEC));
	CHECK_EQ(exp_at(n), 2 * SEC + 124 * MIN);
	CHECK(tcp6(n, TCP_FIN | TCP_ACK, 3 * SEC));
	CHECK_EQ(st(n), NAT64_V6_FIN_RCV);
	CHECK_EQ(tcp4(n, p4, TCP_ACK, 4 * SEC), XLAT_OUT);
	CHECK_EQ(st(n), NAT64_V6_FIN_RCV);
	CHECK_EQ(tcp4(n, p4, TCP_FIN | TCP_ACK, 5 * SEC), XLAT_OUT);
	CHECK_EQ(st(n), NAT64_V4_FIN_V6_FIN_RCV);
	CHECK_EQ(exp_at(n), 5 * SEC + 4 * MIN);
	/* The last ACK changes nothing. */
	CHECK(tcp6(n, TCP_ACK, 6 * SEC));
	CHECK_EQ(exp_at(n), 5 * SEC + 4 * MIN);
	CHECK_EQ(nat64_expire(n, 5 * SEC + 4 * MIN - 1, 100), 0);
	CHECK_EQ(nat64_sessions(n), 1);
	CHECK_EQ(nat64_expire(n, 5 * SEC + 4 * MIN, 100), 1);
	CHECK_EQ(nat64_sessions(n), 0);
	CHECK_EQ(nat64_bibs(n), 0);
	/* Gone: the server's late segment finds no mapping. */
	CHECK_EQ(tcp4(n, p4, TCP_ACK, 6 * MIN), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

TEST(tcp_v4_fin_first)
{
	struct nat64 *n = std();
	uint16_t p4 = tcp6(n, TCP_SYN, 0);

	tcp4(n, p4, TCP_SYN | TCP_ACK, 0);
	tcp4(n, p4, TCP_FIN | TCP_ACK, 1);
	CHECK_EQ(st(n), NAT64_V4_FIN_RCV);
	tcp6(n, TCP_FIN | TCP_ACK, 2);
	CHECK_EQ(st(n), NAT64_V4_FIN_V6_FIN_RCV);
	CHECK_EQ(exp_at(n), 2 + 4 * MIN);
}

/* RST: to TRANS; a later non-RST packet brings the session back. */
TEST(tcp_rst_then_revival)
{
	struct nat64 *n = std();
	uint16_t p4 = tcp6(n, TCP_SYN, 0);

	tcp4(n, p4, TCP_SYN | TCP_ACK, 0);
	CHECK(tcp6(n, TCP_RST, 10));
	CHECK_EQ(st(n), NAT64_TRANS);
	CHECK_EQ(exp_at(n), 10 + 4 * MIN);
	CHECK_EQ(tcp4(n, p4, TCP_ACK, 20), XLAT_OUT);
	CHECK_EQ(st(n), NAT64_ESTABLISHED);
	CHECK_EQ(exp_at(n), 20 + 124 * MIN);
	tcp4(n, p4, TCP_RST, 30);
	CHECK_EQ(nat64_expire(n, 30 + 4 * MIN, 10), 1);
	CHECK_EQ(nat64_sessions(n), 0);
}

/* An idle established session gets TCP_TRANS more before it goes. */
TEST(tcp_established_idle_expiry)
{
	struct nat64 *n = std();
	uint16_t p4 = tcp6(n, TCP_SYN, 0);

	tcp4(n, p4, TCP_SYN | TCP_ACK, 0);
	CHECK_EQ(nat64_expire(n, 124 * MIN, 10), 1);
	CHECK_EQ(st(n), NAT64_TRANS);
	CHECK_EQ(nat64_sessions(n), 1);
	CHECK_EQ(nat64_expire(n, 128 * MIN, 10), 1);
	CHECK_EQ(nat64_sessions(n), 0);
}

/* A V6 INIT session whose SYN is never answered dies after TCP_TRANS. */
TEST(tcp_v6_init_unanswered)
{
	struct nat64 *n = std();

	REQUIRE(tcp6(n, TCP_SYN, 0));
	CHECK(tcp6(n, TCP_SYN, 3 * SEC)); /* retransmission */
	CHECK_EQ(st(n), NAT64_V6_INIT);
	CHECK_EQ(nat64_expire(n, 4 * MIN, 10), 0);
	CHECK_EQ(nat64_expire(n, 3 * SEC + 4 * MIN, 10), 1);
	CHECK_EQ(nat64_sessions(n), 0);
}

/* V4 SYN on a mapping (EI filtering, or a static one): V4 INIT for
 * TCP_TRANS (section 3.5.2.2). */
TEST(tcp_v4_init)
{
	struct nat64 *n;
	struct nat64_static *s;

	fx_cfg(&cfg);
	s = &cfg.statics[cfg.n_static++];
	s->proto = NAT64_TCP;
	s->a6 = pkt_a6(HA);
	s->p6 = 40000;
	s->a4 = pkt_a4(P4);
	s->p4 = 2222;
	n = fx_nat(&cfg);
	REQUIRE(n);
	CHECK_EQ(tcp4(n, 2222, TCP_SYN, 0), XLAT_OUT);
	CHECK_EQ(st(n), NAT64_V4_INIT);
	CHECK_EQ(exp_at(n), 4 * MIN);
	CHECK_EQ(tcp6(n, TCP_SYN | TCP_ACK, 1 * SEC), 2222);
	CHECK_EQ(st(n), NAT64_ESTABLISHED);
	/* Another SYN that nobody answers is gone after TCP_TRANS, the
	 * static mapping stays. */
	CHECK_EQ(fx_4to6(n, fx_tcp4(S2, P4, 81, 2222, TCP_SYN), 2 * SEC),
		 XLAT_OUT);
	CHECK_EQ(nat64_sessions(n), 2);
	CHECK_EQ(nat64_expire(n, 2 * SEC + 4 * MIN - 1, 10), 0);
	CHECK_EQ(nat64_expire(n, 2 * SEC + 4 * MIN, 10), 1);
	CHECK_EQ(nat64_sessions(n), 1);
	CHECK_EQ(nat64_bibs(n), 1);
}

/* Without a mapping a V4 SYN is held (test_rfc6146_tcp.c has more). */
TEST(tcp_v4_syn_without_mapping)
{
	struct nat64 *n = std();

	CHECK_EQ(tcp4(n, 3333, TCP_SYN, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HELD);
	CHECK_EQ(nat64_sessions(n), 0);
	CHECK_EQ(tcp4(n, 3333, TCP_ACK, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

/* UDP_DEFAULT, refreshed from both sides. */
TEST(udp_lifetime)
{
	struct nat64 *n = std();
	uint16_t p4 = fx_udp_map(n, HA, 5000, S1_6, 0);
	size_t len;

	CHECK_EQ(exp_at(n), 5 * MIN);
	len = pkt_udp4(fx_pkt, S1, P4, 53, p4, "r", 1);
	CHECK_EQ(fx_4to6(n, len, 1 * MIN), XLAT_OUT);
	CHECK_EQ(exp_at(n), 6 * MIN);
	CHECK_EQ(nat64_expire(n, 6 * MIN - 1, 10), 0);
	CHECK_EQ(nat64_expire(n, 6 * MIN, 10), 1);
	CHECK_EQ(nat64_bibs(n), 0);
}

TEST(icmp_lifetime)
{
	struct nat64 *n = std();
	size_t len = pkt_echo6(fx_pkt, HA, S1_6, 77, 1, "p", 1);

	CHECK_EQ(fx_6to4(n, len, 0), XLAT_OUT);
	CHECK_EQ(exp_at(n), 60 * SEC);
	CHECK_EQ(nat64_expire(n, 60 * SEC, 10), 1);
	CHECK_EQ(nat64_sessions(n), 0);
}

TEST(timeouts_configurable)
{
	struct nat64 *n;

	fx_cfg(&cfg);
	cfg.timeout_ms[NAT64_T_UDP] = 2 * SEC;
	n = fx_nat(&cfg);
	REQUIRE(fx_udp_map(n, HA, 5000, S1_6, 100));
	CHECK_EQ(exp_at(n), 100 + 2 * SEC);
	CHECK_EQ(nat64_next_expiry(n), 100 + 2 * SEC);
}

/* Expiry in order, within the caller's budget. */
TEST(expire_budget_and_order)
{
	struct nat64 *n = std();

	fx_udp_map(n, HA, 1, S1_6, 0);
	fx_udp_map(n, HA, 2, S1_6, 10);
	fx_udp_map(n, HA, 3, S1_6, 20);
	fx_udp_map(n, HA, 1, S1_6, 30); /* refresh: now the youngest */
	CHECK_EQ(nat64_next_expiry(n), 10 + 5 * MIN);
	CHECK_EQ(nat64_expire(n, 1000 * MIN, 2), 2);
	CHECK_EQ(nat64_sessions(n), 1);
	CHECK_EQ(nat64_expire(n, 1000 * MIN, 2), 1);
	CHECK_EQ(nat64_next_expiry(n), UINT64_MAX);
}

/* A freed slot takes a new session: the table is reused, not leaked. */
TEST(table_reuse_after_expiry)
{
	struct nat64 *n;

	fx_cfg(&cfg);
	cfg.max_sessions = 4;
	n = fx_nat(&cfg);
	for (int round = 0; round < 5; round++) {
		uint64_t t = (uint64_t)round * 10 * MIN;

		for (uint16_t p = 1; p <= 4; p++)
			CHECK(fx_udp_map(n, HA, p, S1_6, t));
		CHECK(!fx_udp_map(n, HA, 5, S1_6, t));
		CHECK_EQ(nat64_expire(n, t + 5 * MIN, 100), 4);
	}
	CHECK_EQ(nat64_sessions(n), 0);
	CHECK_EQ(nat64_bibs(n), 0);
}

struct evlog {
	int n;
	enum nat64_event_kind k[8];
};

static void on_event(void *arg, const struct nat64_event *ev)
{
	struct evlog *l = arg;

	if (l->n < 8)
		l->k[l->n++] = ev->kind;
}

/* RFC 6888: mapping creation and removal are reported. */
TEST(mapping_events)
{
	struct nat64 *n = std();
	struct evlog l = { 0 };

	nat64_set_log(n, on_event, &l);
	fx_udp_map(n, HA, 9, S1_6, 0);
	fx_udp_map(n, HA, 9, S2_6, 0);
	nat64_expire(n, 5 * MIN, 10);
	REQUIRE(l.n == 6);
	CHECK_EQ(l.k[0], NAT64_EV_BIB_ADD);
	CHECK_EQ(l.k[1], NAT64_EV_SESS_ADD);
	CHECK_EQ(l.k[2], NAT64_EV_SESS_ADD);
	CHECK_EQ(l.k[3], NAT64_EV_SESS_DEL);
	CHECK_EQ(l.k[4], NAT64_EV_SESS_DEL);
	CHECK_EQ(l.k[5], NAT64_EV_BIB_DEL);
}

/* SIGHUP: same pools keep the tables; other pools do not. */
TEST(reconfigure)
{
	struct nat64 *n = std();
	struct nat64_cfg c2;

	fx_udp_map(n, HA, 9, S1_6, 0);
	c2 = cfg;
	c2.timeout_ms[NAT64_T_UDP] = 1 * MIN;
	CHECK_EQ(nat64_reconfigure(n, &c2), 0);
	CHECK_EQ(nat64_sessions(n), 1);
	fx_udp_map(n, HA, 9, S1_6, 10);
	CHECK_EQ(exp_at(n), 10 + 1 * MIN);
	/* Padding is not configuration (a parser's struct copy may fill
	 * the three bytes after xlat_prefix4.len with anything). */
	memset((uint8_t *)&c2.pool4[0].pfx + sizeof(c2.pool4[0].pfx.addr) + 1,
	       0xa5, sizeof(c2.pool4[0].pfx) - sizeof(c2.pool4[0].pfx.addr) - 1);
	CHECK_EQ(nat64_reconfigure(n, &c2), 0);
	CHECK_EQ(nat64_sessions(n), 1);
	c2.pool4[1].lo = 2000;
	CHECK_EQ(nat64_reconfigure(n, &c2), -1);
}

int main(void)
{
	int r = tap_run();

	free(fx_mem);
	return r;
}
