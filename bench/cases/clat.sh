# SPDX-License-Identifier: GPL-2.0-or-later
# xlat464 [clat] rows (sourced by bench/run.sh; docs/bench.md "CLAT rows").
#
# A CLAT is a host translator: only the host's own IPv4 traffic (source
# 192.0.0.x) goes through it.  So the CLAT runs in the gen namespace (the
# IPv6-only client host) with uplink $DG, and the xlat namespace stays
# the plain IPv6 router of the "plain" row:
#
#   gen ns: xgen (IPv4) -> clat TUN -> [xlatd clat] -> $DG, all on CPU 0
#   xlat ns: forwards IPv6 (NAPI on CPU 1), route pool6 via the sink (CPU 1)
#   sink ns: owns 198.51.100.2 in pool6 ($SINK4_AS6) and answers natively
#
# No PLAT: the sink answers IPv6 to the CLAT address from its pool6
# address, which is what a PLAT's IPv6 side would do.  The reverse rate
# (sink -> gen) is raw IPv6 from $SINK4_AS6 to the CLAT IPv6 address,
# which the CLAT delivers as IPv4 to the xgen sink in the gen namespace.

CASE_LABEL_clat="xlat464 clat (userspace)"
CASE_LABEL_ebpf="xlat464 clat (eBPF)"

# clat_up DATAPATH: start xlatd with one [clat] on $DG in $NSG.
clat_up() {
	local dp=$1 d=$TMP/clat-$1 i js
	mkdir -p "$d/state"
	cat >"$d/xlatd.conf" <<-EOF
	[global]
	control-socket = $d/xlatd.sock
	clat-auto = no
	state-dir = $d/state
	[clat bench]
	uplink = $DG
	pref64 = $POOL6
	mode = on
	mtu = 1480
	datapath = $dp
	EOF
	XPID=
	[ -x "$XLATD" ] || { log "$XLATD missing"; return 1; }
	# The sink stands in for the PLAT's IPv6 side.
	nsx "$NSS" ip -6 addr add $SINK4_AS6/128 dev $DS nodad 2>/dev/null
	nsx "$NSX" ip -6 route replace $POOL6 via $SINK6 dev $DO
	# The host (sender, xlatd, its receive) on CPU 0, the network on
	# CPU 1: run.sh host_layout_on.
	host_layout_on
	bg_start "$NSG" 0 "xlatd-clat-$dp" "$XLATD" -c "$d/xlatd.conf"
	XPID=$BGPID
	CLAT_SOCK=$d/xlatd.sock
	CLAT6= CLAT4=
	for i in $(seq 100); do
		js=$(nsx "$NSG" "$BUILD/xlatctl" -s "$CLAT_SOCK" status --json 2>/dev/null)
		CLAT6=$(jq -r '[.instances[] | select(.name == "bench")][0] |
			select(.state == "running") | .config.clat_ipv6 // empty' <<<"$js" 2>/dev/null)
		CLAT4=$(jq -r '[.instances[] | select(.name == "bench")][0].config.clat_ipv4 // empty' \
			<<<"$js" 2>/dev/null)
		[ -n "$CLAT6" ] && nsx "$NSG" ip -4 route show default | grep -q . && break
		kill -0 "$XPID" 2>/dev/null || break
		CLAT6=
		sleep 0.1
	done
	if [ -z "$CLAT6" ]; then
		log "clat ($dp) not running: $(tail -3 "$TMP/xlatd-clat-$dp.err" | tr '\n' ' ')"
		return 1
	fi
	dpa=$(jq -r '[.instances[] | select(.name == "bench")][0].config.datapath // "?"' <<<"$js")
	log "clat ($dp): $CLAT4 <-> $CLAT6, datapath $dpa"
	case $dp:$dpa in bpf:*bpf*|userspace:*user*) ;;
	*) log "clat: datapath is '$dpa', not $dp"; return 1 ;; esac
	# The TUN as xlatd named it (xlatd.conf(5), tun).
	CLAT_TUN=$(jq -r '[.instances[] | select(.name == "bench")][0].config.tun // empty' <<<"$js")
	nsx "$NSG" ip link set dev "$CLAT_TUN" txqueuelen "$TUN_TXQ" 2>/dev/null
	DST=$SINK4
	RDST=$CLAT6 RSRC=$SINK4_AS6
}

clat_down() {
	[ -n "${XPID:-}" ] && stop_pid "$XPID"
	XPID=
	RDST= RSRC=
	nsx "$NSX" ip -6 route del $POOL6 via $SINK6 dev $DO 2>/dev/null
	nsx "$NSS" ip -6 addr del $SINK4_AS6/128 dev $DS 2>/dev/null
	[ -n "${CLAT_TUN:-}" ] && nsx "$NSG" ip link del "$CLAT_TUN" 2>/dev/null
	CLAT_TUN=
	host_layout_off
	return 0
}

clat_start() { clat_up userspace; }
clat_stop() { clat_down; }
ebpf_start() { clat_up bpf; }
ebpf_stop() { clat_down; }

EXTRA_CASES+=(clat ebpf)
