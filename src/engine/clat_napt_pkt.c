// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared-address CLAT's NAPT, its packets: IPv4 headers parsed, ports
 * and checksums rewritten both ways, ICMP errors by the packet they quote.
 */
#include "clat_napt_int.h"

#include "checksum.h"

#include <string.h>

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAM_PROB 12

struct ip4 {
	size_t l4;      /* offset of the transport header */
	size_t end;     /* IPv4 total length (at most len) */
	uint8_t proto;
	bool later_frag; /* offset != 0: no transport header here */
};

static int parse4(const uint8_t *p, size_t len, struct ip4 *h)
{
	size_t ihl;

	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(p[0] & 0xf) * 4;
	h->end = get16(p + 2);
	if (ihl < 20 || h->end < ihl)
		return -1;
	if (h->end > len)
		h->end = len; /* quoted packets of ICMP errors are cut */
	h->l4 = ihl;
	h->proto = p[9];
	h->later_frag = (get16(p + 6) & 0x1fff) != 0;
	return 0;
}

/* Set the 16-bit field f to v; the one's complement change of the sum. */
static uint32_t set16(uint8_t *f, uint16_t v)
{
	uint32_t d = csum_sub16(csum_add16(0, v), get16(f));

	put16(f, v);
	return d;
}

/* Fold d into the checksum field c; UDP keeps 0 (none) and never makes 0. */
static uint32_t fix_csum(uint8_t *c, uint32_t d, bool udp)
{
	uint16_t old = get16(c), v;

	if (udp && old == 0)
		return 0;
	v = csum_update(old, d);
	if (udp && v == 0)
		v = 0xffff;
	put16(c, v);
	return csum_sub16(csum_add16(0, v), old);
}

static int proto_of(uint8_t ipproto)
{
	return ipproto == IPPROTO_TCP ? NAPT_TCP :
	       ipproto == IPPROTO_UDP ? NAPT_UDP :
	       ipproto == IPPROTO_ICMP ? NAPT_ICMP : -1;
}

/* Offset of the checksum in a TCP/UDP header, and whether it is UDP's. */
static size_t csum_off(enum napt_proto p)
{
	return p == NAPT_TCP ? 16 : 6;
}

static bool is_icmp_error(uint8_t type)
{
	return type == ICMP_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAM_PROB;
}

/*
 * The packet quoted by an ICMP error at q (q_len bytes to the end):
 * out, the host reports about a packet the CLAT delivered to it (its
 * destination port is the host's); in, the network reports about one
 * the CLAT sent (its source port is P).  The ICMP checksum at ck takes
 * the changes of the quoted port and of the quoted checksum.
 */
static enum napt_verdict quoted(struct clat_napt *t, uint8_t *q, size_t q_len,
				uint8_t *ck, bool out)
{
	struct clat_napt_map *m;
	struct ip4 h;
	uint8_t *l4;
	uint32_t d;
	int p;

	if (parse4(q, q_len, &h) || h.later_frag || h.l4 + 8 > q_len) {
		t->ctr[NAPT_C_DROP_MALFORMED]++;
		return NAPT_DROP;
	}
	p = proto_of(h.proto);
	l4 = q + h.l4;
	if (p < 0 || (p == NAPT_ICMP && (out || l4[0] != ICMP_ECHO))) {
		t->ctr[NAPT_C_DROP_PROTO]++;
		return NAPT_DROP;
	}
	if (p == NAPT_ICMP) {
		m = by_ext(t, NAPT_ICMP, get16(l4 + 4));
		l4 += 4;
	} else if (out) {
		m = by_in(t, (enum napt_proto)p, get16(l4 + 2));
		l4 += 2;
	} else {
		m = by_ext(t, (enum napt_proto)p, get16(l4));
	}
	if (!m) {
		t->ctr[NAPT_C_DROP_NO_MAP]++;
		return NAPT_DROP;
	}
	d = set16(l4, out ? m->ext_port : m->in_port);
	/* The quoted checksum, when it was quoted (UDP's always is). */
	if (p == NAPT_ICMP)
		d += fix_csum(q + h.l4 + 2, d, false);
	else if (h.l4 + csum_off((enum napt_proto)p) + 2 <= q_len)
		d += fix_csum(q + h.l4 + csum_off((enum napt_proto)p), d,
			      p == NAPT_UDP);
	fix_csum(ck, d, false);
	t->ctr[NAPT_C_ICMP_ERR]++;
	return NAPT_PASS;
}

/* The mapping an outbound packet uses; NULL: dropped (counted). */
static struct clat_napt_map *out_map(struct clat_napt *t, enum napt_proto p,
				     uint16_t port, bool may_create,
				     uint32_t rnd)
{
	struct clat_napt_map *m = by_in(t, p, port);

	if (m)
		return m;
	if (!may_create) {
		t->ctr[p == NAPT_TCP ? NAPT_C_DROP_TCP_NO_SYN
				     : NAPT_C_DROP_NO_MAP]++;
		return NULL;
	}
	return napt_create(t, p, port, rnd);
}

static enum napt_verdict out_icmp(struct clat_napt *t, uint8_t *pkt,
				  const struct ip4 *h, uint64_t now,
				  uint32_t rnd)
{
	uint8_t *l4 = pkt + h->l4;
	struct clat_napt_map *m;

	if (is_icmp_error(l4[0]))
		return quoted(t, l4 + 8, h->end - h->l4 - 8, l4 + 2, true);
	if (l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHO_REPLY) {
		t->ctr[NAPT_C_DROP_PROTO]++;
		return NAPT_DROP;
	}
	m = out_map(t, NAPT_ICMP, get16(l4 + 4), l4[0] == ICMP_ECHO, rnd);
	if (!m)
		return NAPT_DROP;
	napt_refresh(t, m, now);
	fix_csum(l4 + 2, set16(l4 + 4, m->ext_port), false);
	return NAPT_PASS;
}

static enum napt_verdict in_icmp(struct clat_napt *t, uint8_t *pkt,
				 const struct ip4 *h, uint64_t now)
{
	uint8_t *l4 = pkt + h->l4;
	struct clat_napt_map *m;

	if (is_icmp_error(l4[0]))
		return quoted(t, l4 + 8, h->end - h->l4 - 8, l4 + 2, false);
	if (l4[0] != ICMP_ECHO_REPLY) {
		t->ctr[NAPT_C_DROP_PROTO]++;
		return NAPT_DROP;
	}
	m = by_ext(t, NAPT_ICMP, get16(l4 + 4));
	if (!m) {
		t->ctr[NAPT_C_DROP_NO_MAP]++;
		return NAPT_DROP;
	}
	napt_refresh(t, m, now);
	fix_csum(l4 + 2, set16(l4 + 4, m->in_port), false);
	return NAPT_PASS;
}

/* Common checks; -1: drop (counted), 1: pass untouched, 0: go on. */
static int classify(struct clat_napt *t, const uint8_t *pkt, size_t len,
		    struct ip4 *h, int *p)
{
	size_t need;

	if (parse4(pkt, len, h)) {
		t->ctr[NAPT_C_DROP_MALFORMED]++;
		return -1;
	}
	if (h->later_frag) {
		/* No ports here; the first fragment carried the change
		 * (its checksum covers the whole datagram). */
		t->ctr[NAPT_C_PASS_FRAG]++;
		return 1;
	}
	*p = proto_of(h->proto);
	if (*p < 0) {
		t->ctr[NAPT_C_DROP_PROTO]++;
		return -1;
	}
	need = *p == NAPT_TCP ? 18 : 8;
	if (h->l4 + need > h->end) {
		t->ctr[NAPT_C_DROP_MALFORMED]++;
		return -1;
	}
	return 0;
}

enum napt_verdict clat_napt_out(struct clat_napt *t, uint8_t *pkt, size_t len,
				bool csum_partial, uint64_t now_ms,
				uint32_t rnd)
{
	struct clat_napt_map *m;
	struct ip4 h;
	uint8_t *l4, flags = 0;
	uint32_t d;
	int p, r = classify(t, pkt, len, &h, &p);

	if (r)
		return r < 0 ? NAPT_DROP : NAPT_PASS;
	l4 = pkt + h.l4;
	if (p == NAPT_ICMP)
		r = out_icmp(t, pkt, &h, now_ms, rnd);
	else {
		if (p == NAPT_TCP)
			flags = l4[13];
		m = out_map(t, (enum napt_proto)p, get16(l4),
			    p == NAPT_UDP ||
				    (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN,
			    rnd);
		if (!m)
			return NAPT_DROP;
		if (p == NAPT_TCP)
			napt_tcp_track(t, m, flags, true, now_ms);
		else
			napt_refresh(t, m, now_ms);
		d = set16(l4, m->ext_port);
		if (!csum_partial)
			fix_csum(l4 + csum_off((enum napt_proto)p), d,
				 p == NAPT_UDP);
		r = NAPT_PASS;
	}
	if (r == NAPT_PASS)
		t->ctr[NAPT_C_OUT]++;
	return (enum napt_verdict)r;
}

enum napt_verdict clat_napt_in(struct clat_napt *t, uint8_t *pkt, size_t len,
			       uint64_t now_ms)
{
	struct clat_napt_map *m;
	struct ip4 h;
	uint8_t *l4;
	uint32_t d;
	int p, r = classify(t, pkt, len, &h, &p);

	if (r)
		return r < 0 ? NAPT_DROP : NAPT_PASS;
	l4 = pkt + h.l4;
	if (p == NAPT_ICMP) {
		r = in_icmp(t, pkt, &h, now_ms);
	} else {
		m = by_ext(t, (enum napt_proto)p, get16(l4 + 2));
		if (!m) {
			t->ctr[NAPT_C_DROP_NO_MAP]++;
			return NAPT_DROP;
		}
		if (p == NAPT_TCP)
			napt_tcp_track(t, m, l4[13], false, now_ms);
		else
			napt_refresh(t, m, now_ms);
		d = set16(l4 + 2, m->in_port);
		fix_csum(l4 + csum_off((enum napt_proto)p), d, p == NAPT_UDP);
		r = NAPT_PASS;
	}
	if (r == NAPT_PASS)
		t->ctr[NAPT_C_IN]++;
	return (enum napt_verdict)r;
}

size_t clat_napt_udp_in(struct clat_napt *t, uint8_t *buf, size_t payload_len,
			const struct in_addr *src4, uint16_t sport,
			const struct in_addr *dst4, uint16_t ext, uint8_t ttl,
			uint8_t tos, uint16_t id, uint64_t now_ms)
{
	struct clat_napt_map *m = by_ext(t, NAPT_UDP, ext);
	size_t len = 28 + payload_len;
	uint8_t *u = buf + 20;
	uint16_t c;

	if (!m || len > 65535) {
		t->ctr[m ? NAPT_C_DROP_MALFORMED : NAPT_C_DROP_NO_MAP]++;
		return 0;
	}
	napt_refresh(t, m, now_ms);
	memset(buf, 0, 28);
	buf[0] = 0x45;
	buf[1] = tos;
	put16(buf + 2, (uint16_t)len);
	put16(buf + 4, id);
	buf[8] = ttl;
	buf[9] = IPPROTO_UDP;
	memcpy(buf + 12, src4, 4);
	memcpy(buf + 16, dst4, 4);
	put16(buf + 10, ip4_header_csum(buf, 20));
	put16(u, sport);
	put16(u + 2, m->in_port);
	put16(u + 4, (uint16_t)(len - 20));
	c = csum_finish(csum_add_buf(csum_pseudo4(src4, dst4, IPPROTO_UDP,
						  (uint16_t)(len - 20)),
				     u, len - 20));
	put16(u + 6, c ? c : 0xffff);
	t->ctr[NAPT_C_IN_REASSEMBLED]++;
	return len;
}
