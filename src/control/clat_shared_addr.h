/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which of the host's addresses a shared-address CLAT uses
 * (docs/clat-shared.md).  Pure: the caller dumps the addresses.
 */
#ifndef XLAT_CLAT_SHARED_ADDR_H
#define XLAT_CLAT_SHARED_ADDR_H

#include "control/clat_addr.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* Global (GUA or ULA), any prefix length, not temporary, deprecated,
 * tentative, optimistic or failed: an address the host keeps using. */
bool clat_shared_addr_usable(const struct clat_if_addr6 *a);

/*
 * The address the host would pick as its source toward dst (the NAT64
 * prefix), RFC 6724 rules 6 (matching label) and 8 (longest common
 * prefix), then the lowest address, so the choice never depends on the
 * order of a[].  The index into a[], or -1 when none is usable.
 */
int clat_pick_shared_addr(const struct clat_if_addr6 *a, size_t n,
			  const struct in6_addr *dst);

#endif
