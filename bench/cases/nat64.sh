# SPDX-License-Identifier: GPL-2.0-or-later
# Stateful NAT64 rows (issue 16): xlat464's own [nat64] and, as its peer,
# TAYGA with a dynamic pool plus nftables masquerade (the lab's PLAT
# before xlatd had one).  The generator's flows each get a session; the
# sink sees the pool4 address (xlatd) or $XOUT4 (masquerade).
CASE_LABEL_nat64="xlat464 nat64 (xlatd, RFC 6146)"
# nat64_start [EXTRA-LINE...]: xlatd [nat64] with the lines added.
nat64_start() {
	local d=$TMP/nat64 i l
	mkdir -p "$d"
	cat >"$d/xlatd.conf" <<-EOF
	[global]
	control-socket = $d/xlatd.sock
	clat-auto = no
	[nat64 bench]
	tun = nat0
	pool6 = $POOL6
	pool4 = $XLAT4
	lowest-ipv6-mtu = 1500
	mtu = 1500
	max-sessions = ${NAT64_SESSIONS:-1000000}
	datapath = ${NAT64_DATAPATH:-userspace}
	EOF
	for l in "$@"; do echo "$l"; done >>"$d/xlatd.conf"
	DST=$SINK4_AS6
	[ -x "$XLATD" ] || { log "$XLATD missing"; XPID=; return 1; }
	bg_start "$NSX" 1 xlatd-nat64 "$XLATD" -c "$d/xlatd.conf"
	XPID=$BGPID
	if ! wait_dev "$NSX" nat0; then
		log "xlatd made no nat0: $(tail -3 "$TMP/xlatd-nat64.err" | tr '\n' ' ')"
		return 1
	fi
	nsx "$NSX" ip link set dev nat0 txqueuelen "$TUN_TXQ" up
	for i in $(seq 20); do
		nsx "$NSX" ip -4 route show $XLAT4 | grep -q nat0 && break
		sleep 0.1
	done
	kill -0 "$XPID" 2>/dev/null || { log "xlatd died"; return 1; }
}
nat64_stop() {
	local js
	# Whether TUN offload was on, and how many TCP super-packets it
	# brought (the TCP tests' segments, aggregated by GRO on the veth).
	if [ -n "${XPID:-}" ] && js=$(nsx "$NSX" "$BUILD/xlatctl" \
			-s "$TMP/nat64/xlatd.sock" status --json 2>/dev/null); then
		log "nat64: $(jq -r '.instances[0].config |
			"offload \(.offload), \(.tun_gso_in) super-packets translated whole"' \
			<<<"$js" 2>/dev/null)"
	fi
	[ -n "${XPID:-}" ] && stop_pid "$XPID"
	nsx "$NSX" ip link del nat0 2>/dev/null
	return 0
}

CASE_LABEL_tayganat="TAYGA 0.9.2 + nftables masquerade"
tayganat_start() {
	local d=$TMP/tayganat
	mkdir -p "$d"
	cat >"$d/tayga.conf" <<-EOF
	tun-device tayga1
	ipv4-addr $XLAT4
	prefix $POOL6
	dynamic-pool 192.0.2.128/25
	data-dir $d
	EOF
	cat >"$d/masq.nft" <<-EOF
	table ip xbench_masq {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "$DO" masquerade
		}
	}
	EOF
	nsx "$NSX" tayga -c "$d/tayga.conf" --mktun >/dev/null 2>&1 ||
		{ log "tayga --mktun failed"; return 1; }
	nsx "$NSX" ip link set dev tayga1 txqueuelen "$TUN_TXQ" up
	nsx "$NSX" ip route add $POOL6 dev tayga1
	nsx "$NSX" ip route add 192.0.2.128/25 dev tayga1
	nsx "$NSX" nft -f "$d/masq.nft" || { log "nft failed"; return 1; }
	bg_start "$NSX" 1 tayganat tayga -c "$d/tayga.conf" -n
	XPID=$BGPID
	DST=$SINK4_AS6
	sleep 0.3
	kill -0 "$XPID" 2>/dev/null || { log "tayga died: $(cat "$TMP/tayganat.err")"; return 1; }
}
tayganat_stop() {
	[ -n "${XPID:-}" ] && stop_pid "$XPID"
	nsx "$NSX" nft delete table ip xbench_masq 2>/dev/null
	nsx "$NSX" tayga -c "$TMP/tayganat/tayga.conf" --rmtun >/dev/null 2>&1
	nsx "$NSX" ip link del tayga1 2>/dev/null
	return 0
}
# The same without TUN offload, to tell what offload brings: only when
# named (CASES="nat64 nat64nooff"), not in the full run.
CASE_LABEL_nat64nooff="xlat464 nat64, offload = no"
nat64nooff_start() { nat64_start "offload = no"; }
nat64nooff_stop() { nat64_stop; }
EXTRA_CASES+=(nat64 tayganat)
