// SPDX-License-Identifier: GPL-2.0-or-later
/* Route and neighbour lookup for one IPv6 destination; see nexthop.h. */
#include "control/nexthop.h"

#include "control/rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <string.h>

static int route_attr(const struct nlattr *a, void *data)
{
	struct nexthop_route *r = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			r->oif = (int)mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(a) == sizeof(r->gw)) {
			memcpy(&r->gw, mnl_attr_get_payload(a), sizeof(r->gw));
			r->has_gw = true;
		}
		break;
	}
	return MNL_CB_OK;
}

int nexthop_route_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWROUTE &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct rtmsg))
		mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr, data);
	return MNL_CB_OK;
}

struct neigh_attrs {
	const struct nlattr *dst, *lladdr;
};

static int neigh_attr(const struct nlattr *a, void *data)
{
	struct neigh_attrs *t = data;

	if (mnl_attr_get_type(a) == NDA_DST)
		t->dst = a;
	else if (mnl_attr_get_type(a) == NDA_LLADDR)
		t->lladdr = a;
	return MNL_CB_OK;
}

/* States in which the kernel itself would send to the entry's address. */
#define NUD_USABLE (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | \
		    NUD_PERMANENT | NUD_NOARP)

int nexthop_neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	struct nexthop_neigh *r = data;
	struct neigh_attrs t = { 0 };
	uint16_t n;

	/* A message too short for its ndmsg is ignored (fuzz_nexthop). */
	if (nlh->nlmsg_type != RTM_NEWNEIGH ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*nd) ||
	    nd->ndm_family != AF_INET6 ||
	    nd->ndm_ifindex != r->want->ifindex)
		return MNL_CB_OK;
	r->read++;
	mnl_attr_parse(nlh, sizeof(*nd), neigh_attr, &t);
	if (!t.dst || mnl_attr_get_payload_len(t.dst) != 16 ||
	    memcmp(mnl_attr_get_payload(t.dst), &r->want->via, 16))
		return MNL_CB_OK;
	r->found = true;
	r->usable = (nd->ndm_state & NUD_USABLE) != 0;
	r->confirmed = (nd->ndm_state &
			(NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP)) != 0;
	n = t.lladdr ? mnl_attr_get_payload_len(t.lladdr) : 0;
	if (n > sizeof(r->lladdr))
		r->usable = false;
	else if (n)
		memcpy(r->lladdr, mnl_attr_get_payload(t.lladdr), n);
	r->halen = n;
	return MNL_CB_OK;
}

int nexthop_lookup6(const struct in6_addr *dst, struct nexthop *nh)
{
	return nexthop_lookup6_oif(dst, 0, nh);
}

/* The data path asks once a second while it sends: a dump of a table of
 * thousands of entries held its worker for milliseconds each time. */
int nexthop_neigh_lookup(struct nexthop_neigh *nr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_GETNEIGH, 0);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	int ret;

	nd->ndm_family = AF_INET6;
	nd->ndm_ifindex = nr->want->ifindex;
	mnl_attr_put(nlh, NDA_DST, sizeof(nr->want->via), &nr->want->via);
	ret = rtnl_request(nlh, nexthop_neigh_cb, nr);
	if (ret == -ENOENT)
		return 0;
	if (ret != -EOPNOTSUPP && ret != -EINVAL)
		return ret;
	nlh = rtnl_msg(buf, RTM_GETNEIGH, NLM_F_DUMP);
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_INET6;
	nd->ndm_ifindex = nr->want->ifindex;
	return rtnl_request(nlh, nexthop_neigh_cb, nr);
}

int nexthop_lookup6_oif(const struct in6_addr *dst, int oif,
			struct nexthop *nh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct nexthop_route rr = { 0 };
	struct nexthop_neigh nr = { .want = nh };
	int ret;

	memset(nh, 0, sizeof(*nh));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 128;
	mnl_attr_put(nlh, RTA_DST, sizeof(*dst), dst);
	if (oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	ret = rtnl_request(nlh, nexthop_route_cb, &rr);
	if (ret < 0)
		return ret;
	if (rr.oif <= 0)
		return -ENETUNREACH;
	nh->ifindex = rr.oif;
	nh->via = rr.has_gw ? rr.gw : *dst;
	ret = nexthop_neigh_lookup(&nr);
	if (ret < 0)
		return ret;
	if (!nr.found || !nr.usable)
		return -EAGAIN;
	nh->halen = nr.halen;
	nh->confirmed = nr.confirmed;
	memcpy(nh->lladdr, nr.lladdr, sizeof(nh->lladdr));
	return 0;
}
