/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 ranges that are not globally reachable, for the RFC 6052 section
 * 3.1 rule (no non-global IPv4 behind 64:ff9b::/96).  The one copy of the
 * table: the engine (ipv4_is_global() in rfc6052.c) and the eBPF fast path
 * (src/bpf/clat.bpf.c) both include this file, so the two cannot drift.
 *
 * Plain C with no includes and no libc, so that BPF C (clang -target bpf,
 * types from vmlinux.h) can use it as well as userspace.  Addresses and
 * masks are in host byte order; every len is 1..31.  The table is an X-macro rather than an
 * array so that BPF unrolls it into straight-line compares (no map, no
 * .rodata, no loop for the verifier).
 */
#ifndef XLAT_IPV4_SPECIAL_H
#define XLAT_IPV4_SPECIAL_H

/*
 * IANA IPv4 Special-Purpose Address Registry entries whose "Globally
 * Reachable" column is False (RFC 6890 and successors).  X(net, len).
 */
#define IPV4_NONGLOBAL(X)                                                      \
	X(0x00000000, 8)  /* 0.0.0.0/8 "this network" */                      \
	X(0x0a000000, 8)  /* 10.0.0.0/8 */                                     \
	X(0x64400000, 10) /* 100.64.0.0/10 shared address space */             \
	X(0x7f000000, 8)  /* 127.0.0.0/8 loopback */                           \
	X(0xa9fe0000, 16) /* 169.254.0.0/16 link local */                      \
	X(0xac100000, 12) /* 172.16.0.0/12 */                                  \
	X(0xc0000000, 24) /* 192.0.0.0/24 IETF protocol assignments */         \
	X(0xc0000200, 24) /* 192.0.2.0/24 TEST-NET-1 */                        \
	X(0xc0a80000, 16) /* 192.168.0.0/16 */                                 \
	X(0xc6120000, 15) /* 198.18.0.0/15 benchmarking */                     \
	X(0xc6336400, 24) /* 198.51.100.0/24 TEST-NET-2 */                     \
	X(0xcb007100, 24) /* 203.0.113.0/24 TEST-NET-3 */                      \
	X(0xf0000000, 4)  /* 240.0.0.0/4 reserved, incl. broadcast */

/* Globally reachable /32s inside 192.0.0.0/24 (PCP and TURN anycast).
 * X(addr). */
#define IPV4_GLOBAL_EXCEPTIONS(X)                                              \
	X(0xc0000009) /* 192.0.0.9/32 */                                       \
	X(0xc000000a) /* 192.0.0.10/32 */

/* Whether a (host order) is in a non-global range and not an exception.
 * Returns int, not bool: this header includes nothing. */
static inline int ipv4_nonglobal(unsigned int a)
{
#define IPV4_X_EXC(e)                                                          \
	if (a == (e))                                                          \
		return 0;
	IPV4_GLOBAL_EXCEPTIONS(IPV4_X_EXC)
#undef IPV4_X_EXC
#define IPV4_X_NG(net, len)                                                    \
	if ((a & ~(0xffffffffu >> (len))) == (net))                            \
		return 1;
	IPV4_NONGLOBAL(IPV4_X_NG)
#undef IPV4_X_NG
	return 0;
}

#endif
