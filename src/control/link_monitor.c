// SPDX-License-Identifier: GPL-2.0-or-later
/* Link monitor: interface facts from rtnetlink events, its sockets and
 * dumps; see link_monitor.h (the snapshot builder: link_monitor_snap.c). */
#include "control/link_monitor.h"

#include "control/rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define LM_BUF (32 * 1024)

/*
 * What an earlier dump left unread (it failed half-way: interrupted,
 * timed out) would be taken for the next answer and fail it on its
 * sequence number, dump after dump: read it away first.
 */
static void drain_dump(struct link_monitor *m, char *buf)
{
	while (recv(mnl_socket_get_fd(m->dump), buf, LM_BUF, MSG_DONTWAIT) > 0)
		;
}

static int dump(struct link_monitor *m, uint16_t type, int family, mnl_cb_t cb,
		struct lm_snap *s)
{
	char *buf = malloc(LM_BUF);
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	unsigned int seq = ++m->seq;
	int ret;

	if (!buf)
		return -ENOMEM;
	drain_dump(m, buf);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	/* Routes want a whole (zeroed: no RTM_F_CLONED, no table filter)
	 * struct rtmsg; links and addresses take the short rtgenmsg. */
	if (type == RTM_GETROUTE) {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		rtm->rtm_family = (unsigned char)family;
	} else {
		g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		g->rtgen_family = (unsigned char)family;
	}
	if (mnl_socket_sendto(m->dump, nlh, nlh->nlmsg_len) < 0) {
		free(buf);
		return -errno;
	}
	do {
		ssize_t n = mnl_socket_recvfrom(m->dump, buf, LM_BUF);

		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = rtnl_cb_run(buf, (size_t)n, seq, m->dump_portid, cb, s);
		if (ret < 0)
			ret = -errno;
	} while (ret > 0);
	free(buf);
	return ret;
}

static int snapshot(struct link_monitor *m, struct lm_snap *s)
{
	int ret;

	lm_snap_free(s);
	ret = dump(m, RTM_GETLINK, AF_UNSPEC, lm_snap_msg, s);
	if (!ret)
		ret = dump(m, RTM_GETADDR, AF_INET6, lm_snap_msg, s);
	if (!ret)
		ret = dump(m, RTM_GETADDR, AF_INET, lm_snap_msg, s);
	if (!ret)
		ret = dump(m, RTM_GETROUTE, AF_INET6, lm_snap_msg, s);
	if (!ret)
		ret = dump(m, RTM_GETROUTE, AF_INET, lm_snap_msg, s);
	if (!ret && s->nomem)
		ret = -ENOMEM;
	if (ret)
		return ret;
	lm_snap_finish(s);
	return 0;
}

/*
 * A dump that races with changes comes back flagged NLM_F_DUMP_INTR
 * (libmnl: EINTR) and is not a consistent picture: take it again.  A
 * burst of a thousand route changes can interrupt several in a row; the
 * caller tries once more later if all of these fail.
 */
#define LM_SNAP_TRIES 8

static int snapshot_retry(struct link_monitor *m, struct lm_snap *s)
{
	int ret = -EINTR;

	for (int i = 0; i < LM_SNAP_TRIES; i++) {
		ret = snapshot(m, s);
		if (!ret || (ret != -EINTR && ret != -EPROTO && ret != -ESRCH &&
			     ret != -EAGAIN && ret != -ENOBUFS))
			return ret;
		m->retries++;
	}
	return ret;
}

static int sock_open(struct mnl_socket **out, unsigned int groups,
		     unsigned int *portid, int flags)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE,
						 SOCK_CLOEXEC | flags);

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;

		mnl_socket_close(nl);
		return e;
	}
	if (portid)
		*portid = mnl_socket_get_portid(nl);
	*out = nl;
	return 0;
}

static int dump_sock_blocking(struct link_monitor *m)
{
	int fd = mnl_socket_get_fd(m->dump);
	struct timeval tv = { .tv_sec = 2 };

	/* A dump is a synchronous question; 2 s bounds a lost answer. */
	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int link_monitor_open(struct link_monitor *m, lm_cb cb, void *arg)
{
	unsigned int groups = (1u << (RTNLGRP_LINK - 1)) |
			      (1u << (RTNLGRP_IPV4_IFADDR - 1)) |
			      (1u << (RTNLGRP_IPV6_IFADDR - 1)) |
			      (1u << (RTNLGRP_IPV4_ROUTE - 1)) |
			      (1u << (RTNLGRP_IPV6_ROUTE - 1));
	struct lm_snap s = { 0 };
	int ret;

	memset(m, 0, sizeof(*m));
	m->cb = cb;
	m->arg = arg;
	m->seq = (unsigned int)time(NULL);
	/* Subscribe before the first dump so no change falls in between. */
	ret = sock_open(&m->ev, groups, NULL, SOCK_NONBLOCK);
	if (ret)
		return ret;
	/* Dumps are read blocking; only the event socket is not. */
	ret = sock_open(&m->dump, 0, &m->dump_portid, 0);
	if (ret) {
		link_monitor_close(m);
		return ret;
	}
	dump_sock_blocking(m);
	ret = snapshot_retry(m, &s);
	if (!ret) {
		m->cur = s.ifs; /* the snapshot's table becomes the monitor's */
		m->n_cur = s.n;
		s.ifs = NULL;
	}
	lm_snap_free(&s);
	if (ret)
		link_monitor_close(m);
	return ret;
}

int link_monitor_fd(const struct link_monitor *m)
{
	return m->ev ? mnl_socket_get_fd(m->ev) : -1;
}

/*
 * Read the event socket empty.  Whether any event may have changed a
 * fact (or some were lost): only then is a snapshot worth its dumps,
 * whose cost grows with the routing table.
 */
static bool drain(struct link_monitor *m)
{
	char buf[8192];
	bool relevant = false;

	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(m->ev), buf, sizeof(buf),
				 MSG_DONTWAIT | MSG_TRUNC);

		if (n > 0) {
			if ((size_t)n > sizeof(buf) ||
			    lm_event_relevant(buf, (size_t)n))
				relevant = true;
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			m->overruns++;
			relevant = true; /* lost events: anything may have changed */
		} else if (n == 0 || errno != EINTR) {
			break;
		}
	}
	if (!relevant)
		m->skipped++;
	return relevant;
}

static const struct lm_if *find_in(const struct lm_if *a, unsigned int n,
				   int ifindex)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i].ifindex == ifindex)
			return &a[i];
	return NULL;
}

int link_monitor_process(struct link_monitor *m)
{
	struct lm_snap s = { 0 };
	struct lm_if *old = m->cur;
	unsigned int n_old = m->n_cur;
	int ret, changed = 0;

	/* After a failed snapshot the next call takes one, events or not. */
	if (!drain(m) && !m->stale)
		return 0;
	ret = snapshot_retry(m, &s);
	m->stale = ret != 0;
	m->snapshots++;
	if (ret) {
		lm_snap_free(&s);
		return ret;
	}
	/* The new table is the monitor's before the callbacks run (they may
	 * look at every interface); the old one lives until they are done. */
	m->cur = s.ifs;
	m->n_cur = s.n;
	s.ifs = NULL;
	lm_snap_free(&s);
	for (unsigned int i = 0; i < n_old; i++)
		if (!find_in(m->cur, m->n_cur, old[i].ifindex)) {
			m->cb(m->arg, &old[i], NULL);
			changed++;
		}
	for (unsigned int i = 0; i < m->n_cur; i++) {
		const struct lm_if *o = find_in(old, n_old, m->cur[i].ifindex);

		if (o && !lm_if_differs(o, &m->cur[i]))
			continue;
		m->cb(m->arg, o, &m->cur[i]);
		changed++;
	}
	free(old);
	return changed;
}

void link_monitor_replay(struct link_monitor *m)
{
	for (unsigned int i = 0; i < m->n_cur; i++)
		m->cb(m->arg, NULL, &m->cur[i]);
}

const struct lm_if *link_monitor_find(const struct link_monitor *m, int ifindex)
{
	return find_in(m->cur, m->n_cur, ifindex);
}

const struct lm_if *link_monitor_find_name(const struct link_monitor *m,
					   const char *name)
{
	for (unsigned int i = 0; i < m->n_cur; i++)
		if (!strcmp(m->cur[i].name, name))
			return &m->cur[i];
	return NULL;
}

void link_monitor_close(struct link_monitor *m)
{
	if (m->ev)
		mnl_socket_close(m->ev);
	if (m->dump)
		mnl_socket_close(m->dump);
	m->ev = m->dump = NULL;
	free(m->cur);
	m->cur = NULL;
	m->n_cur = 0;
}
