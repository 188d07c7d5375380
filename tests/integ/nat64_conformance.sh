#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Black-box RFC 6146 conformance of xlatd's [nat64] from the wire, the way
# an independent suite probes a NAT64: crafted packets (scapy,
# tests/tools/nat64_probe.py) go in on one side, what comes out on the
# other is sniffed and every field that matters is checked.
#
#   h6 2001:db8:6::10, ::11 --- [xl: xlatd nat64] --- h4 198.51.100.10, .20, .30
#              2001:db8:6::1                198.51.100.1
#
# pool6 64:ff9b::/96, pool4 192.0.2.1, address-dependent filtering, a
# static UDP entry [::11]:7000 <-> 192.0.2.1:7000.  The kernels of h6 and
# h4 only answer ND/ARP (nftables drops the rest on input), so only the
# probe speaks there.  At the end the instance is reloaded with
# endpoint-independent filtering and the refused third host gets through.
# All of it twice: with the default data path (the eBPF fast path takes
# established sessions where the kernel allows it) and the engine alone.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need nft /usr/bin/python3
nt_need_build xlatd xlatctl
/usr/bin/python3 -c 'import scapy.all' 2>/dev/null ||
	t_bail "python3-scapy is installed"

nt_ns h6 && nt_ns xl && nt_ns h4 || t_bail "namespaces"
H6=$(ns h6) XL=$(ns xl) H4=$(ns h4)
# The IPv4 link is 1400 bytes, for PMTUD through the NAT64.
nt_veth "$H6" eth0 "$XL" v6 && nt_veth "$XL" v4 "$H4" eth0 1400 ||
	t_bail "veth pairs"
nt_addr "$H6" eth0 2001:db8:6::10/64 nodad
nt_addr "$H6" eth0 2001:db8:6::11/64 nodad
nt_addr "$XL" v6 2001:db8:6::1/64 nodad
nt_addr "$XL" v4 198.51.100.1/24
for a in 10 20 30; do
	nt_addr "$H4" eth0 198.51.100.$a/24
done
nx "$H6" ip -6 route add default via 2001:db8:6::1
nx "$H4" ip route add 192.0.2.0/24 via 198.51.100.1
nt_sysctl "$H4" net.ipv6.conf.all.disable_ipv6=1
nt_sysctl "$XL" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# The end hosts' kernels stay silent: no RST, no Port Unreachable, no
# echo reply of their own (the probe sniffs below netfilter).
nx "$H6" nft -f - <<'NFT' || t_bail "nftables on h6"
table inet quiet {
	chain in {
		type filter hook input priority 0;
		meta l4proto { tcp, udp } drop
		icmpv6 type { echo-request, echo-reply, destination-unreachable,
			packet-too-big, time-exceeded } drop
	}
}
NFT
nx "$H4" nft -f - <<'NFT' || t_bail "nftables on h4"
table inet quiet {
	chain in {
		type filter hook input priority 0;
		meta l4proto { tcp, udp, 253 } drop
		icmp type { echo-request, echo-reply, destination-unreachable } drop
	}
}
NFT

SOCK=$NT_TMP/xlatd.sock
# write_conf FILTERING DATAPATH
write_conf() {
	{
		printf '[global]\ncontrol-socket = %s\nlog-level = info\n' "$SOCK"
		printf 'clat-auto = no\n'
		printf '[nat64 n0]\ntun = nat0\npool6 = 64:ff9b::/96\n'
		printf 'pool4 = 192.0.2.1\nwkp-global-only = no\n'
		printf 'static = udp 2001:db8:6::11 7000 192.0.2.1 7000\n'
		printf 'filtering = %s\ndatapath = %s\n' "$1" "$2"
	} >"$NT_TMP/xlatd.conf"
}
ctl() {
	nx "$XL" "$NT_XLATCTL" -s "$SOCK" "$@"
}

# Neighbours are fixed, so no probe waits on ND or ARP.
MAC6=$(nx "$XL" cat /sys/class/net/v6/address)
MAC4=$(nx "$XL" cat /sys/class/net/v4/address)
for a in 10 11; do
	nx "$XL" ip -6 neigh replace 2001:db8:6::$a lladdr \
		"$(nx "$H6" cat /sys/class/net/eth0/address)" dev v6 nud permanent
done
for a in 10 20 30; do
	nx "$XL" ip neigh replace 198.51.100.$a lladdr \
		"$(nx "$H4" cat /sys/class/net/eth0/address)" dev v4 nud permanent
done

# probe TAG MODE: run the probe, one TAP line (named "TAG ...") per check
# it prints; PROBE_N is how many it printed.
probe() {
	local res name why n=0
	PYTHONDONTWRITEBYTECODE=1 timeout 60 /usr/bin/python3 \
		"$NT_ROOT/tests/tools/nat64_probe.py" \
		"$H6" "$MAC6" "$H4" "$MAC4" "$2" \
		ip netns exec "$XL" "$NT_XLATCTL" -s "$SOCK" sessions --json \
		>"$NT_TMP/probe.out" 2>"$NT_TMP/probe.err"
	while IFS=$'\t' read -r res name why; do
		n=$((n + 1))
		case $res in
		PASS) t_ok "$1 $name" ;;
		FAIL) t_not_ok "$1 $name" "$why" ;;
		TODO) echo "not ok $((++t_n)) - $1 $name # TODO $why" ;;
		esac
	done <"$NT_TMP/probe.out"
	PROBE_N=$n
}

# suite DATAPATH: the instance with DATAPATH (auto: the eBPF fast path for
# established sessions where the kernel allows it; userspace: the engine
# alone), the probe with address-dependent filtering, then with
# endpoint-independent filtering after a reload; the instance stops.
suite() {
	local tag="[$1]" fails=$t_fail xpid
	write_conf address-dependent "$1"
	run_bg "$XL" "$NT_XLATD" -c "$NT_TMP/xlatd.conf"
	xpid=$NT_LAST_PID
	if ! nt_wait 10 bash -c "ip -n $XL route show 192.0.2.1 | grep -q nat0 && \
			ip netns exec $XL $NT_XLATCTL -s $SOCK status --json | grep -q '\"running\"'"; then
		t_not_ok "$tag xlatd nat64 instance runs" "$(tail -n 20 "$NT_LAST_LOG")"
		return
	fi
	t_ok "$tag xlatd nat64 instance runs"
	t_diag "$tag $(ctl status | grep -E 'datapath|fast path')"
	probe "$tag" adf
	[ "$PROBE_N" -ge 46 ] || t_not_ok "$tag the probe ran all its checks ($PROBE_N)" \
		"$(tail -n 15 "$NT_TMP/probe.err")"
	[ "$t_fail" -eq "$fails" ] || t_diag "$(ctl status | grep -A60 nat64)"
	write_conf endpoint-independent "$1"
	kill -HUP "$xpid"
	nt_wait 10 bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK status --json | \
		grep -q '\"filtering\": *\"endpoint-independent\"'"
	probe "$tag" eif
	t_diag "$tag $(ctl status | grep 'fast path')"
	[ "$PROBE_N" -eq 3 ] || t_not_ok "$tag the probe ran its 3 checks ($PROBE_N)" \
		"$(tail -n 15 "$NT_TMP/probe.err")"
	kill -TERM "$xpid"
	t_check "$tag xlatd exits and removes its TUN" nt_wait 5 bash -c \
		"! kill -0 $xpid 2>/dev/null && ! ip -n $XL link show nat0 2>/dev/null"
}
suite auto
suite userspace
t_done
