/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 6052: IPv4-embedded IPv6 addresses. */
#ifndef XLAT_RFC6052_H
#define XLAT_RFC6052_H

#include "xlat.h"

#include <stdbool.h>

/* The prefix lengths of RFC 6052 section 2.2. */
bool rfc6052_valid_len(unsigned int len);

/* Embed v4 in prefix p (section 2.2); u-octet and suffix are zero. */
void rfc6052_embed(const struct xlat_prefix6 *p, const struct in_addr *v4,
		   struct in6_addr *out);

/* Extract the IPv4 address from a, if a lies inside p (section 2.3). */
bool rfc6052_extract(const struct xlat_prefix6 *p, const struct in6_addr *a,
		     struct in_addr *out);

/*
 * Whether v4 is "global" for the purpose of section 3.1: not in any of the
 * IANA special-purpose ranges that are not globally reachable.
 */
bool ipv4_is_global(const struct in_addr *v4);

/* The well-known prefix 64:ff9b::/96. */
bool rfc6052_is_wkp(const struct xlat_prefix6 *p);

/* Generic prefix helpers used by the engine and the config code. */
bool prefix6_contains(const struct in6_addr *pfx, unsigned int len,
		      const struct in6_addr *a);
bool prefix4_contains(const struct in_addr *pfx, unsigned int len,
		      const struct in_addr *a);

#endif
