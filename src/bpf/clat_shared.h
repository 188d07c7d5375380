/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared-address CLAT's uplink ingress program (clat_shared.bpf.c)
 * and its loader (src/datapath/bpf_shared.c): what both sides know.
 * Included from BPF C (types from vmlinux.h) and from userspace.
 *
 * The program takes the packets of the CLAT's flows away from the
 * host's stack: IPv6 to the host's own address whose (protocol,
 * destination port) -- or, for an ICMPv6 error, whose quoted (protocol,
 * source port) -- is in the map of live NAPT mappings, which userspace
 * fills.  It drops them (TC_ACT_SHOT) after the CLAT's ETH_P_ALL packet
 * socket has had its copy (taps run before tc ingress), so the kernel
 * never answers them (a SYN-ACK to a reserved, non-listening port would
 * draw an RST).  Everything else is the host's: TC_ACT_OK.
 */
#ifndef XLAT_BPF_CLAT_SHARED_H
#define XLAT_BPF_CLAT_SHARED_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Map key: IP protocol number (6, 17, 1 for echo) and port, network order. */
struct clat_shared_key {
	__u8 proto;
	__u8 pad;
	__u16 port;
};

/* In the program's .bss, written by the loader. */
struct clat_shared_cfg {
	__u8 enabled;
	__u8 l2len;   /* bytes before the IPv6 header on the uplink */
	__u8 pad[2];
	__u8 addr6[16]; /* the host's address the CLAT shares */
};

#define CLAT_SHARED_COUNTERS(X)                                                \
	X(STOLEN, "shared_taken")                                              \
	X(STOLEN_ICMP_ERR, "shared_taken_icmp_errors")                         \
	X(HOST, "shared_left_to_host")

enum clat_shared_counter {
#define CLAT_SHARED_X_ENUM(e, s) CLAT_SHARED_##e,
	CLAT_SHARED_COUNTERS(CLAT_SHARED_X_ENUM)
#undef CLAT_SHARED_X_ENUM
	CLAT_SHARED__COUNT
};

#endif
