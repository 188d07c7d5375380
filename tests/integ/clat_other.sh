#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Another CLAT on the host: xlatd (no configuration) does not start a
# second one and says why, then takes over when the other one is gone.
#  1. NetworkManager-style on the uplink: an IPv4 default route via the
#     IPv6 router, 192.0.0.5 on eth0;
#  2. clatd/TAYGA-style: a TUN with 192.0.0.1 and an IPv4 default route;
#  3. mode = on in a [clat] section overrides.
#
#   C (xlatd)  eth0 ---- r0  R (radvd, pref64_ra)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd
nt_need_build xlatd xlatctl tools/pref64_ra
P64=2001:db8:64::/96

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_radvd "$R" r0 2001:db8:1::/64
run_bg "$R" "$NT_BUILD/tools/pref64_ra" --iface r0 --src fe80::64 --prefix $P64 \
	--lifetime 600 --count 100 --interval 2
nt_wait 10 bash -c "ip -n $C -6 addr show dev eth0 scope global -tentative | grep -q 2001:db8:1:" ||
	t_bail "no SLAAC address"
nt_wait 10 bash -c "ip -n $C -6 route show default | grep -q via" || t_bail "no IPv6 default route"

# 1. NetworkManager's CLAT is there first.
ip -n "$C" addr add 192.0.0.5/32 dev eth0
ip -n "$C" -4 route add default via inet6 fe80::1 dev eth0 || t_bail "route via inet6"
nt_xlatd "$C" || t_bail "xlatd did not start"
t_check "NetworkManager-style CLAT on eth0: ours stopped, says why" \
	nt_wait_clat clat-eth0 '^stopped .*another CLAT serves eth0 \(IPv4 default via an IPv6 router\)' 10
t_check "no TUN of ours, only the other's route" bash -c \
	"! ip -n $C link show clat-eth0 2>/dev/null && [ \$(ip -n $C -4 route show default | wc -l) -eq 1 ]"
ip -n "$C" -4 route del default via inet6 fe80::1 dev eth0
t_check "its route gone, its 192.0.0.5 still there: still stopped" \
	nt_wait_clat clat-eth0 '^stopped .*another CLAT serves eth0 \(192.0.0.0/29 address on it\)' 5
ip -n "$C" addr del 192.0.0.5/32 dev eth0
t_check "the other CLAT gone: ours runs" nt_wait_clat clat-eth0 "^running $P64" 10

# 2. A clatd/TAYGA-style TUN appears while ours runs.
ip -n "$C" tuntap add mode tun clat || t_bail "tuntap"
ip -n "$C" addr add 192.0.0.1/32 dev clat
ip -n "$C" link set clat up
ip -n "$C" route add default dev clat metric 2000
t_check "TUN clat with 192.0.0.1 and a default route: ours steps aside" \
	nt_wait_clat clat-eth0 '^stopped .*another CLAT on this host: clat has 192.0.0.0/29 and an IPv4 default route' 5
t_check "and removes what it had made" bash -c "! ip -n $C link show clat-eth0 2>/dev/null && ! ip -n $C -4 route show proto 100 | grep -q ."
ip -n "$C" link del clat
t_check "the TUN gone: ours runs again" nt_wait_clat clat-eth0 "^running $P64" 10
nt_xlatd_stop

# 3. mode = on: the operator chose ours.
ip -n "$C" addr add 192.0.0.5/32 dev eth0
nt_xlatd "$C" "[clat c0]
uplink = eth0
mode = on" || t_bail "xlatd did not start"
t_check "mode = on: runs beside the other" nt_wait_clat c0 "^running $P64" 10
nt_xlatd_stop
t_done
