#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bench report (bench/report.py, bench/report_tables.py, bench/plot.gp)
# from made-up samples whose medians, ratios and bounds are known: the CLAT
# table (ratios to native and to TAYGA as CLAT, the latency against ping6),
# the SIIT table, what bound each row, and the chart.  No namespaces.
. "$(dirname "$0")/../lib/netns.sh"

command -v python3 >/dev/null || { t_skip "bench report" "no python3"; t_done; }
R=$NT_TMP/raw.tsv
: >"$R"
# put CASE METRIC V1 V2 V3: one sample per repetition.
put() {
	local c=$1 m=$2 i=1 v
	shift 2
	for v in "$@"; do printf '%s\t%s\t%s\t%s\n' $i "$c" "$m" "$v" >>"$R"; i=$((i + 1)); done
}
put native pps_84 90000 100000 110000
put native ovl_pps_84 90000 100000 110000
put native sent_pps_84 100000 100000 100000
put native door_pps_84 100000 100000 100000
put native rtt_ms 0.2 0.2 0.2
put clat pps_84 50000 60000 70000
put clat ovl_pps_84 29000 29000 29000
put clat sent_pps_84 200000 200000 200000
put clat door_pps_84 30000 30000 30000
put clat best_off_84 61000 61000 61000
put clat rtt_ms 0.6 0.6 0.6
put clat rtt6_ms 0.5 0.5 0.5
put clat rtt_sparse_ms 0.9 0.9 0.9
put clat rtt6_sparse_ms 0.3 0.3 0.3
put tayclat pps_84 20000 20000 20000
put tayga pps_84 30000 30000 30000
put tayga ovl_pps_84 29000 29000 29000
put tayga sent_pps_84 300000 300000 300000
put tayga door_pps_84 290000 290000 290000
put siit pps_84 90000 90000 90000
put plain pps_84 180000 180000 180000

O=$NT_TMP/out
t_check "report.py writes the report and both chart data files" \
	bash -c "python3 '$NT_ROOT/bench/report.py' --raw '$R' --out '$O' \
		--cases 'plain tayga siit native clat tayclat' \
		--labels clat=uclat tayclat=tclat native=nat4 tayga=tay siit=xsiit plain=fwd &&
		test -s '$O.md' && test -s '$O-clat.dat' && test -s '$O-xlat.dat'"
t_check "CLAT table: median with min-max" bash -c "grep -qF '| uclat | 30.0 (30.0–30.0) | 60.0 (50.0–70.0) |' '$O.md'"
t_check "CLAT ratios: the userspace CLAT to native and to TAYGA as CLAT" \
	bash -c "grep -E '^\| uclat \|' '$O.md' | grep -qF '| 0.60× native / 3.00× TAYGA |'"
t_check "CLAT ratios: TAYGA as CLAT to native only" \
	bash -c "grep -E '^\| tclat \|' '$O.md' | sed -n 2p | grep -qF '| 0.20× native |'"
t_check "latency: ping through the CLAT against ping6, dense and sparse" \
	bash -c "grep -E '^\| uclat \|' '$O.md' | grep -qF '| 0.60 (0.60–0.60) | 0.50 (0.50–0.50) | 1.20× | 0.90 (0.90–0.90) | 0.30 (0.30–0.30) | 3.00× |'"
t_check "bound: the userspace CLAT by its host, with the search's figure and spread" \
	bash -c "grep -F -- '- uclat: at full speed 200 kpps offered, 30.0 entered the router, 29.0 delivered: bound by the host' '$O.md' |
		grep -F 'up to 60.0 kpps (offered 61.0)' | grep -qF 'Spread of that figure: 33 %'"
t_check "bound: TAYGA by the router after its door" \
	bash -c "grep -F -- '- tay: ' '$O.md' | grep -qF 'bound by the router: 90 %'"
t_check "SIIT ratios to TAYGA and to plain forwarding" \
	bash -c "grep -E '^\| xsiit \|' '$O.md' | sed -n 2p | grep -qF '| 3.00× / 0.50× |'"
cat >"$NT_TMP/np.json" <<'EOF2'
{"sessions":1000000,"created":1000000,"setup_per_s":1500000,"ns_per_setup":667,"ns_per_6to4":300,"ns_per_4to6":250,"table_bytes":134217728,"bytes_per_session":128,"rss_growth_kib":131072,"left":0}
EOF2
put nat64 pps_84 50000 50000 50000
put tayganat pps_84 25000 25000 25000
t_check "NAT64 table with the tables-alone figures (set-up rate, memory per session)" \
	bash -c "python3 '$NT_ROOT/bench/report.py' --raw '$R' --out '$O-n' \
		--cases 'plain nat64 tayganat' --nat64-perf '$NT_TMP/np.json' &&
		grep -qF '| 1000000 | 1.50 M/s | 667 | 300 / 250 | 128.0 MiB | 128 B | 128.0 MiB |' '$O-n.md'"
t_check "native is not in the SIIT table" bash -c "! sed -n '/^## SIIT/,/^## /p' '$O.md' | grep -q '^| nat4 '"
if command -v gnuplot >/dev/null; then
	t_check "plot.gp draws both groups" \
		bash -c "gnuplot -e \"clatfile='$O-clat.dat'; xlatfile='$O-xlat.dat'; outfile='$O.png'\" \
			'$NT_ROOT/bench/plot.gp' && test -s '$O.png'"
else
	t_skip "plot.gp draws both groups" "no gnuplot"
fi
t_done
