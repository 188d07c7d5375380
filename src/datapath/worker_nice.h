/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The userspace data paths' workers run a few nice steps ahead of the
 * daemon (worker-nice, xlatd.conf(5)): a TUN keeps no back-pressure on
 * whoever fills it, so a translator at the priority of the programs (or
 * of the NAPI thread) that feed it loses packets in its queue, or falls
 * into receive livelock, long before it runs out of CPU.
 */
#ifndef XLAT_WORKER_NICE_H
#define XLAT_WORKER_NICE_H

/*
 * Set the calling thread's nice value `rel` steps from its current one,
 * kept within -20..19.  The value it runs at in *now; 0 or the errno of
 * setpriority() (then it runs at the value it had).
 */
int worker_nice_apply(int rel, int *now);
/* The calling thread's nice value now. */
int worker_nice_get(void);
/* Set the calling thread's nice value: 0 or the errno of setpriority(). */
int worker_nice_set(int value);
/*
 * The calling thread SCHED_FIFO at prio (1-99): 0 or the errno.  For a
 * router's translator under overload: at any nice value the NAPI thread
 * that fills its TUN queue, woken by every burst, keeps taking the CPU
 * back, spends it receiving packets the full queue then drops, and the
 * translator delivers a fraction of what it could (receive livelock).
 * Real-time, the translator runs whenever it has packets; the NAPI
 * thread runs while it sleeps, and what the router cannot take is
 * dropped at the veth or NIC ring, before any work is spent on it.
 */
int worker_rt_set(int prio);

#endif
