# SPDX-License-Identifier: GPL-2.0-or-later
# The whole 464XLAT lab (lab/lab.sh, docs/lab.md) as one row: double
# translation, xlatd [clat] on the client (CPU 1) -> the isp's TAYGA PLAT
# with nftables masquerade (LAB_PLAT=tayga: TAYGA stays the bench's peer)
# -> r4 -> server4.  The generator and iperf3
# client run in the lab's client namespace, the sink and the iperf3
# server in server4.  The lab comes up once, on the first repetition, and
# goes down in the cleanup trap; each repetition starts its own xlatd.
# Its namespaces have no threaded NAPI, so "CPU µs/pkt" is xlatd alone.

CASE_LABEL_lab="lab: xlat464 clat + TAYGA PLAT"
LAB_P=xbl$$
LAB_UP=0

lab_start() {
	local d=$TMP/lab-clat i
	XPID=
	if [ "$LAB_UP" = 0 ]; then
		CLEANUP_HOOKS+=("LAB_PREFIX=$LAB_P '$ROOT/lab/lab.sh' down >/dev/null 2>&1")
		LAB_UP=1
		LAB_PREFIX=$LAB_P LAB_PLAT=tayga BUILD=$BUILD "$ROOT/lab/lab.sh" up >"$TMP/lab-up.log" 2>&1 ||
			{ log "lab up failed: $(tail -3 "$TMP/lab-up.log" | tr '\n' ' ')"; LAB_UP=2; }
	fi
	[ "$LAB_UP" = 1 ] || return 1
	LAB_SAVE="$NSG $NSS $XNAPI"
	NSG=$LAB_P-client NSS=$LAB_P-server4 XNAPI=
	mkdir -p "$d/state"
	cat >"$d/xlatd.conf" <<-EOF2
	[global]
	control-socket = $d/xlatd.sock
	clat-auto = no
	state-dir = $d/state
	[clat lab]
	uplink = eth0
	pref64 = $POOL6
	mode = on
	mtu = 1480
	datapath = ${LAB_DATAPATH:-userspace}
	EOF2
	bg_start "$NSG" 1 xlatd-lab "$XLATD" -c "$d/xlatd.conf"
	XPID=$BGPID
	for i in $(seq 100); do
		nsx "$NSG" "$BUILD/xlatctl" -s "$d/xlatd.sock" status --json 2>/dev/null |
			grep -q '"running"' &&
			nsx "$NSG" ip -4 route show default | grep -q . && break
		kill -0 "$XPID" 2>/dev/null || break
		sleep 0.1
	done
	nsx "$NSG" ip -4 route show default | grep -q . ||
		{ log "lab clat not running: $(tail -3 "$TMP/xlatd-lab.err" | tr '\n' ' ')"; return 1; }
	nsx "$NSG" ip link set dev clat-eth0 txqueuelen "$TUN_TXQ" 2>/dev/null
	DST=203.0.113.10
}

lab_stop() {
	[ -n "${XPID:-}" ] && stop_pid "$XPID"
	XPID=
	if [ -n "${LAB_SAVE:-}" ]; then
		set -- $LAB_SAVE
		NSG=$1 NSS=$2; shift 2
		XNAPI="$*"
		LAB_SAVE=
	fi
	return 0
}

EXTRA_CASES+=(lab)
