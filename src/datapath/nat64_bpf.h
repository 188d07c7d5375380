/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loader of the NAT64 eBPF fast path (src/bpf/nat64.bpf.c): load with
 * maps the size of the session table, configure from the engine's
 * configuration, attach to the TUN's egress (tcx, else clsact), put
 * sessions in and take them out, and walk the slots for the times of
 * their last fast-path packets.  Functions return 0 or a negative errno
 * and never log; none is thread-safe (the caller holds the tables' lock).
 */
#ifndef XLAT_NAT64_BPF_H
#define XLAT_NAT64_BPF_H

#include "bpf/nat64_fp.h"
#include "datapath/bpf_loader.h"
#include "rfc6146.h"

#include <stdbool.h>
#include <stdint.h>

struct nat64_fp_bpf; /* the bpftool skeleton */

struct nat64_bpf {
	struct nat64_fp_bpf *skel;
	struct xlat_bpf_hook hook;
	int fd6, fd4;                 /* the two key maps */
	struct nat64_fp_sess *slots;  /* mmap()ed session array */
	size_t slots_len;
	uint32_t cap;                 /* slots */
	uint32_t *free_ids;           /* a stack of free slot numbers */
	uint32_t n_free;
	uint32_t high;                /* slots below this were ever used */
	uint64_t *synced;             /* last_ns already given to the engine */
	bool cfg_ok;                  /* configured: attach turns it on */
};

/* Load with room for cap sessions.  Nothing attached yet. */
int nat64_bpf_open(struct nat64_bpf *b, uint32_t cap);
/*
 * The program's configuration from the engine's: pool6, pool4,
 * decrement-ttl, reset-tos and the MTUs.  NULL when the fast path can
 * agree with the engine on it, else why not.
 */
const char *nat64_bpf_configure(struct nat64_bpf *b,
				const struct nat64_cfg *cfg);
/* Attach to the TUN's egress; its MTU bounds what the program makes. */
int nat64_bpf_attach(struct nat64_bpf *b, int tun_ifindex,
		     enum xlat_bpf_attach a);
bool nat64_bpf_attached(const struct nat64_bpf *b);
/* The device translated packets go into, its MTU and link-layer header
 * (attach does this; tests call it for BPF_PROG_TEST_RUN). */
void nat64_bpf_set_dev(struct nat64_bpf *b, int ifindex, unsigned int mtu,
		       unsigned int l2len);
int nat64_bpf_prog_fd(const struct nat64_bpf *b);
/* Detach and unload; idempotent, b may be half-opened. */
void nat64_bpf_close(struct nat64_bpf *b);

/* A session of the engine into the maps (inf: proto, a6/p6, a4/p4,
 * r4/rport); -EEXIST if it is there, -ENOSPC when the slots are full. */
int nat64_bpf_add(struct nat64_bpf *b, const struct nat64_info *inf);
/* Out of the maps (the engine removed it); -ENOENT if it was not in. */
int nat64_bpf_del(struct nat64_bpf *b, const struct nat64_info *inf);
/* Empty the maps (reconfiguration). */
void nat64_bpf_flush(struct nat64_bpf *b);
uint32_t nat64_bpf_count(const struct nat64_bpf *b);

/*
 * For each session in the maps with a fast-path packet since the last
 * call: fn(arg, inf, ms), ms the time of that packet on CLOCK_MONOTONIC
 * in milliseconds.  fn returns false when the engine no longer has the
 * session: it is taken out.  Returns how many fn calls were made.
 */
typedef bool nat64_bpf_seen_fn(void *arg, const struct nat64_info *inf,
			       uint64_t ms);
unsigned int nat64_bpf_sync(struct nat64_bpf *b, nat64_bpf_seen_fn *fn,
			    void *arg);

/* The same for one session (its packets must be replayed before the
 * engine sees another one of it). */
int nat64_bpf_sync_one(struct nat64_bpf *b, const struct nat64_info *inf,
		       nat64_bpf_seen_fn *fn, void *arg);
/* The program's id (bpftool prog show id N), 0 if not loaded. */
uint32_t nat64_bpf_prog_id(const struct nat64_bpf *b);

int nat64_bpf_counters(const struct nat64_bpf *b, uint64_t *out);
const char *nat64_bpf_counter_name(unsigned int i);

#endif
