// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clat_shared_in: uplink ingress (tc) program of the shared-address CLAT;
 * see clat_shared.h and docs/clat-shared.md.  It never changes a packet:
 * it only decides whether the host's stack gets it.
 */
#include "vmlinux.h"

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "clat_shared.h"
#include "tc_common.h"

#define ICMP6_ECHO_REQ 128
#define ICMP6_ECHO_REP 129

struct clat_shared_cfg shared_cfg;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384); /* the loader sets the NAPT's size */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct clat_shared_key);
	__type(value, __u8);
} shared_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CLAT_SHARED__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} shared_stats SEC(".maps");

static __always_inline void count(enum clat_shared_counter c)
{
	stats_add(&shared_stats, c, 1);
}

static __always_inline bool is_host(const __u32 *a)
{
	const __u32 *h = (const __u32 *)shared_cfg.addr6;

	return a[0] == h[0] && a[1] == h[1] && a[2] == h[2] && a[3] == h[3];
}

/* The key of a transport header at off: its destination port (dst) or
 * source port; for ICMPv6 the echo identifier of the given type. */
static __always_inline int l4_key(struct __sk_buff *skb, __u32 off, __u8 nh,
				  bool dst, __u8 echo_type,
				  struct clat_shared_key *k)
{
	__u8 h[8];

	if (bpf_skb_load_bytes(skb, off, h, 8))
		return -1;
	if (nh == NH_TCP || nh == NH_UDP) {
		k->proto = nh;
		__builtin_memcpy(&k->port, dst ? h + 2 : h, 2);
		return 0;
	}
	if (nh != NH_ICMP6 || h[0] != echo_type)
		return -1;
	k->proto = PROTO_ICMP;
	__builtin_memcpy(&k->port, h + 4, 2);
	return 0;
}

SEC("tc")
int clat_shared_in(struct __sk_buff *skb)
{
	__u32 off = shared_cfg.l2len > 14 ? 14 : shared_cfg.l2len;
	struct clat_shared_key k = {};
	struct ipv6hdr ip6, in6;
	bool err = false;
	__u8 t;

	if (skb->protocol != bpf_htons(ETH_P_IPV6) || !shared_cfg.enabled)
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)) ||
	    !is_host(ip6.daddr.in6_u.u6_addr32))
		return TC_ACT_OK;
	off += sizeof(ip6);
	if (ip6.nexthdr == NH_ICMP6) {
		if (bpf_skb_load_bytes(skb, off, &t, 1))
			return TC_ACT_OK;
		err = t >= 1 && t <= 4;
	}
	if (!err) {
		if (l4_key(skb, off, ip6.nexthdr, true, ICMP6_ECHO_REP, &k))
			return TC_ACT_OK;
	} else {
		/* The packet this error is about left with our source port. */
		off += 8;
		if (bpf_skb_load_bytes(skb, off, &in6, sizeof(in6)) ||
		    !is_host(in6.saddr.in6_u.u6_addr32) ||
		    l4_key(skb, off + sizeof(in6), in6.nexthdr, false,
			   ICMP6_ECHO_REQ, &k))
			return TC_ACT_OK;
	}
	if (!bpf_map_lookup_elem(&shared_ports, &k)) {
		count(CLAT_SHARED_HOST);
		return TC_ACT_OK;
	}
	count(err ? CLAT_SHARED_STOLEN_ICMP_ERR : CLAT_SHARED_STOLEN);
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
