#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGHUP with a changed [siit] section, in every I/O mode (io = uring and
# io = blocking, each with offload yes and no, one and two queues): ten
# reloads in a row, each
# changing the TUN MTU; after every one the new configuration must run
# within a second and pings must cross both ways.  Then a section that
# parses but cannot start (a route the host already has) and a file that
# does not parse: the old instance must keep running, and the log must
# say why.
#
#   h6 2001:db8:6::10 --- [xl: xlatd siit] --- h4 198.51.100.2
#        (EAM 192.0.2.10)  2001:db8:6::1 / 198.51.100.1
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need /usr/bin/python3
XLATD=$NT_BUILD/xlatd
XLATCTL=$NT_BUILD/xlatctl
[ -x "$XLATD" ] && [ -x "$XLATCTL" ] || t_bail "xlatd and xlatctl are built" "missing $XLATD or $XLATCTL (make)"

H4_V6=2001:db8:64::c633:6402
H6_V4=192.0.2.10
RELOADS=${RELOADS:-10}

nt_siit_hosts || t_bail "namespaces and veth pairs"
nt_sysctl "$H4" net.ipv6.conf.all.disable_ipv6=1

# state_mtu: "STATE MTU" of s0 from the status, or "absent".
state_mtu() {
	nx "$XL" "$XLATCTL" -s "$SOCK" status --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
except ValueError:
    print("no-answer"); sys.exit(0)
i = [i for i in d["instances"] if i["name"] == "s0"]
print("%s %s" % (i[0]["state"], i[0]["config"].get("mtu")) if i else "absent")'
}

# wait_state WANT: poll the status every 20 ms for up to 3 s; MS is how
# long it took, or 3000+ when it never came.
wait_state() {
	local t0 now
	t0=$(date +%s%N)
	while :; do
		GOT=$(state_mtu)
		now=$(date +%s%N)
		MS=$(((now - t0) / 1000000))
		[ "$GOT" = "$1" ] && return 0
		[ $MS -ge 3000 ] && return 1
		sleep 0.02
	done
}

# Three pings each way, all answered.
pings() {
	nx "$H6" ping -6 -q -c 3 -i 0.05 -W 1 "$H4_V6" >/dev/null 2>&1 &&
		nx "$H4" ping -4 -q -c 3 -i 0.05 -W 1 "$H6_V4" >/dev/null 2>&1
}

# run_mode IO OFFLOAD THREADS
run_mode() {
	local io=$1 off=$2 thr=$3 tag="io = $1, offload = $2, threads = $3" conf i mtu bad slow
	SOCK=$NT_TMP/xlatd.$io.$off.sock
	conf=$NT_TMP/xlatd.$io.$off.conf
	nt_siit_conf "$conf" "$SOCK" "io = $io" "offload = $off" "threads = $thr" "mtu = 1500"
	run_bg "$XL" "$XLATD" -c "$conf"
	XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
	if ! wait_state "running 1500"; then
		t_not_ok "$tag: instance running" "$GOT; $(tail -n 20 "$XLOG")"
		nt_kill_pids "$XPID"
		return
	fi
	t_check "$tag: pings both ways before any reload" pings

	bad="" slow=0
	for i in $(seq "$RELOADS"); do
		mtu=$((1500 - i))
		nt_siit_conf "$conf" "$SOCK" "io = $io" "offload = $off" "threads = $thr" "mtu = $mtu"
		kill -HUP "$XPID"
		if ! wait_state "running $mtu"; then
			bad="reload $i: status \"$GOT\" after ${MS} ms"
			break
		fi
		[ $MS -gt $slow ] && slow=$MS
		if ! pings; then
			bad="reload $i: pings lost"
			break
		fi
	done
	if [ -z "$bad" ]; then
		t_check "$tag: $RELOADS reloads, each running the new MTU within 1 s (slowest $slow ms), pings pass after each" \
			test "$slow" -lt 1000
	else
		t_not_ok "$tag: $RELOADS reloads with traffic after each" "$bad; $(tail -n 20 "$XLOG")"
	fi

	# A section that parses but cannot start: the host has the route.
	nx "$XL" ip route add 203.0.113.0/24 via 198.51.100.2
	nt_siit_conf "$conf" "$SOCK" "io = $io" "offload = $off" "threads = $thr" "mtu = 1400" \
		"route4 = 203.0.113.0/24"
	kill -HUP "$XPID"
	nt_wait 3 grep -q "reload: .*kept" "$XLOG"
	t_check "$tag: a section that cannot start is logged" \
		grep -q "reload: .*kept" "$XLOG"
	wait_state "running $mtu"
	t_check "$tag: the old instance runs on after it (status \"$GOT\")" \
		test "$GOT" = "running $mtu"
	t_check "$tag: pings both ways after the failed reload" pings
	nx "$XL" ip route del 203.0.113.0/24 via 198.51.100.2

	# A file that does not parse changes nothing.
	printf '[siit s0]\nmtu = 12\n' >"$conf"
	kill -HUP "$XPID"
	nt_wait 3 grep -q "reload refused" "$XLOG"
	t_check "$tag: a file that does not parse is refused" \
		grep -q "reload refused" "$XLOG"
	t_check "$tag: pings both ways after the refused reload" pings

	nt_kill_pids "$XPID"
	nt_wait 5 bash -c "! ip -n $XL link show siit0 2>/dev/null"
}

run_mode uring yes 1
run_mode uring no 1
run_mode uring yes 2
run_mode blocking yes 1
run_mode blocking no 2
t_done
