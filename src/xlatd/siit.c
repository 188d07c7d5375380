// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stateless "siit" instance: RFC 7915 between the two families on
 * one TUN device.  The kernel routes packets into the device; each worker
 * thread owns one queue and writes the translation back into the same
 * device, where the kernel routes it on.
 */
#include "control/rtnl.h"
#include "datapath/coalesce.h"
#include "datapath/ratelimit.h"
#include "datapath/tun.h"
#include "datapath/vnet.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/siit.h"
#include "xlatd/siit_priv.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* out->pkt[i] behind a virtio-net header (vh) or bare (vh NULL). */
static void write_one(struct siit_worker *w, const struct xlat_out *out,
		      unsigned int i, const struct virtio_net_hdr *vh)
{
	uint8_t *p = xlat_out_data(out, i);
	size_t len = out->pkt[i].len;
	struct iovec iov[2] = {
		{ .iov_base = (void *)vh, .iov_len = VNET_HDR_LEN },
		{ .iov_base = p, .iov_len = len },
	};
	ssize_t r;

	if (!vh) {
		r = write(w->fd, p, len);
	} else if (out->pkt[i].off == 0) {
		/* The first packet has the headroom; fragments sit back to
		 * back. */
		memcpy(p - VNET_HDR_LEN, vh, VNET_HDR_LEN);
		r = write(w->fd, p - VNET_HDR_LEN, len + VNET_HDR_LEN);
	} else {
		r = writev(w->fd, iov, 2);
	}
	if (r < 0)
		w->write_errors++;
}

/* Every packet of a translation, with blocking writes. */
void siit_worker_output(struct siit_worker *w, const struct xlat_out *out,
			const struct rx_result *rr)
{
	struct virtio_net_hdr vh;

	if (rr->v == XLAT_DROP)
		return;
	for (unsigned int i = 0; i < out->n; i++) {
		if (!w->s->vnet) {
			write_one(w, out, i, NULL);
			continue;
		}
		vnet_tx_hdr(&rr->vh, rr->flags, rr->v, out->n,
			    xlat_out_data(out, i), out->pkt[i].len, &vh);
		write_one(w, out, i, &vh);
	}
}

/*
 * With a next-hop MTU configured, a super-packet whose segments would not
 * fit it once translated goes through the engine whole, which answers it
 * with Fragmentation Needed / Packet Too Big, as for one big packet.
 */
static unsigned int gso_fit(const struct xlat_cfg *cfg,
			    const struct virtio_net_hdr *vh,
			    const uint8_t *pkt, size_t n, unsigned int flags)
{
	size_t seg;

	if (!(flags & XLAT_F_GSO) || (!cfg->ipv6_mtu && !cfg->ipv4_mtu))
		return flags;
	seg = vnet_gso_seg_len(vh, pkt, n);
	if (pkt[0] >> 4 == 4 && cfg->ipv6_mtu && seg + 20 > cfg->ipv6_mtu)
		return flags & ~XLAT_F_GSO;
	/* Only segments that leave with DF=1 (over 1260 bytes) can be
	 * answered with a Packet Too Big the sender acts on. */
	if (pkt[0] >> 4 == 6 && cfg->ipv4_mtu && seg > 20 &&
	    seg - 20 > cfg->ipv4_mtu && seg - 20 > 1260)
		return flags & ~XLAT_F_GSO;
	return flags;
}

/* The size the engine may fragment 4->6 packets to. */
static unsigned int frag_mtu6(const struct xlat_cfg *cfg)
{
	if (cfg->ipv6_mtu && cfg->ipv6_mtu < cfg->lowest_ipv6_mtu)
		return cfg->ipv6_mtu;
	return cfg->lowest_ipv6_mtu;
}

/* One packet read with a virtio-net header in front of it. */
static void xlat_one_vnet(struct siit_worker *w, uint8_t *buf, size_t n,
			  struct xlat_out *out, struct rx_result *rr)
{
	const struct xlat_cfg *cfg = &w->s->inst->conf->xlat;
	struct xlat_stats *st = instance_stats(w->s->inst, w->idx);
	uint8_t *pkt = buf + VNET_HDR_LEN;
	enum xlat_dir dir;
	int flags;

	rr->v = XLAT_DROP;
	if (n <= VNET_HDR_LEN)
		return;
	memcpy(&rr->vh, buf, VNET_HDR_LEN);
	n -= VNET_HDR_LEN;
	dir = (pkt[0] >> 4) == 6 ? XLAT_DIR_6TO4 : XLAT_DIR_4TO6;
	flags = vnet_rx_flags(&rr->vh, pkt, n, frag_mtu6(cfg));
	if (flags >= 0)
		flags = (int)gso_fit(cfg, &rr->vh, pkt, n, (unsigned int)flags);
	if (flags < 0) {
		out->n = 0;
		out->reason = XLAT_DROP_BAD_VNET_HDR;
		xlat_account(st, dir, n, XLAT_DROP, out);
		return;
	}
	if (flags & XLAT_F_GSO)
		__atomic_store_n(&w->gso_in, w->gso_in + 1, __ATOMIC_RELAXED);
	rr->flags = (unsigned int)flags;
	if (w->s->hooks)
		rr->v = w->s->hooks->xlate(w->s->hook_arg, w->idx, pkt, n, out,
					   rr->flags);
	else
		rr->v = xlat_packet_flags(cfg, pkt, n, out, rr->flags);
	xlat_account(st, dir, n, rr->v, out);
}

/* RFC 4443 2.4 (f), RFC 1812 4.3.2.8: errors over the rate are not sent
 * (the packet stays counted under its reason). */
static void limit_reply(struct siit_worker *w, struct rx_result *rr)
{
	if (rr->v != XLAT_REPLY ||
	    rl_allow(&w->icmp_rl, coalesce_now(), RL_ICMP_RATE, RL_ICMP_BURST))
		return;
	rr->v = XLAT_DROP;
	__atomic_store_n(&w->icmp_limited, w->icmp_limited + 1,
			 __ATOMIC_RELAXED);
}

/* Translate the n bytes read into buf; out gets the result. */
void siit_xlat_one(struct siit_worker *w, uint8_t *buf, size_t n,
		   struct xlat_out *out, struct rx_result *rr)
{
	const struct xlat_cfg *cfg = &w->s->inst->conf->xlat;
	struct xlat_stats *st = instance_stats(w->s->inst, w->idx);
	enum xlat_dir dir;

	if (w->s->vnet) {
		xlat_one_vnet(w, buf, n, out, rr);
		limit_reply(w, rr);
		return;
	}
	rr->flags = 0;
	dir = (buf[0] >> 4) == 6 ? XLAT_DIR_6TO4 : XLAT_DIR_4TO6;
	if (w->s->hooks)
		rr->v = w->s->hooks->xlate(w->s->hook_arg, w->idx, buf, n, out,
					   0);
	else
		rr->v = xlat_packet(cfg, buf, n, out);
	xlat_account(st, dir, n, rr->v, out);
	limit_reply(w, rr);
}

/* One blocking read and its translation: 0, or a negative errno. */
static int worker_read(struct siit_worker *w)
{
	ssize_t n = read(w->fd, w->rx, VNET_HDR_LEN + SIIT_RX_MAX);
	struct rx_result rr;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	siit_xlat_one(w, w->rx, (size_t)n, &w->out, &rr);
	siit_worker_output(w, &w->out, &rr);
	return 0;
}

static void wake_handler(int sig)
{
	(void)sig;
}

/*
 * Blocking reads: a packet costs one read and one write, where poll()
 * plus a read that ends in EAGAIN doubled the system calls whenever the
 * queue ran empty (any rate below saturation).  siit_stop() interrupts
 * the read with SIIT_WAKE_SIG, installed without SA_RESTART.
 */
static void *worker_main(void *arg)
{
	struct siit_worker *w = arg;
	sigset_t ss;

	sigemptyset(&ss);
	sigaddset(&ss, SIIT_WAKE_SIG);
	pthread_sigmask(SIG_UNBLOCK, &ss, NULL);
	siit_worker_sched(w);
	if (w->ring) {
		int r = siit_ring_loop(w, w->ring);

		siit_ring_quiesce(w->ring);
		if (r < 0)
			instance_set_state(w->s->inst, "failed",
					   "queue %u: io_uring: %s", w->idx,
					   strerror(-r));
		return NULL;
	}
	while (!__atomic_load_n(&w->s->stopping, __ATOMIC_ACQUIRE)) {
		int r = worker_read(w);

		if (r < 0) {
			instance_set_state(w->s->inst, "failed",
					   "queue %u: read: %s", w->idx,
					   strerror(-r));
			break;
		}
	}
	return NULL;
}

static int install_wake_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wake_handler;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIIT_WAKE_SIG, &sa, NULL) < 0 ? -errno : 0;
}

/* A signal just before the thread blocks in read() is lost: repeat it. */
static void stop_worker(struct siit_worker *w)
{
	for (;;) {
		struct timespec ts;

		pthread_kill(w->tid, SIIT_WAKE_SIG);
		/* Monotonic: a stepped clock must not stretch the wait. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_clockjoin_np(w->tid, NULL, CLOCK_MONOTONIC, &ts) !=
		    ETIMEDOUT)
			return;
	}
}

/*
 * Offload on every queue: one read then carries a whole TCP super-packet
 * (up to 64 KB) and the kernel segments what we write back.  A kernel
 * without it leaves us with the plain one-packet-per-call path.
 */
static void try_offload(struct siit *s)
{
	s->offload = true;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		int ret = tun_set_offload(s->w[i].fd, true);

		if (ret < 0) {
			log_info(s->inst->name, "no TUN offload on %s: %s",
				 s->ifname, strerror(-ret));
			s->offload = false;
			return;
		}
	}
}

static int open_queues(struct siit *s)
{
	const struct siit_conf *c = &s->inst->conf->siit;
	bool vnet = c->offload;
	unsigned int flags = vnet ? TUN_VNET_HDR : 0;

	if (rtnl_link_index(c->tun) > 0) {
		instance_set_state(s->inst, "failed",
				   "device %s exists already (another instance, a leftover, or not ours)",
				   c->tun);
		return -EEXIST;
	}
	if (s->n_workers > 1)
		flags |= TUN_MULTIQUEUE;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		int fd = tun_open_flags(c->tun, flags, s->ifname);

		if (fd < 0) {
			instance_set_state(s->inst, "failed",
					   "cannot open TUN %s (queue %u): %s",
					   c->tun, i, strerror(-fd));
			return fd;
		}
		s->w[i].fd = fd;
	}
	s->vnet = vnet;
	if (s->vnet)
		try_offload(s);
	s->ifindex = rtnl_link_index(s->ifname);
	return s->ifindex > 0 ? 0 : s->ifindex;
}

static int setup_link(struct siit *s)
{
	const struct siit_conf *c = &s->inst->conf->siit;
	int ret;

	ret = rtnl_link_set_mtu(&s->rtnl, s->ifindex, c->mtu);
	if (ret < 0) {
		instance_set_state(s->inst, "failed", "set mtu %u on %s: %s",
				   c->mtu, s->ifname, strerror(-ret));
		return ret;
	}
	/* Bursts from the stack overflow the default 500 quickly. */
	tun_set_txqueuelen(s->ifname, 2048);
	ret = rtnl_link_set_up(&s->rtnl, s->ifindex, true);
	if (ret < 0)
		instance_set_state(s->inst, "failed", "set %s up: %s",
				   s->ifname, strerror(-ret));
	return ret;
}

/*
 * A ring per worker, or none at all: io = auto falls back to blocking
 * calls (saying why once), io = uring fails the instance instead.
 */
static int make_rings(struct siit *s)
{
	enum siit_io io = s->inst->conf->siit.io;
	int ret = 0;

	if (io == SIIT_IO_BLOCKING)
		return 0;
	for (unsigned int i = 0; i < s->n_workers && ret == 0; i++)
		ret = siit_ring_new(&s->w[i].ring,
				    s->inst->conf->siit.coalesce_usecs);
	if (ret == 0) {
		s->uring = true;
		return 0;
	}
	for (unsigned int i = 0; i < s->n_workers; i++) {
		siit_ring_free(s->w[i].ring);
		s->w[i].ring = NULL;
	}
	if (io == SIIT_IO_URING) {
		instance_set_state(s->inst, "failed", "io_uring: %s",
				   strerror(-ret));
		return ret;
	}
	log_info(s->inst->name, "no io_uring (%s): one read and one write per packet",
		 strerror(-ret));
	return 0;
}

static int start_workers(struct siit *s)
{
	int err = install_wake_handler();

	if (err < 0)
		return err;
	err = make_rings(s);
	if (err < 0)
		return err;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		struct siit_worker *w = &s->w[i];
		int ret;

		w->rx = malloc(VNET_HDR_LEN + SIIT_RX_MAX);
		w->out_base = malloc(SIIT_HEADROOM + XLAT_OUT_MIN);
		if (!w->rx || !w->out_base)
			return -ENOMEM;
		w->out.buf = w->out_base + SIIT_HEADROOM;
		w->out.cap = XLAT_OUT_MIN;
		ret = pthread_create(&w->tid, NULL, worker_main, w);
		if (ret) {
			instance_set_state(s->inst, "failed",
					   "cannot start thread %u: %s", i,
					   strerror(ret));
			return -ret;
		}
		w->running = true;
	}
	return 0;
}

int siit_start_hooked(struct instance *inst, const struct siit_hooks *h,
		      void *arg)
{
	const struct siit_conf *c = &inst->conf->siit;
	struct siit *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	inst->priv = s;
	s->inst = inst;
	s->hooks = h;
	s->hook_arg = arg;
	s->n_workers = c->threads ? c->threads : 1;
	s->w = calloc(s->n_workers, sizeof(*s->w));
	if (!s->w)
		return -ENOMEM;
	for (unsigned int i = 0; i < s->n_workers; i++) {
		s->w[i].fd = -1;
		s->w[i].s = s;
		s->w[i].idx = i;
	}
	ret = instance_stats_alloc(inst, s->n_workers);
	if (ret < 0)
		return ret;
	ret = rtnl_open(&s->rtnl);
	if (ret < 0) {
		instance_set_state(inst, "failed", "netlink: %s", strerror(-ret));
		return ret;
	}
	s->rtnl_open = true;
	ret = open_queues(s);
	if (ret == 0)
		ret = setup_link(s);
	if (ret == 0)
		ret = siit_add_addrs_routes(s);
	if (ret == 0)
		ret = start_workers(s);
	if (ret < 0)
		return ret;
	log_info(inst->name, "running on %s: mtu %u, %u thread%s (%s), %u route%s, %u EAM entr%s",
		 s->ifname, c->mtu, s->n_workers, s->n_workers > 1 ? "s" : "",
		 s->uring ? "io_uring" : "blocking I/O",
		 c->n_route4 + c->n_route6, c->n_route4 + c->n_route6 == 1 ? "" : "s",
		 inst->conf->n_eam, inst->conf->n_eam == 1 ? "y" : "ies");
	return 0;
}

/*
 * The kernel removes a TUN device when its last queue is released, which
 * can trail close() by a little: wait for it, so that stop() leaves
 * nothing behind and a restart (a reload) can create it again at once.
 */
static void wait_tun_gone(struct siit *s)
{
	for (int i = 0; i < 200 && rtnl_link_index(s->ifname) > 0; i++)
		usleep(10 * 1000);
	if (rtnl_link_index(s->ifname) > 0)
		log_warn(s->inst->name, "%s still exists 2 s after its queues were closed",
			 s->ifname);
}

static int siit_start(struct instance *inst)
{
	return siit_start_hooked(inst, NULL, NULL);
}

void *siit_hook_arg(struct instance *inst)
{
	struct siit *s = inst->priv;

	return s ? s->hook_arg : NULL;
}

int siit_send_hooked(struct instance *inst, const void *pkt, size_t len)
{
	struct siit *s = inst->priv;
	struct virtio_net_hdr vh;
	struct iovec iov[2] = {
		{ .iov_base = &vh, .iov_len = VNET_HDR_LEN },
		{ .iov_base = (void *)pkt, .iov_len = len },
	};

	/* A TUN write is one packet and never blocks, so any thread may
	 * use queue 0; with offload behind an empty virtio-net header (a
	 * whole packet, its checksums done). */
	if (!s || !s->w || !s->n_workers)
		return -1;
	if (!s->vnet)
		return write(s->w[0].fd, pkt, len) == (ssize_t)len ? 0 : -1;
	memset(&vh, 0, sizeof(vh));
	return writev(s->w[0].fd, iov, 2) == (ssize_t)(VNET_HDR_LEN + len) ?
		       0 : -1;
}

void siit_stop_hooked(struct instance *inst)
{
	struct siit *s = inst->priv;
	bool opened = false;

	if (!s)
		return;
	__atomic_store_n(&s->stopping, true, __ATOMIC_RELEASE);
	for (unsigned int i = 0; s->w && i < s->n_workers; i++)
		if (s->w[i].running)
			stop_worker(&s->w[i]);
	siit_del_addrs_routes(s);
	for (unsigned int i = 0; s->w && i < s->n_workers; i++) {
		if (s->w[i].fd >= 0) {
			close(s->w[i].fd);
			opened = true;
		}
		siit_ring_free(s->w[i].ring);
		free(s->w[i].rx);
		free(s->w[i].out_base);
	}
	if (opened && s->ifname[0])
		wait_tun_gone(s);
	if (s->rtnl_open)
		rtnl_close(&s->rtnl);
	free(s->w);
	free(s);
	inst->priv = NULL;
}

void siit_status_hooked(struct instance *inst, struct ctl_out *o)
{
	const struct inst_conf *ic = inst->conf;
	struct siit *s = inst->priv;
	uint64_t werr = 0, gso = 0, wp = 0, wt = 0, rl = 0;
	char b[64];

	ctl_kv_str(o, "tun", "%s", s->ifname);
	ctl_kv_u64(o, "mtu", ic->siit.mtu);
	/* 0: not set, the kernel decides. */
	ctl_kv_u64(o, "ipv6_mtu", ic->xlat.ipv6_mtu);
	ctl_kv_u64(o, "ipv4_mtu", ic->xlat.ipv4_mtu);
	ctl_kv_u64(o, "threads", s->n_workers);
	ctl_kv_str(o, "offload", "%s", s->offload ? "yes" : "no");
	ctl_kv_str(o, "io", "%s", s->uring ? "uring" : "blocking");
	if (ic->xlat.has_pool6) {
		siit_fmt_p6(&ic->xlat.pool6, b, sizeof(b));
		ctl_kv_str(o, "pool6", "%s", b);
	}
	ctl_kv_u64(o, "eam_entries", ic->n_eam);
	ctl_kv_u64(o, "routes", ic->siit.n_route4 + ic->siit.n_route6);
	for (unsigned int i = 0; i < s->n_workers; i++)
		werr += __atomic_load_n(&s->w[i].write_errors, __ATOMIC_RELAXED);
	ctl_kv_u64(o, "tun_write_errors", werr);
	for (unsigned int i = 0; i < s->n_workers; i++)
		gso += __atomic_load_n(&s->w[i].gso_in, __ATOMIC_RELAXED);
	ctl_kv_u64(o, "tun_gso_in", gso);
	for (unsigned int i = 0; i < s->n_workers; i++)
		rl += __atomic_load_n(&s->w[i].icmp_limited, __ATOMIC_RELAXED);
	ctl_kv_u64(o, "icmp_errors_rate_limited", rl);
	siit_sched_status(s, ic, o);
	if (!s->uring)
		return;
	/* How the workers slept: a poll per packet when traffic is sparse,
	 * a timer per batch under load (coalesce-usecs). */
	ctl_kv_u64(o, "coalesce_usecs", ic->siit.coalesce_usecs);
	for (unsigned int i = 0; i < s->n_workers; i++) {
		wp += __atomic_load_n(&s->w[i].wake_poll, __ATOMIC_RELAXED);
		wt += __atomic_load_n(&s->w[i].wake_timer, __ATOMIC_RELAXED);
	}
	ctl_kv_u64(o, "io_sleeps_poll", wp);
	ctl_kv_u64(o, "io_sleeps_timer", wt);
}

const struct instance_kind siit_kind = {
	.name = "siit",
	.start = siit_start,
	.stop = siit_stop_hooked,
	.status = siit_status_hooked,
};
