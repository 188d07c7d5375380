#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xlatd as systemd/xlatd.service runs it: an unprivileged uid with exactly
# the unit's capabilities (AmbientCapabilities=, CapabilityBoundingSet=),
# started here with setpriv inside the test's namespaces.
#
#  - a [siit] instance (nt_siit_hosts) translates both ways;
#  - a [clat] instance on the lab's client, with datapath = bpf (eBPF
#    programs on the uplink) and then datapath = userspace (packet
#    sockets), comes up and passes traffic to the IPv4-only server; then
#    once more started as root with --user, dropping privileges itself;
#  - the control socket: a member of the daemon's group reads status but
#    may not reload, a user outside it cannot even connect, the daemon's
#    own uid and root may reload.
#
# This machine has no udev: /dev/net/tun is 0600 (udev's default rule
# makes it 0666, which the unit relies on).  The daemon gets a 0666 node
# bind-mounted over /dev/net/tun in a mount namespace of its own; the
# host's node is never touched.
. "$(dirname "$0")/../lib/netns.sh"

nt_need_root
nt_need setpriv unshare mknod tayga radvd unbound nft /usr/bin/python3
nt_need_build xlatd xlatctl

XUID=4640 # the daemon (User=xlatd, Group=xlatd)
RUID=4641 # a member of group xlatd
OUID=4642 # anyone else
# The unit's set, read from the unit itself so the two cannot drift apart.
UNIT=$NT_ROOT/systemd/xlatd.service
CAPS=${XLAT_CAPS:-$(sed -n 's/^AmbientCapabilities=//p' "$UNIT" | tr 'A-Z ' 'a-z,' | sed 's/cap_//g')}
t_diag "capabilities: $CAPS"
capset=""
eff=0
declare -A capnum=([net_admin]=12 [net_raw]=13 [sys_admin]=21 [perfmon]=38 [bpf]=39)
for c in ${CAPS//,/ }; do
	capset="$capset,+$c"
	eff=$((eff | 1 << ${capnum[$c]}))
done
want_eff=$(printf '%016x' "$eff")

bound=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT")
t_check "the unit's bounding set is its ambient set ($bound)" \
	bash -c "[ '$bound' = '$(sed -n 's/^AmbientCapabilities=//p' "$UNIT")' ]"
t_check "the unit runs as user and group xlatd" \
	bash -c "grep -qx 'User=xlatd' '$UNIT' && grep -qx 'Group=xlatd' '$UNIT'"
if command -v systemd-analyze >/dev/null; then
	sed "s|@SBINDIR@|$NT_BUILD|" "$UNIT" >"$NT_TMP/xlatd.service"
	t_check "systemd-analyze verify xlatd.service" \
		systemd-analyze verify --man=no "$NT_TMP/xlatd.service"
else
	t_skip "systemd-analyze verify xlatd.service" "no systemd-analyze"
fi

chmod 0711 "$NT_TMP"
mknod -m 0666 "$NT_TMP/tun" c 10 200 || t_bail "a private TUN node" "mknod failed"

# priv_dir NAME: a directory the daemon owns, as RuntimeDirectory= makes.
priv_dir() {
	mkdir -m 0755 "$NT_TMP/$1" && chown "$XUID:$XUID" "$NT_TMP/$1"
}

# run_xlatd NS CONF: xlatd as $XUID with $CAPS only (inheritable, ambient
# and bounding set: what systemd does for User= + AmbientCapabilities=).
run_xlatd() {
	run_bg "$1" unshare -m --propagation private sh -c \
		'mount --bind "$0" /dev/net/tun && exec "$@"' "$NT_TMP/tun" \
		setpriv --reuid=$XUID --regid=$XUID --clear-groups \
		--inh-caps=-all$capset --ambient-caps=-all$capset \
		--bounding-set=-all$capset --no-new-privs -- \
		"$NT_XLATD" -v -c "$2"
}

# as UID [GROUPS] -- CMD: run CMD as UID with no capabilities.
as() {
	local u=$1 g=()
	shift
	if [ "$1" != -- ]; then g=(--groups="$1"); shift; else g=(--clear-groups); fi
	shift
	setpriv --reuid="$u" --regid="$u" "${g[@]}" --inh-caps=-all \
		--bounding-set=-all -- "$@"
}

# ---- CLAT on the lab (first: lab.sh wants no namespace of our prefix) ----
nt_lab_up
C=$LAB_PREFIX-client
SERVER=203.0.113.10
# The third run: xlatd started as root with --user drops to $XUID itself
# (it makes its directories, no setpriv around it).
for run in bpf userspace bpf:--user; do
	dp=${run%%:*} how=${run#*:}
	[ "$how" = "$run" ] && how=setpriv
	d=clat-$dp-${how#--}
	if [ "$how" = setpriv ]; then priv_dir "$d"; else mkdir -m 0755 "$NT_TMP/$d"; fi
	CSOCK=$NT_TMP/$d/run/xlatd.sock
	[ "$how" = setpriv ] && CSOCK=$NT_TMP/$d/xlatd.sock
	cat >"$NT_TMP/$d/xlatd.conf" <<-EOF
		[global]
		control-socket = $CSOCK
		state-dir = $NT_TMP/$d/state
		clat-auto = no
		[clat c0]
		uplink = eth0
		pref64 = 2001:db8:64::/96
		datapath = $dp
	EOF
	if [ "$how" = setpriv ]; then
		run_xlatd "$C" "$NT_TMP/$d/xlatd.conf"
	else
		run_bg "$C" unshare -m --propagation private sh -c \
			'mount --bind "$0" /dev/net/tun && exec "$@"' "$NT_TMP/tun" \
			"$NT_XLATD" -v --user $XUID -c "$NT_TMP/$d/xlatd.conf"
	fi
	CPID=$NT_LAST_PID CLOG=$NT_LAST_LOG
	lbl="$dp, $how"
	st() {
		nx "$C" "$NT_XLATCTL" -s "$CSOCK" status --json 2>/dev/null |
			nt_json_clat c0 state datapath
	}
	if nt_wait 15 bash -c "ip -n '$C' -4 route show default | grep -q . && \
		ip netns exec '$C' '$NT_XLATCTL' -s '$CSOCK' status --json | grep -q '\"running\"'"; then
		t_ok "clat ($lbl) runs as uid $XUID with $CAPS: $(st)"
	else
		t_not_ok "clat ($lbl) runs as uid $XUID with $CAPS" "$(st; tail -n 15 "$CLOG")"
	fi
	t_check "clat ($lbl): uid $XUID, CapEff $want_eff" \
		bash -c "[ \"\$(stat -c %u /proc/$CPID)\" = $XUID ] && [ \"\$(grep CapEff /proc/$CPID/status | cut -f2)\" = $want_eff ]"
	now=$(st)
	t_check "clat ($lbl): the datapath in use is $dp ($now)" \
		bash -c "[ '${now#* }' = $dp ]"
	# No CAP_SYS_NICE, and RLIMIT_NICE cannot be raised here (no
	# CAP_SYS_RESOURCE for the test either): worker-nice -5 is refused,
	# said in the status, and not fatal (LimitNICE=-5 allows it under systemd).
	if [ "$dp" = userspace ]; then
		wn=$(nx "$C" "$NT_XLATCTL" -s "$CSOCK" status -v c0 | sed -n 's/^ *worker_nice: //p')
		t_check "clat ($lbl): worker nice -5 refused without privilege, not fatal ($wn)" \
			bash -c "[[ '$wn' == '0 (worker-nice -5 refused: '* ]] || [ '$wn' = -5 ]"
	fi
	t_check "clat ($lbl): ping $SERVER by IPv4 literal" nx "$C" ping -4 -c 3 -i 0.2 -W 2 "$SERVER"
	t_check "clat ($lbl): HTTP from $SERVER" \
		nx "$C" curl -sS -m 20 -o /dev/null "http://$SERVER/"
	nt_kill_pids "$CPID"
	t_check "clat ($lbl): no IPv4 default route left after exit" \
		bash -c "[ -z \"\$(ip -n '$C' -4 route show default)\" ]"
	grep -E 'err:|warn:' "$CLOG" | head -5 | while read -r l; do t_diag "$l"; done
done
# ---- SIIT ----
nt_siit_hosts || t_bail "siit namespaces"
priv_dir siit
SSOCK=$NT_TMP/siit/xlatd.sock
nt_siit_conf "$NT_TMP/siit/xlatd.conf" "$SSOCK"
# A state directory the daemon's user may write (nt_siit_conf sets one).
sed -i "/^state-dir = /d; s|^\[global\]|[global]\nstate-dir = $NT_TMP/siit/state|" "$NT_TMP/siit/xlatd.conf"
run_xlatd "$XL" "$NT_TMP/siit/xlatd.conf"
SPID=$NT_LAST_PID SLOG=$NT_LAST_LOG
siit_up() {
	ip -n "$XL" route show 192.0.2.0/24 | grep -q siit0 &&
		nx "$XL" "$NT_XLATCTL" -s "$SSOCK" status --json | grep -q '"running"'
}
if nt_wait 10 siit_up; then
	t_ok "siit instance runs as uid $XUID with $CAPS"
else
	t_not_ok "siit instance runs as uid $XUID with $CAPS" "$(tail -n 15 "$SLOG")"
fi
t_check "siit xlatd runs as uid $XUID, CapEff $want_eff" \
	bash -c "[ \"\$(stat -c %u /proc/$SPID)\" = $XUID ] && [ \"\$(grep CapEff /proc/$SPID/status | cut -f2)\" = $want_eff ]"
t_check "siit: ping IPv6 -> IPv4 (pool6)" nx "$H6" ping -6 -c 3 -i 0.2 -W 2 2001:db8:64::c633:6402
t_check "siit: ping IPv4 -> IPv6 (EAM)" nx "$H4" ping -4 -c 3 -i 0.2 -W 2 192.0.2.10

# ---- the control socket ----
t_check "the socket is group $XUID, mode 0660" \
	bash -c "[ \"\$(stat -c '%g %a' '$SSOCK')\" = '$XUID 660' ]"
t_check "a member of the daemon's group reads status" \
	nx "$XL" bash -c "$(declare -f as); as $RUID $XUID -- '$NT_XLATCTL' -s '$SSOCK' status"
out=$(nx "$XL" bash -c "$(declare -f as); as $RUID $XUID -- '$NT_XLATCTL' -s '$SSOCK' reload" 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -q 'permission denied' <<<"$out" &&
   ! grep -q 'reload requested' "$SLOG"; then
	t_ok "a member of the daemon's group may not reload"
else
	t_not_ok "a member of the daemon's group may not reload" "rc $rc: $out"
fi
out=$(nx "$XL" bash -c "$(declare -f as); as $OUID -- '$NT_XLATCTL' -s '$SSOCK' status" 2>&1)
rc=$?
if [ $rc -ne 0 ] && ! grep -q running <<<"$out"; then
	t_ok "a user outside the group cannot read status"
else
	t_not_ok "a user outside the group cannot read status" "rc $rc: $out"
fi
out=$(nx "$XL" bash -c "$(declare -f as); as $OUID -- '$NT_XLATCTL' -s '$SSOCK' reload" 2>&1)
rc=$?
t_check "a user outside the group cannot reload (rc $rc)" \
	bash -c "[ $rc -ne 0 ] && ! grep -q 'reload requested' '$SLOG'"
t_check "the daemon's own uid may reload" \
	nx "$XL" bash -c "$(declare -f as); as $XUID -- '$NT_XLATCTL' -s '$SSOCK' reload"
t_check "root may reload" nx "$XL" "$NT_XLATCTL" -s "$SSOCK" reload
t_check "the reloads were done (log)" nt_wait 5 bash -c "[ \$(grep -c 'reload requested' '$SLOG') -eq 2 ]"
t_check "siit still translates after the reloads" \
	nx "$H6" ping -6 -c 2 -i 0.2 -W 2 2001:db8:64::c633:6402
nt_kill_pids "$SPID"
t_check "siit xlatd removed its TUN on exit" bash -c "! ip -n '$XL' link show siit0 2>/dev/null"

t_done
