#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The [nat64] eBPF fast path against the userspace engine, byte for byte:
#
#   h6 2001:db8:6::10 --- v6 [xl: xlatd nat64, nat0] v4 --- h4 203.0.113.10
#
# The same scripted flows (tests/tools/nat64_flows.py: UDP both ways with
# DF, TOS and traffic class, a zero-checksum datagram and one with IPv4
# options, ICMP echo, a whole TCP connection with SYN, data and FIN) run
# twice, datapath = userspace then datapath = bpf; what h4 and h6 receive
# is captured and compared (IPv4 Identification aside).  Then, with the
# fast path: counters, sessions in xlatctl, a UDP session kept alive only
# by fast-path packets and its expiry afterwards, a SIGHUP that restarts
# the instance and a stop that leave no program behind.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need tcpdump nft bpftool /usr/bin/python3
nt_need_build xlatd xlatctl

FLOWS=$NT_ROOT/tests/tools/nat64_flows.py
PY=/usr/bin/python3

nt_ns h6 && nt_ns xl && nt_ns h4 || t_bail "namespaces"
H6=$(ns h6) XL=$(ns xl) H4=$(ns h4)
nt_veth "$H6" eth0 "$XL" v6 && nt_veth "$XL" v4 "$H4" eth0 || t_bail "veth pairs"
nt_addr "$H6" eth0 2001:db8:6::10/64 nodad
nt_addr "$XL" v6 2001:db8:6::1/64 nodad
nt_addr "$XL" v4 203.0.113.1/24
nt_addr "$H4" eth0 203.0.113.10/24
nx "$H6" ip -6 route add default via 2001:db8:6::1
nx "$H4" ip route add default via 203.0.113.1
nt_sysctl "$H4" net.ipv6.conf.all.disable_ipv6=1
nt_sysctl "$XL" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# The hosts' kernels know none of the scripted connections: no RST or
# port unreachable of theirs may cross and change a session.
for n in "$H6" "$H4"; do
	nx "$n" nft -f - <<'NFT' || t_bail "nftables in $n"
table inet quiet {
	chain out {
		type filter hook output priority 0;
		tcp flags & rst == rst drop
		icmp type destination-unreachable drop
		icmpv6 type destination-unreachable drop
	}
}
NFT
done
XL_MAC=$(nx "$XL" cat /sys/class/net/v6/address)
XL_MAC4=$(nx "$XL" cat /sys/class/net/v4/address)
# Static neighbours: no resolution in the middle of the script.
nx "$H6" ip -6 neigh replace 2001:db8:6::1 lladdr "$XL_MAC" dev eth0
nx "$H4" ip neigh replace 203.0.113.1 lladdr "$XL_MAC4" dev eth0
nx "$XL" ip -6 neigh replace 2001:db8:6::10 \
	lladdr "$(nx "$H6" cat /sys/class/net/eth0/address)" dev v6
nx "$XL" ip neigh replace 203.0.113.10 \
	lladdr "$(nx "$H4" cat /sys/class/net/eth0/address)" dev v4

SOCK=$NT_TMP/xlatd.sock
write_conf() { # DATAPATH [LINE...]
	local dp=$1
	shift
	{
		printf '[global]\ncontrol-socket = %s\nlog-level = info\nclat-auto = no\n' "$SOCK"
		printf '[nat64 n0]\ntun = nat0\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n'
		printf 'wkp-global-only = no\ndatapath = %s\n' "$dp"
		printf 'static = udp 2001:db8:6::10 40000 192.0.2.1 50000\n'
		printf 'static = tcp 2001:db8:6::10 40001 192.0.2.1 50001\n'
		printf 'static = icmp 2001:db8:6::10 4660 192.0.2.1 22136\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$NT_TMP/xlatd.conf"
}
ctl() {
	nx "$XL" "$NT_XLATCTL" -s "$SOCK" "$@"
}
running() {
	ctl status --json | grep -q '"running"'
}
start_xlatd() {
	run_bg "$XL" "$NT_XLATD" -c "$NT_TMP/xlatd.conf"
	XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
	nt_wait 10 bash -c "ip -n $XL -6 route show 64:ff9b::/96 | grep -q nat0" &&
		nt_wait 10 running
}
# fp KEY: a counter of the fast path from status --json.
fp() {
	ctl status --json | $PY -c '
import json, sys
i = json.load(sys.stdin)["instances"][0]
print(i["config"].get("fastpath", {}).get(sys.argv[1], "none"))' "$1"
}

# metric SERIES: its value in xlatctl metrics (the whole series, labels
# and all, e.g. 'xlat464_fastpath_sessions{instance="n0"}'), or "none".
metric() {
	ctl metrics | awk -v k="$1" '$1 == k { v = $2 } END { print v == "" ? "none" : v }'
}
M64='xlat464_fastpath_translated_packets_total{instance="n0",direction="6to4"}'
M46='xlat464_fastpath_translated_packets_total{instance="n0",direction="4to6"}'

# run_flows TAG: the script, captured in both hosts.
run_flows() {
	local tag=$1 side step=0
	run_bg "$H4" timeout 60 tcpdump --immediate-mode -n -U -Q in -i eth0 -w "$NT_TMP/$tag.4.pcap" 'ip and (tcp or udp or icmp)'
	local p4=$NT_LAST_PID l4=$NT_LAST_LOG
	run_bg "$H6" timeout 60 tcpdump --immediate-mode -n -U -Q in -i eth0 -w "$NT_TMP/$tag.6.pcap" 'ip6 and (tcp or udp or (icmp6 and ip6[40] < 130))'
	local p6=$NT_LAST_PID l6=$NT_LAST_LOG
	nt_wait 5 grep -q listening "$l4" && nt_wait 5 grep -q listening "$l6"
	for side in $($PY "$FLOWS" steps); do
		if [ "$side" = 6 ]; then
			nx "$H6" $PY "$FLOWS" send 6 $step eth0 "$XL_MAC"
		else
			nx "$H4" $PY "$FLOWS" send 4 $step eth0 "$XL_MAC4"
		fi
		sleep 0.2
		step=$((step + 1))
	done
	sleep 0.5
	kill -INT "$p4" "$p6" 2>/dev/null
	wait "$p4" "$p6" 2>/dev/null
}

# ---- 1. the userspace engine ----
write_conf userspace
start_xlatd || t_bail "xlatd (userspace) runs" "$(tail -n 20 "$XLOG")"
t_check "datapath = userspace: status says userspace, no fast path" \
	test "$(ctl status --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["instances"][0]["config"]["datapath"])')" = userspace
run_flows user
nt_kill_pids "$XPID"
nt_wait 5 bash -c "! ip -n $XL link show nat0" || t_diag "nat0 still there"

# ---- 2. the eBPF fast path (as a cls_bpf filter: tc shows it) ----
AT="bpf-attach = clsact"
write_conf bpf "$AT"
start_xlatd || t_bail "xlatd (bpf) runs" "$(tail -n 20 "$XLOG")"
t_check "datapath = bpf: attached to nat0's egress" \
	bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK status --json | grep -q '\"attached\":\"yes\"'"
t_check "bpf-attach = clsact: tc filter show lists the program on nat0's egress" \
	bash -c "[ \$(ip netns exec $XL tc filter show dev nat0 egress | grep -c nat64_egress) = 1 ]"
t_check "xlatctl status (text) shows the fast path" \
	bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK status | grep -q 'fast path: *eBPF on the TUN'"
m64=$(metric "$M64") m46=$(metric "$M46")
run_flows bpf

want=$($PY "$FLOWS" count)
for s in 4 6; do
	out=$($PY "$FLOWS" compare "$NT_TMP/user.$s.pcap" "$NT_TMP/bpf.$s.pcap" 2>&1)
	got=$($PY -c 'import sys; sys.path.insert(0, sys.argv[1]); import nat64_flows as f; print(len(f.pcap(sys.argv[2])))' \
		"$NT_ROOT/tests/tools" "$NT_TMP/user.$s.pcap" 2>/dev/null)
	t_check "h$s receives the same packets, byte for byte, from both paths ($got packets)" \
		bash -c "[ '${out%% *}' -gt 0 ] 2>/dev/null && [[ '$out' == *identical ]]" ||
		t_diag "$out"
done
# Every scripted packet leaves its host with TTL / hop limit 64; the
# translator is one hop on both paths (RFC 7915 4.1, 5.1).
for run in user bpf; do
	for s in 4 6; do
		got=$($PY "$FLOWS" ttl "$NT_TMP/$run.$s.pcap" 2>&1)
		t_check "$run run: every packet h$s received has TTL / hop limit 63 ($got)" \
			test "$got" = 63
	done
done
t_check "every scripted packet arrived on the userspace run ($want sent)" \
	bash -c "[ \$($PY -c 'import sys; sys.path.insert(0, sys.argv[1]); import nat64_flows as f; print(len(f.pcap(sys.argv[2])) + len(f.pcap(sys.argv[3])))' \
		'$NT_ROOT/tests/tools' '$NT_TMP/user.4.pcap' '$NT_TMP/user.6.pcap') -ge $want ]"

x64=$(fp fp_6to4_translated) x46=$(fp fp_4to6_translated)
t_check "the fast path translated both ways (6->4 $x64, 4->6 $x46)" \
	bash -c "[ '$x64' -ge 5 ] && [ '$x46' -ge 5 ]" || t_diag "$(ctl status)"
t_check "TCP SYN/FIN went to userspace ($(fp fp_pass_tcp_syn_fin_rst))" \
	test "$(fp fp_pass_tcp_syn_fin_rst)" -ge 4
t_check "zero UDP checksum and IPv4 options went to userspace" \
	bash -c "[ $(fp fp_pass_udp_zero_checksum) -ge 1 ] && [ $(fp fp_pass_ipv4_options) -ge 1 ]"
t_check "new flows went to userspace ($(fp fp_pass_no_session) without a session)" \
	test "$(fp fp_pass_no_session)" -ge 2

# xlatctl metrics: the same counters, moved by the flows.
n64=$(metric "$M64") n46=$(metric "$M46")
t_check "metrics: the fast path's translated packets moved with the flows (6->4 $m64 -> $n64, 4->6 $m46 -> $n46)" \
	bash -c "[ '$m64' = 0 ] && [ '$m46' = 0 ] && [ '$n64' = '$(fp fp_6to4_translated)' ] &&
		[ '$n46' = '$(fp fp_4to6_translated)' ] && [ '$n64' -ge 5 ] && [ '$n46' -ge 5 ]" ||
	t_diag "$(ctl metrics | grep fastpath)"
n=$(metric 'xlat464_fastpath_passed_packets_total{instance="n0",reason="no_session"}')
t_check "metrics: passed packets by reason ($n without a session)" \
	test "$n" = "$(fp fp_pass_no_session)"
ms=$(metric 'xlat464_fastpath_sessions{instance="n0"}')
mc=$(metric 'xlat464_fastpath_sessions_max{instance="n0"}')
ma=$(metric 'xlat464_fastpath_attached{instance="n0"}')
mi=$(ctl metrics | grep -cxF "xlat464_fastpath_info{instance=\"n0\",attach=\"clsact\",prog_id=\"$(fp prog_id)\"} 1")
t_check "metrics: $ms sessions in the maps of $mc, attached ($ma) by clsact ($mi)" \
	bash -c "[ '$ms' -ge 2 ] && [ '$mc' = '$(fp capacity)' ] && [ '$ma' = 1 ] && [ '$mi' = 1 ]" ||
	t_diag "$(ctl metrics | grep fastpath)"

js=$(ctl sessions --json)
out=$($PY -c '
import json, sys
s = json.loads(sys.stdin.read())["instances"][0]["sessions"]
p = sorted(x["proto"] for x in s)
print("ok" if p == ["icmp", "tcp", "udp"] else p)' <<<"$js" 2>&1)
t_check "xlatctl sessions shows the UDP, TCP and ICMP sessions" test "$out" = ok ||
	t_diag "$js"
t_check "the UDP and ICMP sessions are in the fast path's maps" \
	test "$(fp sessions)" -ge 2

# A real TCP transfer: the hosts' stacks send GSO super-packets (veth
# offloads), which the program translates whole.
head -c $((2 * 1024 * 1024)) /dev/urandom >"$NT_TMP/data"
want=$(sha256sum <"$NT_TMP/data" | cut -d' ' -f1)
before=$(fp fp_4to6_translated)
run_bg "$H4" timeout 30 socat -u OPEN:"$NT_TMP/data" TCP4-LISTEN:8081,reuseaddr
nt_wait_listen "$H4" 8081 5
nx "$H6" timeout 30 socat -u "TCP6:[64:ff9b::cb00:710a]:8081" CREATE:"$NT_TMP/got" 2>"$NT_TMP/tcp.err"
have=$(sha256sum <"$NT_TMP/got" 2>/dev/null | cut -d' ' -f1)
after=$(fp fp_4to6_translated)
t_check "TCP 2 MiB from h4 through the fast path ($((after - before)) packets), sha256 equal" \
	bash -c "[ '$have' = '$want' ] && [ $((after - before)) -ge 10 ]" ||
	t_diag "$(cat "$NT_TMP/tcp.err")" "$(ctl status)"

# ---- 3. expiry: fast-path packets keep a session alive ----
write_conf bpf "$AT" "udp-timeout = 3" "icmp-timeout = 3" "allow-short-timeouts = yes"
kill -HUP "$XPID"
nt_wait 5 grep -q "state kept" "$XLOG" || t_diag "no reload: $(tail -n 5 "$XLOG")"
before=$(fp fp_6to4_translated)
for i in $(seq 6); do
	nx "$H6" $PY "$FLOWS" send 6 0 eth0 "$XL_MAC" >/dev/null
	sleep 0.8
done
# udp_alive [MAXLEFT]: the UDP session is there (expiring within MAXLEFT s).
udp_alive() {
	ctl sessions --json | $PY -c '
import json, sys
s = json.load(sys.stdin)["instances"][0]["sessions"]
m = int(sys.argv[1])
sys.exit(0 if any(x["proto"] == "udp" and x["expires_in"] <= m for x in s) else 1)' "${1:-999999}"
}
udp_gone() {
	! udp_alive && [ "$(fp sessions)" -lt "$in_maps" ]
}
after=$(fp fp_6to4_translated) in_maps=$(fp sessions)
t_check "a UDP session fed only by the fast path outlives its 3 s timeout ($((after - before)) fast packets in 5 s)" \
	bash -c "[ $((after - before)) -ge 20 ]" && udp_alive 3 ||
	t_diag "$(ctl sessions)"
t_check "... and expires once its packets stop, and leaves the maps" \
	nt_wait 10 udp_gone || t_diag "$(ctl sessions)" "$(ctl status)"

# ---- 4. a SIGHUP that changes pool4 restarts the instance ----
prog_ids() {
	fp prog_id
}
old=$(prog_ids)
write_conf bpf "$AT" "pool4 = 192.0.2.2"
kill -HUP "$XPID"
nt_wait 10 bash -c "ip -n $XL route show 192.0.2.2 | grep -q nat0" && nt_wait 10 running
new=$(prog_ids)
gone() {
	for id in $1; do
		bpftool prog show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}
t_check "SIGHUP with a new pool4: a new program ($new), the old one ($old) unloaded" \
	bash -c "[ -n '$old' ] && [ -n '$new' ] && [ '$old' != '$new' ]" &&
	nt_wait 5 gone "$old" || t_diag "$(bpftool prog show 2>&1 | grep -A1 nat64)"
t_check "... and tc shows exactly the new one on nat0's egress" \
	bash -c "ip netns exec $XL tc filter show dev nat0 egress | grep nat64_egress | grep -q 'id $new' &&
		[ \$(ip netns exec $XL tc filter show dev nat0 egress | grep -c nat64_egress) = 1 ]"

# ---- 5. stop: nothing left ----
maps=$(bpftool -j prog show id "${new%% *}" 2>/dev/null | $PY -c '
import json, sys
print(" ".join(str(m) for m in json.load(sys.stdin).get("map_ids", [])))' 2>/dev/null)
nt_kill_pids "$XPID"
map_gone() {
	for id in $maps; do
		bpftool map show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}
t_check "stop: the program and its maps ($maps) are gone, no tc filter left" \
	bash -c "[ -n '$maps' ]" && nt_wait 5 gone "$new" && nt_wait 5 map_gone &&
	! nx "$XL" tc filter show dev nat0 egress 2>/dev/null | grep -q bpf ||
	t_diag "$(bpftool prog show 2>&1 | grep -A1 nat64)"

t_done
