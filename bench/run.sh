#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# xlat464 benchmark: gen <-> xlat <-> sink, three namespaces joined by veth.
# The translator (or the plain IPv6 forwarding of the xlat namespace) gets
# CPU 1; the generator, the sink and their softirqs get CPU 0.  Cases run
# interleaved, REPS times, and the report shows medians.  See docs/bench.md.
#
#   bench/run.sh                 full run (10 cases x 3 interleaved reps, about 15 minutes)
#   QUICK=1 bench/run.sh         about 5 minutes (one rep), for development
#   CASES="plain tayga" bench/run.sh
#
# Environment: BUILD (build dir, default build), QUICK, REPS, DUR (seconds
# per packet-rate test), RATE (fixed rate of the CPU test, pps), FIXED_DUR
# (its seconds, default 3), IPERF_T, SEARCH_STEPS and SEARCH_DUR (the rate
# search: find_rate), OVL_RATE (offer of the full-speed trial, default
# max), TUN_TXQ (txqueuelen of every TUN under test), GEN (raw|udp), OUT
# (results dir), NOPLOT=1, BENCH_LOCK (one run per machine at a time).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	REPS=${REPS:-1}; DUR=${DUR:-1}; IPERF_T=${IPERF_T:-2}
else
	REPS=${REPS:-3}; DUR=${DUR:-1}; IPERF_T=${IPERF_T:-3}
fi
RATE=${RATE:-25000}   # below TAYGA's saturation on this 2-CPU VM: docs/bench.md
FIXED_DUR=${FIXED_DUR:-3}   # seconds of the fixed-rate CPU test
SEARCH_STEPS=${SEARCH_STEPS:-3}   # trials of the rate search: find_rate
SEARCH_DUR=${SEARCH_DUR:-0.5}     # seconds of each
TUN_TXQ=${TUN_TXQ:-1000}
GEN=${GEN:-raw}
NICE=${NICE:--15}   # every process and NAPI thread of the bench (docs/bench.md)
OUT=${OUT:-$ROOT/bench/results}
XGEN=$BUILD/tools/xgen
XLATD=$BUILD/xlatd
SMALL=84      # RFC 8219: the IPv6 twin of the 64-byte IPv4 frame
LARGE=1518
PORT=9000

# Address plan (documentation ranges only).
GEN6=2001:db8:1::2;   XIN6=2001:db8:1::1
SINK6=2001:db8:2::2;  XOUT6=2001:db8:2::1
SINK4=198.51.100.2;   XOUT4=198.51.100.1
POOL6=2001:db8:64::/96
SINK4_AS6=2001:db8:64::c633:6402   # pool6 + 198.51.100.2
GEN_AS4=192.0.2.2                  # EAM partner of 2001:db8:1::2
XLAT4=192.0.2.1                    # the translator's own IPv4 address

die() { echo "bench: $*" >&2; exit 1; }
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
[ -x "$XGEN" ] || die "$XGEN missing: run make first"
[ "$(nproc)" -ge 2 ] || die "needs two CPUs"
for t in ip taskset ethtool renice iperf3 ping jq python3; do
	command -v "$t" >/dev/null || die "$t not installed (make deps)"
done

TMP=$(mktemp -d /tmp/xlat-bench.XXXXXX)
NSG=xb-gen-$$ NSX=xb-xlat-$$ NSS=xb-sink-$$
# Device names are unique per run, so are their NAPI threads' names.
DG=xbg$$ DI=xbi$$ DO=xbo$$ DS=xbs$$
NSLIST=()
PIDS=()
declare -A NAPI=()

stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# Cases that build more than processes (the lab) add a command here.
CLEANUP_HOOKS=()

cleanup() {
	local p n h
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	for h in "${CLEANUP_HOOKS[@]}"; do eval "$h"; done
	for n in "${NSLIST[@]}"; do ip netns del "$n" 2>/dev/null; done
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "bench: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Start "$@" in namespace $1 on CPU $2 in the background; PID in BGPID.
# ip netns exec, nice and taskset all exec, so $! is the program itself.
bg_start() {
	local ns=$1 cpu=$2 name=$3; shift 3
	ip netns exec "$ns" nice -n "$NICE" taskset -c "$cpu" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	BGPID=$!
	PIDS+=("$BGPID")
}

# ---- topology ----

# NAPI kthread of device $1 ("napi/DEV-ID"), by scanning /proc.
napi_pid() {
	local c n p
	for c in /proc/[0-9]*/comm; do
		read -r n 2>/dev/null <"$c" || continue
		case $n in "napi/$1-"*) p=${c#/proc/}; echo "${p%/comm}"; return 0 ;; esac
	done
	return 1
}

# veth hands a packet to the peer's NAPI only when it is eligible for GRO:
# GRO on at the receiver and no TSO at the sender.  Threaded NAPI then
# runs each receive in a kthread of its own, which we pin, prioritise like
# the rest of the bench, and charge precisely (schedstat) -- unlike
# softirq time, which this kernel only samples at the tick.
napi_setup() {
	local ns=$1 dev=$2 cpu=$3 pid i
	nsx "$ns" ethtool -K "$dev" tso off gro on >/dev/null ||
		die "ethtool -K $dev failed"
	nsx "$ns" sh -c "echo 1 > /sys/class/net/$dev/threaded" ||
		die "threaded NAPI not available on $dev"
	for i in $(seq 20); do
		pid=$(napi_pid "$dev") && break
		sleep 0.05
	done
	[ -n "$pid" ] || die "no NAPI thread for $dev"
	taskset -pc "$cpu" "$pid" >/dev/null
	renice -n "$NICE" -p "$pid" >/dev/null
	NAPI[$dev]=$pid
}

setup_topology() {
	local n
	for n in $NSG $NSX $NSS; do
		ip netns add "$n" || die "ip netns add $n failed"
		NSLIST+=("$n")
		nsx "$n" ip link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	ip link add $DG netns "$NSG" type veth peer name $DI netns "$NSX" ||
		die "veth gen-xlat failed"
	ip link add $DO netns "$NSX" type veth peer name $DS netns "$NSS" ||
		die "veth xlat-sink failed"
	nsx "$NSX" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1

	nsx "$NSG" ip addr add $GEN6/64 dev $DG nodad
	nsx "$NSX" ip addr add $XIN6/64 dev $DI nodad
	nsx "$NSX" ip addr add $XOUT6/64 dev $DO nodad
	nsx "$NSX" ip addr add $XOUT4/24 dev $DO
	nsx "$NSS" ip addr add $SINK6/64 dev $DS nodad
	nsx "$NSS" ip addr add $SINK4/24 dev $DS
	for n in "$NSG $DG" "$NSX $DI" "$NSX $DO" "$NSS $DS"; do
		set -- $n
		nsx "$1" ip link set "$2" up
	done
	nsx "$NSG" ip -6 route add default via $XIN6
	nsx "$NSS" ip -6 route add default via $XOUT6
	nsx "$NSS" ip -4 route add default via $XOUT4

	# The xlat side receives on CPU 1, the two ends on CPU 0.
	napi_setup "$NSG" $DG 0
	napi_setup "$NSX" $DI "${XNAPI_CPU:-1}"
	napi_setup "$NSX" $DO "${XNAPI_CPU:-1}"
	napi_setup "$NSS" $DS 0
	XNAPI="${NAPI[$DI]} ${NAPI[$DO]}"
	XMAC=$(nsx "$NSX" cat /sys/class/net/$DI/address)
	XMAC_OUT=$(nsx "$NSX" cat /sys/class/net/$DO/address)
	# Resolve neighbours and let links settle before anything is timed.
	nsx "$NSG" ping -6 -c 3 -i 0.2 -w 5 $SINK6 >/dev/null 2>&1 ||
		die "plain forwarding does not work: check the topology"
}

# The CPU of namespace $1's applications: CPU 0, except the sink's in the
# host layout.
ns_cpu() {
	if [ "$1" = "$NSS" ]; then echo "${SINK_CPU:-0}"; else echo 0; fi
}

# The CLAT table's rows measure a host, so the host gets a CPU of its own
# and the network the other: CPU 0 runs the gen namespace (the
# application, the CLAT, the host's receive), CPU 1 the router and the
# server (its NAPI thread and its sockets).  Otherwise the server's
# receive, which costs more for IPv6 than for IPv4, and a router NAPI
# thread preempting a userspace CLAT on its CPU would be counted as the
# CLAT's.  No foreign-load check in this layout (CPU 1 is no longer the
# translator's alone).
host_layout_on() {
	HOST_LAYOUT=1 SINK_CPU=1
	taskset -pc 0 "${NAPI[$DG]}" >/dev/null
	taskset -pc 1 "${NAPI[$DS]}" >/dev/null
	# The CLAT's cost on the host: its process and the host's receive.
	XNAPI="${NAPI[$DG]}"
}

host_layout_off() {
	HOST_LAYOUT=0 SINK_CPU=0
	taskset -pc 0 "${NAPI[$DG]}" >/dev/null
	taskset -pc 0 "${NAPI[$DS]}" >/dev/null
	XNAPI="${NAPI[$DI]} ${NAPI[$DO]}"
}

# Wait up to 5 s for device $2 in namespace $1.
wait_dev() {
	local i
	for i in $(seq 50); do
		nsx "$1" ip link show dev "$2" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- cases: NAME_start sets DST (IPv6 address gen sends to) and XPID
# (translator PID, empty for kernel paths); NAME_stop undoes it.
# Later rows (clat, ebpf, nat64) drop a file bench/cases/NAME.sh that
# defines NAME_start, NAME_stop and CASE_LABEL_NAME. ----

CASE_LABEL_plain="plain IPv6 forwarding"
plain_start() { DST=$SINK6; XPID=; RDST=$GEN6 RSRC=$SINK6; }
plain_stop() { :; }

CASE_LABEL_tayga="TAYGA 0.9.2 SIIT"
tayga_start() {
	local d=$TMP/tayga
	mkdir -p "$d"
	cat >"$d/tayga.conf" <<-EOF
	tun-device tayga0
	ipv4-addr $XLAT4
	prefix $POOL6
	map $GEN_AS4 $GEN6
	data-dir $d
	EOF
	nsx "$NSX" tayga -c "$d/tayga.conf" --mktun >/dev/null 2>&1 ||
		{ log "tayga --mktun failed"; return 1; }
	nsx "$NSX" ip link set dev tayga0 txqueuelen "$TUN_TXQ" up
	nsx "$NSX" ip route add $POOL6 dev tayga0
	nsx "$NSX" ip route add $GEN_AS4/32 dev tayga0
	bg_start "$NSX" 1 tayga tayga -c "$d/tayga.conf" -n
	XPID=$BGPID
	DST=$SINK4_AS6
	sleep 0.3
	kill -0 "$XPID" 2>/dev/null || { log "tayga died: $(cat "$TMP/tayga.err")"; return 1; }
}
tayga_stop() {
	[ -n "${XPID:-}" ] && stop_pid "$XPID"
	nsx "$NSX" tayga -c "$TMP/tayga/tayga.conf" --rmtun >/dev/null 2>&1
	nsx "$NSX" ip link del tayga0 2>/dev/null
	return 0
}

CASE_LABEL_siit="xlat464 siit (xlatd)"
siit_start() {
	local d=$TMP/siit i
	mkdir -p "$d"
	cat >"$d/xlatd.conf" <<-EOF
	[global]
	control-socket = $d/xlatd.sock
	[siit bench]
	tun = siit0
	pool6 = $POOL6
	eam = $GEN_AS4/32 $GEN6/128
	ipv4-address = $XLAT4
	lowest-ipv6-mtu = 1500
	mtu = 1500
	threads = ${SIIT_THREADS:-1}
	route4 = $GEN_AS4/32
	route6 = $POOL6
	EOF
	# Unset: xlatd's default.
	[ -n "${SIIT_COALESCE:-}" ] && echo "coalesce-usecs = $SIIT_COALESCE" >>"$d/xlatd.conf"
	[ -n "${SIIT_RT:-}" ] && echo "worker-realtime = $SIIT_RT" >>"$d/xlatd.conf"
	DST=$SINK4_AS6
	[ -x "$XLATD" ] || { log "$XLATD missing"; XPID=; return 1; }
	bg_start "$NSX" "${SIIT_CPUS:-1}" xlatd "$XLATD" -c "$d/xlatd.conf"
	XPID=$BGPID
	if ! wait_dev "$NSX" siit0; then
		log "xlatd made no siit0: $(tail -3 "$TMP/xlatd.err" | tr '\n' ' ')"
		return 1
	fi
	nsx "$NSX" ip link set dev siit0 txqueuelen "$TUN_TXQ" up
	# xlatd installs route4/route6 itself; only fill in what is missing.
	for i in $(seq 20); do
		nsx "$NSX" ip -6 route show $POOL6 | grep -q . && break
		sleep 0.1
	done
	nsx "$NSX" ip -6 route show $POOL6 | grep -q . ||
		nsx "$NSX" ip route add $POOL6 dev siit0
	nsx "$NSX" ip -4 route show $GEN_AS4 | grep -q . ||
		nsx "$NSX" ip route add $GEN_AS4/32 dev siit0
	kill -0 "$XPID" 2>/dev/null || { log "xlatd died"; return 1; }
}
siit_stop() {
	[ -n "${XPID:-}" ] && stop_pid "$XPID"
	nsx "$NSX" ip link del siit0 2>/dev/null
	return 0
}

# Hooks for the rows that later issues fill (xlat464 clat, eBPF, NAT64):
# bench/cases/NAME.sh defines NAME_start, NAME_stop, CASE_LABEL_NAME and
# appends NAME to EXTRA_CASES.  See bench/cases/README.md.
EXTRA_CASES=()
for f in "$ROOT"/bench/cases/*.sh; do
	[ -e "$f" ] && . "$f"
done
# The default: the CLAT table's and the SIIT/NAT64 tables' rows, those
# whose case file is here.  Other rows (lab) on request: CASES="... lab".
DEFAULT_CASES="plain tayga siit siit2 siitrt nat64 nat64bpf tayganat native ebpf clat tayclat"
if [ -z "${CASES:-}" ]; then
	for c in $DEFAULT_CASES; do
		declare -F "${c}_start" >/dev/null && CASES="${CASES:-} $c"
	done
fi
CASES=$(echo $CASES)

# ---- measurements ----

RAW=$TMP/raw.tsv
: >"$RAW"
record() { printf '%s\t%s\t%s\t%s\n' "$REP" "$CASE" "$1" "$2" >>"$RAW"; }

# CPU 1 busy time in ns from /proc/stat (everything but idle and iowait;
# tick-sampled, used only to tell how much of CPU 1 others took).
cpu1_busy_ns() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu1" {
		printf "%.0f\n", ($2 + $3 + $4 + $7 + $8 + $9) * 1e9 / hz }' /proc/stat
}

# Sum of schedstat field 1 (ns on CPU; what utime+stime of /proc/PID/stat
# are scaled to, at ns resolution) over the given PIDs and their threads.
sched_ns() {
	local p t s=0 v
	for p in "$@"; do
		for t in /proc/"$p"/task/*/schedstat; do
			read -r v _ <"$t" 2>/dev/null && s=$((s + v))
		done
	done
	echo "$s"
}

# Packet rates: sink, senders, the rate search.
. "$ROOT/bench/lib/rate.sh"

jget() { jq -r "$2 // 0" "$1" 2>/dev/null || echo 0; }

# Packets the xlat namespace received from the gen host so far.
door_rx() {
	nsx "$NSX" cat /sys/class/net/$DI/statistics/rx_packets 2>/dev/null || echo 0
}

# CPU per delivered packet at a fixed rate below saturation.  The xlat
# side is the translator process plus the two NAPI threads of the xlat
# namespace (receive, kernel forwarding, TUN enqueue); the translator's
# own writes forward the translated packet inside its system calls.
measure_cpu() {
	local p0 n0 b0 w0 p1 n1 b1 w1 got sent
	p0=$(sched_ns ${XPID:-}); n0=$(sched_ns $XNAPI); b0=$(cpu1_busy_ns)
	w0=$(date +%s%N)
	DUR=$FIXED_DUR run_udp fixed $SMALL "$RATE"
	p1=$(sched_ns ${XPID:-}); n1=$(sched_ns $XNAPI); b1=$(cpu1_busy_ns)
	w1=$(date +%s%N)
	got=$(jget "$TMP/fixed.sink" .packets)
	sent=$(jget "$TMP/fixed.send" .sent)
	record fixed_sent "$sent"
	record fixed_got "$got"
	# The host's own cost of sending one packet: the application's CPU,
	# its system calls included (with a CLAT, the egress translation).
	[ "$sent" -gt 0 ] 2>/dev/null &&
		record host_send_us "$(awk -v c="$(jget "$TMP/fixed.send" .cpu_us)" -v n="$sent" 'BEGIN { print c / n }')"
	[ "${HOST_LAYOUT:-0}" = 1 ] ||
		record foreign_cpu1 "$(awk -v b=$((b1 - b0)) -v o=$((p1 - p0 + n1 - n0)) \
			-v w=$((w1 - w0)) 'BEGIN { f = (b - o) / w; print (f > 0 ? f : 0) }')"
	[ "$got" -gt 0 ] 2>/dev/null || return 0
	record cpu_us "$(awk -v d=$((p1 - p0 + n1 - n0)) -v n="$got" 'BEGIN { print d / 1e3 / n }')"
	record napi_us "$(awk -v d=$((n1 - n0)) -v n="$got" 'BEGIN { print d / 1e3 / n }')"
	[ -n "${XPID:-}" ] &&
		record proc_us "$(awk -v d=$((p1 - p0)) -v n="$got" 'BEGIN { print d / 1e3 / n }')"
	return 0
}

measure_tcp() {
	local dir=$1 flag= spid i
	[ "$dir" = rev ] && flag=-R
	bg_start "$NSS" "$(ns_cpu "$NSS")" iperf3s iperf3 -s -1 -p 5201
	spid=$BGPID
	for i in $(seq 50); do
		nsx "$NSS" ss -ltn 2>/dev/null | grep -q ':5201 ' && break
		sleep 0.05
	done
	nsx "$NSG" timeout $((IPERF_T + 15)) nice -n "$NICE" taskset -c 0 iperf3 -c "$DST" \
		-p 5201 -t "$IPERF_T" -J $flag >"$TMP/iperf.json" 2>/dev/null
	stop_pid "$spid"
	record "tcp_$dir" "$(jq -r '(.end.sum_received.bits_per_second // 0) / 1e9' \
		"$TMP/iperf.json" 2>/dev/null || echo 0)"
}

# Resident set of the translator in kB (VmRSS), empty without one.
rss_kb() {
	[ -n "${XPID:-}" ] || return 0
	awk '$1 == "VmRSS:" { print $2 }' /proc/"$XPID"/status 2>/dev/null
}

# ping_med NS ADDR COUNT INTERVAL: median RTT (ms) of the replies, from
# the per-packet times (a mean lets one late wake-up on a busy machine
# move the figure); empty without replies.
ping_med() {
	nsx "$1" nice -n "$NICE" taskset -c 0 ping -n -c "$3" -i "$4" -W 1 "$2" 2>/dev/null |
		sed -n 's/.*time=\([0-9.]*\).*/\1/p' | sort -n |
		awk '{ v[++n] = $1 } END { if (n) print n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

# The IPv6 address of the same server with no CLAT on the way: a case
# may set PING6_BASE; a CLAT row (IPv4 DST, IPv6 RSRC: the server's
# synthesized address) uses RSRC.
ping6_base() {
	if [ -n "${PING6_BASE:-}" ]; then echo "$PING6_BASE"
	elif [[ $DST != *:* && ${RSRC:-} == *:* ]]; then echo "$RSRC"
	fi
}

# RTT to DST, dense (20 pings 50 ms apart) and sparse (10 pings 200 ms
# apart: each one finds every thread asleep, so wake-up moderation would
# show), and the same to the no-CLAT baseline, run side by side with
# their pings interleaved (offset by half an interval) so that the two
# see the same machine.
measure_ping() {
	local b6 f p4
	b6=$(ping6_base)
	for f in dense sparse; do
		local c=20 i=0.05 off=0.025 key=rtt_ms key6=rtt6_ms
		[ $f = sparse ] && c=10 i=0.2 off=0.1 key=rtt_sparse_ms key6=rtt6_sparse_ms
		ping_med "$NSG" "$DST" $c $i >"$TMP/ping4" &
		p4=$!
		if [ -n "$b6" ]; then
			sleep $off
			ping_med "$NSG" "$b6" $c $i >"$TMP/ping6"
		fi
		wait $p4   # not a bare wait: the translator is a child too
		[ -s "$TMP/ping4" ] && record $key "$(cat "$TMP/ping4")"
		[ -n "$b6" ] && [ -s "$TMP/ping6" ] && record $key6 "$(cat "$TMP/ping6")"
		rm -f "$TMP/ping4" "$TMP/ping6"
	done
	return 0
}

# Benches of other runs on this machine (their namespaces), which take
# the CPUs this one measures.
other_benches() {
	ip netns list 2>/dev/null | awk -v me="-$$" '/^xb-gen-/ && $1 !~ me"$"' | wc -l
}

run_case() {
	record other_benches "$(other_benches)"
	if ! "${CASE}_start"; then
		log "$CASE: start failed, row stays empty"
		"${CASE}_stop"
		record start_failed 1
		return
	fi
	# Prime neighbour caches so no test pays for resolution.
	nsx "$NSG" ping -c 2 -i 0.1 -W 1 "$DST" >/dev/null 2>&1
	local rss0 rss1
	rss0=$(rss_kb)
	measure_overload $SMALL
	measure_overload $LARGE
	[ -n "${RDST:-}" ] && measure_rev
	measure_cpu
	measure_tcp fwd
	measure_tcp rev
	measure_ping
	rss1=$(rss_kb)
	[ -n "$rss0" ] && record rss_kb_idle "$rss0"
	[ -n "$rss1" ] && record rss_kb_after "$rss1"
	"${CASE}_stop"
	RDST= RSRC=
}

# ---- main ----

for CASE in $CASES; do
	declare -F "${CASE}_start" >/dev/null || die "unknown case $CASE"
done
# One bench at a time per machine: two runs share the two CPUs and each
# halves the other's rates (docs/bench.md, "Stable rates").
LOCK=${BENCH_LOCK:-/tmp/xlat464-bench.lock}
exec 9>>"$LOCK"
if ! flock -n 9; then
	log "another bench run holds $LOCK: waiting for it"
	flock -w "${BENCH_LOCK_WAIT:-3600}" 9 || die "$LOCK still held"
fi
T0=$(date +%s)
STAMP=$(date +%Y-%m-%d-%H%M)
setup_topology
log "topology up; $REPS reps of: $CASES (DUR=${DUR}s, gen=$GEN)"
for REP in $(seq "$REPS"); do
	for CASE in $CASES; do
		log "rep $REP/$REPS: $CASE"
		run_case
	done
done
ELAPSED=$(($(date +%s) - T0))
log "measurements done in ${ELAPSED}s"

mkdir -p "$OUT"
labels=()
for CASE in $CASES; do
	v=CASE_LABEL_$CASE
	labels+=("$CASE=${!v:-$CASE}")
done
cp "$RAW" "$OUT/$STAMP-raw.tsv"
# The NAT64 tables alone (issue 16: set-up rate, memory with a million
# sessions), when a NAT64 row ran: one CPU, no I/O, about 10 s.
NAT64_PERF=()
if [[ " $CASES " == *" nat64"* ]] && [ -x "$BUILD/tools/nat64_perf" ]; then
	log "nat64_perf ${NAT64_PERF_SESSIONS:-1000000} (the tables alone)"
	taskset -c 1 "$BUILD/tools/nat64_perf" "${NAT64_PERF_SESSIONS:-1000000}" \
		>"$TMP/nat64_perf.json" 2>/dev/null &&
		NAT64_PERF=(--nat64-perf "$TMP/nat64_perf.json")
fi
python3 "$ROOT/bench/report.py" --raw "$RAW" --out "$OUT/$STAMP" \
	--cases "$CASES" --labels "${labels[@]}" "${NAT64_PERF[@]}" \
	--meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
	--meta "kernel=$(uname -r)" \
	--meta "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) ($(nproc) CPUs)" \
	--meta "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	--meta "tayga=$(dpkg-query -W -f='${Version}' tayga 2>/dev/null || echo '?')" \
	--meta "command=$( [ "$QUICK" = 1 ] && echo 'QUICK=1 ')bench/run.sh (CASES=\"$CASES\")" \
	--meta "params=REPS=$REPS DUR=${DUR}s RATE=$RATE pps FIXED_DUR=${FIXED_DUR}s IPERF_T=${IPERF_T}s TUN_TXQ=$TUN_TXQ GEN=$GEN" \
	--meta "elapsed=${ELAPSED}s" || die "report failed"
nclat=$(grep -vc '^#' "$OUT/$STAMP-clat.dat" 2>/dev/null)
nxlat=$(grep -vc '^#' "$OUT/$STAMP-xlat.dat" 2>/dev/null)
if [ "${NOPLOT:-0}" != 1 ] && [ "${nclat:-0}${nxlat:-0}" != 00 ] && command -v gnuplot >/dev/null; then
	gnuplot -e "clatfile='$OUT/$STAMP-clat.dat'; xlatfile='$OUT/$STAMP-xlat.dat'; outfile='$OUT/$STAMP.png'; nclat=${nclat:-0}; nxlat=${nxlat:-0}" \
		"$ROOT/bench/plot.gp" || log "gnuplot failed"
fi
cp "$OUT/$STAMP.md" "$OUT/latest.md"
[ -f "$OUT/$STAMP.png" ] && cp "$OUT/$STAMP.png" "$OUT/latest.png"
cat "$OUT/$STAMP.md"
log "wrote $OUT/$STAMP.md"
