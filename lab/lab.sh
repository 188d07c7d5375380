#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The xlat464 lab: an IPv6-only provider network with real peers, built
# from network namespaces (address plan and pictures: docs/lab.md).
#
#   lab/lab.sh up | down | status | exec NODE CMD... | shell NODE
#   lab/lab.sh plat-add PREFIX    the PLAT translates PREFIX as well
#   lab/lab.sh pref64 PREFIX      the PREF64 RAs announce PREFIX from now on
#   lab/lab.sh native4 up|down    native IPv4 on the client's link
#
# NODE is client, isp, r4 or server4.  Namespaces are "$LAB_PREFIX-NODE"
# (default prefix x464), so a test can run its own copy beside a lab a
# person left up.  Nothing here touches the root namespace: the veth pairs
# are created directly inside their namespaces and no namespace is linked
# to a real interface.
#
# Settings (environment): LAB_PREFIX (x464), LAB_PLAT (xlatd: xlatd's
# own NAT64, [nat64] in the isp; tayga: TAYGA + nftables masquerade, the
# bench's peer), LAB_MTU4 (MTU of the
# r4<->server4 link, 1500), LAB_PREF64_INTERVAL (5 s), LAB_PREF64_COUNT
# (720: one hour of announcements), LAB_PREF64_LIFETIME (1800 s),
# BUILD (build: where pref64_ra is, BUILD/tools/pref64_ra).
set -uo pipefail
export LC_ALL=C
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Config writers shared with the tests (it only defines functions).
. "$ROOT/tests/lib/conf.sh"
P=${LAB_PREFIX:-x464}
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
MTU4=${LAB_MTU4:-1500}
RA_INTERVAL=${LAB_PREF64_INTERVAL:-5}
RA_COUNT=${LAB_PREF64_COUNT:-720}
RA_LIFETIME=${LAB_PREF64_LIFETIME:-1800}
STATE=/run/xlat464-lab/$P
PLAT=${LAB_PLAT:-xlatd}
NODES=(client isp r4 server4)

# The address plan (docs/lab.md).
LAN6=2001:db8:1::/64
ISP6=2001:db8:1::1
RA_SRC=fe80::64
PREF64=2001:db8:64::/96
PLAT4=192.0.2.1
PLAT_POOL=192.0.2.128/25
# A second NAT64 prefix (lab.sh pref64) and its PLAT's IPv4 side.
PREF64_B=2001:db8:65::/96
PLAT4_B=192.0.2.2
PLAT_POOL_B=192.0.2.32/27
# Native IPv4 on the client's link (lab.sh native4), masqueraded on up0.
NAT4_ISP=192.0.2.65
NAT4_CLIENT=192.0.2.66
NAT4_LEN=26
ISP4=198.51.100.1
R4_UP=198.51.100.2
R4_DOWN=203.0.113.1
SERVER4=203.0.113.10

die() {
	echo "lab: $*" >&2
	exit 1
}

nsname() {
	case "$1" in
	client | isp | r4 | server4) printf '%s-%s' "$P" "$1" ;;
	srv | server) printf '%s-server4' "$P" ;;
	*) die "unknown node '$1' (client, isp, r4, server4)" ;;
	esac
}

nx() {
	local n
	n=$(nsname "$1")
	shift
	ip netns exec "$n" "$@"
}

# bg NODE NAME CMD...: a long-running peer, in its own session so a ^C
# in the terminal that started the lab does not reach it; its PID goes to
# $STATE/pids (ip netns exec and setsid both exec, so $! is the daemon).
bg() {
	local node=$1 name=$2 n
	shift 2
	n=$(nsname "$node")
	setsid ip netns exec "$n" "$@" >"$STATE/$name.log" 2>&1 </dev/null &
	echo "$! $name" >>"$STATE/pids"
}

wait_for() {
	local secs=$1 end
	shift
	end=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

# pid_running PID: alive and not a zombie (a peer started by an earlier
# lab.sh is reaped by whatever adopted it, maybe only a second later).
pid_running() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

pid_gone() {
	! pid_running "$1"
}

no_tentative() {
	! nx "$1" ip addr show tentative | grep -q inet6
}

listening() {
	nx "$1" ss -lnH "sport = :$2" | grep -q .
}

alive() {
	local pid name
	while read -r pid name; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "lab: $name (pid $pid) is not running; its log:" >&2
			tail -n 15 "$STATE/$name.log" >&2
			return 1
		fi
	done <"$STATE/pids"
}

write_configs() {
	mkdir -p "$STATE/www" "$STATE/tayga"
	cat >"$STATE/radvd.conf" <<-EOF
		interface cl0 {
			AdvSendAdvert on;
			MinRtrAdvInterval 3;
			MaxRtrAdvInterval 10;
			AdvDefaultLifetime 1800;
			prefix $LAN6 {
				AdvOnLink on;
				AdvAutonomous on;
			};
			RDNSS $ISP6 {
			};
		};
	EOF
	cat >"$STATE/v4only.example.zone" <<-EOF
		\$ORIGIN v4only.example.
		\$TTL 60
		@	SOA	ns hostmaster 1 3600 600 86400 60
		@	NS	ns
		ns	A	$SERVER4
		server	A	$SERVER4
		r4	A	$R4_DOWN
	EOF
	# The DNS64 (with ipv4only.arpa) is the one the tests run.
	nt_unbound_conf "$STATE" "$ISP6 ::1" "$PREF64" "$STATE/v4only.example.zone"
	# xlatd's stateful NAT64: the client's traffic leaves as $PLAT4.
	cat >"$STATE/plat.conf" <<-EOF
		[global]
		control-socket = $STATE/plat.sock
		clat-auto = no
		state-dir = $STATE/plat-state
		[nat64 plat]
		tun = nat64
		pool6 = $PREF64
		pool4 = $PLAT4
	EOF
	cat >"$STATE/tayga.conf" <<-EOF
		tun-device nat64
		ipv4-addr $PLAT4
		prefix $PREF64
		dynamic-pool $PLAT_POOL
		data-dir $STATE/tayga
	EOF
	cat >"$STATE/plat.nft" <<-EOF
		table ip x464_plat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "up0" counter masquerade
			}
		}
	EOF
	printf 'xlat464 lab server4\n' >"$STATE/www/index.html"
	head -c $((4 * 1024 * 1024)) /dev/urandom >"$STATE/www/blob.bin"
	(cd "$STATE/www" && sha256sum blob.bin >blob.sha256)
}

build_links() {
	local node
	for node in "${NODES[@]}"; do
		ip netns add "$(nsname "$node")" || return 1
		nx "$node" ip link set lo up
	done
	ip link add eth0 netns "$P-client" type veth peer name cl0 netns "$P-isp" &&
	ip link add up0 netns "$P-isp" type veth peer name isp0 netns "$P-r4" &&
	ip link add srv0 netns "$P-r4" mtu "$MTU4" type veth \
		peer name eth0 netns "$P-server4" mtu "$MTU4" || return 1

	# The IPv4-only side has no IPv6 at all.
	nx r4 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	nx server4 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	nx r4 sysctl -qw net.ipv4.ip_forward=1
	nx isp sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	nx isp ip addr add "$ISP6/64" dev cl0 nodad
	nx isp ip addr add "$RA_SRC/64" dev cl0 nodad
	nx isp ip addr add "$ISP4/24" dev up0
	nx r4 ip addr add "$R4_UP/24" dev isp0
	nx r4 ip addr add "$R4_DOWN/24" dev srv0
	nx server4 ip addr add "$SERVER4/24" dev eth0
	nx isp ip link set cl0 up && nx isp ip link set up0 up &&
	nx r4 ip link set isp0 up && nx r4 ip link set srv0 up &&
	nx server4 ip link set eth0 up || return 1
	nx isp ip route add default via "$R4_UP"
	nx server4 ip route add default via "$R4_DOWN"
	# xlatd's PLAT sends from pool4 192.0.2.1 itself (TAYGA's traffic
	# leaves masqueraded as $ISP4).
	nx r4 ip route add 192.0.2.0/24 via "$ISP4"
}

start_plat_xlatd() {
	[ -x "$BUILD/xlatd" ] || {
		echo "lab: $BUILD/xlatd missing (run make)" >&2
		return 1
	}
	bg isp plat "$BUILD/xlatd" -c "$STATE/plat.conf"
	wait_for 10 nx isp ip -6 route show "$PREF64" dev nat64
}

start_plat() {
	[ "$PLAT" = xlatd ] && { start_plat_xlatd; return; }
	nx isp tayga -c "$STATE/tayga.conf" --mktun >"$STATE/tayga-mktun.log" 2>&1 || return 1
	nx isp ip link set nat64 up &&
	nx isp ip route add 192.0.2.0/24 dev nat64 &&
	nx isp ip -6 route add "$PREF64" dev nat64 &&
	nx isp nft -f "$STATE/plat.nft" || return 1
	bg isp tayga tayga -c "$STATE/tayga.conf" -d
}

start_services() {
	bg server4 httpd busybox httpd -f -p "$SERVER4:80" -h "$STATE/www"
	bg server4 iperf3 iperf3 -s -B "$SERVER4"
	start_plat || return 1
	bg isp unbound unbound -d -c "$STATE/unbound.conf"
	bg isp radvd radvd -n -m stderr -C "$STATE/radvd.conf" -p "$STATE/radvd.pid"
	# The client's link comes up last so its Router Solicitation meets
	# a running radvd.
	nx client ip link set eth0 up || return 1
	[ -x "$BUILD/tools/pref64_ra" ] || {
		echo "lab: $BUILD/tools/pref64_ra missing (run make)" >&2
		return 1
	}
	sleep 0.2
	bg isp pref64_ra "$BUILD/tools/pref64_ra" --iface cl0 --src "$RA_SRC" \
		--prefix "$PREF64" --lifetime "$RA_LIFETIME" \
		--count "$RA_COUNT" --interval "$RA_INTERVAL" --answer-rs
}

client_ready() {
	nx client ip -6 addr show dev eth0 scope global -tentative | grep -q 2001:db8:1: &&
	nx client ip -6 route show default | grep -q via
}

cmd_up() {
	[ "$(id -u)" -eq 0 ] || die "needs root"
	ip netns list | grep -q "^$P-" && die "a lab with prefix $P is up already (lab/lab.sh down)"
	rm -rf "$STATE"
	mkdir -p "$STATE" && : >"$STATE/pids"
	mkdir -p "/etc/netns/$P-client"
	printf 'nameserver %s\noptions timeout:2 attempts:2\n' "$ISP6" \
		>"/etc/netns/$P-client/resolv.conf"
	write_configs
	if ! build_links || ! start_services; then
		echo "lab: setup failed" >&2
		cmd_down
		exit 1
	fi
	if ! wait_for 15 listening isp 53 || ! wait_for 10 listening server4 80 ||
	   ! wait_for 15 client_ready || ! alive; then
		echo "lab: peers did not come up" >&2
		alive
		cmd_down
		exit 1
	fi
	echo "lab $P is up ($PLAT PLAT): $(printf '%s ' "${NODES[@]/#/$P-}")"
}

# The provider renumbers its NAT64 in two steps: plat-add PREFIX has the
# PLAT translate PREFIX too (a second TAYGA for $PREF64_B; the first
# prefix keeps working, so flows on it end cleanly), then pref64 PREFIX
# replaces the PREF64 announcer by one announcing PREFIX alone, at once
# (it adds the PLAT first if needed).  The DNS64 keeps synthesizing with
# $PREF64.
plat_serves() {
	nx isp ip -6 route show "$1" | grep -q .
}

# xlatd's own NAT64 as the PLAT (LAB_PLAT=xlatd): a second xlatd with a
# [nat64] instance of its own for the second prefix and pool4.
start_plat_b_xlatd() {
	cat >"$STATE/plat-b.conf" <<-EOF
		[global]
		control-socket = $STATE/plat-b.sock
		clat-auto = no
		state-dir = $STATE/plat-b-state
		[nat64 plat-b]
		tun = nat64b
		pool6 = $PREF64_B
		pool4 = $PLAT4_B
	EOF
	bg isp plat-b "$BUILD/xlatd" -c "$STATE/plat-b.conf"
	wait_for 10 nx isp ip -6 route show "$PREF64_B" dev nat64b
}

start_plat_b() {
	[ "${PLAT:-tayga}" = xlatd ] && { start_plat_b_xlatd; return; }
	mkdir -p "$STATE/tayga-b"
	cat >"$STATE/tayga-b.conf" <<-EOF
		tun-device nat64b
		ipv4-addr $PLAT4_B
		prefix $PREF64_B
		dynamic-pool $PLAT_POOL_B
		data-dir $STATE/tayga-b
	EOF
	nx isp tayga -c "$STATE/tayga-b.conf" --mktun >"$STATE/tayga-b-mktun.log" 2>&1 &&
	nx isp ip link set nat64b up &&
	nx isp ip route add "$PLAT_POOL_B" dev nat64b &&
	nx isp ip -6 route add "$PREF64_B" dev nat64b || return 1
	bg isp tayga-b tayga -c "$STATE/tayga-b.conf" -d
}

stop_announcer() {
	local pid name
	while read -r pid name; do
		[ "$name" = pref64_ra ] || continue
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = pref64_ra ] || continue
		kill -TERM "$pid" 2>/dev/null
		wait_for 3 pid_gone "$pid"
	done <"$STATE/pids"
}

cmd_plat_add() {
	[ -d "$STATE" ] || die "lab $P is down"
	plat_serves "$1" && return 0
	[ "$1" = "$PREF64_B" ] ||
		die "the PLAT translates $PREF64 and can add $PREF64_B, not $1"
	start_plat_b || die "the second PLAT did not start (see $STATE/*-b*.log)"
	echo "lab $P: the PLAT translates $1 too"
}

cmd_pref64() {
	local pfx=$1
	cmd_plat_add "$pfx" || exit 1
	stop_announcer
	bg isp pref64_ra "$BUILD/tools/pref64_ra" --iface cl0 --src "$RA_SRC" \
		--prefix "$pfx" --lifetime "$RA_LIFETIME" \
		--count "$RA_COUNT" --interval "$RA_INTERVAL" --answer-rs
	echo "lab $P: PREF64 RAs announce $pfx now"
}

# native4 up|down: an IPv4 address and default route on the client's
# eth0, from the isp (forwarded, masqueraded on up0 like the PLAT's).
cmd_native4() {
	[ -d "$STATE" ] || die "lab $P is down"
	case "$1" in
	up)
		nx isp ip addr replace "$NAT4_ISP/$NAT4_LEN" dev cl0 &&
		nx client ip addr replace "$NAT4_CLIENT/$NAT4_LEN" dev eth0 &&
		nx client ip route replace default via "$NAT4_ISP" dev eth0 ||
			die "native IPv4 not set up"
		echo "lab $P: client eth0 $NAT4_CLIENT/$NAT4_LEN, default via $NAT4_ISP"
		;;
	down)
		# The address takes its routes with it.
		nx client ip addr del "$NAT4_CLIENT/$NAT4_LEN" dev eth0 2>/dev/null
		nx isp ip addr del "$NAT4_ISP/$NAT4_LEN" dev cl0 2>/dev/null
		echo "lab $P: no native IPv4 on the client"
		;;
	*) die "usage: lab.sh native4 up|down" ;;
	esac
}

cmd_down() {
	local pid name n left
	if [ -f "$STATE/pids" ]; then
		while read -r pid name; do
			kill -TERM "$pid" 2>/dev/null
		done <"$STATE/pids"
		for _ in $(seq 30); do
			left=0
			while read -r pid name; do
				kill -0 "$pid" 2>/dev/null && left=1
			done <"$STATE/pids"
			[ $left -eq 0 ] && break
			sleep 0.1
		done
		while read -r pid name; do
			kill -KILL "$pid" 2>/dev/null
		done <"$STATE/pids"
	fi
	for n in $(ip netns list | awk '{print $1}' | grep "^$P-"); do
		case "${n#"$P"-}" in client | isp | r4 | server4) ;; *) continue ;; esac
		# Anything still inside a lab namespace was started in it (by
		# the lab or by a test); it must not outlive the namespace.
		left=$(ip netns pids "$n" 2>/dev/null | tr '\n' ' ')
		if [ -n "$left" ]; then
			# shellcheck disable=SC2086
			kill -TERM $left 2>/dev/null
			sleep 0.3
			# shellcheck disable=SC2086
			kill -KILL $left 2>/dev/null
		fi
		ip netns del "$n"
	done
	rm -rf "/etc/netns/$P-client" "$STATE"
	rmdir /run/xlat464-lab 2>/dev/null
	return 0
}

cmd_status() {
	local node pid name
	if ! ip netns list | grep -q "^$P-"; then
		echo "lab $P is down"
		return 1
	fi
	for node in "${NODES[@]}"; do
		echo "== $node ($(nsname "$node"))"
		nx "$node" ip -br addr show | grep -v '^lo '
	done
	echo "== peers"
	[ -f "$STATE/pids" ] && while read -r pid name; do
		if kill -0 "$pid" 2>/dev/null; then
			echo "$name: running (pid $pid)"
		else
			echo "$name: stopped"
		fi
	done <"$STATE/pids"
	return 0
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
exec)
	[ $# -ge 3 ] || die "usage: lab.sh exec NODE CMD..."
	node=$2
	shift 2
	nx "$node" "$@"
	;;
shell)
	[ $# -eq 2 ] || die "usage: lab.sh shell NODE"
	n=$(nsname "$2")
	PS1="[$n] \\w# " ip netns exec "$n" bash --norc -i
	;;
ns) nsname "${2:-client}" ;;
plat-add)
	[ $# -eq 2 ] || die "usage: lab.sh plat-add PREFIX (e.g. $PREF64_B)"
	cmd_plat_add "$2"
	;;
pref64)
	[ $# -eq 2 ] || die "usage: lab.sh pref64 PREFIX (e.g. $PREF64_B)"
	cmd_pref64 "$2"
	;;
native4)
	[ $# -eq 2 ] || die "usage: lab.sh native4 up|down"
	cmd_native4 "$2"
	;;
*)
	echo "usage: lab/lab.sh up|down|status|exec NODE CMD...|shell NODE|ns NODE|plat-add PREFIX|pref64 PREFIX|native4 up|down" >&2
	exit 2
	;;
esac
