/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CLAT's userspace data path: two worker threads around the engine.
 *
 *   4->6  reads the TUN (virtio-net headers: TCP super-packets are sent
 *         whole through the GSO packet socket or cut in software), writes
 *         IPv6 to the uplink with one sendmmsg() per batch: frames with
 *         a prepared link-layer header on the packet socket while the
 *         next hop is resolved (uplink_tx.h), else the raw IPv6 socket;
 *   6->4  reads the uplink's packet socket in batches, in place from its
 *         receive ring (pktring.h) or with recvmmsg(), answers Neighbour
 *         Solicitations for the CLAT address, writes IPv4 into the TUN
 *         with one io_uring submission per batch.
 *
 * The owner (the clat instance) opens the devices and sockets, fills the
 * fields marked "owner" and starts the workers; it may change nothing of
 * them while they run (stop, change, start again: clat_dp_stop() leaves
 * everything open).  Both workers wait with coalesce.h's moderation.
 * Nothing here logs: a worker reports through the owner's callbacks.
 */
#ifndef XLAT_CLAT_DP_H
#define XLAT_CLAT_DP_H

#include "datapath/clat_io.h"
#include "datapath/coalesce.h"
#include "datapath/uplink_tx.h"
#include "control/nexthop.h"
#include "xlat.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define CLAT_ARENA (XLAT_OUT_MIN + CLAT_BATCH * 2048)

struct clat_dp;
struct clat_shared;

struct clat_dp_worker {
	struct clat_dp *dp;
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
	uint8_t *wbuf;    /* the arena a batch is translated into */
	struct nexthop nh; /* 4->6: the uplink's next hop for frame sends */
	bool nh_ok;
	bool l2;          /* 4->6: this drain sends frames (uplink_tx.h) */
	bool kick;        /* 4->6: the next packet via the raw socket */
	bool tun_uring;   /* 4->6: the TUN is read in io_uring batches */
	uint64_t nh_checked;
	uint64_t tx_frames, tx_raw; /* 4->6: packets sent either way */
	uint64_t tx_sends; /* 4->6: batches that sent (system calls) */
	int nice;          /* the nice value it runs at now */
	int nice_base;     /* between streams: the daemon's */
	int nice_boost;    /* during a stream: worker-nice steps ahead */
};

struct clat_dp {
	/* owner: set before clat_dp_start(), constant while it runs */
	const struct xlat_cfg *cfg;
	int tun_fd, pkt_fd, raw_fd, gso_fd; /* gso_fd -1: cut in software */
	int up_ifindex;
	unsigned int up_mtu;
	bool has_mac;             /* Ethernet-like uplink: frames carry mac */
	bool nd_ours;             /* answer NS for addr6 (not in shared mode) */
	uint8_t mac[6];
	struct in6_addr addr6;    /* the CLAT address NS are answered for */
	struct in6_addr pref64;   /* GSO next hops are looked up toward it */
	/* Shared-address mode (docs/clat-shared.md): the NAPT every IPv4
	 * packet passes before (4->6) and after (6->4) the engine; NULL
	 * with a dedicated CLAT address. */
	struct clat_shared *shared;
	unsigned int coalesce_usecs;
	int nice;                 /* workers: this many steps from the daemon's nice */
	struct xlat_stats *stats[2]; /* 0: 4->6, 1: 6->4 */
	void *arg;
	/* From a worker thread: it stopped for good (why). */
	void (*failed)(void *arg, const char *why);
	/* From a worker thread: a decision worth one log line. */
	void (*note)(void *arg, const char *what);

	/* ours */
	int stopfd;
	struct clat_rx rx; /* also the owner's for DAD while stopped */
	struct clat_tx tx; /* likewise */
	struct uplink_tx utx; /* the 4->6 worker's frames */
	uint64_t rx_drops;    /* the owner's sum of the socket's drops */
	struct clat_dp_worker w[2];
	uint64_t ns_answered;
	int nice_err;         /* errno of a worker that could not set it */
};

/* All fds -1, buffers allocated.  0 or -ENOMEM (clat_dp_free() anyway). */
int clat_dp_init(struct clat_dp *dp);
void clat_dp_free(struct clat_dp *dp);

/* Start both workers; 0 or a negative errno (then nothing runs). */
int clat_dp_start(struct clat_dp *dp);
/* Stop and join them; idempotent; the fds stay the owner's. */
void clat_dp_stop(struct clat_dp *dp);
bool clat_dp_running(const struct clat_dp *dp);

/* Send one IPv6 packet now (NA, DAD probes, replies: rare). */
bool clat_dp_send6(struct clat_dp *dp, const uint8_t *pkt, size_t len);

struct clat_dp_counters {
	uint64_t io_errors, sleeps_poll, sleeps_timer, gso_in, gso_out;
	uint64_t ns_answered;
	uint64_t rx_drops;            /* the uplink socket's, kernel-counted */
	uint64_t tx_frames, tx_raw; /* 4->6 packets: packet socket, raw */
	uint64_t tx_ring_frames;      /* of tx_frames, through the TX ring */
	uint64_t tx_dropped;          /* refused by a full uplink queue */
	uint64_t tx_sends;            /* 4->6 batches: system calls */
	uint64_t rx_ring_batches, rx_plain_batches; /* 6->4 */
	uint64_t rx_copies;           /* ring packets read whole (GRO) */
	bool rx_ring;                 /* the uplink is read from a ring */
	bool tun_uring;               /* the TUN is read in io_uring batches */
};

void clat_dp_counters(struct clat_dp *dp, struct clat_dp_counters *c);

#endif
