/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The [nat64] instance's eBPF fast path (datapath = auto | bpf |
 * userspace): the loader (src/datapath/nat64_bpf.c) fed from the engine's
 * tables.  Every function but start/stop/status is called with the
 * tables' lock held; a NULL fast path makes them all no-ops.
 */
#ifndef XLATD_NAT64_FP_H
#define XLATD_NAT64_FP_H

#include "rfc6146.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct instance;
struct ctl_out;
struct nat64_fp;

/* What xlate() learnt of a packet before the engine had it. */
struct nat64_fp_note {
	bool on;       /* a packet of a flow the fast path could take */
	bool eligible; /* its session was one the fast path handles */
	struct nat64_fast_flow ff;
};

/*
 * Load and attach per inst->conf->nat64.datapath, and copy nat's live
 * sessions in.  NULL for the userspace path (then *err is 0) or on a
 * failure (*err < 0: datapath = bpf makes that fatal).
 */
struct nat64_fp *nat64_fp_start(struct instance *inst, struct nat64 *nat,
				 int *err);
void nat64_fp_stop(struct nat64_fp *fp);
/* A reload kept the tables: the engine settings may have changed. */
void nat64_fp_reconfigure(struct nat64_fp *fp, struct nat64 *nat);

void nat64_fp_before(struct nat64_fp *fp, struct nat64 *nat,
		     const uint8_t *pkt, size_t len, struct nat64_fp_note *no);
void nat64_fp_after(struct nat64_fp *fp, struct nat64 *nat,
		    const struct nat64_fp_note *no);
/* The engine's mapping events: a removed session leaves the maps. */
void nat64_fp_event(struct nat64_fp *fp, const struct nat64_event *ev);
/* Once a second, before expiry: fast-path packets into the timers. */
void nat64_fp_sync(struct nat64_fp *fp, struct nat64 *nat);

/* status: "datapath" and the fast path's counters (no lock needed). */
void nat64_fp_status(struct nat64_fp *fp, struct ctl_out *o,
		     uint32_t in_maps);
uint32_t nat64_fp_count(struct nat64_fp *fp);

#endif
