#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NAT64 prefix discovery (src/control/discovery.c) in network namespaces:
# a router namespace R sends PREF64 RAs (tests/tools/pref64_ra) and runs
# unbound as a DNS64; a client namespace C runs build/tools/discovery_probe,
# which prints one line per prefix event:
#	T EVENT SOURCE PREFIX/LEN expires=E   (seconds since the probe started)
# Checked: every PLC is learned, withdrawal, a change, expiry reported
# within a second of the lifetime's end, the Router Solicitation, and
# RFC 7050 against unbound with a /96 and then a /56 dns64-prefix.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need unbound python3
PROBE=$NT_BUILD/tools/discovery_probe
RA=$NT_BUILD/tools/pref64_ra
for b in "$PROBE" "$RA"; do
	[ -x "$b" ] || t_bail "$b is built" "run: make BUILD=${BUILD:-build}"
done

nt_ns R || t_bail "namespace R"
nt_ns C || t_bail "namespace C"
R=$(ns R)
C=$(ns C)
# The client must not solicit by itself: every RS seen is the probe's.
ip link add r0 netns "$R" type veth peer name c0 netns "$C" || t_bail "veth"
nt_sysctl "$C" net.ipv6.conf.c0.router_solicitations=0 net.ipv6.conf.c0.accept_ra=1
ip -n "$R" link set r0 up && ip -n "$C" link set c0 up
nt_addr "$R" r0 fe80::64/64 nodad
nt_addr "$R" r0 2001:db8:1::1/64 nodad
nt_addr "$C" c0 2001:db8:1::2/64 nodad
nt_wait_dad "$R" 10 && nt_wait_dad "$C" 10 || t_bail "DAD done"

# ra PREFIX/LEN LIFETIME [SRC]: one PREF64 RA from R.
ra() {
	nx "$R" "$RA" --iface r0 --src "${3:-fe80::64}" --prefix "$1" \
		--lifetime "$2" --count 1
}

# probe SECS ARGS...: the probe in C in the background, ready when it says so.
probe() {
	local secs=$1
	shift
	run_bg "$C" "$PROBE" --iface c0 --seconds "$secs" "$@"
	PROBE_PID=$NT_LAST_PID
	PROBE_LOG=$NT_LAST_LOG
	nt_wait 5 grep -q ready "$PROBE_LOG"
}

probe_end() {
	local i
	for i in $(seq 200); do
		kill -0 "$PROBE_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$PROBE_PID" 2>/dev/null
}

has_line() {
	grep -qE "$1" "$PROBE_LOG"
}

# --- RS on start, then every PLC learned and withdrawn -----------------
run_bg "$R" timeout 8 tcpdump -l -n -v -i r0 -c 1 'icmp6 and ip6[40] == 133'
TD_LOG=$NT_LAST_LOG
nt_wait 5 grep -q listening "$TD_LOG" || sleep 1
probe 12 --no-dns || t_bail "probe ready"
PLENS="96 64 56 48 40 32"
declare -A PFX=([96]=2001:db8:64::/96 [64]=2001:db8:64:1::/64
	[56]=2001:db8:64:200::/56 [48]=2001:db8:65::/48 [40]=2001:db8:6600::/40
	[32]=2001:db8::/32)
for l in $PLENS; do
	ra "${PFX[$l]}" 600 && sleep 0.3 && ra "${PFX[$l]}" 0 && sleep 0.3
done
sleep 0.5
kill "$PROBE_PID" 2>/dev/null
probe_end
nt_wait 3 grep -q "router solicitation" "$TD_LOG"
t_check "probe sends a Router Solicitation with hop limit 255" \
	grep -qE "hlim 255.*router solicitation" "$TD_LOG"
for l in $PLENS; do
	t_check "PLC for /$l learned" has_line " appeared ra ${PFX[$l]} "
done
t_check "withdrawal (lifetime 0) reported for each" \
	test "$(grep -c ' withdrawn ra ' "$PROBE_LOG")" -eq 6
t_check "events alternate appeared/withdrawn" \
	bash -c "grep -E 'appeared|withdrawn|changed|expired' '$PROBE_LOG' | awk '{print \$2}' | tr '\n' ' ' | grep -qx '\(appeared withdrawn \)\{6\}'"

# --- a change, then expiry within a second ------------------------------
probe 16 --no-dns || t_bail "probe ready (2)"
ra 2001:db8:64::/96 600
sleep 0.3
ra 2001:db8:77::/96 600
sleep 0.3
ra 2001:db8:64::/96 0
sleep 0.3
ra 2001:db8:77::/96 0
sleep 0.3
ra 2001:db8:88::/64 8
probe_end
t_check "prefix change reported" has_line " changed ra 2001:db8:77::/96 "
t_check "second prefix withdrawn" has_line " withdrawn ra 2001:db8:77::/96 "
exp_check() {
	local e t
	e=$(awk '/ appeared ra 2001:db8:88::\/64 / { sub("expires=", "", $5); print $5 }' "$PROBE_LOG")
	t=$(awk '/ expired ra 2001:db8:88::\/64 / { print $1 }' "$PROBE_LOG")
	[ -n "$e" ] && [ -n "$t" ] || { cat "$PROBE_LOG"; return 1; }
	echo "expires=$e reported=$t"
	awk -v e="$e" -v t="$t" 'BEGIN { exit !(t >= e - 0.01 && t - e < 1.0 && e > 7) }'
}
t_check "lifetime 8 s expiry reported within 1 s of its end" exp_check

# --- RFC 7050 against unbound DNS64, no PREF64 --------------------------
nt_resolv "$C" 2001:db8:1::1 || t_bail "resolv.conf for C"
dns_run() {
	local want=$1
	nt_unbound "$R" 2001:db8:1::1 "$want" || { t_not_ok "unbound with dns64-prefix $want starts"; return; }
	probe 8 --no-ra --dns-delay 0 || { t_not_ok "probe ready (dns $want)"; return; }
	nt_wait 7 grep -q " appeared " "$PROBE_LOG"
	kill "$PROBE_PID" 2>/dev/null
	probe_end
	t_check "RFC 7050 learns $want from unbound DNS64" has_line " appeared dns $want "
	t_check "RFC 7050 DNS prefix lives past the TTL floor" \
		bash -c "awk '/ appeared dns / { sub(\"expires=\", \"\", \$5); exit !(\$5 > 3600) }' '$PROBE_LOG'"
}
dns_run 2001:db8:64::/96
dns_run 2001:db8:46:ab00::/56

# The static prefix wins over everything, at once.
probe 2 --static 2001:db8:5::/96 --dns-delay 0 || t_bail "probe ready (static)"
ra 2001:db8:64::/96 600
probe_end
t_check "static prefix overrides RA and DNS" \
	bash -c "grep -E ' (appeared|changed) ' '$PROBE_LOG' | awk '{print \$2, \$3, \$4}' | grep -qx 'appeared static 2001:db8:5::/96'"

t_done
