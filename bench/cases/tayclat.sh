# SPDX-License-Identifier: GPL-2.0-or-later
# TAYGA as the host's CLAT, set up the way clatd sets it up (sourced by
# bench/run.sh; docs/bench.md "CLAT rows").  The CLAT most Linux hosts
# run today, and the userspace CLAT's yardstick (issue 13).
#
# Same topology as bench/cases/clat.sh: the gen namespace is the
# IPv6-only client host, the xlat namespace its plain IPv6 router, the
# sink owns $SINK4_AS6 and answers as a PLAT's IPv6 side would.  What
# clatd does to the host, and this row does to the gen namespace:
#
#   tayga.conf: tun-device, ipv4-addr 192.0.0.2, prefix = pref64,
#               map 192.0.0.1 <CLAT IPv6 address>
#   TUN up, 192.0.0.1 on it, IPv4 default route into it
#   net.ipv6.conf.all.forwarding = 1 (TAYGA's IPv6 output is forwarded
#   from the TUN to the uplink, and the reverse into the TUN)
#   proxy NDP for the CLAT IPv6 address on the uplink (proxy_delay 0)
#   a /128 route for the CLAT IPv6 address into the TUN
#
# TAYGA runs on the host's CPU (0) with the application and the host's
# receive, as xlatd does in the clat rows (run.sh host_layout_on).

CASE_LABEL_tayclat="TAYGA as CLAT (clatd-style)"
TAYCLAT_TUN=tclat$$
TAYCLAT_TUN=${TAYCLAT_TUN:0:15}
TAYCLAT4=192.0.0.1          # the host's IPv4 address (clatd's clat-v4-addr)
TAYCLAT_TAYGA4=192.0.0.2    # TAYGA's own (clatd's tayga-v4-addr)
TAYCLAT6=2001:db8:1::c1a7   # in the uplink's /64, as clatd derives it

tayclat_start() {
	local d=$TMP/tayclat
	mkdir -p "$d"
	cat >"$d/tayga.conf" <<-EOF
	tun-device $TAYCLAT_TUN
	ipv4-addr $TAYCLAT_TAYGA4
	prefix $POOL6
	map $TAYCLAT4 $TAYCLAT6
	data-dir $d
	EOF
	XPID=
	nsx "$NSS" ip -6 addr add $SINK4_AS6/128 dev $DS nodad 2>/dev/null
	nsx "$NSX" ip -6 route replace $POOL6 via $SINK6 dev $DO
	nsx "$NSG" tayga -c "$d/tayga.conf" --mktun >/dev/null 2>&1 ||
		{ log "tayclat: tayga --mktun failed"; return 1; }
	# The TUN carries 1500-byte IPv6 out; the IPv4 route keeps the
	# clat rows' 1480 (the IPv4 twin of a 1518-byte frame).
	nsx "$NSG" ip link set dev $TAYCLAT_TUN txqueuelen "$TUN_TXQ" mtu 1500 up
	nsx "$NSG" ip -4 addr add $TAYCLAT4/32 dev $TAYCLAT_TUN
	nsx "$NSG" ip -4 route add default dev $TAYCLAT_TUN mtu 1480 ||
		{ log "tayclat: default route failed"; return 1; }
	nsx "$NSG" ip -6 route add $TAYCLAT6/128 dev $TAYCLAT_TUN
	nsx "$NSG" sysctl -qw net.ipv6.conf.all.forwarding=1 \
		net.ipv6.conf.$DG.proxy_ndp=1 net.ipv6.neigh.$DG.proxy_delay=0
	nsx "$NSG" ip -6 neigh add proxy $TAYCLAT6 dev $DG
	host_layout_on
	bg_start "$NSG" 0 tayclat tayga -c "$d/tayga.conf" -n
	XPID=$BGPID
	DST=$SINK4
	RDST=$TAYCLAT6 RSRC=$SINK4_AS6
	sleep 0.3
	kill -0 "$XPID" 2>/dev/null ||
		{ log "tayclat: tayga died: $(cat "$TMP/tayclat.err")"; return 1; }
	# The router must learn the CLAT address through proxy NDP.
	nsx "$NSG" ping -c 3 -i 0.1 -W 1 $SINK4 >/dev/null 2>&1 ||
		{ log "tayclat: no IPv4 path through TAYGA"; return 1; }
}

tayclat_stop() {
	[ -n "${XPID:-}" ] && stop_pid "$XPID"
	XPID=
	RDST= RSRC=
	nsx "$NSG" ip -6 neigh del proxy $TAYCLAT6 dev $DG 2>/dev/null
	nsx "$NSG" sysctl -qw net.ipv6.conf.all.forwarding=0 \
		net.ipv6.conf.$DG.proxy_ndp=0
	nsx "$NSG" tayga -c "$TMP/tayclat/tayga.conf" --rmtun >/dev/null 2>&1
	nsx "$NSG" ip link del $TAYCLAT_TUN 2>/dev/null
	nsx "$NSX" ip -6 route del $POOL6 via $SINK6 dev $DO 2>/dev/null
	nsx "$NSS" ip -6 addr del $SINK4_AS6/128 dev $DS 2>/dev/null
	host_layout_off
	return 0
}

EXTRA_CASES+=(tayclat)
