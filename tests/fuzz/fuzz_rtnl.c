// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the rtnetlink answer parsers of rtnl.c (links for
 * rtnl_link_get(), routes for rtnl_route_flush_proto()) and hostaddr.c
 * (the uplink's IPv6 addresses the CLAT picks its own beside).  The input is
 * one netlink datagram.  Seeds: tests/fuzz/corpus/rtnl/.
 */
#include "fuzz_util.h"

#include "control/hostaddr.h"
#include "control/rtnl.h"

#include <libmnl/libmnl.h>
#include <sys/socket.h>

static int cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_route rt;
	unsigned int mtu = 0, flags = 0;

	(void)data;
	if (rtnl_route_parse(nlh, &rt) == 0) {
		fuzz_check(rt.family == AF_INET || rt.family == AF_INET6);
		fuzz_check(!rt.has_gw || rt.family == AF_INET6 ||
			   rt.gw.v6.s6_addr32[1] == 0);
	}
	rtnl_link_parse(nlh, &mtu, &flags);
	/* ASan and UBSan are the checks here: nothing read past nlh. */
	for (int ifindex = 1; ifindex <= 2; ifindex++) {
		struct clat_if_addr6 a;

		hostaddr_parse6(nlh, ifindex, &a);
	}
	return MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	if (size > 65536)
		return 0;
	buf = fuzz_dup(data, size, 0);
	rtnl_cb_run(buf, size, 0, 0, cb, NULL);
	free(buf);
	return 0;
}
