// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a fast path in front of the RFC 6146 tables needs from them: the
 * session a packet belongs to (to copy it into the fast path's maps when
 * it becomes one whose plain packets the fast path may translate), and
 * the replay of such a packet that the fast path translated (its time
 * only: a TCP segment without SYN, FIN or RST, a UDP datagram or an ICMP
 * echo changes nothing in a session but its lifetime, and the TCP state
 * only as nat64_tcp_step() does with no flags).
 */
#include "rfc6146_int.h"

#include "rfc6052.h"

#include <string.h>

bool nat64_fast_flow(const struct nat64 *nat, const uint8_t *pkt, size_t len,
		     struct nat64_fast_flow *ff)
{
	struct nat64_flow f;

	memset(ff, 0, sizeof(*ff));
	if (len < 20)
		return false;
	ff->v6 = pkt[0] >> 4 == 6;
	if ((ff->v6 ? nat64_flow6(pkt, len, &f) : nat64_flow4(pkt, len, &f)) !=
	    XLAT_DROP_NONE || f.error || f.tail)
		return false;
	if (ff->v6 && !rfc6052_extract(&nat->cfg.xlat.pool6, &f.r6, &f.r4))
		return false;
	ff->proto = f.proto;
	ff->l6 = f.l6;
	ff->l4 = f.l4;
	ff->r4 = f.r4;
	ff->lport = f.lport;
	ff->rport = f.rport;
	return true;
}

static void info(const struct nat64 *nat, const struct nat64_sess *s,
		 struct nat64_info *inf)
{
	const struct nat64_bib *b = &nat->bib[s->bib];

	memset(inf, 0, sizeof(*inf));
	inf->proto = (enum nat64_proto)b->proto;
	inf->a6 = b->a6;
	inf->a4 = b->a4;
	inf->p6 = b->p6;
	inf->p4 = b->p4;
	inf->is_static = b->flags & NAT64_BIB_STATIC;
	inf->r4 = s->r4;
	inf->rport = s->rport;
	inf->state = (enum nat64_tcp_state)s->state;
	inf->expires = s->expires;
}

bool nat64_fast_get(struct nat64 *nat, const struct nat64_fast_flow *ff,
		    struct nat64_info *inf)
{
	struct nat64_sess *s = NULL;
	struct nat64_bib *b;
	uint32_t sh = 0;

	/* Under the shard's lock, as the engine's own lookups. */
	if (ff->v6) {
		sh = nat64_shard_of(nat, &ff->l6);
		nat64_lock(nat, sh);
		b = nat64_bib_find6(nat, sh, ff->proto, &ff->l6, ff->lport);
		if (!b)
			nat64_unlock(nat, sh);
	} else {
		b = nat64_bib_lock4(nat, ff->proto, &ff->l4, ff->lport, &sh);
	}
	if (!b)
		return false;
	s = nat64_sess_find(nat, b, &ff->r4, ff->rport);
	if (s)
		info(nat, s, inf);
	nat64_unlock(nat, sh);
	return s;
}

int nat64_fast_touch(struct nat64 *nat, const struct nat64_info *key,
		     uint64_t when)
{
	uint32_t sh = nat64_shard_of(nat, &key->a6);
	struct nat64_bib *b;
	struct nat64_sess *s;

	nat64_lock(nat, sh);
	b = nat64_bib_find6(nat, sh, key->proto, &key->a6, key->p6);
	s = b ? nat64_sess_find(nat, b, &key->r4, key->rport) : NULL;
	if (!s || b->p4 != key->p4 || b->a4.s_addr != key->a4.s_addr) {
		nat64_unlock(nat, sh);
		return -1;
	}
	if (key->proto == NAT64_TCP)
		nat64_tcp_step(nat, s, true, 0, when);
	else
		nat64_sess_set_timer(nat, s,
				     key->proto == NAT64_UDP ? NAT64_T_UDP
							     : NAT64_T_ICMP,
				     when);
	nat64_unlock(nat, sh);
	return 1;
}
