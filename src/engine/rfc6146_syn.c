// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 section 3.5.2.2 (CLOSED state, V4 SYN) and RFC 5382 REQ-4: an
 * IPv4 SYN that finds no mapping, or that address-dependent filtering
 * refuses, is not answered for TCP_INCOMING_SYN (6 s).  If the IPv6 host
 * sends its own SYN to that peer meanwhile (a simultaneous open), the
 * held SYN is dropped silently and the connection goes on; otherwise the
 * peer gets ICMP Port Unreachable quoting its SYN.
 *
 * The held SYNs are a small fixed pool (NAT64_SYN_SLOTS): a SYN that
 * finds every slot taken is answered at once and counted; an expired
 * slot is free even if nobody collected its error, so the pool never
 * needs the timer to make room.  Held SYNs are not sessions: they open
 * nothing, so later packets from the peer are filtered as before.  The
 * pool is under syn_lock (any thread's IPv4 SYN may land here).
 */
#include "rfc6146_int.h"

#include "checksum.h"

#include <string.h>
#include <sys/socket.h>

#define IP4_HDR 20
#define ICMP_HDR 8
#define REPLY4_MAX 576

static bool live(const struct nat64_syn *h, uint64_t now)
{
	return h->expires && h->expires > now;
}

static enum xlat_drop hold(struct nat64 *nat, const struct nat64_flow *f,
			   const uint8_t *pkt, size_t len, uint64_t now)
{
	struct nat64_syn *free_slot = NULL;

	for (unsigned int i = 0; i < NAT64_SYN_SLOTS; i++) {
		struct nat64_syn *h = &nat->syn[i];

		if (!live(h, now)) {
			if (!free_slot)
				free_slot = h;
			continue;
		}
		/* A retransmission keeps the first one's 6 s: a peer that
		 * keeps trying must still get its error in the end. */
		if (h->r4.s_addr == f->r4.s_addr && h->rport == f->rport &&
		    h->l4.s_addr == f->l4.s_addr && h->lport == f->lport)
			return XLAT_DROP_NAT64_SYN_HELD;
	}
	if (!free_slot) {
		NAT64_COUNT(nat, syn_hold_full);
		return XLAT_DROP_NAT64_SYN_HOLD_FULL;
	}
	if (len > NAT64_SYN_BYTES)
		len = NAT64_SYN_BYTES;
	free_slot->expires = now + NAT64_TCP_INCOMING_SYN_MS;
	free_slot->r4 = f->r4;
	free_slot->rport = f->rport;
	free_slot->l4 = f->l4;
	free_slot->lport = f->lport;
	free_slot->len = (uint16_t)len;
	memcpy(free_slot->data, pkt, len);
	NAT64_COUNT(nat, syn_held);
	return XLAT_DROP_NAT64_SYN_HELD;
}

enum xlat_drop nat64_syn_hold(struct nat64 *nat, const struct nat64_flow *f,
			      const uint8_t *pkt, size_t len, uint64_t now)
{
	enum xlat_drop r;

	pthread_mutex_lock(&nat->syn_lock);
	r = hold(nat, f, pkt, len, now);
	pthread_mutex_unlock(&nat->syn_lock);
	return r;
}

struct nat64_syn *nat64_syn_find(struct nat64 *nat, const struct in_addr *r4,
				 uint16_t rport, uint64_t now,
				 struct nat64_syn *copy)
{
	struct nat64_syn *found = NULL;

	pthread_mutex_lock(&nat->syn_lock);
	for (unsigned int i = 0; i < NAT64_SYN_SLOTS && !found; i++) {
		struct nat64_syn *h = &nat->syn[i];

		if (live(h, now) && h->r4.s_addr == r4->s_addr &&
		    h->rport == rport) {
			copy->expires = h->expires;
			copy->r4 = h->r4;
			copy->l4 = h->l4;
			copy->rport = h->rport;
			copy->lport = h->lport;
			copy->len = 0;
			found = copy;
		}
	}
	pthread_mutex_unlock(&nat->syn_lock);
	return found;
}

void nat64_syn_forget(struct nat64 *nat, const struct nat64_syn *h)
{
	pthread_mutex_lock(&nat->syn_lock);
	for (unsigned int i = 0; i < NAT64_SYN_SLOTS; i++) {
		struct nat64_syn *x = &nat->syn[i];

		if (x->expires && x->r4.s_addr == h->r4.s_addr &&
		    x->rport == h->rport && x->l4.s_addr == h->l4.s_addr &&
		    x->lport == h->lport)
			x->expires = 0;
	}
	pthread_mutex_unlock(&nat->syn_lock);
}

uint64_t nat64_syn_next_expiry(struct nat64 *nat)
{
	uint64_t next = UINT64_MAX;

	pthread_mutex_lock(&nat->syn_lock);
	for (unsigned int i = 0; i < NAT64_SYN_SLOTS; i++)
		if (nat->syn[i].expires && nat->syn[i].expires < next)
			next = nat->syn[i].expires;
	pthread_mutex_unlock(&nat->syn_lock);
	return next;
}

/* ------------------------------------------------------------------ */
/* ICMPv4 errors of the NAT64 itself                                   */

static bool quotable(const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len < IP4_HDR || p[0] >> 4 != 4)
		return false;
	ihl = (p[0] & 0xfu) * 4u;
	if (get16(p + 6) & 0x1fff) /* not the first fragment */
		return false;
	if (!nat64_unicast4(p + 12))
		return false;
	/* Never an error about an error (RFC 1122 3.2.2). */
	if (p[9] == 1 && len > ihl) {
		uint8_t t = p[ihl];

		if (t != 0 && t != 8 && t != 13 && t != 14)
			return false;
	}
	return true;
}

enum xlat_verdict nat64_reply4(const struct nat64 *nat, const uint8_t *pkt,
			       size_t len, struct xlat_out *out, uint8_t type,
			       uint8_t code, enum xlat_drop why)
{
	size_t olen = len, tot;
	uint8_t *b = out->buf;

	out->n = 0;
	out->reason = why;
	if (!nat->cfg.xlat.icmp_errors || !quotable(pkt, len))
		return XLAT_DROP;
	if (olen > REPLY4_MAX - IP4_HDR - ICMP_HDR)
		olen = REPLY4_MAX - IP4_HDR - ICMP_HDR;
	tot = IP4_HDR + ICMP_HDR + olen;
	if (tot > out->cap) {
		out->reason = XLAT_DROP_NO_SPACE;
		return XLAT_DROP;
	}
	memmove(b + IP4_HDR + ICMP_HDR, pkt, olen);
	memset(b, 0, IP4_HDR + ICMP_HDR);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)tot);
	put16(b + 4, out->next_id++);
	b[8] = 64;
	b[9] = 1;
	/* From the address the packet was sent to, as its host would. */
	memcpy(b + 12, b + IP4_HDR + ICMP_HDR + 16, 4);
	memcpy(b + 16, b + IP4_HDR + ICMP_HDR + 12, 4);
	put16(b + 10, ip4_header_csum(b, IP4_HDR));
	b[IP4_HDR] = type;
	b[IP4_HDR + 1] = code;
	put16(b + IP4_HDR + 2,
	      csum_finish(csum_add_buf(0, b + IP4_HDR, tot - IP4_HDR)));
	out->n = 1;
	out->pkt[0].off = 0;
	out->pkt[0].len = (uint32_t)tot;
	out->family = AF_INET;
	return XLAT_REPLY;
}

/* A hairpinned SYN's error goes to a pool4 address: on to the IPv6 host
 * that sent the SYN, through the IPv4 side's processing. */
static bool to_pool4(const struct nat64 *nat, const struct xlat_out *out)
{
	struct in_addr d;

	memcpy(&d, xlat_out_data(out, 0) + 16, 4);
	return nat64_pool4_contains(&nat->cfg, &d);
}

/* Under syn_lock: the next held SYN whose time ran out, let go, its
 * Port Unreachable (3/3, RFC 6146 3.5.2.2) in out. */
static bool next_error(struct nat64 *nat, uint64_t now, struct xlat_out *out)
{
	for (unsigned int i = 0; i < NAT64_SYN_SLOTS; i++) {
		struct nat64_syn *h = &nat->syn[i];

		if (!h->expires || h->expires > now)
			continue;
		h->expires = 0;
		NAT64_COUNT(nat, syn_unreachable);
		if (nat64_reply4(nat, h->data, h->len, out, 3, 3,
				 XLAT_DROP_NAT64_NO_BIB) == XLAT_REPLY)
			return true;
	}
	return false;
}

bool nat64_syn_expired(struct nat64 *nat, uint64_t now, struct xlat_out *out)
{
	uint8_t buf[REPLY4_MAX];
	uint32_t n;
	bool got;

	for (;;) {
		pthread_mutex_lock(&nat->syn_lock);
		got = next_error(nat, now, out);
		pthread_mutex_unlock(&nat->syn_lock);
		if (!got)
			break;
		if (!to_pool4(nat, out))
			return true;
		/* Hairpinned, outside syn_lock: nat64_in4() takes a shard. */
		n = out->pkt[0].len;
		if (n > sizeof(buf))
			continue;
		memcpy(buf, xlat_out_data(out, 0), n);
		if (nat64_in4(nat, buf, n, out, now, true) == XLAT_OUT)
			return true;
	}
	out->n = 0;
	return false;
}
