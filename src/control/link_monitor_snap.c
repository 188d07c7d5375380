// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The link monitor's pure half: a snapshot built from dump messages,
 * and which events may change it (no I/O: fuzz_link_monitor feeds it
 * bytes).  See link_monitor.h; the sockets are in link_monitor.c.
 */
#include "control/link_monitor.h"

#include "control/clat_addr.h"
#include "control/rtnl.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

static struct lm_if *snap_find(struct lm_snap *s, int ifindex, unsigned int *slot)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->ifs[i].ifindex == ifindex) {
			if (slot)
				*slot = i;
			return &s->ifs[i];
		}
	return NULL;
}

/* The kernel's attributes have the right sizes; these checks make sure a
 * wrong one is ignored rather than read past (found by fuzz_link_monitor). */
static bool u32_ok(const struct nlattr *a)
{
	return a && mnl_attr_validate(a, MNL_TYPE_U32) == 0;
}

static bool has_payload(const struct nlmsghdr *nlh, size_t n)
{
	return mnl_nlmsg_get_payload_len(nlh) >= n;
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int t = mnl_attr_get_type(a);

	/* IFLA_MAX is the largest of the three families used here. */
	if (t >= 0 && t <= IFLA_MAX)
		tb[t] = a;
	return MNL_CB_OK;
}

static void link_kind(const struct nlattr *li, char *kind, size_t n)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, li) {
		if (mnl_attr_get_type(a) != IFLA_INFO_KIND)
			continue;
		snprintf(kind, n, "%.*s", (int)mnl_attr_get_payload_len(a),
			 (const char *)mnl_attr_get_payload(a));
		return;
	}
}

/* Room for one more interface slot (and its address list). */
static bool snap_grow(struct lm_snap *s)
{
	unsigned int cap = s->cap ? 2 * s->cap : 16;
	struct lm_if *ifs;
	struct lm_addrs *a6;

	if (s->n < s->cap)
		return true;
	if (s->cap >= LM_MAX_IFS)
		return false;
	ifs = realloc(s->ifs, cap * sizeof(*ifs));
	if (ifs)
		s->ifs = ifs;
	a6 = ifs ? realloc(s->a6, cap * sizeof(*a6)) : NULL;
	if (!a6) {
		s->nomem = true;
		return false;
	}
	s->a6 = a6;
	s->cap = cap;
	return true;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct lm_snap *s = data;
	struct lm_if *x;

	if (nlh->nlmsg_type != RTM_NEWLINK || !has_payload(nlh, sizeof(*ifi)))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, tb);
	if (!tb[IFLA_IFNAME] ||
	    mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) < 0 ||
	    !snap_grow(s))
		return MNL_CB_OK;
	x = &s->ifs[s->n];
	memset(x, 0, sizeof(*x));
	memset(&s->a6[s->n], 0, sizeof(s->a6[s->n]));
	s->n++;
	x->ifindex = ifi->ifi_index;
	x->type = ifi->ifi_type;
	x->flags = ifi->ifi_flags;
	snprintf(x->name, sizeof(x->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (u32_ok(tb[IFLA_MTU]))
		x->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_LINKINFO])
		link_kind(tb[IFLA_LINKINFO], x->kind, sizeof(x->kind));
	if (u32_ok(tb[IFLA_MASTER]))
		x->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	x->up = (x->flags & IFF_UP) && (x->flags & IFF_RUNNING);
	return MNL_CB_OK;
}

/* The next free entry of an address list, or NULL (full, no memory). */
static struct clat_if_addr6 *addr_slot(struct lm_snap *s, struct lm_addrs *l)
{
	unsigned int cap = l->cap ? 2 * l->cap : 4;
	struct clat_if_addr6 *a;

	if (l->n < l->cap)
		return &l->a[l->n++];
	if (l->cap >= LM_MAX_ADDRS)
		return NULL;
	a = realloc(l->a, cap * sizeof(*a));
	if (!a) {
		s->nomem = true;
		return NULL;
	}
	l->a = a;
	l->cap = cap;
	return &l->a[l->n++];
}

/* An IPv4 address in 192.0.0.0/29 (RFC 7335): a CLAT's. */
static int addr4_cb(const struct nlmsghdr *nlh, struct lm_snap *s)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct nlattr *ad;
	struct lm_if *x = snap_find(s, (int)ifa->ifa_index, NULL);
	uint32_t a;

	if (!x)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, tb);
	ad = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!ad || mnl_attr_get_payload_len(ad) != 4)
		return MNL_CB_OK;
	memcpy(&a, mnl_attr_get_payload(ad), 4);
	/* Address protocol 100: xlat464's own (rtnl_addr4_ours()). */
	if (tb[IFA_PROTO] && !mnl_attr_validate(tb[IFA_PROTO], MNL_TYPE_U8) &&
	    mnl_attr_get_u8(tb[IFA_PROTO]) == XLAT_RTPROT)
		return MNL_CB_OK;
	if ((ntohl(a) & 0xfffffff8u) == 0xc0000000u)
		x->has_clat4 = true;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct lm_snap *s = data;
	struct clat_if_addr6 *a;
	const struct nlattr *ad;
	unsigned int slot;
	struct lm_if *x;

	if (nlh->nlmsg_type != RTM_NEWADDR || !has_payload(nlh, sizeof(*ifa)))
		return MNL_CB_OK;
	if (ifa->ifa_family == AF_INET)
		return addr4_cb(nlh, s);
	if (ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	x = snap_find(s, (int)ifa->ifa_index, &slot);
	if (!x)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_cb, tb);
	ad = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!ad || mnl_attr_get_payload_len(ad) != 16)
		return MNL_CB_OK;
	a = addr_slot(s, &s->a6[slot]);
	if (!a)
		return MNL_CB_OK;
	memcpy(&a->addr, mnl_attr_get_payload(ad), 16);
	a->plen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = u32_ok(tb[IFA_FLAGS]) ? mnl_attr_get_u32(tb[IFA_FLAGS]) :
		ifa->ifa_flags;
	a->preferred = ~0u;
	if (tb[IFA_CACHEINFO] &&
	    mnl_attr_get_payload_len(tb[IFA_CACHEINFO]) >= sizeof(struct ifa_cacheinfo)) {
		struct ifa_cacheinfo ci;

		memcpy(&ci, mnl_attr_get_payload(tb[IFA_CACHEINFO]), sizeof(ci));
		a->preferred = ci.ifa_prefered;
	}
	if (a->scope == RT_SCOPE_UNIVERSE && !(a->flags & IFA_F_TENTATIVE))
		x->n_global6++;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct lm_snap *s = data;
	uint32_t table;
	struct lm_if *x;

	if (nlh->nlmsg_type != RTM_NEWROUTE || !has_payload(nlh, sizeof(*rtm)) ||
	    rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	table = rtm->rtm_table;
	mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, tb);
	if (u32_ok(tb[RTA_TABLE]))
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN || !u32_ok(tb[RTA_OIF]))
		return MNL_CB_OK;
	x = snap_find(s, (int)mnl_attr_get_u32(tb[RTA_OIF]), NULL);
	if (!x)
		return MNL_CB_OK;
	if (rtm->rtm_family == AF_INET6)
		x->has_default6 = true;
	else if (rtm->rtm_family == AF_INET && tb[RTA_VIA] &&
		 rtm->rtm_protocol != XLAT_RTPROT)
		x->has_default4_via6 = true; /* IPv4 via an IPv6 router: a CLAT */
	else if (rtm->rtm_family == AF_INET && rtm->rtm_protocol != XLAT_RTPROT)
		x->has_default4 = true;
	return MNL_CB_OK;
}

int lm_snap_msg(const struct nlmsghdr *nlh, void *data)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		return link_cb(nlh, data);
	case RTM_NEWADDR:
		return addr_cb(nlh, data);
	case RTM_NEWROUTE:
		return route_cb(nlh, data);
	}
	return MNL_CB_OK;
}

/* The usable /64s of one interface, one entry each, lowest first. */
static void collect_p64(struct lm_if *x, const struct clat_if_addr6 *a,
			unsigned int n)
{
	x->n_p64 = 0;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int j, k;

		if (!clat_prefix64_usable(&a[i]))
			continue;
		for (j = 0; j < x->n_p64; j++)
			if (memcmp(&x->p64[j], &a[i].addr, 8) >= 0)
				break;
		if (j < x->n_p64 && !memcmp(&x->p64[j], &a[i].addr, 8))
			continue; /* that /64 again */
		if (x->n_p64 == LM_MAX_P64) {
			if (j == LM_MAX_P64)
				continue;
			x->n_p64--; /* keep the lowest ones */
		}
		for (k = x->n_p64; k > j; k--)
			x->p64[k] = x->p64[k - 1];
		x->p64[j] = a[i].addr;
		x->n_p64++;
	}
}

void lm_snap_finish(struct lm_snap *s)
{
	for (unsigned int i = 0; i < s->n; i++) {
		const struct lm_addrs *l = &s->a6[i];
		int best = l->n ? clat_pick_prefix64(l->a, l->n) : -1;

		if (best < 0)
			continue;
		s->ifs[i].has_slaac64 = true;
		memcpy(&s->ifs[i].prefix64, &l->a[best].addr, 8);
		collect_p64(&s->ifs[i], l->a, l->n);
	}
}

void lm_snap_free(struct lm_snap *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		free(s->a6[i].a);
	free(s->a6);
	free(s->ifs);
	memset(s, 0, sizeof(*s));
}

bool lm_if_differs(const struct lm_if *a, const struct lm_if *b)
{
	return strcmp(a->name, b->name) || a->flags != b->flags ||
	       a->mtu != b->mtu || a->up != b->up || a->master != b->master ||
	       a->has_slaac64 != b->has_slaac64 ||
	       memcmp(&a->prefix64, &b->prefix64, sizeof(a->prefix64)) ||
	       a->n_p64 != b->n_p64 ||
	       memcmp(a->p64, b->p64, a->n_p64 * sizeof(a->p64[0])) ||
	       a->n_global6 != b->n_global6 ||
	       a->has_default6 != b->has_default6 ||
	       a->has_default4 != b->has_default4 ||
	       a->has_clat4 != b->has_clat4 ||
	       a->has_default4_via6 != b->has_default4_via6;
}

bool lm_event_relevant(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	if (len > INT_MAX || !rtnl_datagram_ok(buf, len))
		return true;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_type != RTM_NEWROUTE &&
		    nlh->nlmsg_type != RTM_DELROUTE)
			return true;
		if (!has_payload(nlh, sizeof(*rtm)) || rtm->rtm_dst_len == 0)
			return true;
	}
	return false;
}
