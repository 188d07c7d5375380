#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The host's uplink is a bridge (a VM host, a home server: eth0 is a port
# of br0, which holds the host's addresses): the automatic CLAT runs on
# br0, not on the port, and IPv4 literals work through it, on the eBPF
# and on the userspace data path.
#
#   C br0 [eth0] ---- r0 R (radvd, PREF64 2001:db8:64::/96, TAYGA,
#                          203.0.113.10 on lo)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga ping
nt_need_build xlatd xlatctl
nt_clat_net
ip -n "$C" link add br0 type bridge &&
	ip -n "$C" link set eth0 master br0 &&
	ip -n "$C" link set br0 up || t_bail "bridge"
ping4() { nx "$C" ping -4 -c 2 -i 0.3 -W 2 203.0.113.10 >/dev/null; }

# The automatic CLAT (eBPF, the default where it loads), then a [clat]
# section on the userspace data path.
for dp in bpf userspace; do
	if [ $dp = bpf ]; then
		nt_xlatd "$C" || t_bail "xlatd did not start"
		name=clat-br0
	else
		nt_xlatd "$C" "[clat up]
uplink = br0
datapath = userspace" || t_bail "xlatd did not start"
		name=up
	fi
	t_check "$dp: $name runs on br0" nt_wait 20 nt_clat_is $name "^running $P64 RA"
	t_check "$dp: datapath $dp" bash -c '[ "$1" = "$2" ]' _ "$(nt_clat $name datapath)" "$dp"
	t_check "$dp: ping 203.0.113.10 through it" nt_wait 5 ping4
	t_check "$dp: no CLAT on the port eth0" test -z "$(nt_clat clat-eth0 state)"
	nt_xlatd_stop
done
t_check "nothing left: no CLAT device, no IPv4 route" \
	nt_wait 3 bash -c '! ip -n "$1" link show | grep -q "clat-" && [ -z "$(ip -n "$1" -4 route show)" ]' _ "$C"
t_done
