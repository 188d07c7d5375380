// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the RFC 6146 stateful NAT64 (nat64_6to4/nat64_4to6
 * and expiry) over a sequence of packets sharing one set of tables.
 *
 *   byte 0  bit 0 address-dependent filtering, bit 1 pool6 64:ff9b::/96
 *           (else 2001:db8:64::/96), bit 2 max_sessions 4 (else 64),
 *           bit 3 max_per_host 2, bit 4 icmp_errors off, bit 5 a static
 *           UDP entry, bit 6 wkp_global_only off, bit 7 decrement_ttl off
 *   then records: byte  bit 0 direction (1: 4to6), bit 1 fix the
 *                       packet's checksums first, bits 2-7 seconds to
 *                       advance the clock (expiry runs when it moves)
 *                 2 bytes packet length (big-endian, cut to what is left)
 *                 the packet
 *
 * Every verdict is checked as for the stateless targets, and the tables
 * are walked after each packet: counts agree, limits hold.
 */
#include "engine/rfc6146_int.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void setup(struct nat64_cfg *c, uint8_t h)
{
	struct nat64_pool4 *e;

	nat64_cfg_init(c);
	c->xlat.has_pool6 = true;
	fuzz_prefix6(&c->xlat.pool6, h & 2 ? "64:ff9b::" : "2001:db8:64::",
		     96);
	c->xlat.self4 = pkt_a4("192.0.2.254");
	c->xlat.self6 = pkt_a6("2001:db8:ffff::1");
	c->xlat.icmp_errors = !(h & 0x10);
	c->xlat.decrement_ttl = !(h & 0x80);
	c->filter = h & 1 ? NAT64_FILTER_AD : NAT64_FILTER_EI;
	c->max_sessions = h & 4 ? 4 : 64;
	c->max_per_host = h & 8 ? 2 : 0;
	c->wkp_global_only = !(h & 0x40);
	c->key[0] = 1;
	c->key[1] = 2;
	for (int p = 0; p < NAT64_PROTO__COUNT; p++) {
		e = &c->pool4[c->n_pool4++];
		e->proto = (enum nat64_proto)p;
		e->pfx.addr = pkt_a4("192.0.2.0");
		e->pfx.len = 31;
		/* Few ports, so exhaustion is reachable. */
		e->lo = p == NAT64_ICMP ? 0 : 1020;
		e->hi = p == NAT64_ICMP ? 7 : 1031;
	}
	if (h & 0x20) {
		c->statics[0].proto = NAT64_UDP;
		c->statics[0].a6 = pkt_a6("2001:db8:1::53");
		c->statics[0].p6 = 53;
		c->statics[0].a4 = pkt_a4("192.0.2.1");
		c->statics[0].p4 = 53;
		c->n_static = 1;
	}
}

static void check_tables(const struct nat64 *n, const struct nat64_cfg *c)
{
	uint32_t ns = 0, nb = 0;
	struct nat64_info inf;

	for (uint32_t i = 0; i < nat64_sess_capacity(n); i++) {
		if (!nat64_sess_get(n, i, &inf))
			continue;
		ns++;
		fuzz_check(nat64_pool4_contains(c, &inf.a4));
	}
	for (uint32_t i = 0; i < nat64_bib_capacity(n); i++)
		nb += nat64_bib_get(n, i, &inf);
	fuzz_check(ns == nat64_sessions(n) && nb == nat64_bibs(n));
	fuzz_check(ns <= c->max_sessions && nb <= c->max_sessions + c->n_static);
}

static void one(struct nat64 *n, const struct nat64_cfg *c, uint8_t ctl,
		const uint8_t *p, size_t len, uint64_t now)
{
	static uint8_t obuf[XLAT_OUT_MIN];
	int dir = ctl & 1 ? XLAT_DIR_4TO6 : XLAT_DIR_6TO4;
	struct xlat_out out;
	enum xlat_verdict v;
	uint8_t *pkt;
	bool input_ok;

	pkt = ctl & 2 ? fuzz_fixed_copy(p, len) : malloc(len ? len : 1);
	fuzz_check(pkt != NULL);
	if (!(ctl & 2))
		memcpy(pkt, p, len);
	input_ok = pkt_check(pkt, len) == NULL;
	memset(&out, 0, sizeof(out));
	out.buf = obuf;
	out.cap = sizeof(obuf);
	out.reason = (enum xlat_drop)0x7fff;
	if (dir == XLAT_DIR_4TO6)
		v = nat64_4to6(n, pkt, len, &out, now);
	else
		v = nat64_6to4(n, pkt, len, &out, now);
	fuzz_check_shape(dir, v, &out, out.cap, true);
	if (v != XLAT_DROP)
		fuzz_check_pkts(v, &out, input_ok);
	check_tables(n, c);
	free(pkt);
}

/* Held IPv4 SYNs whose 6 s ran out: one well-formed ICMP error each,
 * ICMPv4 to an outside peer or ICMPv6 to a hairpinning host. */
static void drain_syn(struct nat64 *n, uint64_t now)
{
	static uint8_t obuf[XLAT_OUT_MIN];
	struct xlat_out out;

	memset(&out, 0, sizeof(out));
	out.buf = obuf;
	out.cap = sizeof(obuf);
	while (nat64_expire_send(n, now, &out)) {
		fuzz_check(out.n == 1);
		fuzz_check(out.family == AF_INET || out.family == AF_INET6);
		fuzz_check_pkts(XLAT_REPLY, &out, true);
	}
	fuzz_check(out.n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nat64_cfg c;
	struct nat64 *n;
	uint64_t now = 0;
	void *mem;
	size_t msz;

	if (size < 1)
		return 0;
	setup(&c, data[0]);
	msz = nat64_mem_size(&c);
	mem = malloc(msz);
	fuzz_check(mem != NULL);
	n = nat64_init(mem, msz, &c);
	fuzz_check(n != NULL);
	data++;
	size--;
	while (size >= 3) {
		uint8_t ctl = data[0];
		size_t len = get16(data + 1);

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (ctl >> 2) {
			now += (uint64_t)(ctl >> 2) * 1000;
			nat64_expire(n, now, 1000);
			drain_syn(n, now);
		}
		one(n, &c, ctl, data, len, now);
		data += len;
		size -= len;
	}
	/* Everything dynamic goes in the end (TCP in two steps). */
	nat64_expire(n, now + 24 * 3600 * 1000ull, UINT32_MAX);
	nat64_expire(n, now + 48 * 3600 * 1000ull, UINT32_MAX);
	drain_syn(n, now + 48 * 3600 * 1000ull);
	fuzz_check(nat64_next_expiry(n) == UINT64_MAX);
	fuzz_check(nat64_sessions(n) == 0 && nat64_bibs(n) == c.n_static);
	free(mem);
	return 0;
}
