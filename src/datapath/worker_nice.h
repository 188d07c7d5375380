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

#endif
