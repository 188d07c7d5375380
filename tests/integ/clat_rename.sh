#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The uplink is renamed while its CLAT runs (udev's rename of a new
# device, an operator's "ip link set eth0 name wan0"): the CLAT of the
# old name goes with everything it made, the new name gets its own, and
# IPv4 literals work again through it.
#
#   C eth0 -> wan0 ---- r0 R (radvd, PREF64 2001:db8:64::/96, TAYGA,
#                             203.0.113.10 on lo)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga ping tc
nt_need_build xlatd xlatctl
nt_clat_net
nt_xlatd "$C" || t_bail "xlatd did not start"

ping4() { nx "$C" ping -4 -c 2 -i 0.3 -W 2 203.0.113.10 >/dev/null; }
t_check "clat-eth0 runs" nt_wait 20 nt_clat_is clat-eth0 "^running $P64 RA"
t_check "ping 203.0.113.10 through it" nt_wait 5 ping4
tun0=$(nt_clat clat-eth0 tun)

ip -n "$C" link set eth0 down &&
	ip -n "$C" link set eth0 name wan0 &&
	ip -n "$C" link set wan0 up || t_bail "rename"
gone() { [ -z "$(nt_clat clat-eth0 state)" ]; }
t_check "the old name's CLAT is removed" nt_wait 10 gone
t_check "its TUN $tun0 is gone" nt_wait 3 nt_not ip -n "$C" link show dev "$tun0"
t_check "clat-wan0 runs" nt_wait 20 nt_clat_is clat-wan0 "^running $P64 RA"
t_check "ping 203.0.113.10 through the renamed uplink" nt_wait 5 ping4
t_check "one IPv4 default route of ours, on wan0's CLAT" \
	bash -c '[ "$(ip -n "$1" -4 route show default proto 100 | wc -l)" = 1 ] &&
		ip -n "$1" -4 route show default proto 100 | grep -Eq "dev (clat-wan0|wan0)"' _ "$C"
# On the eBPF data path (the default where it loads) the ping went
# through wan0's new programs.
read -r dp fp4 <<<"$(nt_clat clat-wan0 datapath fastpath.fp_4to6_translated)"
t_diag "clat-wan0: datapath $dp, $fp4 packets translated in the fast path"
t_check "the renamed uplink's CLAT translated the ping (userspace, or its own eBPF programs)" \
	bash -c '[ "$1" != bpf ] || [ "$2" -ge 1 ]' _ "$dp" "$fp4"
nt_xlatd_stop
t_check "SIGTERM: no CLAT device, no IPv4 route left" \
	nt_wait 3 bash -c '! ip -n "$1" link show | grep -q "clat-" && [ -z "$(ip -n "$1" -4 route show)" ]' _ "$C"
t_done
