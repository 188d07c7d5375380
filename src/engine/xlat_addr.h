/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address translation policy shared by both directions: RFC 7757 EAM
 * (longest prefix match) first, then the RFC 6052 pool6 prefix with the
 * section 3.1 well-known-prefix rule; RFC 6791 pool for ICMP error sources.
 */
#ifndef XLAT_ADDR_H
#define XLAT_ADDR_H

#include "xlat.h"

/* RFC 7757 lookups; true when an entry matched (longest prefix wins). */
bool eam_lookup4(const struct xlat_cfg *cfg, const struct in_addr *a,
		 struct in6_addr *out);
bool eam_lookup6(const struct xlat_cfg *cfg, const struct in6_addr *a,
		 struct in_addr *out);

/*
 * Map one IPv4 address to IPv6 / one IPv6 address to IPv4.  Returns
 * XLAT_DROP_NONE on success, XLAT_DROP_WKP_NONGLOBAL when only the
 * section 3.1 rule stands in the way, XLAT_DROP_DST_UNTRANSLATABLE when
 * neither EAM nor pool6 covers it (callers turn that into SRC_ for a
 * source address).  *via_eam (may be NULL) tells which table matched.
 */
enum xlat_drop xlat_map4(const struct xlat_cfg *cfg, const struct in_addr *a,
			 struct in6_addr *out, bool *via_eam);
enum xlat_drop xlat_map6(const struct xlat_cfg *cfg, const struct in6_addr *a,
			 struct in_addr *out, bool *via_eam);

/* pool6 only (RFC 6052), with the section 3.1 rule. */
enum xlat_drop xlat_map4_pool6(const struct xlat_cfg *cfg,
			       const struct in_addr *a, struct in6_addr *out);

/*
 * RFC 6791: the IPv4 source to use for an ICMPv6 error whose source src
 * cannot be translated.  Picks from cfg->pool6791 by a hash of src, so one
 * router keeps one address (traceroute output stays readable).
 */
void xlat_pool6791_pick(const struct xlat_cfg *cfg, const struct in6_addr *src,
			struct in_addr *out);

#endif
