/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The running CLAT's check of its own set-up (docs/faults.md).  Others
 * can take things away from under a running CLAT without any event that
 * names it: `ip link del` of its TUN, `tc filter del` / `tc qdisc del`
 * of its eBPF programs, a new MAC address on the uplink.  Once a second,
 * on the MTU check's timer, clat_watch_tick() compares what the CLAT set
 * up with what the kernel has and repairs the difference:
 *
 *   - the TUN gone (or a worker stopped on an I/O error): the rest is
 *     torn down and the same plan is brought up again (new TUN, route,
 *     DAD for a new address);
 *   - an eBPF program detached: the fast path is attached again; after
 *     CLAT_WATCH_REATTACH_MAX re-attachments within a minute the CLAT
 *     stays on the userspace path and status says why (datapath = bpf:
 *     it keeps re-attaching);
 *   - the uplink's MAC changed: the NA answers take the new one and an
 *     unsolicited NA (override) tells the neighbours at once;
 *   - state files that could not be written are written again.
 */
#ifndef XLATD_CLAT_WATCH_H
#define XLATD_CLAT_WATCH_H

#include <stdint.h>

#define CLAT_WATCH_REATTACH_MAX 5

struct clat;

struct clat_watch {
	unsigned int reattached; /* in the window that began at since */
	uint64_t since;
	unsigned int mac_changes;
	unsigned int restarts;   /* likewise, of the whole CLAT */
	uint64_t restarts_since;
};

/* Main thread, while the CLAT runs.  May restart the whole CLAT. */
void clat_watch_tick(struct clat *c);

#endif
