# SPDX-License-Identifier: GPL-2.0-or-later
# The packet-rate measures of bench/run.sh (sourced by it): the UDP sink
# and senders, one trial, the rate search (find_rate, docs/bench.md
# "Stable rates") and measure_rate, which records a row's rate figures.
# Uses run.sh's globals (namespaces, devices, TMP, record, sched_ns, ...).

# The UDP path: a sink (sink_open), any number of sends to it (send_at),
# and sink_close.  "rev" sends from the sink namespace to $RDST (from
# $RSRC) and counts in the gen namespace.  udp_dir sets the variables
# of a direction: SNS (sink's namespace), GNS, GDST, GSRC, GDEV, GMAC.
udp_dir() {
	SNS=$NSS GNS=$NSG GDST=$DST GSRC=$GEN6 GDEV=$DG GMAC=$XMAC
	[ "${1:-fwd}" = rev ] &&
		SNS=$NSG GNS=$NSS GDST=$RDST GSRC=$RSRC GDEV=$DS GMAC=$XMAC_OUT
	return 0
}

# sink_open NAME SECONDS [rev]: start an xgen sink; PID in SINKPID.
sink_open() {
	local name=$1 secs=$2 i
	udp_dir "${3:-fwd}"
	rm -f "$TMP/ready"
	bg_start "$SNS" "$(ns_cpu "$SNS")" "$name.sink" "$XGEN" sink --port $PORT \
		--seconds "$secs" --ready "$TMP/ready"
	SINKPID=$BGPID
	for i in $(seq 50); do [ -e "$TMP/ready" ] && break; sleep 0.05; done
}

# sink_close NAME: stop the sink; its JSON (packets over every send) in
# $TMP/NAME.sink.
sink_close() {
	sleep 0.3   # let queues drain into the sink
	stop_pid "$SINKPID"
	cp "$TMP/$1.sink.out" "$TMP/$1.sink"
}

# UDP datagrams the sink namespace $1 accepted so far (IPv4 + IPv6): the
# sink's count between two sends without restarting it.
udp_in() {
	nsx "$1" awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { n += $2 }
		$1 == "Udp6InDatagrams" { n += $2 } END { print n + 0 }' \
		/proc/net/snmp /proc/net/snmp6 2>/dev/null || echo 0
}

# send_at NAME FRAME RATE SECONDS [rev]: GEN_FLOWS senders (default 1,
# source ports 9001...) towards the open sink; JSON of the senders
# summed in $TMP/NAME.send.
send_at() {
	local name=$1 frame=$2 rate=$3 secs=$4 gargs f flows=${GEN_FLOWS:-1} pids=()
	udp_dir "${5:-fwd}"
	# An IPv4 sender (CLAT rows) sends the IPv4 twin of the frame size,
	# 20 bytes smaller, so the IPv6 side carries 84 and 1518 B frames.
	[[ $GDST == *:* ]] || frame=$((frame - 20))
	# RATE is the total: the flows share it.
	[ "$rate" = max ] || rate=$(( (rate + flows - 1) / flows ))
	gargs=(--dst "$GDST" --port $PORT --frame "$frame" --rate "$rate"
	       --seconds "$secs" --hlim 64
	       --count "$(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 20000000 + 1 }')")
	# The CLAT table's set rates come in bursts of 32, so that the host's
	# send CPU per packet is its send path's and not the pacing timer's
	# (one wake-up per packet cost about 15 µs here).
	[ "${HOST_LAYOUT:-0}" = 1 ] && [ "$rate" != max ] && gargs+=(--burst 32)
	# Raw frames go straight onto the gen veth; an IPv4 destination (a
	# CLAT row translating inside the gen namespace) takes a UDP socket.
	[ "$GEN" = raw ] && [[ $GDST == *:* ]] && [ -n "$GDEV" ] &&
		gargs+=(--raw "$GDEV" --dmac "$GMAC" --src "$GSRC")
	# Several flows (source ports) spread over the queues of a
	# multi-queue TUN; one flow always hashes to one queue.
	for f in $(seq "$flows"); do
		nsx "$GNS" nice -n "$NICE" taskset -c "$(ns_cpu "$GNS")" "$XGEN" send "${gargs[@]}" \
			--sport $((9000 + f)) \
			>"$TMP/$name.send.$f" 2>"$TMP/$name.send.err.$f" &
		pids+=($!)
		PIDS+=($!)
	done
	for f in "${pids[@]}"; do wait "$f"; done
	jq -s '{sent: (map(.sent // 0) | add), errors: (map(.errors // 0) | add),
		seconds: (map(.seconds // 0) | max), cpu_us: (map(.cpu_us // 0) | add)}' "$TMP/$name.send".[0-9]* \
		>"$TMP/$name.send" 2>/dev/null || echo '{}' >"$TMP/$name.send"
	rm -f "$TMP/$name.send".[0-9]*
}

# run_udp NAME FRAME RATE [rev]: one send of DUR seconds into a sink of
# its own; JSON in $TMP/NAME.sink and $TMP/NAME.send.
run_udp() {
	sink_open "$1" $((DUR + 10)) "${4:-fwd}"
	send_at "$1" "$2" "$3" "$DUR" "${4:-fwd}"
	sink_close "$1"
}

# trial NAME FRAME RATE SECONDS [rev]: one send into the open sink;
# T_OFF = offered pps (accepted by the first hop + refused: ENOBUFS when
# the veth peer's ring is full), T_GOT = pps the sink namespace accepted.
trial() {
	local u0 u1
	udp_dir "${5:-fwd}"
	u0=$(udp_in "$SNS")
	send_at "$1" "$2" "$3" "$4" "${5:-fwd}"
	sleep 0.2   # let queues drain into the sink
	u1=$(udp_in "$SNS")
	T_OFF=$(jq -r 'if (.seconds // 0) > 0 then ((.sent // 0) + (.errors // 0)) / .seconds
		else 0 end' "$TMP/$1.send" 2>/dev/null || echo 0)
	T_GOT=$(awk -v n=$((u1 - u0)) -v t="$(jget "$TMP/$1.send" .seconds)" \
		'BEGIN { print (t > 0 ? n / t : 0) }')
}

fge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# find_rate NAME FRAME DIR OFFERED DELIVERED: the most a path delivers
# when it is not offered far more than it can take, in BEST (and the
# rate offered then in BEST_OFF).  Under a blind overload the router's
# NAPI thread, which shares CPU 1 with a TUN translator, spends that CPU
# on packets the full TUN queue then drops (receive livelock): what the
# overload delivers falls as the offered rate rises, and the offered rate
# is whatever the generator's share of CPU 0 allows, so it changed by
# 30x between repetitions (docs/bench.md, "Stable rates").  SEARCH_STEPS
# trials of SEARCH_DUR seconds below the offered rate: above a trial the
# path kept up with, halfway (in log) to the lowest failed rate; above
# one it did not, just above what it delivered.
declare -A PRIOR=()
find_rate() {
	local name=$1 frame=$2 dir=$3 hi=$4 lo=$5 r i failed=0 steps=$SEARCH_STEPS
	local pk=$CASE:$frame:$dir
	BEST=$5 BEST_OFF=$4
	fge "$5" "$(awk -v o="$4" 'BEGIN { print 0.97 * o }')" && return 0
	# Start where the previous repetition of this row ended; the first
	# one starts halfway (in log) and takes two more steps.
	r=${PRIOR[$pk]:-}
	if [ -z "$r" ] || ! fge "$hi" "$r"; then
		r=$(awk -v l="$lo" -v h="$hi" 'BEGIN { printf "%.0f", sqrt((l > 1 ? l : 1) * h) }')
		steps=$((steps + 2))
	fi
	for i in $(seq "$steps"); do
		trial "$name.s$i" "$frame" "$r" "$SEARCH_DUR" "$dir"
		fge "$T_GOT" "$BEST" && BEST=$T_GOT BEST_OFF=$r
		if fge "$T_GOT" "$(awk -v r="$r" 'BEGIN { print 0.98 * r }')"; then
			lo=$r
			r=$(awk -v r="$r" -v h="$hi" -v f=$failed 'BEGIN {
				printf "%.0f", f ? sqrt(r * h) : (1.3 * r < h ? 1.3 * r : h) }')
		else
			hi=$r failed=1
			r=$(awk -v l="$lo" -v g="$T_GOT" 'BEGIN {
				printf "%.0f", 1.03 * (g > l ? g : l) }')
		fi
	done
	# The next repetition starts just above the best delivered rate (not
	# at the rate that gave it, which may be the full-speed offer).
	PRIOR[$pk]=$(awk -v b="$BEST" 'BEGIN { printf "%.0f", 1.03 * b }')
}

# measure_rate FRAME KEY [rev]: the overload trial at full speed, then
# the search.  Records sent_pps_KEY, ovl_pps_KEY (the overload's
# delivered rate), pps_KEY (the search's best), best_off_KEY, the sink's
# drops and checksum errors, and around the overload trial the door
# count, the CPU others took and the CPU per packet of the path.
measure_rate() {
	local frame=$1 key=$2 dir=${3:-fwd} name=rate$2 got p0 n0 p1 n1 d0 d1 b0 b1 w0 w1 secs
	sink_open "$name" 120 "$dir"
	p0=$(sched_ns ${XPID:-}); n0=$(sched_ns $XNAPI)
	d0=$(door_rx); b0=$(cpu1_busy_ns); w0=$(date +%s%N)
	trial "$name" "$frame" "${OVL_RATE:-max}" "$DUR" "$dir"
	d1=$(door_rx); b1=$(cpu1_busy_ns); w1=$(date +%s%N)
	p1=$(sched_ns ${XPID:-}); n1=$(sched_ns $XNAPI)
	secs=$(jget "$TMP/$name.send" .seconds)
	got=$(awk -v g="$T_GOT" -v t="$secs" 'BEGIN { printf "%.0f", g * t }')
	record "sent_pps_$key" "$T_OFF"
	record "ovl_pps_$key" "$T_GOT"
	# What others took of CPU 1 while the rate was measured: the rate
	# depends on it (docs/bench.md, "Stable rates").
	[ "${HOST_LAYOUT:-0}" = 1 ] ||
		record "foreign_cpu1_$key" "$(awk -v b=$((b1 - b0)) -v o=$((p1 - p0 + n1 - n0)) \
			-v w=$((w1 - w0)) 'BEGIN { f = (b - o) / w; print (f > 0 ? f : 0) }')"
	if [ "$dir" = fwd ]; then
		# What left the gen host, counted at the router's door ($DI):
		# the host's own output rate, whatever router and sink manage.
		record "door_pps_$key" "$(awk -v d=$((d1 - d0)) -v t="$secs" 'BEGIN { print (t > 0 ? d / t : 0) }')"
		# Under overload a translator is never idle, so its time per
		# packet it delivered is its saturated cost.
		[ "$got" -gt 0 ] 2>/dev/null && [ -n "${XPID:-}" ] &&
			record "ovl_proc_us_$key" "$(awk -v d=$((p1 - p0)) -v n="$got" 'BEGIN { print d / 1e3 / n }')"
		[ "$got" -gt 0 ] 2>/dev/null &&
			record "ovl_cpu_us_$key" "$(awk -v d=$((p1 - p0 + n1 - n0)) -v n="$got" 'BEGIN { print d / 1e3 / n }')"
	fi
	find_rate "$name" "$frame" "$dir" "$T_OFF" "$T_GOT"
	record "pps_$key" "$BEST"
	record "best_off_$key" "$BEST_OFF"
	sink_close "$name"
	record "sink_drops_$key" "$(jget "$TMP/$name.sink" .rcvbuf_errors)"
	record "csum_errors_$key" "$(jget "$TMP/$name.sink" .csum_errors)"
	return 0
}

measure_overload() { measure_rate "$1" "$1"; }

# The reverse small-packet rate (sink ns -> gen ns) of rows that define
# RDST: plain forwarding and the CLAT rows (6->4 into the CLAT host).
measure_rev() { measure_rate $SMALL rev_$SMALL rev; }
