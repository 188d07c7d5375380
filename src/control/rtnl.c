// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink helpers on libmnl; see rtnl.h. */
#include "control/rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Big enough for any dump chunk the kernel sends (it uses up to 32 KiB). */
#define RTNL_BUF (32 * 1024)

int rtnl_open(struct rtnl *r)
{
	r->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!r->nl)
		return -errno;
	if (mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;

		mnl_socket_close(r->nl);
		r->nl = NULL;
		return e;
	}
	r->portid = mnl_socket_get_portid(r->nl);
	r->seq = (unsigned int)time(NULL);
	return 0;
}

void rtnl_close(struct rtnl *r)
{
	if (r->nl)
		mnl_socket_close(r->nl);
	r->nl = NULL;
}

int rtnl_link_index(const char *name)
{
	unsigned int i = if_nametoindex(name);

	return i ? (int)i : -ENODEV;
}

/*
 * Send one request and read until its ACK (or the end of a dump), feeding
 * every data message to cb.  Returns 0 or the kernel's -errno.
 */
int rtnl_talk(struct rtnl *r, struct nlmsghdr *nlh, rtnl_cb_t cb, void *data)
{
	char *buf;
	ssize_t n;
	int ret;

	if (!r->nl)
		return -EBADF;
	nlh->nlmsg_seq = ++r->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	buf = malloc(RTNL_BUF);
	if (!buf)
		return -ENOMEM;
	do {
		n = mnl_socket_recvfrom(r->nl, buf, RTNL_BUF);
		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = rtnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, r->portid,
				  cb, data);
		if (ret < 0)
			ret = -errno;
	} while (ret > 0);
	free(buf);
	return ret;
}

bool rtnl_datagram_ok(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		uint32_t l;

		memcpy(&l, p + off, sizeof(l));
		/* libmnl bounds attributes by the aligned end of a message:
		 * the padding must be there too (the kernel always sends it). */
		if (l < sizeof(struct nlmsghdr) || l > len - off ||
		    NLMSG_ALIGN((size_t)l) > len - off)
			return false;
		off += NLMSG_ALIGN(l);
		if (off >= len)
			return true;
	}
	return off == len;
}

int rtnl_cb_run(const void *buf, size_t len, unsigned int seq,
		unsigned int portid, rtnl_cb_t cb, void *data)
{
	/* libmnl compares nlmsg_len as an int: a length of 2^31 or more
	 * passes its check and walks it off the buffer. */
	if (!rtnl_datagram_ok(buf, len) || len > INT_MAX) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return mnl_cb_run(buf, len, seq, portid, cb, data);
}

struct nlmsghdr *rtnl_msg(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

int rtnl_request(struct nlmsghdr *nlh, rtnl_cb_t cb, void *data)
{
	struct rtnl r;
	int ret = rtnl_open(&r);

	if (ret < 0)
		return ret;
	ret = rtnl_talk(&r, nlh, cb, data);
	rtnl_close(&r);
	return ret;
}

int rtnl_link_set_up(struct rtnl *r, int ifindex, bool up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_link_set_mtu(struct rtnl *r, int ifindex, unsigned int mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return rtnl_talk(r, nlh, NULL, NULL);
}

/*
 * The root qdisc of ifindex becomes noqueue.  For a TUN, whose transmit
 * never stops its queue (a full ring drops), a queueing qdisc holds
 * nothing and costs every packet an enqueue, a dequeue and the qdisc lock.
 */
int rtnl_qdisc_noqueue(struct rtnl *r, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_NEWQDISC,
					NLM_F_CREATE | NLM_F_REPLACE);
	struct tcmsg *tc = mnl_nlmsg_put_extra_header(nlh, sizeof(*tc));

	tc->tcm_family = AF_UNSPEC;
	tc->tcm_ifindex = ifindex;
	tc->tcm_handle = 0;
	tc->tcm_parent = TC_H_ROOT;
	mnl_attr_put_strz(nlh, TCA_KIND, "noqueue");
	return rtnl_talk(r, nlh, NULL, NULL);
}

static size_t family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

struct link_info {
	unsigned int mtu, flags;
	bool found;
};

static int link_attr_cb(const struct nlattr *a, void *data)
{
	unsigned int *mtu = data;

	if (mnl_attr_get_type(a) == IFLA_MTU &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		*mtu = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

int rtnl_link_parse(const struct nlmsghdr *nlh, unsigned int *mtu,
		    unsigned int *flags)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return -ENOMSG;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	*flags = ifi->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, mtu);
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *li = data;

	if (rtnl_link_parse(nlh, &li->mtu, &li->flags) == 0)
		li->found = true;
	return MNL_CB_OK;
}

int rtnl_link_get(struct rtnl *r, int ifindex, unsigned int *mtu,
		  unsigned int *flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct link_info li = { 0 };
	int ret;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ret = rtnl_talk(r, nlh, link_cb, &li);
	if (ret < 0)
		return ret;
	if (!li.found)
		return -ENODEV;
	if (mtu)
		*mtu = li.mtu;
	if (flags)
		*flags = li.flags;
	return 0;
}

int rtnl_addr(struct rtnl *r, bool add, int ifindex, int family,
	      const union rtnl_addr *a, unsigned int plen, uint32_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if ((family != AF_INET && family != AF_INET6) ||
	    plen > family_len(family) * 8)
		return -EINVAL;
	nlh = rtnl_msg(buf, add ? RTM_NEWADDR : RTM_DELADDR,
		       add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = ifindex;
	ifa->ifa_flags = flags & 0xff;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, family_len(family), a);
	mnl_attr_put(nlh, IFA_ADDRESS, family_len(family), a);
	if (add && flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_addr4_ours(struct rtnl *r, bool add, int ifindex,
		    const struct in_addr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	nlh = rtnl_msg(buf, add ? RTM_NEWADDR : RTM_DELADDR,
		       add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, 4, a);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, a);
	if (add)
		mnl_attr_put_u8(nlh, IFA_PROTO, XLAT_RTPROT);
	return rtnl_talk(r, nlh, NULL, NULL);
}

/* IPv4 addresses of protocol proto found by a dump, deleted after it. */
struct addr_list {
	uint8_t proto;
	unsigned int n;
	int ifindex[32];
	struct in_addr a[32];
};

static int addr_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type >= 0 && type <= IFA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int addr_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	struct addr_list *l = data;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET ||
	    l->n >= 32)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	if (!tb[IFA_PROTO] || mnl_attr_get_u8(tb[IFA_PROTO]) != l->proto ||
	    !tb[IFA_LOCAL] || mnl_attr_get_payload_len(tb[IFA_LOCAL]) != 4)
		return MNL_CB_OK;
	l->ifindex[l->n] = (int)ifa->ifa_index;
	memcpy(&l->a[l->n++], mnl_attr_get_payload(tb[IFA_LOCAL]), 4);
	return MNL_CB_OK;
}

int rtnl_addr4_flush_proto(struct rtnl *r, uint8_t proto)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_GETADDR, NLM_F_DUMP);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct addr_list l = { .proto = proto };
	int ret;

	g->rtgen_family = AF_INET;
	ret = rtnl_request(nlh, addr_dump_cb, &l);
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < l.n; i++)
		rtnl_addr4_ours(r, false, l.ifindex[i], &l.a[i]);
	return (int)l.n;
}

static void route_fill(struct nlmsghdr *nlh, const struct rtnl_route *rt,
		       bool add)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	size_t alen = family_len(rt->family);
	uint32_t table = rt->table ? rt->table : RT_TABLE_MAIN;

	rtm->rtm_family = rt->family;
	rtm->rtm_dst_len = rt->plen;
	rtm->rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = rt->protocol ? rt->protocol : XLAT_RTPROT;
	rtm->rtm_scope = add ? (rt->has_gw || rt->has_via6 ? RT_SCOPE_UNIVERSE
							  : RT_SCOPE_LINK)
			     : RT_SCOPE_NOWHERE;
	/* IPv6 routes are always universe scope. */
	if (add && rt->family == AF_INET6)
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (rt->plen)
		mnl_attr_put(nlh, RTA_DST, alen, &rt->dst);
	if (rt->ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, rt->ifindex);
	if (rt->has_gw)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, &rt->gw);
	if (rt->has_via6) {
		struct {
			uint16_t family; /* struct rtvia */
			struct in6_addr addr;
		} __attribute__((packed)) via = { AF_INET6, rt->via6 };

		mnl_attr_put(nlh, RTA_VIA, sizeof(via), &via);
	}
	if (rt->has_src)
		mnl_attr_put(nlh, RTA_PREFSRC, alen, &rt->src);
	if (rt->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->metric);
	if (add && rt->mtu) {
		struct nlattr *mx = mnl_attr_nest_start(nlh, RTA_METRICS);

		mnl_attr_put_u32(nlh, RTAX_MTU, rt->mtu);
		mnl_attr_nest_end(nlh, mx);
	}
}

int rtnl_route(struct rtnl *r, bool add, const struct rtnl_route *rt)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if ((rt->family != AF_INET && rt->family != AF_INET6) ||
	    rt->plen > family_len(rt->family) * 8)
		return -EINVAL;
	nlh = rtnl_msg(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
		       add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	route_fill(nlh, rt, add);
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_route_replace(struct rtnl *r, const struct rtnl_route *rt)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (rt->family != AF_INET && rt->family != AF_INET6)
		return -EINVAL;
	nlh = rtnl_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
	route_fill(nlh, rt, true);
	return rtnl_talk(r, nlh, NULL, NULL);
}

/* Routes found by a dump, to delete once the dump is over. */
struct route_list {
	uint8_t proto;
	size_t n, cap;
	struct rtnl_route *v;
	int err;
};

/* A wrong-sized attribute is ignored, never read past (fuzz_rtnl). */
static bool u32_ok(const struct nlattr *a)
{
	return a && mnl_attr_validate(a, MNL_TYPE_U32) == 0;
}

struct route_attrs {
	const struct nlattr *tb[RTA_MAX + 1];
};

static int route_attr_cb(const struct nlattr *a, void *data)
{
	struct route_attrs *ra = data;
	int type = mnl_attr_get_type(a);

	if (type >= 0 && type <= RTA_MAX)
		ra->tb[type] = a;
	return MNL_CB_OK;
}

int rtnl_route_parse(const struct nlmsghdr *nlh, struct rtnl_route *rt)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_attrs ra = { 0 };
	size_t alen;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return -ENOMSG;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EBADMSG;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -ENOMSG;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, &ra);
	alen = family_len(rtm->rtm_family);
	memset(rt, 0, sizeof(*rt));
	rt->family = rtm->rtm_family;
	rt->plen = rtm->rtm_dst_len;
	rt->protocol = rtm->rtm_protocol;
	rt->table = rtm->rtm_table;
	if (u32_ok(ra.tb[RTA_TABLE]))
		rt->table = mnl_attr_get_u32(ra.tb[RTA_TABLE]);
	if (ra.tb[RTA_DST] && mnl_attr_get_payload_len(ra.tb[RTA_DST]) == alen)
		memcpy(&rt->dst, mnl_attr_get_payload(ra.tb[RTA_DST]), alen);
	if (u32_ok(ra.tb[RTA_OIF]))
		rt->ifindex = mnl_attr_get_u32(ra.tb[RTA_OIF]);
	if (u32_ok(ra.tb[RTA_PRIORITY]))
		rt->metric = mnl_attr_get_u32(ra.tb[RTA_PRIORITY]);
	if (ra.tb[RTA_GATEWAY] &&
	    mnl_attr_get_payload_len(ra.tb[RTA_GATEWAY]) == alen) {
		rt->has_gw = true;
		memcpy(&rt->gw, mnl_attr_get_payload(ra.tb[RTA_GATEWAY]), alen);
	}
	return 0;
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_list *l = data;
	struct rtnl_route rt;

	if (rtnl_route_parse(nlh, &rt) || rt.protocol != l->proto)
		return MNL_CB_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v) {
			l->err = -ENOMEM;
			return MNL_CB_OK;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = rt;
	return MNL_CB_OK;
}

static int route_dump(struct rtnl *r, int family, struct route_list *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = family;
	return rtnl_talk(r, nlh, route_dump_cb, l);
}

int rtnl_route_flush_proto(struct rtnl *r, int family, uint8_t proto)
{
	struct route_list l = { .proto = proto };
	int ret, deleted = 0;

	ret = route_dump(r, family, &l);
	if (ret == 0)
		ret = l.err;
	for (size_t i = 0; ret == 0 && i < l.n; i++) {
		int e = rtnl_route(r, false, &l.v[i]);

		/* Deleting a route can take others with it (e.g. a device
		 * went away meanwhile): ESRCH is not a failure here. */
		if (e == 0)
			deleted++;
		else if (e != -ESRCH && e != -ENODEV)
			ret = e;
	}
	free(l.v);
	return ret < 0 ? ret : deleted;
}

int rtnl_addr_parse(const char *s, union rtnl_addr *a)
{
	if (inet_pton(AF_INET, s, &a->v4) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, &a->v6) == 1)
		return AF_INET6;
	return -EINVAL;
}
