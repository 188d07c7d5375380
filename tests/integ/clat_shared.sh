#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shared-address CLAT (docs/clat-shared.md): a client whose only
# global address is its own static /128 (no SLAAC), with an IPv6 default
# route and PREF64 from RAs, gets IPv4 through the PLAT with translated
# flows leaving from that /128 -- and the host's own IPv6 sockets on the
# same address keep working, before, during and after.
#
#  1. No [clat] section: clat-eth0 runs in shared mode and says why; ping,
#     TCP both ways (4 MB, sha256), UDP through TAYGA; PMTUD through the
#     NAPT (a 1300-byte hop into TAYGA); a host IPv6 TCP server and
#     client on the /128 work meanwhile; SIGTERM leaves no tc program,
#     TUN or route behind.
#  2. [clat] with shared-ports = 62000-62003 and 5 s timeouts: a host UDP
#     socket holds 62000, so the NAPT takes 62001-62003 and refuses the
#     fourth flow; reserved ports are refused to host sockets while
#     mapped and free again after expiry; the host socket is undisturbed.
#  3. ipv6-address = a second address: dedicated, with DAD (a conflict
#     fails it); address-mode = dedicated without a /64 says why it does
#     not run.
#  4. The /128 is renumbered while the CLAT runs: it follows.
#  5. A point-to-point uplink without a link layer (two TUNs joined by
#     tools/tunrelay, as in clat_p2p) with only a /128: shared there too.
#
#   C (client, xlatd)  eth0 ---- r0  R (pref64_ra, TAYGA, 203.0.113.10)
#   2001:db8:1::99/128              2001:db8:1::1/64, fe80::1
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need tayga socat sha256sum ping tc bpftool /usr/bin/python3
nt_need_build xlatd xlatctl tools/pref64_ra tools/tunrelay
RA=$NT_BUILD/tools/pref64_ra
P64=2001:db8:64::/96
HOST6=2001:db8:1::99
SRV4=203.0.113.10

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
# A static /128 and a static default route: no SLAAC (the RAs carry
# only PREF64, router lifetime 0).
nt_addr "$C" eth0 $HOST6/128 nodad
ip -n "$C" -6 route add default via fe80::1 dev eth0 || t_bail "default route"
nt_tayga "$R" 192.0.2.1 $P64 198.51.100.0/24 || t_bail "tayga"
run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 600 \
	--count 240 --interval 1

# Test data and servers on R: IPv4 (through the PLAT) and IPv6 (native).
head -c 4194304 /dev/urandom >"$NT_TMP/down"
head -c 4194304 /dev/urandom >"$NT_TMP/up"
sha() { sha256sum "$1" | cut -d' ' -f1; }
run_bg "$R" timeout 200 socat -T 20 TCP4-LISTEN:5001,bind=$SRV4,reuseaddr,fork \
	"OPEN:$NT_TMP/down,rdonly"
run_bg "$R" timeout 200 socat -T 20 -u TCP4-LISTEN:5002,bind=$SRV4,reuseaddr,fork \
	"CREATE:$NT_TMP/up.got"
run_bg "$R" timeout 200 socat -T 5 UDP4-RECVFROM:5003,bind=$SRV4,fork PIPE
run_bg "$R" timeout 200 socat -T 20 TCP6-LISTEN:6001,bind=[2001:db8:1::1],reuseaddr,fork \
	"OPEN:$NT_TMP/down,rdonly"
# The host's own IPv6 server on its /128, in the shared range.
run_bg "$C" timeout 200 socat -T 20 TCP6-LISTEN:62500,bind=[$HOST6],reuseaddr,fork \
	"OPEN:$NT_TMP/down,rdonly"
nt_wait_listen "$R" 5001 5 && nt_wait_listen "$C" 62500 5 || t_bail "servers listen"

get4() { nx "$C" timeout 30 socat -T 10 -u TCP4:$SRV4:5001 "CREATE:$1"; }
put4() { nx "$C" timeout 30 socat -T 10 -u "OPEN:$NT_TMP/up,rdonly" TCP4:$SRV4:5002; }
# UDP through the CLAT from source port $1 ($2 bytes, default 10): the
# echo must come back whole.
udp4() {
	nx "$C" timeout 5 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(2)
m = bytes((i * 7) & 255 for i in range(int(sys.argv[3])))
s.sendto(m, (sys.argv[2], 5003))
d, a = s.recvfrom(65535)
assert d == m, len(d)
' "$1" $SRV4 "${2:-10}"
}
# The host's IPv6: R fetches from C's server, C fetches from R's.
host6_in() { nx "$R" timeout 20 socat -T 10 -u TCP6:[$HOST6]:62500 "CREATE:$1"; }
host6_out() { nx "$C" timeout 20 socat -T 10 -u TCP6:[2001:db8:1::1]:6001 "CREATE:$1"; }
host6_ok() {
	host6_in "$NT_TMP/h6in.$1" && host6_out "$NT_TMP/h6out.$1" &&
		[ "$(sha "$NT_TMP/h6in.$1")" = "$(sha "$NT_TMP/down")" ] &&
		[ "$(sha "$NT_TMP/h6out.$1")" = "$(sha "$NT_TMP/down")" ]
}
no_leftovers() {
	! ip -n "$C" link show | grep -q 'clat-' &&
		[ -z "$(ip -n "$C" -4 route show)" ] &&
		[ -z "$(tc -n "$C" filter show dev eth0 ingress 2>/dev/null)" ]
}
jq_clat() { nt_xlatctl status --json | nt_json_clat "$@"; }
same() { [ "$(sha "$1")" = "$(sha "$2")" ]; }
ge1() { [ "$(jq_clat "$1" "$2")" -ge "${3:-1}" ]; }
get4_ok() { get4 "$NT_TMP/down.got" && same "$NT_TMP/down.got" "$NT_TMP/down"; }
put4_ok() { put4 && nt_wait 3 same "$NT_TMP/up.got" "$NT_TMP/up"; }
why_shared() { jq_clat clat-eth0 address_mode_why | grep -q "^shared: no SLAAC /64 on eth0, only 1 global address of another length"; }
fp_why() { jq_clat clat-eth0 fastpath_reason | grep -q "^shared address mode"; }
# Debian's bpftool and iproute2 predate tcx: ask the kernel about the
# links xlatd holds.
attached() {
	[ "$(jq_clat clat-eth0 shared.ingress_attach)" = tcx ] &&
		grep -qs 'link_type:.*tcx' /proc/"$NT_XPID"/fdinfo/*
}
n_filters() { tc -n "$C" filter show dev eth0 ingress | grep -c clat_shared_in; }
# tcp udp icmp keys: at least one TCP and UDP mapping, one key each.
mappings_ok() {
	set -- $(jq_clat clat-eth0 shared.flows_tcp shared.flows_udp shared.flows_icmp shared.ingress_keys)
	t_diag "flows tcp $1 udp $2 icmp $3, ingress keys $4"
	[ "$1" -ge 1 ] && [ "$2" -ge 1 ] && [ $(($1 + $2 + $3)) -eq "$4" ]
}
nstat_is0() { [ "$(nx "$C" nstat -az "$1" | awk -v k="$1" '$1 == k {print $2}')" -eq 0 ]; }
host_stack_quiet() { nstat_is0 TcpOutRsts && nstat_is0 Udp6NoPorts && nstat_is0 Icmp6OutDestUnreachs; }

t_check "host IPv6 works before xlatd (server and client on $HOST6)" host6_ok before

# ---- 1. no configuration -------------------------------------------------
nt_xlatd "$C" || t_bail "xlatd starts (no config)" "$(cat "$NT_XLOG")"
t_check "no [clat] section: clat-eth0 running with $P64 from RA" \
	nt_wait_clat clat-eth0 "^running $P64 RA" 15
t_diag "$(nt_clat_state clat-eth0)"
mode=$(jq_clat clat-eth0 address_mode clat_ipv6 datapath)
t_check "status: address_mode shared, clat_ipv6 is the host's $HOST6, userspace" \
	test "$mode" = "shared $HOST6 userspace"
t_check "status says why shared (no SLAAC /64, only a /128)" why_shared
t_check "status says why the fast path is off" fp_why
t_check "the ingress program is attached to eth0 (tcx link)" attached
t_check "ping -c 3 $SRV4 through the shared CLAT" nx "$C" ping -4 -c 3 -i 0.3 -W 2 $SRV4
t_check "TCP download 4 MB through the CLAT, sha256 equal" get4_ok
# Host IPv6 traffic on the same address at the same time as CLAT traffic.
get4 "$NT_TMP/down.par" &
bgp=$!
t_check "host IPv6 server and client on $HOST6 work during CLAT traffic" host6_ok during
wait $bgp
t_check "TCP download in parallel with host IPv6 also intact" \
	same "$NT_TMP/down.par" "$NT_TMP/down"
t_check "TCP upload 4 MB through the CLAT, sha256 equal" put4_ok
# The kernel owns the address (it answers NS), but the uplink is still
# Ethernet: translations leave as frames with our MAC and TCP
# super-packets whole, as with a dedicated address (the raw socket once
# took them all: half the upload rate).
frames_ok() {
	local f r g
	read -r f r g <<<"$(jq_clat clat-eth0 uplink_tx_frames uplink_tx_raw tun_gso_out)"
	t_diag "uplink: $f frames, $r raw, $g super-packets whole"
	[ "$f" -gt "$r" ] && [ "$g" -ge 1 ]
}
t_check "status: the upload left as frames on the packet socket, super-packets whole" frames_ok
t_check "status: no NS answered by xlatd (the host's address is the kernel's)" \
	test "$(jq_clat clat-eth0 ns_answered)" = 0
t_check "UDP echo through the CLAT" udp4 40001
# 3000 bytes: fragments both ways; the returning IPv6 fragments carry no
# port, so the kernel reassembles them for the reservation socket and
# xlatd hands the datagram on from there.
t_check "UDP echo of 3000 bytes (fragmented both ways) through the CLAT" udp4 40002 3000
t_check "status: napt_in_reassembled counts it" ge1 clat-eth0 shared.napt_in_reassembled
t_check "status: live mappings and as many ingress keys" mappings_ok
# Path MTU discovery through the NAPT: R's way into TAYGA gets MTU 1300,
# so R answers the host's big DF packets with Packet Too Big quoting the
# shared address and port P; the CLAT must take it (ingress program,
# filter), translate it and give the quote the host's port back.
ip -n "$R" link set nat64 mtu 1300
ptb_ping() {
	nx "$C" ping -4 -c 3 -i 0.3 -W 1 -M do -s 1400 $SRV4 2>&1 |
		grep -Eq 'Frag needed|message too long, mtu=1280'
}
t_check "ping -M do -s 1400 learns the smaller path MTU (PTB -> Frag Needed)" ptb_ping
t_check "TCP upload 4 MB over the 1300-byte path (PMTUD through the NAPT)" put4_ok
errors_counted() {
	set -- $(jq_clat clat-eth0 shared.shared_taken_icmp_errors shared.napt_icmp_errors_rewritten)
	t_diag "ICMPv6 errors taken $1, quotes rewritten $2"
	[ "$1" -ge 1 ] && [ "$2" -ge 1 ]
}
t_check "status: ICMPv6 errors taken and their quotes rewritten" errors_counted
ip -n "$R" link set nat64 mtu 1500
t_check "the host's stack never saw the CLAT's returning packets (no RST, no unreachable sent)" \
	host_stack_quiet
t_check "host IPv6 still works after the CLAT traffic" host6_ok after
nt_xlatd_stop
t_check "SIGTERM: no TUN, no IPv4 route, no tc filter or tcx program left" nt_wait 3 no_leftovers
t_check "host IPv6 works after xlatd stopped" host6_ok stopped

# ---- 2. ports, reservations, expiry ---------------------------------------
# A host socket holds UDP 62000 on the shared address.
run_bg "$C" timeout 100 socat -u UDP6-RECV:62000,bind=[$HOST6] "CREATE:$NT_TMP/h62000"
HOLD=$NT_LAST_PID
nt_wait_listen "$C" 62000 5 udp || t_bail "host UDP socket on 62000"
nt_xlatd "$C" "[clat c0]
uplink = eth0
shared-ports = 62000-62003
shared-timeouts = 5 5 5 5
# Mappings expire in seconds here, below RFC 4787/5382/5508's floors.
allow-short-timeouts = yes
bpf-attach = clsact"
t_check "[clat c0] without address-mode: shared (only a /128)" \
	nt_wait_clat c0 "^running $P64 RA" 15
three_flows() { udp4 40011 && udp4 40012 && udp4 40013; }
t_check "three UDP flows take the three free ports" three_flows
bind_udp() {
	nx "$C" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
' $HOST6 "$1"
}
none_bind() { ! bind_udp 62001 2>/dev/null && ! bind_udp 62002 2>/dev/null && ! bind_udp 62003 2>/dev/null; }
t_check "while mapped, a host socket cannot bind the CLAT's ports" none_bind
t_check "status: 3 UDP mappings" test "$(jq_clat c0 shared.flows_udp)" = 3
t_check "a fourth flow is refused" nt_not udp4 40014
# Whatever the random start, 62000 has been tried by now and refused.
refused_counted() { ge1 c0 shared.napt_port_in_use && ge1 c0 shared.napt_drop_ports_exhausted; }
t_check "status: 62000 skipped (napt_port_in_use), the flow refused (napt_drop_ports_exhausted)" \
	refused_counted
to_host() {
	echo to-host-62000 | nx "$R" socat -u - UDP6-SENDTO:[$HOST6]:62000 &&
		nt_wait 3 grep -q to-host-62000 "$NT_TMP/h62000"
}
t_check "the host socket on 62000 still receives its datagrams" to_host
expired() { [ "$(jq_clat c0 shared.flows_udp shared.ingress_keys)" = "0 0" ]; }
t_check "after the 5 s timeout the mappings expire (within 2 s more)" nt_wait 8 expired
free_again() { bind_udp 62001 && bind_udp 62003; }
t_check "expired ports are free for host sockets again" free_again
t_check "status counts the expiries" ge1 c0 shared.napt_expired 3
# clsact: a cls_bpf filter outlives a killed xlatd (with its map, so it
# would keep taking the ports); the next start removes it.
t_check "bpf-attach = clsact: one clat_shared_in filter on eth0 ingress" test "$(n_filters)" = 1
kill -KILL "$NT_XPID"
wait "$NT_XPID" 2>/dev/null
t_check "kill -9 leaves the filter" test "$(n_filters)" = 1
rm -f "$NT_XSOCK"
nt_xlatd_start || t_bail "xlatd restarts"
t_check "restart: running again" nt_wait_clat c0 "^running $P64 RA" 15
t_check "restart: exactly one filter (the leftover removed)" test "$(n_filters)" = 1
t_check "restart: UDP through the CLAT" udp4 40021
# Someone removes the filter: without it the host would answer the
# CLAT's returning packets, so xlatd sets everything up again.
tc -n "$C" filter del dev eth0 ingress
one_filter() { [ "$(n_filters)" = 1 ]; }
t_check "filter removed from outside: attached again within 3 s" nt_wait 3 one_filter
t_check "UDP through the CLAT after that" nt_wait 3 udp4 40022
nt_xlatd_stop
nt_kill_pids "$HOLD"
t_check "SIGTERM: no filter, TUN or route left" nt_wait 3 no_leftovers

# ---- 3. dedicated addresses ------------------------------------------------
nt_xlatd "$C" "[clat c1]
uplink = eth0
ipv6-address = 2001:db8:1::c1a7"
t_check "ipv6-address without a /64: runs dedicated on it" \
	nt_wait_clat c1 "^running $P64" 10
t_check "status: address_mode dedicated, clat_ipv6 the configured one" \
	test "$(jq_clat c1 address_mode clat_ipv6)" = "dedicated 2001:db8:1::c1a7"
t_check "ping through the configured dedicated address" nx "$C" ping -4 -c 2 -i 0.3 -W 2 $SRV4
nt_xlatd_stop
nt_addr "$R" r0 2001:db8:1::c1a8/128 nodad
nt_xlatd "$C" "[clat c2]
uplink = eth0
ipv6-address = 2001:db8:1::c1a8"
t_check "a configured address R holds: DAD fails it" \
	nt_wait_clat c2 "^(failed|stopped) .*(DAD|in use)" 8
nt_xlatd_stop
nt_xlatd "$C" "[clat c3]
uplink = eth0
address-mode = dedicated"
t_check "address-mode = dedicated without a /64: not running, says why" \
	nt_wait_clat c3 "^stopped .*address-mode = dedicated: no SLAAC /64 on eth0" 8
t_diag "$(nt_clat_state c3)"
nt_xlatd_stop

# ---- 4. renumbering -------------------------------------------------------
nt_xlatd "$C" || t_bail "xlatd starts (no config)"
t_check "shared again with no configuration" nt_wait_clat clat-eth0 "^running $P64 RA" 15
ip -n "$C" -6 addr del $HOST6/128 dev eth0
nt_addr "$C" eth0 2001:db8:1::98/128 nodad
on98() { [ "$(jq_clat clat-eth0 state clat_ipv6)" = "running 2001:db8:1::98" ]; }
t_check "the /128 renumbered: the CLAT shares the new address within 3 s" nt_wait 3 on98
t_check "ping through the CLAT on the new address" nx "$C" ping -4 -c 2 -i 0.3 -W 2 $SRV4
nt_xlatd_stop

# ---- 5. a point-to-point uplink ---------------------------------------------
nt_ns c2 || t_bail "namespace c2"
C2=$(ns c2)
run_bg "$C2" "$NT_BUILD/tools/tunrelay" --ns1 "$C2" --if1 wwan0 --ns2 "$R" --if2 r1 --seconds 200
nt_wait 5 ip -n "$R" link show r1 || t_bail "tunrelay did not make the link"
ip -n "$R" link set r1 up && ip -n "$C2" link set wwan0 up
nt_addr "$R" r1 fe80::64/64 nodad
ip -n "$R" -6 route add 2001:db8:2::99/128 dev r1
nt_addr "$C2" wwan0 2001:db8:2::99/128 nodad
ip -n "$C2" -6 route add default dev wwan0
run_bg "$R" "$RA" --iface r1 --src fe80::64 --prefix $P64 --lifetime 600 --count 100 --interval 1
nt_xlatd "$C2" || t_bail "xlatd starts in c2"
t_check "p2p uplink, only a /128, no configuration: clat-wwan0 runs shared" \
	nt_wait_clat clat-wwan0 "^running $P64 RA" 15
t_check "status: shared on 2001:db8:2::99, point-to-point" \
	test "$(nt_xlatctl status --json | nt_json_clat clat-wwan0 address_mode clat_ipv6)" = "shared 2001:db8:2::99"
t_check "ping through the p2p shared CLAT" nx "$C2" ping -4 -c 2 -i 0.3 -W 2 $SRV4
get_p2p() { nx "$C2" timeout 30 socat -T 10 -u TCP4:$SRV4:5001 "CREATE:$NT_TMP/p2p.got" && same "$NT_TMP/p2p.got" "$NT_TMP/down"; }
t_check "TCP download 4 MB over the p2p shared CLAT, sha256 equal" get_p2p
nt_xlatd_stop
p2p_clean() { ! ip -n "$C2" link show | grep -q clat- && [ -z "$(ip -n "$C2" -4 route show)" ]; }
t_check "p2p: nothing left after SIGTERM" nt_wait 3 p2p_clean
t_check "nothing left at the end" nt_wait 3 no_leftovers
t_done
