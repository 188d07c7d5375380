# SPDX-License-Identifier: GPL-2.0-or-later
# The [nat64] instance with its eBPF fast path (datapath = bpf): the same
# set-up as the nat64 row (bench/cases/nat64.sh), whose row is the
# userspace path alone, so the two compare side by side in one run.  A
# flow's first packet makes its session in xlatd; the rest go through
# the TC program on nat0's egress.
CASE_LABEL_nat64bpf="xlat464 nat64, eBPF fast path"
nat64bpf_start() {
	local i
	NAT64_DATAPATH=bpf nat64_start || return 1
	# datapath = bpf fails the instance when the program cannot attach:
	# no row for a path that did not run.
	for i in $(seq 20); do
		nsx "$NSX" "$BUILD/xlatctl" -s "$TMP/nat64/xlatd.sock" status --json 2>/dev/null |
			grep -q '"attached":"yes"' && return 0
		sleep 0.1
	done
	log "nat64bpf: the fast path is not attached"
	return 1
}
nat64bpf_stop() {
	nat64_stop
}
EXTRA_CASES+=(nat64bpf)
