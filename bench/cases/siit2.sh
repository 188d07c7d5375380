# SPDX-License-Identifier: GPL-2.0-or-later
# xlat464 siit with threads = 2 (multi-queue TUN), beside the threads = 1
# row of bench/run.sh.  The two workers may use both CPUs, and two
# generator flows (source ports 9001, 9002) spread over the two queues;
# the generator keeps CPU 0, so it competes with one worker there.
CASE_LABEL_siit2="xlat464 siit, threads = 2"
siit2_start() {
	SIIT_THREADS=2 SIIT_CPUS=0,1 siit_start
	local rc=$?
	GEN_FLOWS=2
	return $rc
}
siit2_stop() {
	GEN_FLOWS=1
	siit_stop
}
EXTRA_CASES+=(siit2)
