/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The siit instance's TUN data path, shared with other kinds that
 * translate between the families on one TUN (the nat64 instance): they
 * start it with their own translation function in place of the
 * stateless engine and keep every piece of I/O (queues, io_uring, wake-up
 * moderation, routes, counters) as the siit has it.
 */
#ifndef XLATD_SIIT_H
#define XLATD_SIIT_H

#include "xlat.h"

#include <stddef.h>
#include <stdint.h>

struct ctl_out;
struct instance;

struct siit_hooks {
	/* Translate the packet (IPv4 or IPv6, writable) read by worker
	 * idx; called on that worker's thread.  flags: XLAT_F_GSO and
	 * XLAT_F_CSUM_PARTIAL with TUN offload, as for xlat_packet_flags(). */
	enum xlat_verdict (*xlate)(void *arg, unsigned int idx, uint8_t *pkt,
				   size_t len, struct xlat_out *out,
				   unsigned int flags);
};

/*
 * siit start/stop/status on inst->conf->siit (TUN, MTU, threads, io,
 * routes, offload) with h->xlate instead of xlat_packet_flags().  The caller's arg comes back with siit_hook_arg().
 */
int siit_start_hooked(struct instance *inst, const struct siit_hooks *h,
		      void *arg);
void siit_stop_hooked(struct instance *inst);
void siit_status_hooked(struct instance *inst, struct ctl_out *o);
void *siit_hook_arg(struct instance *inst);
/* Send a packet the hooked kind made on its own (not the answer to a
 * read: e.g. the NAT64's Port Unreachable for a held SYN); 0 or -1. */
int siit_send_hooked(struct instance *inst, const void *pkt, size_t len);

#endif
