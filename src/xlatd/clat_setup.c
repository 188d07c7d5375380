// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a clat instance sets up on the host for a plan (addresses, the
 * TUN, the uplink sockets, the engine, the data paths), and what follows
 * the uplink while it runs (its IPv6 MTU).
 */
#include "xlatd/clat_priv.h"

#include "control/clat_addr.h"
#include "control/hostaddr.h"
#include "datapath/tun.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int clat_pick_addr6(struct clat *c)
{
	char b[INET6_ADDRSTRLEN];

	for (int i = 0; i < 64; i++) {
		uint8_t rnd[8];

		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		if (clat_make_ipv6(&c->prefix64, rnd, &c->cfg.pool6, &c->addr4,
				   c->avoid, c->n_avoid, &c->addr6)) {
			log_debug(c->inst->name, "CLAT IPv6 address %s",
				  clat_fmt6(&c->addr6, b));
			return 0;
		}
	}
	return -EAGAIN;
}

int clat_choose_addrs(struct clat *c)
{
	const struct clat_conf *cc = &c->inst->conf->clat;
	struct clat_if_addr6 a[CLAT_MAX_ADDRS];
	struct in_addr used[CLAT_MAX_ADDRS];
	int n, best;

	if (cc->has_ipv4)
		c->addr4 = cc->ipv4;
	else if (!clat_pick_ipv4(used, hostaddr_used4(used, CLAT_MAX_ADDRS),
				 &c->addr4))
		return clat_fail(c, -EADDRINUSE, "%s: %s", "all of 192.0.0.0/29 in use");

	n = hostaddr_dump6(c->up_ifindex, a, CLAT_MAX_ADDRS);
	if (n < 0)
		return clat_fail(c, n, "%s: %s", "reading uplink addresses");
	for (int i = 0; i < n; i++)
		c->avoid[c->n_avoid++] = a[i].addr;
	if (c->plan.shared)
		return clat_choose_shared_addr(c, a, n);
	if (cc->has_ipv6) {
		c->addr6 = cc->ipv6;
		return 0;
	}
	/* The plan's /64 (chosen toward the NAT64 prefix), if it is still
	 * there; else the same choice on what the dump shows. */
	best = -1;
	for (int i = 0; i < n && best < 0; i++)
		if (clat_prefix64_usable(&a[i]) &&
		    !memcmp(&a[i].addr, &c->plan.prefix64, 8))
			best = i;
	if (best < 0)
		best = clat_pick_prefix64_for(a, (size_t)n, &c->plan.pref64.addr);
	if (best < 0) {
		instance_set_state(c->inst, "waiting",
				   "no global /64 address on %s", c->uplink);
		return 1;
	}
	c->prefix64 = a[best].addr;
	c->auto6 = true;
	return clat_pick_addr6(c) ? clat_fail(c, -EAGAIN, "%s: %s", "CLAT IPv6 address")
			     : 0;
}

/* The engine's and the TUN's MTU from the uplink's IPv6 MTU. */
static void set_engine_mtu(struct clat *c)
{
	const struct inst_conf *ic = c->inst->conf;

	/* The engine's default 1280 is a router's guess about links it
	 * cannot see.  A host knows its first hop: IPv4 packets up to the
	 * TUN MTU (uplink - 28) must go out whole, and a smaller path MTU
	 * further on comes back as Packet Too Big, translated. */
	c->cfg.lowest_ipv6_mtu = ic->xlat.lowest_ipv6_mtu;
	if (c->cfg.lowest_ipv6_mtu == 1280 && c->up_mtu > 1280)
		c->cfg.lowest_ipv6_mtu = (uint16_t)(c->up_mtu > 65535 ? 65535
								       : c->up_mtu);
	/* The raw socket refuses (EMSGSIZE) what exceeds the uplink MTU
	 * instead of answering with Packet Too Big: DF=1 packets that do not
	 * fit get Fragmentation Needed from the engine. */
	c->cfg.ipv6_mtu = c->up_mtu;
	if (ic->clat.mtu) {
		c->mtu = ic->clat.mtu;
		snprintf(c->mtu_why, sizeof(c->mtu_why), "configured");
	} else {
		c->mtu = clat_default_mtu(c->up_mtu);
		snprintf(c->mtu_why, sizeof(c->mtu_why),
			 "uplink IPv6 MTU %u - 28", c->up_mtu);
	}
}

void clat_set_engine(struct clat *c)
{
	const struct inst_conf *ic = c->inst->conf;

	c->cfg = ic->xlat;
	c->cfg.has_pool6 = true;
	c->cfg.pool6 = c->plan.pref64;
	c->cfg.decrement_ttl = false; /* host mode: we are not a router */
	/* Hairpinning is a PLAT's business (RFC 7757 s4): a CLAT's IPv4
	 * side is the host itself, never another pool6 address. */
	c->cfg.hairpin = false;
	c->cfg.eam = &c->eam;
	c->cfg.n_eam = 1;
	if (!c->cfg.self4.s_addr)
		c->cfg.self4.s_addr = htonl(0xc0000008); /* 192.0.0.8 */
	set_engine_mtu(c);
}

void clat_set_eam(struct clat *c)
{
	c->eam.p4.addr = c->addr4;
	c->eam.p4.len = 32;
	c->eam.p6.addr = c->addr6;
	c->eam.p6.len = 128;
	c->cfg.self6 = c->addr6;
}

/*
 * No IPv6 on the TUN: without a link-local address the kernel sends no
 * Router Solicitation or MLD into it.  A netlink attribute of our own
 * device, not a sysctl.
 */
static int tun_no_ipv6_ll(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *af, *in6;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	in6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, in6);
	mnl_attr_nest_end(nlh, af);
	return rtnl_request(nlh, NULL, NULL);
}

int clat_setup_tun(struct clat *c)
{
	const struct clat_conf *cc = &c->inst->conf->clat;
	int ret;

	if (rtnl_link_index(cc->tun) > 0)
		return clat_fail(c, -EEXIST, "device %s: %s", cc->tun);
	c->dp.tun_fd = tun_open_flags(cc->tun, TUN_NONBLOCK | TUN_VNET_HDR, c->tun);
	if (c->dp.tun_fd < 0)
		return clat_fail(c, c->dp.tun_fd, "TUN %s: %s", cc->tun);
	c->tun_ifindex = rtnl_link_index(c->tun);
	if (c->tun_ifindex < 0)
		return clat_fail(c, c->tun_ifindex, "TUN %s: %s", c->tun);
	ret = rtnl_link_set_mtu(&c->rtnl, c->tun_ifindex, c->mtu);
	if (ret < 0)
		return clat_fail(c, ret, "MTU of %s: %s", c->tun);
	tun_set_txqueuelen(c->tun, 2048);
	ret = tun_no_ipv6_ll(c->tun_ifindex);
	if (ret < 0)
		log_warn(c->inst->name, "no IPv6 off on %s: %s", c->tun,
			 strerror(-ret));
	ret = rtnl_addr(&c->rtnl, true, c->tun_ifindex, AF_INET,
			(const union rtnl_addr *)&c->addr4, 32, 0);
	if (ret < 0)
		return clat_fail(c, ret, "IPv4 address on %s: %s", c->tun);
	c->addr4_added = true;
	ret = rtnl_link_set_up(&c->rtnl, c->tun_ifindex, true);
	if (ret < 0)
		return clat_fail(c, ret, "set %s up: %s", c->tun);
	ret = rtnl_qdisc_noqueue(&c->rtnl, c->tun_ifindex);
	if (ret < 0)
		log_info(c->inst->name, "%s keeps its default qdisc (noqueue: %s)",
			 c->tun, strerror(-ret));
	return 0;
}

int clat_setup_uplink(struct clat *c)
{
	if (c->plan.shared)
		return clat_setup_shared(c);
	c->dp.pkt_fd = clat_pkt_open(c->up_ifindex, &c->addr6);
	if (c->dp.pkt_fd < 0)
		return clat_fail(c, c->dp.pkt_fd, "packet socket on %s: %s", c->uplink);
	c->dp.raw_fd = clat_raw_open(c->uplink);
	if (c->dp.raw_fd < 0)
		return clat_fail(c, c->dp.raw_fd, "raw socket on %s: %s", c->uplink);
	/* Optional: without it TCP super-packets are cut in software. */
	c->dp.gso_fd = clat_gso_open();
	if (c->dp.gso_fd < 0)
		log_info(c->inst->name, "no GSO packet socket (%s): TCP segments go out one by one",
			 strerror(-c->dp.gso_fd));
	if (!c->l2)
		return 0; /* no NDP on a point-to-point link */
	c->mcast_fd = clat_mcast_open(c->up_ifindex, &c->addr6);
	if (c->mcast_fd < 0)
		return clat_fail(c, c->mcast_fd, "solicited-node group on %s: %s",
			    c->uplink);
	return 0;
}

/* The workers see what the instance decided; then they run. */
int clat_start_workers(struct clat *c)
{
	struct clat_dp *dp = &c->dp;

	dp->cfg = &c->cfg;
	dp->up_ifindex = c->up_ifindex;
	dp->up_mtu = c->up_mtu;
	dp->addr6 = c->addr6;
	dp->pref64 = c->plan.pref64.addr;
	dp->coalesce_usecs = c->inst->conf->clat.coalesce_usecs;
	dp->nice = c->inst->conf->clat.worker_nice;
	return clat_dp_start(dp);
}

/* After the TUN, its address and the EAM exist, before the workers. */
int clat_start_fastpath(struct clat *c)
{
	char why[160];
	int ret;

	c->bpf.attach = c->inst->conf->clat.bpf_attach;
	if (c->plan.shared) {
		/* The programs translate the dedicated address's flows only;
		 * NAPT flows stay in userspace (docs/clat-shared.md). */
		c->bpf.mode = c->inst->conf->clat.datapath;
		snprintf(c->bpf.why, sizeof(c->bpf.why),
			 "shared address mode: the eBPF fast path does not translate NAPT flows");
		if (c->bpf.mode == CLAT_DP_BPF)
			return clat_fail(c, -EOPNOTSUPP, "datapath = bpf: %s (%s)",
					 c->bpf.why);
		goto offload;
	}
	ret = clat_bpf_start(&c->bpf, &c->cfg, c->up_ifindex, c->tun_ifindex,
			     c->up_mtu, c->inst->conf->clat.datapath, why,
			     sizeof(why));
	if (ret < 0)
		return clat_fail(c, ret, "datapath = bpf: %s (%s)", why);
	if (ret == 0 && c->inst->conf->clat.datapath == CLAT_DP_AUTO)
		log_warn(c->inst->name, "userspace data path only: %s", why);
	if (ret > 0)
		log_info(c->inst->name, "eBPF fast path attached on %s and %s",
			 c->uplink, c->tun);
	c->rp_known = false; /* a new fast path: tell it */
	clat_follow_rp_filter(c);
offload:
	/*
	 * Let the host's TCP hand the TUN 64 KB super-packets and unfinished
	 * checksums.  The fast path keeps GSO (bpf_skb_change_proto) and the
	 * uplink segments; the userspace reader cuts what reaches it into
	 * segments itself (tso4_*), one TUN read for up to 64 KB.  Without
	 * offload a TUN has no checksum offload, hence no SG and no GSO:
	 * every segment would cross the host's stack and the TUN alone.
	 */
	ret = tun_set_offload(c->dp.tun_fd, true);
	if (ret < 0)
		log_warn(c->inst->name, "no TUN offload on %s: %s", c->tun,
			 strerror(-ret));
	return 0;
}

/*
 * The uplink's IPv6 MTU changed (an RA's MTU option, `ip link set mtu`):
 * the engine, the fast path and the TUN follow without a restart of the
 * CLAT.  The workers stop for the change (they read the engine's
 * configuration without locks) and start again: a few packets wait in
 * the queues meanwhile, none is lost.
 */
void clat_follow_mtu(struct clat *c, unsigned int up_mtu)
{
	unsigned int old_up = c->up_mtu, old = c->mtu;
	char why[160];
	int ret;

	clat_dp_stop(&c->dp);
	c->up_mtu = up_mtu;
	set_engine_mtu(c);
	if (c->mtu != old) {
		ret = rtnl_link_set_mtu(&c->rtnl, c->tun_ifindex, c->mtu);
		if (ret < 0)
			log_warn(c->inst->name, "MTU %u on %s: %s", c->mtu,
				 c->tun, strerror(-ret));
	}
	ret = clat_bpf_update(&c->bpf, &c->cfg, c->up_mtu, why, sizeof(why));
	if (ret < 0)
		log_warn(c->inst->name, "fast path: %s", why);
	log_info(c->inst->name, "uplink %s IPv6 MTU %u -> %u: IPv4 MTU %u -> %u on %s (%s)",
		 c->uplink, old_up, up_mtu, old, c->mtu, c->tun, c->mtu_why);
	ret = clat_start_workers(c);
	if (ret < 0)
		clat_fail(c, ret, "%s: %s", "worker threads");
}

/*
 * A new NAT64 prefix for a running CLAT (the PLAT was renumbered or
 * replaced): the engine and the fast path take the new pool6 and the
 * workers go on, within the RA's processing.  The CLAT addresses stay:
 * they passed DAD and the host's sockets use the IPv4 one; the IPv6 one
 * is no longer checksum-neutral with the new prefix, which only costs
 * the engine an incremental checksum update per packet.
 */
void clat_follow_pref64(struct clat *c, const struct clat_plan *p)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], why[160];
	int ret;

	log_info(c->inst->name, "reconfiguring: NAT64 prefix %s/%u -> %s/%u (%s): the data path follows, the CLAT addresses stay",
		 clat_fmt6(&c->plan.pref64.addr, a), c->plan.pref64.len,
		 clat_fmt6(&p->pref64.addr, b), p->pref64.len,
		 clat_source_name(p->source));
	clat_dp_stop(&c->dp);
	c->plan = *p;
	c->cfg.pool6 = p->pref64;
	ret = clat_bpf_update(&c->bpf, &c->cfg, c->up_mtu, why, sizeof(why));
	if (ret < 0)
		log_warn(c->inst->name, "fast path: %s", why);
	ret = clat_start_workers(c);
	if (ret < 0)
		clat_fail(c, ret, "%s: %s", "worker threads");
}

/*
 * Where the fast path's 6->4 translations enter the host: in place, on
 * up the stack from the uplink (no second pass through the TUN, GRO
 * kept), unless strict reverse-path filtering (rp_filter 1) on the uplink
 * would drop IPv4 whose way back is the CLAT's TUN; then through the
 * TUN's ingress.  Followed while running: the setting may change.
 */
void clat_follow_rp_filter(struct clat *c)
{
	unsigned int rp = 1;
	bool up;

	if (clat_if_rp_filter(c->uplink, &rp) < 0)
		rp = 1; /* unknown: the safe way */
	up = rp != 1;
	if (c->rp_known && up == c->pass_up)
		return;
	c->rp_known = true;
	c->pass_up = up;
	clat_bpf_set_pass_up(&c->bpf, up);
	if (!strcmp(clat_bpf_active(&c->bpf), "bpf"))
		log_info(c->inst->name, "fast path 6->4: %s (rp_filter %u on %s)",
			 up ? "in place, on up the stack from the uplink"
			    : "through the TUN's ingress", rp, c->uplink);
}
