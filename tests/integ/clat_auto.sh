#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The self-configuring CLAT with no [clat] section: it comes up from
# SLAAC + a PREF64 RA, translates (TAYGA is the PLAT), follows prefix
# changes, withdrawal, expiry, a native IPv4 default route, link
# down/up, interface removal, and a kill -9 restart leaves nothing twice.
#
#   C (client, xlatd)  eth0 ---- r0  R (radvd, pref64_ra, TAYGA,
#                                       203.0.113.10 on lo)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga ping

nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra
P64=2001:db8:64::/96
P65=2001:db8:65::/96

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_resolv "$C" 2001:db8:1::1

nt_tayga "$R" 192.0.2.1 $P64 198.51.100.0/24 || t_bail "tayga"
nt_radvd "$R" r0 2001:db8:1::/64

running() { nt_clat_is clat-eth0 "^running ${1:-}"; }
stopped() { nt_clat_is clat-eth0 "^stopped .*${1:-}"; }
clat_route() { nt_clat_route "$C" eth0; }
ping4() { nx "$C" ping -c 2 -W 1 -i 0.3 203.0.113.10 >/dev/null 2>&1; }
ra_bg() { # prefix lifetime count interval
	run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix "$1" --lifetime "$2" --count "$3" --interval "$4"
	RA_PID=$NT_LAST_PID
}
ra_stop() { [ -n "${RA_PID:-}" ] && kill "$RA_PID" 2>/dev/null; wait "$RA_PID" 2>/dev/null; RA_PID=; }

nt_xlatd "$C" || t_bail "xlatd did not start: $(cat "$NT_XLOG")"
nt_wait 10 bash -c "ip -n $C -6 route show default | grep -q via" || t_bail "no SLAAC default route"
nt_wait 5 bash -c "ip -n $C -6 addr show dev eth0 scope global -tentative | grep -q 2001:db8:1:"
t_check "no prefix yet: clat-eth0 stopped with reason 'no NAT64 prefix'" nt_wait 5 stopped "no NAT64 prefix on eth0"
t_check "state file says stopped" grep -q '^clat=stopped v6only=yes reason=no NAT64 prefix' "$NT_XSTATE/eth0.state"
t_check "ipv6-only-preferred eth0 -> 0 before NAT64 (RFC 8925: a CLAT is enabled for eth0)" nt_xlatctl ipv6-only-preferred eth0

# 1. Comes up from the RA alone.
ra_bg $P64 1800 300 1
t_check "CLAT comes up from the PREF64 RA, no config" nt_wait 8 running "$P64 RA"
t_check "IPv4 default route of the CLAT, protocol 100, metric 4096" \
	nt_wait 2 nt_clat_route "$C" eth0 "metric 4096"
t_check "IPv4 ping through the CLAT and TAYGA" ping4
t_check "state file says running" grep -q '^clat=running v6only=yes reason=NAT64 prefix 2001:db8:64::/96 from RA' "$NT_XSTATE/eth0.state"
t_check "ipv6-only-preferred eth0 -> 0" nt_xlatctl ipv6-only-preferred eth0
status_ok() {
	nt_xlatctl status --json | /usr/bin/python3 -c '
import json, sys
i = [x for x in json.load(sys.stdin)["instances"] if x["name"] == "clat-eth0"][0]
c = i["config"]
assert c["clat_ipv4"].startswith("192.0.0."), c
assert c["clat_ipv6"].startswith("2001:db8:1:"), c
assert c["mtu"] == 1472 and c["metric"] == 4096, c
assert 1700 < c["pref64"]["lifetime_s"] <= 1800, c
assert i["counters"]["4to6"]["out_packets"] >= 2, i
'
}
t_check "status --json has both addresses, MTU, metric, lifetime" status_ok

# 2. Native IPv4 appears on eth0 -> stop; leaves -> start.
ip -n "$C" addr add 192.0.2.50/24 dev eth0
ip -n "$C" route add default via 192.0.2.1 dev eth0
t_check "native IPv4 default route: CLAT stops, says why" nt_wait 3 stopped "native IPv4 default route on eth0"
t_check "and its route and TUN are gone" bash -c "! ip -n $C link show clat-eth0 >/dev/null 2>&1"
ip -n "$C" route del default via 192.0.2.1 dev eth0
ip -n "$C" addr del 192.0.2.50/24 dev eth0
t_check "native IPv4 gone: CLAT runs again" nt_wait 3 running "$P64"
t_check "ping works again" nt_wait 5 ping4

# 3. Link down / up (the uplink itself: the kernel flushes its SLAAC
# address and routes; on up it solicits and radvd answers).
ip -n "$C" link set eth0 down
t_check "link down: CLAT stops ('link down')" nt_wait 3 stopped "link down on eth0"
ip -n "$C" link set eth0 up
t_check "link up: CLAT runs again" nt_wait 15 running "$P64"

# 4. Renumbering: the same router announces 65 instead of 64, whose
# 1800 s lifetime has not run out.  65 replaces 64 at once.
ra_stop
t0=$(date +%s.%N)
ra_bg $P65 1800 300 1
nt_wait 3 running "$P65 RA"
t1=$(date +%s.%N)
dt=$(echo "$t1 - $t0" | bc)
t_check "the router's new prefix takes over within a second (took ${dt}s)" \
	bash -c "[ \"\$(echo '$dt < 1.0' | bc)\" = 1 ]"
t_check "running with it" running "$P65 RA"
t_check "log says why it reconfigured" nt_wait 2 grep -q "reconfiguring: NAT64 prefix 2001:db8:64::/96 -> 2001:db8:65::/96" "$NT_XLOG"
# Another router's prefix is a candidate only: the working one stays.
nt_addr "$R" r0 fe80::66/64 nodad
nx "$R" "$RA" --iface r0 --src fe80::66 --prefix 2001:db8:66::/96 --lifetime 600 --count 1 >/dev/null
sleep 1
t_check "a second router's prefix does not take over" running "$P65 RA"
nx "$R" "$RA" --iface r0 --src fe80::66 --prefix 2001:db8:66::/96 --lifetime 0 --count 1 >/dev/null
nx "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 0 --count 1 >/dev/null

# 5. Withdrawal (lifetime 0).
ra_stop
nx "$R" "$RA" --iface r0 --src fe80::64 --prefix $P65 --lifetime 0 --count 1 >/dev/null
t_check "withdrawal: CLAT stops, 'no NAT64 prefix'" nt_wait 2 stopped "no NAT64 prefix"
t_check "and no IPv4 default route of ours is left" bash -c "! ip -n $C -4 route show proto 100 | grep -q ."

# 6. Expiry: one RA with lifetime 16 s, then silence.
nx "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 16 --count 1 >/dev/null
t0=$(date +%s.%N)
t_check "short-lived prefix: CLAT up" nt_wait 3 running "$P64"
nt_wait 25 stopped "no NAT64 prefix"
t1=$(date +%s.%N)
dt=$(echo "$t1 - $t0" | bc 2>/dev/null || /usr/bin/python3 -c "print($t1-$t0)")
t_check "expiry: CLAT gone 16-18.5 s after the RA (took ${dt}s)" \
	/usr/bin/python3 -c "import sys; sys.exit(0 if 15.5 <= $dt <= 18.5 else 1)"

# 7. kill -9 then start again: no duplicates, no leftovers.
ra_bg $P64 1800 300 1
nt_wait 5 running "$P64"
kill -KILL "$NT_XPID"; wait "$NT_XPID" 2>/dev/null
t_check "after kill -9 no clat-eth0 TUN is left" bash -c "! ip -n $C link show clat-eth0 >/dev/null 2>&1"
nt_xlatd_start
t_check "restart: CLAT running again" nt_wait 8 running "$P64"
t_check "exactly one IPv4 default route of ours" bash -c "[ \$(ip -n $C -4 route show default proto 100 | wc -l) -eq 1 ]"
t_check "ping after restart" nt_wait 5 ping4

# 8. SIGHUP keeps it; SIGTERM removes all.
kill -HUP "$NT_XPID"
sleep 1
t_check "SIGHUP: still running" running "$P64"

# 9. Interface removed.
ip -n "$C" link del eth0
t_check "interface removed: its automatic CLAT is gone" nt_wait 3 nt_not nt_clat_is clat-eth0 .
t_check "... with its TUN and route" bash -c "! ip -n $C link show clat-eth0 >/dev/null 2>&1 && ! ip -n $C -4 route show proto 100 | grep -q ."
kill -TERM "$NT_XPID"; wait "$NT_XPID" 2>/dev/null
t_check "SIGTERM: xlatd exits, no route of ours" bash -c "! kill -0 $NT_XPID 2>/dev/null && ! ip -n $C -4 route show proto 100 | grep -q ."
ra_stop
t_done
