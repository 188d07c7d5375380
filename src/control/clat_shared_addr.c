// SPDX-License-Identifier: GPL-2.0-or-later
/* The address a shared-address CLAT shares: see clat_shared_addr.h. */
#include "control/clat_shared_addr.h"

#include "control/rfc6724.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#define BAD_FLAGS                                                              \
	(IFA_F_TEMPORARY | IFA_F_DEPRECATED | IFA_F_TENTATIVE |                \
	 IFA_F_DADFAILED | IFA_F_OPTIMISTIC)

bool clat_shared_addr_usable(const struct clat_if_addr6 *a)
{
	uint8_t b0 = a->addr.s6_addr[0];

	if (a->scope != RT_SCOPE_UNIVERSE || (a->flags & BAD_FLAGS) ||
	    a->preferred == 0)
		return false;
	/* 2000::/3 or fc00::/7 */
	return (b0 & 0xe0) == 0x20 || (b0 & 0xfe) == 0xfc;
}

static bool better(const struct clat_if_addr6 *a, const struct clat_if_addr6 *b,
		   const struct in6_addr *dst)
{
	int want = rfc6724_label(dst);
	bool la = rfc6724_label(&a->addr) == want;
	bool lb = rfc6724_label(&b->addr) == want;
	unsigned int ca, cb;

	if (la != lb)
		return la; /* rule 6 */
	ca = rfc6724_common_prefix(&a->addr, dst, a->plen);
	cb = rfc6724_common_prefix(&b->addr, dst, b->plen);
	if (ca != cb)
		return ca > cb; /* rule 8, up to each prefix's length */
	return memcmp(&a->addr, &b->addr, 16) < 0;
}

int clat_pick_shared_addr(const struct clat_if_addr6 *a, size_t n,
			  const struct in6_addr *dst)
{
	int best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!clat_shared_addr_usable(&a[i]))
			continue;
		if (best < 0 || better(&a[i], &a[best], dst))
			best = (int)i;
	}
	return best;
}
