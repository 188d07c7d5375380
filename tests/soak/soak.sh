#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make soak: a bounded run (SOAK_SECONDS, default 600) of a CLAT and a
# stateless PLAT under mixed traffic, with the NAT64 prefix changing every
# SOAK_PREFIX_EVERY seconds (30) and the client's uplink flapping every
# SOAK_FLAP_EVERY seconds (30, half a period later).  Before and after:
# RSS, open file descriptors, threads and idle CPU of both xlatd.  Not
# part of make check.  Figures: docs/soak.md.
#
#   cl: xlatd [clat c0] --- eth0 2001:db8:1::/64 --- pl: xlatd [siit sa], [siit sb]
#       fixed CLAT address 2001:db8:1::c1a7            v4 198.51.100.1
#                                                       |
#                                                      sv: 198.51.100.2
#
# The PLAT maps the CLAT's address to 192.0.2.7 (EAM) in both of its
# instances, sa with pool6 2001:db8:64::/96 and sb with 2001:db8:65::/96;
# a prefix change announces the other /96 by PREF64 (the old one with
# lifetime 0) and moves the route of 192.0.2.7 to the other instance's
# TUN.  Traffic: TCP both ways (iperf3, unpaced), UDP both ways (xgen,
# SOAK_UDP_PPS each, 20000), ping every 20 ms; each generator is bounded
# and restarted until the end.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need iperf3 ping /usr/bin/python3
nt_need_build xlatd xlatctl
XGEN=$NT_BUILD/tools/xgen
RA=$NT_BUILD/tools/pref64_ra
[ -x "$XGEN" ] && [ -x "$RA" ] || t_bail "xgen and pref64_ra are built" "make all"

DUR=${SOAK_SECONDS:-600}
PFX_EVERY=${SOAK_PREFIX_EVERY:-30}
FLAP_EVERY=${SOAK_FLAP_EVERY:-30}
UDP_PPS=${SOAK_UDP_PPS:-20000}
IDLE=${SOAK_IDLE_SECONDS:-10}
OUT=${SOAK_OUT:-$NT_BUILD/soak}
mkdir -p "$OUT"
PFX=(2001:db8:64:: 2001:db8:65::)
TUN=(siita siitb)

nt_ns cl && nt_ns pl && nt_ns sv || t_bail "namespaces"
CL=$(ns cl) PL=$(ns pl) SV=$(ns sv)
nt_veth "$CL" eth0 "$PL" eth0 && nt_veth "$PL" v4 "$SV" eth0 || t_bail "veth pairs"
# Addresses survive the flaps, as a static host's would.
nt_sysctl "$CL" net.ipv6.conf.eth0.keep_addr_on_down=1
nt_addr "$CL" eth0 2001:db8:1::10/64 nodad
nt_addr "$PL" eth0 2001:db8:1::1/64 nodad
nt_addr "$PL" eth0 fe80::64/64 nodad
nt_addr "$PL" v4 198.51.100.1/24
nt_addr "$SV" eth0 198.51.100.2/24
nx "$CL" ip -6 route add default via 2001:db8:1::1
nx "$SV" ip route add 192.0.2.0/24 via 198.51.100.1
nt_sysctl "$PL" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

PSOCK=$NT_TMP/plat.sock CSOCK=$NT_TMP/clat.sock
{
	printf '[global]\ncontrol-socket = %s\nstate-dir = %s\nclat-auto = no\n' \
		"$PSOCK" "$NT_TMP/plat.state"
	for i in 0 1; do
		printf '[siit s%s]\ntun = %s\npool6 = %s/96\nroute6 = %s/96\n' \
			"$i" "${TUN[$i]}" "${PFX[$i]}" "${PFX[$i]}"
		printf 'eam = 192.0.2.7/32 2001:db8:1::c1a7/128\nipv4-address = 192.0.2.%s\n' \
			$((i + 1))
	done
} >"$NT_TMP/plat.conf"
printf '[global]\ncontrol-socket = %s\nstate-dir = %s\nclat-auto = no\n[clat c0]\nuplink = eth0\nipv6-address = 2001:db8:1::c1a7\n' \
	"$CSOCK" "$NT_TMP/clat.state" >"$NT_TMP/clat.conf"
run_bg "$PL" "$NT_XLATD" -c "$NT_TMP/plat.conf"
PPID_=$NT_LAST_PID PLOG=$NT_LAST_LOG
run_bg "$CL" "$NT_XLATD" -c "$NT_TMP/clat.conf"
CPID=$NT_LAST_PID CLOG=$NT_LAST_LOG

cur=0
ra_pid=
# announce I: PREF64 of prefix I every 5 s (bounded), the other withdrawn,
# and 192.0.2.7 routed into instance I's TUN on the PLAT.
announce() {
	local i=$1 o=$((1 - $1))
	if [ -n "$ra_pid" ]; then
		kill "$ra_pid" 2>/dev/null
		wait "$ra_pid" 2>/dev/null
	fi
	nx "$PL" "$RA" --iface eth0 --src fe80::64 --prefix "${PFX[$o]}/96" \
		--lifetime 0 >/dev/null 2>&1
	run_bg "$PL" "$RA" --iface eth0 --src fe80::64 --prefix "${PFX[$i]}/96" \
		--lifetime 60 --interval 5 --count $((DUR / 5 + 60))
	ra_pid=$NT_LAST_PID
	nx "$PL" ip route replace 192.0.2.7/32 dev "${TUN[$i]}"
	cur=$i
}
nt_wait 10 bash -c "ip -n $PL link show siitb >/dev/null 2>&1" ||
	t_bail "the PLAT's instances run" "$(tail -5 "$PLOG")"
announce 0
clat_up() {
	ip -n "$CL" -4 route show default | grep -q . &&
		nx "$CL" ping -4 -c 1 -W 1 198.51.100.2 >/dev/null 2>&1
}
clat_state() {
	nx "$CL" "$NT_XLATCTL" -s "$CSOCK" status --json 2>/dev/null |
		nt_json_clat c0 state datapath pref64.prefix reason
}
nt_wait 20 clat_up || t_bail "the CLAT passes traffic" "$(tail -20 "$CLOG")"
t_ok "CLAT and PLAT up: $(clat_state)"

# Servers: iperf3, UDP sinks on both sides (bounded like everything).
run_bg "$SV" timeout $((DUR + 300)) iperf3 -s -p 5201
run_bg "$SV" "$XGEN" sink --port 9000 --seconds $((DUR + 300))
run_bg "$CL" "$XGEN" sink --port 9001 --seconds $((DUR + 300))
nt_wait_listen "$SV" 5201 5

HZ=$(getconf CLK_TCK)
# proc_stat PID: "rss_kib fds threads cpu_ticks"
proc_stat() {
	local rss thr ticks fds
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status")
	thr=$(awk '/^Threads:/ {print $2}' "/proc/$1/status")
	ticks=$(awk '{print $14 + $15}' "/proc/$1/stat")
	fds=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l)
	echo "$rss $fds $thr $ticks"
}
# measure PID: idle for $IDLE s; "rss fds threads cpu%" at the end.
measure() {
	local a b
	read -r -a a <<<"$(proc_stat "$1")"
	sleep "$IDLE"
	read -r -a b <<<"$(proc_stat "$1")"
	echo "${b[0]} ${b[1]} ${b[2]} $(python3 -c \
		'import sys; a = [float(x) for x in sys.argv[1:]]; print("%.2f" % ((a[0] - a[1]) * 100 / a[2] / a[3]))' \
		"${b[3]}" "${a[3]}" "$HZ" "$IDLE")"
}

# traffic UNTIL: the mixed load, each piece bounded, until time UNTIL.
traffic() {
	local until=$1
	(rev=""
	 while [ $SECONDS -lt "$until" ]; do
		nx "$CL" timeout 15 iperf3 -c 198.51.100.2 -p 5201 -t 8 $rev >/dev/null 2>&1 || sleep 1
		[ -z "$rev" ] && rev=-R || rev=""
	 done) &
	T1=$!
	(while [ $SECONDS -lt "$until" ]; do
		nx "$CL" timeout 12 "$XGEN" send --dst 198.51.100.2 --port 9000 \
			--rate "$UDP_PPS" --size 512 --seconds 10 >/dev/null 2>&1 || sleep 1
	 done) &
	T2=$!
	(while [ $SECONDS -lt "$until" ]; do
		nx "$SV" timeout 12 "$XGEN" send --dst 192.0.2.7 --port 9001 \
			--rate "$UDP_PPS" --size 512 --seconds 10 >/dev/null 2>&1 || sleep 1
	 done) &
	T3=$!
	(while [ $SECONDS -lt "$until" ]; do
		nx "$CL" timeout 12 ping -4 -q -i 0.02 -c 500 -W 1 198.51.100.2 >/dev/null 2>&1 || sleep 1
	 done) &
	T4=$!
}
traffic_wait() {
	wait "$T1" "$T2" "$T3" "$T4" 2>/dev/null
}

# Warm-up: 30 s of traffic and one prefix change, so that the buffers
# and caches every path uses exist, then the "before" figures.
traffic $((SECONDS + 30))
sleep 15
announce 1
traffic_wait
nt_wait 20 clat_up
sleep 2
read -r c_rss0 c_fd0 c_thr0 c_cpu0 <<<"$(measure "$CPID")"
read -r p_rss0 p_fd0 p_thr0 p_cpu0 <<<"$(measure "$PPID_")"
t_diag "before: clat rss $c_rss0 KiB fds $c_fd0 threads $c_thr0 idle cpu $c_cpu0 %; plat rss $p_rss0 KiB fds $p_fd0 threads $p_thr0 idle cpu $p_cpu0 %"

# rss_line EVENT: one line of $OUT/rss.tsv (seconds, event, RSS KiB of
# the CLAT and the PLAT), to see whether any growth levels off.
rss_line() {
	printf '%s\t%s\t%s\t%s\n' $((SECONDS - start)) "$1" \
		"$(awk '/^VmRSS:/ {print $2}' "/proc/$CPID/status" 2>/dev/null)" \
		"$(awk '/^VmRSS:/ {print $2}' "/proc/$PPID_/status" 2>/dev/null)" >>"$OUT/rss.tsv"
}

# The soak.
start=$SECONDS
printf 'second\tevent\tclat_rss_kib\tplat_rss_kib\n' >"$OUT/rss.tsv"
rss_line start
end=$((start + DUR))
traffic "$end"
changes=0 flaps=0
next_pfx=$((start + PFX_EVERY))
next_flap=$((start + FLAP_EVERY / 2))
while [ $SECONDS -lt "$end" ]; do
	if [ $SECONDS -ge "$next_pfx" ]; then
		announce $((1 - cur))
		changes=$((changes + 1))
		rss_line prefix
		next_pfx=$((next_pfx + PFX_EVERY))
	fi
	if [ $SECONDS -ge "$next_flap" ]; then
		nx "$CL" ip link set eth0 down
		sleep 2
		nx "$CL" ip link set eth0 up
		nx "$CL" ip -6 route replace default via 2001:db8:1::1
		flaps=$((flaps + 1))
		sleep 1
		rss_line flap
		next_flap=$((next_flap + FLAP_EVERY))
	fi
	kill -0 "$CPID" 2>/dev/null && kill -0 "$PPID_" 2>/dev/null || break
	sleep 1
done
traffic_wait
t_check "both xlatd still run after ${DUR} s, $changes prefix changes, $flaps flaps" \
	kill -0 "$CPID" "$PPID_"
t_check "the CLAT passes traffic again (20 s)" nt_wait 20 clat_up
sleep 2
read -r c_rss1 c_fd1 c_thr1 c_cpu1 <<<"$(measure "$CPID")"
read -r p_rss1 p_fd1 p_thr1 p_cpu1 <<<"$(measure "$PPID_")"
t_diag "after:  clat rss $c_rss1 KiB fds $c_fd1 threads $c_thr1 idle cpu $c_cpu1 %; plat rss $p_rss1 KiB fds $p_fd1 threads $p_thr1 idle cpu $p_cpu1 %"
now=$(clat_state)
t_check "the CLAT follows the last prefix announced (${PFX[$cur]}/96): $now" \
	grep -q "^running [a-z]* ${PFX[$cur]}/96 " <<<"$now"

counters() {
	nx "$1" "$NT_XLATCTL" -s "$2" status --json | python3 -c '
import json, sys
for i in json.load(sys.stdin)["instances"]:
    c = i["counters"]
    print(i["name"], " ".join("%s in %d out %d drops %d" % (d, c[d]["in_packets"],
          c[d]["out_packets"], c[d]["drops"]) for d in ("4to6", "6to4")))'
}
{
	echo "soak $(date -u +%FT%TZ) at $(git -C "$NT_ROOT" rev-parse --short HEAD 2>/dev/null), kernel $(uname -r), $(nproc) CPUs"
	echo "duration ${DUR} s, prefix changes $changes, link flaps $flaps, UDP $UDP_PPS pps each way, idle window $IDLE s"
	printf '%-5s %-6s %8s %4s %7s %9s\n' who when rss_KiB fds threads idle_cpu%
	printf '%-5s %-6s %8s %4s %7s %9s\n' clat before "$c_rss0" "$c_fd0" "$c_thr0" "$c_cpu0" \
		clat after "$c_rss1" "$c_fd1" "$c_thr1" "$c_cpu1" \
		plat before "$p_rss0" "$p_fd0" "$p_thr0" "$p_cpu0" \
		plat after "$p_rss1" "$p_fd1" "$p_thr1" "$p_cpu1"
	counters "$CL" "$CSOCK"
	counters "$PL" "$PSOCK"
} | tee "$OUT/figures.txt" | sed 's/^/# /'

# The same as before: fds and threads exactly; RSS within 10 % or 1 MiB
# (allocator noise); idle CPU within 0.5 point.
for w in clat plat; do
	p=${w:0:1}
	eval "r0=\$${p}_rss0 r1=\$${p}_rss1 f0=\$${p}_fd0 f1=\$${p}_fd1"
	eval "h0=\$${p}_thr0 h1=\$${p}_thr1 u0=\$${p}_cpu0 u1=\$${p}_cpu1"
	t_check "$w: open fds equal ($f0 -> $f1)" test "$f0" -eq "$f1"
	t_check "$w: threads equal ($h0 -> $h1)" test "$h0" -eq "$h1"
	t_check "$w: RSS equal within 10 % or 1 MiB ($r0 -> $r1 KiB)" python3 -c \
		'import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); sys.exit(b - a > max(1024, a // 10))' \
		"$r0" "$r1"
	t_check "$w: idle CPU equal within 0.5 point ($u0 -> $u1 %)" python3 -c \
		'import sys; sys.exit(float(sys.argv[2]) - float(sys.argv[1]) > 0.5)' "$u0" "$u1"
done
t_done
