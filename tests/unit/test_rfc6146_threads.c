// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the RFC 6146 tables under several threads at once, as the
 * nat64 instance's workers use them (rfc6146_lock.c).  Threads make
 * sessions for the same hosts at the same time, answer them from the
 * IPv4 side, and an expiry thread and a walker (xlatctl sessions) run
 * beside them.  What must hold: the table size and the per-host limit
 * exactly, every refusal counted once, no pool4 transport address given
 * to two BIB entries, every 4->6 answer to its own host and port.  Run
 * it under ASan (make asan) or TSan (docs/nat64.md) too.
 */
#define TAP_MAIN
#include "tap.h"

#include "rfc6146_fixture.h"

#include <pthread.h>
#include <stdio.h>

#define THREADS 4

static struct nat64_cfg cfg;

struct worker {
	struct nat64 *nat;
	unsigned int id;
	pthread_t tid;
	uint32_t rnd;
	unsigned long ok, refused, other, answered, wrong;
	uint8_t pkt[2048];
	uint8_t *obuf;
	struct xlat_out o;
};

static uint64_t clock_ms; /* the test's clock, atomic */
static int stop;          /* atomic */

static void host_name(char *s, size_t n, unsigned int h)
{
	snprintf(s, n, "2001:db8:1::%x", h + 1);
}

static unsigned int host_of(const struct in6_addr *a)
{
	return (unsigned int)(a->s6_addr[14] << 8 | a->s6_addr[15]) - 1;
}

static void w_out(struct worker *w)
{
	memset(&w->o, 0, sizeof(w->o));
	w->o.buf = w->obuf;
	w->o.cap = XLAT_OUT_MIN;
}

static uint32_t w_rand(struct worker *w)
{
	w->rnd ^= w->rnd << 13;
	w->rnd ^= w->rnd >> 17;
	w->rnd ^= w->rnd << 5;
	return w->rnd;
}

/* One UDP packet from host h to S1; the verdict counted. */
static enum xlat_verdict send6(struct worker *w, unsigned int h, uint16_t sp,
			       uint16_t dp)
{
	char a6[64];
	size_t len;
	enum xlat_verdict v;

	host_name(a6, sizeof(a6), h);
	len = pkt_udp6(w->pkt, a6, S1_6, sp, dp, "x", 1);
	w_out(w);
	v = nat64_6to4(w->nat, w->pkt, len, &w->o,
		       __atomic_load_n(&clock_ms, __ATOMIC_RELAXED));
	if (v == XLAT_OUT)
		w->ok++;
	else if (v == XLAT_REPLY)
		w->refused++; /* ICMPv6 unreachable: a refusal */
	else
		w->other++;
	return v;
}

/* Phase 1: thread id tries flows i = id, id + THREADS, ... of every
 * host, in the same host order as the others: they meet on each host. */
static void *fill(void *arg)
{
	struct worker *w = arg;

	for (unsigned int h = 0; h < 32; h++)
		for (unsigned int i = w->id; i < 24; i += THREADS)
			send6(w, h, 5000, (uint16_t)(1000 + i));
	return NULL;
}

/* Phase 2: random flows, each answered from the IPv4 side. */
static void answer(struct worker *w, unsigned int h, uint16_t sp, uint16_t dp)
{
	uint8_t *p = xlat_out_data(&w->o, 0);
	char a4[INET_ADDRSTRLEN], want6[64];
	struct in6_addr got, want;
	uint16_t p4 = get16(p + 20);
	size_t len;

	inet_ntop(AF_INET, p + 12, a4, sizeof(a4));
	len = pkt_udp4(w->pkt, S1, a4, dp, p4, "y", 1);
	w_out(w);
	if (nat64_4to6(w->nat, w->pkt, len, &w->o,
		       __atomic_load_n(&clock_ms, __ATOMIC_RELAXED)) != XLAT_OUT) {
		/* Expired meanwhile: allowed.  The BIB entry may still be
		 * there, and the new session from this side refused. */
		if (w->o.reason == XLAT_DROP_NAT64_TABLE_FULL ||
		    w->o.reason == XLAT_DROP_NAT64_HOST_LIMIT)
			w->refused++;
		return;
	}
	w->answered++;
	p = xlat_out_data(&w->o, 0);
	host_name(want6, sizeof(want6), h);
	want = pkt_a6(want6);
	memcpy(&got, p + 24, 16);
	if (memcmp(&got, &want, 16) || get16(p + 42) != sp)
		w->wrong++;
}

/* TCP SYNs: unsolicited from IPv4 (held, rfc6146_syn.c) and from IPv6
 * (which may meet a held one: simultaneous open). */
static void syns(struct worker *w, uint32_t r)
{
	struct pkt4_spec s4 = { .src = S1, .dst = P4, .proto = 6 };
	struct pkt6_spec s6 = { .dst = S1_6, .nexthdr = 6 };
	uint64_t now = __atomic_load_n(&clock_ms, __ATOMIC_RELAXED);
	uint16_t port = (uint16_t)(3000 + (r >> 16) % 16);
	uint8_t l4[20];
	char a6[64];
	size_t len;

	pkt_tcp(l4, port, (uint16_t)(1024 + (r >> 8) % 64), 1, TCP_SYN, "", 0);
	len = pkt_ip4(w->pkt, &s4, l4, 20);
	pkt_fix_l4_csum4(w->pkt, len);
	w_out(w);
	/* On a mapping, a session refused is counted, and not answered. */
	if (nat64_4to6(w->nat, w->pkt, len, &w->o, now) == XLAT_DROP &&
	    (w->o.reason == XLAT_DROP_NAT64_TABLE_FULL ||
	     w->o.reason == XLAT_DROP_NAT64_HOST_LIMIT))
		w->refused++;
	host_name(a6, sizeof(a6), r % 64);
	s6.src = a6;
	pkt_tcp(l4, (uint16_t)(7000 + (r >> 4) % 4), port, 1, TCP_SYN, "", 0);
	len = pkt_ip6(w->pkt, &s6, l4, 20);
	pkt_fix_l4_csum6(w->pkt, len);
	w_out(w);
	if (nat64_6to4(w->nat, w->pkt, len, &w->o, now) == XLAT_REPLY)
		w->refused++;
}

static void *churn(void *arg)
{
	struct worker *w = arg;

	for (unsigned int i = 0; i < 20000; i++) {
		uint32_t r = w_rand(w);
		unsigned int h = r % 64;
		uint16_t sp = (uint16_t)(6000 + (r >> 8) % 4);
		uint16_t dp = (uint16_t)(2000 + (r >> 12) % 8);

		if (i % 16 == 0) {
			syns(w, r);
			continue;
		}
		if (send6(w, h, sp, dp) == XLAT_OUT)
			answer(w, h, sp, dp);
	}
	return NULL;
}

/* Under every lock: sessions per host within the limit, the count
 * right, no pool4 address and port twice.  0 when all holds. */
static int walk(struct nat64 *n, uint32_t limit)
{
	static uint32_t per_host[64];
	static uint8_t taken[NAT64_PROTO__COUNT][65536];
	struct nat64_info inf;
	uint32_t total = 0, bibs = 0;
	int bad = 0;

	memset(per_host, 0, sizeof(per_host));
	memset(taken, 0, sizeof(taken));
	nat64_lock_all(n);
	for (uint32_t i = 0; i < nat64_sess_capacity(n); i++)
		if (nat64_sess_get(n, i, &inf)) {
			total++;
			if (host_of(&inf.a6) < 64 &&
			    ++per_host[host_of(&inf.a6)] > limit)
				bad |= 1;
		}
	for (uint32_t i = 0; i < nat64_bib_capacity(n); i++)
		if (nat64_bib_get(n, i, &inf)) {
			bibs++;
			/* one pool4 address in this configuration */
			if (taken[inf.proto][inf.p4]++)
				bad |= 2;
		}
	if (total != nat64_sessions(n) || bibs != nat64_bibs(n))
		bad |= 4;
	nat64_unlock_all(n);
	return bad;
}

static void run(struct worker *w, struct nat64 *n, void *(*fn)(void *))
{
	for (unsigned int i = 0; i < THREADS; i++) {
		w[i].nat = n;
		w[i].id = i;
		w[i].rnd = 0x9e3779b9u * (i + 1);
		w[i].obuf = malloc(XLAT_OUT_MIN);
		if (!w[i].obuf)
			abort();
		pthread_create(&w[i].tid, NULL, fn, &w[i]);
	}
}

static void join(struct worker *w)
{
	for (unsigned int i = 0; i < THREADS; i++) {
		pthread_join(w[i].tid, NULL);
		free(w[i].obuf);
	}
}

TEST(table_and_host_limit_exact_under_threads)
{
	struct worker w[THREADS];
	const struct nat64_stats *st;
	unsigned long ok = 0, refused = 0, other = 0;
	struct nat64 *n;

	memset(w, 0, sizeof(w));
	fx_cfg(&cfg);
	cfg.max_sessions = 400; /* 32 hosts x 16 would be 512 */
	cfg.max_per_host = 16;
	n = fx_nat(&cfg);
	REQUIRE(n);
	__atomic_store_n(&clock_ms, 1000, __ATOMIC_RELAXED);
	run(w, n, fill);
	join(w);
	for (unsigned int i = 0; i < THREADS; i++) {
		ok += w[i].ok;
		refused += w[i].refused;
		other += w[i].other;
	}
	st = nat64_stats(n);
	CHECK_EQ(ok, 400);
	CHECK_EQ(refused, 32 * 24 - 400);
	CHECK_EQ(other, 0);
	CHECK_EQ(nat64_sessions(n), 400);
	CHECK_EQ(st->sess_added, 400);
	CHECK_EQ(st->refused_table_full + st->refused_host_limit,
		 32 * 24 - 400);
	CHECK(st->refused_table_full > 0);
	CHECK_EQ(st->bib_added - st->bib_removed, nat64_bibs(n));
	CHECK_EQ(walk(n, 16), 0);
}

static void *expirer(void *arg)
{
	static uint8_t obuf[XLAT_OUT_MIN];
	struct xlat_out o = { .buf = obuf, .cap = sizeof(obuf) };
	struct nat64 *n = arg;
	unsigned long rounds = 0;
	int bad = 0;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		uint64_t now = __atomic_add_fetch(&clock_ms, 3,
						  __ATOMIC_RELAXED);

		nat64_expire(n, now, 1000);
		/* Probes and held SYNs' errors, as the instance's timer. */
		while (nat64_expire_send(n, now, &o))
			;
		if (++rounds % 16 == 0)
			bad |= walk(n, 8);
	}
	return (void *)(long)bad;
}

TEST(churn_with_expiry_and_walks)
{
	struct worker w[THREADS];
	const struct nat64_stats *st;
	unsigned long ok = 0, answered = 0, wrong = 0, refused = 0;
	pthread_t ex;
	void *exbad;
	struct nat64 *n;

	memset(w, 0, sizeof(w));
	fx_cfg(&cfg);
	cfg.max_sessions = 256; /* 64 hosts x 4 x 8 flows: it fills */
	cfg.max_per_host = 8;
	cfg.timeout_ms[NAT64_T_UDP] = 40; /* the test's clock: fast */
	cfg.timeout_ms[NAT64_T_TCP_TRANS] = 40;
	cfg.timeout_ms[NAT64_T_TCP_EST] = 60;
	n = fx_nat(&cfg);
	REQUIRE(n);
	__atomic_store_n(&clock_ms, 1000, __ATOMIC_RELAXED);
	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	pthread_create(&ex, NULL, expirer, n);
	run(w, n, churn);
	join(w);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(ex, &exbad);
	for (unsigned int i = 0; i < THREADS; i++) {
		ok += w[i].ok;
		answered += w[i].answered;
		wrong += w[i].wrong;
		refused += w[i].refused;
		CHECK_EQ(w[i].other, 0);
	}
	st = nat64_stats(n);
	printf("# %lu translated, %lu answered, %lu refused, %llu sessions made, %llu expired, %llu SYNs held, %llu simultaneous opens, %llu probes\n",
	       ok, answered, refused, (unsigned long long)st->sess_added,
	       (unsigned long long)st->sess_removed,
	       (unsigned long long)st->syn_held,
	       (unsigned long long)st->simultaneous_open,
	       (unsigned long long)st->tcp_probes);
	CHECK(st->syn_held > 0);
	CHECK_EQ((long)exbad, 0);
	CHECK_EQ(wrong, 0);
	CHECK(answered > 0);
	CHECK_EQ(refused, st->refused_table_full + st->refused_host_limit +
				  st->refused_pool4);
	CHECK_EQ(st->sess_added - st->sess_removed, nat64_sessions(n));
	CHECK_EQ(st->bib_added - st->bib_removed, nat64_bibs(n));
	CHECK(nat64_sessions(n) <= 256);
	CHECK_EQ(walk(n, 8), 0);
	/* Everything expires in the end, nothing leaks from the lists:
	 * established TCP goes through TRANS first, held SYNs are sent. */
	nat64_expire(n, 1ull << 40, UINT32_MAX);
	nat64_expire(n, 1ull << 41, UINT32_MAX);
	w_out(&w[0]);
	w[0].obuf = malloc(XLAT_OUT_MIN);
	REQUIRE(w[0].obuf);
	w[0].o.buf = w[0].obuf;
	while (nat64_expire_send(n, 1ull << 41, &w[0].o))
		;
	free(w[0].obuf);
	CHECK_EQ(nat64_sessions(n), 0);
	CHECK_EQ(nat64_bibs(n), 0);
	CHECK_EQ(nat64_next_expiry(n), UINT64_MAX);
}

int main(void)
{
	int r = tap_run();

	(void)fx_6to4; /* the fixture's single-thread helpers */
	(void)out;
	free(fx_mem);
	return r;
}
