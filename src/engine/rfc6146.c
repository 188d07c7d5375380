// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 section 3: stateful NAT64 translation of one packet.  The
 * flow is found (section 3.4), the BIB entry and session are found or
 * made and their state moved (section 3.5), then the RFC 7915 engine
 * translates with the IPv6 host's end replaced by the pool6 form of its
 * pool4 transport address (section 3.6/3.7); section 3.8 hairpinning
 * feeds a packet for a pool4 address back in from the IPv4 side.
 *
 * The tables are looked up and changed under the lock of the IPv6 host's
 * shard (rfc6146_lock.c); the translation runs after it on a copy of the
 * mapping, so threads only wait for each other on the same shard.
 */
#include "rfc6146_int.h"

#include "checksum.h"
#include "rfc6052.h"
#include "rfc7915.h"

#include <string.h>
#include <sys/socket.h>

#define IP6_HDR 40
#define ICMP_HDR 8
#define IP6_MIN_MTU 1280

static enum xlat_verdict drop(struct xlat_out *out, enum xlat_drop r)
{
	out->n = 0;
	out->reason = r;
	return XLAT_DROP;
}

/* RFC 6052 section 3.1 for the IPv4 peer of a flow. */
static bool peer_ok(const struct nat64 *nat, const struct in_addr *r4)
{
	return !nat->cfg.wkp_global_only ||
	       !rfc6052_is_wkp(&nat->cfg.xlat.pool6) || ipv4_is_global(r4);
}

static enum nat64_timer timer_of(enum nat64_proto p)
{
	return p == NAT64_UDP ? NAT64_T_UDP : NAT64_T_ICMP;
}

/*
 * RFC 6146 section 3.5.1.1 and 3.5.2.2: a new mapping that cannot be made
 * is answered with ICMPv6 Destination Unreachable, Address Unreachable.
 */
static enum xlat_verdict refuse6(const struct nat64 *nat, const uint8_t *p,
				 size_t len, struct xlat_out *out,
				 enum xlat_drop why)
{
	size_t olen = len, tot;
	struct in6_addr dst;
	uint8_t *b = out->buf;
	uint32_t sum;

	if (!nat->cfg.xlat.icmp_errors)
		return drop(out, why);
	if (olen > IP6_MIN_MTU - IP6_HDR - ICMP_HDR)
		olen = IP6_MIN_MTU - IP6_HDR - ICMP_HDR;
	tot = IP6_HDR + ICMP_HDR + olen;
	if (tot > out->cap)
		return drop(out, XLAT_DROP_NO_SPACE);
	memcpy(&dst, p + 8, 16);
	memmove(b + IP6_HDR + ICMP_HDR, p, olen);
	put32(b, 0x60000000u);
	put16(b + 4, (uint16_t)(ICMP_HDR + olen));
	b[6] = 58;
	b[7] = 64;
	memcpy(b + 8, &nat->cfg.xlat.self6, 16);
	memcpy(b + 24, &dst, 16);
	memset(b + IP6_HDR, 0, ICMP_HDR);
	b[IP6_HDR] = 1;
	b[IP6_HDR + 1] = 3;
	sum = csum_pseudo6(&nat->cfg.xlat.self6, &dst, 58,
			   (uint32_t)(ICMP_HDR + olen));
	put16(b + IP6_HDR + 2,
	      csum_finish(csum_add_buf(sum, b + IP6_HDR, ICMP_HDR + olen)));
	out->n = 1;
	out->pkt[0].off = 0;
	out->pkt[0].len = (uint32_t)tot;
	out->family = AF_INET6;
	out->reason = why;
	return XLAT_REPLY;
}

/*
 * Section 3.5.2.2, a V6 SYN that opens a session: the mapping, which takes
 * the pool4 transport address of an IPv4 SYN held from the same peer
 * (simultaneous open) when it has none yet.
 */
static struct nat64_bib *bib6(struct nat64 *nat, uint32_t sh,
			      const struct nat64_flow *f,
			      const struct nat64_syn *held, enum xlat_drop *why)
{
	struct nat64_bib *b = NULL;

	if (held)
		b = nat64_bib_new_at(nat, sh, f->proto, &f->l6, f->lport,
				     &held->l4, held->lport);
	if (!b)
		b = nat64_bib_new(nat, sh, f->proto, &f->l6, f->lport, why);
	if (b)
		nat64_event(nat, NAT64_EV_BIB_ADD, b, NULL);
	return b;
}

/* The new session's TCP state: V6 INIT, or ESTABLISHED when it meets
 * the IPv4 SYN held for it (V4 INIT + V6 SYN). */
static void open6(struct nat64 *nat, struct nat64_sess *s,
		  const struct nat64_bib *b, const struct nat64_syn *held,
		  uint64_t now)
{
	if (held && held->l4.s_addr == b->a4.s_addr &&
	    held->lport == b->p4) {
		/* RFC 5382 REQ-4: the held SYN is dropped silently. */
		nat64_syn_forget(nat, held);
		NAT64_COUNT(nat, simultaneous_open);
		s->state = NAT64_ESTABLISHED;
		nat64_sess_set_timer(nat, s, NAT64_T_TCP_EST, now);
		return;
	}
	s->state = NAT64_V6_INIT;
	nat64_sess_set_timer(nat, s, NAT64_T_TCP_TRANS, now);
}

/* A packet from the IPv6 side that is not an ICMP error. */
static struct nat64_bib *track6(struct nat64 *nat, uint32_t sh,
				const struct nat64_flow *f, uint64_t now,
				enum xlat_drop *why)
{
	struct nat64_bib *b = nat64_bib_find6(nat, sh, f->proto, &f->l6,
					      f->lport);
	bool tcp = f->proto == NAT64_TCP, syn = f->tcp & NAT64_TCP_SYN;
	struct nat64_sess *s = b ? nat64_sess_find(nat, b, &f->r4, f->rport)
				 : NULL;
	struct nat64_syn *held = NULL, copy;

	if (s) {
		if (tcp)
			nat64_tcp_step(nat, s, true, f->tcp, now);
		else
			nat64_sess_set_timer(nat, s, timer_of(f->proto), now);
		return b;
	}
	/*
	 * Section 3.5.2.2, CLOSED: only a SYN opens a TCP session; another
	 * segment is translated if the host has a mapping (state stays
	 * CLOSED), else dropped.
	 */
	if (tcp && !syn) {
		if (!b)
			*why = XLAT_DROP_NAT64_NO_SESSION;
		return b;
	}
	if (tcp)
		held = nat64_syn_find(nat, &f->r4, f->rport, now, &copy);
	if (!b) {
		b = bib6(nat, sh, f, held, why);
		if (!b)
			return NULL;
	}
	s = nat64_sess_new(nat, b, &f->r4, f->rport, why);
	if (!s) {
		nat64_bib_put(nat, b);
		return NULL;
	}
	if (tcp)
		open6(nat, s, b, held, now);
	else
		nat64_sess_set_timer(nat, s, timer_of(f->proto), now);
	return b;
}

/*
 * ICMP errors are not filtered and change no state (section 3.5); the
 * mapping of the packet inside is all they need (section 3.6).
 */
static struct nat64_bib *error_bib6(struct nat64 *nat, uint32_t sh,
				    const struct nat64_flow *f)
{
	return nat64_bib_find6(nat, sh, f->proto, &f->l6, f->lport);
}

static enum xlat_verdict in4(struct nat64 *nat, const uint8_t *pkt,
			     size_t len, struct xlat_out *out, uint64_t now,
			     unsigned int flags);

/* The ICMPv4 errors the NAT64 and the engine make (576 bytes at most,
 * RFC 1812 4.3.2.3), with room to spare. */
#define ERR4_MAX 1280

/*
 * Section 3.8: a translated packet for a pool4 address comes back in.  Its
 * IPv4 form goes where the IPv6 packet was (buf, cap bytes: never
 * shorter, the IPv4 headers are), which is not needed any more.  An
 * ICMPv4 error the IPv4 side's processing answers it with is addressed
 * to the sender's pool4 address: it goes in once more, to reach the
 * IPv6 host as ICMPv6.
 */
static enum xlat_verdict hairpin(struct nat64 *nat, uint8_t *buf, size_t cap,
				 struct xlat_out *out, uint64_t now,
				 unsigned int flags)
{
	uint32_t n = out->pkt[0].len;
	uint8_t err[ERR4_MAX];
	enum xlat_verdict v;
	enum xlat_drop why;

	if (n > cap)
		return drop(out, XLAT_DROP_NO_SPACE);
	memcpy(buf, xlat_out_data(out, 0), n);
	v = in4(nat, buf, n, out, now, flags | XLAT_4TO6_HAIRPIN);
	if (v == XLAT_REPLY && out->family == AF_INET) {
		why = out->reason;
		n = out->pkt[0].len;
		if (n > sizeof(err))
			return drop(out, why);
		memcpy(err, xlat_out_data(out, 0), n);
		v = in4(nat, err, n, out, now, XLAT_4TO6_HAIRPIN);
		if (v != XLAT_OUT)
			return drop(out, why);
		out->reason = why;
		return XLAT_REPLY;
	}
	if (v == XLAT_REPLY)
		return drop(out, out->reason);
	if (v == XLAT_OUT)
		NAT64_COUNT(nat, hairpinned);
	return v;
}

/*
 * Fragments of this datagram that came before its first one: translated
 * now, behind the first's packets in out (same family only; a datagram
 * that hairpinned leaves them to expire).
 */
static void release_held(struct nat64 *nat, const struct nat64_flow *f,
			 bool v6, struct xlat_out *out, uint64_t now)
{
	uint8_t data[NAT64_HELD_BYTES];
	uint32_t len;

	while ((len = nat64_frag_unhold(nat, f, v6, now, data))) {
		struct xlat_out sub;
		enum xlat_verdict v;
		size_t used = 0;

		for (unsigned int i = 0; i < out->n; i++)
			if (out->pkt[i].off + out->pkt[i].len > used)
				used = out->pkt[i].off + out->pkt[i].len;
		used = (used + 7) & ~(size_t)7;
		if (used >= out->cap)
			return;
		memset(&sub, 0, sizeof(sub));
		sub.buf = out->buf + used;
		sub.cap = out->cap - used;
		sub.next_id = out->next_id;
		v = v6 ? nat64_6to4(nat, data, len, &sub, now)
		       : in4(nat, data, len, &sub, now, 0);
		out->next_id = sub.next_id;
		if (v != XLAT_OUT || sub.family != out->family ||
		    out->n + sub.n > XLAT_MAX_FRAGS)
			continue;
		for (unsigned int j = 0; j < sub.n; j++) {
			out->pkt[out->n].off = sub.pkt[j].off + (uint32_t)used;
			out->pkt[out->n++].len = sub.pkt[j].len;
		}
	}
}

/* A fragment whose first has not come: kept for a while if it fits. */
static enum xlat_verdict early_fragment(struct nat64 *nat,
					const struct nat64_flow *f, bool v6,
					const uint8_t *pkt, size_t len,
					struct xlat_out *out, uint64_t now)
{
	if (nat64_frag_hold(nat, f, v6, pkt, len, now))
		return drop(out, XLAT_DROP_NAT64_FRAG_HELD);
	return drop(out, XLAT_DROP_NAT64_FRAGMENT);
}

static bool out_to_pool4(const struct nat64 *nat, const struct xlat_out *out)
{
	struct in_addr d;

	if (out->family != AF_INET || out->n != 1 || out->pkt[0].len < 20)
		return false;
	memcpy(&d, xlat_out_data(out, 0) + 16, 4);
	return nat64_pool4_contains(&nat->cfg, &d);
}

static void rewrite6(uint8_t *p, size_t len, bool local_src,
		     const struct in6_addr *a, uint16_t port, unsigned int flags)
{
	if (flags & XLAT_F_CSUM_PARTIAL)
		nat64_rewrite6_partial(p, len, local_src, a, port);
	else
		nat64_rewrite6(p, len, local_src, a, port);
}

/*
 * Under the host's shard lock: the mapping of a packet from the IPv6 side
 * that is not a later fragment, into *m.  XLAT_DROP_NONE, or why not.
 */
static enum xlat_drop map6(struct nat64 *nat, const struct nat64_flow *f,
			   uint64_t now, struct nat64_map *m)
{
	uint32_t sh = nat64_shard_of(nat, &f->l6);
	enum xlat_drop r = XLAT_DROP_NAT64_NO_BIB;
	struct nat64_bib *b;

	nat64_lock(nat, sh);
	b = f->error ? error_bib6(nat, sh, f) : track6(nat, sh, f, now, &r);
	if (b) {
		r = XLAT_DROP_NONE;
		nat64_map_of(b, m);
		if (f->frag && !f->error)
			nat64_frag_note(nat, f, true, b, now);
	}
	nat64_unlock(nat, sh);
	return r;
}

enum xlat_verdict nat64_6to4_flags(struct nat64 *nat, uint8_t *pkt,
				   size_t len, struct xlat_out *out,
				   uint64_t now, unsigned int flags)
{
	const struct xlat_cfg *xc = &nat->cfg.xlat;
	struct nat64_flow f;
	struct nat64_map m;
	struct in6_addr m6;
	enum xlat_verdict v;
	enum xlat_drop r;

	out->n = 0;
	out->family = AF_INET;
	flags &= XLAT_F_GSO | XLAT_F_CSUM_PARTIAL;
	r = nat64_flow6(pkt, len, &f);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);
	/* Section 3.5: a source inside pool6 would loop (section 3.8). */
	memcpy(&m6, pkt + 8, 16);
	if (prefix6_contains(&xc->pool6.addr, xc->pool6.len, &m6))
		return drop(out, XLAT_DROP_HAIRPIN_LOOP);
	/* No mapping for a source no host can have. */
	if (m6.s6_addr[0] == 0xff)
		return drop(out, XLAT_DROP_MULTICAST);
	if (IN6_IS_ADDR_UNSPECIFIED(&m6))
		return drop(out, XLAT_DROP_SRC_UNTRANSLATABLE);
	if (!rfc6052_extract(&xc->pool6, &f.r6, &f.r4) ||
	    prefix6_contains(&xc->pool6.addr, xc->pool6.len, &f.l6))
		return drop(out, XLAT_DROP_DST_UNTRANSLATABLE);
	if (!peer_ok(nat, &f.r4))
		return drop(out, XLAT_DROP_WKP_NONGLOBAL);
	/* No state for a peer no host can be, whatever the prefix. */
	if (!nat64_unicast4((const uint8_t *)&f.r4))
		return drop(out, ((const uint8_t *)&f.r4)[0] >= 224 ?
					 XLAT_DROP_MULTICAST :
					 XLAT_DROP_DST_UNTRANSLATABLE);
	/* The engine answers an expired hop limit to the real source. */
	if (xlat_ttl_expires(xc, f.hlim) && !f.error)
		return xlat_6to4_flags(xc, pkt, len, out, flags);
	if (f.tail) {
		if (!nat64_frag_find(nat, &f, true, now, &m))
			return early_fragment(nat, &f, true, pkt, len, out, now);
	} else {
		r = map6(nat, &f, now, &m);
		if (r == XLAT_DROP_NAT64_TABLE_FULL ||
		    r == XLAT_DROP_NAT64_HOST_LIMIT ||
		    r == XLAT_DROP_NAT64_POOL4_EXHAUSTED)
			return refuse6(nat, pkt, len, out, r);
		if (r != XLAT_DROP_NONE)
			return drop(out, r);
	}
	rfc6052_embed(&xc->pool6, &m.a4, &m6);
	rewrite6(pkt, len, true, &m6, m.p4, flags);
	v = xlat_6to4_flags(xc, pkt, len, out, flags);
	if (v == XLAT_REPLY && out->family == AF_INET6) {
		/* Give the answer the host's own address back. */
		nat64_rewrite6(xlat_out_data(out, 0), out->pkt[0].len, false,
			       &f.l6, f.lport);
		return v;
	}
	if (v == XLAT_OUT && out_to_pool4(nat, out))
		return hairpin(nat, pkt, len, out, now, flags);
	if (v == XLAT_OUT && f.frag && !f.tail)
		release_held(nat, &f, true, out, now);
	return v;
}

enum xlat_verdict nat64_6to4(struct nat64 *nat, uint8_t *pkt, size_t len,
			     struct xlat_out *out, uint64_t now)
{
	return nat64_6to4_flags(nat, pkt, len, out, now, 0);
}

/* ------------------------------------------------------------------ */

static bool filter_allows(struct nat64 *nat, const struct nat64_bib *b,
			  const struct in_addr *r4)
{
	if (nat->cfg.filter == NAT64_FILTER_EI ||
	    (b->flags & NAT64_BIB_STATIC))
		return true;
	return nat64_sess_addr_known(nat, b, r4);
}

/* A new session from the IPv4 side (mapping and filtering checked). */
static enum xlat_drop open4(struct nat64 *nat, struct nat64_bib *b,
			    const struct nat64_flow *f, uint64_t now)
{
	struct nat64_sess *s;
	enum xlat_drop why;

	s = nat64_sess_new(nat, b, &f->r4, f->rport, &why);
	if (!s)
		return why;
	if (f->proto == NAT64_TCP) {
		/* Section 3.5.2.2: with a mapping and filtering that
		 * lets the SYN in, V4 INIT for TCP_TRANS. */
		s->state = NAT64_V4_INIT;
		nat64_sess_set_timer(nat, s, NAT64_T_TCP_TRANS, now);
	} else {
		nat64_sess_set_timer(nat, s, timer_of(f->proto), now);
	}
	return XLAT_DROP_NONE;
}

/*
 * A packet from the IPv4 side that is not an ICMP error; b is its
 * mapping or NULL.  XLAT_DROP_NONE: translate it.
 */
static enum xlat_drop track4(struct nat64 *nat, struct nat64_bib *b,
			     const struct nat64_flow *f, const uint8_t *pkt,
			     size_t len, uint64_t now)
{
	struct nat64_sess *s = b ? nat64_sess_find(nat, b, &f->r4, f->rport)
				 : NULL;
	bool tcp = f->proto == NAT64_TCP, syn = f->tcp & NAT64_TCP_SYN;

	if (s) {
		if (tcp)
			nat64_tcp_step(nat, s, false, f->tcp, now);
		else
			nat64_sess_set_timer(nat, s, timer_of(f->proto), now);
		return XLAT_DROP_NONE;
	}
	/* Section 3.5.2.2, CLOSED, not a SYN: translated on a mapping the
	 * filtering allows, no state made. */
	if (tcp && !syn) {
		if (!b)
			return XLAT_DROP_NAT64_NO_BIB;
		return filter_allows(nat, b, &f->r4) ? XLAT_DROP_NONE
						     : XLAT_DROP_NAT64_FILTERED;
	}
	/*
	 * CLOSED, V4 SYN: dropped by policy, or held TCP_INCOMING_SYN when
	 * there is no mapping or address-dependent filtering refuses it
	 * (rfc6146_syn.c); else V4 INIT.
	 */
	if (tcp && __atomic_load_n(&nat->cfg.drop_external_tcp,
				   __ATOMIC_RELAXED))
		return XLAT_DROP_NAT64_EXTERNAL_TCP;
	if (tcp && (!b || !filter_allows(nat, b, &f->r4)))
		return nat64_syn_hold(nat, f, pkt, len, now);
	if (!b)
		return XLAT_DROP_NAT64_NO_BIB;
	if (!filter_allows(nat, b, &f->r4))
		return XLAT_DROP_NAT64_FILTERED;
	return open4(nat, b, f, now);
}

/*
 * RFC 7915 4.5: a zero-checksum UDP datagram the engine will not
 * translate (a fragment, or udp-zero-checksum = drop) is left to it
 * before it opens any state.
 */
static bool udp0_refused(const struct nat64 *nat, const uint8_t *pkt,
			 const struct nat64_flow *f)
{
	size_t ihl = (pkt[0] & 0xfu) * 4u;

	if (f->proto != NAT64_UDP || f->error || f->tail ||
	    get16(pkt + ihl + 6) != 0)
		return false;
	return f->frag || nat->cfg.xlat.udp0 == XLAT_UDP0_DROP;
}

/*
 * Section 3.5.1 and 3.5.3: a packet address-dependent filtering refuses
 * MAY be answered with Communication Administratively Prohibited (3/13);
 * TCP is never answered here (REQ-4 of RFC 5382 for SYNs, silence for
 * the rest).  Everything else refused from IPv4 is dropped silently.
 */
static enum xlat_verdict refuse4(const struct nat64 *nat, const uint8_t *pkt,
				 size_t len, const struct nat64_flow *f,
				 struct xlat_out *out, enum xlat_drop r)
{
	if (r == XLAT_DROP_NAT64_FILTERED && f->proto != NAT64_TCP)
		return nat64_reply4(nat, pkt, len, out, 3, 13, r);
	return drop(out, r);
}

/*
 * The mapping of an IPv4 packet that is not a later fragment, into *m,
 * found and its session moved under its shard's lock; ICMP errors need
 * nothing more than the mapping.  A packet without one (a SYN to hold)
 * runs without a shard lock.
 */
static enum xlat_drop map4(struct nat64 *nat, const struct nat64_flow *f,
			   const uint8_t *pkt, size_t len, uint64_t now,
			   struct nat64_map *m)
{
	struct nat64_bib *b;
	enum xlat_drop r;
	uint32_t sh = 0;

	b = nat64_bib_lock4(nat, f->proto, &f->l4, f->lport, &sh);
	if (f->error)
		r = b ? XLAT_DROP_NONE : XLAT_DROP_NAT64_NO_BIB;
	else
		r = track4(nat, b, f, pkt, len, now);
	if (r == XLAT_DROP_NONE && b) {
		nat64_map_of(b, m);
		if (f->frag)
			nat64_frag_note(nat, f, false, b, now);
	} else if (r == XLAT_DROP_NONE) {
		r = XLAT_DROP_NAT64_NO_BIB; /* cannot happen */
	}
	if (b)
		nat64_unlock(nat, sh);
	return r;
}

/* flags: XLAT_4TO6_HAIRPIN, XLAT_F_GSO, XLAT_F_CSUM_PARTIAL. */
static enum xlat_verdict in4(struct nat64 *nat, const uint8_t *pkt,
			     size_t len, struct xlat_out *out, uint64_t now,
			     unsigned int flags)
{
	const struct xlat_cfg *xc = &nat->cfg.xlat;
	bool hp = flags & XLAT_4TO6_HAIRPIN;
	struct nat64_flow f;
	struct nat64_map m;
	enum xlat_verdict v;
	enum xlat_drop r;

	out->n = 0;
	out->family = AF_INET6;
	r = nat64_flow4(pkt, len, &f);
	if (r != XLAT_DROP_NONE)
		return drop(out, r);
	if (!nat64_pool4_contains(&nat->cfg, &f.l4))
		return drop(out, XLAT_DROP_DST_UNTRANSLATABLE);
	/* No state, and no answer, for a source no host can have. */
	if (!nat64_unicast4(pkt + 12))
		return drop(out, pkt[12] >= 224 ? XLAT_DROP_MULTICAST
					    : XLAT_DROP_SRC_UNTRANSLATABLE);
	if (!hp && !peer_ok(nat, &f.r4))
		return drop(out, XLAT_DROP_WKP_NONGLOBAL);
	if (!hp && xlat_ttl_expires(xc, f.hlim) && !f.error)
		return xlat_4to6_flags(xc, pkt, len, out, flags);
	if (udp0_refused(nat, pkt, &f))
		return xlat_4to6_flags(xc, pkt, len, out, flags);
	if (f.tail) {
		if (!nat64_frag_find(nat, &f, false, now, &m))
			return early_fragment(nat, &f, false, pkt, len, out, now);
	} else {
		r = map4(nat, &f, pkt, len, now, &m);
		if (r != XLAT_DROP_NONE)
			return refuse4(nat, pkt, len, &f, out, r);
	}
	v = xlat_4to6_flags(xc, pkt, len, out, flags);
	if (v != XLAT_OUT)
		return v;
	for (unsigned int i = 0; i < out->n; i++)
		rewrite6(xlat_out_data(out, i), out->pkt[i].len, false, &m.a6,
			 m.p6, flags);
	if (f.frag && !f.tail)
		release_held(nat, &f, false, out, now);
	return v;
}

enum xlat_verdict nat64_in4(struct nat64 *nat, const uint8_t *pkt, size_t len,
			    struct xlat_out *out, uint64_t now, bool hp)
{
	return in4(nat, pkt, len, out, now, hp ? XLAT_4TO6_HAIRPIN : 0);
}

enum xlat_verdict nat64_4to6_flags(struct nat64 *nat, const uint8_t *pkt,
				   size_t len, struct xlat_out *out,
				   uint64_t now, unsigned int flags)
{
	return in4(nat, pkt, len, out, now,
		   flags & (XLAT_F_GSO | XLAT_F_CSUM_PARTIAL));
}

enum xlat_verdict nat64_4to6(struct nat64 *nat, const uint8_t *pkt,
			     size_t len, struct xlat_out *out, uint64_t now)
{
	return in4(nat, pkt, len, out, now, 0);
}
