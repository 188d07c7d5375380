/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 6724 default address selection, the parts a CLAT needs to choose
 * the uplink prefix its address comes from the way the host would choose
 * a source toward the NAT64 prefix (draft-ietf-v6ops-claton): the default
 * policy table's labels (section 2.1, rule 6) and CommonPrefixLen
 * (section 2.2, rule 8).  Pure: no I/O.
 */
#ifndef XLAT_RFC6724_H
#define XLAT_RFC6724_H

#include <netinet/in.h>

/* The label of a in the default policy table of section 2.1. */
int rfc6724_label(const struct in6_addr *a);

/* Leading bits a and b share, at most max (rule 8 compares only up to
 * the length of the source's prefix). */
unsigned int rfc6724_common_prefix(const struct in6_addr *a,
				   const struct in6_addr *b, unsigned int max);

#endif
