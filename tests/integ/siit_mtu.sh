#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The [siit] next-hop MTUs with real hosts: ipv6-mtu = 1400 and
# ipv4-mtu = 1300.  The instance itself answers packets that do not fit
# (Fragmentation Needed to IPv4 senders with DF, Packet Too Big to IPv6
# senders), and what may be fragmented crosses in pieces that fit.  Last,
# the errors it originates are rate-limited.
#
#   h6 2001:db8:6::10 --- [xl: xlatd siit] --- h4 198.51.100.2
#        (EAM 192.0.2.10)  2001:db8:6::1 / 198.51.100.1
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need tcpdump socat
XLATD=$NT_BUILD/xlatd
XLATCTL=$NT_BUILD/xlatctl
[ -x "$XLATD" ] && [ -x "$XLATCTL" ] || t_bail "xlatd and xlatctl are built" "missing $XLATD or $XLATCTL (make)"

H4_V6=2001:db8:64::c633:6402
H6_V4=192.0.2.10

nt_siit_hosts || t_bail "namespaces and veth pairs"
nt_sysctl "$H4" net.ipv6.conf.all.disable_ipv6=1
SOCK=$NT_TMP/xlatd.sock
nt_siit_conf "$NT_TMP/xlatd.conf" "$SOCK" "ipv6-mtu = 1400" "ipv4-mtu = 1300" "lowest-ipv6-mtu = 1500"
run_bg "$XL" "$XLATD" -c "$NT_TMP/xlatd.conf"
XLOG=$NT_LAST_LOG
nt_wait 10 bash -c "ip netns exec $XL $XLATCTL -s $SOCK status --json | grep -q '\"running\"'" ||
	t_bail "instance running" "$(tail -n 20 "$XLOG")"
t_check "status shows ipv6_mtu 1400 and ipv4_mtu 1300" bash -c \
	"ip netns exec $XL $XLATCTL -s $SOCK status -v | grep -q 'ipv6_mtu.*1400' &&
	 ip netns exec $XL $XLATCTL -s $SOCK status -v | grep -q 'ipv4_mtu.*1300'"

# IPv4, DF set, 1400 bytes: IPv6 1420 > 1400: Fragmentation Needed 1380.
out=$(nx "$H4" ping -4 -c 2 -W 1 -M do -s 1372 "$H6_V4" 2>&1)
t_check "IPv4 DF=1 1400 bytes: the instance answers Fragmentation Needed, mtu 1380" \
	grep -qE "mtu ?= ?1380" <<<"$out"
# A 3000-byte UDP datagram without DF (h4 fragments it to its 1500-byte
# link): crosses in IPv6 fragments of at most ipv6-mtu (lowest-ipv6-mtu
# is 1500 here, so the smaller next hop is what bounds them).
udp_across() { # FROM TO-NS TO-ADDR PORT SEND-FAMILY RECV-FAMILY
	rm -f "$NT_TMP/big.out"
	run_bg "$2" timeout 10 socat -u -b 65536 UDP$6-RECV:$4 OPEN:"$NT_TMP/big.out",creat
	nt_wait_listen "$2" "$4" 5 udp
	nx "$1" timeout 5 socat -u -b 65536 OPEN:"$NT_TMP/big" "UDP$5-SENDTO:$3:$4"
	nt_wait 5 test -s "$NT_TMP/big.out"
}
head -c 3000 /dev/urandom >"$NT_TMP/big"
run_bg "$H6" timeout 10 tcpdump -l -n -i eth0 -c 3 "ip6 and ip6[6] == 44" -w "$NT_TMP/v6.pcap"
CAP=$NT_LAST_PID
sleep 1
udp_across "$H4" "$H6" "$H6_V4" 9001 4 6
t_check "IPv4 3000-byte UDP without DF arrives intact" cmp "$NT_TMP/big" "$NT_TMP/big.out"
nt_wait 3 bash -c "! kill -0 $CAP"
nx "$H6" tcpdump -n -v -r "$NT_TMP/v6.pcap" 2>/dev/null >"$NT_TMP/v6.txt"
t_check "as IPv6 fragments of at most 1400 bytes ($(grep -oE 'payload length: [0-9]+' "$NT_TMP/v6.txt" | tr -dc '0-9\n' | tr '\n' ' '))" bash -c \
	"grep -q 'frag' '$NT_TMP/v6.txt' && ! grep -oE 'payload length: [0-9]+' '$NT_TMP/v6.txt' |
	 tr -dc '0-9\n' | awk '\$1 + 40 > 1400 { bad = 1 } END { exit !bad }'"

# A 3000-byte UDP datagram from IPv6 (h6 fragments it to its 1500-byte
# link: a Fragment Header, so DF=0 in IPv4): the instance cuts the
# 1472-byte IPv4 fragments to pieces of at most 1300 bytes.
run_bg "$H4" timeout 10 tcpdump -l -n -i eth0 -c 3 "udp or (ip[6:2] & 0x1fff != 0)" -w "$NT_TMP/v4.pcap"
CAP=$NT_LAST_PID
sleep 1
udp_across "$H6" "$H4" "[$H4_V6]" 9002 6 4
t_check "IPv6 3000-byte UDP arrives intact" cmp "$NT_TMP/big" "$NT_TMP/big.out"
nt_wait 3 bash -c "! kill -0 $CAP"
nx "$H4" tcpdump -n -v -r "$NT_TMP/v4.pcap" 2>/dev/null >"$NT_TMP/v4.txt"
t_check "as IPv4 fragments of at most 1300 bytes ($(grep -oE ', length [0-9]+\)' "$NT_TMP/v4.txt" | tr -dc '0-9\n' | tr '\n' ' '))" bash -c \
	"grep -q 'offset' '$NT_TMP/v4.txt' && ! grep -oE ', length [0-9]+\\)' '$NT_TMP/v4.txt' |
	 tr -dc '0-9\n' | awk '\$1 > 1300 { bad = 1 } END { exit !bad }'"

# IPv6, 1400 bytes, no fragmenting at the source: IPv4 1380 > 1300 with
# DF=1: Packet Too Big 1320.
out=$(nx "$H6" ping -6 -c 2 -W 1 -M do -s 1352 "$H4_V6" 2>&1)
t_check "IPv6 1400 bytes: the instance answers Packet Too Big, mtu 1320" \
	grep -qE "mtu ?= ?1320" <<<"$out"
t_check "counters: one Fragmentation Needed and one Packet Too Big at least" bash -c \
	"ip netns exec $XL $XLATCTL -s $SOCK status -v | grep -qE 'fragmentation_needed' &&
	 ip netns exec $XL $XLATCTL -s $SOCK status -v | grep -qE 'packet_too_big'"

# The errors the instance originates are rate-limited (RFC 4443 2.4 f):
# 300 echo requests at once from a source no EAM entry or pool6 maps
# (each answered by the instance with ICMPv6 1/1, RFC 7915 5.4) get no
# more than the burst of 50 and what 1000/s adds while they arrive.
# (Expiring packets no longer do it: xl's kernel answers hop limit 1 on
# the way in, and the instance gives back its decrements.)
nt_addr "$H6" eth0 2001:db8:6::99/64 nodad
nx "$H6" ping -6 -q -I 2001:db8:6::99 -l 300 -c 300 -W 1 "$H4_V6" >/dev/null 2>&1
lim=$(nx "$XL" "$XLATCTL" -s "$SOCK" status -v | awk '/icmp_errors_rate_limited/ { print $2 }')
t_check "a burst of 300 untranslatable packets: errors rate-limited ($lim not sent)" \
	test "${lim:-0}" -gt 100
t_done
