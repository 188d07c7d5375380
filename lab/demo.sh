#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: bring the lab up, run xlatd's CLAT on the IPv6-only client and
# show that IPv4 works there.  Builds nothing (make does).
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
# Config writers and status filters shared with the tests.
. "$ROOT/tests/lib/conf.sh"
P=${LAB_PREFIX:-x464}
C=$P-client
STATE=/run/xlat464-lab/$P
XCONF=$STATE/xlatd.conf
SOCK=$STATE/xlatd.sock
SERVER=203.0.113.10

keep=0
case "${1:-}" in
--keep) keep=1 ;;
"") ;;
*) echo "usage: lab/demo.sh [--keep]" >&2; exit 2 ;;
esac

failed=0
xpid=""
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

clat_running() {
	[ "$(cx "$BUILD/xlatctl" -s "$SOCK" status --json 2>/dev/null |
		nt_json_clat clat0 state)" = running ]
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

head1 "The client before the CLAT: IPv6 only"
cx ip -br addr show
cx ip -4 route show | grep -q . && echo "(it has IPv4 routes!)" || echo "no IPv4 route"

head1 "Starting xlatd with a [clat] instance on the client"
nt_xlatd_conf "$XCONF" "$SOCK" "$STATE/xlatd-state" "[clat clat0]
uplink = eth0
pref64 = 2001:db8:64::/96"
sed 's/^/    /' "$XCONF"
if ! "$BUILD/xlatd" --check-config "$XCONF" >"$STATE/xlatd-check.log" 2>&1; then
	echo "NOT AVAILABLE YET: this xlatd does not accept a [clat] section:"
	sed 's/^/    /' "$STATE/xlatd-check.log"
	failed=$((failed + 1))
else
	setsid ip netns exec "$C" "$BUILD/xlatd" -c "$XCONF" >"$STATE/xlatd.log" 2>&1 </dev/null &
	xpid=$!
	echo "$xpid xlatd" >>"$STATE/pids"
	ok=1
	for _ in $(seq 150); do
		if cx ip -4 route show default | grep -q . && clat_running; then
			ok=0
			break
		fi
		kill -0 "$xpid" 2>/dev/null || break
		sleep 0.1
	done
	result $ok "the CLAT is running"
	[ $ok -ne 0 ] && tail -n 15 "$STATE/xlatd.log"
fi

head1 "The client's addresses now (the IPv4 address is the CLAT's, not native)"
cx ip -br addr show
cx ip -4 route show

head1 "ping -c 3 $SERVER"
cx ping -4 -c 3 -W 2 "$SERVER"
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

head1 "xlatctl status"
if [ -n "$xpid" ]; then
	cx "$BUILD/xlatctl" -s "$SOCK" status
else
	echo "NOT AVAILABLE YET: no CLAT instance is running"
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

The lab is still up (xlatd pid ${xpid:-none}, log $STATE/xlatd.log).
  a shell in the client:  ${pfx}lab/lab.sh shell client
  status of the CLAT:     ${pfx}lab/lab.sh exec client $BUILD/xlatctl -s $SOCK status
  take it all down:       ${pfx}lab/lab.sh down
EOF
fi
[ $failed -eq 0 ]
