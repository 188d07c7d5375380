// SPDX-License-Identifier: GPL-2.0-or-later
/* Test packet builders and validators: see pkt.h. */
#include "pkt.h"

#include "engine/checksum.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct in_addr pkt_a4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "bad IPv4 literal %s\n", s);
		abort();
	}
	return a;
}

struct in6_addr pkt_a6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		fprintf(stderr, "bad IPv6 literal %s\n", s);
		abort();
	}
	return a;
}

size_t pkt_ip4(uint8_t *buf, const struct pkt4_spec *s, const void *payload,
	       size_t plen)
{
	size_t ihl = 20 + s->optlen;
	struct in_addr a;
	uint16_t frag = s->frag_off & 0x1fff;

	memset(buf, 0, 20);
	buf[0] = (uint8_t)(0x40 | (ihl / 4));
	buf[1] = s->tos;
	put16(buf + 2, (uint16_t)(ihl + plen));
	put16(buf + 4, s->id);
	if (s->df)
		frag |= 0x4000;
	if (s->mf)
		frag |= 0x2000;
	put16(buf + 6, frag);
	buf[8] = s->ttl ? s->ttl : 64;
	buf[9] = s->proto;
	a = pkt_a4(s->src);
	memcpy(buf + 12, &a, 4);
	a = pkt_a4(s->dst);
	memcpy(buf + 16, &a, 4);
	if (s->optlen)
		memcpy(buf + 20, s->opts, s->optlen);
	memmove(buf + ihl, payload, plen);
	put16(buf + 10, ip4_header_csum(buf, ihl));
	return ihl + plen;
}

size_t pkt_ip6(uint8_t *buf, const struct pkt6_spec *s, const void *payload,
	       size_t plen)
{
	struct in6_addr a;

	put32(buf, 0x60000000u | (uint32_t)s->tclass << 20 |
			   (s->flow & 0xfffff));
	put16(buf + 4, (uint16_t)plen);
	buf[6] = s->nexthdr;
	buf[7] = s->hlim ? s->hlim : 64;
	a = pkt_a6(s->src);
	memcpy(buf + 8, &a, 16);
	a = pkt_a6(s->dst);
	memcpy(buf + 24, &a, 16);
	memmove(buf + 40, payload, plen);
	return 40 + plen;
}

size_t pkt_udp(uint8_t *buf, uint16_t sport, uint16_t dport, const void *data,
	       size_t len)
{
	put16(buf, sport);
	put16(buf + 2, dport);
	put16(buf + 4, (uint16_t)(8 + len));
	put16(buf + 6, 0);
	memmove(buf + 8, data, len);
	return 8 + len;
}

size_t pkt_tcp(uint8_t *buf, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint8_t flags, const void *data, size_t len)
{
	memset(buf, 0, 20);
	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, seq);
	buf[12] = 5 << 4;
	buf[13] = flags;
	put16(buf + 14, 65535);
	memmove(buf + 20, data, len);
	return 20 + len;
}

size_t pkt_icmp(uint8_t *buf, uint8_t type, uint8_t code, uint32_t rest,
		const void *data, size_t len)
{
	buf[0] = type;
	buf[1] = code;
	put16(buf + 2, 0);
	put32(buf + 4, rest);
	memmove(buf + 8, data, len);
	return 8 + len;
}

static size_t l4_csum_off(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 16;
	case IPPROTO_UDP:
		return 6;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 2;
	}
	return 0;
}

void pkt_fix_l4_csum4(uint8_t *pkt, size_t len)
{
	size_t ihl = (pkt[0] & 0xf) * 4, l4len = len - ihl, off;
	uint8_t *l4 = pkt + ihl;
	uint32_t sum = 0;
	uint16_t c;

	off = l4_csum_off(pkt[9]);
	if (!off)
		return;
	put16(l4 + off, 0);
	if (pkt[9] != IPPROTO_ICMP)
		sum = csum_pseudo4((struct in_addr *)(pkt + 12),
				   (struct in_addr *)(pkt + 16), pkt[9],
				   (uint16_t)l4len);
	c = csum_finish(csum_add_buf(sum, l4, l4len));
	if (pkt[9] == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(l4 + off, c);
}

/* Walk the extension header chain; returns the L4 offset or 0. */
static size_t ip6_l4(const uint8_t *p, size_t len, uint8_t *proto, bool *frag)
{
	uint8_t nh = p[6];
	size_t off = 40;

	*frag = false;
	for (;;) {
		switch (nh) {
		case 0:  /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			if (off + 8 > len)
				return 0;
			nh = p[off];
			off += 8 + p[off + 1] * 8;
			break;
		case 44: /* fragment */
			if (off + 8 > len)
				return 0;
			if ((get16(p + off + 2) & 0xfff9) != 0)
				*frag = true; /* offset or M set */
			nh = p[off];
			off += 8;
			break;
		default:
			*proto = nh;
			return off <= len ? off : 0;
		}
	}
}

void pkt_fix_l4_csum6(uint8_t *pkt, size_t len)
{
	uint8_t proto;
	bool frag;
	size_t l4off = ip6_l4(pkt, len, &proto, &frag), off;
	uint16_t c;

	off = l4_csum_off(proto);
	if (!l4off || !off || proto == IPPROTO_ICMP)
		return;
	put16(pkt + l4off + off, 0);
	c = csum_finish(csum_add_buf(
		csum_pseudo6((struct in6_addr *)(pkt + 8),
			     (struct in6_addr *)(pkt + 24), proto,
			     (uint32_t)(len - l4off)),
		pkt + l4off, len - l4off));
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(pkt + l4off + off, c);
}

size_t pkt_ip4_l4(uint8_t *buf, const struct pkt4_spec *s, const void *l4,
		  size_t n)
{
	size_t len = pkt_ip4(buf, s, l4, n);

	pkt_fix_l4_csum4(buf, len);
	return len;
}

size_t pkt_ip6_l4(uint8_t *buf, const struct pkt6_spec *s, const void *l4,
		  size_t n)
{
	size_t len = pkt_ip6(buf, s, l4, n);

	pkt_fix_l4_csum6(buf, len);
	return len;
}

size_t pkt_udp4(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
		uint16_t dport, const void *data, size_t len)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = IPPROTO_UDP };

	pkt_udp(buf + 20, sport, dport, data, len);
	return pkt_ip4_l4(buf, &s, buf + 20, 8 + len);
}

size_t pkt_udp6(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
		uint16_t dport, const void *data, size_t len)
{
	struct pkt6_spec s = { .src = src, .dst = dst, .nexthdr = IPPROTO_UDP };

	pkt_udp(buf + 40, sport, dport, data, len);
	return pkt_ip6_l4(buf, &s, buf + 40, 8 + len);
}

size_t pkt_echo4(uint8_t *buf, const char *src, const char *dst, uint16_t id,
		 uint16_t seq, const void *data, size_t len)
{
	struct pkt4_spec s = { .src = src, .dst = dst, .proto = IPPROTO_ICMP };

	pkt_icmp(buf + 20, 8, 0, (uint32_t)id << 16 | seq, data, len);
	return pkt_ip4_l4(buf, &s, buf + 20, 8 + len);
}

size_t pkt_echo6(uint8_t *buf, const char *src, const char *dst, uint16_t id,
		 uint16_t seq, const void *data, size_t len)
{
	struct pkt6_spec s = { .src = src, .dst = dst,
			       .nexthdr = IPPROTO_ICMPV6 };

	pkt_icmp(buf + 40, 128, 0, (uint32_t)id << 16 | seq, data, len);
	return pkt_ip6_l4(buf, &s, buf + 40, 8 + len);
}

const char *pkt_check4(const uint8_t *p, size_t len)
{
	size_t ihl, tot, l4len, off;
	uint32_t sum = 0;
	uint16_t c;

	if (len < 20)
		return "ipv4: shorter than a header";
	if (p[0] >> 4 != 4)
		return "ipv4: version";
	ihl = (p[0] & 0xf) * 4;
	tot = get16(p + 2);
	if (ihl < 20 || ihl > len)
		return "ipv4: ihl";
	if (tot != len)
		return "ipv4: total length differs from packet length";
	if (csum_fold(csum_add_buf(0, p, ihl)) != 0xffff)
		return "ipv4: header checksum";
	if (get16(p + 6) & 0x8000)
		return "ipv4: reserved flag set";
	if (get16(p + 6) & 0x3fff)
		return NULL; /* a fragment: L4 not checkable alone */
	off = l4_csum_off(p[9]);
	if (!off)
		return NULL;
	l4len = len - ihl;
	if (l4len < off + 2)
		return "ipv4: l4 truncated";
	if (p[9] == IPPROTO_UDP && get16(p + ihl + 6) == 0)
		return NULL; /* legal in IPv4 */
	if (p[9] == IPPROTO_ICMPV6)
		return NULL;
	if (p[9] != IPPROTO_ICMP)
		sum = csum_pseudo4((const struct in_addr *)(p + 12),
				   (const struct in_addr *)(p + 16), p[9],
				   (uint16_t)l4len);
	c = csum_fold(csum_add_buf(sum, p + ihl, l4len));
	if (c != 0xffff)
		return "ipv4: l4 checksum";
	return NULL;
}

const char *pkt_check6(const uint8_t *p, size_t len)
{
	size_t l4off, off, l4len;
	uint8_t proto = 0;
	bool frag;
	uint16_t c;

	if (len < 40)
		return "ipv6: shorter than a header";
	if (p[0] >> 4 != 6)
		return "ipv6: version";
	if ((size_t)get16(p + 4) + 40 != len)
		return "ipv6: payload length differs from packet length";
	l4off = ip6_l4(p, len, &proto, &frag);
	if (!l4off)
		return "ipv6: extension header chain";
	if (frag)
		return NULL;
	if (proto == IPPROTO_ICMP)
		return "ipv6: carries ICMPv4";
	off = l4_csum_off(proto);
	if (!off)
		return NULL;
	l4len = len - l4off;
	if (l4len < off + 2)
		return "ipv6: l4 truncated";
	if (proto == IPPROTO_UDP && get16(p + l4off + 6) == 0)
		return "ipv6: udp checksum zero";
	c = csum_fold(csum_add_buf(
		csum_pseudo6((const struct in6_addr *)(p + 8),
			     (const struct in6_addr *)(p + 24), proto,
			     (uint32_t)l4len),
		p + l4off, l4len));
	if (c != 0xffff)
		return "ipv6: l4 checksum";
	return NULL;
}

const char *pkt_check(const uint8_t *p, size_t len)
{
	if (len < 1)
		return "empty";
	if (p[0] >> 4 == 4)
		return pkt_check4(p, len);
	if (p[0] >> 4 == 6)
		return pkt_check6(p, len);
	return "version";
}
