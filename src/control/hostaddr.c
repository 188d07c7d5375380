// SPDX-License-Identifier: GPL-2.0-or-later
/* The host's addresses: see hostaddr.h. */
#include "control/hostaddr.h"

#include "control/rtnl.h"

#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

struct addr_dump {
	int ifindex;
	struct clat_if_addr6 *a;
	size_t n, max;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= IFA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

int hostaddr_parse6(const struct nlmsghdr *nlh, int ifindex,
		    struct clat_if_addr6 *x)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct nlattr *ad;

	/* Sizes checked before reading: a wrong one is ignored (fuzz_rtnl). */
	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    ifa->ifa_family != AF_INET6 || (int)ifa->ifa_index != ifindex)
		return 0;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	ad = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!ad || mnl_attr_get_payload_len(ad) != 16)
		return 0;
	memcpy(&x->addr, mnl_attr_get_payload(ad), 16);
	x->plen = ifa->ifa_prefixlen;
	x->scope = ifa->ifa_scope;
	x->flags = tb[IFA_FLAGS] && !mnl_attr_validate(tb[IFA_FLAGS], MNL_TYPE_U32) ?
		mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	x->preferred = ~0u;
	if (tb[IFA_CACHEINFO] &&
	    mnl_attr_get_payload_len(tb[IFA_CACHEINFO]) >= sizeof(struct ifa_cacheinfo)) {
		struct ifa_cacheinfo ci;

		memcpy(&ci, mnl_attr_get_payload(tb[IFA_CACHEINFO]), sizeof(ci));
		x->preferred = ci.ifa_prefered;
	}
	return 1;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_dump *d = data;

	if (d->n < d->max)
		d->n += (size_t)hostaddr_parse6(nlh, d->ifindex, &d->a[d->n]);
	return MNL_CB_OK;
}

/* The uplink's IPv6 addresses (RTM_GETADDR dump). */
int hostaddr_dump6(int ifindex, struct clat_if_addr6 *a, size_t max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct addr_dump d = { ifindex, a, 0, max };
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_GETADDR, NLM_F_DUMP);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	int ret;

	g->rtgen_family = AF_INET6;
	ret = rtnl_request(nlh, addr_cb, &d);
	return ret < 0 ? ret : (int)d.n;
}

size_t hostaddr_used4(struct in_addr *used, size_t max)
{
	struct ifaddrs *ifa, *i;
	size_t n = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i && n < max; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
			used[n++] = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
	freeifaddrs(ifa);
	return n;
}
