#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# RFC 6146 section 3.5.2.2 through a real xlatd [nat64] and real kernels:
# unsolicited IPv4 SYNs are held TCP_INCOMING_SYN (6 s).
#
#   h6 2001:db8:6::10 --- [xl: xlatd nat64] --- h4 198.51.100.10
#              2001:db8:6::1       198.51.100.1
#
# 1. Simultaneous open: h4 connect()s from 203:5001 to 192.0.2.1:6001
#    (no mapping: its SYN is held), then h6 connect()s from port 41000 to
#    h4:5001; the mapping takes 192.0.2.1:6001 and both sockets connect
#    (TCP simultaneous open), data flows both ways.
# 2. Nobody answers: h4's connect() to 192.0.2.1:6002 is refused by the
#    NAT64's Port Unreachable, no sooner than 6 s after its first SYN.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need /usr/bin/python3
nt_need_build xlatd xlatctl

H4_V6=64:ff9b::c633:640a

nt_ns h6 && nt_ns xl && nt_ns h4 || t_bail "namespaces"
H6=$(ns h6) XL=$(ns xl) H4=$(ns h4)
nt_veth "$H6" eth0 "$XL" v6 && nt_veth "$XL" v4 "$H4" eth0 || t_bail "veth pairs"
nt_addr "$H6" eth0 2001:db8:6::10/64 nodad
nt_addr "$XL" v6 2001:db8:6::1/64 nodad
nt_addr "$XL" v4 198.51.100.1/24
nt_addr "$H4" eth0 198.51.100.10/24
nx "$H6" ip -6 route add default via 2001:db8:6::1
nx "$H4" ip route add 192.0.2.0/24 via 198.51.100.1
nt_sysctl "$H4" net.ipv6.conf.all.disable_ipv6=1
nt_sysctl "$XL" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

SOCK=$NT_TMP/xlatd.sock
{
	printf '[global]\ncontrol-socket = %s\nlog-level = info\n' "$SOCK"
	printf 'clat-auto = no\n'
	printf '[nat64 n0]\ntun = nat0\npool6 = 64:ff9b::/96\n'
	printf 'pool4 = 192.0.2.1\nwkp-global-only = no\n'
} >"$NT_TMP/xlatd.conf"
run_bg "$XL" "$NT_XLATD" -c "$NT_TMP/xlatd.conf"
XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
ctl() {
	nx "$XL" "$NT_XLATCTL" -s "$SOCK" "$@"
}
if ! nt_wait 10 bash -c "ip -n $XL route show 192.0.2.1 | grep -q nat0 && \
		ip netns exec $XL $NT_XLATCTL -s $SOCK status --json | grep -q '\"running\"'"; then
	t_not_ok "xlatd nat64 instance runs" "$(tail -n 20 "$XLOG")"
	t_done
fi
t_ok "xlatd nat64 instance runs"
nt_wait 5 nx "$H4" ping -c 1 -W 1 198.51.100.1 >/dev/null

# connect.py FAMILY LADDR LPORT RADDR RPORT DELAY TIMEOUT: bind, wait
# DELAY s, connect (the kernel retries its SYN), then send our name and
# print what the other end sent, or the error and how long connect took.
cat >"$NT_TMP/connect.py" <<'PY'
import socket, sys, time
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], int(sys.argv[3])))
time.sleep(float(sys.argv[6]))
s.settimeout(float(sys.argv[7]))
t0 = time.monotonic()
try:
    s.connect((sys.argv[4], int(sys.argv[5])))
    s.sendall(("from-%s" % sys.argv[1]).encode())
    print("connected %s" % s.recv(100).decode())
except OSError as e:
    print("error %s %.1f" % (e.__class__.__name__, time.monotonic() - t0))
PY
conn() {
	local ns=$1
	shift
	nx "$ns" timeout 30 /usr/bin/python3 "$NT_TMP/connect.py" "$@"
}

# 1. Simultaneous open.
conn "$H4" 4 198.51.100.10 5001 192.0.2.1 6001 0 15 >"$NT_TMP/so4" 2>&1 &
P4=$!
conn "$H6" 6 2001:db8:6::10 41000 "$H4_V6" 5001 1.5 15 >"$NT_TMP/so6" 2>&1
wait "$P4"
so4=$(cat "$NT_TMP/so4") so6=$(cat "$NT_TMP/so6")
if [ "$so4" = "connected from-6" ] && [ "$so6" = "connected from-4" ]; then
	t_ok "TCP simultaneous open through the NAT64 (IPv4 SYN held, then the IPv6 SYN)"
else
	t_not_ok "TCP simultaneous open through the NAT64 (IPv4 SYN held, then the IPv6 SYN)" \
		"h4: $so4" "h6: $so6" "$(ctl status | grep -A40 nat64)"
fi
t_check "the mapping took the pool4 port the IPv4 side called (6001)" \
	bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK sessions | grep -q '2001:db8:6::10\]:41000  192.0.2.1:6001  198.51.100.10:5001'"

# 2. Nobody answers: Port Unreachable after the 6 s.
res=$(conn "$H4" 4 198.51.100.10 5002 192.0.2.1 6002 0 20)
if [[ "$res" =~ ^error\ ConnectionRefusedError\ ([0-9.]+)$ ]] &&
	awk -v t="${BASH_REMATCH[1]}" 'BEGIN { exit !(t >= 5.9 && t < 12) }'; then
	t_ok "an unanswered IPv4 SYN is refused (Port Unreachable) after ${BASH_REMATCH[1]} s"
else
	t_not_ok "an unanswered IPv4 SYN is refused (Port Unreachable) after 6 s" \
		"h4: $res" "$(ctl status | grep -A40 nat64)"
fi
st=$(ctl status --json | /usr/bin/python3 -c '
import json, sys
n = json.load(sys.stdin)["instances"][0]["config"]["nat64"]
print(n["syn_held"], n["simultaneous_open"], n["syn_unreachable"])')
t_check "counters: 2 SYNs held, 1 simultaneous open, 1 Port Unreachable ($st)" \
	test "$st" = "2 1 1"

kill -TERM "$XPID"
t_check "xlatd exits on SIGTERM" nt_wait 5 bash -c "! kill -0 $XPID 2>/dev/null"
t_done
