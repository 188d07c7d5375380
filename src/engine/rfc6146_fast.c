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
	struct nat64_bib *b;
	struct nat64_sess *s;

	b = ff->v6 ? nat64_bib_find6(nat, ff->proto, &ff->l6, ff->lport)
		   : nat64_bib_find4(nat, ff->proto, &ff->l4, ff->lport);
	s = b ? nat64_sess_find(nat, b, &ff->r4, ff->rport) : NULL;
	if (!s)
		return false;
	info(nat, s, inf);
	return true;
}

int nat64_fast_touch(struct nat64 *nat, const struct nat64_info *key,
		     uint64_t when)
{
	struct nat64_bib *b = nat64_bib_find6(nat, key->proto, &key->a6,
					      key->p6);
	struct nat64_sess *s = b ? nat64_sess_find(nat, b, &key->r4,
						   key->rport)
				 : NULL;

	if (!s || b->p4 != key->p4 || b->a4.s_addr != key->a4.s_addr)
		return -1;
	if (key->proto == NAT64_TCP) {
		nat64_tcp_step(nat, s, true, 0, when);
		return 1;
	}
	nat64_sess_set_timer(nat, s,
			     key->proto == NAT64_UDP ? NAT64_T_UDP : NAT64_T_ICMP,
			     when);
	return 1;
}
