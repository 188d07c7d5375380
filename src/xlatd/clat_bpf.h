/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Glue between the clat instance and the eBPF fast path
 * (src/datapath/bpf_loader.h, docs/fastpath.md): which path runs under
 * `datapath = auto | bpf | userspace`, why, and the fast path's counters
 * merged into the instance's.
 *
 * An all-zero struct clat_bpf_path is a valid "not started" state, so a
 * calloc()ed owner needs no init call.  Every function runs on the main
 * thread.  The type is not called struct clat_bpf: that is the name of
 * the libbpf skeleton bpf_loader.c compiles in.
 *
 * Order in the instance: start after the TUN, its address and the EAM
 * exist and before the worker threads read the TUN and the packet
 * socket; stop before the TUN is closed.  The uplink packet socket must
 * be bound to ETH_P_IPV6 (clat_pkt_open() does), or it would see the
 * packets the fast path already redirected.
 */
#ifndef XLATD_CLAT_BPF_H
#define XLATD_CLAT_BPF_H

#include "datapath/bpf_loader.h"
#include "xlatd/config.h"
#include "xlat.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_out;

struct clat_bpf_path {
	struct xlat_bpf bpf;
	bool loaded;                 /* bpf.skel is ours to close */
	bool active;                 /* attached and enabled */
	enum clat_datapath mode;     /* what the configuration asked for */
	enum clat_bpf_attach attach; /* bpf-attach: set before clat_bpf_start() */
	char why[160];               /* why userspace, when it is */
	/* Counters of fast paths already stopped: a restart of the data
	 * path (new prefix, new address) must not make them go back. */
	uint64_t retired[CLAT_FP__COUNT];
};

/*
 * Choose and set up the data path.  Returns 1 when the fast path is
 * attached, 0 when the instance runs on userspace alone (why says why;
 * the caller logs it for auto), a negative errno when mode is
 * CLAT_DP_BPF and the fast path cannot run (why says why; the caller
 * fails the instance).  Leftover cls_bpf filters of a crashed xlatd on
 * the uplink are removed first.  Nothing stays attached on failure.
 */
int clat_bpf_start(struct clat_bpf_path *b, const struct xlat_cfg *engine_cfg,
		   int up_ifindex, int tun_ifindex, unsigned int up_mtu,
		   enum clat_datapath mode, char *why, size_t whylen);

/*
 * The engine configuration changed (prefix, addresses, MTU) without a
 * restart of the data path: follow it.  A configuration the fast path
 * does not implement disables it (every packet then passes to
 * userspace), which is an error (-EOPNOTSUPP, why filled) under
 * CLAT_DP_BPF and 0 otherwise.  No-op when the fast path is not running.
 */
int clat_bpf_update(struct clat_bpf_path *b, const struct xlat_cfg *engine_cfg,
		    unsigned int up_mtu, char *why, size_t whylen);

/*
 * 6->4 translations go on up the stack from the uplink in place (on), or
 * through the TUN's ingress (off): the caller decides from rp_filter.
 */
void clat_bpf_set_pass_up(struct clat_bpf_path *b, bool on);

/* Detach and unload; idempotent. */
void clat_bpf_stop(struct clat_bpf_path *b);

/*
 * Add the fast path's translations to add: packets translated one for
 * one count as in and out packets of their direction, and their L3
 * lengths before and after as in_bytes and out_bytes.  Packets passed
 * to userspace are not added (the engine counts them when it sees them)
 * and are not drops: clat_bpf_status() shows them.
 */
void clat_bpf_stats(struct clat_bpf_path *b, struct xlat_stats *add);

/* "bpf" or "userspace". */
const char *clat_bpf_active(const struct clat_bpf_path *b);

/*
 * Status key-values: datapath_config, fastpath_reason (when userspace),
 * fastpath_attach (tcx/clsact) and a "fastpath" object with every
 * counter of the programs.
 */
void clat_bpf_status(struct clat_bpf_path *b, struct ctl_out *o);

/* Counters of the programs, retired ones included; 0 or -errno. */
int clat_bpf_counters(struct clat_bpf_path *b, uint64_t *out);

/*
 * Remove cls_bpf filters on ifindex's clsact ingress whose name starts
 * with tag ("PROG:"): a crashed xlatd's, which tcx links would not leave.
 */
void clat_bpf_remove_leftovers(int ifindex, const char *tag);

/* Why xlat_bpf_cfg_make() would refuse xc, or NULL if it would not. */
const char *clat_bpf_unsupported(const struct xlat_cfg *xc);

#endif
