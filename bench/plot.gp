# SPDX-License-Identifier: GPL-2.0-or-later
# Chart of one bench/run.sh report.  Usage:
#   gnuplot -e "datafile='X.dat'; outfile='X.png'" bench/plot.gp
# Columns of datafile: label pps84_k pps1518_k cpu_us tcp_fwd tcp_rev rtt_ms pps_rev84_k
set terminal pngcairo size 1200,800 font ",10" noenhanced
set output outfile
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set xtics rotate by -20 left
set key top right
set yrange [0:*]
set multiplot layout 2,2 title "xlat464 benchmark (medians; see docs/bench.md)"
set title "Delivered packet rate under overload (kpps, higher is better)"
plot datafile using 2:xtic(1) title "84 B frames", \
     '' using 3 title "1518 B frames", \
     '' using 8 title "84 B, sink -> gen"
set title "CPU per delivered packet at the fixed rate (µs, lower is better)"
plot datafile using 4:xtic(1) title "xlat ns: translator + its NAPI threads"
set title "iperf3 TCP (Gbit/s, higher is better)"
plot datafile using 5:xtic(1) title "gen -> sink", \
     '' using 6 title "sink -> gen"
set title "ping RTT (ms, lower is better)"
plot datafile using 7:xtic(1) title "mean RTT"
unset multiplot
