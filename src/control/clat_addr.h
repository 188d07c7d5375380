/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CLAT address selection (pure: no I/O).  The caller gathers the facts
 * (the uplink's addresses, the IPv4 addresses in use, random bytes) and
 * these functions decide.
 */
#ifndef XLAT_CLAT_ADDR_H
#define XLAT_CLAT_ADDR_H

#include "engine/xlat.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One IPv6 address of the uplink as rtnetlink reports it. */
struct clat_if_addr6 {
	struct in6_addr addr;
	uint8_t plen;
	uint8_t scope;     /* RT_SCOPE_* */
	uint32_t flags;    /* IFA_F_* */
	uint32_t preferred; /* preferred lifetime, seconds (~0: forever) */
};

/*
 * Pick the /64 the CLAT IPv6 address lives in, among the global (GUA or
 * ULA), non-temporary, non-deprecated, non-tentative /64s of the uplink,
 * the way RFC 6724 would pick a source toward dst (the NAT64 prefix):
 * rule 6, the label that matches dst's (ULA with ULA, global with
 * global); rule 8, the longest prefix in common with dst; then the lowest
 * prefix, so the choice never depends on the order the kernel lists
 * addresses in, nor flips as lifetimes count down.  dst NULL: global
 * unicast before ULA, then the lowest.  Returns the index into a[] or -1
 * when none qualifies.
 */
int clat_pick_prefix64_for(const struct clat_if_addr6 *a, size_t n,
			   const struct in6_addr *dst);
int clat_pick_prefix64(const struct clat_if_addr6 *a, size_t n);
/* Whether a[i] could be picked at all. */
bool clat_prefix64_usable(const struct clat_if_addr6 *a);

/*
 * The IPv4 address of the CLAT: the first of 192.0.0.4, .5, .6, .7, .2,
 * .3, .1 (RFC 7335 192.0.0.0/29) that is not in used[].  false when all
 * are taken.
 */
bool clat_pick_ipv4(const struct in_addr *used, size_t n, struct in_addr *out);

/* RFC 5453 reserved interface identifiers (and all-zero). */
bool clat_iid_reserved(const uint8_t iid[8]);

/*
 * The CLAT IPv6 address: prefix64's first 64 bits, the interface
 * identifier rnd[8], with IID word 3 (bytes 14-15) then adjusted so that
 *   sum16(out) + sum16(pool6 prefix bits) == sum16(v4)
 * in one's complement: every TCP/UDP/ICMP checksum then survives
 * translation unchanged when pool6 is a /32 or /96.  Returns false when
 * the result is a reserved IID or collides with avoid[] (the host's own
 * addresses): draw new random bytes and call again.
 */
bool clat_make_ipv6(const struct in6_addr *prefix64, const uint8_t rnd[8],
		    const struct xlat_prefix6 *pool6, const struct in_addr *v4,
		    const struct in6_addr *avoid, size_t n_avoid,
		    struct in6_addr *out);

/* Whether (a6, pool6) and a4 are checksum-neutral as defined above. */
bool clat_csum_neutral(const struct in6_addr *a6,
		       const struct xlat_prefix6 *pool6,
		       const struct in_addr *a4);

/* The solicited-node multicast address of a (RFC 4291 2.7.1). */
void clat_solicited_node(const struct in6_addr *a, struct in6_addr *out);

/*
 * Default IPv4 MTU of the TUN: the uplink IPv6 MTU minus 28 (20 bytes of
 * header growth plus room for a Fragment Header), at least 1252 (1280 -
 * 28) so the IPv4 side never goes below what IPv6 guarantees.
 */
unsigned int clat_default_mtu(unsigned int ipv6_mtu);

#endif
