#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The wall clock stepped under a running CLAT (issue 14 item 4,
# docs/faults.md).  The host's clock is never touched: xlatd runs under
# libfaketime (Debian's faketime package), whose wall clock
# (CLOCK_REALTIME, time(), gettimeofday()) follows an offset read from a
# file, while CLOCK_MONOTONIC stays the kernel's (DONT_FAKE_MONOTONIC=1).
# The offset is stepped 2 h forward (past the PREF64 lifetime) and a day
# back: the CLAT keeps running, the prefix lifetime counts down as
# before, and its timers (the once-a-second check, DAD) still act on time.
# First, the source has no wall-clock timer at all.
#
#   C (client, xlatd)  eth0 ---- r0  R (radvd, pref64_ra, TAYGA)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga ping

# 0. No timer, deadline or timeout of the daemon reads the wall clock:
# the only wall-clock reads are the log's time stamps (src/xlatd/log.c)
# and time() seeding netlink sequence numbers.
wall=$(grep -rnE 'CLOCK_REALTIME|gettimeofday|\btime\(|timedwait|timedjoin|TFD_TIMER_ABSTIME|CLOCK_BOOTTIME' \
	"$NT_ROOT/src" --include='*.c' --include='*.h' | grep -v '^[^:]*/src/xlatd/log\.c:' |
	grep -vE 'seq = \(unsigned int\)time\(NULL\);')
t_check "src/ uses no wall clock for timers (only log stamps, netlink sequence seeds)" test -z "$wall" ||
	t_diag "$wall"
mono=$(grep -rnE 'timerfd_create\(|clock_gettime\(' "$NT_ROOT/src" --include='*.c' |
	grep -v '^[^:]*/src/xlatd/log\.c:' | grep -vc MONOTONIC)
t_check "every timerfd and clock_gettime is CLOCK_MONOTONIC" test "$mono" -eq 0

FT=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
if [ ! -e "$FT" ]; then
	t_skip "xlatd under a stepped wall clock" "libfaketime not installed (Debian package faketime)"
	t_done
fi
nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra
P64=2001:db8:64::/96
OFS=$NT_TMP/faketime.offset
echo "+0" >"$OFS"
# fake ENV...: the environment libfaketime reads; the offset file is read
# again at every call (no cache).
fake() {
	env LD_PRELOAD="$FT" FAKETIME_TIMESTAMP_FILE="$OFS" FAKETIME_NO_CACHE=1 \
		DONT_FAKE_MONOTONIC=1 "$@"
}
# The mechanism itself: a step of the offset moves the faked wall clock.
echo "+2h" >"$OFS"
d=$(($(fake date +%s) - $(date +%s)))
echo "+0" >"$OFS"
t_check "libfaketime steps the wall clock of its process only (+${d} s)" \
	bash -c "[ $d -ge 7190 ] && [ $d -le 7210 ]"

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_tayga "$R" 192.0.2.1 $P64 198.51.100.0/24 || t_bail "tayga"
nt_radvd "$R" r0 2001:db8:1::/64
nt_wait 10 bash -c "ip -n $C -6 route show default | grep -q via" || t_bail "no SLAAC default route"

NT_XN=1
NT_XNS=$C
NT_XCONF=$NT_TMP/xlatd.conf NT_XSOCK=$NT_TMP/xlatd.sock NT_XSTATE=$NT_TMP/state
nt_xlatd_conf "$NT_XCONF" "$NT_XSOCK" "$NT_XSTATE"
run_bg "$C" env LD_PRELOAD="$FT" FAKETIME_TIMESTAMP_FILE="$OFS" FAKETIME_NO_CACHE=1 \
	DONT_FAKE_MONOTONIC=1 "$NT_XLATD" -v -c "$NT_XCONF"
NT_XPID=$NT_LAST_PID NT_XLOG=$NT_LAST_LOG
nt_wait 5 test -S "$NT_XSOCK" || t_bail "xlatd did not start: $(cat "$NT_XLOG")"
t_check "xlatd runs with libfaketime loaded" grep -q libfaketime "/proc/$NT_XPID/maps"

running() { nt_clat_is clat-eth0 "^running $P64 RA"; }
ping4() { nx "$C" ping -c 2 -W 1 -i 0.3 203.0.113.10 >/dev/null 2>&1; }
life() { nt_clat clat-eth0 pref64.lifetime_s; }
# One RA, lifetime 600 s: a CLAT whose expiry used the wall clock would
# stop at once 2 h later.
nx "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 600 --count 1 >/dev/null
t_check "CLAT up from one PREF64 RA (lifetime 600 s)" nt_wait 8 running
t_check "ping through the CLAT" nt_wait 5 ping4

# stamp_ofs: how far the stamp of xlatd's last log line is from now.
stamp_ofs() {
	local st
	st=$(tail -n 1 "$NT_XLOG" | cut -d' ' -f1)
	echo $(($(date -d "$st" +%s) - $(date +%s)))
}
for step in +2h -1d; do
	case $step in +2h) want=7200 ;; -1d) want=-86400 ;; esac
	l0=$(life)
	echo "$step" >"$OFS"
	sleep 2.5
	l1=$(life)
	t_check "wall clock stepped $step: still running" running
	t_check "... lifetime went on counting on the monotonic clock ($l0 -> $l1 s)" \
		bash -c "[ $l1 -le $l0 ] && [ $l1 -ge \$(($l0 - 5)) ]"
	t_check "... ping works" ping4
	idx=$(ip -n "$C" -o link show clat-eth0 | cut -d: -f1)
	ip -n "$C" link del clat-eth0
	t_check "... its timers act on time: TUN deleted, back within 5 s" nt_wait 5 \
		bash -c "ip -n $C -o link show clat-eth0 | grep -qv '^$idx:' && ip netns exec $C $NT_XLATCTL -s $NT_XSOCK status | grep -q running"
	ofs=$(stamp_ofs)
	t_check "... and xlatd's wall clock was the stepped one (log stamps $ofs s off)" \
		test $((ofs - want)) -ge -60 -a $((ofs - want)) -le 60
done
echo "+0" >"$OFS"
nt_xlatd_stop
t_check "SIGTERM: nothing of the CLAT left" bash -c "! ip -n $C link show clat-eth0 >/dev/null 2>&1 && ! ip -n $C -4 route show proto 100 | grep -q ."
t_done
