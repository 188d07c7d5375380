/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one ICMPv4 message whose checksum the kernel's incremental update
 * gets wrong, for the TC programs that translate ICMPv6 echo to ICMPv4
 * (clat.bpf.c, nat64.bpf.c); the engine's to4_fix_echo() does the same.
 *
 * RFC 1071 sums are one's complement, with two zeros: +0 (0x0000) and
 * -0 (0xffff).  Adding a non-zero word with end-around carry never comes
 * back to +0, so a message sums to +0 only when all its words are zero;
 * its checksum, the complement of the sum, is then 0xffff, and only
 * then.  A message that is not all zero but sums to -0 gets 0x0000 from a
 * full computation, and receivers take either form there.  The kernel's
 * incremental update of a full checksum (bpf_l4_csum_replace(): the
 * csum_fold() of a sum that is never +0) never writes 0xffff: it cannot
 * tell +0 from -0, and writes 0x0000 for an all-zero message too, which
 * every receiver drops (its sum comes out +0, not -0).  TCP, UDP and
 * ICMPv6 sum a pseudo-header with non-zero words, so only in ICMPv4 can
 * every summed word be zero: an echo reply (type 0, code 0) with
 * identifier, sequence and data zero.
 *
 * Telling whether the data are zero would take a loop over the packet:
 * a reply with identifier and sequence 0 that carries data is left to
 * the engine (a ping with identifier 0 and sequence 0 is rare), one
 * without data is translated here and fixed by icmp4_zero_fix().
 */
#ifndef XLAT_BPF_ICMP4_ZERO_H
#define XLAT_BPF_ICMP4_ZERO_H

enum icmp4_zero {
	ICMP4_ZERO_NO,   /* not all zero: the incremental update is right */
	ICMP4_ZERO_YES,  /* eight zero bytes: fix the checksum */
	ICMP4_ZERO_DATA, /* zero header, data: the engine's */
};

/* What the ICMPv4 echo of type type4, code, identifier id and sequence
 * seq (network order) that plen bytes of ICMPv6 echo become will be. */
static __always_inline enum icmp4_zero icmp4_zero_kind(__u8 type4, __u8 code,
						       __u16 id, __u16 seq,
						       __u32 plen)
{
	if (type4 != 0 || code != 0 || id != 0 || seq != 0)
		return ICMP4_ZERO_NO;
	return plen > 8 ? ICMP4_ZERO_DATA : ICMP4_ZERO_YES;
}

/*
 * After the incremental update of the all-zero message whose checksum is
 * at offset at: 0x0000 becomes 0xffff.  Any other value came from a wrong
 * ICMPv6 checksum and stays as wrong as the engine leaves it.
 */
static __always_inline int icmp4_zero_fix(struct __sk_buff *skb, __u32 at)
{
	__u16 v;

	if (bpf_skb_load_bytes(skb, at, &v, sizeof(v)))
		return -1;
	if (v != 0)
		return 0;
	v = 0xffff;
	return bpf_skb_store_bytes(skb, at, &v, sizeof(v),
				   BPF_F_RECOMPUTE_CSUM);
}

#endif
