# SPDX-License-Identifier: GPL-2.0-or-later
# Native IPv4: the ceiling of the CLAT rows (sourced by bench/run.sh).
#
# The same application, sender and sink as the CLAT rows (an IPv4 UDP
# socket in the gen namespace, iperf3, ping to $SINK4), but the gen host
# has native IPv4 and the xlat namespace forwards it: what the CLAT rows
# would do with no translation at all.  As in the CLAT rows, the host
# has CPU 0 and the router and server CPU 1 (run.sh host_layout_on).

CASE_LABEL_native="native IPv4 (no CLAT)"
NATIVE_GEN4=203.0.113.2
NATIVE_XIN4=203.0.113.1

native_start() {
	nsx "$NSX" ip addr add $NATIVE_XIN4/24 dev $DI || return 1
	nsx "$NSG" ip addr add $NATIVE_GEN4/24 dev $DG || return 1
	nsx "$NSG" ip -4 route add default via $NATIVE_XIN4 || return 1
	host_layout_on
	XPID=
	DST=$SINK4
	RDST=$NATIVE_GEN4 RSRC=$SINK4
}

native_stop() {
	nsx "$NSG" ip -4 route del default via $NATIVE_XIN4 2>/dev/null
	nsx "$NSG" ip addr del $NATIVE_GEN4/24 dev $DG 2>/dev/null
	nsx "$NSX" ip addr del $NATIVE_XIN4/24 dev $DI 2>/dev/null
	host_layout_off
	return 0
}

EXTRA_CASES+=(native)
