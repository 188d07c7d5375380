// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IPv4 default route of a clat instance, and where it points.
 *
 * With the eBPF fast path running and reverse-path filtering not strict,
 * it goes "via inet6 ROUTER dev UPLINK", as NetworkManager's CLAT does:
 * the host's IPv4 leaves by the uplink itself, the neighbour code puts
 * the router's MAC on it, and the uplink's egress program (clat_up_egress)
 * rewrites it into IPv6 in place: no TUN on the way, GSO kept.  Its MTU
 * is the CLAT's IPv4 MTU and its source the CLAT's IPv4 address (on the
 * TUN).  Otherwise (userspace path, strict rp_filter, no router found)
 * it goes through the CLAT's TUN.  Followed once a second while running:
 * a new router, a changed rp_filter, a new MTU.  Always protocol 100.
 */
#include "xlatd/clat_priv.h"

#include "control/nexthop.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

static void wanted(struct clat *c, struct rtnl_route *rt)
{
	struct nexthop nh;
	int ret;

	memset(rt, 0, sizeof(*rt));
	rt->family = AF_INET;
	rt->metric = c->metric;
	rt->protocol = XLAT_RTPROT;
	rt->ifindex = c->tun_ifindex;
	if (strcmp(clat_bpf_active(&c->bpf), "bpf") || !c->pass_up)
		return;
	/* The router on this uplink (the CLAT sends out of it whichever
	 * uplink the host's own IPv6 would prefer). */
	ret = nexthop_lookup6_oif(&c->plan.pref64.addr, c->up_ifindex, &nh);
	if ((ret && ret != -EAGAIN) || nh.ifindex != c->up_ifindex) {
		log_debug(c->inst->name, "IPv4 route through the TUN: next hop toward the NAT64 prefix: %s (ifindex %d)",
			  ret ? strerror(-ret) : "on another link", nh.ifindex);
		return; /* -EAGAIN: unresolved, the kernel resolves it */
	}
	rt->ifindex = c->up_ifindex;
	rt->has_via6 = true;
	rt->via6 = nh.via;
	rt->mtu = c->mtu;
	rt->has_src = true;
	rt->src.v4 = c->addr4;
}

static bool same_route(const struct rtnl_route *a, const struct rtnl_route *b)
{
	return a->ifindex == b->ifindex && a->metric == b->metric &&
	       a->has_via6 == b->has_via6 && a->mtu == b->mtu &&
	       !memcmp(&a->via6, &b->via6, sizeof(a->via6));
}

/*
 * Via the uplink, the CLAT's IPv4 address goes on the uplink too (/32,
 * a local address only): whatever picks a source by the outgoing
 * device, as MASQUERADE does for forwarded container traffic, must pick
 * it, or the egress program would not know the packets for its own.
 */
static void uplink_addr(struct clat *c, bool on)
{
	int ret;

	if (on == c->up_addr4_added)
		return;
	ret = rtnl_addr4_ours(&c->rtnl, on, c->up_ifindex, &c->addr4);
	if (ret < 0 && on)
		log_warn(c->inst->name, "IPv4 address on %s: %s", c->uplink,
			 strerror(-ret));
	c->up_addr4_added = on && ret >= 0;
}

int clat_route_sync(struct clat *c)
{
	struct rtnl_route rt;
	char b[INET6_ADDRSTRLEN];
	int ret;

	wanted(c, &rt);
	if (c->route_added && same_route(&rt, &c->route))
		return 0;
	/* The same destination and metric: replaced in one step, so the
	 * host is never without its IPv4 default route. */
	if (c->route_added && rt.metric == c->route.metric)
		ret = rtnl_route_replace(&c->rtnl, &rt);
	else {
		clat_route_remove(c);
		ret = rtnl_route(&c->rtnl, true, &rt);
	}
	if (ret < 0)
		return ret;
	c->route = rt;
	c->route_added = true;
	uplink_addr(c, rt.has_via6);
	if (rt.has_via6)
		log_info(c->inst->name, "IPv4 default route via inet6 %s dev %s, mtu %u (the uplink's egress program translates)",
			 inet_ntop(AF_INET6, &rt.via6, b, sizeof(b)), c->uplink,
			 rt.mtu);
	else
		log_info(c->inst->name, "IPv4 default route through %s", c->tun);
	return 0;
}

void clat_route_remove(struct clat *c)
{
	if (c->route_added)
		rtnl_route(&c->rtnl, false, &c->route);
	c->route_added = false;
	uplink_addr(c, false);
}
