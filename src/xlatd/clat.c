// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "clat" instance: RFC 6877 customer-side translator for the host
 * itself.  IPv4 leaves the host through a TUN device (default route with
 * a high metric), is translated to IPv6 from the CLAT IPv6 address to
 * pref64 + IPv4 and written to the uplink with a raw socket; IPv6 to the
 * CLAT address is taken off the uplink by a filtered packet socket,
 * translated back and written into the TUN.  The CLAT address has no
 * kernel state at all: xlatd answers NS for it and runs DAD itself.
 * Nothing of the host's own configuration is changed (no sysctl, no
 * firewall, no host address or route).  See docs/clat-datapath.md.
 */
#include "control/clat_addr.h"
#include "control/ndp.h"
#include "control/nexthop.h"
#include "control/rtnl.h"
#include "datapath/coalesce.h"
#include "datapath/clat_io.h"
#include "datapath/tun.h"
#include "datapath/vnet.h"
#include "xlatd/clat_auto.h"
#include "xlatd/clat_bpf.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/statefile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <liburing.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/*
 * Above every automatic IPv4 default route a host may also have, so a
 * real IPv4 uplink always wins: dhcpcd uses 1000 + ifindex (wired) and
 * 3000 + ifindex (wireless), NetworkManager 100 / 600, systemd-networkd
 * 1024.  Used when the configuration says 0.
 */
#define CLAT_DEFAULT_METRIC CLAT_METRIC_BASE
#define CLAT_DAD_TRIES 3
#define CLAT_MAX_ADDRS 64
#define CLAT_ARENA (XLAT_OUT_MIN + CLAT_BATCH * 2048)

struct clat;

struct clat_worker {
	struct clat *c;
	unsigned int idx;
	pthread_t tid;
	bool running;
	struct xlat_out out;
	uint64_t io_errors;
	struct coalesce co;
	uint64_t sleeps_poll, sleeps_timer; /* how the worker waited */
	uint64_t gso_in;  /* TCP super-packets from the host (4->6) */
	uint64_t gso_out; /* of those, sent whole (GSO packet socket) */
	uint8_t *seg;     /* one segment of a super-packet cut in software */
	uint8_t *wbuf;    /* 6->4: the arena a batch is translated into */
	struct nexthop nh; /* 4->6: the uplink's next hop for GSO sends */
	bool nh_ok;
	uint64_t nh_checked;
};

struct clat {
	struct instance *inst;
	struct clat_plan plan; /* the one being executed */
	bool engaged;          /* the data path is (being) set up */
	struct rtnl rtnl;
	bool rtnl_open;

	char uplink[IFNAMSIZ];
	int up_ifindex;
	uint8_t mac[6];
	unsigned int up_mtu;

	char tun[IFNAMSIZ];
	int tun_ifindex;
	int tun_fd, pkt_fd, raw_fd, mcast_fd, timer_fd, stopfd;
	int gso_fd; /* -1: super-packets are cut in software */
	bool watch_pkt, watch_timer;

	struct xlat_cfg cfg;
	struct xlat_eam eam;
	struct in6_addr prefix64; /* the /64 the CLAT address came from */
	bool auto6;
	struct in6_addr addr6;
	struct in_addr addr4;
	struct in6_addr avoid[CLAT_MAX_ADDRS];
	size_t n_avoid;
	unsigned int mtu;
	uint32_t metric;
	bool addr4_added, route_added;

	struct ndp_dad dad;
	struct clat_rx rx; /* DAD on the main thread, then the 6->4 thread */
	struct clat_tx tx; /* the 4->6 thread's */
	uint8_t *arena;
	struct clat_worker w[2]; /* 0: 4->6, 1: 6->4 */
	uint64_t ns_answered;
	struct clat_bpf_path bpf; /* eBPF fast path (docs/fastpath.md) */
	uint64_t retry_at; /* after a failure: no retry of the same plan before */
};

/*
 * A failed start (DAD conflict, an error while configuring) is not retried
 * with the same plan for this long: the teardown itself makes link events,
 * and without a hold-off they would restart it in a tight loop.  A changed
 * plan (new prefix, new /64, new interface) is tried at once.
 */
#define CLAT_RETRY_MS 30000

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *fmt6(const struct in6_addr *a, char *b)
{
	return inet_ntop(AF_INET6, a, b, INET6_ADDRSTRLEN);
}

static int fail(struct clat *c, int err, const char *fmt, const char *what)
{
	instance_set_state(c->inst, "failed", fmt, what, strerror(-err));
	log_err(c->inst->name, fmt, what, strerror(-err));
	return err;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void teardown(struct clat *c);

/* The RFC 8925 state file follows every decision. */
static void publish(struct clat *c)
{
	char state[sizeof(c->inst->state)], reason[sizeof(c->inst->reason)];
	const char *up = c->inst->conf->clat.uplink;
	bool run;

	instance_get_state(c->inst, state, sizeof(state), reason, sizeof(reason));
	run = !strcmp(state, "running");
	if (run)
		snprintf(reason, sizeof(reason), "%s", c->plan.reason);
	else if (strcmp(state, "stopped") && strcmp(state, "failed"))
		snprintf(reason + strlen(reason), sizeof(reason) - strlen(reason),
			 "%s(%s)", reason[0] ? " " : "", state);
	statefile_write(up, run, reason);
}

/* Send one IPv6 packet now (replies, NA: rare, not worth batching). */
static void send_now(struct clat_worker *w, const uint8_t *pkt, size_t len)
{
	struct clat_tx one;

	clat_tx_init(&one, w->c->up_ifindex);
	clat_tx_add(&one, pkt, len);
	if (clat_tx_flush(w->c->raw_fd, &one) != 1)
		w->io_errors++;
}

/*
 * The TUN carries a virtio-net header (TUN_VNET_HDR) so that the host's
 * TCP can hand it 64 KB super-packets (see start_fastpath()).  What we
 * write is always complete: an empty header.
 */
static void tun_write(struct clat_worker *w, const uint8_t *pkt, size_t len)
{
	static const struct virtio_net_hdr none;
	struct iovec iov[2] = {
		{ .iov_base = (void *)&none, .iov_len = sizeof(none) },
		{ .iov_base = (void *)pkt, .iov_len = len },
	};

	if (writev(w->c->tun_fd, iov, 2) < 0)
		w->io_errors++;
}

/*
 * Strip the virtio-net header of a TUN read (TUN offload is on).  A
 * partial checksum is finished here.  A TCP/IPv4 super-packet is left as
 * it is, with its segment size in *gso (0 for a plain packet): a raw
 * socket cannot send it whole, so the caller cuts it (tso4_*), which
 * also completes the checksums.  Other super-packets are refused (-1).
 */
static ssize_t tun_rx_strip(uint8_t *rx, ssize_t n, struct virtio_net_hdr *vh,
			    unsigned int *gso)
{
	*gso = 0;
	if (n < (ssize_t)sizeof(*vh))
		return -1;
	memcpy(vh, rx, sizeof(*vh));
	n -= (ssize_t)sizeof(*vh);
	memmove(rx, rx + sizeof(*vh), (size_t)n);
	if ((vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4) {
		*gso = vh->gso_size;
		return *gso ? n : -1;
	}
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return -1;
	if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    vnet_csum_finish(rx, (size_t)n, vh->csum_start, vh->csum_offset))
		return -1;
	return n;
}

/* ---- IPv4 -> IPv6: TUN reads, one sendmmsg per batch ---- */

static unsigned int arena_end(const struct xlat_out *o, const uint8_t *base)
{
	size_t end = (size_t)(o->buf - base);

	for (unsigned int i = 0; i < o->n; i++) {
		size_t e = (size_t)(o->buf - base) + o->pkt[i].off + o->pkt[i].len;

		if (e > end)
			end = e;
	}
	return (unsigned int)((end + 7) & ~(size_t)7);
}

static void w46_flush(struct clat_worker *w)
{
	unsigned int before = (unsigned int)w->c->tx.errors;

	clat_tx_flush(w->c->raw_fd, &w->c->tx);
	w->io_errors += (unsigned int)w->c->tx.errors - before;
}

/* Translate one IPv4 packet and queue the result (used: arena bytes). */
static void w46_one(struct clat_worker *w, const uint8_t *pkt, size_t n,
		    unsigned int *used)
{
	struct clat *c = w->c;
	struct xlat_stats *st = instance_stats(c->inst, w->idx);
	enum xlat_verdict v;

	if (CLAT_ARENA - *used < XLAT_OUT_MIN ||
	    c->tx.n + XLAT_MAX_FRAGS > CLAT_BATCH) {
		w46_flush(w);
		*used = 0;
	}
	w->out.buf = c->arena + *used;
	w->out.cap = CLAT_ARENA - *used;
	v = xlat_4to6(&c->cfg, pkt, n, &w->out);
	xlat_account(st, XLAT_DIR_4TO6, n, v, &w->out);
	if (v == XLAT_DROP)
		return;
	if (v == XLAT_REPLY || w->out.family != AF_INET6) {
		for (unsigned int i = 0; i < w->out.n; i++)
			tun_write(w, xlat_out_data(&w->out, i), w->out.pkt[i].len);
		return;
	}
	for (unsigned int i = 0; i < w->out.n; i++) {
		if (!clat_tx_add(&c->tx, xlat_out_data(&w->out, i),
				 w->out.pkt[i].len))
			w->io_errors++;
	}
	*used = arena_end(&w->out, c->arena);
}

/*
 * The uplink's next hop for GSO sends, looked up again once a second: a
 * packet socket bypasses the kernel's neighbour code, so a changed
 * router address is followed within that second (and a vanished one
 * sends us back to the raw socket, which makes the kernel resolve it).
 */
static bool nexthop_usable(struct clat_worker *w)
{
	uint64_t now = coalesce_now();
	bool was = w->nh_ok, first = !w->nh_checked;
	int ret;

	if (now - w->nh_checked < 1000000000ULL && !first)
		return w->nh_ok;
	w->nh_checked = now;
	ret = nexthop_lookup6(&w->c->plan.pref64.addr, &w->nh);
	if (ret == 0 && w->nh.ifindex != w->c->up_ifindex)
		ret = -EXDEV;
	if (ret == 0 && w->nh.halen != 6)
		ret = -EPFNOSUPPORT; /* not Ethernet: no header we can build */
	w->nh_ok = ret == 0;
	if (w->nh_ok != was || first)
		log_info(w->c->inst->name, "TCP super-packets %s: next hop %s",
			 w->nh_ok ? "leave whole (GSO)" : "are cut in software",
			 w->nh_ok ? "resolved" : strerror(-ret));
	return w->nh_ok;
}

/*
 * A TCP super-packet sent whole: translated once, its virtio-net header
 * moved to IPv6, and out of the GSO packet socket, so the uplink (or the
 * next hop, over veth) segments it.  False when that path is not open;
 * the caller then cuts the packet itself.
 */
static bool w46_gso(struct clat_worker *w, const struct virtio_net_hdr *vh,
		    uint8_t *pkt, size_t n, unsigned int *used)
{
	struct clat *c = w->c;
	struct xlat_stats *st = instance_stats(c->inst, w->idx);
	struct virtio_net_hdr tx;
	enum xlat_verdict v;
	int flags;

	if (c->gso_fd < 0 || !nexthop_usable(w))
		return false;
	flags = vnet_rx_flags(vh, pkt, n, c->up_mtu);
	if (flags < 0)
		return false;
	if (!(flags & XLAT_F_GSO)) {
		/* Its segments would not fit the uplink: one big packet,
		 * checksum finished, for the engine (Fragmentation Needed). */
		w46_one(w, pkt, n, used);
		return true;
	}
	w46_flush(w); /* what came before it leaves before it */
	*used = 0;
	w->out.buf = c->arena;
	w->out.cap = CLAT_ARENA;
	v = xlat_packet_flags(&c->cfg, pkt, n, &w->out, (unsigned int)flags);
	xlat_account(st, XLAT_DIR_4TO6, n, v, &w->out);
	if (v == XLAT_DROP)
		return true;
	if (v != XLAT_OUT || w->out.n != 1 || w->out.family != AF_INET6) {
		for (unsigned int i = 0; i < w->out.n; i++)
			tun_write(w, xlat_out_data(&w->out, i), w->out.pkt[i].len);
		return true;
	}
	vnet_tx_hdr(vh, (unsigned int)flags, v, 1, xlat_out_data(&w->out, 0),
		    w->out.pkt[0].len, &tx);
	if (clat_gso_send(c->gso_fd, c->up_ifindex, w->nh.lladdr, c->mac, &tx,
			  xlat_out_data(&w->out, 0), w->out.pkt[0].len) < 0)
		w->io_errors++;
	else
		__atomic_store_n(&w->gso_out, w->gso_out + 1, __ATOMIC_RELAXED);
	return true;
}

/* A TCP super-packet from the host: sent whole if we can, else cut as
 * TSO would and each segment translated (a raw socket cannot send GSO). */
static void w46_super(struct clat_worker *w, const struct virtio_net_hdr *vh,
		      uint8_t *pkt, size_t n, unsigned int gso,
		      unsigned int *used)
{
	struct tso4 t;
	int len;

	__atomic_store_n(&w->gso_in, w->gso_in + 1, __ATOMIC_RELAXED);
	if (w46_gso(w, vh, pkt, n, used))
		return;
	if (tso4_init(&t, pkt, n, gso) < 0) {
		w->io_errors++;
		return;
	}
	while ((len = tso4_next(&t, w->seg, CLAT_RX_SLOT)) > 0)
		w46_one(w, w->seg, (size_t)len, used);
	if (len < 0)
		w->io_errors++;
}

static int w46_drain(struct clat_worker *w, uint8_t *rx)
{
	struct clat *c = w->c;
	struct virtio_net_hdr vh;
	unsigned int used = 0, gso;
	int found = 0;

	for (;;) {
		ssize_t n = read(c->tun_fd, rx, CLAT_RX_SLOT);

		if (n < 0)
			break;
		found++;
		n = tun_rx_strip(rx, n, &vh, &gso);
		if (n < 0)
			w->io_errors++;
		else if (gso)
			w46_super(w, &vh, rx, (size_t)n, gso, &used);
		else
			w46_one(w, rx, (size_t)n, &used);
	}
	w46_flush(w);
	return errno == EAGAIN || errno == EINTR ? found : -errno;
}

/*
 * Wait for work: until the queue (pfd[0]) is readable, or, while
 * packets come as a stream, for the moderation window (coalesce.h).
 * Either way the stop eventfd (pfd[1]) ends the wait: false then.
 */
static bool worker_wait(struct clat_worker *w, struct pollfd pfd[2],
			bool timer)
{
	struct timespec ts;

	if (timer) {
		ts.tv_sec = (time_t)(w->co.window_ns / 1000000000ULL);
		ts.tv_nsec = (long)(w->co.window_ns % 1000000000ULL);
		__atomic_store_n(&w->sleeps_timer, w->sleeps_timer + 1,
				 __ATOMIC_RELAXED);
		pfd[0].revents = POLLIN;
		return ppoll(&pfd[1], 1, &ts, NULL) <= 0 || !pfd[1].revents;
	}
	__atomic_store_n(&w->sleeps_poll, w->sleeps_poll + 1, __ATOMIC_RELAXED);
	if (poll(pfd, 2, -1) < 0 && errno != EINTR)
		return false;
	return !pfd[1].revents;
}

static void *w46_main(void *arg)
{
	struct clat_worker *w = arg;
	struct pollfd pfd[2] = {
		{ .fd = w->c->tun_fd, .events = POLLIN },
		{ .fd = w->c->stopfd, .events = POLLIN },
	};
	uint8_t *rx = malloc(CLAT_RX_SLOT);
	bool timer = false;

	w->seg = malloc(CLAT_RX_SLOT);
	if (!rx || !w->seg)
		instance_set_state(w->c->inst, "failed", "%s",
				   "no memory for the TUN reader");
	while (rx && w->seg && worker_wait(w, pfd, timer)) {
		int found = 0;

		if (pfd[0].revents)
			found = w46_drain(w, rx);
		if (found < 0) {
			instance_set_state(w->c->inst, "failed", "TUN read: %s",
					   strerror(-found));
			break;
		}
		timer = coalesce_after(&w->co, (unsigned int)found,
				       coalesce_now());
	}
	free(rx);
	free(w->seg);
	w->seg = NULL;
	return NULL;
}

/* ---- IPv6 -> IPv4: packet socket batches, TUN writes ---- */

static bool is_nd(const uint8_t *p, size_t len)
{
	return len >= 41 && p[6] == IPPROTO_ICMPV6 &&
	       (p[40] == NDP_NS || p[40] == NDP_NA);
}

/* Answer an NS for the CLAT address (also defends it against DAD). */
static void handle_nd(struct clat_worker *w, const uint8_t *p, size_t len)
{
	struct clat *c = w->c;
	uint8_t na[NDP_PKT_MAX];
	struct ndp_msg m;
	struct in6_addr dst;
	uint32_t flags;
	size_t n;

	if (ndp_parse(p, len, &m) || !ndp_ns_answer(&m, &c->addr6, &dst, &flags))
		return;
	n = ndp_build_na(na, sizeof(na), &c->addr6, &dst, &c->addr6, flags,
			 c->mac);
	send_now(w, na, n);
	__atomic_add_fetch(&c->ns_answered, 1, __ATOMIC_RELAXED);
}

/*
 * The translations of one packet-socket batch go into the TUN with one
 * io_uring call (a TUN takes one packet per write; a system call costs
 * more than translating a small packet here).  Without io_uring, one
 * writev() each.
 */
#define W64_QUEUE (2 * XLAT_MAX_FRAGS)

struct w64_batch {
	struct io_uring ring;
	bool ring_ok;
	unsigned int n;    /* writes queued */
	unsigned int used; /* arena bytes they occupy */
	struct iovec iov[W64_QUEUE][2];
};

static const struct virtio_net_hdr vnet_none;

static void w64_flush(struct clat_worker *w, struct w64_batch *b)
{
	struct io_uring_cqe *cqe;
	unsigned int queued = 0, seen = 0;

	for (unsigned int i = 0; i < b->n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);

		if (!sqe) {
			if (writev(w->c->tun_fd, b->iov[i], 2) < 0)
				w->io_errors++;
			continue;
		}
		io_uring_prep_writev(sqe, w->c->tun_fd, b->iov[i], 2, (__u64)-1);
		queued++;
	}
	if (queued)
		io_uring_submit(&b->ring);
	/* Every write must be done before its buffer is reused. */
	while (seen < queued) {
		int ret = io_uring_wait_cqe(&b->ring, &cqe);

		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			w->io_errors += queued - seen;
			break;
		}
		if (cqe->res < 0)
			w->io_errors++;
		io_uring_cqe_seen(&b->ring, cqe);
		seen++;
	}
	b->n = 0;
	b->used = 0;
}

static void w64_packet(struct clat_worker *w, struct w64_batch *b,
		       const uint8_t *p, size_t len, struct xlat_stats *st)
{
	struct clat *c = w->c;
	enum xlat_verdict v;

	if (is_nd(p, len)) {
		handle_nd(w, p, len);
		return;
	}
	if (CLAT_ARENA - b->used < XLAT_OUT_MIN)
		w64_flush(w, b);
	w->out.buf = w->wbuf + b->used;
	w->out.cap = CLAT_ARENA - b->used;
	v = xlat_6to4(&c->cfg, p, len, &w->out);
	xlat_account(st, XLAT_DIR_6TO4, len, v, &w->out);
	if (v == XLAT_DROP)
		return;
	/* Room in the queue for all of it (fragments): send what is queued
	 * first; this output stays where it is in the arena. */
	if (b->n + w->out.n > W64_QUEUE)
		w64_flush(w, b);
	for (unsigned int i = 0; i < w->out.n; i++) {
		uint8_t *o = xlat_out_data(&w->out, i);
		size_t n = w->out.pkt[i].len;

		if (w->out.family != AF_INET) {
			send_now(w, o, n);
		} else if (!b->ring_ok) {
			tun_write(w, o, n);
		} else {
			b->iov[b->n][0].iov_base = (void *)&vnet_none;
			b->iov[b->n][0].iov_len = sizeof(vnet_none);
			b->iov[b->n][1].iov_base = o;
			b->iov[b->n][1].iov_len = n;
			b->n++;
		}
	}
	if (b->ring_ok)
		b->used = arena_end(&w->out, w->wbuf);
}

static void *w64_main(void *arg)
{
	struct clat_worker *w = arg;
	struct clat *c = w->c;
	struct xlat_stats *st = instance_stats(c->inst, w->idx);
	struct pollfd pfd[2] = {
		{ .fd = c->pkt_fd, .events = POLLIN },
		{ .fd = c->stopfd, .events = POLLIN },
	};
	struct w64_batch b = { .n = 0 };
	bool timer = false;

	b.ring_ok = io_uring_queue_init(W64_QUEUE, &b.ring, 0) == 0;
	while (worker_wait(w, pfd, timer)) {
		unsigned int found = 0;
		int n = 0;

		while (pfd[0].revents &&
		       (n = clat_rx_batch(c->pkt_fd, &c->rx)) > 0) {
			found += (unsigned int)n;
			for (int i = 0; i < n; i++) {
				size_t len;
				uint8_t *p = clat_rx_pkt(&c->rx, (unsigned int)i,
							 &len);

				if (len)
					w64_packet(w, &b, p, len, st);
			}
			w64_flush(w, &b);
		}
		if (n < 0) {
			instance_set_state(c->inst, "failed",
					   "packet socket: %s", strerror(-n));
			break;
		}
		timer = coalesce_after(&w->co, found, coalesce_now());
	}
	if (b.ring_ok)
		io_uring_queue_exit(&b.ring);
	return NULL;
}

/* ---- facts about the host ---- */

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

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	struct addr_dump *d = data;
	struct clat_if_addr6 *x;

	if (ifa->ifa_family != AF_INET6 || (int)ifa->ifa_index != d->ifindex ||
	    d->n >= d->max)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	if (!tb[IFA_ADDRESS] && !tb[IFA_LOCAL])
		return MNL_CB_OK;
	x = &d->a[d->n++];
	memcpy(&x->addr, mnl_attr_get_payload(tb[IFA_LOCAL] ? tb[IFA_LOCAL]
							    : tb[IFA_ADDRESS]),
	       16);
	x->plen = ifa->ifa_prefixlen;
	x->scope = ifa->ifa_scope;
	x->flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS])
				 : ifa->ifa_flags;
	x->preferred = ~0u;
	if (tb[IFA_CACHEINFO]) {
		struct ifa_cacheinfo ci;

		memcpy(&ci, mnl_attr_get_payload(tb[IFA_CACHEINFO]), sizeof(ci));
		x->preferred = ci.ifa_prefered;
	}
	return MNL_CB_OK;
}

/* The uplink's IPv6 addresses (RTM_GETADDR dump). */
static int dump_addrs6(int ifindex, struct clat_if_addr6 *a, size_t max)
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

static size_t used_ipv4(struct in_addr *used, size_t max)
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

/* ---- set-up ---- */

static int pick_addr6(struct clat *c)
{
	char b[INET6_ADDRSTRLEN];

	for (int i = 0; i < 64; i++) {
		uint8_t rnd[8];

		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		if (clat_make_ipv6(&c->prefix64, rnd, &c->cfg.pool6, &c->addr4,
				   c->avoid, c->n_avoid, &c->addr6)) {
			log_debug(c->inst->name, "CLAT IPv6 address %s",
				  fmt6(&c->addr6, b));
			return 0;
		}
	}
	return -EAGAIN;
}

static int choose_addrs(struct clat *c)
{
	const struct clat_conf *cc = &c->inst->conf->clat;
	struct clat_if_addr6 a[CLAT_MAX_ADDRS];
	struct in_addr used[CLAT_MAX_ADDRS];
	int n, best;

	if (cc->has_ipv4)
		c->addr4 = cc->ipv4;
	else if (!clat_pick_ipv4(used, used_ipv4(used, CLAT_MAX_ADDRS),
				 &c->addr4))
		return fail(c, -EADDRINUSE, "%s: %s", "all of 192.0.0.0/29 in use");

	n = dump_addrs6(c->up_ifindex, a, CLAT_MAX_ADDRS);
	if (n < 0)
		return fail(c, n, "%s: %s", "reading uplink addresses");
	for (int i = 0; i < n; i++)
		c->avoid[c->n_avoid++] = a[i].addr;
	if (cc->has_ipv6) {
		c->addr6 = cc->ipv6;
		return 0;
	}
	best = clat_pick_prefix64(a, (size_t)n);
	if (best < 0) {
		instance_set_state(c->inst, "waiting",
				   "no global /64 address on %s", c->uplink);
		return 1;
	}
	c->prefix64 = a[best].addr;
	c->auto6 = true;
	return pick_addr6(c) ? fail(c, -EAGAIN, "%s: %s", "CLAT IPv6 address")
			     : 0;
}

static void set_engine(struct clat *c)
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
	/* The engine's default 1280 is a router's guess about links it
	 * cannot see.  A host knows its first hop: IPv4 packets up to the
	 * TUN MTU (uplink - 28) must go out whole, and a smaller path MTU
	 * further on comes back as Packet Too Big, translated. */
	if (c->cfg.lowest_ipv6_mtu == 1280 && c->up_mtu > 1280)
		c->cfg.lowest_ipv6_mtu = (uint16_t)(c->up_mtu > 65535 ? 65535
								       : c->up_mtu);
	/* The raw socket refuses (EMSGSIZE) what exceeds the uplink MTU
	 * instead of answering with Packet Too Big: DF=1 packets that do not
	 * fit get Fragmentation Needed from the engine. */
	c->cfg.ipv6_mtu = c->up_mtu;
}

static void set_eam(struct clat *c)
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

static int setup_tun(struct clat *c)
{
	const struct clat_conf *cc = &c->inst->conf->clat;
	int ret;

	if (rtnl_link_index(cc->tun) > 0)
		return fail(c, -EEXIST, "device %s: %s", cc->tun);
	c->tun_fd = tun_open_flags(cc->tun, TUN_NONBLOCK | TUN_VNET_HDR, c->tun);
	if (c->tun_fd < 0)
		return fail(c, c->tun_fd, "TUN %s: %s", cc->tun);
	c->tun_ifindex = rtnl_link_index(c->tun);
	if (c->tun_ifindex < 0)
		return fail(c, c->tun_ifindex, "TUN %s: %s", c->tun);
	ret = rtnl_link_set_mtu(&c->rtnl, c->tun_ifindex, c->mtu);
	if (ret < 0)
		return fail(c, ret, "MTU of %s: %s", c->tun);
	tun_set_txqueuelen(c->tun, 2048);
	ret = tun_no_ipv6_ll(c->tun_ifindex);
	if (ret < 0)
		log_warn(c->inst->name, "no IPv6 off on %s: %s", c->tun,
			 strerror(-ret));
	ret = rtnl_addr(&c->rtnl, true, c->tun_ifindex, AF_INET,
			(const union rtnl_addr *)&c->addr4, 32, 0);
	if (ret < 0)
		return fail(c, ret, "IPv4 address on %s: %s", c->tun);
	c->addr4_added = true;
	ret = rtnl_link_set_up(&c->rtnl, c->tun_ifindex, true);
	return ret < 0 ? fail(c, ret, "set %s up: %s", c->tun) : 0;
}

static int setup_uplink_sockets(struct clat *c)
{
	c->pkt_fd = clat_pkt_open(c->up_ifindex, &c->addr6);
	if (c->pkt_fd < 0)
		return fail(c, c->pkt_fd, "packet socket on %s: %s", c->uplink);
	c->raw_fd = clat_raw_open(c->uplink);
	if (c->raw_fd < 0)
		return fail(c, c->raw_fd, "raw socket on %s: %s", c->uplink);
	/* Optional: without it TCP super-packets are cut in software. */
	c->gso_fd = clat_gso_open();
	if (c->gso_fd < 0)
		log_info(c->inst->name, "no GSO packet socket (%s): TCP segments go out one by one",
			 strerror(-c->gso_fd));
	c->mcast_fd = clat_mcast_open(c->up_ifindex, &c->addr6);
	if (c->mcast_fd < 0)
		return fail(c, c->mcast_fd, "solicited-node group on %s: %s",
			    c->uplink);
	return 0;
}

static int start_workers(struct clat *c)
{
	static void *(*const fn[2])(void *) = { w46_main, w64_main };

	for (unsigned int i = 0; i < 2; i++) {
		struct clat_worker *w = &c->w[i];
		int ret;

		if (i == 1 && !w->wbuf)
			w->wbuf = malloc(CLAT_ARENA);
		w->out.buf = i == 0 ? c->arena : w->wbuf;
		w->out.cap = CLAT_ARENA;
		if (!w->out.buf)
			return fail(c, -ENOMEM, "%s: %s", "worker buffers");
		coalesce_init(&w->co, c->inst->conf->clat.coalesce_usecs);
		ret = pthread_create(&w->tid, NULL, fn[i], w);
		if (ret)
			return fail(c, -ret, "%s: %s", "thread");
		w->running = true;
	}
	return 0;
}

/* After the TUN, its address and the EAM exist, before the workers. */
static int start_fastpath(struct clat *c)
{
	char why[160];
	int ret;

	c->bpf.attach = c->inst->conf->clat.bpf_attach;
	ret = clat_bpf_start(&c->bpf, &c->cfg, c->up_ifindex, c->tun_ifindex,
			     c->up_mtu, c->inst->conf->clat.datapath, why,
			     sizeof(why));
	if (ret < 0)
		return fail(c, ret, "datapath = bpf: %s (%s)", why);
	if (ret == 0 && c->inst->conf->clat.datapath == CLAT_DP_AUTO)
		log_warn(c->inst->name, "userspace data path only: %s", why);
	if (ret > 0)
		log_info(c->inst->name, "eBPF fast path attached on %s and %s",
			 c->uplink, c->tun);
	/*
	 * Let the host's TCP hand the TUN 64 KB super-packets and unfinished
	 * checksums.  The fast path keeps GSO (bpf_skb_change_proto) and the
	 * uplink segments; the userspace reader cuts what reaches it into
	 * segments itself (tso4_*), one TUN read for up to 64 KB.  Without
	 * offload a TUN has no checksum offload, hence no SG and no GSO:
	 * every segment would cross the host's stack and the TUN alone.
	 */
	ret = tun_set_offload(c->tun_fd, true);
	if (ret < 0)
		log_warn(c->inst->name, "no TUN offload on %s: %s", c->tun,
			 strerror(-ret));
	return 0;
}

static int go_live(struct clat *c)
{
	struct rtnl_route rt = {
		.family = AF_INET,
		.plen = 0,
		.ifindex = c->tun_ifindex,
		.metric = c->metric,
		.protocol = XLAT_RTPROT,
	};
	char b6[INET6_ADDRSTRLEN], b4[INET_ADDRSTRLEN];
	int ret;

	if (c->watch_pkt)
		instance_unwatch_fd(c->inst, c->pkt_fd);
	if (c->watch_timer)
		instance_unwatch_fd(c->inst, c->timer_fd);
	c->watch_pkt = c->watch_timer = false;
	set_eam(c);
	ret = start_fastpath(c);
	if (ret < 0)
		return ret;
	ret = start_workers(c);
	if (ret < 0)
		return ret;
	ret = rtnl_route(&c->rtnl, true, &rt);
	if (ret < 0)
		return fail(c, ret, "IPv4 default route via %s: %s", c->tun);
	c->route_added = true;
	instance_set_state(c->inst, "running", "%s", c->plan.reason);
	publish(c);
	log_info(c->inst->name, "running: %s <-> %s on %s, TUN %s mtu %u metric %u",
		 inet_ntop(AF_INET, &c->addr4, b4, sizeof(b4)),
		 fmt6(&c->addr6, b6), c->uplink, c->tun, c->mtu, c->metric);
	return 0;
}

/* ---- DAD, on the main loop ---- */

static void dad_arm(struct clat *c, uint64_t ms)
{
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = (time_t)(ms / 1000);
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000 + 1;
	timerfd_settime(c->timer_fd, 0, &its, NULL);
}

static int dad_new_addr(struct clat *c)
{
	char b[INET6_ADDRSTRLEN];
	int ret;

	log_warn(c->inst->name, "DAD: %s is in use on %s", fmt6(&c->addr6, b),
		 c->uplink);
	c->avoid[c->n_avoid++ % CLAT_MAX_ADDRS] = c->addr6;
	if (!c->auto6 || pick_addr6(c))
		return -EADDRINUSE;
	ret = clat_pkt_set_filter(c->pkt_fd, &c->addr6);
	if (ret < 0)
		return ret;
	close(c->mcast_fd);
	c->mcast_fd = clat_mcast_open(c->up_ifindex, &c->addr6);
	return c->mcast_fd < 0 ? c->mcast_fd : 0;
}

static void dad_fail(struct clat *c, int err, const char *why)
{
	char b[INET6_ADDRSTRLEN];

	instance_set_state(c->inst, "failed", "%s %s: %s", why,
			   fmt6(&c->addr6, b), strerror(-err));
	log_err(c->inst->name, "%s %s: %s", why, b, strerror(-err));
	/* A failed instance leaves nothing on the host behind it. */
	teardown(c);
	c->engaged = false;
	c->retry_at = now_ms() + CLAT_RETRY_MS;
	publish(c);
}

static void dad_step(struct clat *c)
{
	uint8_t ns[NDP_PKT_MAX];
	uint64_t wait = 0;

	for (;;) {
		size_t n;

		switch (ndp_dad_poll(&c->dad, now_ms(), &wait)) {
		case NDP_DAD_WAIT:
			dad_arm(c, wait);
			return;
		case NDP_DAD_SEND_NS:
			n = ndp_build_dad_ns(ns, sizeof(ns), &c->dad.target,
					     c->dad.nonce);
			clat_tx_add(&c->tx, ns, n);
			clat_tx_flush(c->raw_fd, &c->tx);
			continue;
		case NDP_DAD_NEW_ADDR: {
			uint8_t nonce[6];
			int ret = dad_new_addr(c);

			if (ret < 0) {
				dad_fail(c, ret, "DAD failed for");
				return;
			}
			if (getrandom(nonce, sizeof(nonce), 0) < 0)
				memset(nonce, 0x5a, sizeof(nonce));
			ndp_dad_begin(&c->dad, &c->addr6, nonce, now_ms());
			continue;
		}
		case NDP_DAD_OK:
			if (go_live(c) < 0)
				dad_fail(c, -EIO, "cannot start with");
			return;
		case NDP_DAD_GIVE_UP:
			dad_fail(c, -EADDRINUSE, "DAD gave up after");
			return;
		}
	}
}

static void dad_timer_cb(struct instance *inst, int fd, uint32_t events)
{
	uint64_t x;

	(void)events;
	if (read(fd, &x, sizeof(x)) < 0 && errno != EAGAIN)
		return;
	dad_step(inst->priv);
}

static void dad_pkt_cb(struct instance *inst, int fd, uint32_t events)
{
	struct clat *c = inst->priv;
	int n;

	(void)fd;
	(void)events;
	while ((n = clat_rx_batch(c->pkt_fd, &c->rx)) > 0) {
		for (int i = 0; i < n; i++) {
			struct ndp_msg m;
			size_t len;
			uint8_t *p = clat_rx_pkt(&c->rx, (unsigned int)i, &len);

			if (!ndp_parse(p, len, &m))
				ndp_dad_input(&c->dad, &m);
		}
	}
	dad_step(c);
}

static int start_dad(struct clat *c)
{
	unsigned int probes = 1, retrans = 1000;
	uint8_t nonce[6];
	int ret;

	clat_if_dad_transmits(c->uplink, &probes);
	clat_if_retrans_ms(c->uplink, &retrans);
	if (probes == 0) /* the host turned DAD off on this link */
		return go_live(c);
	ndp_dad_init(&c->dad, probes, c->auto6 ? CLAT_DAD_TRIES : 1, retrans);
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->timer_fd < 0)
		return fail(c, -errno, "%s: %s", "timerfd");
	ret = instance_watch_fd(c->inst, c->timer_fd, EPOLLIN, dad_timer_cb);
	if (ret < 0)
		return fail(c, ret, "%s: %s", "watch");
	c->watch_timer = true;
	ret = instance_watch_fd(c->inst, c->pkt_fd, EPOLLIN, dad_pkt_cb);
	if (ret < 0)
		return fail(c, ret, "%s: %s", "watch");
	c->watch_pkt = true;
	if (getrandom(nonce, sizeof(nonce), 0) < 0)
		memset(nonce, 0xa5, sizeof(nonce));
	ndp_dad_begin(&c->dad, &c->addr6, nonce, now_ms());
	/* "waiting", not "starting": the framework turns a kind still
	 * "starting" after start() into "running". */
	instance_set_state(c->inst, "waiting", "duplicate address detection on %s",
			   c->uplink);
	dad_step(c);
	return 0;
}

static int uplink_facts(struct clat *c)
{
	const struct clat_conf *cc = &c->inst->conf->clat;
	int ret;

	snprintf(c->uplink, sizeof(c->uplink), "%s", cc->uplink);
	c->up_ifindex = rtnl_link_index(c->uplink);
	if (c->up_ifindex < 0) {
		instance_set_state(c->inst, "waiting", "uplink %s not found",
				   c->uplink);
		return 1;
	}
	ret = clat_if_mac(c->uplink, c->mac);
	if (ret < 0)
		return fail(c, ret, "MAC address of %s: %s", c->uplink);
	ret = clat_if_ipv6_mtu(c->uplink, &c->up_mtu);
	if (ret < 0)
		return fail(c, ret, "IPv6 MTU of %s: %s (IPv6 disabled?)",
			    c->uplink);
	c->mtu = cc->mtu ? cc->mtu : clat_default_mtu(c->up_mtu);
	c->metric = c->plan.metric ? c->plan.metric : CLAT_DEFAULT_METRIC;
	return 0;
}

static struct clat *clat_alloc(struct instance *inst)
{
	struct clat *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->inst = inst;
	c->tun_fd = c->pkt_fd = c->raw_fd = c->mcast_fd = c->gso_fd = -1;
	c->timer_fd = c->stopfd = -1;
	for (unsigned int i = 0; i < 2; i++) {
		c->w[i].c = c;
		c->w[i].idx = i;
	}
	return c;
}

/* Build the data path for c->plan; on failure the caller tears down. */
static int bring_up(struct clat *c)
{
	int ret;

	c->n_avoid = 0;
	c->auto6 = false;
	c->tun[0] = '\0';
	c->tun_ifindex = 0;
	ret = uplink_facts(c);
	if (ret)
		return ret;
	set_engine(c);
	ret = choose_addrs(c);
	if (ret)
		return ret;
	clat_tx_init(&c->tx, c->up_ifindex);
	ret = setup_tun(c);
	if (!ret)
		ret = setup_uplink_sockets(c);
	if (!ret)
		ret = start_dad(c);
	return ret;
}

static bool same_plan(const struct clat_plan *a, const struct clat_plan *b)
{
	return a->ifindex == b->ifindex && a->metric == b->metric &&
	       a->pref64.len == b->pref64.len &&
	       !memcmp(&a->pref64.addr, &b->pref64.addr, 16) &&
	       !memcmp(&a->prefix64, &b->prefix64, 8);
}

static void disengage(struct clat *c)
{
	if (!c->engaged)
		return;
	teardown(c);
	c->engaged = false;
	c->up_ifindex = 0;
}

static void why_restart(struct clat *c, const struct clat_plan *p)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (p->ifindex != c->plan.ifindex)
		log_info(c->inst->name, "reconfiguring: %s has a new ifindex %d",
			 c->uplink, p->ifindex);
	else if (memcmp(&p->pref64, &c->plan.pref64, sizeof(p->pref64)))
		log_info(c->inst->name, "reconfiguring: NAT64 prefix %s/%u -> %s/%u (%s)",
			 fmt6(&c->plan.pref64.addr, a), c->plan.pref64.len,
			 fmt6(&p->pref64.addr, b), p->pref64.len,
			 clat_source_name(p->source));
	else if (memcmp(&p->prefix64, &c->plan.prefix64, 8))
		log_info(c->inst->name, "reconfiguring: uplink /64 %s -> %s (renumbered)",
			 fmt6(&c->plan.prefix64, a), fmt6(&p->prefix64, b));
	else
		log_info(c->inst->name, "reconfiguring: metric %u -> %u",
			 c->plan.metric, p->metric);
}

void clat_apply(struct instance *inst, const struct clat_plan *p)
{
	struct clat *c = inst->priv;
	char state[16];
	int ret;

	if (!c)
		return;
	instance_get_state(inst, state, sizeof(state), NULL, 0);
	if (!p->run) {
		if (c->engaged)
			log_info(inst->name, "stopping the CLAT: %s", p->reason);
		disengage(c);
		c->plan = *p;
		instance_set_state(inst, "stopped", "%s", p->reason);
		publish(c);
		return;
	}
	if (!c->engaged && !strcmp(state, "failed") && same_plan(p, &c->plan) &&
	    now_ms() < c->retry_at) {
		c->plan.expires = p->expires;
		c->plan.source = p->source;
		return;
	}
	if (c->engaged && same_plan(p, &c->plan) && strcmp(state, "failed")) {
		/* Same data path; only the lifetime or wording moved on. */
		c->plan.expires = p->expires;
		c->plan.source = p->source;
		return;
	}
	if (c->engaged)
		why_restart(c, p);
	else
		log_info(inst->name, "starting the CLAT: %s", p->reason);
	disengage(c);
	c->plan = *p;
	c->engaged = true;
	ret = bring_up(c);
	if (ret) {
		/* Waiting (> 0) or failed (< 0): the state says which and
		 * why; nothing may stay behind either way. */
		teardown(c);
		c->engaged = false;
		if (ret < 0)
			c->retry_at = now_ms() + CLAT_RETRY_MS;
	}
	publish(c);
}

bool clat_working(struct instance *inst)
{
	char state[16];

	if (inst->kind != &clat_kind || !inst->priv)
		return false;
	instance_get_state(inst, state, sizeof(state), NULL, 0);
	return !strcmp(state, "running");
}

const char *clat_uplink(struct instance *inst)
{
	return inst->conf->clat.uplink;
}

static int clat_start(struct instance *inst)
{
	struct clat *c = clat_alloc(inst);
	int ret;

	if (!c)
		return -ENOMEM;
	inst->priv = c;
	ret = instance_stats_alloc(inst, 3); /* 2: the fast path's */
	if (ret < 0)
		return ret;
	c->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->arena = malloc(CLAT_ARENA);
	if (c->stopfd < 0 || !c->arena || clat_rx_init(&c->rx))
		return -ENOMEM;
	ret = rtnl_open(&c->rtnl);
	if (ret < 0)
		return fail(c, ret, "%s: %s", "netlink");
	c->rtnl_open = true;
	snprintf(c->uplink, sizeof(c->uplink), "%s", inst->conf->clat.uplink);
	/* The manager decides when to run: it calls clat_apply(). */
	instance_set_state(inst, "waiting", "no decision yet for %s", c->uplink);
	clat_auto_bind(inst);
	return 0;
}

/* Remove everything the instance made on the host; idempotent. */
static void teardown(struct clat *c)
{
	uint64_t one = 1;

	if (c->stopfd >= 0 && write(c->stopfd, &one, sizeof(one)) < 0)
		log_err(c->inst->name, "cannot signal threads: %s",
			strerror(errno));
	for (unsigned int i = 0; i < 2; i++)
		if (c->w[i].running)
			pthread_join(c->w[i].tid, NULL);
	for (unsigned int i = 0; i < 2; i++)
		c->w[i].running = false;
	clat_bpf_stop(&c->bpf); /* before the TUN it redirects into goes */
	/* Re-arm for the next bring-up: threads started later must not
	 * see this stop request. */
	if (c->stopfd >= 0 && read(c->stopfd, &one, sizeof(one)) < 0)
		one = 0;
	if (c->watch_pkt)
		instance_unwatch_fd(c->inst, c->pkt_fd);
	if (c->watch_timer)
		instance_unwatch_fd(c->inst, c->timer_fd);
	c->watch_pkt = c->watch_timer = false;
	if (c->route_added) {
		struct rtnl_route rt = {
			.family = AF_INET,
			.ifindex = c->tun_ifindex,
			.metric = c->metric,
			.protocol = XLAT_RTPROT,
		};

		rtnl_route(&c->rtnl, false, &rt);
		c->route_added = false;
	}
	if (c->addr4_added)
		rtnl_addr(&c->rtnl, false, c->tun_ifindex, AF_INET,
			  (const union rtnl_addr *)&c->addr4, 32, 0);
	c->addr4_added = false;
	/* The TUN is not persistent: closing its fd deletes the device. */
	close_fd(&c->tun_fd);
	close_fd(&c->pkt_fd);
	close_fd(&c->raw_fd);
	close_fd(&c->gso_fd);
	close_fd(&c->mcast_fd); /* leaves the solicited-node group */
	close_fd(&c->timer_fd);
}

static void clat_stop(struct instance *inst)
{
	struct clat *c = inst->priv;

	if (!c)
		return;
	clat_auto_unbind(inst);
	if (c->engaged)
		log_info(inst->name, "removing the CLAT on %s", c->uplink);
	teardown(c);
	c->engaged = false;
	statefile_write(inst->conf->clat.uplink, false, "xlatd stopped this CLAT");
	close_fd(&c->stopfd);
	if (c->rtnl_open)
		rtnl_close(&c->rtnl);
	clat_rx_free(&c->rx);
	free(c->w[1].wbuf);
	free(c->arena);
	free(c);
	inst->priv = NULL;
}

static void clat_status(struct instance *inst, struct ctl_out *o)
{
	const struct clat_conf *cc = &inst->conf->clat;
	struct clat *c = inst->priv;
	char b[INET6_ADDRSTRLEN];
	uint64_t err = 0, sp = 0, stm = 0, now = now_ms();

	if (c) {
		/* Block 2 is the fast path's snapshot; the framework sums
		 * the blocks after this returns. */
		struct xlat_stats *bs = instance_stats(inst, 2);

		memset(bs, 0, sizeof(*bs));
		clat_bpf_stats(&c->bpf, bs);
	}

	ctl_kv_str(o, "uplink", "%s", cc->uplink);
	ctl_kv_str(o, "mode", "%s", cc->mode == CLAT_MODE_ON ? "on" :
				    cc->mode == CLAT_MODE_OFF ? "off" : "auto");
	if (!c || !c->plan.run)
		return;
	ctl_obj_begin(o, "pref64");
	ctl_kv_str(o, "prefix", "%s/%u", fmt6(&c->plan.pref64.addr, b),
		   c->plan.pref64.len);
	ctl_kv_str(o, "source", "%s", clat_source_name(c->plan.source));
	if (c->plan.expires == DISC_NEVER)
		ctl_kv_str(o, "lifetime", "forever");
	else
		ctl_kv_u64(o, "lifetime_s", c->plan.expires > now ?
				(c->plan.expires - now + 999) / 1000 : 0);
	ctl_obj_end(o);
	ctl_kv_str(o, "uplink_prefix", "%s/64", fmt6(&c->plan.prefix64, b));
	if (!c->engaged || !c->up_ifindex)
		return;
	ctl_kv_str(o, "tun", "%s", c->tun[0] ? c->tun : cc->tun);
	ctl_kv_str(o, "clat_ipv6", "%s", fmt6(&c->addr6, b));
	ctl_kv_str(o, "clat_ipv4", "%s",
		   inet_ntop(AF_INET, &c->addr4, b, sizeof(b)));
	ctl_kv_u64(o, "mtu", c->mtu);
	ctl_kv_u64(o, "metric", c->metric);
	ctl_kv_str(o, "datapath", "%s", clat_bpf_active(&c->bpf));
	clat_bpf_status(&c->bpf, o);
	ctl_kv_u64(o, "ns_answered",
		   __atomic_load_n(&c->ns_answered, __ATOMIC_RELAXED));
	for (unsigned int i = 0; i < 2; i++) {
		err += __atomic_load_n(&c->w[i].io_errors, __ATOMIC_RELAXED);
		sp += __atomic_load_n(&c->w[i].sleeps_poll, __ATOMIC_RELAXED);
		stm += __atomic_load_n(&c->w[i].sleeps_timer, __ATOMIC_RELAXED);
	}
	ctl_kv_u64(o, "io_errors", err);
	ctl_kv_u64(o, "tun_gso_in",
		   __atomic_load_n(&c->w[0].gso_in, __ATOMIC_RELAXED));
	ctl_kv_u64(o, "tun_gso_out",
		   __atomic_load_n(&c->w[0].gso_out, __ATOMIC_RELAXED));
	/* The userspace workers' waits (coalesce-usecs). */
	ctl_kv_u64(o, "coalesce_usecs", cc->coalesce_usecs);
	ctl_kv_u64(o, "io_sleeps_poll", sp);
	ctl_kv_u64(o, "io_sleeps_timer", stm);
}

const struct instance_kind clat_kind = {
	.name = "clat",
	.start = clat_start,
	.stop = clat_stop,
	.status = clat_status,
};
