#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLAT with `datapath = bpf` on the lab: the eBPF fast path carries
# ping, TCP and UDP by IPv4 literal, its counters (packets and bytes)
# show up in xlatctl status and in the instance's totals, a fragmented UDP datagram still arrives (through userspace),
# and nothing of the programs stays on the uplink after xlatd exits.
# Skips when the clat instance does not report an active bpf datapath
# yet (src/xlatd/clat.c not wired to src/xlatd/clat_bpf.c).
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need tayga radvd unbound nft socat bpftool sha256sum /usr/bin/python3
XLATD=$NT_BUILD/xlatd
XLATCTL=$NT_BUILD/xlatctl
[ -x "$XLATD" ] && [ -x "$XLATCTL" ] || t_bail "xlatd and xlatctl are built" "missing $XLATD or $XLATCTL (make)"

export LAB_PREFIX=$NT_PFX BUILD=$NT_BUILD
LAB=$NT_ROOT/lab/lab.sh
C=$LAB_PREFIX-client
SRV=$LAB_PREFIX-server4
SERVER=203.0.113.10
nt_on_exit "'$LAB' down"

t_check "lab comes up" "$LAB" up || t_done

SOCK=$NT_TMP/xlatd.sock
cat >"$NT_TMP/xlatd.conf" <<EOF
[global]
control-socket = $SOCK
state-dir = $NT_TMP/state

[clat c0]
uplink = eth0
pref64 = 2001:db8:64::/96
datapath = bpf
# uplink - 20: the largest IPv4 MTU whose TCP segments the fast path
# still carries whole (IPv6 segment = IPv4 segment + 20 - 20 of gso_size)
mtu = 1480
EOF
run_bg "$C" "$XLATD" -v -c "$NT_TMP/xlatd.conf"
XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG

status() { nx "$C" "$XLATCTL" -s "$SOCK" status --json 2>&1; }
# field KEY: the c0 instance's config[KEY], "" if absent.
field() {
	status | /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
i = [i for i in d["instances"] if i["name"] == "c0"][0]
print(i.get("config", {}).get(sys.argv[1], "") if sys.argv[1] != "state" else i["state"])' "$1" 2>/dev/null
}

nt_wait 15 bash -c "ip netns exec $C $XLATCTL -s $SOCK status --json | grep -Eq '\"(running|failed)\"'"
if [ -z "$(field datapath_config)" ]; then
	t_skip "clat instance runs with the eBPF fast path" "datapath=bpf not wired"
	t_diag "$(status | head -c 600)"
	kill -TERM "$XPID" 2>/dev/null
	t_done
fi
if [ "$(field state)" != running ] || [ "$(field datapath)" != bpf ]; then
	t_not_ok "clat instance runs with datapath = bpf active" \
		"$(status | head -c 1200; echo; tail -n 20 "$XLOG")"
	kill -TERM "$XPID" 2>/dev/null
	t_done
fi
t_ok "clat instance runs with datapath = bpf active"
nt_wait 10 bash -c "ip -n $C -4 route show default | grep -q ."
# Debian's bpftool and iproute2 predate tcx: ask the kernel about the
# links xlatd holds, or look for the cls_bpf filters of the fallback.
attached() {
	[ "$(grep -ls 'link_type:.*tcx' /proc/"$XPID"/fdinfo/* | wc -l)" -ge 2 ] ||
		nx "$C" tc filter show dev eth0 ingress | grep -q clat_up_ingress
}
t_check "the programs are attached ($(field fastpath_attach))" attached

t_check "ping -c 3 $SERVER by IPv4 literal" nx "$C" ping -4 -c 3 -i 0.3 -W 2 "$SERVER"
# 6->4 in place, up the stack from eth0 (rp_filter 0 here); under strict
# rp_filter through the TUN's ingress, followed within a second or two.
in_place() { field fastpath_6to4 | grep -q "^in place"; }
via_tun() { field fastpath_6to4 | grep -q "^via the TUN"; }
# 4->6 likewise: the IPv4 default route via the IPv6 router on eth0 (the
# uplink's egress program translates), through the TUN under strict.
route_via6() { ip -n "$C" -4 route show default | grep -Eq "via inet6 fe80::.* dev eth0 proto 100 src 192\.0\.0\.[1-7] .*mtu 1480\b"; }
route_tun() { ip -n "$C" -4 route show default | grep -q "dev clat-eth0 proto 100"; }
t_check "fast path 6->4 in place (rp_filter 0)" in_place
t_check "IPv4 default route via inet6 on eth0, the CLAT's source and MTU" nt_wait 3 route_via6 ||
	t_diag "$(ip -n "$C" -4 route show default; grep -i 'route' "$XLOG" | tail -5)"
nx "$C" sysctl -qw net.ipv4.conf.all.rp_filter=1
t_check "strict rp_filter: 6->4 through the TUN's ingress" nt_wait 4 via_tun
t_check "strict rp_filter: the default route through the TUN" nt_wait 3 route_tun
t_check "strict rp_filter: ping -c 3 $SERVER" nx "$C" ping -4 -c 3 -i 0.3 -W 2 "$SERVER"
nx "$C" sysctl -qw net.ipv4.conf.all.rp_filter=0
t_check "rp_filter 0 again: in place again" nt_wait 4 in_place
t_check "rp_filter 0 again: via inet6 again" nt_wait 3 route_via6
t_check "in place: ping -c 3 $SERVER" nx "$C" ping -4 -c 3 -i 0.3 -W 2 "$SERVER"
t_check "the uplink's egress program translated the pings" bash -c \
	"[ \"\$(ip netns exec $C '$NT_XLATCTL' -s '$SOCK' status --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; i=json.load(sys.stdin)[\"instances\"][0]; print(i[\"config\"][\"fastpath\"][\"fp_4to6_translated\"] > 0)')\" = True ]"
# With the fast path on, the TUN takes TCP super-packets from the host.
t_check "the CLAT TUN offers TSO to the host's TCP" bash -c \
	"ip netns exec $C ethtool -k clat-eth0 | grep -q '^tcp-segmentation-offload: on'"

head -c $((1024 * 1024)) /dev/urandom >"$NT_TMP/up"
up_sha=$(sha256sum <"$NT_TMP/up" | cut -d' ' -f1)
run_bg "$SRV" timeout 30 socat -u TCP4-LISTEN:5001,reuseaddr CREATE:"$NT_TMP/up.out"
sink=$NT_LAST_PID
nt_wait_listen "$SRV" 5001 5
nx "$C" timeout 20 socat -u OPEN:"$NT_TMP/up" TCP4:"$SERVER":5001 2>"$NT_TMP/up.err"
nt_wait 10 bash -c "! kill -0 $sink"
t_check "TCP upload of 1 MiB to $SERVER, sha256 equal" bash -c \
	"[ \"\$(sha256sum <'$NT_TMP/up.out' | cut -d' ' -f1)\" = $up_sha ]" ||
	t_diag "$(cat "$NT_TMP/up.err")"

# udp_send SIZE PORT: one datagram from the client, received on server4.
udp_send() {
	head -c "$1" /dev/urandom >"$NT_TMP/u$2"
	run_bg "$SRV" timeout 15 socat -u -b 65536 UDP4-RECV:"$2" OPEN:"$NT_TMP/u$2.out",creat
	nt_wait_listen "$SRV" "$2" 5 udp
	nx "$C" timeout 5 socat -u -b 65536 OPEN:"$NT_TMP/u$2" UDP4-SENDTO:"$SERVER":"$2"
	nt_wait 5 test -s "$NT_TMP/u$2.out"
	cmp "$NT_TMP/u$2" "$NT_TMP/u$2.out"
}
t_check "a 200-byte UDP datagram arrives intact" udp_send 200 9001
t_check "a 3000-byte UDP datagram (fragmented, userspace path) arrives intact" \
	udp_send 3000 9002

js=$(status)
out=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
i = [i for i in d["instances"] if i["name"] == "c0"][0]
fp, c = i["config"]["fastpath"], i["counters"]
bad = []
for k in ("fp_4to6_translated", "fp_6to4_translated", "fp_pass_fragment"):
    if not fp.get(k, 0) > 0:
        bad.append("%s=%s" % (k, fp.get(k)))
# The merged counters hold the fast path counts; 4->6 also the fragments
# userspace translated, so strictly more there.
for d, k, more in (("4to6", "fp_4to6_translated", 1), ("6to4", "fp_6to4_translated", 0)):
    if not c[d]["out_packets"] >= fp.get(k, 0) + more:
        bad.append("%s out_packets %s < %s + %d" % (d, c[d]["out_packets"], fp.get(k), more))
print("; ".join(bad) if bad else "ok")' <<<"$js" 2>&1)
t_check "status: BPF counters non-zero, fragments passed, merged with userspace" \
	test "$out" = ok || t_diag "$out" "$js"

# Bytes: the programs count L3 lengths; every translated header is 20
# bytes longer (4->6) or shorter (6->4).  The merged in_bytes/out_bytes
# hold them, and 4->6 also the 3000-byte datagram userspace fragmented.
out=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
i = [i for i in d["instances"] if i["name"] == "c0"][0]
fp, c = i["config"]["fastpath"], i["counters"]
bad = []
for d, grow, more in (("4to6", 20, 3000), ("6to4", -20, 0)):
    n = fp.get("fp_%s_translated" % d, 0)
    fin = fp.get("fp_%s_in_bytes" % d, 0)
    fout = fp.get("fp_%s_out_bytes" % d, 0)
    if not (n > 0 and fin > 0 and fout > 0):
        bad.append("%s: fp bytes in %s out %s for %s packets" % (d, fin, fout, n))
    elif fout - fin != grow * n:
        bad.append("%s: fp out-in %d != %d * %d" % (d, fout - fin, grow, n))
    for k, f in (("in_bytes", fin), ("out_bytes", fout)):
        if not (c[d][k] > 0 and c[d][k] >= f + more):
            bad.append("%s %s %s < fp %s + %d" % (d, k, c[d][k], f, more))
# The 1 MiB upload went 4->6 through the fast path: super-packets whose
# segments fit the uplink are never passed on for their size.
if c["4to6"]["in_bytes"] < 1048576:
    bad.append("4to6 in_bytes %s < 1 MiB" % c["4to6"]["in_bytes"])
if fp.get("fp_4to6_in_bytes", 0) < 1048576:
    bad.append("fp_4to6_in_bytes %s < 1 MiB" % fp.get("fp_4to6_in_bytes"))
if fp.get("fp_pass_size", 0):
    bad.append("fp_pass_size %s" % fp.get("fp_pass_size"))
print("; ".join(bad) if bad else "ok")' <<<"$js" 2>&1)
t_check "status: in_bytes/out_bytes non-zero, fast path bytes merged" \
	test "$out" = ok || t_diag "$out" "$js"

kill -TERM "$XPID"
nt_wait 10 bash -c "! kill -0 $XPID"
t_check "xlatd exits on SIGTERM" bash -c "! kill -0 $XPID"
t_check "no clat filter left on the client's eth0" bash -c \
	"! ip netns exec $C tc filter show dev eth0 ingress | grep -q clat_"

# ---- bpf-attach = clsact: the fallback for kernels without tcx ----
# cls_bpf filters outlive their process, unlike tcx links: after kill -9
# the uplink keeps ours, and the next start must remove it, not add a
# second one.
sed 's/^datapath = bpf$/datapath = bpf\nbpf-attach = clsact/' "$NT_TMP/xlatd.conf" \
	>"$NT_TMP/xlatd.clsact.conf"
n_up_filters() { nx "$C" tc filter show dev eth0 ingress | grep -c clat_up_ingress; }
fp6to4() {
	status | /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
i = [i for i in d["instances"] if i["name"] == "c0"][0]
print(i["config"].get("fastpath", {}).get("fp_6to4_translated", 0))' 2>/dev/null || echo 0
}
clsact_start() {
	run_bg "$C" "$XLATD" -c "$NT_TMP/xlatd.clsact.conf"
	XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
	nt_wait 15 bash -c "ip netns exec $C $XLATCTL -s $SOCK status --json | grep -Eq '\"(running|failed)\"'"
	nt_wait 10 bash -c "ip -n $C -4 route show default | grep -q ."
}
clsact_start
t_check "bpf-attach = clsact: running, attached by clsact ($(field fastpath_attach))" \
	test "$(field state)/$(field fastpath_attach)" = running/clsact ||
	t_diag "$(tail -n 20 "$XLOG")"
t_check "bpf-attach = clsact: one cls_bpf filter on eth0 ingress, one on the TUN's egress" \
	bash -c "[ \$(ip netns exec $C tc filter show dev eth0 ingress | grep -c clat_up_ingress) = 1 ] &&
		ip netns exec $C tc filter show dev clat-eth0 egress | grep -q clat_"
before=$(fp6to4)
t_check "bpf-attach = clsact: ping -c 3 $SERVER" nx "$C" ping -4 -c 3 -i 0.3 -W 2 "$SERVER"
t_check "bpf-attach = clsact: the replies took the fast path ($before -> $(fp6to4))" \
	test "$(fp6to4)" -ge $((before + 3))
kill -KILL "$XPID"
wait "$XPID" 2>/dev/null
nt_wait 5 bash -c "! kill -0 $XPID"
t_check "after kill -9 the uplink still has the dead process's filter (the case to recover)" \
	test "$(n_up_filters)" = 1
clsact_start
t_check "restart after kill -9: running on clsact again ($(field state))" \
	test "$(field state)/$(field fastpath_attach)" = running/clsact
t_check "restart after kill -9: exactly one clat filter on eth0 ingress ($(n_up_filters))" \
	test "$(n_up_filters)" = 1
t_check "restart after kill -9: exactly one on eth0 egress" bash -c \
	"[ \$(ip netns exec $C tc filter show dev eth0 egress | grep -c clat_up_egress) = 1 ]"
before=$(fp6to4)
t_check "restart after kill -9: ping -c 3 $SERVER through the new programs" \
	bash -c "ip netns exec $C ping -4 -c 3 -i 0.3 -W 2 $SERVER >/dev/null &&
		[ \$(ip netns exec $C $XLATCTL -s $SOCK status --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
i = [i for i in d[\"instances\"] if i[\"name\"] == \"c0\"][0]
print(i[\"config\"][\"fastpath\"][\"fp_6to4_translated\"])') -ge $((before + 3)) ]"
kill -TERM "$XPID"
nt_wait 10 bash -c "! kill -0 $XPID"
t_check "bpf-attach = clsact: SIGTERM leaves no clat filter on eth0" bash -c \
	"! ip netns exec $C tc filter show dev eth0 ingress | grep -q clat_ &&
	 ! ip netns exec $C tc filter show dev eth0 egress | grep -q clat_"
t_check "SIGTERM leaves no IPv4 address of ours on eth0" bash -c \
	"! ip -n $C -4 addr show dev eth0 | grep -q 'inet 192\.0\.0\.'"
t_done
