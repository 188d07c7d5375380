#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two uplinks whose names differ only past their 10th character, as a
# dock's Ethernet and a tethered phone on one USB controller are named by
# bus path (enp0s20f0u1, enp0s20f0u2): each gets its automatic CLAT, on
# a TUN of its own.  The default TUN name was "clat-" and the first 10
# characters: the second CLAT failed on "File exists" for good.
#
#   R1 (radvd, PREF64 2001:db8:64::/96) r0 -- enp0s20f0u1 C
#   R2 (radvd, PREF64 2001:db8:65::/96) r0 -- enp0s20f0u2 C
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd
nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra
U1=enp0s20f0u1 U2=enp0s20f0u2

nt_ns c && nt_ns r1 && nt_ns r2 || t_bail "namespaces"
C=$(ns c)
for n in 1 2; do
	r=$(ns r$n)
	nt_router "$C" enp0s20f0u$n "$r" "$n" || t_bail "router $n"
	nt_radvd "$r" r0 2001:db8:$n::/64
	run_bg "$r" "$RA" --iface r0 --src fe80::64 --prefix 2001:db8:6$((3 + n))::/96 \
		--lifetime 600 --count 60 --interval 1
done
nt_xlatd "$C" || t_bail "xlatd did not start"

both() { nt_clat_is clat-$U1 "^running " && nt_clat_is clat-$U2 "^running "; }
t_check "both automatic CLATs run" nt_wait 20 both
t1=$(nt_clat clat-$U1 tun) t2=$(nt_clat clat-$U2 tun)
t_diag "TUN devices: $t1, $t2"
t_check "on two TUN devices of 15 characters at most" \
	bash -c '[ "$1" != "$2" ] && [ ${#1} -le 15 ] && [ ${#2} -le 15 ] &&
		ip -n "$3" link show dev "$1" && ip -n "$3" link show dev "$2"' _ "$t1" "$t2" "$C"
t_check "each one's address on its own TUN" \
	bash -c '[ -n "$(ip -n "$1" -4 addr show dev "$2")" ] && [ -n "$(ip -n "$1" -4 addr show dev "$3")" ]' \
	_ "$C" "$t1" "$t2"
nt_xlatd_stop
t_check "SIGTERM: both TUN devices gone" \
	nt_wait 3 bash -c '! ip -n "$1" link show dev "$2" 2>/dev/null && ! ip -n "$1" link show dev "$3" 2>/dev/null' \
	_ "$C" "$t1" "$t2"
t_done
