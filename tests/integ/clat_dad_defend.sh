#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DAD that holds up: a host on the link (tools/dad_defend.py, scapy)
# claims the first two CLAT addresses it sees probed; xlatd moves on to a
# third and runs with it.  When the host claims every address, xlatd gives
# up after its bounded tries, says why in status, and leaves nothing on
# the host (no TUN, no IPv4 route).
#
#   C (xlatd)  eth0 ---- r0  R (radvd, pref64_ra, dad_defend.py)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd /usr/bin/python3
/usr/bin/python3 -c 'import scapy' 2>/dev/null || t_bail "python3-scapy missing"
nt_need_build xlatd xlatctl tools/pref64_ra
P64=2001:db8:64::/96
DEFEND=$NT_ROOT/tests/tools/dad_defend.py

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_router "$C" eth0 "$R" 1 || t_bail "router link"
nt_radvd "$R" r0 2001:db8:1::/64
run_bg "$R" "$NT_BUILD/tools/pref64_ra" --iface r0 --src fe80::64 --prefix $P64 \
	--lifetime 1800 --count 100 --interval 2
nt_wait 10 bash -c "ip -n $C -6 addr show dev eth0 scope global -tentative | grep -q 2001:db8:1:" ||
	t_bail "no SLAAC address"

# 1. Two addresses defended: the third one is ours.
run_bg "$R" /usr/bin/python3 -u "$DEFEND" r0 2 60
DLOG=$NT_LAST_LOG
sleep 1 # the sniffer is listening
nt_xlatd "$C" || t_bail "xlatd did not start"
t_check "CLAT runs after two addresses in a row were defended" nt_wait_clat clat-eth0 '^running' 15
t_check "the defender claimed two addresses" bash -c "[ \$(grep -c '^defend' '$DLOG') -eq 2 ]"
t_check "xlatd logged both conflicts" bash -c "[ \$(grep -c 'DAD: .* is in use on eth0' '$NT_XLOG') -eq 2 ]"
mine=$(nt_clat clat-eth0 clat_ipv6)
t_check "its address ($mine) is none of the defended ones" bash -c "! grep -q ' $mine\$' '$DLOG'"
t_check "its address is checksum-neutral in the SLAAC /64" bash -c "[[ '$mine' == 2001:db8:1:* ]]"
nt_xlatd_stop

# 2. Every address defended: bounded tries, a reason, nothing left.
run_bg "$R" /usr/bin/python3 -u "$DEFEND" r0 99 60
sleep 1
nt_xlatd "$C" || t_bail "xlatd did not start"
t_check "after 3 defended addresses: failed, and status says why" \
	nt_wait_clat clat-eth0 '^failed .*3 addresses in a row were in use on eth0' 15
t_check "the state file says why" grep -q 'addresses in a row were in use' "$NT_XSTATE/eth0.state"
t_check "no TUN and no IPv4 route left behind" bash -c \
	"! ip -n $C link show clat-eth0 2>/dev/null && [ -z \"\$(ip -n $C -4 route show)\" ]"
nt_xlatd_stop
t_done
