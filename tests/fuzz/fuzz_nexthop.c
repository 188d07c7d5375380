// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the route and neighbour answer parsers of the next
 * hop lookup (nexthop_route_cb(), nexthop_neigh_cb()).
 *
 * Byte 0: the output interface asked for (0..255); bytes 1-16 the
 * gateway; the rest one netlink datagram.  Seeds: tests/fuzz/corpus/nexthop/.
 */
#include "fuzz_util.h"

#include "control/nexthop.h"

#include "control/rtnl.h"

#include <libmnl/libmnl.h>

static int cb(const struct nlmsghdr *nlh, void *data)
{
	nexthop_route_cb(nlh, &((struct nexthop_route *)data)[0]);
	return MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nexthop want = { 0 };
	struct nexthop_route rr = { 0 };
	struct nexthop_neigh nr = { .want = &want };
	uint8_t *buf;
	size_t len;

	if (size < 17 || size > 65536)
		return 0;
	want.ifindex = data[0];
	memcpy(&want.via, data + 1, 16);
	len = size - 17;
	buf = fuzz_dup(data + 17, len, 0);
	rtnl_cb_run(buf, len, 0, 0, cb, &rr);
	rtnl_cb_run(buf, len, 0, 0, nexthop_neigh_cb, &nr);
	fuzz_check(nr.halen <= sizeof(nr.lladdr) || !nr.usable);
	if (nr.found && nr.usable)
		fuzz_check(nr.halen <= 8);
	free(buf);
	return 0;
}
