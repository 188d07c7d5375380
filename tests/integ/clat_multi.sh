#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two uplinks, two NAT64 prefixes, no [clat] section: one automatic CLAT
# per uplink, each with its own prefix, its own 192.0.0.0/29 address and
# its own default route metric (4096 + offset), both translating.
#
#   R1 (radvd 2001:db8:1::/64, PREF64 2001:db8:64::/96, TAYGA) r0 -- eth0 C
#   R2 (radvd 2001:db8:2::/64, PREF64 2001:db8:65::/96, TAYGA) r0 -- eth1 C
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd tayga ping

nt_need_build xlatd xlatctl tools/pref64_ra
RA=$NT_BUILD/tools/pref64_ra

nt_ns c && nt_ns r1 && nt_ns r2 || t_bail "namespaces"
C=$(ns c)
nt_resolv "$C" 2001:db8:1::1

router() { # N: R$N on C's eth$((N-1)), /64 2001:db8:N::, prefix 2001:db8:6(3+N)::/96
	local n=$1 r p64
	r=$(ns r$n)
	p64=2001:db8:6$((3 + n))::/96
	nt_router "$C" eth$((n - 1)) "$r" "$n" || return 1
	nt_tayga "$r" 192.0.2.1 $p64 198.51.100.0/24 || return 1
	nt_radvd "$r" r0 2001:db8:$n::/64
	run_bg "$r" "$RA" --iface r0 --src fe80::64 --prefix $p64 --lifetime 1800 --count 120 --interval 1
}
router 1 && router 2 || t_bail "routers"

nt_xlatd "$C" || t_bail "xlatd did not start"

field() { nt_clat "$1" "$2"; } # INSTANCE KEY (pref64.prefix for the prefix)
both_running() { [ "$(field clat-eth0 state)" = running ] && [ "$(field clat-eth1 state)" = running ]; }

t_check "two automatic CLATs, both running" nt_wait 20 both_running
t_check "clat-eth0 uses 2001:db8:64::/96, clat-eth1 2001:db8:65::/96" \
	bash -c "[ '$(field clat-eth0 pref64.prefix)' = 2001:db8:64::/96 ] && [ '$(field clat-eth1 pref64.prefix)' = 2001:db8:65::/96 ]"
a0=$(field clat-eth0 clat_ipv4) a1=$(field clat-eth1 clat_ipv4)
m0=$(field clat-eth0 metric) m1=$(field clat-eth1 metric)
t_check "distinct CLAT IPv4 addresses in 192.0.0.0/29 ($a0, $a1)" \
	bash -c "[ '$a0' != '$a1' ] && case '$a0$a1' in 192.0.0.?192.0.0.?) ;; *) exit 1;; esac"
t_check "distinct metrics 4096 and 4097 ($m0, $m1)" \
	bash -c "[ \"\$(printf '%s\n' $m0 $m1 | sort -n | tr '\n' ' ')\" = '4096 4097 ' ]"
t_check "two IPv4 default routes of ours" bash -c "[ \$(ip -n $C -4 route show default proto 100 | wc -l) -eq 2 ]"
# A CLAT is chosen by binding to its uplink when its route goes via inet6
# there (the eBPF fast path), to its TUN when the route goes through it.
dev_of() {
	if ip -n "$C" -4 route show default | grep -q "via inet6 .* dev $1 proto 100"; then
		echo "$1"
	else
		echo "clat-$1"
	fi
}
nt_wait 3 bash -c "[ \$(ip -n $C -4 route show default proto 100 | grep -c 'via inet6') -eq 2 ]"
d0=$(dev_of eth0) d1=$(dev_of eth1)
t_check "IPv4 through $d0 (R1's TAYGA)" nx "$C" ping -c 2 -W 1 -i 0.3 -I "$d0" 203.0.113.10
t_check "IPv4 through $d1 (R2's TAYGA)" nx "$C" ping -c 2 -W 1 -i 0.3 -I "$d1" 203.0.113.10
t_check "each translated its own packets" \
	bash -c "[ $(field clat-eth0 counters.4to6.out_packets) -ge 2 ] && [ $(field clat-eth1 counters.4to6.out_packets) -ge 2 ]"
ip -n "$C" link set eth1 down
eth1_down() { [ "$(field clat-eth1 state)" = stopped ] && [ "$(field clat-eth1 reason)" = "link down on eth1" ]; }
t_check "eth1 down stops clat-eth1 ('link down on eth1')" nt_wait 3 eth1_down
t_check "... and not clat-eth0" test "$(field clat-eth0 state)" = running
t_check "clat-eth0 still translates" nx "$C" ping -c 2 -W 1 -i 0.3 203.0.113.10
kill -TERM "$NT_XPID"; wait "$NT_XPID" 2>/dev/null
t_check "SIGTERM: no route, no TUN of ours left" \
	bash -c "! ip -n $C -4 route show proto 100 | grep -q . && ! ip -n $C link show | grep -q clat-"
t_done
