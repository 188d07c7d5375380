#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The siit data path in each I/O mode: io = uring and io = blocking with
# TUN offload, io = auto without it.  Each mode must say what it runs,
# carry bursts of pings (many packets in flight, so a ring round carries
# several), a 4 MiB TCP stream each way (GSO super-packets with offload),
# and stop promptly on SIGTERM.
#
#   h6 2001:db8:6::10 --- [xl: xlatd siit] --- h4 198.51.100.2
#        (EAM 192.0.2.10)  2001:db8:6::1 / 198.51.100.1
#
# From IPv6, h4 is 2001:db8:64::c633:6402 (pool6).
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need socat sha256sum /usr/bin/python3
XLATD=$NT_BUILD/xlatd
XLATCTL=$NT_BUILD/xlatctl
[ -x "$XLATD" ] && [ -x "$XLATCTL" ] || t_bail "xlatd and xlatctl are built" "missing $XLATD or $XLATCTL (make)"

H4_V6=2001:db8:64::c633:6402
H6_V4=192.0.2.10

nt_siit_hosts || t_bail "namespaces and veth pairs"
nt_sysctl "$H4" net.ipv6.conf.all.disable_ipv6=1

head -c $((4 * 1024 * 1024)) /dev/urandom >"$NT_TMP/data"
head -c 3000 /dev/urandom >"$NT_TMP/big"
want=$(sha256sum <"$NT_TMP/data" | cut -d' ' -f1)
same_as_data() {
	local have
	have=$(sha256sum <"$1" 2>/dev/null | cut -d' ' -f1)
	[ "$have" = "$want" ] || { echo "sha256 $have != $want ($(stat -c %s "$1" 2>&1) bytes)"; return 1; }
}

# status_is KEY VALUE...: the instance's status has every KEY = VALUE.
status_is() {
	nx "$XL" "$XLATCTL" -s "$SOCK" status --json 2>&1 | /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
i = [i for i in d["instances"] if i["name"] == "s0"][0]["config"]
kv = sys.argv[1:]
bad = ["%s=%s" % (k, i.get(k)) for k, v in zip(kv[::2], kv[1::2]) if str(i.get(k)) != v]
print("mismatch: %s" % bad if bad else "ok")
sys.exit(1 if bad else 0)' "$@"
}

# A ping burst: 300 echo requests, 32 in flight; every one answered.
ping_burst() {
	local out
	out=$(nx "$1" ping -"$2" -q -c 300 -l 32 -i 0.002 -W 2 "$3" 2>&1)
	grep -q " 300 received" <<<"$out" || { echo "$out"; return 1; }
}

# run_mode IO OFFLOAD EXPECT_IO EXPECT_OFFLOAD
run_mode() {
	local io=$1 off=$2 tag="io = $1, offload = $2" port t0 t1
	SOCK=$NT_TMP/xlatd.$io.sock
	nt_siit_conf "$NT_TMP/xlatd.$io.conf" "$SOCK" "io = $io" "offload = $off"
	run_bg "$XL" "$XLATD" -c "$NT_TMP/xlatd.$io.conf"
	XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
	if ! nt_wait 10 bash -c "ip -n $XL route show 192.0.2.0/24 | grep -q siit0 && \
			ip netns exec $XL $XLATCTL -s $SOCK status --json | grep -q '\"running\"'"; then
		t_not_ok "$tag: instance running" "$(tail -n 20 "$XLOG")"
		nt_kill_pids "$XPID"
		return
	fi
	t_check "$tag: status says io = $3, offload = $4" status_is io "$3" offload "$4"
	t_check "$tag: 300 pings IPv6 -> IPv4, 32 in flight, all answered" \
		ping_burst "$H6" 6 "$H4_V6"
	t_check "$tag: 300 pings IPv4 -> IPv6, 32 in flight, all answered" \
		ping_burst "$H4" 4 "$H6_V4"
	port=$((8080 + RANDOM % 1000))
	rm -f "$NT_TMP/got6" "$NT_TMP/got4"
	run_bg "$H4" timeout 30 socat -u OPEN:"$NT_TMP/data" TCP4-LISTEN:$port,reuseaddr
	nt_wait_listen "$H4" $port 5
	nx "$H6" timeout 30 socat -u "TCP6:[$H4_V6]:$port" CREATE:"$NT_TMP/got6" 2>/dev/null
	t_check "$tag: TCP 4 MiB IPv4 server -> IPv6 client, sha256 equal" same_as_data "$NT_TMP/got6"
	run_bg "$H6" timeout 30 socat -u OPEN:"$NT_TMP/data" TCP6-LISTEN:$((port + 1)),reuseaddr
	nt_wait_listen "$H6" $((port + 1)) 5
	nx "$H4" timeout 30 socat -u "TCP4:$H6_V4:$((port + 1))" CREATE:"$NT_TMP/got4" 2>/dev/null
	t_check "$tag: TCP 4 MiB IPv6 server -> IPv4 client, sha256 equal" same_as_data "$NT_TMP/got4"
	# 4->6 fragments: the engine's output is several packets, written
	# outside the batch.
	rm -f "$NT_TMP/big.out"
	run_bg "$H6" timeout 20 socat -u -b 65536 UDP6-RECV:$((port + 2)) OPEN:"$NT_TMP/big.out",creat
	nt_wait_listen "$H6" $((port + 2)) 5 udp
	nx "$H4" timeout 5 socat -u -b 65536 OPEN:"$NT_TMP/big" "UDP4-SENDTO:$H6_V4:$((port + 2))"
	nt_wait 5 test -s "$NT_TMP/big.out"
	t_check "$tag: a 3000-byte UDP datagram IPv4 -> IPv6 (translated to fragments) arrives intact" \
		cmp "$NT_TMP/big" "$NT_TMP/big.out"
	t_check "$tag: 300 pings IPv6 -> IPv4 after it, all answered" \
		ping_burst "$H6" 6 "$H4_V6"
	t0=$(date +%s%N)
	kill -TERM "$XPID"
	nt_wait 5 bash -c "! kill -0 $XPID"
	t1=$(date +%s%N)
	t_check "$tag: xlatd exits on SIGTERM within 2 s ($(((t1 - t0) / 1000000)) ms)" \
		bash -c "! kill -0 $XPID && [ $(((t1 - t0) / 1000000)) -lt 2000 ]"
	nt_kill_pids "$XPID"
	nt_wait 5 bash -c "! ip -n $XL link show siit0 2>/dev/null"
}

run_mode uring yes uring yes
run_mode blocking yes blocking yes
run_mode auto no uring no
t_done
