#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Wake-up moderation of the siit io_uring path (coalesce-usecs): sparse
# traffic still wakes the worker per packet (no added latency), a stream
# is carried in batches, one timer wake-up per batch, without loss; and
# coalesce-usecs = 0 turns it off; worker-realtime makes the worker
# SCHED_FIFO.  The moderation window is 10 ms here,
# far above the round trip through the namespaces (about 0.1 ms), so a
# reply held by the timer would show.
#
#   h6 2001:db8:6::10 --- [xl: xlatd siit] --- h4 198.51.100.2
#        (EAM 192.0.2.10)  2001:db8:6::1 / 198.51.100.1
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need /usr/bin/python3
XGEN=$NT_BUILD/tools/xgen
[ -x "$NT_XLATD" ] && [ -x "$NT_XLATCTL" ] && [ -x "$XGEN" ] ||
	t_bail "xlatd, xlatctl and xgen are built" "missing in $NT_BUILD (make)"

H4_V6=2001:db8:64::c633:6402
H6_V4=192.0.2.10
PKTS=3000 RATE=3000 PORT=9000

nt_siit_hosts || t_bail "namespaces and veth pairs"

# stat KEY: one number from the instance's status.
stat() {
	nx "$XL" "$NT_XLATCTL" -s "$SOCK" status --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = [i for i in d["instances"] if i["name"] == "s0"][0]["config"]
print(c.get(sys.argv[1], "missing"))' "$1"
}

# start COALESCE [KEY]: xlatd with one siit instance, io = uring.
start() {
	SOCK=$NT_TMP/xlatd.$1.sock
	nt_siit_conf "$NT_TMP/xlatd.$1.conf" "$SOCK" "io = uring" "coalesce-usecs = $1" ${2:+"$2"}
	run_bg "$XL" "$NT_XLATD" -c "$NT_TMP/xlatd.$1.conf"
	XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
	nt_wait 10 bash -c "ip -n $XL route show 192.0.2.0/24 | grep -q siit0 && \
		ip netns exec $XL $NT_XLATCTL -s $SOCK status --json | grep -q '\"running\"'"
}

stop() {
	kill -TERM "$XPID" 2>/dev/null
	nt_wait 5 bash -c "! kill -0 $XPID"
	nt_kill_pids "$XPID"
	nt_wait 5 bash -c "! ip -n $XL link show siit0 2>/dev/null"
}

# stream: PKTS UDP datagrams h6 -> h4 at RATE/s; sets GOT (received).
stream() {
	rm -f "$NT_TMP/ready"
	run_bg "$H4" "$XGEN" sink --port $PORT --seconds 20 --idle 1 --ready "$NT_TMP/ready"
	local spid=$NT_LAST_PID slog=$NT_LAST_LOG
	nt_wait 5 test -e "$NT_TMP/ready"
	nx "$H6" "$XGEN" send --dst $H4_V6 --port $PORT --frame 84 --rate $RATE \
		--count $PKTS --seconds 5 >"$NT_TMP/send.json" 2>&1
	nt_wait 10 bash -c "! kill -0 $spid"
	GOT=$(grep '^{' "$slog" | /usr/bin/python3 -c \
		'import json, sys; print(json.loads(sys.stdin.readline())["packets"])' 2>/dev/null ||
		echo 0)
}

# rtt_max_below MS: 10 sparse pings h6 -> h4, all answered, the slowest
# under MS milliseconds.
rtt_max_below() {
	local out max
	out=$(nx "$H6" ping -6 -c 10 -i 0.1 -W 2 $H4_V6 2>&1)
	grep -q " 10 received" <<<"$out" || { echo "$out"; return 1; }
	max=$(awk -F/ '/^rtt/ { print $7 }' <<<"$out")
	echo "max rtt $max ms"
	awk -v m="$max" -v l="$1" 'BEGIN { exit !(m < l) }'
}

if ! start 10000 "worker-nice = -3"; then
	t_bail "xlatd with coalesce-usecs = 10000 runs" "$(tail -n 20 "$XLOG")"
fi
t_check "status reports coalesce_usecs = 10000" test "$(stat coalesce_usecs)" = 10000
# worker-nice = -3: the worker 3 steps ahead of the daemon (nice 0 here);
# field 19 of /proc/PID/task/TID/stat.
nices=$(for t in /proc/$XPID/task/*/stat; do awk '{ print $19 }' "$t"; done | sort -n | tr '\n' ' ')
t_check "worker-nice = -3: a worker at -3, the main thread at 0 ($nices), status $(stat worker_nice)" \
	bash -c "[[ '$nices' == '-3 '*'0 '* ]] && [ '$(stat worker_nice)' = -3 ]"
t_check "10 sparse pings, each answered within 5 ms (no moderation delay)" rtt_max_below 5
t_check "sparse traffic: no timer sleep (io_sleeps_timer = 0)" test "$(stat io_sleeps_timer)" = 0
p0=$(stat io_sleeps_poll) t0=$(stat io_sleeps_timer)
stream
p1=$(stat io_sleeps_poll) t1=$(stat io_sleeps_timer)
sleeps=$(((p1 - p0) + (t1 - t0)))
t_check "stream of $PKTS datagrams at $RATE/s: all $PKTS delivered ($GOT)" test "$GOT" = $PKTS
t_check "stream: the worker slept on the timer ($((t1 - t0)) times)" test $((t1 - t0)) -gt 0
t_check "stream: at least 5 packets per sleep ($sleeps sleeps for $PKTS packets)" \
	test $((sleeps * 5)) -le $PKTS
t_check "after the stream, sparse pings are answered within 5 ms again" rtt_max_below 5
stop

if ! start 0; then
	t_bail "xlatd with coalesce-usecs = 0 runs" "$(tail -n 20 "$XLOG")"
fi
stream
t_check "coalesce-usecs = 0: all $PKTS delivered ($GOT)" test "$GOT" = $PKTS
t_check "coalesce-usecs = 0: never a timer sleep" test "$(stat io_sleeps_timer)" = 0
t_check "coalesce-usecs = 0: a sleep per packet or so ($(stat io_sleeps_poll) for $PKTS)" \
	test $(($(stat io_sleeps_poll) * 2)) -ge $PKTS
stop

# worker-realtime = 7: the worker SCHED_FIFO at 7, the main thread not
# (fields 40 and 41 of /proc/PID/task/TID/stat: rt_priority and policy,
# 1 = SCHED_FIFO); traffic and sparse pings as before.
if ! start 200 "worker-realtime = 7"; then
	t_bail "xlatd with worker-realtime = 7 runs" "$(tail -n 20 "$XLOG")"
fi
pol=$(for t in /proc/$XPID/task/*/stat; do awk '{ print $41 "/" $40 }' "$t"; done | sort | tr '\n' ' ')
t_check "worker-realtime = 7: the worker SCHED_FIFO 7, the main thread SCHED_OTHER ($pol)" \
	test "$pol" = '0/0 1/7 '
t_check "status reports worker_realtime = 7" test "$(stat worker_realtime)" = 7
t_check "worker-realtime: 10 sparse pings, each answered within 5 ms" rtt_max_below 5
stream
t_check "worker-realtime: all $PKTS delivered ($GOT)" test "$GOT" = $PKTS
stop
t_done
