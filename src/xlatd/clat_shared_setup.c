// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A clat instance in shared-address mode (docs/clat-shared.md): the
 * host's own address, the NAPT with its port reservations, the uplink
 * ingress program that keeps the NAPT's returning packets from the
 * host's stack, and the packet socket that receives them.  The instance
 * runs only when all of it is in place; else it fails and says why.
 */
#include "xlatd/clat_priv.h"

#include "control/clat_shared_addr.h"
#include "control/hostaddr.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

int clat_choose_shared_addr(struct clat *c, const struct clat_if_addr6 *a,
			    int n)
{
	char b[INET6_ADDRSTRLEN];
	int best = clat_pick_shared_addr(a, (size_t)n, &c->plan.pref64.addr);

	if (best < 0) {
		instance_set_state(c->inst, "waiting",
				   "no usable global IPv6 address on %s to share",
				   c->uplink);
		return 1;
	}
	c->addr6 = a[best].addr;
	c->auto6 = false;
	log_info(c->inst->name, "shared address mode: IPv4 flows leave as %s/%u, the host's own address",
		 clat_fmt6(&c->addr6, b), a[best].plen);
	return 0;
}

static void napt_cfg(const struct clat_conf *cc, struct clat_napt_cfg *nc)
{
	clat_napt_cfg_default(nc);
	nc->port_lo = cc->shared_lo;
	nc->port_hi = cc->shared_hi;
	nc->max_maps = cc->shared_max ? cc->shared_max :
		(uint32_t)(cc->shared_hi - cc->shared_lo + 1) * NAPT__NPROTO;
	nc->to_udp = cc->shared_to[0];
	nc->to_tcp_est = cc->shared_to[1];
	nc->to_tcp_trans = cc->shared_to[2];
	nc->to_icmp = cc->shared_to[3];
}

/*
 * Ports the kernel hands to unbound host sockets and the NAPT's range
 * should not meet: it works (each side's bind sees the other's), but
 * the two then take turns at the same ports.  Read, never written.
 */
static void check_ephemeral(struct clat *c, unsigned int lo, unsigned int hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	unsigned int a, b;

	if (!f)
		return;
	if (fscanf(f, "%u %u", &a, &b) == 2 && a <= hi && lo <= b)
		log_warn(c->inst->name, "shared-ports %u-%u overlap the host's ephemeral ports %u-%u (net.ipv4.ip_local_port_range): both work, but compete",
			 lo, hi, a, b);
	fclose(f);
}

/* Returning UDP fragments, reassembled by the kernel (clat_shared.h). */
static void shared_rx_cb(struct instance *inst, int fd, uint32_t events)
{
	struct clat *c = inst->priv;

	(void)fd;
	(void)events;
	clat_shared_rx(&c->shared, c->dp.tun_fd, &c->cfg, &c->addr4);
}

int clat_setup_shared(struct clat *c)
{
	const struct clat_conf *cc = &c->inst->conf->clat;
	struct clat_napt_cfg nc;
	char why[200];
	int ret;

	napt_cfg(cc, &nc);
	check_ephemeral(c, nc.port_lo, nc.port_hi);
	/* A killed xlatd's clsact filter would keep taking its ports. */
	clat_bpf_remove_leftovers(c->up_ifindex, "clat_shared_in:");
	ret = clat_shared_open(&c->shared, &nc, &c->addr6, c->up_ifindex,
			       (enum xlat_bpf_attach)cc->bpf_attach, why,
			       sizeof(why));
	if (ret < 0) {
		/* Without the ingress program the host's stack would answer
		 * the CLAT's returning packets (RST, port unreachable). */
		instance_set_state(c->inst, "failed",
				   "shared address mode cannot run: %s", why);
		log_err(c->inst->name, "shared address mode cannot run: %s", why);
		return ret;
	}
	c->dp.shared = &c->shared;
	ret = instance_watch_fd(c->inst, clat_shared_rx_fd(&c->shared), EPOLLIN,
				shared_rx_cb);
	if (ret < 0)
		return clat_fail(c, ret, "%s: %s", "watch");
	c->shared_rx_watched = true;
	/* The kernel owns the address: it answers NS and did DAD.  The
	 * uplink's frames still carry our MAC (frames and GSO sends). */
	c->dp.nd_ours = false;
	c->dp.pkt_fd = clat_shared_pkt_open(c->up_ifindex, &c->addr6,
					    nc.port_lo, nc.port_hi);
	if (c->dp.pkt_fd < 0)
		return clat_fail(c, c->dp.pkt_fd, "packet socket on %s: %s",
				 c->uplink);
	c->dp.raw_fd = clat_raw_open(c->uplink);
	if (c->dp.raw_fd < 0)
		return clat_fail(c, c->dp.raw_fd, "raw socket on %s: %s",
				 c->uplink);
	c->dp.gso_fd = clat_gso_open();
	if (c->dp.gso_fd < 0)
		log_info(c->inst->name, "no GSO packet socket (%s): TCP segments go out one by one",
			 strerror(-c->dp.gso_fd));
	log_info(c->inst->name, "NAPT ports %u-%u (%u flows at most), returning packets taken at %s ingress (%s)",
		 nc.port_lo, nc.port_hi, nc.max_maps, c->uplink,
		 clat_shared_attach_mode(&c->shared));
	return 0;
}

bool clat_shared_addr_still(struct clat *c)
{
	struct clat_if_addr6 a[CLAT_MAX_ADDRS];
	int n = hostaddr_dump6(c->up_ifindex, a, CLAT_MAX_ADDRS);

	if (n < 0)
		return true; /* cannot tell: do not tear down on a hiccup */
	for (int i = 0; i < n; i++)
		if (!memcmp(&a[i].addr, &c->addr6, 16))
			return clat_shared_addr_usable(&a[i]);
	return false;
}

void clat_shared_teardown(struct clat *c)
{
	if (c->shared_rx_watched)
		instance_unwatch_fd(c->inst, clat_shared_rx_fd(&c->shared));
	c->shared_rx_watched = false;
	c->dp.shared = NULL;
	c->dp.nd_ours = c->l2;
	clat_shared_close(&c->shared);
}

void clat_shared_status(struct clat *c, struct ctl_out *o)
{
	struct clat_shared_stats st;

	if (!c->plan.shared || !c->shared.open)
		return;
	clat_shared_snapshot(&c->shared, &st);
	ctl_obj_begin(o, "shared");
	ctl_kv_str(o, "ports", "%u-%u", st.port_lo, st.port_hi);
	ctl_kv_u64(o, "max_flows", st.max_maps);
	ctl_kv_str(o, "ingress_attach", "%s", clat_shared_attach_mode(&c->shared));
	for (int p = 0; p < NAPT__NPROTO; p++) {
		char k[32];

		snprintf(k, sizeof(k), "flows_%s",
			 clat_napt_proto_name((enum napt_proto)p));
		ctl_kv_u64(o, k, st.maps[p]);
	}
	ctl_kv_u64(o, "ingress_keys", st.bpf_keys < 0 ? 0 : (uint64_t)st.bpf_keys);
	for (unsigned int i = 0; i < NAPT_C__COUNT; i++)
		ctl_kv_u64(o, clat_napt_counter_name(i), st.ctr[i]);
	for (unsigned int i = 0; i < CLAT_SHARED__COUNT; i++)
		ctl_kv_u64(o, xlat_shared_bpf_counter_name(i), st.bpf[i]);
	ctl_kv_u64(o, "reserve_errors", c->shared.reserve_errors);
	ctl_obj_end(o);
}
