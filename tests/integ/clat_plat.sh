#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# PLAT liveness and failover: two routers announce two NAT64 prefixes
# (PREF64), each with its own PLAT (TAYGA).  The PLAT in use stops
# translating (its TAYGA is killed: packets vanish, as behind a dead
# NAT64): the CLAT sees its traffic unanswered, confirms with a probe
# through the prefix (plat-probe), and fails over to the other prefix;
# when the first PLAT is back and the hold-down has passed, it returns.
# With both dead, status says so and the CLAT keeps trying.
#
#   C (xlatd)  eth0 ---- r0  R (radvd, pref64_ra x2, TAYGA x2, 203.0.113.10)
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
nt_addr "$R" r0 fe80::65/64 nodad
nt_radvd "$R" r0 2001:db8:1::/64

# PLAT A (64) and PLAT B (65): two TAYGAs on their own TUNs and pools.
nt_tayga "$R" 192.0.2.1 $P64 198.51.100.0/25 || t_bail "tayga A"
TAYGA_A=$NT_LAST_PID
mkdir -p "$NT_TMP/tb"
cat >"$NT_TMP/tb.conf" <<EOC
tun-device nat65
ipv4-addr 192.0.2.2
prefix $P65
dynamic-pool 198.51.100.128/25
data-dir $NT_TMP/tb
EOC
nx "$R" tayga -c "$NT_TMP/tb.conf" --mktun >/dev/null 2>&1 || t_bail "tayga B"
ip -n "$R" link set nat65 up
ip -n "$R" route add 198.51.100.128/25 dev nat65
ip -n "$R" -6 route add $P65 dev nat65
run_bg "$R" tayga -c "$NT_TMP/tb.conf" -d
TAYGA_B=$NT_LAST_PID
nt_on_exit ip -n "$R" link del nat65

nt_xlatd "$C" "[clat c0]
uplink = eth0
plat-probe = 203.0.113.10
plat-holddown = 10" || t_bail "xlatd did not start"
run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 600 --count 200 --interval 2
sleep 1 # 64 is seen first: the preferred candidate
run_bg "$R" "$RA" --iface r0 --src fe80::65 --prefix $P65 --lifetime 600 --count 200 --interval 2

t_check "CLAT runs on the first-seen prefix $P64" nt_wait_clat c0 "^running $P64 RA" 15
ping4() { nx "$C" ping -4 -c 1 -W 1 203.0.113.10 >/dev/null 2>&1; }
t_check "ping through PLAT A" nt_wait 5 ping4

# Traffic that the dead PLAT leaves unanswered (bounded: 60 s at 5/s).
run_bg "$C" ping -4 -q -i 0.2 -w 60 203.0.113.10
kill "$TAYGA_A"; wait "$TAYGA_A" 2>/dev/null
t0=$SECONDS
t_check "PLAT A dead: failed over to $P65 within 12 s" nt_wait 12 nt_clat_is c0 "^running $P65 RA .*failed over from $P64"
t_diag "after $((SECONDS - t0)) s"
t_check "status says why" bash -c "[[ '$(nt_clat c0 plat)' == 'failed over from $P64 (its PLAT does not translate)' ]]"
t_check "ping through PLAT B" nt_wait 5 ping4
t_check "the log says which prefix is in use and why" grep -q "NAT64 prefix $P65 in use now: failed over" "$NT_XLOG"

# PLAT A back: the probes see it, and after the 10 s hold-down it is used again.
run_bg "$R" tayga -c "$NT_TMP/tayga.$R.conf" -d
t_check "PLAT A back: returned to $P64 after the hold-down" nt_wait 30 nt_clat_is c0 "^running $P64 RA NAT64 prefix $P64 from RA on eth0\$"
t_check "ping through PLAT A again" nt_wait 5 ping4
sw=$(grep -c "in use now" "$NT_XLOG")
t_check "exactly two switches (no flapping): $sw" test "$sw" -eq 2

# Both dead: reported, still trying, nothing torn down.
for p in $(ip netns pids "$R"); do
	[ "$(cat /proc/"$p"/comm 2>/dev/null)" = tayga ] && kill "$p"
done
run_bg "$C" ping -4 -q -i 0.2 -w 30 203.0.113.10
t_check "both PLATs dead: status says none translates" nt_wait 25 nt_clat_is c0 "^running .*does not translate"
t_check "the CLAT keeps its route meanwhile" nt_clat_route "$C" eth0
t_done
