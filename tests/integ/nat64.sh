#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xlatd as an RFC 6146 stateful NAT64 ([nat64]) between IPv6-only hosts and
# an IPv4 server beyond an IPv4 router:
#
#   h6 2001:db8:6::10, ::11 --- [xl: xlatd nat64] --- r4 --- h4 203.0.113.10
#                          2001:db8:6::1   198.51.100.1 / .2   203.0.113.1
#
# pool6 64:ff9b::/96 (h4 is 64:ff9b::cb00:710a), pool4 192.0.2.1: h4 sees
# every IPv6 host as 192.0.2.1.  TCP, UDP, ping, traceroute, hairpinning
# (::10 reaches ::11 through its static mapping 192.0.2.1:7000), session
# expiry with short timeouts, a reload that keeps sessions, and a full
# session table.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need socat traceroute sha256sum /usr/bin/python3
nt_need_build xlatd xlatctl

H4_V6=64:ff9b::cb00:710a
R4_V6=64:ff9b::c633:6402
P4_V6=64:ff9b::c000:201

nt_ns h6 && nt_ns xl && nt_ns r4 && nt_ns h4 || t_bail "namespaces"
H6=$(ns h6) XL=$(ns xl) R4=$(ns r4) H4=$(ns h4)
nt_veth "$H6" eth0 "$XL" v6 && nt_veth "$XL" v4 "$R4" up0 &&
	nt_veth "$R4" dn0 "$H4" eth0 || t_bail "veth pairs"
nt_addr "$H6" eth0 2001:db8:6::10/64 nodad
nt_addr "$H6" eth0 2001:db8:6::11/64 nodad
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
# write_conf UDP_TIMEOUT [LINE...]: the instance, with extra lines.
write_conf() {
	local udp=$1
	shift
	{
		printf '[global]\ncontrol-socket = %s\nlog-level = info\n' "$SOCK"
		printf 'clat-auto = no\n'
		printf '[nat64 n0]\ntun = nat0\npool6 = 64:ff9b::/96\n'
		printf 'pool4 = 192.0.2.1\nwkp-global-only = no\n'
		printf 'static = udp 2001:db8:6::11 7000 192.0.2.1 7000\n'
		# Sessions expire in seconds here, below RFC 6146's floors.
		printf 'udp-timeout = %s\nicmp-timeout = 4\nlog-mappings = yes\n' "$udp"
		printf 'allow-short-timeouts = yes\n'
		# The userspace path (TUN offload on by default there);
		# nat64_bpf.sh runs the eBPF fast path.
		printf 'datapath = userspace\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$NT_TMP/xlatd.conf"
}
write_conf 4 "max-sessions = 1000"

run_bg "$XL" "$NT_XLATD" -c "$NT_TMP/xlatd.conf"
XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
ctl() {
	nx "$XL" "$NT_XLATCTL" -s "$SOCK" "$@"
}
if ! nt_wait 10 bash -c "ip -n $XL route show 192.0.2.1 | grep -q nat0 && \
		ip -n $XL -6 route show 64:ff9b::/96 | grep -q nat0 && \
		ip netns exec $XL $NT_XLATCTL -s $SOCK status --json | grep -q '\"running\"'"; then
	t_not_ok "xlatd nat64 instance runs with routes for pool6 and pool4" "$(tail -n 20 "$XLOG")"
	t_done
fi
t_ok "xlatd nat64 instance runs with routes for pool6 and pool4"

# A UDP echo on h4 that answers with the address it saw: the NAT'd one.
cat >"$NT_TMP/echo.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET if "." in sys.argv[1] else socket.AF_INET6,
                  socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(float(sys.argv[3]))
try:
    while True:
        d, a = s.recvfrom(65535)
        s.sendto(("%s %d " % (a[0], a[1])).encode() + d, a)
except socket.timeout:
    pass
PY
# udp_ask SRC SPORT DST PORT: one datagram, print the answer (2 s).
# udp_ask SRC SPORT DST PORT: one datagram, print the answer; resent
# every second like a DNS client (the first one after the ping sometimes
# waits on neighbour discovery), 3 s at most.
cat >"$NT_TMP/ask.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(1)
for i in range(3):
    s.sendto(b"hello", (sys.argv[3], int(sys.argv[4])))
    try:
        d, a = s.recvfrom(65535)
        print("%s %s" % (a[0], d.decode()))
        sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
PY
udp_ask() {
	nx "$H6" /usr/bin/python3 "$NT_TMP/ask.py" "$@"
}
run_bg "$H4" /usr/bin/python3 "$NT_TMP/echo.py" 203.0.113.10 9000 90
nt_wait_listen "$H4" 9000 5 udp

t_check "ping IPv6 -> IPv4 server ($H4_V6)" \
	nx "$H6" ping -6 -c 3 -i 0.2 -W 2 "$H4_V6"

ans=$(udp_ask 2001:db8:6::10 40000 "$H4_V6" 9000)
if [[ "$ans" =~ ^$H4_V6\ 192\.0\.2\.1\ ([0-9]+)\ hello$ ]]; then
	t_ok "UDP both ways; the server sees pool4 192.0.2.1 (port ${BASH_REMATCH[1]})"
	UDP_P4=${BASH_REMATCH[1]}
else
	t_not_ok "UDP both ways; the server sees pool4 192.0.2.1" "answer: $ans"
	t_diag "$(ctl status)" "$(ctl sessions)"
	UDP_P4=0
fi
ans2=$(udp_ask 2001:db8:6::10 40000 "$H4_V6" 9000)
t_check "endpoint-independent mapping: the same source keeps port $UDP_P4" \
	test "$ans2" = "$ans"

# TCP, 4 MiB each way, verified by sha256.  TUN offload is on (the
# default): the veths pass TCP super-packets, which reach xlatd whole
# and are translated as one (partial checksums, GSO), both ways.
head -c $((4 * 1024 * 1024)) /dev/urandom >"$NT_TMP/data"
want=$(sha256sum <"$NT_TMP/data" | cut -d' ' -f1)
run_bg "$H4" timeout 30 socat -u OPEN:"$NT_TMP/data" TCP4-LISTEN:8080,reuseaddr
nt_wait_listen "$H4" 8080 5
nx "$H6" timeout 30 socat -u "TCP6:[$H4_V6]:8080" CREATE:"$NT_TMP/got" 2>"$NT_TMP/tcp.err"
have=$(sha256sum <"$NT_TMP/got" 2>/dev/null | cut -d' ' -f1)
t_check "TCP 4 MiB from the IPv4 server, sha256 equal" test "$have" = "$want" ||
	t_diag "$(cat "$NT_TMP/tcp.err")" "$(ctl status | grep -A20 drops)"
rm -f "$NT_TMP/got"
run_bg "$H4" timeout 30 socat -u TCP4-LISTEN:8081,reuseaddr CREATE:"$NT_TMP/got"
up_pid=$NT_LAST_PID
nt_wait_listen "$H4" 8081 5
nx "$H6" timeout 30 socat -u OPEN:"$NT_TMP/data" "TCP6:[$H4_V6]:8081" 2>"$NT_TMP/tcp.err"
nt_wait 10 bash -c "! kill -0 $up_pid 2>/dev/null"
have=$(sha256sum <"$NT_TMP/got" 2>/dev/null | cut -d' ' -f1)
t_check "TCP 4 MiB to the IPv4 server, sha256 equal" test "$have" = "$want" ||
	t_diag "$(cat "$NT_TMP/tcp.err")" "$(ctl status | grep -A20 drops)"
gso=$(ctl status --json | /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = [i for i in d["instances"] if i["name"] == "n0"][0]["config"]
print(c["offload"], c["tun_gso_in"])' 2>&1)
t_check "TUN offload on, the transfers came as super-packets (offload, tun_gso_in: $gso)" \
	bash -c "[[ '$gso' =~ ^yes\ [1-9][0-9]*$ ]]"

# The NAT64 is one hop (its kernel answers hop limit 1), r4 the second,
# h4 the third.
tr=$(nx "$H6" timeout 30 traceroute -6 -n -q 1 -w 2 -m 6 "$H4_V6" 2>&1)
if grep -Eq "^ *1 +2001:db8:6::1 " <<<"$tr" && grep -Eq "^ *2 +$R4_V6 " <<<"$tr" &&
	grep -Eq "^ *3 +$H4_V6 " <<<"$tr"; then
	t_ok "traceroute6 through the NAT64: xl, r4 ($R4_V6), h4 third"
else
	t_not_ok "traceroute6 through the NAT64: xl, r4 ($R4_V6), h4 third" "$tr"
fi

# Hairpinning (RFC 6146 3.8): ::10 -> 192.0.2.1:7000, the static mapping
# of [::11]:7000; ::11 sees ::10 as the pool6 form of 192.0.2.1.
run_bg "$H6" /usr/bin/python3 "$NT_TMP/echo.py" 2001:db8:6::11 7000 60
nt_wait_listen "$H6" 7000 5 udp
ans=$(udp_ask 2001:db8:6::10 41000 "$P4_V6" 7000)
if [[ "$ans" =~ ^$P4_V6\ $P4_V6\ [0-9]+\ hello$ ]]; then
	t_ok "hairpinning: ::10 reaches ::11 through 192.0.2.1:7000 and back"
else
	t_not_ok "hairpinning: ::10 reaches ::11 through 192.0.2.1:7000 and back" \
		"answer: $ans" "$(ctl status | grep -A30 drops)"
fi

js=$(ctl sessions --json 2>&1)
out=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())["instances"][0]
p = set(s["proto"] for s in d["sessions"])
tcp = [s for s in d["sessions"] if s["proto"] == "tcp"]
bad = []
if not {"tcp", "udp"} <= p: bad.append("protocols %s" % sorted(p))
if not all(s["ipv4"] == "192.0.2.1" for s in d["sessions"]): bad.append("ipv4")
if not tcp or tcp[0]["remote"] != "203.0.113.10" or tcp[0]["remote_port"] != 8080: bad.append("tcp %s" % tcp)
if d["count"] != len(d["sessions"]): bad.append("count")
print("; ".join(bad) or "ok")' <<<"$js" 2>&1)
t_check "xlatctl sessions --json lists the TCP and UDP sessions" test "$out" = ok ||
	t_diag "$out" "$js"
t_check "xlatctl sessions (text) shows the UDP mapping" \
	bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK sessions | grep -q '2001:db8:6::10\]:40000  192.0.2.1:$UDP_P4  203.0.113.10:9000'"
js=$(ctl bib --json 2>&1)
t_check "xlatctl bib --json has the static entry" \
	/usr/bin/python3 -c '
import json, sys
b = json.loads(sys.stdin.read())["instances"][0]["bib"]
sys.exit(0 if any(e["static"] and e["ipv4_port"] == 7000 and e["ipv6"] == "2001:db8:6::11" for e in b) else 1)' <<<"$js"
t_check "mapping creation is logged (RFC 6888)" \
	grep -q "bib add udp \[2001:db8:6::10\]:40000 192.0.2.1:$UDP_P4" "$XLOG"

# SIGHUP with only a timeout changed: the tables stay.
n_before=$(ctl sessions --json | /usr/bin/python3 -c 'import json,sys; print(len([s for s in json.load(sys.stdin)["instances"][0]["sessions"] if s["proto"] == "tcp"]))')
write_conf 4 "max-sessions = 1000" "tcp-established-timeout = 3600"
kill -HUP "$XPID"
nt_wait 5 grep -q "state kept" "$XLOG"
n_after=$(ctl sessions --json | /usr/bin/python3 -c 'import json,sys; print(len([s for s in json.load(sys.stdin)["instances"][0]["sessions"] if s["proto"] == "tcp"]))')
t_check "SIGHUP with the same pools keeps the sessions ($n_before TCP)" \
	bash -c "grep -q 'state kept' '$XLOG' && [ '$n_before' -ge 1 ] && [ '$n_before' = '$n_after' ]"

# UDP and ICMP sessions go after their 4 s; the static mapping stays.
no_udp() {
	ctl sessions --json | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["instances"][0]["sessions"]
sys.exit(1 if any(x["proto"] in ("udp", "icmp") for x in s) else 0)'
}
t_check "UDP and ICMP sessions expire after the configured 4 s" nt_wait 12 no_udp
t_check "their removal is logged" grep -q "bib del udp \[2001:db8:6::10\]:40000" "$XLOG"
t_check "the static BIB entry stays" \
	bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK bib | grep -q '2001:db8:6::11\]:7000  192.0.2.1:7000  static'"

# A table of 3 sessions: the 4th and 5th new flows are refused, the
# first still works.  (Another max-sessions restarts the instance; UDP
# sessions last 60 s now, so none leaves the table during the test.)
write_conf 60 "max-sessions = 3"
kill -HUP "$XPID"
nt_wait 10 bash -c "grep -q 'configuration changed, restarting' '$XLOG' && \
	ip netns exec $XL $NT_XLATCTL -s $SOCK status | grep -q 'max_sessions: 3'"
got=0
for p in 1001 1002 1003 1004 1005; do
	udp_ask 2001:db8:6::10 $p "$H4_V6" 9000 >/dev/null && got=$((got + 1))
done
refused=$(ctl status --json | /usr/bin/python3 -c '
import json, sys
i = json.load(sys.stdin)["instances"][0]
print(i["config"]["nat64"]["refused_table_full"])')
# Each refused flow tried three times: every try is counted.
t_check "full table: 3 of 5 new flows pass, the others refused and counted ($got, $refused)" \
	test "$got" = 3 -a "$refused" -ge 2
t_check "an existing session still works when the table is full" \
	udp_ask 2001:db8:6::10 1001 "$H4_V6" 9000

kill -TERM "$XPID"
# The TUN goes once io_uring has let go of it, just after the exit.
t_check "xlatd exits on SIGTERM and removes its TUN and routes" nt_wait 5 bash -c \
	"! kill -0 $XPID 2>/dev/null && ! ip -n $XL link show nat0 2>/dev/null && \
	[ -z \"\$(ip -n $XL route show proto 100)\" ]"
t_done
