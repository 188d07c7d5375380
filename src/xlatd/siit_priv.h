/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the siit data path's files share: the instance and its workers
 * (siit.c), the io_uring loop they may run (siit_ring.c) and the routes
 * and addresses on the TUN (siit_route.c).
 */
#ifndef XLATD_SIIT_PRIV_H
#define XLATD_SIIT_PRIV_H

#include "control/rtnl.h"
#include "datapath/ratelimit.h"
#include "datapath/vnet.h"
#include "xlatd/siit.h"

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Interrupts a worker's blocking read (see worker_main()). */
#define SIIT_WAKE_SIG (SIGRTMIN + 5)
#define SIIT_RX_MAX 65536
/* Room in front of the engine's output for a virtio-net header, so one
 * write() carries both. */
#define SIIT_HEADROOM 16

struct siit;
struct siit_ring;

struct siit_worker {
	struct siit *s;
	unsigned int idx;
	int fd;
	bool running;
	pthread_t tid;
	uint8_t *rx;
	uint8_t *out_base;
	struct xlat_out out;
	uint64_t write_errors;
	uint64_t gso_in; /* super-packets translated in one piece */
	uint64_t wake_poll, wake_timer; /* io_uring sleeps, by what ended them */
	struct rl_bucket icmp_rl;  /* the ICMP errors this worker sends */
	uint64_t icmp_limited;     /* errors not sent: over the rate */
	struct siit_ring *ring; /* NULL: blocking read()/write() */
	int nice;      /* the nice value it runs at */
	int nice_err;  /* why not worker-nice's (errno), 0 */
	int rt;        /* its SCHED_FIFO priority, 0: none */
	int rt_err;    /* why not worker-realtime's (errno), 0 */
};

struct siit {
	struct instance *inst;
	struct rtnl rtnl;
	bool rtnl_open;
	char ifname[IFNAMSIZ];
	int ifindex;
	bool stopping; /* read by the workers after every packet */
	bool vnet;    /* IFF_VNET_HDR: a virtio_net_hdr before every packet */
	bool offload; /* TUNSETOFFLOAD accepted: GSO and partial checksums */
	bool uring;   /* the workers run io_uring rings */
	unsigned int n_workers;
	struct siit_worker *w;
	/* What we added, so stop removes exactly that. */
	unsigned int n_route4, n_route6, n_addr4, n_addr6;
	const struct siit_hooks *hooks; /* another kind's translation */
	void *hook_arg;
};

/* What a read brought: the engine's verdict and, with a virtio-net
 * header, the input header and engine flags the output headers need. */
struct rx_result {
	enum xlat_verdict v;
	unsigned int flags;
	struct virtio_net_hdr vh;
};

/* siit.c: translate what a worker read, write the result back. */
void siit_xlat_one(struct siit_worker *w, uint8_t *buf, size_t n,
		   struct xlat_out *out, struct rx_result *rr);
void siit_worker_output(struct siit_worker *w, const struct xlat_out *out,
			const struct rx_result *rr);

/* siit_ring.c: a worker's io_uring loop (io = auto or uring). */
int siit_ring_new(struct siit_ring **out, unsigned int coalesce_usecs);
void siit_ring_free(struct siit_ring *r);
int siit_ring_loop(struct siit_worker *w, struct siit_ring *r);
void siit_ring_quiesce(struct siit_ring *r);

/* siit_sched.c: a worker's nice value and real-time policy. */
void siit_worker_sched(struct siit_worker *w);
struct ctl_out;
struct inst_conf;
void siit_sched_status(struct siit *s, const struct inst_conf *ic,
		       struct ctl_out *o);

/* siit_route.c: the configured addresses and routes on the TUN. */
int siit_add_addrs_routes(struct siit *s);
void siit_del_addrs_routes(struct siit *s);
void siit_fmt_p6(const struct xlat_prefix6 *p, char *b, size_t n);

#endif
