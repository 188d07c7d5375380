#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLAT's memory across link flaps, no traffic: each flap tears the
# CLAT down and sets it up again (eBPF programs loaded anew, workers,
# TUN, route).  After a warm-up of CLAT_RSS_WARM starts, the anonymous
# RSS of xlatd may grow by less than CLAT_RSS_BOUND KiB over the
# remaining ones, and the open fds and threads come back to the same
# numbers, and so does the heap in use xlatctl status --json shows
# (memory.heap_in_use_bytes).  Before the fix of docs/soak.md ("What is not equal") the eBPF
# data path grew by 4-8 KiB per start here (about 120 KiB over starts
# 10..40): glibc's per-thread cache of the main loop filling with
# libbpf's chunks.  Both data paths are checked.
#
#   C (xlatd, clat on up0, 2001:db8:1::2)  up0 --- r0  R (2001:db8:1::1)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need_build xlatd xlatctl
N_BPF=${CLAT_RSS_CYCLES:-40}
N_USER=$((N_BPF / 2))
WARM=${CLAT_RSS_WARM:-10}
BOUND=${CLAT_RSS_BOUND:-32}

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_veth "$C" up0 "$R" r0 || t_bail "veth"
nt_sysctl "$C" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.up0.dad_transmits=0
nt_sysctl "$R" net.ipv6.conf.all.accept_dad=0
nt_addr "$C" up0 2001:db8:1::2/64 nodad && nt_addr "$R" r0 2001:db8:1::1/64 nodad ||
	t_bail "addresses"
routes() {
	ip -n "$C" -6 route replace 2001:db8:1::/64 dev up0 &&
		ip -n "$C" -6 route replace default via 2001:db8:1::1 dev up0
}
routes || t_bail "IPv6 default route"

# figures: "RssAnon-KiB fds threads heap-in-use-bytes" of xlatd (the
# last from the status's memory object, glibc's mallinfo2).
figures() {
	echo "$(awk '/^RssAnon/ {print $2}' "/proc/$NT_XPID/status")" \
		"$(ls "/proc/$NT_XPID/fd" | wc -l)" "$(ls "/proc/$NT_XPID/task" | wc -l)" \
		"$(nt_xlatctl status --json | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin).get("memory", {}).get("heap_in_use_bytes", -1))')"
}

# One flap: down (the CLAT stops), up with the routes back (it runs).
flap() {
	ip -n "$C" link set up0 down
	nt_wait_clat c '^stopped' 5 || return 1
	ip -n "$C" link set up0 up && routes
	nt_wait_clat c '^running' 8
}

cycle_check() { # DATAPATH CYCLES
	local dp=$1 n=$2 i a b fail=0
	nt_xlatd "$C" "$(printf '[global]\nclat-auto = no\n\n[clat c]\nuplink = up0\npref64 = 2001:db8:64::/96\nmode = on\ndatapath = %s\nipv6-address = 2001:db8:1::c1a7\n' "$dp")"
	if ! nt_wait_clat c '^running' 10; then
		t_not_ok "$dp: the CLAT runs" "$(nt_clat_state c; tail -5 "$NT_XLOG")"
		nt_xlatd_stop
		return
	fi
	for i in $(seq "$n"); do
		flap || { fail=$i; break; }
		sleep 0.2 # the start's transients (threads, buffers) settle
		[ "$i" = "$WARM" ] && a=$(figures)
	done
	b=$(figures)
	if [ "$fail" != 0 ]; then
		t_not_ok "$dp: $n link flaps, the CLAT runs again after each" \
			"flap $fail: $(nt_clat_state c)"
		nt_xlatd_stop
		return
	fi
	t_ok "$dp: $n link flaps, the CLAT runs again after each"
	t_diag "$dp: after flap $WARM: $a; after flap $n: $b (RssAnon KiB, fds, threads, heap in use)"
	set -- $a $b
	t_check "$dp: RssAnon grew by less than $BOUND KiB over flaps $WARM..$n ($1 -> $5 KiB)" \
		test $(($5 - $1)) -lt "$BOUND"
	t_check "$dp: fds back ($2 -> $6)" test "$2" = "$6"
	t_check "$dp: threads back ($3 -> $7)" test "$3" = "$7"
	t_check "$dp: status memory.heap_in_use_bytes grew by less than $BOUND KiB ($4 -> $8)" \
		test "$4" -ge 0 -a $(($8 - $4)) -lt $((BOUND * 1024))
	nt_xlatd_stop
}

cycle_check bpf "$N_BPF"
cycle_check userspace "$N_USER"
t_done
