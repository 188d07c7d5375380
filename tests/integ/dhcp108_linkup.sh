#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RFC 8925 option 108 from the first DHCPDISCOVER (issue 12, item 3), with
# the shipped dhcpcd integration (integrations/dhcpcd: the config
# generator and the 60-xlat464 hook) and the real dhcpcd 9.4.
#
# A. xlatd and dhcpcd start together while eth0 is down.  xlatd says
#    "IPv6-only capable" before any CLAT runs, so the generated config
#    asks for 108 and dhcpcd's very first DISCOVER carries it; dnsmasq
#    answers with 108, dhcpcd takes no lease, and IPv4 works through the
#    CLAT once the PREF64 RA is in.
# B. Same on a network that offers 108 but has no NAT64: after the
#    V6ONLY_WAIT (v6only-wait = 4 here) status and the state file say
#    v6only=no, and the hook makes dhcpcd take an IPv4 lease.
#
#   C (xlatd, dhcpcd) eth0 ---- r0 R (radvd, pref64_ra, TAYGA, dnsmasq 108)
#   D (xlatd, dhcpcd) eth0 ---- r0 S (radvd, dnsmasq 108; no NAT64)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga dnsmasq dhcpcd ping timeout
nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra
P64=2001:db8:64::/96
INTEG=$NT_ROOT/integrations/dhcpcd

# dnsmasq NS LOG: DHCPv4 on r0 with option 108 (V6ONLY_WAIT 1800 s), sent
# only to clients that ask for it.
dnsmasq108() {
	run_bg "$1" dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --port=0 \
		--interface=r0 --bind-interfaces --log-dhcp \
		--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
		--dhcp-option=108,00:00:07:08 --dhcp-leasefile="$NT_TMP/leases.$1"
}

# dhcpcd_setup TAG: the base config, and the script dhcpcd runs: it logs
# the reason and sources the shipped hook with this test's paths.
dhcpcd_setup() {
	local d=$NT_TMP/dh.$1
	mkdir -p "$d/db"
	cat >"$d/script" <<EOF
#!/bin/sh
echo "reason=\$reason ip=\${new_ip_address:-} old=\${old_ip_address:-}" >>"$d/reasons"
XLATCTL="$NT_XLATCTL -s $NT_XSOCK"
XLAT_STATE_DIR="$NT_XSTATE"
XLAT_DHCPCD_CONF="$d/dhcpcd.conf"
XLAT_DHCPCD_GEN="$INTEG/dhcpcd-conf"
XLAT_WATCH_INTERVAL=0.5
. "$INTEG/60-xlat464"
EOF
	chmod +x "$d/script"
	printf 'script %s\nnoarp\n' "$d/script" >"$d/base.conf"
	DH=$d
}
gen_conf() {
	XLATCTL="$NT_XLATCTL -s $NT_XSOCK" nx "$1" "$INTEG/dhcpcd-conf" \
		-b "$DH/base.conf" -o "$DH/dhcpcd.conf" eth0
}
# dhcpcd_bg NS SECS: dhcpcd -4 on eth0 in its own mount namespace (tmpfs
# /run, private lease db), no timeout of its own, bounded by SECS.
dhcpcd_bg() {
	run_bg "$1" timeout "$2" sh -c "mount -t tmpfs tmpfs /run && mkdir /run/dhcpcd &&
		mount --bind '$DH/db' /var/lib/dhcpcd &&
		exec dhcpcd -f '$DH/dhcpcd.conf' -4 -B -t 0 -j '$DH/dhcpcd.log' eth0"
	DH_PID=$NT_LAST_PID
}
# first_discover_asks_108 LOG: every "requested options" line of the
# first transaction in dnsmasq's log, and 108 among them.
first_discover_asks_108() {
	local xid
	xid=$(awk '/DHCPDISCOVER/ { print $2; exit }' "$1")
	[ -n "$xid" ] && grep "^dnsmasq-dhcp: $xid requested options" "$1" | grep -q '108:ipv6-only'
}
# dhcpcd_end NS: stop dhcpcd and the hook's watcher; wait until dhcpcd's
# privilege-separation processes are gone too.
dhcpcd_end() {
	local pf=$NT_XSTATE/dhcpcd-watch.eth0.pid
	[ -r "$pf" ] && kill "$(cat "$pf")" 2>/dev/null
	nt_kill_pids "$DH_PID"
	nt_wait 5 bash -c "! ip netns pids $1 | xargs -r ps -o comm= -p | grep -q dhcpcd"
}
v6only_yes() { nt_xlatctl ipv6-only-preferred eth0 >/dev/null 2>&1; }
native4() { ip -n "$1" -4 addr show dev eth0 | grep -q 'inet 192\.0\.2\.'; }

# ---- A: NAT64 present ----
nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_addr "$R" r0 192.0.2.1/24
ip -n "$C" link set eth0 down
nt_tayga "$R" 203.0.113.1 $P64 198.51.100.0/24 || t_bail "tayga"
nt_radvd "$R" r0 2001:db8:1::/64
dnsmasq108 "$R"
LOG_A=$NT_LAST_LOG

nt_xlatd "$C" || t_bail "xlatd did not start" "$(cat "$NT_XLOG")"
t_check "A: link down, no CLAT yet, ipv6-only-preferred eth0 -> 0 (RFC 8925: capable)" \
	bash -c "ip netns exec $C $NT_XLATCTL -s $NT_XSOCK ipv6-only-preferred eth0 | grep -q '^yes' &&
		! ip -n $C -4 route show default | grep -q ."
dhcpcd_setup a
gen_conf "$C"
t_check "A: dhcpcd-conf wrote 'interface eth0 / option ipv6_only_preferred' after the base" \
	bash -c "grep -q '^noarp' '$DH/dhcpcd.conf' &&
		grep -A1 -x 'interface eth0' '$DH/dhcpcd.conf' | grep -qx 'option ipv6_only_preferred'"
dhcpcd_bg "$C" 40
sleep 0.5
T0=$(date +%s%N)
ip -n "$C" link set eth0 up
# pref64_ra gives up on a link without carrier: it starts with the link.
run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 1800 --count 60 --interval 1
t_check "A: dhcpcd: 'IPv6-Only Preferred received (1800 seconds)'" \
	nt_wait 15 grep -q 'eth0: IPv6-Only Preferred received (1800 seconds)' "$DH/dhcpcd.log"
t_check "A: the first DHCPDISCOVER already asked for 108 (dnsmasq log)" first_discover_asks_108 "$LOG_A"
t_check "A: the hook told xlatd (option 108 reported)" \
	grep -q 'eth0: a DHCPv4 client reports option 108' "$NT_XLOG"
t_check "A: CLAT running (SLAAC + PREF64 RA)" nt_wait 10 nt_clat_is clat-eth0 '^running'
T1=$(date +%s%N)
t_diag "A: link-up to CLAT running: $(((T1 - T0) / 1000000)) ms"
t_check "A: IPv4 ping to 203.0.113.10 through CLAT + TAYGA" \
	nt_wait 5 nx "$C" ping -c 1 -W 1 203.0.113.10
sleep 1
t_check "A: no lease: no 192.0.2.x on eth0, no DHCPREQUEST, no BOUND" bash -c "
	! ip -n $C -4 addr show dev eth0 | grep -q 'inet 192\.0\.2\.' &&
	! grep -q DHCPREQUEST '$LOG_A' && ! grep -q 'reason=BOUND' '$DH/reasons'"
t_check "A: state file: clat=running v6only=yes" \
	grep -q '^clat=running v6only=yes reason=NAT64 prefix' "$NT_XSTATE/eth0.state"
t_check "A: dhcpcd still waits out V6ONLY_WAIT (did not take IPv4)" kill -0 "$DH_PID"
dhcpcd_end "$C"
nt_xlatd_stop

# ---- B: option 108 but no NAT64 ----
nt_ns d && nt_ns s || t_bail "namespaces B"
D=$(ns d) S=$(ns s)
nt_router "$D" eth0 "$S" 2 || t_bail "router link B"
nt_addr "$S" r0 192.0.2.1/24
ip -n "$D" link set eth0 down
nt_radvd "$S" r0 2001:db8:2::/64
dnsmasq108 "$S"
LOG_B=$NT_LAST_LOG
nt_xlatd "$D" "[global]
v6only-wait = 4" || t_bail "xlatd B did not start" "$(cat "$NT_XLOG")"
dhcpcd_setup b
gen_conf "$D"
t_check "B: config asks for 108 on eth0" grep -qx 'option ipv6_only_preferred' "$DH/dhcpcd.conf"
dhcpcd_bg "$D" 40
sleep 0.5
ip -n "$D" link set eth0 up
t_check "B: dhcpcd: 108 received, first DISCOVER asked for it" bash -c "
	$(declare -f nt_wait first_discover_asks_108)
	nt_wait 15 grep -q 'IPv6-Only Preferred received' '$DH/dhcpcd.log' &&
	first_discover_asks_108 '$LOG_B'"
t_check "B: while waiting: ipv6-only-preferred yes, status shows the wait from option 108" bash -c "
	ip netns exec $D $NT_XLATCTL -s $NT_XSOCK status --json | /usr/bin/python3 -c '
import json, sys
i = [x for x in json.load(sys.stdin)[\"instances\"] if x[\"name\"] == \"clat-eth0\"][0]
v = i[\"config\"][\"ipv6_only_preferred\"]
assert v[\"answer\"] is True and v[\"since\"] == \"option 108\" and v[\"v6only_wait_s\"] == 4, v
assert not v[\"expired\"] and v[\"remaining_s\"] <= 4, v
'"
t_check "B: after V6ONLY_WAIT without NAT64: state file v6only=no, says why" \
	nt_wait 8 grep -q '^clat=stopped v6only=no reason=.*no NAT64 prefix on eth0 within V6ONLY_WAIT 4 s after option 108' \
	"$NT_XSTATE/eth0.state"
t_check "B: status: answer false, expired" bash -c "
	ip netns exec $D $NT_XLATCTL -s $NT_XSOCK status --json | /usr/bin/python3 -c '
import json, sys
i = [x for x in json.load(sys.stdin)[\"instances\"] if x[\"name\"] == \"clat-eth0\"][0]
v = i[\"config\"][\"ipv6_only_preferred\"]
assert v[\"answer\"] is False and v[\"expired\"] is True, v
'"
t_check "B: ipv6-only-preferred eth0 -> non-zero" nt_not v6only_yes
t_check "B: the hook made dhcpcd take an IPv4 lease (no 108 asked)" bash -c "
	$(declare -f nt_wait native4)
	nt_wait 10 native4 $D &&
	grep -q 'DHCPACK(r0) 192.0.2.' '$LOG_B' &&
	! grep -qx 'option ipv6_only_preferred' '$DH/dhcpcd.conf'"
t_check "B: default route via 192.0.2.1 from dhcpcd; the CLAT stays stopped" bash -c "
	ip -n $D -4 route show default | grep -q 'via 192.0.2.1 dev eth0' &&
	! ip -n $D -4 route show default | grep -q 'proto 100'"
dhcpcd_end "$D"
nt_xlatd_stop
t_done
