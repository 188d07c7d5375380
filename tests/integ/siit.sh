#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xlatd as a stateless SIIT (RFC 7915 + RFC 7757 EAM) between an IPv6-only
# host and an IPv4-only host, with an IPv4 router beyond the translator:
#
#   h6 2001:db8:6::10 --- [xl: xlatd siit] --- r4 --- h4 203.0.113.10
#        (EAM 192.0.2.10)  2001:db8:6::1          198.51.100.2 / 203.0.113.1
#                          (own 192.0.2.1)
#                          198.51.100.1
#
# From IPv6, h4 is 2001:db8:64::cb00:710a (pool6); from IPv4, h6 is
# 192.0.2.10 (EAM).
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need socat traceroute sha256sum /usr/bin/python3
XLATD=$NT_BUILD/xlatd
XLATCTL=$NT_BUILD/xlatctl
[ -x "$XLATD" ] && [ -x "$XLATCTL" ] || t_bail "xlatd and xlatctl are built" "missing $XLATD or $XLATCTL (make)"

H4_V6=2001:db8:64::cb00:710a
R4_V6=2001:db8:64::c633:6402
H6_V4=192.0.2.10

nt_ns h6 && nt_ns xl && nt_ns r4 && nt_ns h4 || t_bail "namespaces"
H6=$(ns h6) XL=$(ns xl) R4=$(ns r4) H4=$(ns h4)
nt_veth "$H6" eth0 "$XL" v6 && nt_veth "$XL" v4 "$R4" up0 &&
	nt_veth "$R4" dn0 "$H4" eth0 || t_bail "veth pairs"
nt_addr "$H6" eth0 2001:db8:6::10/64 nodad
nt_addr "$XL" v6 2001:db8:6::1/64 nodad
nt_addr "$XL" v4 198.51.100.1/24
nt_addr "$R4" up0 198.51.100.2/24
nt_addr "$R4" dn0 203.0.113.1/24
nt_addr "$H4" eth0 203.0.113.10/24
nx "$H6" ip -6 route add default via 2001:db8:6::1
nx "$H4" ip route add default via 203.0.113.1
nx "$R4" ip route add 192.0.2.0/24 via 198.51.100.1
nx "$XL" ip route add 203.0.113.0/24 via 198.51.100.2
for n in "$R4" "$H4"; do
	nt_sysctl "$n" net.ipv6.conf.all.disable_ipv6=1
done
nt_sysctl "$XL" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
nt_sysctl "$R4" net.ipv4.ip_forward=1

SOCK=$NT_TMP/xlatd.sock
cat >"$NT_TMP/xlatd.conf" <<EOF
[global]
control-socket = $SOCK
state-dir = $NT_TMP/state
log-level = info

[siit s0]
tun = siit0
pool6 = 2001:db8:64::/96
eam = $H6_V4/32 2001:db8:6::10/128
ipv4-address = 192.0.2.1
decrement-ttl = yes
route4 = 192.0.2.0/24
route6 = 2001:db8:64::/96
EOF

run_bg "$XL" "$XLATD" -c "$NT_TMP/xlatd.conf"
XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
ctl() {
	nx "$XL" "$XLATCTL" -s "$SOCK" "$@"
}
if ! nt_wait 10 bash -c "ip -n $XL route show 192.0.2.0/24 | grep -q siit0 && \
		ip netns exec $XL $XLATCTL -s $SOCK status --json | grep -q '\"running\"'"; then
	t_not_ok "xlatd siit instance is running with its routes" "$(tail -n 20 "$XLOG")"
	t_done
fi
t_ok "xlatd siit instance is running with its routes"

t_check "ping IPv6 -> IPv4 host via pool6 ($H4_V6)" \
	nx "$H6" ping -6 -c 3 -i 0.2 -W 2 "$H4_V6"
t_check "ping IPv4 -> IPv6 host via EAM ($H6_V4)" \
	nx "$H4" ping -4 -c 3 -i 0.2 -W 2 "$H6_V4"
# The translator is one router hop (RFC 7915 4.1, 5.1): a reply that
# leaves its host with 64 crosses r4 and xl and arrives with 62.
out=$(nx "$H6" ping -6 -c 1 -W 2 "$H4_V6" 2>&1)
t_check "IPv4 -> IPv6: h4's echo reply (TTL 64) reaches h6 with hop limit 62 (r4, xl)" \
	grep -q "ttl=62 " <<<"$out" || t_diag "$out"
out=$(nx "$H4" ping -4 -c 1 -W 2 "$H6_V4" 2>&1)
t_check "IPv6 -> IPv4: h6's echo reply (hop limit 64) reaches h4 with TTL 62 (xl, r4)" \
	grep -q "ttl=62 " <<<"$out" || t_diag "$out"

# TCP, 4 MiB each way, verified by sha256.
head -c $((4 * 1024 * 1024)) /dev/urandom >"$NT_TMP/data"
want=$(sha256sum <"$NT_TMP/data" | cut -d' ' -f1)
same_as_data() {
	local have
	have=$(sha256sum <"$1" 2>/dev/null | cut -d' ' -f1)
	[ "$have" = "$want" ] || { echo "sha256 $have != $want ($(stat -c %s "$1" 2>&1) bytes)"; return 1; }
}
run_bg "$H4" timeout 30 socat -u OPEN:"$NT_TMP/data" TCP4-LISTEN:8080,reuseaddr
SRV_LOG=$NT_LAST_LOG
nt_wait_listen "$H4" 8080 5
nx "$H6" timeout 30 socat -u "TCP6:[$H4_V6]:8080" CREATE:"$NT_TMP/got6" 2>"$NT_TMP/tcp6.err"
t_check "TCP 4 MiB from IPv4 server to IPv6 client, sha256 equal" same_as_data "$NT_TMP/got6" ||
	t_diag "client: $(cat "$NT_TMP/tcp6.err")" "server: $(cat "$SRV_LOG")" "$(ctl status -v | grep -A12 drops)"
run_bg "$H6" timeout 30 socat -u OPEN:"$NT_TMP/data" TCP6-LISTEN:8081,reuseaddr
SRV_LOG=$NT_LAST_LOG
nt_wait_listen "$H6" 8081 5
nx "$H4" timeout 30 socat -u "TCP4:$H6_V4:8081" CREATE:"$NT_TMP/got4" 2>"$NT_TMP/tcp4.err"
t_check "TCP 4 MiB from IPv6 server to IPv4 client (EAM), sha256 equal" same_as_data "$NT_TMP/got4" ||
	t_diag "client: $(cat "$NT_TMP/tcp4.err")" "server: $(cat "$SRV_LOG")"

# UDP: small datagrams, then one of 3000 bytes that IPv6 fragments.
run_bg "$H4" timeout 20 socat -u UDP4-RECV:9000 OPEN:"$NT_TMP/udp.out",creat,append
nt_wait_listen "$H4" 9000 5 udp
for i in 1 2 3 4 5; do
	echo "datagram $i" | nx "$H6" timeout 5 socat -u - "UDP6-SENDTO:[$H4_V6]:9000"
done
nt_wait 5 bash -c "[ \$(grep -c '^datagram ' '$NT_TMP/udp.out' 2>/dev/null) -ge 5 ]"
t_check "5 UDP datagrams IPv6 -> IPv4 arrive" \
	test "$(sort "$NT_TMP/udp.out" 2>/dev/null | tr '\n' ' ')" = \
	"datagram 1 datagram 2 datagram 3 datagram 4 datagram 5 "
head -c 3000 /dev/urandom >"$NT_TMP/big"
run_bg "$H4" timeout 20 socat -u -b 65536 UDP4-RECV:9001 OPEN:"$NT_TMP/big.out",creat
nt_wait_listen "$H4" 9001 5 udp
nx "$H6" timeout 5 socat -u -b 65536 OPEN:"$NT_TMP/big" "UDP6-SENDTO:[$H4_V6]:9001"
nt_wait 5 test -s "$NT_TMP/big.out"
t_check "a 3000-byte UDP datagram (IPv6 fragments) arrives intact" \
	cmp "$NT_TMP/big" "$NT_TMP/big.out"

# traceroute: xl is one hop (its kernel answers), r4's ICMPv4 Time
# Exceeded comes back as ICMPv6 from r4's pool6 address, and the
# destination is the third hop.
tr=$(nx "$H6" timeout 30 traceroute -6 -n -q 1 -w 2 -m 8 "$H4_V6" 2>&1)
if grep -Eq "^ *1 +2001:db8:6::1 " <<<"$tr" && grep -Eq "^ *2 +$R4_V6 " <<<"$tr" &&
	grep -Eq "^ *3 +$H4_V6 " <<<"$tr"; then
	t_ok "traceroute6: xl, r4 as $R4_V6 (Time Exceeded 4->6), the host third"
else
	t_not_ok "traceroute6: xl, r4 as $R4_V6 (Time Exceeded 4->6), the host third" "$tr"
fi

# decrement-ttl = no (reloaded): the translator takes nothing off, only
# r4's decrement is left.
sed -i 's/^decrement-ttl = yes$/decrement-ttl = no/' "$NT_TMP/xlatd.conf"
kill -HUP "$XPID"
replies_63() {
	nx "$H6" ping -6 -c 1 -W 1 "$H4_V6" 2>&1 | grep -q "ttl=63 " &&
		nx "$H4" ping -4 -c 1 -W 1 "$H6_V4" 2>&1 | grep -q "ttl=63 "
}
t_check "decrement-ttl = no after SIGHUP: echo replies arrive with 63 both ways (r4 only)" \
	nt_wait 10 replies_63 || t_diag "$(nx "$H6" ping -6 -c 1 -W 1 "$H4_V6" 2>&1)"

js=$(ctl status --json 2>&1)
out=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = [i for i in d["instances"] if i["name"] == "s0"][0]["counters"]
bad = [k for k in ("4to6", "6to4") for f in ("in_packets", "out_packets") if not c[k][f] > 0]
print("zero: %s" % bad if bad else "ok")
sys.exit(1 if bad else 0)' <<<"$js" 2>&1)
t_check "xlatctl status --json counts packets both ways" test "$out" = ok || t_diag "$js"

kill -TERM "$XPID"
nt_wait 5 bash -c "! kill -0 $XPID"
t_check "xlatd exits on SIGTERM" bash -c "! kill -0 $XPID"
t_check "the TUN device and its proto 100 routes are gone" bash -c \
	"! ip -n $XL link show siit0 2>/dev/null && [ -z \"\$(ip -n $XL route show proto 100)\" ] && \
	[ -z \"\$(ip -n $XL -6 route show proto 100)\" ]"
t_done
