#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Containers on an IPv6-only CLAT host (issue 12, item 4): an IPv4-only
# "container" namespace behind a Linux bridge on the host reaches the
# IPv4 server through the host's CLAT, with ping, TCP both ways and UDP,
# once with datapath = bpf and once with datapath = userspace.  The test
# does what a container runtime (Docker, Podman, LXC) does on the host:
# IPv4 forwarding on and an nftables masquerade for the bridge's subnet.
# xlatd itself touches neither; the test checks that it leaves them as
# they were.
#
#   ct (container)  eth0 192.0.2.2 --- vct0 [br0 192.0.2.1]  h (host, xlatd)
#   h eth0 (SLAAC 2001:db8:1::/64) --- r0  r (radvd, TAYGA 2001:db8:64::/96,
#                                            203.0.113.10 on lo)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga nft socat ping timeout sha256sum
nt_need_build xlatd xlatctl
P64=2001:db8:64::/96
SERVER=203.0.113.10

nt_ns h && nt_ns r && nt_ns ct || t_bail "namespaces"
H=$(ns h) R=$(ns r) CT=$(ns ct)
nt_router "$H" eth0 "$R" 1 || t_bail "router link"
nt_tayga "$R" 203.0.113.1 $P64 198.51.100.0/24 || t_bail "tayga"
nt_radvd "$R" r0 2001:db8:1::/64

# The container runtime's part, inside the test's host namespace.
ip -n "$H" link add br0 type bridge || t_bail "bridge"
nt_veth "$CT" eth0 "$H" vct0 || t_bail "container veth"
ip -n "$H" link set vct0 master br0 && ip -n "$H" link set br0 up &&
	nt_addr "$H" br0 192.0.2.1/24 && nt_addr "$CT" eth0 192.0.2.2/24 &&
	ip -n "$CT" route add default via 192.0.2.1 || t_bail "container network"
nt_sysctl "$H" net.ipv4.ip_forward=1
nx "$H" nft -f - <<'EOF' || t_bail "masquerade"
table ip runtime {
	chain post {
		type nat hook postrouting priority srcnat;
		ip saddr 192.0.2.0/24 oifname != "br0" masquerade
	}
}
EOF
runtime_state() {
	nx "$H" sysctl -n net.ipv4.ip_forward net.ipv4.conf.br0.forwarding
	nx "$H" nft list ruleset
	ip -n "$H" -4 addr show dev br0
	ip -n "$CT" -4 route show
}
runtime_state >"$NT_TMP/runtime.before" 2>&1

nt_wait 10 bash -c "ip -n $H -6 route show default | grep -q via" || t_bail "no SLAAC default route on the host"

# The servers on R, bounded: a 1 MiB file to download, a sink for the
# upload, a UDP echo.
head -c $((1024 * 1024)) /dev/urandom >"$NT_TMP/down"
head -c $((1024 * 1024)) /dev/urandom >"$NT_TMP/up"
sha() { sha256sum <"$1" | cut -d' ' -f1; }
DOWN_SHA=$(sha "$NT_TMP/down") UP_SHA=$(sha "$NT_TMP/up")
run_bg "$R" timeout 120 socat TCP4-LISTEN:8080,reuseaddr,fork OPEN:"$NT_TMP/down"
run_bg "$R" timeout 120 socat UDP4-RECVFROM:9000,fork EXEC:cat
nt_wait_listen "$R" 8080 5 && nt_wait_listen "$R" 9000 5 udp || t_bail "servers on R"

# A bridge port carries no IP configuration of the host: no automatic
# CLAT for it (a Docker host has one veth per container in docker0).
no_port_clat() {
	[ -z "$(nt_clat clat-vct0 state)" ] && nt_not nt_xlatctl ipv6-only-preferred vct0
}
same_sha() { [ -s "$1" ] && [ "$(sha "$1")" = "$2" ]; }
# fp NAME: the fast path's counter NAME (0 when absent).
fp() {
	local v
	v=$(nt_clat c0 "fastpath.$1")
	[ "$v" = - ] && v=0
	echo "$v"
}
ct_ping() { nx "$CT" ping -4 -c 3 -i 0.3 -W 2 $SERVER >/dev/null; }
ct_udp() {
	local got
	got=$(echo "udp-$1" | nx "$CT" timeout 5 socat -T 2 - UDP4:$SERVER:9000)
	[ "$got" = "udp-$1" ]
}
ct_down() {
	rm -f "$NT_TMP/got"
	nx "$CT" timeout 20 socat -u TCP4:$SERVER:8080 CREATE:"$NT_TMP/got" &&
		same_sha "$NT_TMP/got" "$DOWN_SHA"
}
ct_up() {
	local port=$((8100 + $1)) sink
	rm -f "$NT_TMP/sink.$port"
	run_bg "$R" timeout 30 socat -u TCP4-LISTEN:$port,reuseaddr CREATE:"$NT_TMP/sink.$port"
	sink=$NT_LAST_PID
	nt_wait_listen "$R" $port 5 || return 1
	nx "$CT" timeout 20 socat -u OPEN:"$NT_TMP/up" TCP4:$SERVER:$port || return 1
	nt_wait 10 bash -c "! kill -0 $sink" && same_sha "$NT_TMP/sink.$port" "$UP_SHA"
}
# The server sees the container's flows from TAYGA's pool: they crossed
# the PLAT, hence the CLAT (the host has no IPv4 route but the CLAT's).
seen_from_pool() {
	nx "$R" ss -Htn state time-wait "sport = :8080" | grep -q '198\.51\.100\.'
}

t_check "without a CLAT the container has no way to $SERVER" \
	nt_not nx "$CT" ping -4 -c 1 -W 1 $SERVER

N=0
for dp in bpf userspace; do
	N=$((N + 1))
	nt_xlatd "$H" "[clat c0]
uplink = eth0
pref64 = $P64
datapath = $dp" || t_bail "xlatd ($dp) did not start" "$(cat "$NT_XLOG")"
	if ! nt_wait 15 nt_clat_is c0 '^running'; then
		t_not_ok "$dp: CLAT running on the host" "$(tail -n 20 "$NT_XLOG")"
		nt_xlatd_stop
		continue
	fi
	t_ok "$dp: CLAT running on the host"
	t_check "$dp: status says datapath $dp" [ "$(nt_clat c0 datapath)" = $dp ]
	t_check "$dp: bridge port vct0: no automatic CLAT, ipv6-only-preferred -> 1" no_port_clat
	t_check "$dp: the host's only IPv4 default route is the CLAT's" bash -c "
		[ \$(ip -n $H -4 route show default | wc -l) -eq 1 ] &&
		ip -n $H -4 route show default | grep -q 'proto 100'"
	in0=$(nt_clat c0 counters.4to6.in_packets)
	fp0=$(fp fp_4to6_translated) fpr0=$(fp fp_6to4_translated)
	t_check "$dp: container pings $SERVER through the CLAT" ct_ping
	t_check "$dp: container UDP echo via $SERVER:9000" ct_udp "$dp"
	t_check "$dp: container downloads 1 MiB over TCP, sha256 equal" ct_down
	t_check "$dp: container uploads 1 MiB over TCP, sha256 equal" ct_up "$N"
	t_check "$dp: the server saw the container from TAYGA's pool 198.51.100.0/24" seen_from_pool
	in1=$(nt_clat c0 counters.4to6.in_packets)
	fp1=$(fp fp_4to6_translated) fpr1=$(fp fp_6to4_translated)
	t_diag "$dp: 4to6 in_packets $in0 -> $in1, fast path 4to6 $fp0 -> $fp1, 6to4 $fpr0 -> $fpr1"
	if [ $dp = bpf ]; then
		t_check "bpf: the eBPF fast path translated the container's packets both ways" \
			bash -c "[ $((fp1 - fp0)) -ge 100 ] && [ $((fpr1 - fpr0)) -ge 100 ]"
	else
		t_check "userspace: the userspace engine translated them (no fast path)" \
			bash -c "[ $((in1 - in0)) -ge 100 ] && [ $fp1 -eq 0 ]"
	fi
	nt_xlatd_stop
	runtime_state >"$NT_TMP/runtime.$dp" 2>&1
	t_check "$dp: after xlatd, forwarding, masquerade, bridge as the runtime set them" \
		diff "$NT_TMP/runtime.before" "$NT_TMP/runtime.$dp"
done
t_done
