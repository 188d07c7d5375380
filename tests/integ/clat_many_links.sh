#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A container host: a hundred links before the uplink (a bridge with the
# host ends of 50 veth pairs, as Docker or Podman leave them; the other
# ends unbridged, as Calico's), then an uplink that comes later (an LTE
# modem plugged in, a VPN).  The automatic CLAT must see it and come up,
# whatever the number of links (the link monitor once kept the first 64
# and never saw the rest); the container links must cost it no sockets;
# 100 service /128s added later must not hide the SLAAC /64; a routing
# daemon's churn of prefix routes must not make it dump the routing
# table each time; shell patterns in ignore-interfaces and interfaces
# keep the container links out.
#
#   C: lo, br0, 50 x (ctN in br0, peer cpN), eth0 last ---- r0 R (radvd,
#      pref64_ra)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd jq
nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra
P64=2001:db8:64::/96
PAIRS=50

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
ip -n "$C" link add br0 type bridge && ip -n "$C" link set br0 up || t_bail "bridge"
for i in $(seq "$PAIRS"); do
	printf 'link add ct%d type veth peer name cp%d\nlink set ct%d master br0\nlink set ct%d up\nlink set cp%d up\n' \
		"$i" "$i" "$i" "$i" "$i"
done >"$NT_TMP/links.batch"
ip -n "$C" -batch "$NT_TMP/links.batch" || t_bail "container links"
t_diag "links before the uplink: $(ip -n "$C" -o link show | wc -l)"

nt_xlatd_noconf "$C"
t_check "xlatd starts" test -S "$NT_XSOCK"

# The uplink comes last: its ifindex is above every container link's.
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
t_diag "uplink ifindex $(ip -n "$C" -o link show dev eth0 | cut -d: -f1) of $(ip -n "$C" -o link show | wc -l) links"
nt_radvd "$R" r0 2001:db8:1::/64
run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 600 --count 60 --interval 1
t_check "the automatic CLAT comes up on the late uplink" \
	nt_wait 20 nt_clat_is clat-eth0 "^running $P64 RA"
dedicated() {
	read -r m a <<<"$(nt_clat clat-eth0 address_mode clat_ipv6)"
	[ "$m" = dedicated ] && [[ $a == 2001:db8:1:0:* ]]
}
t_check "its address is a dedicated one from the SLAAC /64" nt_wait 15 dedicated
ADDR6=$(nt_clat clat-eth0 clat_ipv6)
# A server's service addresses, added after boot: 100 /128s, listed
# before the SLAAC one (the kernel lists the newest first).  The monitor
# once read the first 64, lost the /64 and moved the CLAT to shared
# mode on a service address.
for i in $(seq 100); do
	printf 'addr add 2001:db8:5::%x/128 dev eth0 nodad\n' "$i"
done | ip -n "$C" -batch - || t_bail "service addresses"
sleep 2
t_check "100 service addresses later: still dedicated, same address" \
	bash -c "[ \"\$1\" = 'dedicated $ADDR6' ]" _ "$(nt_clat clat-eth0 address_mode clat_ipv6)"
running() { nt_xlatctl status --json | jq -r '[.instances[] | select(.state == "running") | .name] | join(" ")'; }
only_eth0() { [ "$(running)" = clat-eth0 ]; }
t_check "only the uplink's CLAT runs (the container links: none)" nt_wait 10 only_eth0
# Discovery (an RA listener and an epoll fd each) only on links that
# got an IPv6 default route: not on the 50 unbridged veth ends.
nfd=$(ls "/proc/$NT_XPID/fd" | wc -l)
t_diag "xlatd holds $nfd file descriptors"
t_check "no discovery sockets for the container links (fewer than 60 fds)" test "$nfd" -lt 60

# 20 more links while it runs: the CLAT stays, the monitor keeps up.
for i in $(seq 101 120); do
	printf 'link add ct%d type veth peer name cp%d\nlink set ct%d master br0\n' "$i" "$i" "$i"
done | ip -n "$C" -batch - || t_diag "more links failed"
sleep 1
t_check "20 more container links: the CLAT keeps running" nt_clat_is clat-eth0 "^running $P64 RA"
# The container links' instances never ran: their lines are debug-level
# (a pod coming or going is not news); the uplink's are info.
t_check "no info-level line about the container links' instances" \
	nt_not grep -Eq '\[clat-(cp[0-9]+|br0)\]: info:' "$NT_XLOG"
t_check "the uplink's instance logs at info" grep -q '\[clat-eth0\]: info: state running' "$NT_XLOG"
t_check "the link monitor knows every link" \
	bash -c "[ \"\$1\" = \"\$2\" ]" _ "$(nt_xlatctl status --json | jq -r .link_monitor.links)" \
	"$(ip -n "$C" -o link show | wc -l)"

# A routing daemon's churn (Calico, BIRD): prefix routes come and go;
# they change no fact of the link monitor, so no dumps for them.
lm() { nt_xlatctl status --json | jq -r ".link_monitor.$1"; }
s0=$(lm snapshots) k0=$(lm events_skipped)
for i in $(seq 60); do
	ip -n "$C" route add 10.9.$i.0/24 dev br0 proto 42
	ip -n "$C" route del 10.9.$i.0/24 dev br0 proto 42
	sleep 0.02
done
sleep 0.5
s1=$(lm snapshots) k1=$(lm events_skipped)
t_diag "during the churn: $((s1 - s0)) snapshots, $((k1 - k0)) wake-ups without one"
t_check "120 prefix route events: woken, no dump taken for them (at most an RA's)" \
	bash -c "[ $((k1 - k0)) -ge 20 ] && [ $((s1 - s0)) -le 3 ]"
t_check "the CLAT runs on" nt_clat_is clat-eth0 "^running $P64 RA"

ip -n "$C" link set eth0 down
t_check "the late uplink goes down: its CLAT stops" \
	nt_wait 10 nt_not nt_clat_is clat-eth0 "^running"
nt_xlatd_stop

# The operator's word for it: names and shell patterns in
# ignore-interfaces and interfaces (xlatd.conf(5)).
ip -n "$C" link set eth0 up
names() { nt_xlatctl status --json | jq -r '[.instances[].name] | sort | join(" ")'; }
for extra in "ignore-interfaces = cp* br0" "interfaces = eth*"; do
	run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 600 --count 30 --interval 1
	nt_xlatd "$C" "$extra"
	t_check "$extra: the uplink's CLAT runs" nt_wait 20 nt_clat_is clat-eth0 "^running $P64 RA"
	t_check "$extra: no instance for the other links" \
		bash -c '[ "$1" = clat-eth0 ]' _ "$(names)"
	nt_xlatd_stop
done
# The same by a reload: the instances of the links now ignored go.
nt_xlatd "$C"
t_check "no lists: an instance for every candidate link" \
	nt_wait 10 bash -c '[ "$(ip netns exec "$1" "$2" -s "$3" status --json | jq "[.instances[]] | length")" -gt 50 ]' \
	_ "$C" "$NT_XLATCTL" "$NT_XSOCK"
nt_xlatd_conf "$NT_XCONF" "$NT_XSOCK" "$NT_XSTATE" "ignore-interfaces = cp* br0"
kill -HUP "$NT_XPID"
only_uplink() { [ "$(names)" = clat-eth0 ]; }
t_check "SIGHUP with ignore-interfaces = cp* br0: only clat-eth0 is left" nt_wait 5 only_uplink
nt_xlatd_stop
t_done
