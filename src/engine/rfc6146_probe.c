// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 section 3.5.2.2, ESTABLISHED: "If the lifetime expires, then
 * the NAT64 SHOULD send a probe packet ... to at least one of the
 * endpoints": a TCP segment of the connection with no data, sequence and
 * acknowledgment numbers zero and only the ACK flag.  The session goes to
 * TRANS for TCP_TRANS (rfc6146_session.c); a live IPv6 host answers the
 * out-of-window segment with an ACK, which brings the session back to
 * ESTABLISHED, a host without the connection with a RST, which leaves it
 * to expire.
 *
 * Expiry runs without an output area, so it only notes the probe (a
 * bounded queue: a full one skips probes, the sessions still go to
 * TRANS); nat64_expire_send() builds and hands them out.  The queue is
 * under syn_lock (expiry runs shard by shard, under each shard's lock).
 */
#include "rfc6146_int.h"

#include "checksum.h"
#include "rfc6052.h"

#include <string.h>
#include <sys/socket.h>

#define IP6_HDR 40
#define TCP_HDR 20
#define TCP_ACK 0x10

void nat64_probe_queue(struct nat64 *nat, const struct nat64_sess *s)
{
	const struct nat64_bib *b = &nat->bib[s->bib];
	struct nat64_probe *p;

	pthread_mutex_lock(&nat->syn_lock);
	if (nat->n_probe < NAT64_PROBE_SLOTS) {
		p = &nat->probe[nat->n_probe++];
		p->a6 = b->a6;
		p->p6 = b->p6;
		p->r4 = s->r4;
		p->rport = s->rport;
	}
	pthread_mutex_unlock(&nat->syn_lock);
}

/* The last queued probe, taken off the queue into *p (false: none). */
static bool pop(struct nat64 *nat, struct nat64_probe *p)
{
	bool got;

	pthread_mutex_lock(&nat->syn_lock);
	got = nat->n_probe > 0;
	if (got)
		*p = nat->probe[--nat->n_probe];
	pthread_mutex_unlock(&nat->syn_lock);
	return got;
}

/* The probe, from the IPv4 peer's pool6 form to the IPv6 host. */
static bool probe_pkt(const struct nat64 *nat, const struct nat64_probe *p,
		      struct xlat_out *out)
{
	uint8_t *b = out->buf, *t = b + IP6_HDR;
	struct in6_addr src;
	uint32_t sum;

	if (out->cap < IP6_HDR + TCP_HDR)
		return false;
	rfc6052_embed(&nat->cfg.xlat.pool6, &p->r4, &src);
	memset(b, 0, IP6_HDR + TCP_HDR);
	put32(b, 0x60000000u);
	put16(b + 4, TCP_HDR);
	b[6] = 6;
	b[7] = 64;
	memcpy(b + 8, &src, 16);
	memcpy(b + 24, &p->a6, 16);
	put16(t, p->rport);
	put16(t + 2, p->p6);
	t[12] = (TCP_HDR / 4) << 4;
	t[13] = TCP_ACK;
	sum = csum_pseudo6(&src, &p->a6, 6, TCP_HDR);
	put16(t + 16, csum_finish(csum_add_buf(sum, t, TCP_HDR)));
	out->n = 1;
	out->pkt[0].off = 0;
	out->pkt[0].len = IP6_HDR + TCP_HDR;
	out->family = AF_INET6;
	out->reason = XLAT_DROP_NONE;
	return true;
}

bool nat64_expire_send(struct nat64 *nat, uint64_t now, struct xlat_out *out)
{
	struct nat64_probe p;

	while (pop(nat, &p)) {
		if (probe_pkt(nat, &p, out)) {
			NAT64_COUNT(nat, tcp_probes);
			return true;
		}
	}
	return nat64_syn_expired(nat, now, out);
}
