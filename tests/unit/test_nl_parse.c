// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the parsers of netlink answers (rtnl.c, link_monitor.c,
 * nexthop.c) against malformed messages.  Each case is a finding of the
 * fuzz targets fuzz_rtnl, fuzz_link_monitor and fuzz_nexthop: before the
 * fix, the parser read past the message (ASan: heap-buffer-overflow) or
 * libmnl walked off the buffer (SEGV).  Messages are built in exact-size
 * heap buffers so that the ASan build of this test sees any over-read.
 */
#define TAP_MAIN
#include "tap.h"

#include "control/hostaddr.h"
#include "control/link_monitor.h"
#include "control/nexthop.h"
#include "control/rtnl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>

/* A message under construction: header, family header, attributes. */
struct msg {
	uint8_t b[512];
	size_t len;
};

static void m_start(struct msg *m, uint16_t type, const void *fam, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->len = NLMSG_HDRLEN + NLMSG_ALIGN(n);
	memcpy(m->b + NLMSG_HDRLEN, fam, n);
	((struct nlmsghdr *)m->b)->nlmsg_type = type;
}

static void m_attr(struct msg *m, uint16_t type, const void *p, size_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n),
			    .nla_type = type };

	memcpy(m->b + m->len, &a, sizeof(a));
	memcpy(m->b + m->len + NLA_HDRLEN, p, n);
	m->len += NLA_ALIGN(NLA_HDRLEN + n);
}

/* Close the message (nlmsg_len = len) and copy it to the heap. */
static uint8_t *m_end(struct msg *m, size_t len)
{
	uint8_t *h = malloc(NLMSG_ALIGN(len));

	((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)len;
	memcpy(h, m->b, NLMSG_ALIGN(len));
	return h;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

TEST(datagram_lengths)
{
	uint32_t hdr[4] = { 16, 0, 0, 0 };
	int n = 0;

	CHECK(rtnl_datagram_ok(hdr, 16));
	CHECK(rtnl_datagram_ok(hdr, 0));
	/* fuzz_link_monitor: nlmsg_len 0xa8a8a8a8 is negative to libmnl's
	 * int compare, which then walked 2.8 GB past the buffer. */
	hdr[0] = 0xa8a8a8a8;
	CHECK(!rtnl_datagram_ok(hdr, 16));
	errno = 0;
	CHECK_EQ(rtnl_cb_run(hdr, 16, 0, 0, count_cb, &n), MNL_CB_ERROR);
	CHECK_EQ(errno, EBADMSG);
	CHECK_EQ(n, 0);
	/* fuzz_nexthop: a length of 17 in a 17-byte datagram: libmnl bounds
	 * attributes by the aligned end (20), 3 bytes past the buffer. */
	hdr[0] = 17;
	CHECK(!rtnl_datagram_ok(hdr, 17));
	CHECK(rtnl_datagram_ok(hdr, 20));
	hdr[0] = 15;
	CHECK(!rtnl_datagram_ok(hdr, 16));
	CHECK(!rtnl_datagram_ok(hdr, 12)); /* a partial header */
}

TEST(route_parse_malformed)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 24,
			     .rtm_table = RT_TABLE_MAIN };
	struct rtnl_route rt;
	uint16_t short_oif = 7;
	struct msg m;
	uint8_t *h;

	/* fuzz_rtnl: a route message too short for its struct rtmsg. */
	m_start(&m, RTM_NEWROUTE, &rtm, sizeof(rtm));
	h = m_end(&m, NLMSG_HDRLEN + 4);
	CHECK_EQ(rtnl_route_parse((void *)h, &rt), -EBADMSG);
	free(h);

	/* A 2-byte RTA_OIF and RTA_TABLE are ignored, not read as u32. */
	m_start(&m, RTM_NEWROUTE, &rtm, sizeof(rtm));
	m_attr(&m, RTA_OIF, &short_oif, 2);
	m_attr(&m, RTA_TABLE, &short_oif, 2);
	h = m_end(&m, m.len);
	REQUIRE(rtnl_route_parse((void *)h, &rt) == 0);
	CHECK_EQ(rt.ifindex, 0);
	CHECK_EQ(rt.table, RT_TABLE_MAIN);
	CHECK_EQ(rt.plen, 24);
	free(h);
}

TEST(link_parse_malformed)
{
	struct ifinfomsg ifi = { .ifi_flags = IFF_UP };
	unsigned int mtu = 0, flags = 0;
	struct msg m;
	uint8_t *h;

	m_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	h = m_end(&m, NLMSG_HDRLEN + 8);
	CHECK_EQ(rtnl_link_parse((void *)h, &mtu, &flags), -EBADMSG);
	free(h);
}

static struct lm_snap snap;

static void snap_run(const uint8_t *h, size_t len)
{
	lm_snap_free(&snap);
	rtnl_cb_run(h, len, 0, 0, lm_snap_msg, &snap);
	lm_snap_finish(&snap);
}

TEST(link_monitor_malformed)
{
	struct ifinfomsg ifi = { .ifi_index = 2, .ifi_flags = IFF_UP | IFF_RUNNING };
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = 64,
				 .ifa_index = 2 };
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_table = RT_TABLE_MAIN,
			     .rtm_type = RTN_UNICAST };
	const char noterm[4] = { 'e', 't', 'h', '0' };
	uint32_t ci_short = 100, oif2 = 2;
	uint16_t mtu_short = 1400;
	struct in6_addr a;
	struct msg m;
	uint8_t *h;

	/* A link message shorter than struct ifinfomsg: ignored. */
	m_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	h = m_end(&m, NLMSG_HDRLEN + 4);
	snap_run(h, NLMSG_HDRLEN + 4);
	CHECK_EQ(snap.n, 0);
	free(h);

	/* A name without its NUL: the interface is ignored (it was read
	 * past the attribute by snprintf("%s")). */
	m_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	m_attr(&m, IFLA_IFNAME, noterm, sizeof(noterm));
	h = m_end(&m, m.len);
	snap_run(h, m.len);
	CHECK_EQ(snap.n, 0);
	free(h);

	/* A 2-byte IFLA_MTU is ignored, the interface kept. */
	m_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	m_attr(&m, IFLA_IFNAME, "eth0", 5);
	m_attr(&m, IFLA_MTU, &mtu_short, 2);
	h = m_end(&m, m.len);
	snap_run(h, m.len);
	REQUIRE(snap.n == 1);
	CHECK_STR(snap.ifs[0].name, "eth0");
	CHECK_EQ(snap.ifs[0].mtu, 0);
	free(h);

	/* Then an address with a 4-byte IFA_CACHEINFO (16 expected): the
	 * lifetime stays "forever", nothing read past the attribute. */
	{
		uint8_t two[2048];
		size_t l1 = m.len;

		m_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
		m_attr(&m, IFLA_IFNAME, "eth0", 5);
		((struct nlmsghdr *)m.b)->nlmsg_len = (uint32_t)m.len;
		memcpy(two, m.b, m.len);
		l1 = m.len;
		m_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
		inet_pton(AF_INET6, "2001:db8:1:2::10", &a);
		m_attr(&m, IFA_ADDRESS, &a, 16);
		m_attr(&m, IFA_CACHEINFO, &ci_short, 4);
		((struct nlmsghdr *)m.b)->nlmsg_len = (uint32_t)m.len;
		memcpy(two + l1, m.b, m.len);
		l1 += m.len;
		m_start(&m, RTM_NEWROUTE, &rtm, sizeof(rtm));
		m_attr(&m, RTA_OIF, &mtu_short, 2); /* short: no default6 */
		((struct nlmsghdr *)m.b)->nlmsg_len = (uint32_t)m.len;
		memcpy(two + l1, m.b, m.len);
		l1 += m.len;
		m_start(&m, RTM_NEWROUTE, &rtm, sizeof(rtm));
		m_attr(&m, RTA_OIF, &oif2, 4);
		h = malloc(l1);
		memcpy(h, two, l1);
		snap_run(h, l1);
		REQUIRE(snap.n == 1);
		REQUIRE(snap.a6[0].n == 1);
		CHECK_EQ(snap.a6[0].a[0].preferred, ~0u);
		CHECK(snap.ifs[0].has_slaac64);
		CHECK(!snap.ifs[0].has_default6);
		free(h);
		/* The well-formed route does count. */
		((struct nlmsghdr *)m.b)->nlmsg_len = (uint32_t)m.len;
		memcpy(two + l1, m.b, m.len);
		h = malloc(l1 + m.len);
		memcpy(h, two, l1 + m.len);
		snap_run(h, l1 + m.len);
		REQUIRE(snap.n == 1);
		CHECK(snap.ifs[0].has_default6);
		free(h);
	}
}

TEST(nexthop_malformed)
{
	struct ndmsg nd = { .ndm_family = AF_INET6, .ndm_ifindex = 2,
			    .ndm_state = NUD_REACHABLE };
	struct nexthop want = { .ifindex = 2 };
	struct nexthop_neigh nr = { .want = &want };
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct msg m;
	uint8_t *h;

	inet_pton(AF_INET6, "fe80::1", &want.via);
	/* fuzz_nexthop: a neighbour message shorter than struct ndmsg. */
	m_start(&m, RTM_NEWNEIGH, &nd, sizeof(nd));
	h = m_end(&m, NLMSG_HDRLEN + 4);
	nexthop_neigh_cb((void *)h, &nr);
	CHECK(!nr.found);
	free(h);

	/* The whole message is found and usable. */
	m_start(&m, RTM_NEWNEIGH, &nd, sizeof(nd));
	m_attr(&m, NDA_DST, &want.via, 16);
	m_attr(&m, NDA_LLADDR, mac, 6);
	h = m_end(&m, m.len);
	nexthop_neigh_cb((void *)h, &nr);
	CHECK(nr.found && nr.usable);
	CHECK_EQ(nr.halen, 6);
	CHECK_MEM(nr.lladdr, mac, 6);
	free(h);
}

/* A route event of prefix length plen, in a buffer of its own. */
static uint8_t *route_ev(uint16_t type, unsigned char plen, size_t *len)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = plen,
			     .rtm_table = RT_TABLE_MAIN, .rtm_type = RTN_UNICAST };
	const uint32_t dst = htonl(0xc6336400), oif = 2;
	struct msg m;

	m_start(&m, type, &rtm, sizeof(rtm));
	m_attr(&m, RTA_DST, &dst, 4);
	m_attr(&m, RTA_OIF, &oif, 4);
	*len = m.len;
	return m_end(&m, m.len);
}

/* Two messages in one datagram. */
static uint8_t *two(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	uint8_t *h = malloc(NLMSG_ALIGN(na) + nb);

	memcpy(h, a, NLMSG_ALIGN(na));
	memcpy(h + NLMSG_ALIGN(na), b, nb);
	return h;
}

TEST(link_monitor_event_relevance)
{
	struct ifinfomsg ifi = { .ifi_index = 2 };
	size_t n24, n0, nl;
	uint8_t *r24 = route_ev(RTM_NEWROUTE, 24, &n24);
	uint8_t *d0 = route_ev(RTM_DELROUTE, 0, &n0);
	uint8_t *h, *lk;
	struct msg m;

	/* A routing daemon's prefix route: no snapshot. */
	CHECK(!lm_event_relevant(r24, n24));
	h = route_ev(RTM_DELROUTE, 32, &nl);
	CHECK(!lm_event_relevant(h, nl));
	free(h);
	/* A default route (added or gone), a link, an address: snapshot. */
	CHECK(lm_event_relevant(d0, n0));
	m_start(&m, RTM_NEWLINK, &ifi, sizeof(ifi));
	nl = m.len;
	lk = m_end(&m, nl);
	CHECK(lm_event_relevant(lk, nl));
	/* One relevant message among others makes the datagram relevant. */
	h = two(r24, n24, d0, n0);
	CHECK(lm_event_relevant(h, NLMSG_ALIGN(n24) + n0));
	free(h);
	h = two(r24, n24, r24, n24);
	CHECK(!lm_event_relevant(h, 2 * NLMSG_ALIGN(n24)));
	free(h);
	/* Unreadable: a route message too short for its rtmsg, a length
	 * past the datagram, an empty datagram's garbage. */
	m_start(&m, RTM_NEWROUTE, &ifi, 4);
	h = m_end(&m, NLMSG_HDRLEN + 4);
	CHECK(lm_event_relevant(h, NLMSG_HDRLEN + 4));
	free(h);
	CHECK(lm_event_relevant(r24, n24 - 4));
	free(r24);
	free(d0);
	free(lk);
}

TEST(hostaddr_malformed)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = 64,
				 .ifa_index = 2 };
	struct clat_if_addr6 x;
	uint32_t ci_short = 100;
	uint16_t flags_short = 0x80;
	struct in6_addr a;
	struct msg m;
	uint8_t *h;

	inet_pton(AF_INET6, "2001:db8:1:2::10", &a);
	/* Shorter than struct ifaddrmsg: not an address. */
	m_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	h = m_end(&m, NLMSG_HDRLEN + 4);
	CHECK_EQ(hostaddr_parse6((void *)h, 2, &x), 0);
	free(h);
	/* A 4-byte address: not read as 16. */
	m_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	m_attr(&m, IFA_ADDRESS, &a, 4);
	h = m_end(&m, m.len);
	CHECK_EQ(hostaddr_parse6((void *)h, 2, &x), 0);
	free(h);
	/* Short IFA_FLAGS and IFA_CACHEINFO: ignored, the address kept. */
	m_start(&m, RTM_NEWADDR, &ifa, sizeof(ifa));
	m_attr(&m, IFA_ADDRESS, &a, 16);
	m_attr(&m, IFA_FLAGS, &flags_short, 2);
	m_attr(&m, IFA_CACHEINFO, &ci_short, 4);
	h = m_end(&m, m.len);
	REQUIRE(hostaddr_parse6((void *)h, 2, &x) == 1);
	CHECK_MEM(&x.addr, &a, 16);
	CHECK_EQ(x.plen, 64);
	CHECK_EQ(x.flags, 0);
	CHECK_EQ(x.preferred, ~0u);
	CHECK_EQ(hostaddr_parse6((void *)h, 3, &x), 0); /* another link */
	free(h);
}

int main(void)
{
	return tap_run();
}
