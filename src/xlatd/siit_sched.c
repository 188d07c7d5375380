// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How a siit worker is scheduled: worker-nice and worker-realtime
 * (xlatd.conf(5)), applied by the worker itself, and what the status
 * says of them.
 */
#include "datapath/worker_nice.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/siit_priv.h"

#include <string.h>

/* A worker's first act: its nice value and, if asked, SCHED_FIFO
 * (worker_nice.h); refused is said, not fatal. */
void siit_worker_sched(struct siit_worker *w)
{
	int now, err = worker_nice_apply(w->s->inst->conf->siit.worker_nice, &now);

	__atomic_store_n(&w->nice, now, __ATOMIC_RELAXED);
	__atomic_store_n(&w->nice_err, err, __ATOMIC_RELAXED);
	if (err && w->idx == 0)
		log_info(w->s->inst->name, "worker-nice %d not set (%s): the workers run at the daemon's nice %d",
			 w->s->inst->conf->siit.worker_nice, strerror(err), now);
	if (!w->s->inst->conf->siit.worker_realtime)
		return;
	err = worker_rt_set(w->s->inst->conf->siit.worker_realtime);
	__atomic_store_n(&w->rt, err ? 0 : w->s->inst->conf->siit.worker_realtime,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&w->rt_err, err, __ATOMIC_RELAXED);
	if (err && w->idx == 0)
		log_warn(w->s->inst->name, "worker-realtime %d not set (%s: needs CAP_SYS_NICE or RLIMIT_RTPRIO): the workers run as normal threads",
			 w->s->inst->conf->siit.worker_realtime, strerror(err));
}

/* What the first worker runs at, or why not what was asked. */
void siit_sched_status(struct siit *s, const struct inst_conf *ic,
		       struct ctl_out *o)
{
	if (s->n_workers && __atomic_load_n(&s->w[0].nice_err, __ATOMIC_RELAXED))
		ctl_kv_str(o, "worker_nice", "%d (worker-nice %d refused: %s)",
			   __atomic_load_n(&s->w[0].nice, __ATOMIC_RELAXED),
			   ic->siit.worker_nice,
			   strerror(__atomic_load_n(&s->w[0].nice_err, __ATOMIC_RELAXED)));
	else if (s->n_workers)
		ctl_kv_str(o, "worker_nice", "%d",
			   __atomic_load_n(&s->w[0].nice, __ATOMIC_RELAXED));
	if (s->n_workers && __atomic_load_n(&s->w[0].rt_err, __ATOMIC_RELAXED))
		ctl_kv_str(o, "worker_realtime", "0 (worker-realtime %d refused: %s)",
			   ic->siit.worker_realtime,
			   strerror(__atomic_load_n(&s->w[0].rt_err, __ATOMIC_RELAXED)));
	else if (s->n_workers)
		ctl_kv_str(o, "worker_realtime", "%d",
			   __atomic_load_n(&s->w[0].rt, __ATOMIC_RELAXED));
}
