#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults from outside under a running CLAT (issue 14 item 4, docs/faults.md):
# its TUN deleted, its eBPF filters and the clsact qdisc removed, the
# uplink's MAC changed, a netlink overrun in a burst of route changes, the
# state directory not writable, SIGTERM during DAD, a tcx link detached.  After each, xlatd
# keeps working or says why and comes back, and never leaves the host
# half-configured.  The stepped clock is tests/integ/faults_clock.sh.
#
#   C (client, xlatd)  eth0 ---- r0  R (radvd, TAYGA, 203.0.113.10 on lo)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga ping tc bpftool
nt_need_build xlatd xlatctl
P64=2001:db8:64::/96
NAME=c0
TUN=clat-eth0

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_tayga "$R" 192.0.2.1 $P64 198.51.100.0/24 || t_bail "tayga"
nt_radvd "$R" r0 2001:db8:1::/64

running() { nt_clat_is $NAME "^running"; }
stopped() { nt_clat_is $NAME "^stopped .*${1:-}"; }
ping4() { nx "$C" ping -c 2 -W 1 -i 0.3 203.0.113.10 >/dev/null 2>&1; }
tun_idx() { ip -n "$C" -o link show "$TUN" 2>/dev/null | cut -d: -f1; }
clat_route() { nt_clat_route "$C" eth0; }
up_filter() { ip netns exec "$C" tc filter show dev eth0 ingress 2>/dev/null | grep -q clat_up_ingress; }
# log_count REGEX: lines of this run's xlatd log that match.
log_count() { grep -Ec "$1" "$NT_XLOG"; }
field() { nt_clat $NAME "$1"; }
nt_clat_is_sf() { field state_file_error | grep -Eq "$1"; }
nt_clat_is_fp() { [ "$(field datapath)" = userspace ] && field fastpath_reason | grep -Eq "$1"; }

nt_xlatd "$C" "[clat $NAME]
uplink = eth0
tun = $TUN
pref64 = $P64
bpf-attach = clsact" || t_bail "xlatd did not start: $(cat "$NT_XLOG")"
nt_wait 10 bash -c "ip -n $C -6 route show default | grep -q via" || t_bail "no SLAAC default route"
t_check "the CLAT runs (static pref64, clsact fast path)" nt_wait 10 running
t_check "ping through the CLAT" nt_wait 5 ping4
t_check "fast path attached with clsact" up_filter

# 1. The TUN deleted from outside: a new TUN and route within seconds.
idx=$(tun_idx)
t0=$SECONDS
ip -n "$C" link del "$TUN"
back() { running && [ -n "$(tun_idx)" ] && [ "$(tun_idx)" != "$idx" ] && clat_route; }
t_check "TUN deleted: a new $TUN and its route within 5 s" nt_wait 5 back
t_diag "back after $((SECONDS - t0)) s (ifindex $idx -> $(tun_idx))"
# Whichever sees it first: the TUN reader's error or the once-a-second check.
t_check "log says why it restarted" nt_wait 2 grep -Eq "TUN $TUN \(ifindex $idx\) was removed from outside|restarting the CLAT, which failed: TUN read" "$NT_XLOG"
t_check "ping works again" nt_wait 5 ping4
t_check "exactly one IPv4 default route of ours" bash -c "[ \$(ip -n $C -4 route show default proto 100 | wc -l) -eq 1 ]"

# 2. The eBPF filter, then the whole clsact qdisc, removed from outside.
n0=$(log_count "was removed from outside: attaching again")
nx "$C" tc filter del dev eth0 ingress
t_check "tc filter del: the filter is back within 3 s" nt_wait 3 up_filter
more_logs() { [ "$(log_count "$1")" -gt "$2" ]; }
t_check "log says it attached again" nt_wait 2 more_logs "was removed from outside: attaching again" "$n0"
t_check "still running, datapath bpf" test "$(field state) $(field datapath)" = "running bpf"
fp0=$(field fastpath.fp_6to4_translated)
t_check "ping works with the filter back" ping4
fp1=$(field fastpath.fp_6to4_translated)
t_check "and goes through the fast path again ($fp0 -> $fp1 translated 6->4)" test "$fp1" -gt "$fp0"
nx "$C" tc qdisc del dev eth0 clsact
t_check "tc qdisc del clsact: qdisc and filter back within 3 s" nt_wait 3 up_filter
t_check "ping works" ping4
t_check "one filter of ours on eth0, not two" bash -c "[ \$(ip netns exec $C tc filter show dev eth0 ingress | grep -c clat_up_ingress) -eq 1 ]"

# Removed again and again: after 5 re-attachments within a minute the
# CLAT stays on the userspace path (datapath = auto) and says why.
for i in 3 4 5; do
	nx "$C" tc filter del dev eth0 ingress
	nt_wait 3 up_filter || break
done
t_check "five removals within a minute: attached again each time" up_filter
nx "$C" tc filter del dev eth0 ingress
t_check "the sixth: userspace data path, status says why" nt_wait 3 nt_clat_is_fp "removed from outside 6 times"
t_check "... the route goes through $TUN" nt_wait 2 bash -c "ip -n $C -4 route show default proto 100 | grep -q 'dev $TUN'"
t_check "... and ping works" ping4
t_check "... no filter of ours left on eth0" nt_not up_filter

# 3. A new MAC on the uplink: the neighbours learn it from an unsolicited
# NA, and NS answers carry it.
addr6=$(field clat_ipv6)
mac_of() { ip -n "$R" neigh show "$addr6" dev r0 | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2; }
ping4
old=$(mac_of)
new=02:00:5e:10:00:99
ip -n "$C" link set eth0 address $new
t_check "MAC changed: the router's entry for $addr6 has it within 3 s (was $old)" \
	nt_wait 3 bash -c "ip -n $R neigh show $addr6 dev r0 | grep -q 'lladdr $new'"
t_check "ping works with the new MAC" nt_wait 3 ping4
ip -n "$R" neigh flush dev r0
ping4
t_check "after a neighbour flush the NS answer carries the new MAC" \
	bash -c "ip -n $R neigh show $addr6 dev r0 | grep -q 'lladdr $new'"
t_check "log says the NA answers follow" grep -q "MAC .* -> $new: NA answers" "$NT_XLOG"

# 4. Netlink overrun: a thousand route changes at once; a native IPv4
# default route added in the middle of them stops the CLAT, removing it
# afterwards starts it again.
{
	echo "address add 192.0.2.50/24 dev eth0"
	for i in $(seq 0 499); do printf 'route add 2001:db8:ff:%x::/64 dev eth0\n' "$i"; done
	echo "route add default via 192.0.2.1 dev eth0"
	for i in $(seq 1 250); do printf 'route add 198.51.100.%d/32 dev eth0\n' "$i"; done
	for i in $(seq 20 249); do printf 'route add 203.0.113.%d/32 dev eth0\n' "$i"; done
	for i in $(seq 0 499); do printf 'route del 2001:db8:ff:%x::/64 dev eth0\n' "$i"; done
	for i in $(seq 1 250); do printf 'route del 198.51.100.%d/32 dev eth0\n' "$i"; done
	for i in $(seq 20 249); do printf 'route del 203.0.113.%d/32 dev eth0\n' "$i"; done
} >"$NT_TMP/burst"
ov0=$(log_count "netlink event overrun")
nx "$C" ip -batch "$NT_TMP/burst"
t_check "burst with a native IPv4 default: the CLAT stops" nt_wait 5 stopped "native IPv4 default route on eth0"
t_check "... and removes its TUN and route" nt_wait 2 bash -c "! ip -n $C link show $TUN >/dev/null 2>&1 && ! ip -n $C -4 route show proto 100 | grep -q ."
if [ "$(log_count "netlink event overrun")" -gt "$ov0" ]; then
	t_ok "the burst overran the link monitor's socket (ENOBUFS) and it took a fresh snapshot"
else
	t_skip "the burst overran the link monitor's socket" "no ENOBUFS this time: the kernel kept up"
fi
t_check "the link monitor is still in step (no snapshot left failing)" \
	bash -c "! tail -n 50 '$NT_XLOG' | grep -q 'trying again every' || grep -q 'in step again' '$NT_XLOG'"
nx "$C" ip route del default via 192.0.2.1 dev eth0
nx "$C" ip addr del 192.0.2.50/24 dev eth0
t_check "native default removed after the burst: the CLAT runs again" nt_wait 5 running
t_check "ping works" nt_wait 5 ping4

# 5. The state directory not writable: a file in its place (root ignores
# chmod).  xlatd goes on, logs it once, status says so, and writes the
# file again once it can.
t_check "state file written" grep -q '^clat=running' "$NT_XSTATE/eth0.state"
rm -rf "$NT_XSTATE" && touch "$NT_XSTATE"
for i in 1 2; do
	ip -n "$C" addr add 192.0.2.50/24 dev eth0
	ip -n "$C" route add default via 192.0.2.1 dev eth0
	nt_wait 3 stopped "native IPv4"
	ip -n "$C" route del default via 192.0.2.1 dev eth0
	ip -n "$C" addr del 192.0.2.50/24 dev eth0
	nt_wait 5 running
done
t_check "xlatd still runs" kill -0 "$NT_XPID"
t_check "CLAT running after 4 decisions without a state file" running
t_check "status says the state file could not be written" nt_clat_is_sf "could not be written"
t_check "the error is logged once, not per write" bash -c "[ \$(grep -c 'state file .* (logged once)' '$NT_XLOG') -eq 1 ]"
rm -f "$NT_XSTATE"
t_check "directory back: the file is written again within 3 s" nt_wait 3 grep -q '^clat=running' "$NT_XSTATE/eth0.state"  || t_diag "$(ls -la "$NT_XSTATE" 2>&1; cat "$NT_XSTATE"/* 2>&1)"
t_check "... and nothing else there (no temporary file, no other name)" test "$(ls -A "$NT_XSTATE")" = eth0.state
t_check "status no longer shows the error" nt_clat_is_sf "^-$"
t_check "log says state files are written again" grep -q "state files are written again" "$NT_XLOG"

# 6. SIGTERM during DAD (3 probes 1 s apart on this uplink only):
# prompt exit, no TUN, no route, no filter.
nt_xlatd_stop
nt_sysctl "$C" net.ipv6.conf.eth0.dad_transmits=3 net.ipv6.neigh.eth0.retrans_time_ms=1000
nt_xlatd_start || t_bail "xlatd restart"
t_check "DAD running (3 probes, 1 s apart)" nt_wait 5 nt_clat_is $NAME "^waiting .*duplicate address detection"
t_check "the TUN exists during DAD" ip -n "$C" link show "$TUN"
t0=$(date +%s%N)
kill -TERM "$NT_XPID"
gone() { ! kill -0 "$NT_XPID" 2>/dev/null; }
nt_wait 3 gone
ms=$((($(date +%s%N) - t0) / 1000000))
t_check "SIGTERM during DAD: exits within 1 s (took $ms ms)" test "$ms" -lt 1000
t_check "it was still in DAD when it got the signal" nt_not grep -q "state running" "$NT_XLOG"
t_check "no TUN left" nt_not ip -n "$C" link show "$TUN"
t_check "no route of ours left" bash -c "! ip -n $C route show proto 100 | grep -q . && ! ip -n $C -6 route show proto 100 | grep -q ."
no_filter() {
	! { nx "$C" tc filter show dev eth0 ingress; nx "$C" tc filter show dev eth0 egress; } 2>/dev/null |
		grep -q clat_
}
t_check "no TC filter left (uplink ingress and egress)" no_filter
NT_XPID=

# 7. A tcx link (the default attach) detached by others with
# BPF_LINK_DETACH: attached again, like a removed clsact filter.
nt_sysctl "$C" net.ipv6.conf.eth0.dad_transmits=1
nt_xlatd "$C" "[clat $NAME]
uplink = eth0
tun = $TUN
pref64 = $P64" || t_bail "xlatd (tcx) did not start"
t_check "tcx: the CLAT runs" nt_wait 10 running
# tcx_link: the id of xlatd's tcx link on eth0 ingress, attached.
tcx_link() {
	local f id
	for f in /proc/"$NT_XPID"/fdinfo/*; do
		grep -q '^link_type:.*tcx' "$f" 2>/dev/null || continue
		grep -q '^attach_type:.*46' "$f" && grep -q "^ifindex:[[:space:]]*$up_idx\$" "$f" || continue
		id=$(sed -n 's/^link_id:[[:space:]]*//p' "$f")
		echo "$id"
		return 0
	done
	return 1
}
up_idx=$(ip -n "$C" -o link show eth0 | cut -d: -f1)
l0=$(tcx_link)
t_check "tcx: xlatd holds a tcx link on eth0 ingress ($l0)" test -n "$l0"
bpftool link detach id "$l0"
new_link() { l=$(tcx_link) && [ "$l" != "$l0" ]; }
t_check "bpftool link detach: a new tcx link on eth0 ingress within 3 s" nt_wait 3 new_link
t_check "tcx: log says it attached again" grep -q "was removed from outside: attaching again" "$NT_XLOG"
t_check "tcx: ping works" nt_wait 3 ping4
nt_xlatd_stop
t_done
