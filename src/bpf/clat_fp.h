/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The eBPF fast path of the CLAT: what the BPF programs (clat.bpf.c) and
 * their loader (src/datapath/bpf_loader.c) share.  Included from BPF C
 * (types from vmlinux.h) and from userspace (types from linux/types.h).
 *
 * The fast path translates only the cases where RFC 7915 leaves no
 * choice and the engine's rules are trivially the same; everything else
 * is passed untouched to the userspace engine.  tests/unit/test_bpf_diff.c
 * proves byte-for-byte agreement with the engine on a corpus.
 */
#ifndef XLAT_BPF_CLAT_FP_H
#define XLAT_BPF_CLAT_FP_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Runtime configuration, in the programs' .bss: the loader writes it
 * (before or after attach) through the skeleton's mmap of .bss. */
struct clat_fp_cfg {
	__u8 enabled;      /* 0: every packet passes to userspace */
	__u8 pfx_len;      /* NAT64 prefix length (RFC 6052: 32..96) */
	__u8 wkp_global;   /* RFC 6052 3.1 applies (64:ff9b::/96 + rule on) */
	__u8 up_l2len;     /* bytes before the IPv6 header on the uplink */
	__u8 tun_l2len;    /* bytes before the IPv4 header on the TUN (0) */
	__u8 pass_up;      /* 6->4: go on up the stack from the uplink (1),
			    * or into the TUN's ingress (0: strict rp_filter) */
	__u8 pad[2];
	__u32 tun_ifindex; /* 6->4 packets go to this device's ingress */
	__u32 up_ifindex;  /* 4->6 packets leave through this device */
	__u32 up_mtu;      /* IPv6 MTU of the uplink */
	__u32 min_mtu6;    /* the engine's lowest_ipv6_mtu (default 1280) */
	__u8 pfx[16];      /* NAT64 prefix (pool6), bits past pfx_len zero */
	__u32 pfx_mask[4]; /* pfx_len leading one bits, network order */
	__u8 v4pos[4];     /* RFC 6052 2.2: where the IPv4 bytes go (the
			    * u-octet, byte 8, skipped) */
	__u8 clat6[16];    /* the CLAT's IPv6 address (EAM /128) */
	__u8 clat4[4];     /* the CLAT's IPv4 address (EAM /32) */
};

/*
 * Per-CPU counters (array map "clat_stats", one __u64 per index).  The
 * first column is the enum suffix, the second the name for operators.
 * Packet counters first; the byte counters, from CLAT_FP_BYTES_6TO4_IN
 * on, count the L3 length (no link-layer header) of the translated
 * packets before and after translation, as xlat_account() does for the
 * engine's in_bytes and out_bytes.  A 4->6 GSO super-packet counts as
 * one packet of its whole length, as in the engine.
 */
#define CLAT_FP_COUNTERS(X)                                                    \
	X(XLAT_6TO4, "fp_6to4_translated")                                     \
	X(XLAT_4TO6, "fp_4to6_translated")                                     \
	X(PASS_DISABLED, "fp_pass_disabled")                                   \
	X(PASS_MALFORMED, "fp_pass_malformed")                                 \
	X(PASS_ADDR, "fp_pass_address")                                        \
	X(PASS_NONGLOBAL, "fp_pass_wkp_nonglobal")                             \
	X(PASS_EXTHDR, "fp_pass_ipv6_ext_header")                              \
	X(PASS_FRAG, "fp_pass_fragment")                                       \
	X(PASS_OPTIONS, "fp_pass_ipv4_options")                                \
	X(PASS_TTL, "fp_pass_ttl_zero")                                        \
	X(PASS_ICMP, "fp_pass_icmp_not_echo")                                  \
	X(PASS_ZERO_ECHO, "fp_pass_icmp_zero_echo")                            \
	X(PASS_UDP0, "fp_pass_udp_zero_checksum")                              \
	X(PASS_PROTO, "fp_pass_protocol")                                      \
	X(PASS_SIZE, "fp_pass_size")                                           \
	X(ERR_HELPER, "fp_drop_helper_failed")                                 \
	X(BYTES_6TO4_IN, "fp_6to4_in_bytes")                                   \
	X(BYTES_6TO4_OUT, "fp_6to4_out_bytes")                                 \
	X(BYTES_4TO6_IN, "fp_4to6_in_bytes")                                   \
	X(BYTES_4TO6_OUT, "fp_4to6_out_bytes")

enum clat_fp_counter {
#define CLAT_FP_X_ENUM(e, s) CLAT_FP_##e,
	CLAT_FP_COUNTERS(CLAT_FP_X_ENUM)
#undef CLAT_FP_X_ENUM
	CLAT_FP__COUNT
};

/* The packet counters are the ones below this. */
#define CLAT_FP__NPKT CLAT_FP_BYTES_6TO4_IN

/*
 * RFC 7915 rules the fast path applies, named once.  The engine states
 * the same rules in its own code; the differential test holds them equal.
 */
#define CLAT_FP_DF_MAX 1260     /* 5.1: DF=0 up to this IPv4 size, else DF=1 */
#define CLAT_FP_ICMP4_ECHO_REQ 8
#define CLAT_FP_ICMP4_ECHO_REP 0
#define CLAT_FP_ICMP6_ECHO_REQ 128
#define CLAT_FP_ICMP6_ECHO_REP 129

/* The non-global IPv4 ranges of RFC 6052 section 3.1 are not here: the
 * programs include the engine's own table, src/engine/ipv4_special.h. */

#endif
