/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Facts about the host's addresses that the CLAT chooses its own from
 * (reads only: an RTM_GETADDR dump, getifaddrs()).
 */
#ifndef XLAT_HOSTADDR_H
#define XLAT_HOSTADDR_H

#include "control/clat_addr.h"

#include <netinet/in.h>
#include <stddef.h>

/* The IPv6 addresses of ifindex: how many (at most max), or -errno. */
int hostaddr_dump6(int ifindex, struct clat_if_addr6 *a, size_t max);

/*
 * One RTM_NEWADDR message of that dump into x (pure, fuzzed): 1 if it is
 * an IPv6 address of ifindex, else 0 (x then untouched or partial).
 */
struct nlmsghdr;
int hostaddr_parse6(const struct nlmsghdr *nlh, int ifindex,
		    struct clat_if_addr6 *x);

/* Every IPv4 address on the host (all interfaces): how many. */
size_t hostaddr_used4(struct in_addr *used, size_t max);

#endif
