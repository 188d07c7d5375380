# SPDX-License-Identifier: GPL-2.0-or-later
# xlat464 siit with worker-realtime = 10 (xlatd.conf(5)): the worker
# SCHED_FIFO, so that under overload the router's NAPI thread, which
# shares CPU 1 with it, cannot take the CPU back for packets the full TUN
# queue would drop.  Otherwise the siit row.
CASE_LABEL_siitrt="xlat464 siit, worker-realtime = 10"
siitrt_start() {
	SIIT_RT=10 siit_start
}
siitrt_stop() {
	siit_stop
}
EXTRA_CASES+=(siitrt)
