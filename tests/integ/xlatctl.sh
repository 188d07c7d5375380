#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xlatctl against a running SIIT instance with traffic through it: the
# short status (a few lines, the real packet counts, drops only when there
# are some), -v, the instance filter and its exit code, --json unchanged,
# and `xlatctl metrics` in the Prometheus text format (parsed by a strict
# checker below), --output written atomically, xlatd down -> xlat464_up 0.
# Also the log format: timestamps on a plain stderr, "<N>" priorities when
# JOURNAL_STREAM names stderr.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need /usr/bin/python3
nt_need_build xlatd xlatctl

nt_siit_hosts || t_bail "namespaces"
SOCK=$NT_TMP/xlatd.sock
nt_siit_conf "$NT_TMP/xlatd.conf" "$SOCK"
run_bg "$XL" "$NT_XLATD" -c "$NT_TMP/xlatd.conf"
XPID=$NT_LAST_PID XLOG=$NT_LAST_LOG
ctl() { nx "$XL" "$NT_XLATCTL" -s "$SOCK" "$@"; }
if ! nt_wait 10 bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK status --json | grep -q '\"running\"'"; then
	t_not_ok "siit instance s0 is running" "$(tail -n 20 "$XLOG")"
	t_done
fi
t_ok "siit instance s0 is running"

# 5 echo requests and replies through the translator, and 3 packets it
# must drop: from an IPv6 source that neither EAM nor pool6 maps.
t_check "ping IPv4 -> IPv6 host through the SIIT" nx "$H4" ping -4 -c 5 -i 0.2 -W 2 192.0.2.10
nt_addr "$H6" eth0 2001:db8:6::20/64 nodad
nx "$H6" ping -6 -c 3 -i 0.2 -W 1 -I 2001:db8:6::20 2001:db8:64::c633:6402 >/dev/null 2>&1

# ---- status, short ----
# xlatd also runs its automatic CLATs (stopped: no IPv6 default route)
# on the veths: the filter picks one instance out of several.
short=$(ctl status s0)
rc=$?
t_check "status exits 0" test $rc -eq 0
t_check "status: first line has state and closed parenthesis or none" \
	grep -Eq '^siit s0: running( \(.*\))?$' <<<"$short"
t_check "status is short (at most 8 lines for one instance)" test "$(wc -l <<<"$short")" -le 8
t_check "status: 4to6 line counts the 5 echo requests" \
	grep -Eq '^  4to6 +in 5 pkts [0-9]+ B, out 5 pkts' <<<"$short"
t_check "status: 6to4 line counts the replies" \
	grep -Eq '^  6to4 +in ([5-9]|1[0-9]) pkts' <<<"$short"
t_check "status: the drop reason, as it is non-zero" \
	grep -Eq '^  drops 6to4 ([3-9]|[1-9][0-9]+) \(.*src_untranslatable 3' <<<"$short"
t_check "status: no drops line for 4to6 (nothing dropped)" \
	nt_not grep -q 'drops 4to6' <<<"$short"
t_check "status: tun and pool6" bash -c 'grep -q "tun: *siit0 mtu" <<<"$1" && grep -q "2001:db8:64::/96, 1 EAM entry" <<<"$1"' _ "$short"
t_diag "$short"

# ---- status -v, the filter ----
long=$(ctl status -v)
t_check "status -v has every counter (in_bytes, hairpinned, io_sleeps...)" \
	bash -c 'grep -q "^      in_bytes: " <<<"$1" && grep -q "^      hairpinned: 0" <<<"$1" && grep -q "^    threads: " <<<"$1"' _ "$long"
t_check "status -v is longer than status" test "$(wc -l <<<"$long")" -gt "$(wc -l <<<"$short")"
all=$(ctl status)
t_check "status without a filter: s0, clat-v4 and clat-v6" \
	test "$(grep -Eo '^(siit s0|clat clat-v4|clat clat-v6):' <<<"$all" | sort | tr '\n' ' ')" = "clat clat-v4: clat clat-v6: siit s0: "
t_diag "$(grep '^[a-z]' <<<"$all")"
t_check "a stopped CLAT that saw no packet: no traffic lines" \
	bash -c 'grep -A3 "^clat clat-v6: stopped (" <<<"$1" | grep -q "^  uplink: *v6 (mode auto)$" && ! grep -A3 "^clat clat-v6" <<<"$1" | grep -q 4to6' _ "$all"
t_check "the automatic CLATs' state files are in the test's state-dir" test -f "$NT_TMP/state/v6.state"
t_check "status v6 (by uplink) shows only clat-v6" test "$(ctl status v6 | grep '^[a-z]')" = "clat clat-v6: stopped (no IPv6 default route on v6)"
t_check "status siit0 (by TUN) shows it" bash -c "ip netns exec $XL $NT_XLATCTL -s $SOCK status siit0 | grep -q '^siit s0'"
ctl status nosuch >/dev/null 2>&1
t_check "status nosuch exits 1" test $? -eq 1
ctl status --bogus >/dev/null 2>&1
t_check "status --bogus exits 2 (usage)" test $? -eq 2
js=$(ctl status --json)
t_check "status --json is the daemon's JSON (name, counters)" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
i = d["instances"][0]
assert d["daemon"] == "xlatd" and i["name"] == "s0" and i["kind"] == "siit"
assert i["counters"]["4to6"]["in_packets"] >= 5' "$js"
t_check "status --json s0: the unfiltered JSON with only s0" /usr/bin/python3 -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
a["instances"] = [i for i in a["instances"] if i["name"] == "s0"]
assert a == b and len(b["instances"]) == 1' "$js" "$(ctl status --json s0)"

# ---- metrics ----
ctl metrics >"$NT_TMP/m.prom"
t_check "metrics exits 0" test $? -eq 0
t_check "metrics is valid exposition format with the expected series" \
	/usr/bin/python3 - "$NT_TMP/m.prom" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
seen, typed, cur, vals = set(), {}, None, {}
name_re = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
for l in lines:
    m = re.fullmatch(r'# (HELP|TYPE) (' + name_re + r') (.+)', l)
    if m:
        if m[1] == 'TYPE':
            assert m[2] not in typed, 'TYPE twice: ' + l
            assert m[3] in ('counter', 'gauge', 'untyped'), l
            typed[m[2]] = m[3]
        cur = m[2]
        continue
    m = re.fullmatch('(' + name_re + r')(\{(.*)\})? (\S+)', l)
    assert m, 'bad line: ' + l
    assert m[1] == cur, 'sample out of its family: ' + l
    assert m[1] in typed, 'no TYPE: ' + l
    if typed[m[1]] == 'counter':
        assert m[1].endswith('_total'), l
    labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m[3] or ''))
    float(m[4])
    key = (m[1], tuple(sorted(labels.items())))
    assert key not in vals, 'duplicate series: ' + l
    vals[key] = float(m[4])
    seen.add(m[1])
def get(name, **lab):
    return vals[(name, tuple(sorted(lab.items())))]
assert get('xlat464_up') == 1
assert get('xlat464_instance_state', instance='s0', state='running') == 1
assert get('xlat464_instance_state', instance='s0', state='failed') == 0
assert get('xlat464_in_packets_total', instance='s0', direction='4to6') >= 5
assert get('xlat464_out_packets_total', instance='s0', direction='4to6') >= 5
assert get('xlat464_in_bytes_total', instance='s0', direction='6to4') > 0
assert get('xlat464_dropped_packets_by_reason_total', instance='s0', direction='4to6', reason='ttl_expired') == 0
assert get('xlat464_mtu_bytes', instance='s0') >= 1280
drops = sum(v for (n, l), v in vals.items() if n == 'xlat464_dropped_packets_by_reason_total' and ('direction', '6to4') in l)
assert drops == get('xlat464_dropped_packets_total', instance='s0', direction='6to4') >= 3, drops
assert get('xlat464_dropped_packets_by_reason_total', instance='s0', direction='6to4', reason='src_untranslatable') == 3
assert get('xlat464_instance_state', instance='clat-v4', state='stopped') == 1
info = [l for (n, l) in vals if n == 'xlat464_instance_info']
assert ('pool6', '2001:db8:64::/96') in info[0] and ('kind', 'siit') in info[0], info
EOF
t_check "metrics --output writes the file atomically (no temporary left)" bash -c "
	ip netns exec $XL $NT_XLATCTL -s $SOCK metrics --output $NT_TMP/out/x.prom 2>/dev/null; [ \$? -ne 0 ] &&
	mkdir $NT_TMP/out && ip netns exec $XL $NT_XLATCTL -s $SOCK metrics --output $NT_TMP/out/x.prom &&
	grep -q '^xlat464_up 1' $NT_TMP/out/x.prom && [ \$(ls $NT_TMP/out | wc -l) -eq 1 ]"

# ---- logs: timestamps on plain stderr ----
t_check "log lines on plain stderr start with a timestamp" \
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{4} xlatd\[s0\]: info: ' "$XLOG"

# ---- xlatd down ----
nt_kill_pids "$XPID"
ctl metrics --output "$NT_TMP/out/x.prom" 2>/dev/null
t_check "metrics with xlatd down exits 3" test $? -eq 3
t_check "... and writes xlat464_up 0" grep -qx 'xlat464_up 0' "$NT_TMP/out/x.prom"
ctl status >/dev/null 2>&1
t_check "status with xlatd down exits 3" test $? -eq 3

# ---- logs: when stderr is the journal ----
# xlatd_journal LOG [NATIVE]: xlatd with JOURNAL_STREAM naming its stderr
# (LOG, as systemd sets it: device and inode), in a private /run.  With
# NATIVE, a datagram socket at journald's path records what it receives
# in NATIVE; without, there is no such socket.
xlatd_journal() {
	local log=$1 native=${2:-} w
	: >"$log"
	ip netns exec "$XL" unshare -m --propagation private bash -c '
		mount -t tmpfs tmpfs /run || exit 1
		if [ -n "$3" ]; then
			mkdir -p /run/systemd/journal
			socat -u UNIX-RECV:/run/systemd/journal/socket OPEN:"$3",creat,append &
			s=$!
			for i in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
		fi
		JOURNAL_STREAM=$(stat -L -c %d:%i "$2") "$1" -c "$4" 2>>"$2" &
		echo $! >"$2.pid"
		wait $!
		[ -n "${s:-}" ] && kill "$s"
		exit 0
	' _ "$NT_XLATD" "$log" "$native" "$NT_TMP/xlatd.conf" &
	w=$!
	NT_PIDS+=("$w")
	nt_wait 10 test -S "$SOCK"
	nt_kill_pids "$(cat "$log.pid")"
	wait "$w"
}
jlog=$NT_TMP/journal.log
xlatd_journal "$jlog"
t_check "journal stream, no native socket: <6> priority prefix, no timestamp" \
	grep -Eq '^<6>xlatd\[s0\]: state running' "$jlog"
t_check "... and <N> on every line" nt_not grep -Evq '^<[0-7]>' "$jlog"
t_diag "$(head -n 2 "$jlog")"

xlatd_journal "$jlog" "$NT_TMP/native.log"
t_check "journal: native fields PRIORITY, SYSLOG_IDENTIFIER, XLATD_INSTANCE, MESSAGE" \
	bash -c "tr '\\n' '|' <'$NT_TMP/native.log' | grep -q 'PRIORITY=6|SYSLOG_IDENTIFIER=xlatd|XLATD_INSTANCE=s0|MESSAGE=s0: state running|'"
t_check "journal: the daemon's own lines have no XLATD_INSTANCE" \
	bash -c "tr '\\n' '|' <'$NT_TMP/native.log' | grep -q 'PRIORITY=6|SYSLOG_IDENTIFIER=xlatd|MESSAGE=ready: '"
t_check "journal: nothing on stderr when the native socket takes it" test ! -s "$jlog"
t_diag "$(head -c 300 "$NT_TMP/native.log")"

t_done
