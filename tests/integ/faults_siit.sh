#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A [siit] instance's TUN deleted from outside (issue 14 item 4,
# docs/faults.md), in both I/O modes: the worker's read fails, status
# says so, and within a few seconds xlatd starts the instance again from
# its section (new TUN, address, routes); traffic flows again.  Five
# deletions within a minute are repaired; the sixth leaves it failed,
# with the reason, and nothing of it on the host.
#
#   h6 2001:db8:6::10 --- v6 [xl: xlatd siit] v4 --- 198.51.100.2 h4
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need ping
nt_need_build xlatd xlatctl
nt_siit_hosts || t_bail "namespaces"
H4_V6=2001:db8:64::c633:6402
SOCK=$NT_TMP/xlatd.sock

state() { nx "$XL" "$NT_XLATCTL" -s "$SOCK" status --json | nt_json_clat s0 state reason; }
is() { state | grep -Eq "$1"; }
ping6() { nx "$H6" ping -c 2 -i 0.3 -W 1 "$H4_V6" >/dev/null 2>&1; }
idx() { ip -n "$XL" -o link show siit0 2>/dev/null | cut -d: -f1; }

for io in blocking uring; do
	nt_siit_conf "$NT_TMP/xlatd.$io.conf" "$SOCK" "io = $io"
	printf '[global]\nclat-auto = no\n' >>"$NT_TMP/xlatd.$io.conf"
	run_bg "$XL" "$NT_XLATD" -v -c "$NT_TMP/xlatd.$io.conf"
	pid=$NT_LAST_PID log=$NT_LAST_LOG
	nt_wait 5 test -S "$SOCK" || t_bail "xlatd ($io) did not start: $(cat "$log")"
	t_check "io = $io: running, ping h6 -> h4" nt_wait 5 ping6
	old=$(idx)
	ip -n "$XL" link del siit0
	back() { is '^running' && [ -n "$(idx)" ] && [ "$(idx)" != "$old" ]; }
	t_check "io = $io: TUN deleted: running again with a new siit0 within 4 s" nt_wait 4 back
	t_check "io = $io: the log says why" grep -q "TUN siit0 was deleted from outside (queue 0: " "$log"
	t_check "io = $io: ping works again" nt_wait 5 ping6
	t_check "io = $io: the route to the pool is back" bash -c "ip -n $XL -6 route show 2001:db8:64::/96 | grep -q siit0"
	if [ $io = uring ]; then
		# Four more deletions are repaired, the sixth is not.
		for i in 2 3 4 5; do
			old=$(idx)
			ip -n "$XL" link del siit0
			nt_wait 4 back || break
		done
		t_check "io = $io: five deletions within a minute repaired" back
		ip -n "$XL" link del siit0
		sleep 2.5
		t_check "io = $io: the sixth leaves it failed with the reason" is '^failed queue 0: '
		t_check "io = $io: nothing of it left (TUN, routes)" bash -c \
			"! ip -n $XL link show siit0 >/dev/null 2>&1 && ! ip -n $XL -6 route show 2001:db8:64::/96 | grep -q ."
		t_check "io = $io: xlatd still answers" nx "$XL" "$NT_XLATCTL" -s "$SOCK" status
	fi
	nt_kill_pids "$pid"
done
t_done
