/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the TC programs share (clat.bpf.c, nat64.bpf.c, clat_shared.bpf.c):
 * protocol numbers, per-CPU counters, the IPv4 header checksum, the
 * ICMPv6 pseudo-header and the Ethernet type under BPF_PROG_TEST_RUN.  Everything is inlined: a
 * program's per-packet helper calls are what they were without it.
 */
#ifndef XLAT_BPF_TC_COMMON_H
#define XLAT_BPF_TC_COMMON_H

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

#define NH_HOP 0
#define NH_TCP 6
#define NH_UDP 17
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_ICMP6 58
#define NH_DSTOPTS 60
#define PROTO_ICMP 1

#define IP4_DF 0x4000
#define IP4_MF 0x2000
#define IP4_OFFMASK 0x1fff

/* Add n to counter c of map, a per-CPU array of __u64 (each program has
 * its own, with its own enum). */
static __always_inline void stats_add(void *map, __u32 c, __u64 n)
{
	__u32 k = c;
	__u64 *v = bpf_map_lookup_elem(map, &k);

	if (v)
		*v += n;
}

/* The checksum of an option-less IPv4 header: 0 over a right one, and
 * the value of its check field when that is zero. */
static __always_inline __u16 ip4_csum(const struct iphdr *h)
{
	const __u16 *w = (const __u16 *)h;
	__u32 s = 0;

#pragma unroll
	for (int i = 0; i < 10; i++)
		s += w[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/* The L3 pseudo-header of RFC 8200 section 8.1, for csum_diff(). */
struct pseudo6 {
	__u32 saddr[4];
	__u32 daddr[4];
	__u32 len;
	__u32 nexthdr;
};

/*
 * ICMPv6 sums the pseudo-header of ip6 (payload length plen), ICMPv4
 * nothing of the kind: the checksum difference that takes it out
 * (from6) or puts it in.  One bpf_csum_diff(), as written out in place.
 */
static __always_inline __s64 icmp6_pseudo_diff(const struct ipv6hdr *ip6,
					       __u32 plen, bool from6)
{
	struct pseudo6 ph;

	__builtin_memcpy(ph.saddr, ip6->saddr.in6_u.u6_addr32, 16);
	__builtin_memcpy(ph.daddr, ip6->daddr.in6_u.u6_addr32, 16);
	ph.len = bpf_htonl(plen);
	ph.nexthdr = bpf_htonl(NH_ICMP6);
	if (from6)
		return bpf_csum_diff((__be32 *)&ph, sizeof(ph), NULL, 0, 0);
	return bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph), 0);
}

/* BPF_PROG_TEST_RUN frames packets as Ethernet: keep the type right
 * (off: the link header's length; a TUN has none). */
static __always_inline int set_ethertype(struct __sk_buff *skb, __u32 off,
					 __u16 proto)
{
	__u16 p = bpf_htons(proto);

	if (off < 14)
		return 0;
	return bpf_skb_store_bytes(skb, 12, &p, 2, 0);
}

#endif
