#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scale-out of the stateful NAT64: two PLAT nodes behind ECMP, disjoint
# pool4s, no shared state (docs/nat64.md).  The client's route to pool6
# has two next hops and hashes flows on their ports (L4 multipath hash);
# each node's pool4 routes back to that node, so every flow keeps its
# node both ways.
#
#   c 2001:db8:6::10 ==ECMP== p1 [nat64 pool4 192.0.2.1] --- s 203.0.113.10
#                             p2 [nat64 pool4 192.0.2.2] ---/
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need /usr/bin/python3
nt_need_build xlatd xlatctl

nt_ns c && nt_ns p1 && nt_ns p2 && nt_ns s || t_bail "namespaces"
C=$(ns c) P1=$(ns p1) P2=$(ns p2) S=$(ns s)
nt_veth "$C" e1 "$P1" v6 && nt_veth "$C" e2 "$P2" v6 &&
	nt_veth "$P1" v4 "$S" e1 && nt_veth "$P2" v4 "$S" e2 || t_bail "veth pairs"
ip -n "$C" addr add 2001:db8:6::10/128 dev lo
nt_addr "$C" e1 fe80::c/64 nodad
nt_addr "$C" e2 fe80::c/64 nodad
for p in "$P1" "$P2"; do
	nt_addr "$p" v6 fe80::1/64 nodad
	nx "$p" ip -6 route add 2001:db8:6::10/128 via fe80::c dev v6
	nt_sysctl "$p" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
done
nx "$C" ip -6 route add 64:ff9b::/96 src 2001:db8:6::10 \
	nexthop via fe80::1 dev e1 nexthop via fe80::1 dev e2
nt_sysctl "$C" net.ipv6.fib_multipath_hash_policy=1
nt_addr "$P1" v4 198.51.100.1/30
nt_addr "$S" e1 198.51.100.2/30
nt_addr "$P2" v4 198.51.100.5/30
nt_addr "$S" e2 198.51.100.6/30
ip -n "$S" addr add 203.0.113.10/32 dev lo
nx "$P1" ip route add 203.0.113.10/32 via 198.51.100.2
nx "$P2" ip route add 203.0.113.10/32 via 198.51.100.6
nx "$S" ip route add 192.0.2.1/32 via 198.51.100.1
nx "$S" ip route add 192.0.2.2/32 via 198.51.100.5
nt_sysctl "$S" net.ipv6.conf.all.disable_ipv6=1

# One xlatd per node; nothing is shared between them.
start_node() {
	local ns=$1 n=$2
	cat >"$NT_TMP/p$n.conf" <<-EOF
	[global]
	control-socket = $NT_TMP/p$n.sock
	clat-auto = no
	[nat64 plat]
	tun = nat64
	pool6 = 64:ff9b::/96
	pool4 = 192.0.2.$n
	wkp-global-only = no
	EOF
	run_bg "$ns" "$NT_XLATD" -c "$NT_TMP/p$n.conf"
}
start_node "$P1" 1
start_node "$P2" 2
up() {
	ip -n "$P1" route show 192.0.2.1 | grep -q nat64 &&
		ip -n "$P2" route show 192.0.2.2 | grep -q nat64
}
nt_wait 10 up || t_bail "both PLAT nodes run" "$(cat "$NT_TMP"/bg.*.log)"
t_ok "both PLAT nodes run, each with its own pool4"

cat >"$NT_TMP/echo.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.10", 9000))
s.settimeout(30)
try:
    while True:
        d, a = s.recvfrom(2048)
        s.sendto(a[0].encode(), a)
except socket.timeout:
    pass
PY
# 32 flows (source ports 20000..20031); each prints the pool4 address the
# server saw, or "lost" after three tries of a second.
cat >"$NT_TMP/flows.py" <<'PY'
import socket
for p in range(20000, 20032):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("2001:db8:6::10", p))
    s.settimeout(1)
    got = "lost"
    for i in range(3):
        s.sendto(b"x", ("64:ff9b::cb00:710a", 9000))
        try:
            got = s.recv(64).decode()
            break
        except socket.timeout:
            pass
    print(got)
    s.close()
PY
run_bg "$S" /usr/bin/python3 "$NT_TMP/echo.py"
nt_wait_listen "$S" 9000 5 udp
res=$(nx "$C" /usr/bin/python3 "$NT_TMP/flows.py" 2>&1)
n1=$(grep -c '^192\.0\.2\.1$' <<<"$res")
n2=$(grep -c '^192\.0\.2\.2$' <<<"$res")
t_check "all 32 flows are answered ($n1 through p1, $n2 through p2)" \
	test $((n1 + n2)) -eq 32 || t_diag "$res"
t_check "ECMP spreads the flows over both nodes" test "$n1" -gt 0 -a "$n2" -gt 0
sess() {
	nx "$1" "$NT_XLATCTL" -s "$NT_TMP/$2.sock" sessions --json |
		/usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["instances"][0]["count"])'
}
s1=$(sess "$P1" p1)
s2=$(sess "$P2" p2)
t_check "each node holds exactly the sessions of its flows ($s1 + $s2)" \
	test "$s1" = "$n1" -a "$s2" = "$n2"
t_done
