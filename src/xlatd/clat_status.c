// SPDX-License-Identifier: GPL-2.0-or-later
/* What `xlatctl status` shows of a clat instance. */
#include "xlatd/clat_priv.h"

#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/statefile.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Block 2 of the counters is the fast path's snapshot; the framework
 * sums the blocks. */
static void refresh_fastpath(struct instance *inst, struct clat *c)
{
	struct xlat_stats *bs = instance_stats(inst, 2);

	memset(bs, 0, sizeof(*bs));
	clat_bpf_stats(&c->bpf, bs);
}

/* The nice value the userspace workers take while they carry a stream,
 * and why if not the one worker-nice asked for; then what each runs at
 * now (the daemon's between streams, clat_dp_worker_boost()). */
static void worker_nice(struct clat *c, struct ctl_out *o)
{
	int err = __atomic_load_n(&c->dp.nice_err, __ATOMIC_RELAXED);
	int boost = __atomic_load_n(&c->dp.w[0].nice_boost, __ATOMIC_RELAXED);

	if (!err)
		ctl_kv_str(o, "worker_nice", "%d", boost);
	else
		ctl_kv_str(o, "worker_nice", "%d (worker-nice %d refused: %s)",
			   boost, c->dp.nice, strerror(err));
	ctl_kv_str(o, "worker_nice_now", "%d %d",
		   __atomic_load_n(&c->dp.w[0].nice, __ATOMIC_RELAXED),
		   __atomic_load_n(&c->dp.w[1].nice, __ATOMIC_RELAXED));
}

void clat_status(struct instance *inst, struct ctl_out *o)
{
	const struct clat_conf *cc = &inst->conf->clat;
	struct clat *c = inst->priv;
	char b[INET6_ADDRSTRLEN], sf[300];
	struct clat_dp_counters k;
	uint64_t now = now_ms();

	if (c)
		refresh_fastpath(inst, c);

	ctl_kv_str(o, "uplink", "%s", cc->uplink);
	ctl_kv_str(o, "mode", "%s", cc->mode == CLAT_MODE_ON ? "on" :
				    cc->mode == CLAT_MODE_OFF ? "off" : "auto");
	if (statefile_error(cc->uplink, sf, sizeof(sf)))
		ctl_kv_str(o, "state_file_error", "%s", sf);
	if (!c || !c->plan.run)
		return;
	ctl_obj_begin(o, "pref64");
	ctl_kv_str(o, "prefix", "%s/%u", clat_fmt6(&c->plan.pref64.addr, b),
		   c->plan.pref64.len);
	ctl_kv_str(o, "source", "%s", clat_source_name(c->plan.source));
	if (c->plan.expires == DISC_NEVER)
		ctl_kv_str(o, "lifetime", "forever");
	else
		ctl_kv_u64(o, "lifetime_s", c->plan.expires > now ?
				(c->plan.expires - now + 999) / 1000 : 0);
	ctl_obj_end(o);
	ctl_kv_str(o, "address_mode", "%s", c->plan.shared ? "shared" : "dedicated");
	ctl_kv_str(o, "address_mode_why", "%s", c->plan.addr_why);
	if (c->plan.plat_why[0])
		ctl_kv_str(o, "plat", "%s", c->plan.plat_why);
	if (!c->plan.shared) {
		ctl_kv_str(o, "uplink_prefix", "%s/64",
			   clat_fmt6(&c->plan.prefix64, b));
		if (c->plan.prefix_why[0])
			ctl_kv_str(o, "uplink_prefix_why", "%s",
				   c->plan.prefix_why);
	}
	if (!c->engaged || !c->up_ifindex)
		return;
	ctl_kv_str(o, "tun", "%s", c->tun[0] ? c->tun : cc->tun);
	ctl_kv_str(o, "clat_ipv6", "%s", clat_fmt6(&c->addr6, b));
	ctl_kv_str(o, "clat_ipv4", "%s",
		   inet_ntop(AF_INET, &c->addr4, b, sizeof(b)));
	ctl_kv_u64(o, "mtu", c->mtu);
	ctl_kv_str(o, "mtu_source", "%s", c->mtu_why);
	ctl_kv_u64(o, "uplink_ipv6_mtu", c->up_mtu);
	ctl_kv_str(o, "uplink_link", "%s", c->l2 && c->plan.shared ?
				 "ethernet (the host's own address: the kernel answers NDP)" :
				 c->l2 ? "ethernet (NDP answered by xlatd)" :
				 "point-to-point (no link layer: no NDP, no DAD)");
	ctl_kv_u64(o, "metric", c->metric);
	ctl_kv_str(o, "datapath", "%s", clat_bpf_active(&c->bpf));
	if (!strcmp(clat_bpf_active(&c->bpf), "bpf"))
		ctl_kv_str(o, "fastpath_6to4", "%s", c->pass_up ?
			   "in place (up the stack from the uplink)" :
			   "via the TUN's ingress (strict rp_filter)");
	clat_bpf_status(&c->bpf, o);
	clat_shared_status(c, o);
	clat_dp_counters(&c->dp, &k);
	ctl_kv_u64(o, "ns_answered", k.ns_answered);
	ctl_kv_u64(o, "io_errors", k.io_errors);
	ctl_kv_u64(o, "tun_gso_in", k.gso_in);
	ctl_kv_u64(o, "tun_gso_out", k.gso_out);
	/* The userspace path's uplink I/O (docs/clat-datapath.md). */
	ctl_kv_str(o, "uplink_rx", "%s", k.rx_ring ?
		   "packet ring (PACKET_MMAP TPACKET_V2)" : "recvmmsg");
	ctl_kv_str(o, "uplink_tx", "%s", c->dp.gso_fd < 0 ?
		   "raw IPv6 socket (no packet socket)" : !k.tx_raw && !k.tx_frames ?
		   "idle" : k.tx_frames >= k.tx_raw ?
		   __atomic_load_n(&c->dp.utx.txr_ok, __ATOMIC_RELAXED) ?
		   "packet socket frames (TX ring, prepared link-layer header)" :
		   __atomic_load_n(&c->dp.utx.uring_ok, __ATOMIC_RELAXED) ?
		   "packet socket frames (io_uring batches, prepared link-layer header)" :
		   "packet socket frames (sendmmsg, prepared link-layer header)" :
		   "raw IPv6 socket (next hop not resolved)");
	ctl_kv_str(o, "tun_rx", "%s", k.tun_uring ? "io_uring batches" : "read()");
	ctl_kv_u64(o, "uplink_tx_frames", k.tx_frames);
	/* The rest of the frames went as messages (ring frame busy). */
	ctl_kv_u64(o, "uplink_tx_ring_frames", k.tx_ring_frames);
	/* Congestion drops, apart from io_errors. */
	ctl_kv_u64(o, "uplink_tx_dropped", k.tx_dropped);
	ctl_kv_u64(o, "uplink_tx_raw", k.tx_raw);
	ctl_kv_u64(o, "uplink_tx_sends", k.tx_sends);
	ctl_kv_u64(o, "uplink_rx_ring_batches", k.rx_ring_batches);
	ctl_kv_u64(o, "uplink_rx_plain_batches", k.rx_plain_batches);
	ctl_kv_u64(o, "uplink_rx_copies", k.rx_copies);
	ctl_kv_u64(o, "uplink_rx_drops", k.rx_drops);
	/* The userspace workers' waits (coalesce-usecs). */
	ctl_kv_u64(o, "coalesce_usecs", cc->coalesce_usecs);
	ctl_kv_u64(o, "io_sleeps_poll", k.sleeps_poll);
	ctl_kv_u64(o, "io_sleeps_timer", k.sleeps_timer);
	worker_nice(c, o);
}

void clat_traffic(struct instance *inst, uint64_t *out6, uint64_t *in6)
{
	struct clat *c = inst->priv;
	struct xlat_stats sum;

	*out6 = *in6 = 0;
	if (!c)
		return;
	refresh_fastpath(inst, c);
	instance_stats_sum(inst, &sum);
	*out6 = sum.dir[XLAT_DIR_4TO6].out_pkts;
	*in6 = sum.dir[XLAT_DIR_6TO4].in_pkts;
}
