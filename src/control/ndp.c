// SPDX-License-Identifier: GPL-2.0-or-later
/* Neighbour Discovery for the CLAT address: see ndp.h. */
#include "control/ndp.h"

#include "control/clat_addr.h"
#include "engine/checksum.h"

#include <string.h>

#define OPT_SLLA  1
#define OPT_TLLA  2
#define OPT_NONCE 14 /* RFC 3971 5.3, used by RFC 7527 */

#define ND_HDR 24 /* type, code, checksum, 4 bytes, target */

static bool is_unspec(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return !memcmp(a, &any, sizeof(any));
}

static bool is_solicited_node(const struct in6_addr *a)
{
	struct in6_addr sn;

	clat_solicited_node(a, &sn);
	return !memcmp(a, &sn, sizeof(sn));
}

static int parse_opts(const uint8_t *p, size_t len, struct ndp_msg *m)
{
	uint8_t want_lla = m->type == NDP_NS ? OPT_SLLA : OPT_TLLA;

	while (len > 0) {
		size_t olen;

		if (len < 2 || p[1] == 0)
			return -1;
		olen = (size_t)p[1] * 8;
		if (olen > len)
			return -1;
		if (p[0] == want_lla && olen == 8) {
			m->has_lla = true;
			memcpy(m->lla, p + 2, 6);
		} else if (p[0] == OPT_NONCE && m->type == NDP_NS) {
			/* RFC 7527 compares the first 6 bytes; longer nonces
			 * are allowed but we send and compare 6. */
			m->has_nonce = true;
			memcpy(m->nonce, p + 2, 6);
		}
		p += olen;
		len -= olen;
	}
	return 0;
}

static bool csum_ok(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	uint32_t s;

	s = csum_pseudo6((const struct in6_addr *)(ip6 + 8),
			 (const struct in6_addr *)(ip6 + 24), IPPROTO_ICMPV6,
			 (uint32_t)len);
	return csum_fold(csum_add_buf(s, icmp, len)) == 0xffff;
}

/* RFC 4861 7.1.1 (NS) and 7.1.2 (NA) rules that the header can check. */
static int check_rules(const struct ndp_msg *m)
{
	/* RFC 4291 2.7: a multicast source is never valid; answering one
	 * would send a solicited NA to a group (RFC 4861 7.1.2 drops it). */
	if (m->target.s6_addr[0] == 0xff || m->src.s6_addr[0] == 0xff)
		return -1;
	if (m->type == NDP_NS && is_unspec(&m->src)) {
		if (!is_solicited_node(&m->dst) || m->has_lla)
			return -1;
	}
	if (m->type == NDP_NA && m->dst.s6_addr[0] == 0xff &&
	    (m->na_flags & NDP_NA_SOLICITED))
		return -1;
	return 0;
}

int ndp_parse(const uint8_t *pkt, size_t len, struct ndp_msg *m)
{
	const uint8_t *icmp = pkt + 40;
	size_t plen;

	memset(m, 0, sizeof(*m));
	if (len < 40 + ND_HDR || (pkt[0] >> 4) != 6)
		return -1;
	plen = get16(pkt + 4);
	if (pkt[6] != IPPROTO_ICMPV6 || pkt[7] != 255 || plen < ND_HDR ||
	    40 + plen > len)
		return -1;
	if ((icmp[0] != NDP_NS && icmp[0] != NDP_NA) || icmp[1] != 0)
		return -1;
	if (!csum_ok(pkt, icmp, plen))
		return -1;

	m->type = icmp[0];
	memcpy(&m->src, pkt + 8, 16);
	memcpy(&m->dst, pkt + 24, 16);
	memcpy(&m->target, icmp + 8, 16);
	if (m->type == NDP_NA)
		m->na_flags = get32(icmp + 4) & 0xe0000000u;
	if (parse_opts(icmp + ND_HDR, plen - ND_HDR, m))
		return -1;
	return check_rules(m);
}

static size_t build(uint8_t *buf, size_t cap, const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t type, uint32_t word,
		    const struct in6_addr *target, uint8_t opt,
		    const uint8_t val[6])
{
	const size_t plen = ND_HDR + 8;
	uint8_t *icmp = buf + 40;
	uint32_t s;

	if (cap < 40 + plen)
		return 0;
	memset(buf, 0, 40 + plen);
	buf[0] = 0x60;
	put16(buf + 4, (uint16_t)plen);
	buf[6] = IPPROTO_ICMPV6;
	buf[7] = 255; /* RFC 4861: receivers drop ND with any other value */
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);

	icmp[0] = type;
	put32(icmp + 4, word);
	memcpy(icmp + 8, target, 16);
	icmp[ND_HDR] = opt;
	icmp[ND_HDR + 1] = 1;
	memcpy(icmp + ND_HDR + 2, val, 6);

	s = csum_pseudo6(src, dst, IPPROTO_ICMPV6, (uint32_t)plen);
	put16(icmp + 2, csum_finish(csum_add_buf(s, icmp, plen)));
	return 40 + plen;
}

size_t ndp_build_na(uint8_t *buf, size_t cap, const struct in6_addr *src,
		    const struct in6_addr *dst, const struct in6_addr *target,
		    uint32_t flags, const uint8_t mac[6])
{
	return build(buf, cap, src, dst, NDP_NA, flags & 0xe0000000u, target,
		     OPT_TLLA, mac);
}

size_t ndp_build_dad_ns(uint8_t *buf, size_t cap, const struct in6_addr *target,
			const uint8_t nonce[6])
{
	static const struct in6_addr any;
	struct in6_addr sn;

	clat_solicited_node(target, &sn);
	return build(buf, cap, &any, &sn, NDP_NS, 0, target, OPT_NONCE, nonce);
}

bool ndp_ns_answer(const struct ndp_msg *ns, const struct in6_addr *ours,
		   struct in6_addr *dst, uint32_t *flags)
{
	static const struct in6_addr all_nodes = {
		.s6_addr = { 0xff, 0x02, [15] = 1 }
	};

	if (ns->type != NDP_NS || memcmp(&ns->target, ours, sizeof(*ours)))
		return false;
	if (is_unspec(&ns->src)) {
		*dst = all_nodes;
		*flags = NDP_NA_OVERRIDE;
		return true;
	}
	*dst = ns->src;
	*flags = NDP_NA_SOLICITED | NDP_NA_OVERRIDE;
	return true;
}

void ndp_dad_init(struct ndp_dad *d, unsigned int probes,
		  unsigned int max_tries, uint64_t retrans_ms)
{
	memset(d, 0, sizeof(*d));
	d->state = NDP_DAD_IDLE;
	d->probes = probes ? probes : 1;
	d->max_tries = max_tries ? max_tries : 1;
	d->retrans_ms = retrans_ms;
}

void ndp_dad_begin(struct ndp_dad *d, const struct in6_addr *target,
		   const uint8_t nonce[6], uint64_t now_ms)
{
	d->state = NDP_DAD_PROBING;
	d->target = *target;
	memcpy(d->nonce, nonce, 6);
	d->sent = 0;
	d->next_ms = now_ms;
}

static enum ndp_dad_action dad_probe(struct ndp_dad *d, uint64_t now_ms,
				     uint64_t *wait_ms)
{
	if (now_ms < d->next_ms) {
		if (wait_ms)
			*wait_ms = d->next_ms - now_ms;
		return NDP_DAD_WAIT;
	}
	if (d->sent < d->probes) {
		d->sent++;
		d->next_ms = now_ms + d->retrans_ms;
		return NDP_DAD_SEND_NS;
	}
	d->state = NDP_DAD_DONE;
	return NDP_DAD_OK;
}

enum ndp_dad_action ndp_dad_poll(struct ndp_dad *d, uint64_t now_ms,
				 uint64_t *wait_ms)
{
	switch (d->state) {
	case NDP_DAD_PROBING:
		return dad_probe(d, now_ms, wait_ms);
	case NDP_DAD_CONFLICT:
		if (++d->conflicts >= d->max_tries) {
			d->state = NDP_DAD_FAILED;
			return NDP_DAD_GIVE_UP;
		}
		d->state = NDP_DAD_IDLE;
		return NDP_DAD_NEW_ADDR;
	case NDP_DAD_DONE:
		return NDP_DAD_OK;
	case NDP_DAD_FAILED:
		return NDP_DAD_GIVE_UP;
	case NDP_DAD_IDLE:
		break;
	}
	if (wait_ms)
		*wait_ms = 0;
	return NDP_DAD_WAIT;
}

bool ndp_dad_input(struct ndp_dad *d, const struct ndp_msg *m)
{
	if (d->state != NDP_DAD_PROBING)
		return false;
	if (memcmp(&m->target, &d->target, sizeof(d->target)))
		return false;
	if (m->type == NDP_NS) {
		/* RFC 4862 5.4.3: only another node's DAD probe counts; an
		 * NS with a source is address resolution and is ignored.
		 * RFC 7527: our own probe looped back carries our nonce. */
		if (!is_unspec(&m->src))
			return false;
		if (m->has_nonce && !memcmp(m->nonce, d->nonce, 6))
			return false;
	}
	d->state = NDP_DAD_CONFLICT;
	return true;
}
