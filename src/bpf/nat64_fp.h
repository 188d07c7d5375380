/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The eBPF fast path of the [nat64] instance: what the TC program
 * (nat64.bpf.c) and its loader (src/datapath/nat64_bpf.c) share.  Included
 * from BPF C (types from vmlinux.h) and from userspace (linux/types.h).
 *
 * Sessions live in the RFC 6146 engine; userspace copies into these maps
 * the ones whose packets the program may translate (docs/nat64.md, "eBPF
 * fast path").  Two hash maps find a session's slot from either side, the
 * slot (an mmap()able array) holds the translation and the time of the
 * last packet the program translated for it, which userspace replays
 * into the engine's timers once a second.
 */
#ifndef XLAT_BPF_NAT64_FP_H
#define XLAT_BPF_NAT64_FP_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define NAT64_FP_POOL4_MAX 16

/* Runtime configuration in the program's .bss (the loader writes it). */
struct nat64_fp_cfg {
	__u8 enabled;       /* 0: every packet goes to userspace */
	__u8 decrement_ttl; /* the engine's decrement-ttl */
	__u8 reset_tos;     /* the engine's reset-tos */
	__u8 n_pool4;
	__u8 l2len;         /* bytes before IP: 0 on the TUN, 14 in tests */
	__u8 ttl_kernel_hops; /* the engine's ttl_kernel_hops */
	__u8 pad[2];
	__u32 tun_ifindex;  /* translated packets enter this device */
	__u32 tun_mtu;      /* ... which takes no bigger ones */
	__u32 ipv4_mtu;     /* the engine's ipv4_mtu (0: none) */
	__u32 mtu6_df;      /* the engine's limit of a DF=1 4->6 packet */
	__u32 mtu6_nodf;    /* and of a DF=0 one (it fragments above) */
	__u8 pfx[16];       /* pool6, bits past its length zero */
	__u32 pfx_mask[4];  /* pool6's length in leading one bits */
	__u8 v4pos[4];      /* RFC 6052 2.2: where the IPv4 bytes go */
	__u32 pool4_addr[NAT64_FP_POOL4_MAX]; /* network order */
	__u32 pool4_mask[NAT64_FP_POOL4_MAX];
};

/* A session seen from the IPv6 side: (host, port) -> (peer, port). */
struct nat64_fp_key6 {
	__u8 a6[16];
	__u32 r4;
	__u16 p6;
	__u16 rport; /* 0 for ICMP */
	__u8 proto;  /* IPv4 protocol number: 6, 17 or 1 */
	__u8 pad[3];
};

/* The same session seen from the IPv4 side: (pool4, port) <- peer. */
struct nat64_fp_key4 {
	__u32 a4;
	__u32 r4;
	__u16 p4;
	__u16 rport;
	__u8 proto;
	__u8 pad[3];
};

/* A slot of the session array (ports in host order). */
struct nat64_fp_sess {
	__u64 last_ns; /* CLOCK_MONOTONIC of the last fast-path packet */
	__u8 a6[16];
	__u32 a4;
	__u32 r4;
	__u16 p6, p4, rport;
	__u8 proto;
	__u8 used;
};

/* The program writes last_ns at most this often per session. */
#define NAT64_FP_TOUCH_NS 10000000ull

#define NAT64_FP_COUNTERS(X)                                                   \
	X(XLAT_6TO4, "fp_6to4_translated")                                     \
	X(XLAT_4TO6, "fp_4to6_translated")                                     \
	X(PASS_DISABLED, "fp_pass_disabled")                                   \
	X(PASS_NO_SESSION, "fp_pass_no_session")                               \
	X(PASS_TCP_FLAGS, "fp_pass_tcp_syn_fin_rst")                           \
	X(PASS_MALFORMED, "fp_pass_malformed")                                 \
	X(PASS_ADDR, "fp_pass_address")                                        \
	X(PASS_HAIRPIN, "fp_pass_hairpin")                                     \
	X(PASS_EXTHDR, "fp_pass_ipv6_ext_header")                              \
	X(PASS_FRAG, "fp_pass_fragment")                                       \
	X(PASS_OPTIONS, "fp_pass_ipv4_options")                                \
	X(PASS_TTL, "fp_pass_ttl")                                             \
	X(PASS_ICMP, "fp_pass_icmp_not_echo")                                  \
	X(PASS_ZERO_ECHO, "fp_pass_icmp_zero_echo")                            \
	X(PASS_UDP0, "fp_pass_udp_zero_checksum")                              \
	X(PASS_PROTO, "fp_pass_protocol")                                      \
	X(PASS_SIZE, "fp_pass_size")                                           \
	X(PASS_GSO, "fp_pass_gso")                                             \
	X(ERR_HELPER, "fp_drop_helper_failed")                                 \
	X(BYTES_6TO4_IN, "fp_6to4_in_bytes")                                   \
	X(BYTES_6TO4_OUT, "fp_6to4_out_bytes")                                 \
	X(BYTES_4TO6_IN, "fp_4to6_in_bytes")                                   \
	X(BYTES_4TO6_OUT, "fp_4to6_out_bytes")

enum nat64_fp_counter {
#define NAT64_FP_X_ENUM(e, s) NAT64_FP_##e,
	NAT64_FP_COUNTERS(NAT64_FP_X_ENUM)
#undef NAT64_FP_X_ENUM
	NAT64_FP__COUNT
};

#define NAT64_FP__NPKT NAT64_FP_BYTES_6TO4_IN

/* RFC 7915 5.1: DF=0 up to this IPv4 size, as the engine's DF_LIMIT. */
#define NAT64_FP_DF_MAX 1260

#endif
