# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the integration tests (tests/integ/*.sh).  Source it:
#
#	. "$(dirname "$0")/../lib/netns.sh"
#
# It gives every run its own short prefix (NT_PFX, from the script name and
# $$) so parallel runs and a lab left up never collide, records everything
# it creates (namespaces, /etc/netns dirs, background PIDs, extra cleanup
# commands) and removes exactly that from an EXIT trap, which also runs on
# failure and on SIGINT/SIGTERM.  It never touches the root namespace's
# sysctls, routes or firewall.
#
# TAP:   t_ok NAME / t_not_ok NAME WHY / t_check NAME CMD... / t_skip NAME WHY
#        t_done (prints the plan and exits 1 if anything failed)
# netns: nt_ns SHORT (creates "$NT_PFX-SHORT", loopback up; see ns SHORT)
#        nt_veth NS1 IF1 NS2 IF2 [MTU]   nt_addr NS IF ADDR/LEN [nodad]
#        nt_sysctl NS KEY=VAL...          nt_resolv NS NAMESERVER
#        nx NS CMD...  (ip netns exec)    run_bg NS CMD... (PID recorded)
#        nt_on_exit CMD...  (extra cleanup, run in reverse order)
# wait:  nt_wait SECS CMD...  nt_wait_dad NS SECS  nt_wait_route NS SECS ARGS...
#        nt_wait_listen NS PORT SECS [tcp|udp]   nt_wait_tcp NS HOST PORT SECS
# peers: nt_siit_hosts  nt_router C CIF R N  nt_radvd NS IF PREFIX [EXTRA]  nt_tayga NS IPV4 PREFIX POOL
#        nt_unbound NS LISTEN DNS64_PREFIX [ZONEFILE...]  nt_lab_up
# xlatd: nt_xlatd NS [EXTRA]  nt_xlatd_start  nt_xlatd_stop  nt_xlatctl ARGS...
#        nt_clat NAME KEY...  nt_clat_state NAME  nt_clat_is NAME REGEX
#        nt_wait_clat NAME REGEX SECS
# misc:  nt_need_build NAME...  nt_not CMD...  nt_clat_route NS UPLINK
#        KEEP_LOGS=DIR keeps the logs of everything run_bg started.

set -u
export LC_ALL=C
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

NT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NT_BUILD=${BUILD:-build}
case "$NT_BUILD" in /*) ;; *) NT_BUILD=$NT_ROOT/$NT_BUILD ;; esac
NT_NAME=$(basename "$0" .sh)
NT_XLATD=$NT_BUILD/xlatd
NT_XLATCTL=$NT_BUILD/xlatctl
# Interface names are limited to 15 bytes; namespace names are free, but
# keep them short so "ip netns list" stays readable: 4 letters + PID.
NT_PFX=${NT_PFX:-$(printf '%s' "${NT_NAME//[^a-z0-9]/}" | cut -c1-4)$$}
NT_TMP=$(mktemp -d "/tmp/xlat-$NT_NAME.XXXXXX")

NT_NSS=()
NT_PIDS=()
NT_ETC=()
NT_HOOKS=()
NT_DONE=0

t_n=0
t_fail=0

. "$NT_ROOT/tests/lib/conf.sh"

t_ok() {
	t_n=$((t_n + 1))
	echo "ok $t_n - $1"
}

t_not_ok() {
	t_n=$((t_n + 1))
	t_fail=$((t_fail + 1))
	echo "not ok $t_n - $1"
	[ $# -ge 2 ] && [ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

t_skip() {
	t_n=$((t_n + 1))
	echo "ok $t_n - $1 # SKIP ${2:-}"
}

# t_check NAME CMD...: one test point from a command's exit status; its
# output is shown (as TAP comments) only when it fails.
t_check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		t_ok "$name"
		return 0
	fi
	t_not_ok "$name" "$(printf 'exit %d: %s\n%s' $rc "$*" "$out" | tail -n 25)"
	return 1
}

t_diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# t_bail WHY: stop the script, counting one failure (the EXIT trap cleans).
t_bail() {
	t_not_ok "${1:-bailed out}" "${2:-}"
	t_done
}

t_done() {
	echo "1..$t_n"
	if [ $t_fail -gt 0 ]; then
		echo "# $NT_NAME: $t_fail of $t_n failed"
		exit 1
	fi
	echo "# $NT_NAME: all $t_n passed"
	exit 0
}

ns() {
	printf '%s-%s' "$NT_PFX" "$1"
}

nx() {
	local n=$1
	shift
	ip netns exec "$n" "$@"
}

nt_ns() {
	local n
	n=$(ns "$1")
	ip netns add "$n" || return 1
	NT_NSS+=("$n")
	ip -n "$n" link set lo up
}

# nt_veth NS1 IF1 NS2 IF2 [MTU]: both ends are created directly inside
# their namespaces, never in the root namespace.
nt_veth() {
	ip link add "$2" netns "$1" mtu "${5:-1500}" type veth \
		peer name "$4" netns "$3" mtu "${5:-1500}" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

nt_addr() {
	local n=$1 dev=$2 a=$3
	if [ "${4:-}" = nodad ]; then
		ip -n "$n" addr add "$a" dev "$dev" nodad
	else
		ip -n "$n" addr add "$a" dev "$dev"
	fi
}

nt_sysctl() {
	local n=$1
	shift
	nx "$n" sysctl -qw "$@" >/dev/null
}

# nt_resolv NS SERVER: what "ip netns exec" bind-mounts over resolv.conf.
nt_resolv() {
	local d=/etc/netns/$1
	if [ ! -d "$d" ]; then
		mkdir -p "$d" || return 1
		NT_ETC+=("$d")
	fi
	printf 'nameserver %s\noptions timeout:2 attempts:2\n' "$2" >"$d/resolv.conf"
}

# run_bg NS CMD...: start CMD in NS in the background; "ip netns exec"
# execs the command, so $! is the command's own PID.  Output goes to
# $NT_TMP/bg.N.log; the PID is left in NT_LAST_PID.
run_bg() {
	local n=$1 log
	shift
	log=$NT_TMP/bg.${#NT_PIDS[@]}.log
	ip netns exec "$n" "$@" >"$log" 2>&1 </dev/null &
	NT_LAST_PID=$!
	NT_LAST_LOG=$log
	NT_PIDS+=("$NT_LAST_PID")
}

# nt_siit_hosts: an IPv6 host and an IPv4 host on either side of a
# router namespace for a siit instance (forwarding on), in H6, XL, H4:
#   h6 eth0 2001:db8:6::10 --- v6 [xl] v4 --- eth0 198.51.100.2 h4
#          2001:db8:6::1 / 198.51.100.1; h4 routes 192.0.2.0/24 to xl
nt_siit_hosts() {
	nt_ns h6 && nt_ns xl && nt_ns h4 || return 1
	H6=$(ns h6) XL=$(ns xl) H4=$(ns h4)
	nt_veth "$H6" eth0 "$XL" v6 && nt_veth "$XL" v4 "$H4" eth0 || return 1
	nt_addr "$H6" eth0 2001:db8:6::10/64 nodad
	nt_addr "$XL" v6 2001:db8:6::1/64 nodad
	nt_addr "$XL" v4 198.51.100.1/24
	nt_addr "$H4" eth0 198.51.100.2/24
	nx "$H6" ip -6 route add default via 2001:db8:6::1
	nx "$H4" ip route add 192.0.2.0/24 via 198.51.100.1
	nt_sysctl "$XL" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# nt_siit_conf FILE SOCK [LINE...]: an xlatd.conf for nt_siit_hosts: one
# [siit s0] on TUN siit0, pool6 2001:db8:64::/96, 192.0.2.10 mapped to
# h6 (EAM), routes both ways; each LINE is appended to the section.
nt_siit_conf() {
	local f=$1 sock=$2 l
	shift 2
	{
		# state-dir: the automatic CLATs on the veths write their
		# state files here, not into the host's /run/xlatd.
		printf '[global]\ncontrol-socket = %s\nstate-dir = %s\n' "$sock" "$NT_TMP/state"
		printf '[siit s0]\ntun = siit0\n'
		printf 'pool6 = 2001:db8:64::/96\neam = 192.0.2.10/32 2001:db8:6::10/128\n'
		printf 'ipv4-address = 192.0.2.1\nroute4 = 192.0.2.0/24\nroute6 = 2001:db8:64::/96\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$f"
}

# nt_router C CIF R N: a link from C's CIF to R's r0, where R is a
# forwarding router with 2001:db8:N::1/64, fe80::1 (for nt_radvd),
# fe80::64 (for pref64_ra) and, on lo, 203.0.113.10 as the IPv4 host
# beyond its PLAT.
nt_router() {
	local r=$3
	nt_veth "$1" "$2" "$r" r0 || return 1
	nt_sysctl "$r" net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
	nt_addr "$r" r0 "2001:db8:$4::1/64" nodad &&
		nt_addr "$r" r0 fe80::1/64 nodad &&
		nt_addr "$r" r0 fe80::64/64 nodad &&
		ip -n "$r" addr add 203.0.113.10/32 dev lo
}

# nt_clat_net: the usual network of a CLAT test, in C and R: C's eth0
# to R (nt_router), radvd for 2001:db8:1::/64, TAYGA as the PLAT for
# P64 = 2001:db8:64::/96 (to 198.51.100.0/24) and that PREF64 from
# pref64_ra every second for 90 s.  Sets C, R, P64 and RA (pref64_ra).
nt_clat_net() {
	nt_need_build tools/pref64_ra
	RA=$NT_BUILD/tools/pref64_ra
	P64=2001:db8:64::/96
	nt_ns c && nt_ns r || t_bail "namespaces"
	C=$(ns c) R=$(ns r)
	nt_router "$C" eth0 "$R" 1 || t_bail "router link"
	nt_tayga "$R" 192.0.2.1 $P64 198.51.100.0/24 || t_bail "tayga"
	nt_radvd "$R" r0 2001:db8:1::/64
	run_bg "$R" "$RA" --iface r0 --src fe80::64 --prefix $P64 --lifetime 600 \
		--count 90 --interval 1
}

# nt_radvd NS IF PREFIX [EXTRA]: radvd in NS advertising PREFIX (a /64)
# for SLAAC every 3-4 s, from fe80::1, which must be on IF.  EXTRA lines
# (e.g. "RDNSS 2001:db8:1::1 { };") go into the interface block.  PREF64
# comes from pref64_ra on a second link-local address (fe80::64): an RA
# with router lifetime 0 from the default router's own address would make
# the client drop its default route.
nt_radvd() {
	local n=$1 dev=$2 conf=$NT_TMP/radvd.$1.$2.conf
	cat >"$conf" <<EOF
interface $dev {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvRASrcAddress { fe80::1; };
	prefix $3 { AdvOnLink on; AdvAutonomous on; };
	${4:-}
};
EOF
	run_bg "$n" radvd -n -m stderr -C "$conf" -p "${conf%.conf}.pid"
}

# nt_tayga NS IPV4 PREFIX POOL [EXTRA]: TAYGA as a NAT64 in NS on device
# nat64 (its own address IPV4, NAT64 PREFIX, dynamic POOL), routes into
# it.  EXTRA lines go into its configuration (e.g. "offlink-mtu 1500").
nt_tayga() {
	local n=$1 conf=$NT_TMP/tayga.$1.conf dir=$NT_TMP/tayga.$1
	mkdir -p "$dir"
	cat >"$conf" <<EOF
tun-device nat64
ipv4-addr $2
prefix $3
dynamic-pool $4
data-dir $dir
${5:-}
EOF
	nx "$n" tayga -c "$conf" --mktun >/dev/null 2>&1 || return 1
	ip -n "$n" link set nat64 up &&
		ip -n "$n" route add "$4" dev nat64 &&
		ip -n "$n" -6 route add "$3" dev nat64 || return 1
	run_bg "$n" tayga -c "$conf" -d
}

# nt_unbound NS LISTEN DNS64_PREFIX [ZONEFILE...]: unbound as a DNS64 in
# NS (nt_unbound_conf of conf.sh), ready once it listens on port 53.  A
# second call restarts it, e.g. with another prefix.
NT_UNBOUND_PID=
nt_unbound() {
	local n=$1 dir=$NT_TMP/unbound.$1
	shift
	mkdir -p "$dir" && nt_unbound_conf "$dir" "$@" || return 1
	[ -n "$NT_UNBOUND_PID" ] && nt_kill_pids "$NT_UNBOUND_PID"
	run_bg "$n" unbound -d -c "$dir/unbound.conf"
	NT_UNBOUND_PID=$NT_LAST_PID
	nt_wait_listen "$n" 53 10 udp
}

# nt_lab_up: lab/lab.sh up with this run's prefix (namespaces
# $NT_PFX-client etc.), taken down on exit; "lab comes up" is a test
# point and the script ends there if it fails.  LAB is lab.sh, LAB_STATE
# its state dir.  LAB_* settings exported before the call apply.
nt_lab_up() {
	export LAB_PREFIX=$NT_PFX BUILD=$NT_BUILD
	LAB=$NT_ROOT/lab/lab.sh
	LAB_STATE=/run/xlat464-lab/$LAB_PREFIX
	nt_on_exit "'$LAB' down"
	t_check "lab comes up" "$LAB" up || t_done
}

# nt_xlatd NS [EXTRA]: xlatd -v in NS with a config of its own: a private
# control socket (NT_XSOCK) and state dir (NT_XSTATE), then EXTRA, e.g. a
# [clat] section.  Returns once the control socket is there (5 s at most).
# nt_xlatd_start starts the same again (after a kill); the PID is in
# NT_XPID and the log in NT_XLOG.  nt_xlatctl, nt_clat* and nt_wait_clat
# talk to the xlatd of the last nt_xlatd.
NT_XN=0
nt_xlatd() {
	NT_XN=$((NT_XN + 1))
	NT_XNS=$1
	NT_XCONF=$NT_TMP/xlatd.$NT_XN.conf
	NT_XSOCK=$NT_TMP/xlatd.$NT_XN.sock
	NT_XSTATE=$NT_TMP/xlatd.$NT_XN.state
	nt_xlatd_conf "$NT_XCONF" "$NT_XSOCK" "$NT_XSTATE" "${2:-}"
	nt_xlatd_start
}

nt_xlatd_start() {
	run_bg "$NT_XNS" "$NT_XLATD" -v -c "$NT_XCONF"
	NT_XPID=$NT_LAST_PID
	NT_XLOG=$NT_LAST_LOG
	nt_wait 5 test -S "$NT_XSOCK"
}

# nt_xlatd_noconf NS: xlatd with no configuration file (--no-config) in
# NS, control socket and state dir under $NT_TMP; waits for the socket.
# Not inside t_check (a subshell): it sets NT_XPID and friends.
nt_xlatd_noconf() {
	NT_XNS=$1
	NT_XSOCK=$NT_TMP/ctl/xlatd.sock
	NT_XSTATE=$NT_TMP/state
	run_bg "$NT_XNS" "$NT_XLATD" -v --no-config --control-socket "$NT_XSOCK" \
		--state-dir "$NT_XSTATE"
	NT_XPID=$NT_LAST_PID
	NT_XLOG=$NT_LAST_LOG
	nt_wait 5 test -S "$NT_XSOCK"
}

# nt_xlatd_stop: SIGTERM, SIGKILL if it has not gone in 3 s.
nt_xlatd_stop() {
	[ -n "${NT_XPID:-}" ] && nt_kill_pids "$NT_XPID"
	NT_XPID=
}

nt_xlatctl() {
	nx "$NT_XNS" "$NT_XLATCTL" -s "$NT_XSOCK" "$@"
}

# nt_clat NAME KEY...: instance NAME's KEYs from status --json (see
# nt_json_clat); nt_clat_state NAME: "STATE PREFIX SOURCE REASON".
nt_clat() {
	nt_xlatctl status --json 2>/dev/null | nt_json_clat "$@"
}

nt_clat_state() {
	nt_clat "$1" state pref64.prefix pref64.source reason
}

# nt_clat_is NAME REGEX: the state line matches the extended REGEX.
nt_clat_is() {
	nt_clat_state "$1" | grep -Eq "$2"
}

nt_wait_clat() {
	nt_wait "$3" nt_clat_is "$1" "$2"
}

# nt_clat_route NS UPLINK [EXTRA-REGEX]: xlatd's IPv4 default route
# (protocol 100) is there: through the CLAT's TUN, or "via inet6 ROUTER
# dev UPLINK" (the eBPF fast path's way, docs/fastpath.md).
nt_clat_route() {
	ip -n "$1" -4 route show default |
		grep -Eq "(dev clat-$2|via inet6 [^ ]+ dev $2) proto 100${3:+.*$3}"
}

# nt_not CMD...: succeeds when CMD fails (for t_check and nt_wait).
nt_not() {
	! "$@"
}

# nt_need_build NAME...: bail out unless $NT_BUILD/NAME is built.
nt_need_build() {
	local b
	for b in "$@"; do
		[ -x "$NT_BUILD/$b" ] || t_bail "$b is built" "missing $NT_BUILD/$b: make BUILD=$NT_BUILD"
	done
}

nt_on_exit() {
	NT_HOOKS+=("$*")
}

nt_kill_pids() {
	local p i alive
	for p in "$@"; do
		kill -TERM "$p" 2>/dev/null
	done
	for i in $(seq 30); do
		alive=0
		for p in "$@"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ $alive -eq 0 ] && break
		sleep 0.1
	done
	for p in "$@"; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in "$@"; do
		wait "$p" 2>/dev/null
	done
	return 0
}

nt_cleanup() {
	local i n p left
	[ $NT_DONE -eq 1 ] && return 0
	NT_DONE=1
	trap '' INT TERM
	[ ${#NT_PIDS[@]} -gt 0 ] && nt_kill_pids "${NT_PIDS[@]}"
	for ((i = ${#NT_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${NT_HOOKS[$i]}" >/dev/null 2>&1
	done
	for n in "${NT_NSS[@]}"; do
		# A namespace outlives nothing we did not put there: whatever
		# still runs inside one we created is a child of ours that
		# escaped the recorded PIDs (a daemon's fork).
		left=$(ip netns pids "$n" 2>/dev/null)
		if [ -n "$left" ]; then
			echo "# cleanup: $n still had PIDs $left" >&2
			# shellcheck disable=SC2086
			nt_kill_pids $left
		fi
		ip netns del "$n" 2>/dev/null
	done
	for p in "${NT_ETC[@]}"; do
		rm -rf "$p"
	done
	if [ -n "${KEEP_LOGS:-}" ]; then
		mkdir -p "$KEEP_LOGS" && cp "$NT_TMP"/*.log "$KEEP_LOGS/"
	fi
	rm -rf "$NT_TMP"
}

trap 'nt_cleanup' EXIT
trap 'echo "# interrupted"; exit 130' INT
trap 'echo "# terminated"; exit 143' TERM

# nt_wait SECS CMD...: poll CMD every 0.1 s until it succeeds.
nt_wait() {
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

nt__no_tentative() {
	! ip -n "$1" addr show tentative | grep -q inet6
}

nt_wait_dad() {
	nt_wait "${2:-10}" nt__no_tentative "$1"
}

nt__route() {
	local n=$1
	shift
	[ -n "$(ip -n "$n" "$@" 2>/dev/null)" ]
}

# nt_wait_route NS SECS ARGS...: e.g. nt_wait_route C 10 -6 route show default
nt_wait_route() {
	local n=$1 s=$2
	shift 2
	nt_wait "$s" nt__route "$n" "$@"
}

nt__listen() {
	local opt=-ltnH
	[ "${3:-tcp}" = udp ] && opt=-lunH
	nx "$1" ss $opt "sport = :$2" | grep -q .
}

nt_wait_listen() {
	nt_wait "$3" nt__listen "$1" "$2" "${4:-tcp}"
}

nt__tcp() {
	nx "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/$3"
}

nt_wait_tcp() {
	nt_wait "$4" nt__tcp "$1" "$2" "$3"
}

# nt_need CMD...: bail out (one failure) if a required tool is missing.
nt_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || t_bail "required tool $c is installed"
	done
}

nt_need_root() {
	[ "$(id -u)" -eq 0 ] || t_bail "running as root" "network namespaces need root"
}

# nt_pref64_watch NS SECS [COUNT]: print one line "pref64 PREFIX/LEN
# lifetime SEC ifindex N" for each PREF64 option the kernel of NS hands to
# userspace (RTM_NEWNDUSEROPT on RTNLGRP_ND_USEROPT); iproute2 6.1 has no
# "ip monitor nduseropt".  Ends after SECS seconds or COUNT options, and
# prints "ready" once subscribed.  nt_pref64_bg NS SECS [COUNT] runs it
# through run_bg.
NT_PREF64_PY='
import socket, struct, sys, ipaddress
cnt = int(sys.argv[1])
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 0))
s.setsockopt(270, 1, 20)    # SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_ND_USEROPT
print("ready", flush=True)
plens = [96, 64, 56, 48, 40, 32]
while cnt > 0:
    data = s.recv(65536)
    off = 0
    while off + 16 <= len(data):
        ln, typ = struct.unpack_from("=IH", data, off)
        if ln < 16:
            break
        if typ == 68:    # RTM_NEWNDUSEROPT
            fam, olen, ifi, ityp = struct.unpack_from("=BxHiB", data, off + 16)
            o = off + 32
            end = o + olen
            while o + 2 <= end:
                t, l8 = data[o], data[o + 1] * 8
                if l8 == 0:
                    break
                if t == 38 and l8 >= 16:
                    w = struct.unpack_from("!H", data, o + 2)[0]
                    plc = w & 7
                    p = ipaddress.IPv6Address(data[o + 4:o + 16] + bytes(4))
                    pl = plens[plc] if plc < 6 else -1
                    print("pref64 %s/%d lifetime %d ifindex %d" % (p, pl, (w >> 3) * 8, ifi), flush=True)
                    cnt -= 1
                o += l8
        off += (ln + 3) & ~3
'

nt_pref64_watch() {
	nx "$1" timeout "$2" /usr/bin/python3 -u -c "$NT_PREF64_PY" "${3:-1}"
}

nt_pref64_bg() {
	run_bg "$1" timeout "$2" /usr/bin/python3 -u -c "$NT_PREF64_PY" "${3:-1}"
}
