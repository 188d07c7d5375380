// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CLAT fast path: two TC programs that translate the common case in place
 * (RFC 7915, host mode: TTL/hop limit unchanged) and hand every other
 * packet, untouched, to the complete userspace engine.
 *
 *   clat_up_ingress   uplink ingress, IPv6 -> IPv4, passed on up the
 *                     stack in place (or, under strict rp_filter,
 *                     redirected into the ingress of the CLAT TUN).
 *   clat_tun_egress   TUN egress, IPv4 -> IPv6, redirected out of the
 *                     uplink through the neighbour subsystem.
 *   clat_up_egress    uplink egress, IPv4 from the CLAT address (its
 *                     default route goes via the IPv6 router on the
 *                     uplink) -> IPv6 in place; the rest into the TUN.
 *
 * TC_ACT_OK means "not mine": on the uplink the packet goes on to the
 * stack and the CLAT's packet socket, on the TUN to the CLAT's reader.
 * Headers are read with bpf_skb_load_bytes(), which copes with
 * non-linear skbs; rewrites go through helpers that keep skb->csum
 * (CHECKSUM_COMPLETE) and CHECKSUM_PARTIAL state right.
 */
#include "vmlinux.h"

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "clat_fp.h"
#include "../engine/ipv4_special.h"
#include "clat_pkt.h"
#include "icmp4_zero.h"
#include "tc_common.h"

/* The IPv6 extension headers the CLAT leaves to userspace by name. */
#define NH_ESP 50
#define NH_AH 51
#define NH_MOBILITY 135
#define NH_HIP 139
#define NH_SHIM6 140
#define NH_EXP1 253
#define NH_EXP2 254

struct clat_fp_cfg clat_cfg;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CLAT_FP__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} clat_stats SEC(".maps");

/* What the two directions learn from the L4 header. */
struct l4info {
	__u32 csum_off; /* of the checksum field, from the L4 header */
	__u16 icmp_old; /* type/code word before and after, ICMP only */
	__u16 icmp_new;
	__u8 zero;       /* enum icmp4_zero, 6->4 ICMP only */
	__u64 csum_flags;
};

static __always_inline void add(enum clat_fp_counter c, __u64 n)
{
	stats_add(&clat_stats, c, n);
}

static __always_inline void count(enum clat_fp_counter c)
{
	add(c, 1);
}

/* A packet translated one for one: in and out L3 lengths. */
static __always_inline void count_xlat(bool from6, __u32 in_len,
				       __u32 out_len)
{
	add(from6 ? CLAT_FP_XLAT_6TO4 : CLAT_FP_XLAT_4TO6, 1);
	add(from6 ? CLAT_FP_BYTES_6TO4_IN : CLAT_FP_BYTES_4TO6_IN, in_len);
	add(from6 ? CLAT_FP_BYTES_6TO4_OUT : CLAT_FP_BYTES_4TO6_OUT, out_len);
}

static __always_inline int pass(enum clat_fp_counter c)
{
	count(c);
	return TC_ACT_OK;
}

/*
 * Check the transport header of an unfragmented packet, in the linear
 * area (direct packet access: no helper call, no copy), and say how its
 * checksum changes (from6: the input is IPv6).  Returns 0 or the pass
 * counter.
 */
static __always_inline int l4_check_p(const __u8 *h, const void *end,
				      __u8 proto, __u32 plen, bool from6,
				      struct l4info *li)
{
	__u8 t;

	li->csum_flags = BPF_F_PSEUDO_HDR;
	if (proto == NH_TCP) {
		if (plen < 20 || (const void *)(h + 20) > end)
			return CLAT_FP_PASS_MALFORMED;
		if ((h[12] >> 4) < 5 || (__u32)(h[12] >> 4) * 4 > plen)
			return CLAT_FP_PASS_MALFORMED;
		li->csum_off = 16;
		return 0;
	}
	if (plen < 8 || (const void *)(h + 8) > end)
		return CLAT_FP_PASS_MALFORMED;
	if (proto == NH_UDP) {
		if (((__u32)h[4] << 8 | h[5]) != plen)
			return CLAT_FP_PASS_MALFORMED;
		if (h[6] == 0 && h[7] == 0)
			return CLAT_FP_PASS_UDP0;
		li->csum_off = 6;
		li->csum_flags |= BPF_F_MARK_MANGLED_0;
		return 0;
	}
	if (h[1] != 0)
		return CLAT_FP_PASS_ICMP;
	t = h[0];
	if (from6 && t == CLAT_FP_ICMP6_ECHO_REQ)
		t = CLAT_FP_ICMP4_ECHO_REQ;
	else if (from6 && t == CLAT_FP_ICMP6_ECHO_REP)
		t = CLAT_FP_ICMP4_ECHO_REP;
	else if (!from6 && t == CLAT_FP_ICMP4_ECHO_REQ)
		t = CLAT_FP_ICMP6_ECHO_REQ;
	else if (!from6 && t == CLAT_FP_ICMP4_ECHO_REP)
		t = CLAT_FP_ICMP6_ECHO_REP;
	else
		return CLAT_FP_PASS_ICMP;
	/* An all-zero ICMPv4 message needs its checksum fixed, and one
	 * with data a look at them (icmp4_zero.h). */
	if (from6) {
		__u16 id, seq;

		__builtin_memcpy(&id, h + 4, 2);
		__builtin_memcpy(&seq, h + 6, 2);
		li->zero = icmp4_zero_kind(t, h[1], id, seq, plen);
		if (li->zero == ICMP4_ZERO_DATA)
			return CLAT_FP_PASS_ZERO_ECHO;
	}
	__builtin_memcpy(&li->icmp_old, h, 2);
	li->icmp_new = li->icmp_old;
	*(__u8 *)&li->icmp_new = t;
	li->csum_off = 2;
	return 0;
}

/* Rewrite the L4 header after the IP header has been replaced. */
static __always_inline int l4_fix(struct __sk_buff *skb, __u32 l4, __u8 proto,
				  const struct l4info *li, __s64 diff)
{
	__u32 at = l4 + li->csum_off;

	if (diff < 0)
		return -1;
	if (proto == PROTO_ICMP || proto == NH_ICMP6) {
		if (bpf_skb_store_bytes(skb, l4, &li->icmp_new, 2, 0))
			return -1;
		if (bpf_l4_csum_replace(skb, at, li->icmp_old, li->icmp_new, 2))
			return -1;
	}
	return bpf_l4_csum_replace(skb, at, 0, diff, li->csum_flags);
}

/*
 * bpf_redirect_neigh() takes an Ethernet frame (it pulls the header and
 * lets the neighbour code write the real one); a TUN gives us bare IP.
 * Any unicast placeholder does.
 */
static __always_inline int add_l2(struct __sk_buff *skb)
{
	__u8 eth[14] = {};

	eth[12] = ETH_P_IPV6 >> 8;
	eth[13] = ETH_P_IPV6 & 0xff;
	if (bpf_skb_change_head(skb, sizeof(eth), 0))
		return -1;
	return bpf_skb_store_bytes(skb, 0, eth, sizeof(eth), 0);
}

/* Which IPv6 next headers the fast path leaves to userspace, and why. */
static __always_inline int nexthdr_pass(__u8 nh)
{
	switch (nh) {
	case NH_TCP:
	case NH_UDP:
	case NH_ICMP6:
		return 0;
	case NH_FRAGMENT:
		return CLAT_FP_PASS_FRAG;
	case NH_HOP:
	case NH_ROUTING:
	case NH_DSTOPTS:
	case NH_AH:
	case NH_ESP:
	case NH_MOBILITY:
	case NH_HIP:
	case NH_SHIM6:
	case NH_EXP1:
	case NH_EXP2:
		return CLAT_FP_PASS_EXTHDR;
	}
	return CLAT_FP_PASS_PROTO;
}

/* Ingress, one instance per link-header length (0 or 14, a constant). */
static __always_inline int ingress64_at(struct __sk_buff *skb, const __u32 off)
{
	const struct clat_fp_cfg *c = &clat_cfg;
	void *data, *end;
	struct ipv6hdr ip6;
	struct iphdr ip4 = {};
	struct l4info li = {};
	__u32 plen, src4, tot;
	__s64 diff;
	int r;

	/* Every IPv6 packet of the host passes here: look at its
	 * destination first, pulling nothing the host's own traffic
	 * would then pay for. */
	if (skb->len < off + sizeof(ip6) || !linear(skb, off + sizeof(ip6)))
		return TC_ACT_OK;
	data = SKB_PTR(skb, data);
	end = SKB_PTR(skb, data_end);
	if (data + off + sizeof(ip6) > end)
		return TC_ACT_OK;
	__builtin_memcpy(&ip6, data + off, sizeof(ip6));
	if (!eq6(ip6.daddr.in6_u.u6_addr32, (const __u32 *)c->clat6))
		return TC_ACT_OK; /* the host's own traffic */

	plen = bpf_ntohs(ip6.payload_len);
	if (ip6.version != 6 || skb->len != off + sizeof(ip6) + plen)
		return pass(CLAT_FP_PASS_MALFORMED);
	if (!in_pfx(c, ip6.saddr.in6_u.u6_addr32))
		return pass(CLAT_FP_PASS_ADDR);
	src4 = extract4(c, ip6.saddr.in6_u.u6_addr8);
	if (special4(src4, *(const __u32 *)c->clat4))
		return pass(CLAT_FP_PASS_ADDR);
	if (c->wkp_global && nonglobal4(src4))
		return pass(CLAT_FP_PASS_NONGLOBAL);
	if (ip6.hop_limit == 0)
		return pass(CLAT_FP_PASS_TTL);
	r = nexthdr_pass(ip6.nexthdr);
	if (r)
		return pass(r);
	if (!linear(skb, skb->len < off + 60 ? skb->len : off + 60))
		return pass(CLAT_FP_PASS_MALFORMED);
	data = SKB_PTR(skb, data);
	end = SKB_PTR(skb, data_end);
	if (data + off + sizeof(ip6) > end)
		return pass(CLAT_FP_PASS_MALFORMED);
	r = l4_check_p(data + off + sizeof(ip6), end, ip6.nexthdr, plen, true,
		       &li);
	if (r)
		return pass(r);

	tot = plen + sizeof(ip4);
	ip4.version = 4;
	ip4.ihl = 5;
	ip4.tos = ip6.priority << 4 | ip6.flow_lbl[0] >> 4;
	ip4.tot_len = bpf_htons(tot);
	/* RFC 7915 5.1: DF only above 1260 bytes, so that IPv4 routers may
	 * fragment the smaller ones; every packet gets an Identification,
	 * as the engine's do (its next_id counter, our random numbers). */
	if (tot > CLAT_FP_DF_MAX)
		ip4.frag_off = bpf_htons(IP4_DF);
	ip4.id = (__u16)bpf_get_prandom_u32();
	ip4.ttl = ip6.hop_limit;
	ip4.protocol = ip6.nexthdr == NH_ICMP6 ? PROTO_ICMP : ip6.nexthdr;
	ip4.saddr = src4;
	ip4.daddr = *(const __u32 *)c->clat4;
	ip4.check = ip4_csum(&ip4);

	if (ip6.nexthdr == NH_ICMP6)
		diff = icmp6_pseudo_diff(&ip6, plen, true);
	else
		diff = addr_csum_diff((const __u32 *)&ip6.saddr, 8,
				      (const __u32 *)&ip4.saddr, 2);

	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0))
		return pass(CLAT_FP_ERR_HELPER); /* skb unchanged on failure */
	/* From here on the packet is half-translated: errors drop it. */
	if (bpf_skb_store_bytes(skb, off, &ip4, sizeof(ip4),
				BPF_F_RECOMPUTE_CSUM) ||
	    set_ethertype(skb, off, ETH_P_IP) ||
	    ((ip6.nexthdr == NH_ICMP6 || !csum_neutral(diff)) &&
	     l4_fix(skb, off + sizeof(ip4), ip6.nexthdr, &li, diff)) ||
	    (li.zero == ICMP4_ZERO_YES &&
	     icmp4_zero_fix(skb, off + sizeof(ip4) + 2))) {
		count(CLAT_FP_ERR_HELPER);
		return TC_ACT_SHOT;
	}
	count_xlat(true, sizeof(ip6) + plen, tot);
	/* In place: the IPv4 packet goes on up the stack from the uplink,
	 * in this same pass, GRO aggregates kept (the CLAT address is a
	 * local address, so it is delivered).  Through the TUN's ingress
	 * only where strict reverse-path filtering would drop it there. */
	if (c->pass_up)
		return TC_ACT_OK;
	return bpf_redirect(c->tun_ifindex, BPF_F_INGRESS);
}

SEC("tc")
int clat_up_ingress(struct __sk_buff *skb)
{
	const struct clat_fp_cfg *c = &clat_cfg;

	if (skb->protocol != bpf_htons(ETH_P_IPV6) || !c->enabled)
		return TC_ACT_OK;
	if (c->up_l2len == 0)
		return ingress64_at(skb, 0);
	if (c->up_l2len == 14)
		return ingress64_at(skb, 14);
	return TC_ACT_OK;
}

/*
 * IPv4 -> IPv6 of one packet from the CLAT address, in place.  Two hooks
 * share it: the TUN's egress (the default route goes through the CLAT
 * TUN: the result leaves by bpf_redirect_neigh() out of the uplink) and
 * the uplink's egress (the default route goes via the IPv6 router on the
 * uplink, as NetworkManager's CLAT does: the frame already carries the
 * router's MAC, so the result simply goes on; what the program leaves
 * to the engine is redirected into the TUN, where xlatd reads it).
 */
static __always_inline int pass46(bool up, enum clat_fp_counter r)
{
	count(r);
	return up ? bpf_redirect(clat_cfg.tun_ifindex, 0) : TC_ACT_OK;
}

/*
 * One instance per link-header length (0 or 14, a constant): headers are
 * read and the IPv6 header written by direct packet access, because a
 * helper call and a copy per field cost more than the rest of the
 * translation on small packets, which is where the host feels a CLAT.
 */
static __always_inline int egress46_at(struct __sk_buff *skb, bool up,
				       const __u32 off)
{
	const struct clat_fp_cfg *c = &clat_cfg;
	const __u32 clat4 = *(const __u32 *)c->clat4;
	void *data, *end;
	struct iphdr ip4;
	struct ipv6hdr ip6 = {};
	struct l4info li = {};
	__u32 tot, plen, out, frag, w, mtu;
	__s64 diff;
	int r;

	if (!linear(skb, skb->len < off + 60 ? skb->len : off + 60))
		return up ? TC_ACT_OK : pass(CLAT_FP_PASS_MALFORMED);
	data = SKB_PTR(skb, data);
	end = SKB_PTR(skb, data_end);
	if (data + off + sizeof(ip4) > end)
		return up ? TC_ACT_OK : pass(CLAT_FP_PASS_MALFORMED);
	__builtin_memcpy(&ip4, data + off, sizeof(ip4));
	/* On the uplink, IPv4 from any other source is the host's own
	 * native traffic: not ours to touch. */
	if (up && ip4.saddr != clat4)
		return TC_ACT_OK;

	tot = bpf_ntohs(ip4.tot_len);
	if (ip4.version != 4 || ip4.ihl < 5)
		return pass46(up, CLAT_FP_PASS_MALFORMED);
	if (ip4.ihl != 5)
		return pass46(up, CLAT_FP_PASS_OPTIONS);
	if (skb->len != off + tot || tot < sizeof(ip4) || ip4_csum(&ip4) != 0)
		return pass46(up, CLAT_FP_PASS_MALFORMED);
	frag = bpf_ntohs(ip4.frag_off);
	if (frag & (IP4_MF | IP4_OFFMASK))
		return pass46(up, CLAT_FP_PASS_FRAG);
	if (ip4.saddr != clat4 || special4(ip4.daddr, clat4))
		return pass46(up, CLAT_FP_PASS_ADDR);
	if (c->wkp_global && nonglobal4(ip4.daddr))
		return pass46(up, CLAT_FP_PASS_NONGLOBAL);
	if (ip4.ttl == 0)
		return pass46(up, CLAT_FP_PASS_TTL);
	if (ip4.protocol != NH_TCP && ip4.protocol != NH_UDP &&
	    ip4.protocol != PROTO_ICMP)
		return pass46(up, CLAT_FP_PASS_PROTO);
	plen = tot - sizeof(ip4);
	r = l4_check_p(data + off + sizeof(ip4), end, ip4.protocol, plen,
		       false, &li);
	if (r)
		return pass46(up, r);
	/* Fragmenting (DF=0, RFC 7915 4.1) and Fragmentation Needed (DF=1)
	 * are userspace's: the engine does both beyond its lowest IPv6 MTU,
	 * and nothing bigger than the uplink fits through here. */
	out = plen + sizeof(ip6);
	mtu = c->min_mtu6 < c->up_mtu ? c->min_mtu6 : c->up_mtu;
	if (skb->gso_size) {
		/* A TCP super-packet from the host (egress runs before
		 * segmentation).  bpf_skb_change_proto() shrinks gso_size
		 * by 20, so each segment keeps its IPv4 wire size.  A
		 * segment's IPv6 size: 40 + TCP header + gso_size - 20. */
		const __u8 *th = data + off + sizeof(ip4);

		if (ip4.protocol != NH_TCP || (const void *)(th + 20) > end)
			return pass46(up, CLAT_FP_PASS_SIZE);
		if (sizeof(ip4) + (__u32)(th[12] >> 4) * 4 + skb->gso_size > mtu)
			return pass46(up, CLAT_FP_PASS_SIZE);
	} else if (out > mtu) {
		return pass46(up, CLAT_FP_PASS_SIZE);
	}

	w = 6u << 28 | (__u32)ip4.tos << 20;
	*(__u32 *)&ip6 = bpf_htonl(w);
	ip6.payload_len = bpf_htons(plen);
	ip6.nexthdr = ip4.protocol == PROTO_ICMP ? NH_ICMP6 : ip4.protocol;
	ip6.hop_limit = ip4.ttl;
	__builtin_memcpy(ip6.saddr.in6_u.u6_addr32, c->clat6, 16);
	embed4(c, ip4.daddr, ip6.daddr.in6_u.u6_addr8);

	if (ip4.protocol == PROTO_ICMP)
		diff = icmp6_pseudo_diff(&ip6, plen, false);
	else
		diff = addr_csum_diff((const __u32 *)&ip4.saddr, 2,
				      (const __u32 *)&ip6.saddr, 8);

	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0))
		return pass46(up, CLAT_FP_ERR_HELPER);
	/* From here on the packet is half-translated: errors drop it.
	 * Egress skbs are never CHECKSUM_COMPLETE, so plain stores keep
	 * the checksum state right (CHECKSUM_PARTIAL is fixed below). */
	data = SKB_PTR(skb, data);
	end = SKB_PTR(skb, data_end);
	if (data + off + sizeof(ip6) > end) {
		count(CLAT_FP_ERR_HELPER);
		return TC_ACT_SHOT;
	}
	__builtin_memcpy(data + off, &ip6, sizeof(ip6));
	if (off >= 14)
		((struct ethhdr *)data)->h_proto = bpf_htons(ETH_P_IPV6);
	if ((ip4.protocol == PROTO_ICMP || !csum_neutral(diff)) &&
	    l4_fix(skb, off + sizeof(ip6), ip6.nexthdr, &li, diff)) {
		count(CLAT_FP_ERR_HELPER);
		return TC_ACT_SHOT;
	}
	if (up) {
		count_xlat(false, tot, out);
		return TC_ACT_OK;
	}
	if (off == 0 && add_l2(skb)) {
		count(CLAT_FP_ERR_HELPER);
		return TC_ACT_SHOT;
	}
	count_xlat(false, tot, out);
	return bpf_redirect_neigh(c->up_ifindex, NULL, 0, 0);
}

static __always_inline int egress46(struct __sk_buff *skb, bool up)
{
	const struct clat_fp_cfg *c = &clat_cfg;
	__u32 l2 = up ? c->up_l2len : c->tun_l2len;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (up && !c->enabled)
		return TC_ACT_OK; /* not ours (the route is the TUN's then) */
	if (!c->enabled)
		return pass(CLAT_FP_PASS_DISABLED);
	if (l2 == 0)
		return egress46_at(skb, up, 0);
	if (l2 == 14)
		return egress46_at(skb, up, 14);
	return up ? TC_ACT_OK : pass(CLAT_FP_PASS_MALFORMED);
}

SEC("tc")
int clat_tun_egress(struct __sk_buff *skb)
{
	return egress46(skb, false);
}

SEC("tc")
int clat_up_egress(struct __sk_buff *skb)
{
	return egress46(skb, true);
}

char LICENSE[] SEC("license") = "GPL";
