// SPDX-License-Identifier: GPL-2.0-or-later
/* RTM_NEWNDUSEROPT listener and Router Solicitation sender. */
#include "control/nd_monitor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int nd_useropt_parse(const void *msg, size_t len, struct nd_useropt *u)
{
	const struct nlmsghdr *nlh = msg;
	const struct nduseroptmsg *nd;
	const uint8_t *p = msg;
	size_t off, end;

	memset(u, 0, sizeof(*u));
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len > len ||
	    nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EBADMSG;
	if (nlh->nlmsg_type != RTM_NEWNDUSEROPT)
		return -ENOMSG;
	end = nlh->nlmsg_len;
	if (end < NLMSG_HDRLEN + sizeof(*nd))
		return -EBADMSG;
	nd = (const void *)(p + NLMSG_HDRLEN);
	if (nd->nduseropt_family != AF_INET6)
		return -ENOMSG;
	off = NLMSG_HDRLEN + sizeof(*nd);
	if (nd->nduseropt_opts_len > end - off)
		return -EBADMSG;
	u->ifindex = nd->nduseropt_ifindex;
	u->icmp_type = nd->nduseropt_icmp_type;
	u->icmp_code = nd->nduseropt_icmp_code;
	u->opts = p + off;
	u->opts_len = nd->nduseropt_opts_len;
	/* The attributes follow the options, 4-byte aligned. */
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nd) + u->opts_len);
	while (off + sizeof(struct nlattr) <= end) {
		struct nlattr a;

		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < sizeof(a) || a.nla_len > end - off)
			return -EBADMSG;
		if ((a.nla_type & NLA_TYPE_MASK) == NDUSEROPT_SRCADDR &&
		    a.nla_len == sizeof(a) + sizeof(struct in6_addr)) {
			memcpy(&u->router, p + off + sizeof(a), 16);
			u->has_router = true;
		}
		off += NLA_ALIGN(a.nla_len);
	}
	return 0;
}

int rdnss_opt_parse(const uint8_t *opt, size_t len, struct rdnss_opt *o)
{
	unsigned int units;

	if (len < 2 || opt[0] != ND_OPT_RDNSS)
		return -EINVAL;
	units = opt[1];
	if (units < 3 || !(units & 1) || (size_t)units * 8 > len)
		return -EINVAL;
	memset(o, 0, sizeof(*o));
	o->lifetime = (uint32_t)opt[4] << 24 | (uint32_t)opt[5] << 16 |
		      (uint32_t)opt[6] << 8 | opt[7];
	for (unsigned int i = 0; i < (units - 1) / 2 && i < ND_RDNSS_MAX; i++)
		memcpy(&o->addr[o->n++], opt + 8 + 16 * i, 16);
	return 0;
}

static int handle_opt(struct nd_monitor *m, const struct nd_useropt *u,
		      const uint8_t *opt, size_t len)
{
	const struct in6_addr *r = &u->router;
	struct pref64_opt p;
	struct rdnss_opt d;

	if (opt[0] == ND_OPT_PREF64 && m->ops->pref64 &&
	    pref64_opt_parse(opt, len, &p) == 0) {
		m->ops->pref64(m->arg, u->ifindex, r, &p);
		return 1;
	}
	if (opt[0] == ND_OPT_RDNSS && m->ops->rdnss &&
	    rdnss_opt_parse(opt, len, &d) == 0) {
		m->ops->rdnss(m->arg, u->ifindex, r, &d);
		return 1;
	}
	return 0;
}

static int handle_msg(struct nd_monitor *m, const void *msg, size_t len)
{
	struct nd_useropt u;
	size_t off = 0;
	int n = 0;

	if (nd_useropt_parse(msg, len, &u))
		return 0;
	/* Only RAs, only our link, only with a source (RFC 4861: link-local). */
	if (u.icmp_type != ND_ROUTER_ADVERT || !u.has_router ||
	    (m->ifindex && u.ifindex != m->ifindex))
		return 0;
	while (off + 2 <= u.opts_len) {
		size_t olen = (size_t)u.opts[off + 1] * 8;

		if (olen == 0 || olen > u.opts_len - off)
			break;
		n += handle_opt(m, &u, u.opts + off, olen);
		off += olen;
	}
	return n;
}

int nd_monitor_dispatch(struct nd_monitor *m, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t off = 0;
	int n = 0;

	while (len - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)(p + off);
		uint32_t l = nlh->nlmsg_len;

		if (l < NLMSG_HDRLEN || l > len - off)
			break;
		n += handle_msg(m, nlh, l);
		off += NLMSG_ALIGN(l);
		if (off > len)
			break;
	}
	return n;
}

int nd_monitor_open(struct nd_monitor *m, int ifindex,
		    const struct nd_monitor_ops *ops, void *arg)
{
	int grp = RTNLGRP_ND_USEROPT;

	memset(m, 0, sizeof(*m));
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->nl)
		return -errno;
	if (mnl_socket_bind(m->nl, 0, MNL_SOCKET_AUTOPID) ||
	    mnl_socket_setsockopt(m->nl, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp))) {
		int e = -errno;

		mnl_socket_close(m->nl);
		m->nl = NULL;
		return e;
	}
	m->ifindex = ifindex;
	m->ops = ops;
	m->arg = arg;
	return 0;
}

int nd_monitor_fd(const struct nd_monitor *m)
{
	return m->nl ? mnl_socket_get_fd(m->nl) : -1;
}

int nd_monitor_read(struct nd_monitor *m)
{
	/* Aligned for the nlmsghdr casts in nd_monitor_dispatch(). */
	uint64_t buf[8192 / 8];
	int n = 0, overrun = 0;

	if (!m->nl)
		return -EBADF;
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(m->nl, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				overrun = 1;
				continue;
			}
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		n += nd_monitor_dispatch(m, buf, (size_t)r);
	}
	return overrun ? -ENOBUFS : n;
}

void nd_monitor_close(struct nd_monitor *m)
{
	if (m->nl)
		mnl_socket_close(m->nl);
	m->nl = NULL;
}

int nd_send_rs(int ifindex)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	struct nd_router_solicit rs;
	struct icmp6_filter filt;
	int fd, hops = 255, err = 0;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	/* Send only: nothing should queue up on this socket. */
	ICMP6_FILTER_SETBLOCKALL(&filt);
	memset(&rs, 0, sizeof(rs));
	rs.nd_rs_type = ND_ROUTER_SOLICIT;
	inet_pton(AF_INET6, "ff02::2", &dst.sin6_addr);
	dst.sin6_scope_id = (uint32_t)ifindex;
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
		       sizeof(ifindex)) ||
	    sendto(fd, &rs, sizeof(rs), 0, (struct sockaddr *)&dst,
		   sizeof(dst)) != (ssize_t)sizeof(rs))
		err = -errno;
	close(fd);
	return err;
}
