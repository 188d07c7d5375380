#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lab sanity without a CLAT: the provider side of the lab (SLAAC, PREF64
# RA, DNS64, xlatd's NAT64 PLAT) works on its own, and "lab.sh down"
# leaves nothing behind.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need radvd unbound busybox curl tcpdump traceroute /usr/bin/python3

export LAB_PREF64_INTERVAL=2 LAB_PREF64_COUNT=60
nt_lab_up
C=$LAB_PREFIX-client
STATE=$LAB_STATE
pids=$(awk '{print $1}' "$STATE/pids")

t_check "client has a SLAAC address in 2001:db8:1::/64" \
	bash -c "ip -n $C -6 addr show dev eth0 scope global -tentative | grep -q 'inet6 2001:db8:1:0:.*/64.*dynamic'"
t_check "client has a default route from the RA" \
	bash -c "ip -n $C -6 route show default | grep -q 'via fe80::.* proto ra'"
t_check "client has no IPv4 address and no IPv4 route" \
	bash -c "[ -z \"\$(ip -n $C -4 addr show scope global)\" ] && [ -z \"\$(ip -n $C -4 route show)\" ]"

nt_pref64_bg "$C" 8 1
watch=$NT_LAST_LOG
run_bg "$C" timeout 8 tcpdump -n -l -v -c 1 -i eth0 "icmp6 and ip6[40] = 134 and src fe80::64"
dump=$NT_LAST_LOG
nt_wait 8 grep -q '^pref64' "$watch"
t_check "client kernel hands PREF64 2001:db8:64::/96 to userspace (RTM_NEWNDUSEROPT)" \
	grep -q '^pref64 2001:db8:64::/96 lifetime 1800 ' "$watch"
nt_wait 8 grep -q 'packet captured' "$dump"
t_check "tcpdump sees the RA from fe80::64 with router lifetime 0 and option 38" \
	bash -c "grep -q 'router lifetime 0s' '$dump' && grep -q 'unknown option (38), length 16' '$dump'"

aaaa() {
	nx "$C" timeout 10 busybox nslookup -type=AAAA "$1" 2>&1
}
out=$(aaaa server.v4only.example)
if grep -q '^Address: 2001:db8:64::cb00:710a$' <<<"$out"; then
	t_ok "DNS64 synthesizes server.v4only.example AAAA 2001:db8:64::cb00:710a"
else
	t_not_ok "DNS64 synthesizes server.v4only.example AAAA 2001:db8:64::cb00:710a" "$out"
fi
out=$(aaaa ipv4only.arpa)
if grep -q '^Address: 2001:db8:64::c000:aa$' <<<"$out" &&
   grep -q '^Address: 2001:db8:64::c000:ab$' <<<"$out"; then
	t_ok "ipv4only.arpa AAAA reveals the prefix (::c000:aa and ::c000:ab)"
else
	t_not_ok "ipv4only.arpa AAAA reveals the prefix (::c000:aa and ::c000:ab)" "$out"
fi
out=$(nx "$C" getent ahostsv6 server.v4only.example 2>&1)
t_check "the client resolver (RDNSS server in resolv.conf) finds the synthesized name" \
	grep -q '^2001:db8:64::cb00:710a' <<<"$out"

got=$NT_TMP/blob.bin
nx "$C" curl -sS -m 20 -o "$got" 'http://[2001:db8:64::203.0.113.10]/blob.bin'
want=$(cut -d' ' -f1 "$STATE/www/blob.sha256")
have=$(sha256sum "$got" 2>/dev/null | cut -d' ' -f1)
if [ -n "$want" ] && [ "$want" = "$have" ]; then
	t_ok "HTTP download of 4 MiB from [2001:db8:64::203.0.113.10] through the PLAT, sha256 equal"
else
	t_not_ok "HTTP download of 4 MiB from [2001:db8:64::203.0.113.10] through the PLAT, sha256 equal" \
		"want $want have ${have:-nothing}"
fi
out=$(nx "$C" curl -sS -m 10 http://server.v4only.example/ 2>&1)
t_check "HTTP fetch by the IPv4-only name (DNS64 + NAT64)" \
	test "$out" = "xlat464 lab server4"
# The isp with its PLAT is one hop: r4 (as its pool6 form) second, the
# server third.
tr=$(nx "$C" timeout 30 traceroute -6 -n -q 1 -w 2 -m 6 2001:db8:64::cb00:710a 2>&1)
if grep -Eq "^ *1 +2001:db8:1::1 " <<<"$tr" &&
	grep -Eq "^ *2 +2001:db8:64::c633:6402 " <<<"$tr" &&
	grep -Eq "^ *3 +2001:db8:64::cb00:710a " <<<"$tr"; then
	t_ok "traceroute6 through the PLAT: isp, r4 (2001:db8:64::c633:6402), server4 third"
else
	t_not_ok "traceroute6 through the PLAT: isp, r4 (2001:db8:64::c633:6402), server4 third" "$tr"
fi
js=$(nx "$LAB_PREFIX-isp" "$NT_XLATCTL" -s "$STATE/plat.sock" status --json 2>&1)
out=$(/usr/bin/python3 -c '
import json, sys
i = json.loads(sys.stdin.read())["instances"][0]
n = i["config"]["nat64"]
# xlatd translated the 4 MiB download, in userspace or in its eBPF fast
# path (which takes TCP super-packets whole: count bytes, not packets)
fp = i["config"].get("fastpath", {}).get("fp_4to6_out_bytes", 0)
print("ok" if i["kind"] == "nat64" and n["sessions_added"] >= 2 and
      i["counters"]["4to6"]["out_bytes"] + fp > 4 << 20 else "%s" % n)' <<<"$js" 2>&1)
t_check "the PLAT is xlatd [nat64]: it made the sessions and carried the download" \
	test "$out" = ok || t_diag "$js"
t_check "lab.sh down succeeds" "$LAB" down
t_check "no lab namespace is left" \
	bash -c "! ip netns list | grep -q '^$LAB_PREFIX-'"
t_check "no /etc/netns dir and no state dir is left" \
	bash -c "[ ! -e /etc/netns/$C ] && [ ! -e $STATE ]"
left=""
for p in $pids; do
	kill -0 "$p" 2>/dev/null && left="$left $p"
done
t_check "every peer the lab started has exited" test -z "$left"
t_done
