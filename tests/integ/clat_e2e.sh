#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 464XLAT end to end on the lab: xlatd's [clat] on the IPv6-only client,
# xlatd's own NAT64 ([nat64]) as the PLAT in the isp namespace.  The client reaches the
# IPv4-only server by IPv4 literal, and afterwards its namespace is exactly
# as it was before (sysctls, nftables, multicast memberships, routes).
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need tayga radvd unbound nft socat curl tcpdump traceroute sha256sum /usr/bin/python3
nt_need_build xlatd xlatctl
nt_lab_up
C=$LAB_PREFIX-client
R4=$LAB_PREFIX-r4
SRV=$LAB_PREFIX-server4
SERVER=203.0.113.10

# What must be the same after xlatd has stopped.  sysctl -a also shows
# global counters that move by themselves; leave those out.
snapshot() {
	{
		nx "$C" sysctl -a 2>/dev/null | grep -Ev \
			'^(fs\.(dentry-state|file-nr|inode-nr|inode-state|aio-nr)|kernel\.(ns_last_pid|random\.[a-z_]+|pty\.nr)|net\.netfilter\.nf_conntrack_count) '
		echo "== nft"
		nx "$C" nft list ruleset
		echo "== maddr"
		nx "$C" ip -6 maddr show
		echo "== links"
		nx "$C" ip -o link show | sed 's/^[0-9]*: //; s/ link\/.*//'
		echo "== addr4"
		nx "$C" ip -4 -o addr show
		echo "== route4"
		nx "$C" ip -4 route show table all
		echo "== rules"
		nx "$C" ip rule show
		nx "$C" ip -6 rule show
	} >"$1" 2>&1
}
snapshot "$NT_TMP/before"
t_check "client has no IPv4 address and no IPv4 route before" bash -c \
	"[ -z \"\$(ip -n $C -4 addr show scope global)\" ] && [ -z \"\$(ip -n $C -4 route show)\" ]"

# XLAT_DATAPATH=auto|bpf|userspace runs the same checks on that path.
nt_xlatd "$C" "[clat c0]
uplink = eth0
pref64 = 2001:db8:64::/96${XLAT_DATAPATH:+
datapath = $XLAT_DATAPATH}"
up() { ip -n "$C" -4 route show default | grep -q . && nt_clat_is c0 '^running'; }
if ! nt_wait 15 up; then
	t_not_ok "xlatd clat instance runs and installs an IPv4 default route" \
		"$(tail -n 20 "$NT_XLOG"; nt_xlatctl status 2>&1 | head -20)"
	t_done
fi
t_ok "xlatd clat instance runs and installs an IPv4 default route"
t_diag "$(nx "$C" ip -4 -br addr show; nx "$C" ip -4 route show)"

t_check "ping -c 3 $SERVER by IPv4 literal" nx "$C" ping -4 -c 3 -i 0.3 -W 2 "$SERVER"

want=$(cut -d' ' -f1 "$LAB_STATE/www/blob.sha256")
sha_is() {
	local have
	have=$(sha256sum <"$1" 2>/dev/null | cut -d' ' -f1)
	[ -n "$2" ] && [ "$have" = "$2" ] ||
		{ echo "sha256 $have != $2 ($(stat -c %s "$1" 2>&1) bytes)"; return 1; }
}
nx "$C" curl -sS -m 30 -o "$NT_TMP/blob" "http://$SERVER/blob.bin" 2>"$NT_TMP/curl.err"
t_check "HTTP download of 4 MiB from http://$SERVER/, sha256 equal" sha_is "$NT_TMP/blob" "$want" ||
	t_diag "$(cat "$NT_TMP/curl.err")"

head -c $((4 * 1024 * 1024)) /dev/urandom >"$NT_TMP/up"
up_sha=$(sha256sum <"$NT_TMP/up" | cut -d' ' -f1)
# upload NAME PORT: 4 MiB from the client to a one-shot sink on server4.
upload() {
	rm -f "$NT_TMP/up.$2"
	run_bg "$SRV" timeout 40 socat -u TCP4-LISTEN:"$2",reuseaddr CREATE:"$NT_TMP/up.$2"
	local sink=$NT_LAST_PID
	nt_wait_listen "$SRV" "$2" 5
	nx "$C" timeout 30 socat -u OPEN:"$NT_TMP/up" TCP4:"$SERVER":"$2" 2>"$NT_TMP/up.err"
	nt_wait 10 bash -c "! kill -0 $sink"
	t_check "$1" sha_is "$NT_TMP/up.$2" "$up_sha" || t_diag "$(cat "$NT_TMP/up.err")"
}
upload "TCP upload of 4 MiB to $SERVER, sha256 equal" 5001

# A UDP datagram larger than the IPv4 MTU of the CLAT: the client
# fragments it, the CLAT translates the fragments, it arrives whole.
head -c 3000 /dev/urandom >"$NT_TMP/big"
run_bg "$SRV" timeout 20 socat -u -b 65536 UDP4-RECV:9001 OPEN:"$NT_TMP/big.out",creat
nt_wait_listen "$SRV" 9001 5 udp
nx "$C" timeout 5 socat -u -b 65536 OPEN:"$NT_TMP/big" UDP4-SENDTO:"$SERVER":9001
nt_wait 5 test -s "$NT_TMP/big.out"
t_check "a 3000-byte UDP datagram (fragmented) arrives intact" cmp "$NT_TMP/big" "$NT_TMP/big.out"

# IPv6-only routers have no IPv4 address: their Time Exceeded comes back
# from 192.0.0.8; r4 answers with its own IPv4 address.  The CLAT (a
# host) is no hop, the isp with its PLAT exactly one.
tr=$(nx "$C" timeout 40 traceroute -4 -n -q 1 -w 2 -m 10 "$SERVER" 2>&1)
t_diag "$tr"
if grep -Eq '^ *1 +192\.0\.0\.8 ' <<<"$tr" &&
   grep -Eq '^ *2 +198\.51\.100\.2 ' <<<"$tr" &&
   grep -Eq "^ *3 +$SERVER " <<<"$tr"; then
	t_ok "traceroute -n: 192.0.0.8 (isp and PLAT), r4 198.51.100.2, $SERVER third"
else
	t_not_ok "traceroute -n: 192.0.0.8 (isp and PLAT), r4 198.51.100.2, $SERVER third"
fi

# A narrow IPv4 hop: r4's link towards server4 goes down to 1300 on r4's
# side only (server4 keeps 1500, so its MSS does not hide the bottleneck).
# r4's Fragmentation Needed -> PLAT Packet Too Big -> CLAT Fragmentation
# Needed must shrink the client's segments.
nx "$R4" ip link set dev srv0 mtu 1300
run_bg "$C" timeout 30 tcpdump -l -n -i eth0 -c 1 'icmp6 and ip6[40] = 2'
ptb=$NT_LAST_LOG
# The Packet Too Big comes with the first segments (at once when the
# PLAT takes TCP super-packets): tcpdump must be capturing by then.
nt_wait 5 grep -q 'listening on' "$ptb"
upload "TCP upload of 4 MiB over a 1300-byte IPv4 hop, sha256 equal" 5002
# libpcap hands tcpdump its packets up to a second late (TPACKET_V3
# block timeout): an upload that took less (TUN offload) ends before.
t_check "the client received an ICMPv6 Packet Too Big on its uplink" \
	nt_wait 5 grep -q 'packet too big' "$ptb"
rg=$(nx "$C" ip -4 route get "$SERVER" 2>&1)
if grep -Eq 'mtu (1300|1[0-2][0-9][0-9]|[0-9]{3})( |$)' <<<"$rg"; then
	t_ok "the client's route to $SERVER learned a path MTU of at most 1300"
else
	t_not_ok "the client's route to $SERVER learned a path MTU of at most 1300" "$rg"
fi
nx "$R4" ip link set dev srv0 mtu 1500

js=$(nt_xlatctl status --json 2>&1)
out=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = [i for i in d["instances"] if i["name"] == "c0"][0]["counters"]
bad = [k for k in ("4to6", "6to4") for f in ("in_packets", "out_packets") if not c[k][f] > 0]
print("zero: %s" % bad if bad else "ok")' <<<"$js" 2>&1)
t_check "xlatctl status --json counts packets both ways" test "$out" = ok || t_diag "$js"
st=$(nt_xlatctl status c0 2>&1)
t_check "xlatctl status c0: state, prefix, addresses, data path, traffic in a few lines" bash -c '
	grep -Eqx "clat c0: running( \(.*\))?" <<<"$1" &&
	grep -Eq "^  prefix: +2001:db8:64::/96 from static" <<<"$1" &&
	grep -Eq "^  addresses: 192\.0\.0\.[0-9]+ as 2001:db8:" <<<"$1" &&
	grep -Eq "^  datapath: +(bpf|userspace)" <<<"$1" &&
	grep -Eq "^  4to6 +in [1-9][0-9.]* k? ?pkts" <<<"$1" &&
	grep -Eq "^  6to4 +in [1-9][0-9.]* k? ?pkts" <<<"$1" &&
	[ "$(wc -l <<<"$1")" -le 10 ]' _ "$st" || t_diag "$st"
t_check "xlatctl metrics: c0 running, packets counted" bash -c '
	grep -qx "xlat464_instance_state{instance=\"c0\",state=\"running\"} 1" <<<"$1" &&
	grep -Eq "^xlat464_in_packets_total\{instance=\"c0\",direction=\"4to6\"\} [1-9]" <<<"$1"' _ "$(nt_xlatctl metrics 2>&1)"
if [ "${XLAT_DATAPATH:-auto}" = userspace ]; then
	# The bulk transfers are streams: the workers slept on the
	# moderation timer (coalesce-usecs, default 200) for part of them.
	out=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = [i for i in d["instances"] if i["name"] == "c0"][0]["config"]
print("ok" if c["io_sleeps_timer"] > 0 and c["io_sleeps_poll"] > 0 and
      c["coalesce_usecs"] == 200 else "sleeps poll %s timer %s window %s" %
      (c["io_sleeps_poll"], c["io_sleeps_timer"], c["coalesce_usecs"]))' <<<"$js" 2>&1)
	t_check "the userspace workers slept on a poll and, for the transfers, on the timer" \
		test "$out" = ok || t_diag "$out"
	# The 1 MiB uploads reached the reader as TCP super-packets (TUN
	# offload) and left whole through the GSO packet socket (the sha256
	# checks above prove the kernel's segments right).
	gso=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = [i for i in d["instances"] if i["name"] == "c0"][0]["config"]
print(c["tun_gso_in"], c["tun_gso_out"])' <<<"$js" 2>&1)
	t_check "the uploads reached the userspace reader as super-packets (tun_gso_in ${gso% *})" \
		test "${gso% *}" -gt 0
	t_check "and left as super-packets through the GSO packet socket (tun_gso_out ${gso#* })" \
		test "${gso#* }" -gt 0
	# The uplink side is batched: received in place from the packet
	# socket's ring, sent as frames with the router's MAC once the
	# kernel resolved it (the first packets take the raw socket).
	io=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = [i for i in d["instances"] if i["name"] == "c0"][0]["config"]
print(c["uplink_rx"].startswith("packet ring"), c["uplink_rx_ring_batches"],
      c["uplink_rx_plain_batches"], c["uplink_tx_frames"], c["uplink_tx_raw"],
      c["uplink_tx"].startswith("packet socket frames"), c["tun_rx"] == "io_uring batches")' <<<"$js" 2>&1)
	read -r ring rb pb frames raw txs tunrx <<<"$io"
	t_check "the TUN is read in io_uring batches" test "$tunrx" = True || t_diag "$io"
	t_check "the uplink is read from a PACKET_MMAP ring ($rb ring batches, $pb recvmmsg)" \
		test "$ring:$pb" = True:0 -a "${rb:-0}" -gt 0 || t_diag "$io"
	t_check "translations left as frames on the packet socket ($frames frames, $raw raw)" \
		test "$txs" = True -a "${frames:-0}" -gt "${raw:-0}" || t_diag "$io"
fi

kill -TERM "$NT_XPID"
nt_wait 10 nt_not kill -0 "$NT_XPID"
t_check "xlatd exits on SIGTERM" nt_not kill -0 "$NT_XPID"
t_check "no route with proto 100 is left" bash -c \
	"[ -z \"\$(ip -n $C -4 route show table all proto 100)\" ] && \
	 [ -z \"\$(ip -n $C -6 route show table all proto 100)\" ]"
snapshot "$NT_TMP/after"
d=$(diff "$NT_TMP/before" "$NT_TMP/after")
if [ -z "$d" ]; then
	t_ok "client sysctls, nftables, maddr, links, IPv4 addresses, routes and rules as before"
else
	t_not_ok "client sysctls, nftables, maddr, links, IPv4 addresses, routes and rules as before" \
		"$(head -n 30 <<<"$d")"
fi
t_done
