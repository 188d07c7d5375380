// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: which host address a shared-address CLAT uses. */
#define TAP_MAIN
#include "tap.h"

#include "control/clat_shared_addr.h"
#include "pkt.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

static struct clat_if_addr6 A(const char *s, unsigned int plen, uint32_t flags)
{
	struct clat_if_addr6 a = { .addr = pkt_a6(s), .plen = (uint8_t)plen,
				   .scope = RT_SCOPE_UNIVERSE, .flags = flags,
				   .preferred = ~0u };
	return a;
}

TEST(usable_addresses)
{
	struct clat_if_addr6 a = A("2001:db8:1::99", 128, IFA_F_PERMANENT);

	CHECK(clat_shared_addr_usable(&a));
	a = A("fd00::5", 128, 0);
	CHECK(clat_shared_addr_usable(&a));
	a = A("2001:db8:1::99", 128, IFA_F_TENTATIVE);
	CHECK(!clat_shared_addr_usable(&a));
	a = A("2001:db8:1::99", 128, IFA_F_DEPRECATED);
	CHECK(!clat_shared_addr_usable(&a));
	a = A("2001:db8:1:0:1234:5678:9abc:def0", 64, IFA_F_TEMPORARY);
	CHECK(!clat_shared_addr_usable(&a));
	a = A("fe80::1", 64, 0);
	a.scope = RT_SCOPE_LINK;
	CHECK(!clat_shared_addr_usable(&a));
	a = A("2001:db8:1::99", 128, 0);
	a.preferred = 0;
	CHECK(!clat_shared_addr_usable(&a));
}

/* The one the host would use toward the NAT64 prefix, in any order. */
TEST(rfc6724_choice_order_independent)
{
	struct in6_addr gua = pkt_a6("64:ff9b::c633:6407");
	struct in6_addr ula = pkt_a6("fd64::c633:6407");
	struct clat_if_addr6 x[3] = {
		A("fd00:1::5", 128, 0),
		A("2001:db8:1::99", 128, 0),
		A("2001:db8:2::7", 128, IFA_F_DEPRECATED),
	};
	struct clat_if_addr6 y[3] = { x[2], x[1], x[0] };

	CHECK_EQ(clat_pick_shared_addr(x, 3, &gua), 1);
	CHECK_EQ(clat_pick_shared_addr(y, 3, &gua), 1);
	CHECK_EQ(clat_pick_shared_addr(x, 3, &ula), 0);
	CHECK_EQ(clat_pick_shared_addr(y, 3, &ula), 2);
	CHECK_EQ(clat_pick_shared_addr(x, 0, &gua), -1);
	CHECK_EQ(clat_pick_shared_addr(&x[2], 1, &gua), -1);
}

/* Rule 8: the longer match with the NAT64 prefix wins; ties: lowest. */
TEST(longest_match_then_lowest)
{
	struct in6_addr dst = pkt_a6("2001:db8:64::c633:6407");
	struct clat_if_addr6 x[3] = {
		A("2001:db8:99::1", 128, 0),
		A("2001:db8:65::1", 128, 0),
		A("2001:db8:64:1::1", 64, 0),
	};

	CHECK_EQ(clat_pick_shared_addr(x, 3, &dst), 2);
	CHECK_EQ(clat_pick_shared_addr(x, 2, &dst), 1);
	x[1] = A("2001:db8:99::0:1", 128, 0);
	x[0] = A("2001:db8:99::2", 128, 0);
	CHECK_EQ(clat_pick_shared_addr(x, 2, &dst), 1);
}

int main(void)
{
	return tap_run();
}
