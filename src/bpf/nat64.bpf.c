// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NAT64 fast path: one TC program on the egress of the [nat64] instance's
 * TUN, where the kernel routes everything for pool6 (from the IPv6 side)
 * and pool4 (from the IPv4 side).  A packet of a session userspace put in
 * the maps, and of the plain kind (TCP without SYN/FIN/RST, UDP with a
 * checksum, ICMP echo; no options, no fragments, no extension headers,
 * no size the engine would fragment or answer), is translated in place
 * exactly as the engine (src/engine/rfc6146.c, rfc7915_*.c) would, and
 * redirected into the TUN's ingress: it comes out of the TUN as the
 * engine's packets do, routed by the same kernel.  Everything else goes
 * on, untouched, into the TUN, to xlatd, which creates sessions and runs
 * the TCP state machine.
 *
 * TC_ACT_OK means "not mine".  Rewrites go through helpers that keep the
 * skb's checksum state right (CHECKSUM_PARTIAL from local senders too).
 */
#include "vmlinux.h"

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "icmp4_zero.h"
#include "nat64_fp.h"
#include "rfc6052.h"
#include "tc_common.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04

struct nat64_fp_cfg nat64_cfg;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* the loader sets the session limit */
	__uint(map_flags, BPF_F_NO_PREALLOC); /* memory for live entries only */
	__type(key, struct nat64_fp_key6);
	__type(value, __u32);
} nat64_by6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct nat64_fp_key4);
	__type(value, __u32);
} nat64_by4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nat64_fp_sess);
} nat64_sess SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NAT64_FP__COUNT);
	__type(key, __u32);
	__type(value, __u64);
} nat64_stats SEC(".maps");

/* TTL / hop limit as the engine's xlat_ttl_step(), xlat_ttl_expires()
 * and xlat_ttl_next() (src/engine/xlat.h): one decrement in router mode,
 * less the kernel's around the TUN, which the program gives back too. */
static __always_inline int ttl_step(const struct nat64_fp_cfg *c)
{
	return (c->decrement_ttl ? 1 : 0) - (int)c->ttl_kernel_hops;
}

static __always_inline bool ttl_expires(const struct nat64_fp_cfg *c,
					__u8 ttl)
{
	int step = ttl_step(c);

	return step > 0 && ttl <= step;
}

static __always_inline __u8 ttl_next(const struct nat64_fp_cfg *c, __u8 ttl)
{
	int t = (int)ttl - ttl_step(c);

	return (__u8)(t > 255 ? 255 : t < 0 ? 0 : t);
}

/* What the transport header says, and what changes in it. */
struct l4 {
	__u32 csum_off;  /* of the checksum field, from the L4 header */
	__u32 port_off;  /* of the port (identifier) that is NAT'd */
	__u16 sport, dport; /* network order; ICMP: both the identifier */
	__u16 type_old, type_new; /* ICMP type/code word, network order */
	__u16 seq;       /* ICMP echo sequence number, network order */
	__u8 proto;      /* IPv4 protocol number */
	__u8 thlen;      /* TCP header length */
};

static __always_inline void add(enum nat64_fp_counter c, __u64 n)
{
	stats_add(&nat64_stats, c, n);
}

static __always_inline int pass(enum nat64_fp_counter c)
{
	add(c, 1);
	return TC_ACT_OK;
}

static __always_inline bool in_pfx(const struct nat64_fp_cfg *c, const __u32 *a)
{
	return rfc6052_in(c->pfx, c->pfx_mask, a);
}

static __always_inline __u32 extract4(const struct nat64_fp_cfg *c, const __u8 *a)
{
	return rfc6052_extract(c->v4pos, a);
}

static __always_inline void embed4(const struct nat64_fp_cfg *c, __u32 v4, __u8 *out)
{
	rfc6052_embed(c->pfx, c->v4pos, v4, out);
}

static __always_inline bool in_pool4(const struct nat64_fp_cfg *c, __u32 a)
{
#pragma unroll
	for (int i = 0; i < NAT64_FP_POOL4_MAX; i++)
		if (i < c->n_pool4 && (a & c->pool4_mask[i]) == c->pool4_addr[i])
			return true;
	return false;
}

/*
 * The transport header of an unfragmented packet at l4 with plen bytes:
 * 0, or the counter of why it is userspace's.  from6: ICMPv6 types.
 */
static __always_inline int l4_read(struct __sk_buff *skb, __u32 l4,
				   __u8 proto, __u32 plen, bool from6,
				   struct l4 *li)
{
	__u8 h[14];
	__u8 t;

	if (plen < 8 || bpf_skb_load_bytes(skb, l4, h, 8))
		return NAT64_FP_PASS_MALFORMED;
	li->proto = proto;
	__builtin_memcpy(&li->sport, h, 2);
	__builtin_memcpy(&li->dport, h + 2, 2);
	if (proto == NH_TCP) {
		if (plen < 20 || bpf_skb_load_bytes(skb, l4, h, 14))
			return NAT64_FP_PASS_MALFORMED;
		if ((h[12] >> 4) < 5 || (__u32)(h[12] >> 4) * 4 > plen)
			return NAT64_FP_PASS_MALFORMED;
		if (h[13] & (TCP_FIN | TCP_SYN | TCP_RST))
			return NAT64_FP_PASS_TCP_FLAGS;
		li->thlen = (h[12] >> 4) * 4;
		li->csum_off = 16;
		li->port_off = from6 ? 0 : 2;
		return 0;
	}
	if (proto == NH_UDP) {
		if (((__u32)h[4] << 8 | h[5]) != plen)
			return NAT64_FP_PASS_MALFORMED;
		if (h[6] == 0 && h[7] == 0)
			return NAT64_FP_PASS_UDP0;
		li->csum_off = 6;
		li->port_off = from6 ? 0 : 2;
		return 0;
	}
	/* ICMP echo: the type changes, the identifier is the "port". */
	if (h[1] != 0)
		return NAT64_FP_PASS_ICMP;
	if (from6 && h[0] == 128)
		t = 8;
	else if (from6 && h[0] == 129)
		t = 0;
	else if (!from6 && h[0] == 8)
		t = 128;
	else if (!from6 && h[0] == 0)
		t = 129;
	else
		return NAT64_FP_PASS_ICMP;
	__builtin_memcpy(&li->type_old, h, 2);
	h[0] = t;
	__builtin_memcpy(&li->type_new, h, 2);
	__builtin_memcpy(&li->sport, h + 4, 2);
	__builtin_memcpy(&li->seq, h + 6, 2);
	li->dport = li->sport;
	li->proto = PROTO_ICMP;
	li->csum_off = 2;
	li->port_off = 4;
	return 0;
}

/*
 * After the IP header was replaced: the pseudo-header difference diff,
 * the NAT'd port (old -> nw, network order) and, for ICMP, the type.
 */
static __always_inline int l4_fix(struct __sk_buff *skb, __u32 l4,
				  const struct l4 *li, __s64 diff, __u16 old,
				  __u16 nw)
{
	__u32 at = l4 + li->csum_off;

	if (diff < 0)
		return -1;
	if (li->proto == PROTO_ICMP) {
		if (bpf_skb_store_bytes(skb, l4, &li->type_new, 2, 0) ||
		    bpf_l4_csum_replace(skb, at, li->type_old, li->type_new, 2))
			return -1;
	}
	if (old != nw &&
	    (bpf_skb_store_bytes(skb, l4 + li->port_off, &nw, 2, 0) ||
	     bpf_l4_csum_replace(skb, at, old, nw,
				 li->proto == NH_UDP ?
					 2 | BPF_F_MARK_MANGLED_0 : 2)))
		return -1;
	return bpf_l4_csum_replace(skb, at, 0, diff,
				   BPF_F_PSEUDO_HDR |
					   (li->proto == NH_UDP ?
						    BPF_F_MARK_MANGLED_0 : 0));
}

/*
 * Half-translated (after bpf_skb_change_proto()): the new IP header, hlen
 * bytes of hdr with ethertype proto, in place of the old, then l4_fix()
 * to the session's port (host order; by pointer, read after the stores:
 * by value it would be read before them and kept on the stack across
 * the helper calls).  Nonzero: a helper failed, the packet is dropped.
 */
static __always_inline int put_hdrs(struct __sk_buff *skb, __u32 off,
				    const void *hdr, __u32 hlen, __u16 proto,
				    const struct l4 *li, __s64 diff, __u16 old,
				    const __u16 *port)
{
	if (bpf_skb_store_bytes(skb, off, hdr, hlen, BPF_F_RECOMPUTE_CSUM) ||
	    set_ethertype(skb, off, proto))
		return -1;
	return l4_fix(skb, off + hlen, li, diff, old, bpf_htons(*port));
}

static __always_inline struct nat64_fp_sess *slot(__u32 *id)
{
	struct nat64_fp_sess *s;

	if (!id)
		return NULL;
	s = bpf_map_lookup_elem(&nat64_sess, id);
	return s && s->used ? s : NULL;
}

/* The session lives: the engine hears of it within a second. */
static __always_inline void seen(struct nat64_fp_sess *s)
{
	__u64 now = bpf_ktime_get_ns();

	if (now - s->last_ns >= NAT64_FP_TOUCH_NS)
		s->last_ns = now;
}

/* Translated (in and out: the L3 lengths): the session lives, the
 * counters count it, and it goes into the TUN's ingress. */
static __always_inline int xlated(const struct nat64_fp_cfg *c,
				  struct nat64_fp_sess *s, bool from6,
				  __u32 in, __u32 out)
{
	seen(s);
	add(from6 ? NAT64_FP_XLAT_6TO4 : NAT64_FP_XLAT_4TO6, 1);
	add(from6 ? NAT64_FP_BYTES_6TO4_IN : NAT64_FP_BYTES_4TO6_IN, in);
	add(from6 ? NAT64_FP_BYTES_6TO4_OUT : NAT64_FP_BYTES_4TO6_OUT, out);
	return bpf_redirect(c->tun_ifindex, BPF_F_INGRESS);
}

static __always_inline int nexthdr_pass(__u8 nh)
{
	switch (nh) {
	case NH_TCP:
	case NH_UDP:
	case NH_ICMP6:
		return 0;
	case NH_FRAGMENT:
		return NAT64_FP_PASS_FRAG;
	case NH_HOP:
	case NH_ROUTING:
	case NH_DSTOPTS:
		return NAT64_FP_PASS_EXTHDR;
	}
	return NAT64_FP_PASS_PROTO;
}

/*
 * The size of the packets that leave: this one's, or for a TCP
 * super-packet (GSO: the stack cuts it up later, after the TUN's
 * ingress) that of each segment, which is what the engine would see and
 * apply its size rules to.  0: a super-packet of something else.
 */
static __always_inline __u32 wire_len(struct __sk_buff *skb,
				      const struct l4 *li, __u32 l3hdr,
				      __u32 tot)
{
	__u32 seg;

	if (!skb->gso_size)
		return tot;
	if (li->proto != NH_TCP)
		return 0;
	seg = l3hdr + li->thlen + skb->gso_size;
	return seg < tot ? seg : tot;
}

/* RFC 6146 3.7 with RFC 7915 section 5: IPv6 -> IPv4. */
static __always_inline int from6(struct __sk_buff *skb,
				 const struct nat64_fp_cfg *c, __u32 off)
{
	struct nat64_fp_key6 k = {};
	struct nat64_fp_sess *s;
	struct ipv6hdr ip6;
	struct iphdr ip4 = {};
	struct l4 li = {};
	enum icmp4_zero zero = ICMP4_ZERO_NO;
	__u32 plen, r4, tot, wire;
	__u32 chk[4];
	__s64 diff;
	int r;

	if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)))
		return pass(NAT64_FP_PASS_MALFORMED);
	plen = bpf_ntohs(ip6.payload_len);
	if (ip6.version != 6 || skb->len != off + sizeof(ip6) + plen)
		return pass(NAT64_FP_PASS_MALFORMED);
	r = nexthdr_pass(ip6.nexthdr);
	if (r)
		return pass(r);
	if (!in_pfx(c, ip6.daddr.in6_u.u6_addr32) ||
	    in_pfx(c, ip6.saddr.in6_u.u6_addr32) ||
	    ip6.saddr.in6_u.u6_addr8[0] == 0xff)
		return pass(NAT64_FP_PASS_ADDR);
	r4 = extract4(c, ip6.daddr.in6_u.u6_addr8);
	/* Only the canonical form (suffix and u-octet zero) is ours. */
	embed4(c, r4, (__u8 *)chk);
	if (chk[0] != ip6.daddr.in6_u.u6_addr32[0] ||
	    chk[1] != ip6.daddr.in6_u.u6_addr32[1] ||
	    chk[2] != ip6.daddr.in6_u.u6_addr32[2] ||
	    chk[3] != ip6.daddr.in6_u.u6_addr32[3])
		return pass(NAT64_FP_PASS_ADDR);
	if (in_pool4(c, r4))
		return pass(NAT64_FP_PASS_HAIRPIN);
	if (ttl_expires(c, ip6.hop_limit))
		return pass(NAT64_FP_PASS_TTL);
	r = l4_read(skb, off + sizeof(ip6), ip6.nexthdr, plen, true, &li);
	if (r)
		return pass(r);
	tot = plen + sizeof(ip4);
	if (tot > 0xffff)
		return pass(NAT64_FP_PASS_SIZE);
	wire = wire_len(skb, &li, sizeof(ip4), tot);
	if (!wire)
		return pass(NAT64_FP_PASS_GSO);
	/* Beyond ipv4_mtu the engine fragments or answers Packet Too Big. */
	if (c->ipv4_mtu && wire > c->ipv4_mtu)
		return pass(NAT64_FP_PASS_SIZE);

	__builtin_memcpy(k.a6, ip6.saddr.in6_u.u6_addr8, 16);
	k.r4 = r4;
	k.p6 = bpf_ntohs(li.sport);
	k.rport = li.proto == PROTO_ICMP ? 0 : bpf_ntohs(li.dport);
	k.proto = li.proto;
	s = slot(bpf_map_lookup_elem(&nat64_by6, &k));
	if (!s)
		return pass(NAT64_FP_PASS_NO_SESSION);
	if (li.proto == PROTO_ICMP) {
		const __u8 *tc = (const __u8 *)&li.type_new;

		/* The identifier after mapping counts (src/bpf/icmp4_zero.h). */
		zero = icmp4_zero_kind(tc[0], tc[1], bpf_htons(s->p4), li.seq,
				       plen);
		if (zero == ICMP4_ZERO_DATA)
			return pass(NAT64_FP_PASS_ZERO_ECHO);
	}

	ip4.version = 4;
	ip4.ihl = 5;
	if (!c->reset_tos)
		ip4.tos = ip6.priority << 4 | ip6.flow_lbl[0] >> 4;
	ip4.tot_len = bpf_htons(tot);
	/* RFC 7915 5.1: DF only above 1260 bytes (each segment's size).
	 * The engine numbers the Identification from a counter, this
	 * program at random. */
	if (wire > NAT64_FP_DF_MAX)
		ip4.frag_off = bpf_htons(IP4_DF);
	ip4.id = (__u16)bpf_get_prandom_u32();
	ip4.ttl = ttl_next(c, ip6.hop_limit);
	ip4.protocol = li.proto;
	ip4.saddr = s->a4;
	ip4.daddr = r4;
	ip4.check = ip4_csum(&ip4);

	if (li.proto == PROTO_ICMP)
		diff = icmp6_pseudo_diff(&ip6, plen, true);
	else
		diff = bpf_csum_diff((__be32 *)&ip6.saddr, 32,
				     (__be32 *)&ip4.saddr, 8, 0);
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0))
		return pass(NAT64_FP_ERR_HELPER); /* unchanged on failure */
	/* Half-translated from here: an error drops the packet. */
	if (put_hdrs(skb, off, &ip4, sizeof(ip4), ETH_P_IP, &li, diff,
		     li.sport, &s->p4) ||
	    (zero == ICMP4_ZERO_YES &&
	     icmp4_zero_fix(skb, off + sizeof(ip4) + 2))) {
		add(NAT64_FP_ERR_HELPER, 1);
		return TC_ACT_SHOT;
	}
	return xlated(c, s, true, sizeof(ip6) + plen, tot);
}

/* RFC 6146 3.7 with RFC 7915 section 4: IPv4 -> IPv6. */
static __always_inline int from4(struct __sk_buff *skb,
				 const struct nat64_fp_cfg *c, __u32 off)
{
	struct nat64_fp_key4 k = {};
	struct nat64_fp_sess *s;
	struct iphdr ip4;
	struct ipv6hdr ip6 = {};
	struct l4 li = {};
	__u32 tot, plen, out, frag, lim, wire;
	__s64 diff;
	int r;

	if (bpf_skb_load_bytes(skb, off, &ip4, sizeof(ip4)))
		return pass(NAT64_FP_PASS_MALFORMED);
	tot = bpf_ntohs(ip4.tot_len);
	if (ip4.version != 4 || ip4.ihl < 5)
		return pass(NAT64_FP_PASS_MALFORMED);
	if (ip4.ihl != 5)
		return pass(NAT64_FP_PASS_OPTIONS);
	if (skb->len != off + tot || tot < sizeof(ip4) || ip4_csum(&ip4) != 0)
		return pass(NAT64_FP_PASS_MALFORMED);
	frag = bpf_ntohs(ip4.frag_off);
	if (frag & (IP4_MF | IP4_OFFMASK))
		return pass(NAT64_FP_PASS_FRAG);
	if (!in_pool4(c, ip4.daddr))
		return pass(NAT64_FP_PASS_ADDR);
	if (in_pool4(c, ip4.saddr))
		return pass(NAT64_FP_PASS_HAIRPIN);
	if (ttl_expires(c, ip4.ttl))
		return pass(NAT64_FP_PASS_TTL);
	if (ip4.protocol != NH_TCP && ip4.protocol != NH_UDP &&
	    ip4.protocol != PROTO_ICMP)
		return pass(NAT64_FP_PASS_PROTO);
	plen = tot - sizeof(ip4);
	r = l4_read(skb, off + sizeof(ip4), ip4.protocol, plen, false, &li);
	if (r)
		return pass(r);
	/* The engine fragments a DF=0 packet above lowest-ipv6-mtu and
	 * answers a DF=1 one above its IPv6 MTU; the TUN takes no more
	 * than its own MTU. */
	out = plen + sizeof(ip6);
	wire = wire_len(skb, &li, sizeof(ip6), out);
	if (!wire)
		return pass(NAT64_FP_PASS_GSO);
	lim = (frag & IP4_DF) ? c->mtu6_df : c->mtu6_nodf;
	if (wire > lim || wire > c->tun_mtu)
		return pass(NAT64_FP_PASS_SIZE);

	k.a4 = ip4.daddr;
	k.r4 = ip4.saddr;
	k.p4 = bpf_ntohs(li.dport);
	k.rport = li.proto == PROTO_ICMP ? 0 : bpf_ntohs(li.sport);
	k.proto = li.proto;
	s = slot(bpf_map_lookup_elem(&nat64_by4, &k));
	if (!s)
		return pass(NAT64_FP_PASS_NO_SESSION);

	*(__u32 *)&ip6 = bpf_htonl(6u << 28 |
				   (c->reset_tos ? 0 : (__u32)ip4.tos << 20));
	ip6.payload_len = bpf_htons(plen);
	ip6.nexthdr = li.proto == PROTO_ICMP ? NH_ICMP6 : li.proto;
	ip6.hop_limit = ttl_next(c, ip4.ttl);
	embed4(c, ip4.saddr, ip6.saddr.in6_u.u6_addr8);
	__builtin_memcpy(ip6.daddr.in6_u.u6_addr8, s->a6, 16);

	if (li.proto == PROTO_ICMP)
		diff = icmp6_pseudo_diff(&ip6, plen, false);
	else
		diff = bpf_csum_diff((__be32 *)&ip4.saddr, 8,
				     (__be32 *)&ip6.saddr, 32, 0);
	if (bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0))
		return pass(NAT64_FP_ERR_HELPER);
	if (put_hdrs(skb, off, &ip6, sizeof(ip6), ETH_P_IPV6, &li, diff,
		     li.dport, &s->p6)) {
		add(NAT64_FP_ERR_HELPER, 1);
		return TC_ACT_SHOT;
	}
	return xlated(c, s, false, tot, out);
}

SEC("tc")
int nat64_egress(struct __sk_buff *skb)
{
	const struct nat64_fp_cfg *c = &nat64_cfg;
	__u32 off = c->l2len ? 14 : 0;

	if (!c->enabled)
		return pass(NAT64_FP_PASS_DISABLED);
	bpf_skb_pull_data(skb, skb->len < off + 80 ? skb->len : off + 80);
	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return from6(skb, c, off);
	if (skb->protocol == bpf_htons(ETH_P_IP))
		return from4(skb, c, off);
	return pass(NAT64_FP_PASS_PROTO);
}

char LICENSE[] SEC("license") = "GPL";
