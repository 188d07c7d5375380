#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Three ways a CLAT must (or must not) come up:
#  1. RFC 7050 only: radvd sends SLAAC + RDNSS, no PREF64; unbound on the
#     router is a DNS64; xlatd with no [clat] section learns the prefix
#     from ipv4only.arpa and runs with source "DNS".
#  2. DAD conflict: a [clat] whose static ipv6-address the router already
#     holds fails with a DAD reason and leaves no TUN and no IPv4 route.
#  3. No SLAAC /64: a client with only a /128 (accept_ra=0) and a static
#     pref64 does not start and says there is no SLAAC /64.
#
#   C  (xlatd)  eth0 ---- r0  R (radvd, unbound DNS64 on 2001:db8:1::1)
#   C3 (xlatd)  eth0 ---- r1  R
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd unbound

XLATD=$NT_BUILD/xlatd
XLATCTL=$NT_BUILD/xlatctl
P64=2001:db8:64::/96
[ -x "$XLATD" ] && [ -x "$XLATCTL" ] || t_bail "build first: make BUILD=$NT_BUILD"

nt_ns c && nt_ns r && nt_ns c3 || t_bail "namespaces"
C=$(ns c) R=$(ns r) C3=$(ns c3)
nt_veth "$C" eth0 "$R" r0 || t_bail "veth"
nt_sysctl "$R" net.ipv6.conf.all.forwarding=1
nt_addr "$R" r0 2001:db8:1::1/64 nodad
nt_addr "$R" r0 fe80::1/64 nodad
nt_resolv "$C" 2001:db8:1::1 || t_bail "resolv.conf for C"

nt_radvd "$R" r0 2001:db8:1::/64 'RDNSS 2001:db8:1::1 { };'

UB=$NT_TMP/unbound
mkdir -p "$UB"
cat >"$UB/ipv4only.arpa.zone" <<'Z'
$ORIGIN ipv4only.arpa.
$TTL 3600
@ IN SOA ns.ipv4only.arpa. hostmaster.ipv4only.arpa. 1 3600 600 86400 60
@ IN NS ns.ipv4only.arpa.
@ IN A 192.0.0.170
@ IN A 192.0.0.171
Z
cat >"$UB/unbound.conf" <<U
server:
	interface: 2001:db8:1::1
	port: 53
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$UB"
	pidfile: ""
	use-syslog: no
	logfile: ""
	num-threads: 1
	do-ip4: no
	access-control: 2001:db8:1::/64 allow
	module-config: "dns64 iterator"
	dns64-prefix: $P64
	do-not-query-localhost: yes
remote-control:
	control-enable: no
auth-zone:
	name: "ipv4only.arpa"
	zonefile: "$UB/ipv4only.arpa.zone"
	for-upstream: yes
	for-downstream: no
	fallback-enabled: no
U
run_bg "$R" unbound -d -c "$UB/unbound.conf"
nt_wait_listen "$R" 53 10 udp || t_bail "unbound listens on 2001:db8:1::1"

[ -n "${KEEP_LOGS:-}" ] && nt_on_exit "mkdir -p '$KEEP_LOGS' && cp $NT_TMP/*.log '$KEEP_LOGS/'"

# xlatd NS CONF: start it in NS, wait for its control socket.
XPID=
start_xlatd() {
	run_bg "$1" "$XLATD" -v -c "$2"
	XPID=$NT_LAST_PID
	XLOG=$NT_LAST_LOG
	nt_wait 5 test -S "$SOCK"
}
stop_xlatd() {
	[ -n "$XPID" ] && nt_kill_pids "$XPID"
	XPID=
}
# state NS INSTANCE: "STATE PREFIX SOURCE REASON" from status --json.
state() { nx "$1" "$XLATCTL" -s "$SOCK" status --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
for i in d["instances"]:
    if i["name"] == sys.argv[1]:
        c = i.get("config", {})
        print(i["state"], c.get("pref64", {}).get("prefix", "-"), c.get("pref64", {}).get("source", "-"), i["reason"])
' "$2"; }
# is NS INSTANCE REGEX: the state line matches the extended regex.
is() { state "$1" "$2" | grep -Eq "$3"; }
no_tun() { ! ip -n "$1" -d link show | grep -Eq 'clat-|^ *tun '; }
# never_tun NS: no clat TUN device at any of ten looks over a second.
never_tun() {
	local i
	for i in $(seq 10); do
		no_tun "$1" || { ip -n "$1" -br link show; return 1; }
		sleep 0.1
	done
}
# t_todo NAME WHY CMD...: like t_check, but a failure is a known xlatd
# bug, reported as TAP TODO (shown, not counted).
t_todo() {
	local name=$1 why=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		t_ok "$name"
		return 0
	fi
	t_n=$((t_n + 1))
	echo "not ok $t_n - $name # TODO $why"
	printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /'
}
no_v4_default() { [ -z "$(ip -n "$1" -4 route show default)" ]; }

# ---- 1. RFC 7050 only ----------------------------------------------------
SOCK=$NT_TMP/x1.sock
cat >"$NT_TMP/x1.conf" <<EOF
[global]
control-socket = $SOCK
state-dir = $NT_TMP/state1
EOF
start_xlatd "$C" "$NT_TMP/x1.conf" || t_bail "xlatd starts (no config)" "$(cat "$XLOG")"
nt_wait 10 bash -c "ip -n $C -6 route show default | grep -q via" || t_bail "no SLAAC default route in C"
nt_wait 5 bash -c "ip -n $C -6 addr show dev eth0 scope global -tentative | grep -q 2001:db8:1:"
t_check "unbound answers ipv4only.arpa AAAA with the DNS64 prefix" nt_wait 5 bash -c \
	"ip netns exec $C /usr/bin/python3 -c '
import socket
a = socket.getaddrinfo(\"ipv4only.arpa\", None, socket.AF_INET6)
assert any(x[4][0] == \"2001:db8:64::c000:aa\" for x in a), a
'"
t_check "no PREF64, DNS64 only: clat-eth0 running with $P64 from DNS within 15 s" \
	nt_wait 15 is "$C" clat-eth0 "^running $P64 DNS "
t_diag "clat-eth0: $(state "$C" clat-eth0)"
t_check "state file: running, NAT64 prefix from DNS" \
	grep -q "^clat=running reason=NAT64 prefix $P64 from DNS on eth0" "$NT_TMP/state1/eth0.state"
t_check "IPv4 default route via clat-eth0" \
	bash -c "ip -n $C -4 route show default | grep -q 'dev clat-eth0'"
t_check "the prefix is learned from DNS, not elsewhere (no PREF64 in the RAs)" \
	bash -c "! grep -q 'from RA' '$XLOG'"
stop_xlatd
t_check "xlatd stopped: no TUN, no IPv4 default route left in C" \
	nt_wait 3 bash -c "$(declare -f no_tun no_v4_default); no_tun $C && no_v4_default $C"

# ---- 2. DAD conflict -----------------------------------------------------
# The /64 is there (SLAAC) and the prefix is static: the only thing
# wrong is the address, which R holds (its kernel answers the DAD NS).
SOCK=$NT_TMP/x2.sock
cat >"$NT_TMP/x2.conf" <<EOF
[global]
control-socket = $SOCK
state-dir = $NT_TMP/state2

[clat c0]
uplink = eth0
pref64 = $P64
ipv6-address = 2001:db8:1::1
EOF
start_xlatd "$C" "$NT_TMP/x2.conf" || t_bail "xlatd starts ([clat c0])" "$(cat "$XLOG")"
t_check "ipv6-address held by the router: c0 failed/stopped, reason says DAD/duplicate" \
	nt_wait 8 is "$C" c0 "^(failed|stopped) .*(DAD|[Dd]uplicate|in use)"
t_diag "c0: $(state "$C" c0)"
BUG="xlatd retries a failed static-address DAD in a hot loop (TUN up, DAD, fail, TUN down, every few ms)"
t_todo "c0 stays failed: not back to waiting/running a second later" "$BUG" \
	bash -c "$(declare -f nx state is); SOCK=$SOCK XLATCTL=$XLATCTL; sleep 1; ! is $C c0 '^(running|waiting)'"
t_todo "no clat TUN device in C at any time over a second" "$BUG" never_tun "$C"
n0=$(grep -c 'DAD gave up\|DAD failed' "$XLOG")
sleep 2
n1=$(grep -c 'DAD gave up\|DAD failed' "$XLOG")
t_todo "no DAD retry storm: at most 2 more DAD failures in 2 s (saw $((n1 - n0)))" "$BUG" \
	test $((n1 - n0)) -le 2
t_check "no IPv4 default route in C" no_v4_default "$C"
t_check "log says the address is in use" grep -Eq 'DAD.*in use|DAD failed' "$XLOG"
stop_xlatd

# ---- 3. No SLAAC /64 -----------------------------------------------------
# C3 hangs on its own link to R; accept_ra=0 before the link comes up so
# SLAAC adds nothing: the only global address is a /128.
ip link add eth0 netns "$C3" type veth peer name r1 netns "$R" || t_bail "veth C3"
nt_sysctl "$C3" net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.default.accept_ra=0
ip -n "$R" link set r1 up && ip -n "$C3" link set eth0 up
nt_addr "$R" r1 fe80::1/64 nodad
ip -n "$C3" -6 addr add 2001:db8:1::99/128 dev eth0 nodad
ip -n "$C3" -6 route add default via fe80::1 dev eth0
SOCK=$NT_TMP/x3.sock
cat >"$NT_TMP/x3.conf" <<EOF
[global]
control-socket = $SOCK
state-dir = $NT_TMP/state3

[clat c3]
uplink = eth0
pref64 = $P64
EOF
start_xlatd "$C3" "$NT_TMP/x3.conf" || t_bail "xlatd starts in C3" "$(cat "$XLOG")"
t_check "C3 has a /128 global address and an IPv6 default route, no /64" bash -c "
	ip -n $C3 -6 addr show dev eth0 scope global | grep -q '2001:db8:1::99/128' &&
	! ip -n $C3 -6 addr show dev eth0 scope global | grep -q '/64' &&
	ip -n $C3 -6 route show default | grep -q via"
t_check "only a /128: c3 does not start, reason says no SLAAC /64" \
	nt_wait 5 is "$C3" c3 "^(stopped|failed|waiting) .*no SLAAC /64 on eth0"
t_diag "c3: $(state "$C3" c3)"
sleep 1
t_check "c3 still not running a second later" bash -c "$(declare -f nx state is); SOCK=$SOCK XLATCTL=$XLATCTL; ! is $C3 c3 '^running'"
t_check "no clat TUN device in C3 at any time over a second" never_tun "$C3"
t_check "no IPv4 default route in C3" no_v4_default "$C3"
stop_xlatd
t_done
