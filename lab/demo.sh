#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: bring the lab up and show what xlatd is for.  On the IPv6-only
# client xlatd starts with no configuration file at all, configures a CLAT
# from what the network announces (SLAAC, PREF64), and then follows the
# network live: the provider's new NAT64 prefix, native IPv4 appearing
# (the CLAT steps aside) and going (it comes back).  Every step prints a
# PASS or FAIL line; times are measured by polling xlatd's RFC 8925 state
# file (rewritten at every decision) every 20 ms, then the details are
# read from xlatctl status.  Builds nothing (make does).
#
#   lab/demo.sh [--keep]     --keep leaves the lab (and xlatd) running
set -uo pipefail
export LC_ALL=C
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export BUILD
LAB=$ROOT/lab/lab.sh
# Status filters shared with the tests.
. "$ROOT/tests/lib/conf.sh"
P=${LAB_PREFIX:-x464}
C=$P-client
STATE=/run/xlat464-lab/$P
SOCK=$STATE/xlatd.sock
XSTATE=$STATE/xlatd-state
XLOG=$STATE/xlatd.log
SERVER=203.0.113.10
# lab.sh's address plan (docs/lab.md): the provider's NAT64 prefix, the
# one it renumbers to, and the native IPv4 address lab.sh native4 gives.
PREF64_A=2001:db8:64::/96
PREF64_B=2001:db8:65::/96
NATIVE4=192.0.2.66
INST=clat-eth0

keep=0
case "${1:-}" in
--keep) keep=1 ;;
"") ;;
*) echo "usage: lab/demo.sh [--keep]" >&2; exit 2 ;;
esac

failed=0
xpid=""
T0=""
log_seen=0
bold=$(tput bold 2>/dev/null || true)
norm=$(tput sgr0 2>/dev/null || true)

head1() {
	printf '\n%s== %s%s\n' "$bold" "$*" "$norm"
}

result() {
	if [ "$1" -eq 0 ]; then
		echo "PASS: $2"
	else
		echo "FAIL: $2"
		failed=$((failed + 1))
	fi
}

cx() {
	ip netns exec "$C" "$@"
}

# Microseconds, from bash itself (no fork, so polling stays cheap).
now_us() {
	local t=${EPOCHREALTIME/./}
	echo "$((10#$t))"
}

# secs FROM_US: seconds since FROM_US, two decimals.
secs() {
	local d=$(($(now_us) - $1))
	printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000))
}

# wait_until SECS CMD...: poll CMD until it succeeds or SECS pass.
wait_until() {
	local end=$(($(now_us) + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(now_us)" -ge $end ] && return 1
		sleep 0.02
	done
}

# sf_is PATTERN: the state file's line matches the glob PATTERN.  A read
# builtin, no fork: polling it costs nothing and times stay exact.
SF=""
sf_is() {
	SF=""
	read -r SF 2>/dev/null <"$XSTATE/eth0.state"
	# shellcheck disable=SC2053
	[[ $SF == $1 ]]
}

# clat KEY...: the automatic instance's KEYs from xlatctl status --json.
clat() {
	cx "$BUILD/xlatctl" -s "$SOCK" status --json 2>/dev/null |
		nt_json_clat "$INST" "$@"
}

# clat_is "STATE PREFIX SOURCE": e.g. "running 2001:db8:64::/96 RA".
clat_is() {
	[ "$(clat state pref64.prefix pref64.source)" = "$1" ]
}

clat_stopped_for_native4() {
	clat state reason | grep -q '^stopped native IPv4 default route on eth0'
}

# xlatd's IPv4 default route (protocol 100): through the TUN, or "via
# inet6 ROUTER dev eth0" when the eBPF fast path translates on the uplink
# itself (docs/fastpath.md).
clat_route() {
	cx ip -4 route show default |
		grep -Eq "(dev $INST|via inet6 [^ ]+ dev eth0) proto 100"
}

# Nothing of the CLAT: no TUN, no route of protocol 100, no 192.0.0.0/29
# address on the uplink.
no_clat_left() {
	! cx ip link show "$INST" >/dev/null 2>&1 &&
		! cx ip -4 route show proto 100 | grep -q . &&
		! cx ip -4 addr show dev eth0 | grep -q 'inet 192\.0\.0\.'
}

# Sent to PREFIX, as counted at the PLAT's ingress (demo_counters).
plat_count() {
	ip netns exec "$P-isp" nft list counter ip6 x464_demo "$1" 2>/dev/null |
		awk '/packets/ { print $2 }'
}

# Whatever the PLAT is made of, count what reaches it for each prefix.
demo_counters() {
	ip netns exec "$P-isp" nft -f - <<-EOF
		table ip6 x464_demo {
			counter to_a { }
			counter to_b { }
			chain pre {
				type filter hook prerouting priority -300; policy accept;
				iifname "cl0" ip6 daddr $PREF64_A counter name to_a
				iifname "cl0" ip6 daddr $PREF64_B counter name to_b
			}
		}
	EOF
}

# xlatd's log lines since the last call, indented.
new_log() {
	local n
	n=$(wc -l <"$XLOG")
	[ "$n" -gt "$log_seen" ] &&
		tail -n +$((log_seen + 1)) "$XLOG" | head -n $((n - log_seen)) |
		sed 's/^/    log: /'
	log_seen=$n
}

ping4() {
	cx ping -4 -c "${1:-3}" -i 0.2 -W 2 "$SERVER"
}

teardown() {
	[ $keep -eq 1 ] && return 0
	if [ -n "$xpid" ] && kill -0 "$xpid" 2>/dev/null; then
		kill -TERM "$xpid"
		for _ in $(seq 50); do
			kill -0 "$xpid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	"$LAB" down
}
trap teardown EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (network namespaces)" >&2; exit 1; }
[ -x "$BUILD/xlatd" ] || { echo "demo: $BUILD/xlatd missing: run make demo" >&2; exit 1; }

head1 "Bringing up the lab (prefix $P): client, isp (radvd, PREF64, DNS64, PLAT), r4, server4"
if ! "$LAB" up; then
	keep=0
	echo "FAIL: the lab did not come up"
	exit 1
fi
demo_counters || echo "(no PLAT counters: the prefix checks below will fail)"

head1 "The client before xlatd: IPv6 only"
cx ip -br addr show
cx ip -4 route show | grep -q . && echo "(it has IPv4 routes!)" || echo "no IPv4 route"

head1 "Starting xlatd on the client with no configuration file at all"
echo "    ip netns exec $C xlatd --no-config --control-socket $SOCK --state-dir $XSTATE"
echo "    (only the two paths keep it off the host's /run/xlatd; -n: not even /etc/xlatd.conf is read)"
T0=$(now_us)
setsid ip netns exec "$C" "$BUILD/xlatd" --no-config --control-socket "$SOCK" \
	--state-dir "$XSTATE" >"$XLOG" 2>&1 </dev/null &
xpid=$!
echo "$xpid xlatd" >>"$STATE/pids"
wait_until 5 test -S "$SOCK"
result $? "xlatd is up with no configuration file (control socket after $(secs "$T0") s)"

head1 "It configures itself from the network"
# "no NAT64 prefix" first; with the prefix the CLAT starts and waits for
# DAD of its address; then it runs.
t_pref="" t_run=""
end=$(($(now_us) + 15000000))
while [ "$(now_us)" -lt $end ]; do
	if [ -z "$t_pref" ] && sf_is "*duplicate address detection on eth0*"; then
		t_pref=$(secs "$T0")
	fi
	if sf_is "clat=running *reason=NAT64 prefix $PREF64_A from RA on eth0*"; then
		t_run=$(secs "$T0")
		[ -n "$t_pref" ] || t_pref=$t_run
		break
	fi
	sleep 0.02
done
read -r pfx src life <<<"$(clat pref64.prefix pref64.source pref64.lifetime_s)"
[ "${src:-}" = RA ] || t_pref=""
clat_route || t_run=""
read -r up64 <<<"$(clat uplink_prefix)"
why=$(clat uplink_prefix_why)
read -r a6 a4 tun mtu metric dp <<<"$(clat clat_ipv6 clat_ipv4 tun mtu metric datapath)"
[ -n "$t_pref" ] &&
	echo "  [+$t_pref s] NAT64 prefix ${pfx:-?} learned from a Router Advertisement (PREF64, RFC 8781), lifetime ${life:-?} s"
[ -n "$t_pref" ]
result $? "the NAT64 prefix came from the RA (no static pref64, no DNS)"
if [ -n "$t_run" ]; then
	echo "  [+$t_run s] CLAT running on eth0, after Duplicate Address Detection of its IPv6 address:"
	echo "      uplink /64   $up64 ($why)"
	echo "      CLAT IPv6    $a6 (random, checksum-neutral interface identifier)"
	echo "      CLAT IPv4    $a4 (RFC 7335 192.0.0.0/29) on TUN $tun, mtu $mtu ($(clat mtu_source))"
	echo "      IPv4 default route, metric $metric (a native one, metric 0, would win): data path $dp"
	echo "        $(cx ip -4 route show default proto 100)"
fi
[ -n "$t_run" ]
result $? "the CLAT configured itself (its IPv4 default route, protocol 100)"
new_log
[ -n "$t_run" ] || tail -n 15 "$XLOG"

head1 "The client's addresses now (the IPv4 address is the CLAT's, not native)"
cx ip -br addr show
cx ip -4 route show

head1 "ping -c 3 $SERVER"
ping4 3
result $? "ping to the IPv4-only server by IPv4 literal"

head1 "curl http://$SERVER/index.html (IPv4 literal, through CLAT + PLAT)"
out=$(cx curl -sS -m 10 "http://$SERVER/index.html" 2>&1)
echo "$out"
[ "$out" = "xlat464 lab server4" ]
result $? "HTTP fetch by IPv4 literal"

head1 "curl http://server.v4only.example/index.html (IPv4-only name, DNS64 + NAT64)"
cx getent ahosts server.v4only.example | head -n 1
out=$(cx curl -sS -m 10 "http://server.v4only.example/index.html" 2>&1)
echo "$out"
[ "$out" = "xlat464 lab server4" ]
result $? "HTTP fetch by IPv4-only name"

head1 "The provider renumbers its NAT64: $PREF64_A -> $PREF64_B"
"$LAB" plat-add "$PREF64_B"
b0=$(plat_count to_b)
t=$(now_us)
"$LAB" pref64 "$PREF64_B"
wait_until 10 sf_is "clat=running *reason=NAT64 prefix $PREF64_B from RA on eth0*"
rc=$?
dt=$(secs "$t") at=$(secs "$T0")
clat_is "running $PREF64_B RA" || rc=1
echo "  [+$at s] the CLAT uses $(clat pref64.prefix) from $(clat pref64.source), $dt s after the switch (lab.sh pref64 included); addresses kept: $(clat clat_ipv4) $(clat clat_ipv6)"
new_log
result $rc "the CLAT followed the new NAT64 prefix in $dt s, without a restart"
ping4 3 >/dev/null
rc=$?
b1=$(plat_count to_b)
echo "  ping -c 3 $SERVER: exit $rc; packets to $PREF64_B at the PLAT: ${b0:-?} -> ${b1:-?}"
[ $rc -eq 0 ] && [ "${b1:-0}" -ge $((${b0:-0} + 3)) ]
result $? "ping through the new prefix $PREF64_B"

head1 "Native IPv4 appears on the client's uplink: $NATIVE4 and a default route"
t=$(now_us)
"$LAB" native4 up
wait_until 10 sf_is "clat=stopped *reason=native IPv4 default route on eth0*"
rc=$?
dt=$(secs "$t") at=$(secs "$T0")
clat_stopped_for_native4 || rc=1
echo "  [+$at s] $dt s later the CLAT is $(clat state): $(clat reason)"
new_log
result $rc "the CLAT steps aside for native IPv4 ($dt s)"
cx ip -br link show
cx ip -4 route show
wait_until 5 no_clat_left
result $? "its TUN $INST, its route and address are gone"
cx ip -4 route get "$SERVER" | head -n 1
ping4 3 >/dev/null &&
	cx ip -4 route get "$SERVER" | grep -q "dev eth0 src $NATIVE4"
result $? "IPv4 works natively (ping $SERVER from $NATIVE4 on eth0)"

head1 "Native IPv4 goes again"
t=$(now_us)
"$LAB" native4 down
wait_until 15 sf_is "clat=running *reason=NAT64 prefix $PREF64_B from RA on eth0*"
rc=$?
dt=$(secs "$t") at=$(secs "$T0")
clat_is "running $PREF64_B RA" && clat_route || rc=1
echo "  [+$at s] $dt s later the CLAT is $(clat state) with $(clat pref64.prefix): $(clat reason)"
new_log
result $rc "the CLAT comes back ($dt s, DAD included)"
ping4 3
result $? "ping $SERVER through the CLAT again"

head1 "xlatctl status"
cx "$BUILD/xlatctl" -s "$SOCK" status | head -n 30

head1 "The PLAT in the isp: xlatd [nat64] sessions (RFC 6146)"
if [ -S "$STATE/plat.sock" ]; then
	ip netns exec "$P-isp" "$BUILD/xlatctl" -s "$STATE/plat.sock" sessions
	ip netns exec "$P-isp" "$BUILD/xlatctl" -s "$STATE/plat.sock" sessions --json |
		grep -q '"proto":"tcp"'
	result $? "the PLAT holds the client's TCP sessions"
else
	echo "(LAB_PLAT=tayga: the PLAT is TAYGA + nftables masquerade)"
fi

head1 "Summary"
if [ $failed -eq 0 ]; then
	echo "PASS: every step"
else
	echo "FAIL: $failed step(s) failed"
fi
if [ $keep -eq 1 ]; then
	pfx=""
	[ "$P" != x464 ] && pfx="LAB_PREFIX=$P "
	cat <<EOF

The lab is still up (xlatd pid ${xpid:-none}, log $XLOG).
  a shell in the client:  ${pfx}lab/lab.sh shell client
  status of the CLAT:     ${pfx}lab/lab.sh exec client $BUILD/xlatctl -s $SOCK status
  native IPv4 on/off:     ${pfx}lab/lab.sh native4 up|down
  announce a prefix:      ${pfx}lab/lab.sh pref64 $PREF64_A
  take it all down:       ${pfx}lab/lab.sh down
EOF
fi
[ $failed -eq 0 ]
