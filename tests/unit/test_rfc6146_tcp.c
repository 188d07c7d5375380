// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 6146 section 3.5.2.2, the TCP rules around the CLOSED
 * state: unsolicited IPv4 SYNs held TCP_INCOMING_SYN (6 s) and answered
 * with Port Unreachable, simultaneous open, the drop-external-tcp policy,
 * the bounded pool of held SYNs, segments other than SYN without a
 * session, and RST in the FIN states.  Test names start with the
 * section they check.
 */
#define TAP_MAIN
#include "tap.h"

#include "rfc6146_fixture.h"

#define SYN_MS (6 * SEC) /* TCP_INCOMING_SYN, RFC 6146 section 4 */

static struct nat64_cfg cfg;

static struct nat64 *std(void)
{
	fx_cfg(&cfg);
	return fx_nat(&cfg);
}

static enum xlat_verdict syn4(struct nat64 *n, const char *src, uint16_t sp,
			      uint16_t p4, uint64_t now)
{
	return fx_4to6(n, fx_tcp4(src, P4, sp, p4, TCP_SYN), now);
}

static uint16_t tcp6_to(struct nat64 *n, const char *dst6, uint16_t dp,
			uint8_t fl, uint64_t now)
{
	if (fx_6to4(n, fx_tcp6(HA, dst6, 40000, dp, fl), now) != XLAT_OUT)
		return 0;
	return get16(fx_o(0) + 20);
}

/* The session with IPv4 peer r4:rport, or false. */
static bool session_to(const struct nat64 *n, const char *r4, uint16_t rport,
		       struct nat64_info *inf)
{
	struct in_addr a = pkt_a4(r4);

	for (uint32_t i = 0; i < nat64_sess_capacity(n); i++)
		if (nat64_sess_get(n, i, inf) && inf->r4.s_addr == a.s_addr &&
		    inf->rport == rport)
			return true;
	return false;
}

/* How many held SYNs came due at now (their errors drained). */
static unsigned int drain(struct nat64 *n, uint64_t now)
{
	unsigned int k = 0;

	fx_out();
	while (nat64_expire_send(n, now, &out)) {
		k++;
		fx_out();
	}
	return k;
}

/* No mapping: held 6 s without an answer, then ICMP Port Unreachable
 * quoting the SYN, from the pool4 address it was sent to. */
TEST(s3_5_2_2_v4_syn_no_mapping_held_then_port_unreachable)
{
	struct nat64 *n = std();
	uint8_t syn[64];
	size_t len;

	CHECK_EQ(syn4(n, S1, 80, 3333, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HELD);
	CHECK_EQ(out.n, 0);
	CHECK_EQ(nat64_sessions(n), 0);
	CHECK_EQ(nat64_stats(n)->syn_held, 1);
	CHECK_EQ(nat64_next_expiry(n), SYN_MS);
	fx_out();
	CHECK(!nat64_expire_send(n, SYN_MS - 1, &out));
	fx_out();
	REQUIRE(nat64_expire_send(n, SYN_MS, &out));
	CHECK_EQ(out.family, AF_INET);
	REQUIRE(out.n == 1);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(fx_o(0)[9], 1);
	CHECK_EQ(fx_o(0)[20], 3); /* Destination Unreachable */
	CHECK_EQ(fx_o(0)[21], 3); /* Port Unreachable */
	CHECK_EQ(fx_src4().s_addr, pkt_a4(P4).s_addr);
	CHECK_MEM(fx_o(0) + 16, &(struct in_addr){ pkt_a4(S1).s_addr }, 4);
	len = fx_tcp4(S1, P4, 80, 3333, TCP_SYN);
	memcpy(syn, fx_pkt, len);
	CHECK_EQ(out.pkt[0].len, 28 + len);
	CHECK_MEM(fx_o(0) + 28, syn, len);
	CHECK_EQ(nat64_stats(n)->syn_unreachable, 1);
	CHECK_EQ(drain(n, 10 * SEC), 0);
	CHECK_EQ(nat64_next_expiry(n), UINT64_MAX);
}

/* A retransmitted SYN is not held twice and does not restart the 6 s. */
TEST(s3_5_2_2_v4_syn_retransmission_keeps_first_deadline)
{
	struct nat64 *n = std();

	CHECK_EQ(syn4(n, S1, 80, 3333, 0), XLAT_DROP);
	CHECK_EQ(syn4(n, S1, 80, 3333, 3 * SEC), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HELD);
	CHECK_EQ(nat64_stats(n)->syn_held, 1);
	CHECK_EQ(drain(n, SYN_MS), 1);
	CHECK_EQ(drain(n, 9 * SEC), 0);
}

/* Simultaneous open without a mapping: the host's SYN to the same peer
 * gets the pool4 transport address the peer's SYN was sent to, the
 * session is ESTABLISHED, the held SYN is dropped without an error. */
TEST(s3_5_2_2_simultaneous_open_without_mapping)
{
	struct nat64 *n = std();
	struct nat64_info inf;

	CHECK_EQ(syn4(n, S1, 80, 3333, 0), XLAT_DROP);
	CHECK_EQ(tcp6_to(n, S1_6, 80, TCP_SYN, 2 * SEC), 3333);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_ESTABLISHED);
	CHECK_EQ(inf.p4, 3333);
	CHECK_EQ(inf.expires, 2 * SEC + 124 * MIN);
	CHECK_EQ(nat64_stats(n)->simultaneous_open, 1);
	CHECK_EQ(drain(n, 30 * SEC), 0);
	/* The peer's SYN+ACK now goes through. */
	CHECK_EQ(fx_4to6(n, fx_tcp4(S1, P4, 80, 3333, TCP_SYN | TCP_ACK),
			 3 * SEC),
		 XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_EQ(get16(fx_o(0) + 42), 40000);
}

/* A SYN from IPv6 to another peer has nothing to do with a held SYN. */
TEST(s3_5_2_2_held_syn_other_peer_unaffected)
{
	struct nat64 *n = std();
	struct nat64_info inf;

	CHECK_EQ(syn4(n, S1, 80, 3333, 0), XLAT_DROP);
	CHECK(tcp6_to(n, S2_6, 80, TCP_SYN, 1 * SEC));
	REQUIRE(session_to(n, S2, 80, &inf));
	CHECK_EQ(inf.state, NAT64_V6_INIT);
	CHECK_EQ(nat64_stats(n)->simultaneous_open, 0);
	CHECK_EQ(drain(n, SYN_MS), 1);
}

/* Address-dependent filtering: a SYN from a peer the host never talked
 * to is held; the host's SYN to it within 6 s opens the connection. */
TEST(s3_5_2_2_adf_syn_held_until_v6_syn)
{
	struct nat64 *n;
	struct nat64_info inf;
	uint16_t p4;

	fx_cfg(&cfg);
	cfg.filter = NAT64_FILTER_AD;
	n = fx_nat(&cfg);
	p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);
	REQUIRE(p4);
	CHECK_EQ(syn4(n, S2, 81, p4, 1 * SEC), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HELD);
	CHECK_EQ(nat64_sessions(n), 1);
	CHECK_EQ(tcp6_to(n, S2_6, 81, TCP_SYN, 2 * SEC), p4);
	REQUIRE(session_to(n, S2, 81, &inf));
	CHECK_EQ(inf.state, NAT64_ESTABLISHED);
	CHECK_EQ(drain(n, 10 * SEC), 0);
}

/* ... and without one, Port Unreachable after 6 s. */
TEST(s3_5_2_2_adf_syn_unanswered)
{
	struct nat64 *n;
	uint16_t p4;

	fx_cfg(&cfg);
	cfg.filter = NAT64_FILTER_AD;
	n = fx_nat(&cfg);
	p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);
	REQUIRE(p4);
	CHECK_EQ(syn4(n, S2, 81, p4, 1 * SEC), XLAT_DROP);
	fx_out();
	CHECK(!nat64_expire_send(n, 1 * SEC + SYN_MS - 1, &out));
	fx_out();
	REQUIRE(nat64_expire_send(n, 1 * SEC + SYN_MS, &out));
	CHECK_EQ(fx_o(0)[20], 3);
	CHECK_EQ(fx_o(0)[21], 3);
	CHECK_MEM(fx_o(0) + 16, &(struct in_addr){ pkt_a4(S2).s_addr }, 4);
	/* Other segments of that peer are dropped silently. */
	CHECK_EQ(fx_4to6(n, fx_tcp4(S2, P4, 81, p4, TCP_ACK), 8 * SEC),
		 XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FILTERED);
}

/* "If the security policy requires silently dropping externally
 * initiated TCP connections": no hold, no error, even on a static entry. */
TEST(s3_5_2_2_drop_external_tcp_policy)
{
	struct nat64 *n;
	struct nat64_static *s;

	fx_cfg(&cfg);
	cfg.drop_external_tcp = true;
	s = &cfg.statics[cfg.n_static++];
	s->proto = NAT64_TCP;
	s->a6 = pkt_a6(HB);
	s->p6 = 22;
	s->a4 = pkt_a4(P4);
	s->p4 = 2222;
	n = fx_nat(&cfg);
	REQUIRE(n);
	CHECK_EQ(syn4(n, S1, 80, 3333, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_EXTERNAL_TCP);
	CHECK_EQ(syn4(n, S1, 80, 2222, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_EXTERNAL_TCP);
	CHECK_EQ(nat64_sessions(n), 0);
	CHECK_EQ(drain(n, 10 * SEC), 0);
	/* Connections from IPv6 work as ever. */
	CHECK(tcp6_to(n, S1_6, 80, TCP_SYN, 11 * SEC));
}

/* The held SYNs are a small fixed pool: one more is dropped, counted,
 * and not answered (RFC 5382 REQ-4: no answer within 6 s). */
TEST(s3_5_2_2_held_syn_pool_bounded)
{
	struct nat64 *n = std();
	unsigned int i;

	for (i = 0; i < 64; i++)
		CHECK_EQ(syn4(n, S1, (uint16_t)(1000 + i), 3333, 0), XLAT_DROP);
	CHECK_EQ(nat64_stats(n)->syn_held, 64);
	CHECK_EQ(syn4(n, S1, 999, 3333, 0), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HOLD_FULL);
	CHECK_EQ(out.n, 0);
	CHECK_EQ(nat64_stats(n)->syn_hold_full, 1);
	CHECK_EQ(drain(n, SYN_MS), 64);
	/* Room again. */
	CHECK_EQ(syn4(n, S1, 999, 3333, SYN_MS), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HELD);
}

/* Slots whose error nobody collected are free again after their 6 s. */
TEST(s3_5_2_2_held_syn_pool_reclaimed_without_timer)
{
	struct nat64 *n = std();

	for (unsigned int i = 0; i < 64; i++)
		syn4(n, S1, (uint16_t)(1000 + i), 3333, 0);
	CHECK_EQ(syn4(n, S2, 999, 3333, SYN_MS + 1), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HELD);
}

/* With icmp-errors off the 6 s run out silently. */
TEST(s3_5_2_2_held_syn_no_error_when_icmp_off)
{
	struct nat64 *n;

	fx_cfg(&cfg);
	cfg.xlat.icmp_errors = false;
	n = fx_nat(&cfg);
	CHECK_EQ(syn4(n, S1, 80, 3333, 0), XLAT_DROP);
	CHECK_EQ(drain(n, SYN_MS), 0);
	CHECK_EQ(nat64_stats(n)->syn_unreachable, 1);
	CHECK_EQ(nat64_next_expiry(n), UINT64_MAX);
}

/* CLOSED, neither SYN: with a mapping translated (state unchanged), else
 * dropped; from IPv4 only when filtering lets it in. */
TEST(s3_5_2_2_closed_non_syn_with_mapping)
{
	struct nat64 *n = std();
	uint16_t p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);

	REQUIRE(p4);
	CHECK_EQ(tcp6_to(n, S2_6, 99, TCP_ACK, 1), p4);
	CHECK_OK(pkt_check4(fx_o(0), out.pkt[0].len));
	CHECK_EQ(nat64_sessions(n), 1);
	CHECK_EQ(fx_4to6(n, fx_tcp4(S2, P4, 99, p4, TCP_ACK), 2), XLAT_OUT);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_EQ(get16(fx_o(0) + 42), 40000);
	CHECK_EQ(nat64_sessions(n), 1);
	/* Address-dependent filtering keeps the IPv4 one out, silently. */
	fx_cfg(&cfg);
	cfg.filter = NAT64_FILTER_AD;
	n = fx_nat(&cfg);
	p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);
	CHECK_EQ(fx_4to6(n, fx_tcp4(S2, P4, 99, p4, TCP_ACK), 2), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_FILTERED);
	CHECK_EQ(fx_4to6(n, fx_tcp4(S1, P4, 99, p4, TCP_ACK), 2), XLAT_OUT);
	/* No mapping at all: dropped either way. */
	CHECK_EQ(fx_6to4(n, fx_tcp6(HB, S1_6, 1234, 80, TCP_ACK), 3),
		 XLAT_DROP);
	CHECK_EQ(fx_4to6(n, fx_tcp4(S1, P4, 80, 4444, TCP_ACK), 3), XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_NO_BIB);
}

/* RST in V4/V6 FIN RCV: TRANS for TCP_TRANS, as in ESTABLISHED. */
TEST(s3_5_2_2_rst_in_fin_states)
{
	struct nat64 *n = std();
	struct nat64_info inf;
	uint16_t p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);

	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_SYN | TCP_ACK), 1);
	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_FIN | TCP_ACK), 2);
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_V4_FIN_RCV);
	CHECK(tcp6_to(n, S1_6, 80, TCP_RST, 10));
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_TRANS);
	CHECK_EQ(inf.expires, 10 + 4 * MIN);
	/* V6 FIN RCV, RST from IPv4. */
	n = std();
	p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);
	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_SYN | TCP_ACK), 1);
	tcp6_to(n, S1_6, 80, TCP_FIN | TCP_ACK, 2);
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_V6_FIN_RCV);
	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_RST), 20);
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_TRANS);
	CHECK_EQ(inf.expires, 20 + 4 * MIN);
}

/* ESTABLISHED: a FIN moves the state, not the lifetime; the next
 * segment in a FIN RCV state refreshes TCP_EST. */
TEST(s3_5_2_2_fin_keeps_lifetime)
{
	struct nat64 *n = std();
	struct nat64_info inf;
	uint16_t p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);

	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_SYN | TCP_ACK), 1 * SEC);
	tcp6_to(n, S1_6, 80, TCP_FIN | TCP_ACK, 5 * SEC);
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_V6_FIN_RCV);
	CHECK_EQ(inf.expires, 1 * SEC + 124 * MIN);
	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_ACK), 9 * SEC);
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_V6_FIN_RCV);
	CHECK_EQ(inf.expires, 9 * SEC + 124 * MIN);
}

/* ESTABLISHED, lifetime over: TRANS for TCP_TRANS and a probe to the
 * IPv6 host (empty ACK, sequence and acknowledgment numbers zero); its
 * answer brings the session back. */
TEST(s3_5_2_2_established_expiry_probe)
{
	struct nat64 *n = std();
	struct nat64_info inf;
	struct in6_addr ha = pkt_a6(HA), s16 = pkt_a6(S1_6);
	uint16_t p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);
	const uint8_t *t;

	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_SYN | TCP_ACK), 0);
	CHECK_EQ(nat64_expire(n, 124 * MIN, 10), 1);
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_TRANS);
	CHECK_EQ(inf.expires, 128 * MIN);
	fx_out();
	REQUIRE(nat64_expire_send(n, 124 * MIN, &out));
	REQUIRE(out.n == 1 && out.family == AF_INET6);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_EQ(out.pkt[0].len, 60);
	CHECK_EQ(fx_o(0)[6], 6);
	CHECK_MEM(fx_o(0) + 8, &s16, 16);
	CHECK_MEM(fx_o(0) + 24, &ha, 16);
	t = fx_o(0) + 40;
	CHECK_EQ(get16(t), 80);
	CHECK_EQ(get16(t + 2), 40000);
	CHECK_EQ(get32(t + 4), 0);
	CHECK_EQ(get32(t + 8), 0);
	CHECK_EQ(t[13], TCP_ACK);
	CHECK_EQ(nat64_stats(n)->tcp_probes, 1);
	fx_out();
	CHECK(!nat64_expire_send(n, 124 * MIN, &out));
	/* The host's ACK: ESTABLISHED again. */
	CHECK(tcp6_to(n, S1_6, 80, TCP_ACK, 125 * MIN));
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_ESTABLISHED);
	CHECK_EQ(inf.expires, 125 * MIN + 124 * MIN);
}

/* A FIN RCV state ends with its lifetime: no probe, no TRANS. */
TEST(s3_5_2_2_fin_rcv_expiry_removes)
{
	struct nat64 *n = std();
	uint16_t p4 = tcp6_to(n, S1_6, 80, TCP_SYN, 0);

	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_SYN | TCP_ACK), 0);
	fx_4to6(n, fx_tcp4(S1, P4, 80, p4, TCP_FIN | TCP_ACK), 0);
	CHECK_EQ(nat64_expire(n, 124 * MIN, 10), 1);
	CHECK_EQ(nat64_sessions(n), 0);
	CHECK_EQ(drain(n, 124 * MIN), 0);
}

/* RST in V6 INIT or V4 INIT changes nothing: the lifetime runs out. */
TEST(s3_5_2_2_rst_in_init_states)
{
	struct nat64 *n = std();
	struct nat64_info inf;

	REQUIRE(tcp6_to(n, S1_6, 80, TCP_SYN, 0));
	CHECK(tcp6_to(n, S1_6, 80, TCP_RST, 5));
	REQUIRE(session_to(n, S1, 80, &inf));
	CHECK_EQ(inf.state, NAT64_V6_INIT);
	CHECK_EQ(inf.expires, 4 * MIN);
}

/* Section 3.8: a SYN hairpinned to a pool4 port nobody has is held like
 * any IPv4 SYN; its Port Unreachable reaches the IPv6 host as ICMPv6. */
TEST(s3_8_hairpinned_syn_held_error_to_host)
{
	struct nat64 *n = std();
	struct in6_addr ha = pkt_a6(HA);

	CHECK_EQ(fx_6to4(n, fx_tcp6(HA, P4_6, 40000, 5555, TCP_SYN), 0),
		 XLAT_DROP);
	CHECK_EQ(out.reason, XLAT_DROP_NAT64_SYN_HELD);
	fx_out();
	REQUIRE(nat64_expire_send(n, SYN_MS, &out));
	CHECK_EQ(out.family, AF_INET6);
	REQUIRE(out.n == 1);
	CHECK_OK(pkt_check6(fx_o(0), out.pkt[0].len));
	CHECK_MEM(fx_o(0) + 24, &ha, 16);
	CHECK_EQ(fx_o(0)[40], 1); /* Destination Unreachable */
	CHECK_EQ(fx_o(0)[41], 4); /* Port Unreachable */
	/* The quoted SYN is the host's own. */
	CHECK_MEM(fx_o(0) + 48 + 8, &ha, 16);
	CHECK_EQ(get16(fx_o(0) + 48 + 40), 40000);
	CHECK_EQ(get16(fx_o(0) + 48 + 42), 5555);
}

int main(void)
{
	int r = tap_run();

	free(fx_mem);
	return r;
}
