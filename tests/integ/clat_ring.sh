#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The userspace CLAT's batched uplink I/O with packets bigger than a
# frame of its receive ring (src/datapath/pktring.c, 2048 bytes): on a
# 9000-byte uplink, IPv6 datagrams of 1000, 4000 and 8000 bytes to the
# CLAT address reach an IPv4 socket on the host whole and in order (the
# big ones read from the socket's queue: TP_STATUS_COPY, what a GRO
# packet takes); the same sizes the other way leave as frames on the
# packet socket and reach the server whole.
#
#   C (xlatd, userspace)  eth0 ==mtu 9000== r0  R (2001:db8:64::c633:6402
#                                                  = 198.51.100.2 in pref64)
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need /usr/bin/python3
nt_need_build xlatd xlatctl
SRV6=2001:db8:64::c633:6402

nt_ns c && nt_ns r || t_bail "namespaces"
C=$(ns c) R=$(ns r)
nt_veth "$C" eth0 "$R" r0 9000 || t_bail "link"
nt_addr "$C" eth0 2001:db8:1::2/64 nodad && nt_addr "$R" r0 2001:db8:1::1/64 nodad ||
	t_bail "addresses"
ip -n "$R" addr add $SRV6/128 dev lo
ip -n "$C" -6 route add default via 2001:db8:1::1 dev eth0 || t_bail "route"
nx "$C" ping -6 -c 1 -W 2 $SRV6 >/dev/null || t_bail "no IPv6 between C and R"

nt_xlatd "$C" "[clat c0]
uplink = eth0
pref64 = 2001:db8:64::/96
ipv6-address = 2001:db8:1::64
datapath = userspace" || t_bail "xlatd did not start"
nt_wait_clat c0 '^running' 15 || t_bail "CLAT not running: $(tail -n 5 "$NT_XLOG")"
# Idle, the two workers run at the daemon's own priority (field 19 of
# /proc/PID/task/TID/stat); they take worker-nice (default -5) only while
# they carry a stream (checked below, under a stream).
nices() { for t in /proc/$NT_XPID/task/*/stat; do awk '{ print $19 }' "$t"; done | sort -n | tr '\n' ' '; }
idle=$(nices)
t_check "idle: every thread at nice 0 ($idle), worker-nice -5 in the status" \
	bash -c "[ '$idle' = '0 0 0 ' ] && [ '$(nt_clat c0 worker_nice)' = -5 ] &&
		[ '$(nt_clat c0 worker_nice_now)' = '0 0' ]"
qd=$(tc -n "$C" qdisc show dev "$(nt_clat c0 tun)" | head -n 1)
t_check "the TUN has no queueing qdisc ($qd; a TUN never stops its queue)" \
	bash -c "[[ '$qd' == 'qdisc noqueue '* ]]"
t_check "the uplink is read from a PACKET_MMAP ring" \
	bash -c "[[ '$(nt_clat c0 uplink_rx)' == 'packet ring'* ]]"

# udp_recv NS FAMILY PORT N OUT: the sizes of N datagrams, one a line.
udp_recv() {
	run_bg "$1" timeout 10 /usr/bin/python3 -c '
import socket, sys
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", int(sys.argv[2])))
with open(sys.argv[4], "w") as f:
    for _ in range(int(sys.argv[3])):
        d = s.recv(65535)
        f.write("%d %d\n" % (len(d), d[0]))
        f.flush()
' "$2" "$3" "$4" "$5"
}
# udp_send NS SRC DST PORT: payloads of 1000, 4000 and 8000 bytes minus
# the headers, each filled with its index.
udp_send() {
	nx "$1" /usr/bin/python3 -c '
import socket, sys, time
v6 = ":" in sys.argv[2]
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
if sys.argv[1]:
    s.bind((sys.argv[1], 0))
for i, n in enumerate((1000, 4000, 8000)):
    s.sendto(bytes([i]) * (n - (48 if v6 else 28)), (sys.argv[2], int(sys.argv[3])))
    time.sleep(0.05)
' "$2" "$3" "$4"
}
want6to4=$'952 0\n3952 1\n7952 2'
udp_recv "$C" 4 9000 3 "$NT_TMP/got4"
nt_wait 5 bash -c "nx $C ss -lun | grep -q ':9000 '"
udp_send "$R" $SRV6 "$(nt_clat c0 clat_ipv6)" 9000
nt_wait 5 bash -c "[ \$(wc -l <$NT_TMP/got4) -ge 3 ]"
t_check "6->4: 1000, 4000 and 8000-byte datagrams reach the host whole, in order" \
	bash -c "[ \"\$(cat $NT_TMP/got4)\" = '$want6to4' ]" || t_diag "$(cat "$NT_TMP/got4")"
copies=$(nt_clat c0 uplink_rx_copies)
t_check "the two bigger than a ring frame were read past the ring ($copies)" test "${copies:-0}" -ge 2

want4to6=$'972 0\n3972 1\n7972 2'
udp_recv "$R" 6 9001 3 "$NT_TMP/got6"
nt_wait 5 bash -c "nx $R ss -lun | grep -q ':9001 '"
frames0=$(nt_clat c0 uplink_tx_frames)
udp_send "$C" "" 198.51.100.2 9001
nt_wait 5 bash -c "[ \$(wc -l <$NT_TMP/got6) -ge 3 ]"
t_check "4->6: the same sizes reach the server whole, in order" \
	bash -c "[ \"\$(cat $NT_TMP/got6)\" = '$want4to6' ]" || t_diag "$(cat "$NT_TMP/got6")"
frames=$(nt_clat c0 uplink_tx_frames)
t_check "as frames on the packet socket ($frames0 -> $frames)" test "$((frames - frames0))" -ge 3
t_check "status: packet socket frames, from the TX ring ($(nt_clat c0 uplink_tx))" \
	bash -c "[[ '$(nt_clat c0 uplink_tx)' == 'packet socket frames (TX ring'* ]]"

# A stream of small packets leaves in batches: packets per send system
# call well above one (each packet was once flushed on its own).
run_bg "$R" timeout 10 "$NT_BUILD/tools/xgen" sink --port 9002 --seconds 5 --idle 1
out() { echo $(($(nt_clat c0 uplink_tx_frames) + $(nt_clat c0 uplink_tx_raw))); }
out0=$(out) sends0=$(nt_clat c0 uplink_tx_sends)
run_bg "$C" timeout 10 "$NT_BUILD/tools/xgen" send --dst 198.51.100.2 --port 9002 \
	--frame 64 --rate max --burst 32 --count 400000 --seconds 2
gen=$NT_LAST_PID
# The boost comes and goes with the moderation timer: look ten times.
busy=
for _ in $(seq 10); do
	sleep 0.1
	busy=$(nices)
	[[ "$busy" == '-5 '* ]] && break
done
wait "$gen"
n=$(($(out) - out0)) sends=$(($(nt_clat c0 uplink_tx_sends) - sends0))
t_check "under a stream the 4->6 worker runs at -5 at times ($busy)" \
	bash -c "[[ '$busy' == '-5 '* ]]"
for _ in $(seq 30); do
	after=$(nices)
	[ "$after" = '0 0 0 ' ] && break
	sleep 0.1
done
t_check "after it, back at 0 ($after)" test "$after" = '0 0 0 '
t_check "a stream leaves in batches: $n packets in $sends sends" \
	test "$n" -ge 500 -a "$n" -ge $((4 * sends))
t_check "no I/O errors" test "$(nt_clat c0 io_errors)" = 0

# A congested uplink: the device refuses frames (a slow qdisc here, a
# full veth peer or NIC queue elsewhere) and the kernel puts each one
# back into the TX ring with the ones after it.  Once it clears they
# must leave and the ring must take what comes next: the ring once
# stayed full for good (nothing kicked it), every later frame a message.
tc -n "$C" qdisc add dev eth0 root tbf rate 2mbit burst 3000 limit 3000 ||
	t_bail "tbf qdisc"
errs0=$(nt_clat c0 io_errors)
run_bg "$C" timeout 10 "$NT_BUILD/tools/xgen" send --dst 198.51.100.2 --port 9003 \
	--frame 64 --rate max --burst 32 --count 20000 --seconds 1
wait "$NT_LAST_PID"
tc -n "$C" qdisc del dev eth0 root
sleep 0.5
run_bg "$R" timeout 10 "$NT_BUILD/tools/xgen" sink --port 9004 --seconds 6 --idle 2 \
	--count 200
sink=$NT_LAST_PID sinklog=$NT_LAST_LOG
nt_wait 5 bash -c "nx $R ss -lun | grep -q ':9004 '"
ring0=$(nt_clat c0 uplink_tx_ring_frames)
nx "$C" "$NT_BUILD/tools/xgen" send --dst 198.51.100.2 --port 9004 --frame 64 \
	--rate 2000 --count 200 --seconds 1 >/dev/null
wait "$sink"
ring=$(($(nt_clat c0 uplink_tx_ring_frames) - ring0))
got=$(jq -r .packets "$sinklog" 2>/dev/null)
t_check "after the congestion the TX ring takes the frames again ($ring of 200)" \
	test "$ring" -ge 190
t_check "and they arrive (${got:-none} of 200)" test "${got:-0}" -ge 190
dropped=$(nt_clat c0 uplink_tx_dropped)
t_check "the uplink's refusals are congestion drops ($dropped), not I/O errors" \
	test "${dropped:-0}" -gt 0 -a "$(nt_clat c0 io_errors)" = "$errs0"

# With wake-up moderation off (coalesce-usecs = 0) the worker still waits
# between kicks of a stalled ring; with the window's 0 it once spun.
nt_xlatd_stop
nt_xlatd "$C" "[clat c0]
uplink = eth0
pref64 = 2001:db8:64::/96
ipv6-address = 2001:db8:1::64
datapath = userspace
coalesce-usecs = 0" || t_bail "xlatd did not start again"
nt_wait_clat c0 '^running' 15 || t_bail "CLAT not running: $(tail -n 5 "$NT_XLOG")"
tc -n "$C" qdisc add dev eth0 root tbf rate 300kbit burst 3000 limit 3000 ||
	t_bail "tbf qdisc"
sleeps0=$(nt_clat c0 io_sleeps_timer)
nx "$C" "$NT_BUILD/tools/xgen" send --dst 198.51.100.2 --port 9005 --frame 64 \
	--rate max --count 5000 --seconds 1 >/dev/null
sleep 1
sleeps=$(($(nt_clat c0 io_sleeps_timer) - sleeps0))
tc -n "$C" qdisc del dev eth0 root
t_check "coalesce-usecs = 0, a stalled ring: waits between kicks ($sleeps in about 2 s)" \
	test "$sleeps" -gt 0 -a "$sleeps" -lt 40000
t_done
