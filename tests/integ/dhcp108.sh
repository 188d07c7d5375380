#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RFC 8925 (DHCPv4 option 108, IPv6-only preferred) with the automatic
# CLAT.  dhcpcd asks for option 108 only when `xlatctl ipv6-only-preferred
# IF` says yes (integrations/dhcpcd/dhcpcd-conf writes its config); dnsmasq
# offers it when asked.  With a translating CLAT the client takes no IPv4
# lease and IPv4 still works through the CLAT and TAYGA; with xlatd
# stopped it takes the native lease; a native lease keeps the CLAT down
# (mode auto) but the interface stays IPv6-only capable (RFC 8925), so
# the answer stays yes.  dhcp108_linkup.sh starts dhcpcd at link-up.
#
#   C (client, xlatd, dhcpcd)  eth0 ---- r0  R (radvd, pref64_ra, dnsmasq,
#                                              TAYGA, 203.0.113.10 on lo)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga dnsmasq dhcpcd ping timeout

nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra
P64=2001:db8:64::/96

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_addr "$R" r0 192.0.2.1/24

nt_tayga "$R" 203.0.113.1 $P64 198.51.100.0/24 || t_bail "tayga"
nt_radvd "$R" r0 2001:db8:1::/64
run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 1800 --count 120 --interval 1

# V6ONLY_WAIT 1800 s as 4 raw bytes; dnsmasq sends it only to clients
# that put 108 in their parameter request list (RFC 8925 section 3.3).
run_bg "$R" dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --port=0 \
	--interface=r0 --bind-interfaces --log-dhcp \
	--dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,1h \
	--dhcp-option=108,00:00:07:08 --dhcp-leasefile="$NT_TMP/dnsmasq.leases"
DNSMASQ_LOG=$NT_LAST_LOG

v6only() { nt_xlatctl ipv6-only-preferred eth0 >/dev/null 2>&1; }
running() { nt_clat_is clat-eth0 "^running"; }
stopped() { nt_clat_is clat-eth0 "^stopped .*$1"; }
native4() { ip -n "$C" -4 addr show dev eth0 | grep -q 'inet 192\.0\.2\.'; }
ping4() { nx "$C" ping -c 2 -W 1 -i 0.3 203.0.113.10 >/dev/null 2>&1; }

# dhcpcd: the shipped generator decides whether the private config asks
# for option 108.  Its own script only logs (no resolv.conf,
# no hostname); noarp saves the 5 s address probe.  It runs in a mount
# namespace of its own (ip netns exec makes one) with a tmpfs on /run
# and a private /var/lib/dhcpcd, so nothing of the host's is used.
cat >"$NT_TMP/dhcpcd-hook" <<EOF
#!/bin/sh
echo "reason=\$reason ip=\${new_ip_address:-}" >>"$NT_TMP/dhcpcd-reasons"
EOF
chmod +x "$NT_TMP/dhcpcd-hook"
printf 'script %s\nnoarp\n' "$NT_TMP/dhcpcd-hook" >"$NT_TMP/dhcpcd.base.conf"
DH_N=0
dhcpcd_conf() {
	XLATCTL="$NT_XLATCTL -s $NT_XSOCK" nx "$C" "$NT_ROOT/integrations/dhcpcd/dhcpcd-conf" \
		-b "$NT_TMP/dhcpcd.base.conf" -o "$NT_TMP/dhcpcd-eth0.conf" eth0
}
# dhcpcd_cmd SECS: an IPv4-only, one-shot dhcpcd bounded by timeout SECS
# with fresh state; its log file is left in DH_LOG.
dhcpcd_cmd() {
	DH_N=$((DH_N + 1))
	local d=$NT_TMP/dhcpcd.$DH_N
	mkdir -p "$d/db"
	DH_LOG=$d/dhcpcd.log
	DH_CMD=(timeout "$1" sh -c "mount -t tmpfs tmpfs /run && mkdir /run/dhcpcd &&
		mount --bind '$d/db' /var/lib/dhcpcd &&
		exec dhcpcd -f '$NT_TMP/dhcpcd-eth0.conf' -4 -B -1 -t $(($1 - 2)) -j '$DH_LOG' eth0")
}

nt_xlatd "$C" || t_bail "xlatd did not start" "$(cat "$NT_XLOG")"
nt_wait 10 bash -c "ip -n $C -6 route show default | grep -q via" || t_bail "no SLAAC default route"

# 1. A translating CLAT: ask for 108, get it, take no lease.
t_check "CLAT running from SLAAC + PREF64 RA (no [clat] config)" nt_wait 10 running
t_check "clat-eth0 has a 192.0.0.x address" bash -c "
	ip -n $C -4 addr show dev clat-eth0 | grep -q 'inet 192\.0\.0\.'"
t_check "and the CLAT's IPv4 default route" nt_wait 2 nt_clat_route "$C" eth0
t_check "ipv6-only-preferred eth0 -> 0 with a working CLAT" v6only
dhcpcd_conf
t_check "hook: dhcpcd config requests option 108" grep -qx 'option ipv6_only_preferred' "$NT_TMP/dhcpcd-eth0.conf"
dhcpcd_cmd 20
run_bg "$C" "${DH_CMD[@]}"
DH_PID=$NT_LAST_PID
t_check "dhcpcd: 'IPv6-Only Preferred received (1800 seconds)'" \
	nt_wait 12 grep -q 'eth0: IPv6-Only Preferred received (1800 seconds)' "$DH_LOG"
t_check "dnsmasq saw 108 requested and sent it (4 bytes, 1800)" bash -c "
	grep -q 'requested options:.*108' '$DNSMASQ_LOG' &&
	grep -q 'sent size:  4 option:108 .*1800' '$DNSMASQ_LOG'"
sleep 1.5 # a lease would be requested and bound by now
t_check "no IPv4 lease: no 192.0.2.x on eth0, no DHCPREQUEST, no BOUND" bash -c "
	! ip -n $C -4 addr show dev eth0 | grep -q 'inet 192\.0\.2\.' &&
	! grep -q DHCPREQUEST '$DNSMASQ_LOG' &&
	! grep -q 'reason=BOUND' '$NT_TMP/dhcpcd-reasons'"
t_check "dhcpcd still running (waiting out V6ONLY_WAIT)" kill -0 "$DH_PID"
t_check "CLAT still running, IPv4 default route still ours" bash -c "
	ip -n $C -4 route show default | grep -Eq '(dev clat-eth0|dev eth0) proto 100' &&
	[ \$(ip -n $C -4 route show default | wc -l) -eq 1 ]"
t_check "IPv4 literal ping beyond the router works through CLAT + TAYGA" nt_wait 5 ping4
nt_kill_pids "$DH_PID"

# 2. xlatd stopped: no 108 asked, native lease taken.
kill -TERM "$NT_XPID"
wait "$NT_XPID" 2>/dev/null
t_check "xlatd stopped: its route is gone" bash -c "! kill -0 $NT_XPID 2>/dev/null && ! ip -n $C -4 route show proto 100 | grep -q ."
t_check "ipv6-only-preferred eth0 -> non-zero with xlatd down" nt_not nt_xlatctl ipv6-only-preferred eth0
dhcpcd_conf
t_check "hook: dhcpcd config does not request option 108" bash -c "! grep -q ipv6_only_preferred '$NT_TMP/dhcpcd-eth0.conf'"
dhcpcd_cmd 15
# Phase 1's exchange may have been retransmitted (two 108 lines): compare
# with the count before this lease, not with a fixed number.
N108=$(grep -c 'sent size:  4 option:108' "$DNSMASQ_LOG")
t_check "dhcpcd (one-shot) takes a lease and exits 0" nx "$C" "${DH_CMD[@]}"
t_check "native lease 192.0.2.100-150 on eth0, default via 192.0.2.1" bash -c "
	ip -n $C -4 addr show dev eth0 | grep -Eq 'inet 192\.0\.2\.(1[0-4][0-9]|150)/24' &&
	ip -n $C -4 route show default | grep -q 'via 192.0.2.1 dev eth0 proto dhcp'"
t_check "dnsmasq: no 108 sent for this lease (not requested)" bash -c "
	[ $N108 -ge 1 ] &&
	[ \$(grep -c 'sent size:  4 option:108' '$DNSMASQ_LOG') -eq $N108 ] &&
	grep -q 'DHCPACK(r0) 192.0.2.' '$DNSMASQ_LOG'"
t_check "native IPv4 ping to 203.0.113.10 via eth0" bash -c "
	ip -n $C route get 203.0.113.10 | grep -q 'via 192.0.2.1 dev eth0' &&
	ip netns exec $C ping -c 2 -W 1 -i 0.3 203.0.113.10 >/dev/null"

# 3. With the native lease xlatd keeps the CLAT down (mode auto), but
# eth0 stays IPv6-only capable (RFC 8925): the next DISCOVER asks for 108
# again, so the host can leave IPv4 once the network prefers it.
nt_xlatd_start || t_bail "xlatd did not restart" "$(cat "$NT_XLOG")"
t_check "xlatd restarted: CLAT stopped, 'native IPv4 default route on eth0'" \
	nt_wait 8 stopped "native IPv4 default route on eth0"
t_check "... and ipv6-only-preferred eth0 -> 0 all the same (capable)" nt_xlatctl ipv6-only-preferred eth0
t_check "state file: clat=stopped v6only=yes" \
	grep -q '^clat=stopped v6only=yes reason=native IPv4 default route on eth0' "$NT_XSTATE/eth0.state"
t_done
