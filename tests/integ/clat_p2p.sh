#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLAT on a point-to-point uplink without a link layer (what a raw-IP
# LTE modem, PPP or a tunnel is to the host): two TUN devices joined by
# tools/tunrelay, SLAAC and PREF64 from Router Advertisements over it,
# TAYGA as the PLAT.  xlatd with no configuration comes up by itself, in
# the eBPF and the userspace data path; the CLAT /64 is the one RFC 6724
# picks toward the NAT64 prefix whatever order the RA lists prefixes in;
# the IPv4 MTU follows the RA's MTU option 1500 -> 1400 -> 1500.
#
#   C (client, xlatd)  wwan0 ==tunrelay== r0  R (radvd, pref64_ra, TAYGA,
#                                               203.0.113.10 on lo)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga ping socat sha256sum
nt_need_build xlatd xlatctl tools/pref64_ra tools/tunrelay
P64=2001:db8:64::/96

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
run_bg "$C" "$NT_BUILD/tools/tunrelay" --ns1 "$C" --if1 wwan0 --ns2 "$R" --if2 r0 --seconds 400
nt_wait 5 ip -n "$R" link show r0 || t_bail "tunrelay did not make the link"
nt_sysctl "$R" net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
ip -n "$R" link set r0 up
nt_addr "$R" r0 fe80::1/64 nodad && nt_addr "$R" r0 fe80::64/64 nodad &&
	nt_addr "$R" r0 2001:db8:1::1/64 nodad || t_bail "router addresses"
ip -n "$R" addr add 203.0.113.10/32 dev lo
ip -n "$R" -6 route add 2001:db8:64:1::/64 dev r0
ip -n "$C" link set wwan0 up
nt_tayga "$R" 192.0.2.1 $P64 198.51.100.0/24 || t_bail "tayga"

# radvd with both prefixes, in the order given, and an MTU option.
RADVD_PID=
radvd_up() { # mtu prefix...
	local conf=$NT_TMP/radvd.conf mtu=$1 p
	shift
	{
		printf 'interface r0 {\n\tAdvSendAdvert on;\n\tMinRtrAdvInterval 3;\n\tMaxRtrAdvInterval 4;\n'
		printf '\tAdvRASrcAddress { fe80::1; };\n\tAdvLinkMTU %s;\n' "$mtu"
		for p in "$@"; do printf '\tprefix %s { AdvOnLink on; AdvAutonomous on; };\n' "$p"; done
		printf '};\n'
	} >"$conf"
	if [ -n "$RADVD_PID" ] && [ "${RADVD_HUP:-}" ]; then
		# A reload: a restart would withdraw the default route first.
		kill -HUP "$RADVD_PID"
		return
	fi
	[ -n "$RADVD_PID" ] && nt_kill_pids "$RADVD_PID"
	run_bg "$R" radvd -n -m stderr -C "$conf" -p "$NT_TMP/radvd.pid"
	RADVD_PID=$NT_LAST_PID
}
radvd_up 1500 2001:db8:1::/64
run_bg "$R" "$NT_BUILD/tools/pref64_ra" --iface r0 --src fe80::64 --prefix $P64 \
	--lifetime 1800 --count 150 --interval 2
nt_wait 15 bash -c "ip -n $C -6 addr show dev wwan0 scope global -tentative | grep -q 2001:db8:1:" ||
	t_bail "no SLAAC address over the point-to-point link"

# A server on the IPv4 side: a 2 MB blob down, uploads stored.
head -c 2000000 /dev/urandom >"$NT_TMP/blob"
want=$(sha256sum <"$NT_TMP/blob" | cut -d' ' -f1)
# TAYGA 0.9.2 translates for a 1280-byte IPv6 network (it fragments DF=0
# IPv4 above 1260 bytes and refuses DF=1): the server's segments stay
# below that; the MTU checks below send DF datagrams toward it instead.
run_bg "$R" socat -U TCP4-LISTEN:8080,bind=203.0.113.10,reuseaddr,fork,mss=1200 OPEN:"$NT_TMP/blob"
run_bg "$R" /usr/bin/python3 -u -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.10", 9000))
s.settimeout(300)
while True:
    print(len(s.recv(65535)), flush=True)
'
UDP_LOG=$NT_LAST_LOG
run_bg "$R" socat -u TCP4-LISTEN:8081,bind=203.0.113.10,reuseaddr,fork CREATE:"$NT_TMP/up"
nt_wait_listen "$R" 8081 5 tcp

ping4() { nx "$C" ping -4 -c 2 -i 0.3 -W 2 "$@" 203.0.113.10 >/dev/null 2>&1; }
down_ok() { [ "$(nx "$C" timeout 20 socat -u TCP4:203.0.113.10:8080 STDOUT | sha256sum | cut -d' ' -f1)" = "$want" ]; }
up_ok() {
	rm -f "$NT_TMP/up"
	nx "$C" timeout 20 socat -u OPEN:"$NT_TMP/blob" TCP4:203.0.113.10:8081 &&
		nt_wait 5 bash -c "[ \"\$(sha256sum <'$NT_TMP/up' | cut -d' ' -f1)\" = '$want' ]"
}
field() { nt_clat "$1" "$2"; }

# 1. No configuration at all, then the userspace path.
for dp in auto userspace; do
	if [ $dp = auto ]; then
		name=clat-wwan0
		nt_xlatd "$C" || t_bail "xlatd did not start"
	else
		name=w0
		nt_xlatd_stop
		nt_xlatd "$C" "[clat w0]
uplink = wwan0
datapath = userspace" || t_bail "xlatd did not start"
	fi
	if ! nt_wait_clat $name "^running $P64 RA" 15; then
		t_not_ok "$dp: CLAT runs on the point-to-point uplink" "$(tail -n 15 "$NT_XLOG"; nt_xlatctl status 2>&1 | head -30)"
		continue
	fi
	t_ok "$dp: CLAT runs on the point-to-point uplink (PREF64 and SLAAC over it)"
	t_check "$dp: status says point-to-point" bash -c "[ \"$(field $name uplink_link | cut -d' ' -f1)\" = point-to-point ]"
	t_check "$dp: the CLAT address is in the SLAAC /64" bash -c "[[ '$(field $name clat_ipv6)' == 2001:db8:1:* ]]"
	want_dp=$([ $dp = auto ] && echo bpf || echo userspace)
	t_check "$dp: data path $want_dp" bash -c "[ '$(field $name datapath)' = $want_dp ]"
	t_check "$dp: IPv4 ping through the CLAT and TAYGA" ping4
	t_check "$dp: 2 MB down by TCP, sha256 equal" down_ok
	t_check "$dp: 2 MB up by TCP, sha256 equal" up_ok
	[ $dp = userspace ] || continue
	# Batched uplink I/O without a link layer: frames with no header.
	t_check "$dp: the uplink is read from a PACKET_MMAP ring" \
		bash -c "[[ '$(field $name uplink_rx)' == 'packet ring'* ]]"
	t_check "$dp: translations left as frames, no link-layer header ($(field $name uplink_tx_frames) frames, $(field $name uplink_tx_raw) raw)" \
		bash -c "[ '$(field $name uplink_tx_frames)' -gt '$(field $name uplink_tx_raw)' ]"
done

# 2. The MTU follows the RA: 1500 -> 1400 -> 1500, DF datagrams of the
# new largest size pass each time (IPv4 MTU = IPv6 MTU - 28).
df_send() { # IPv4 packet size; fails with EMSGSIZE above the MTU
	nx "$C" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER = IP_PMTUDISC_DO
s.sendto(b"x" * (int(sys.argv[1]) - 28), ("203.0.113.10", 9000))
' "$1" 2>/dev/null && nt_wait 3 grep -qx "$(($1 - 28))" "$UDP_LOG"
}
mtu_is() { [ "$(field w0 mtu)" = "$1" ] && ip -n "$C" link show clat-wwan0 | grep -q "mtu $1 "; }
t_check "MTU 1472 with the RA's 1500" mtu_is 1472
t_check "DF datagram of 1472 bytes passes" df_send 1472
RADVD_HUP=1 radvd_up 1400 2001:db8:1::/64
t_check "RA MTU 1400: TUN and status follow to 1372 within seconds" nt_wait 10 mtu_is 1372
t_check "status says where the MTU comes from" bash -c "[[ '$(nt_clat w0 mtu_source)' == *1400* ]]"
: >"$UDP_LOG"
t_check "DF datagram of 1372 bytes passes" df_send 1372
t_check "DF datagram of 1472 bytes is refused at the host (message too long)" nt_not df_send 1472
t_check "the CLAT was not restarted for it" bash -c "grep -q 'IPv6 MTU 1500 -> 1400' '$NT_XLOG' && [ \$(grep -c 'starting the CLAT' '$NT_XLOG') -eq 1 ]"
RADVD_HUP=1 radvd_up 1500 2001:db8:1::/64
t_check "RA MTU 1500 again: back to 1472" nt_wait 10 mtu_is 1472
: >"$UDP_LOG"
t_check "DF datagram of 1472 bytes passes again" df_send 1472

# 3. Two prefixes: the one RFC 6724 picks toward 2001:db8:64::/96 (rule 8,
# longest match: 2001:db8:64:1::/64), in either order of the RA.
in64_1() { [[ "$(field w0 clat_ipv6)" == 2001:db8:64:1:* ]] && nt_clat_is w0 '^running'; }
for order in "2001:db8:1::/64 2001:db8:64:1::/64" "2001:db8:64:1::/64 2001:db8:1::/64"; do
	# shellcheck disable=SC2086
	radvd_up 1500 $order
	ip -n "$C" -6 addr flush dev wwan0 scope global
	t_check "prefixes in the order $order: CLAT address in 2001:db8:64:1::/64" nt_wait 15 in64_1
	t_check "status says why that /64" bash -c "[[ '$(nt_clat w0 uplink_prefix_why)' == *'RFC 6724'* ]]"
	t_check "ping through it" nt_wait 5 ping4
done

nt_xlatd_stop
t_check "after SIGTERM: no TUN, no IPv4 route, no TC filter left" bash -c \
	"! ip -n $C link show clat-wwan0 2>/dev/null && [ -z \"\$(ip -n $C -4 route show)\" ] && ! ip netns exec $C bpftool net show dev wwan0 2>/dev/null | grep -q clat_"
t_done
