/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the CLAT's TC programs that know nothing of the direction:
 * addresses (RFC 6052 at any prefix length), checksums and direct packet
 * access.  Included by clat.bpf.c only.
 */
#ifndef XLAT_BPF_CLAT_PKT_H
#define XLAT_BPF_CLAT_PKT_H

#include "rfc6052.h"

static __always_inline bool eq6(const __u32 *a, const __u32 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* Addresses userspace decides about: multicast, broadcast and reserved,
 * "this network", loopback, and the CLAT's own address. */
static __always_inline bool special4(__u32 a_be, __u32 clat4_be)
{
	__u32 a = bpf_ntohl(a_be);

	return a_be == clat4_be || (a >> 28) >= 0xe || (a >> 24) == 0 ||
	       (a >> 24) == 0x7f;
}

/* RFC 6052 section 3.1 with the well-known prefix: the engine's table. */
static __always_inline bool nonglobal4(__u32 a_be)
{
	return ipv4_nonglobal(bpf_ntohl(a_be));
}

static __always_inline bool in_pfx(const struct clat_fp_cfg *c, const __u32 *a)
{
	return rfc6052_in(c->pfx, c->pfx_mask, a);
}

static __always_inline __u32 extract4(const struct clat_fp_cfg *c, const __u8 *a)
{
	return rfc6052_extract(c->v4pos, a);
}

static __always_inline void embed4(const struct clat_fp_cfg *c, __u32 v4, __u8 *out)
{
	rfc6052_embed(c->pfx, c->v4pos, v4, out);
}

/*
 * What bpf_csum_diff(from, 4 * nf, to, 4 * nt, 0) returns, up to a
 * multiple of 0xffff (all its users fold it): the sum of the new words
 * and the complements of the old, with end-around carry.  Inline, for
 * the address change every TCP/UDP packet makes: one helper call less.
 */
static __always_inline __s64 addr_csum_diff(const __u32 *from, const int nf,
					    const __u32 *to, const int nt)
{
	__u64 s = 0;

#pragma unroll
	for (int i = 0; i < nf; i++)
		s += (__u32)~from[i];
#pragma unroll
	for (int i = 0; i < nt; i++)
		s += to[i];
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	return (__s64)s;
}

/*
 * Zero in ones' complement: the address change leaves every TCP/UDP
 * checksum as it is.  That is the common case, not luck: the CLAT's
 * IPv6 address is chosen checksum-neutral to its IPv4 address, and the
 * well-known prefix is neutral to the IPv4 address it embeds.
 */
static __always_inline bool csum_neutral(__s64 diff)
{
	__u32 s = (__u32)diff;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0 || s == 0xffff;
}

/*
 * skb->data and skb->data_end, each read straight from the context at
 * its own offset: the compiler may otherwise share one load between
 * them through a computed context pointer, which the verifier refuses.
 */
#define SKB_PTR(skb, field)                                                    \
	({                                                                     \
		__u64 __v;                                                     \
		asm volatile("%0 = *(u32 *)(%1 + %2)"                          \
			     : "=r"(__v)                                       \
			     : "r"(skb),                                       \
			       "i"(__builtin_offsetof(struct __sk_buff, field))); \
		(void *)(long)__v;                                             \
	})

/* Make the first n bytes (n <= skb->len) linear; 0 if it had to fail. */
static __always_inline bool linear(struct __sk_buff *skb, __u32 n)
{
	void *data = SKB_PTR(skb, data);
	void *end = SKB_PTR(skb, data_end);

	if (n > 74)
		n = 74;
	if (data + n <= end)
		return true;
	return bpf_skb_pull_data(skb, n) == 0;
}

#endif
