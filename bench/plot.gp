# SPDX-License-Identifier: GPL-2.0-or-later
# Chart of one bench/run.sh report: the CLAT rows on top, the SIIT and
# NAT64 rows below; bars are medians, whiskers min–max.  Usage:
#   gnuplot -e "clatfile='X-clat.dat'; xlatfile='X-xlat.dat'; outfile='X.png'; nclat=4; nxlat=6" bench/plot.gp
# nclat, nxlat: rows in each file (0: that group is left out).
# Columns (bench/report_tables.py): label, then median min max of each
#   clat: door_pps_84 pps_84 pps_rev_84 tcp_fwd tcp_rev rtt rtt6 rtt_sparse rtt6_sparse
#   xlat: pps_84 pps_1518 cpu_us tcp_fwd tcp_rev
set terminal pngcairo size 1500,900 font ",9" noenhanced
set output outfile
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set xtics rotate by -20 left
set key top right
set yrange [0:*]
if (!exists("nclat")) nclat = 1
if (!exists("nxlat")) nxlat = 1
set multiplot layout (nclat > 0) + (nxlat > 0),3 title "xlat464 benchmark (medians, whiskers min-max; see docs/bench.md)"
if (nclat > 0) {
set title "CLAT: 84 B packet rate (kpps, higher is better)"
plot clatfile using 2:3:4:xtic(1) title "out of the host", \
     '' using 5:6:7 title "delivered host -> server", \
     '' using 8:9:10 title "server -> host"
set title "CLAT: iperf3 TCP (Gbit/s)"
plot clatfile using 11:12:13:xtic(1) title "host -> server", \
     '' using 14:15:16 title "server -> host"
set title "CLAT: ping (ms, median; lower is better)"
plot clatfile using 17:18:19:xtic(1) title "IPv4 via the CLAT", \
     '' using 20:21:22 title "ping6, no CLAT", \
     '' using 23:24:25 title "sparse, via the CLAT", \
     '' using 26:27:28 title "sparse ping6"
}
if (nxlat > 0) {
set title "SIIT / NAT64: packet rate (kpps)"
plot xlatfile using 2:3:4:xtic(1) title "84 B", \
     '' using 5:6:7 title "1518 B"
set title "SIIT / NAT64: CPU per packet at the fixed rate (µs, lower is better)"
plot xlatfile using 8:9:10:xtic(1) title "translator + xlat NAPI threads"
set title "SIIT / NAT64: iperf3 TCP (Gbit/s)"
plot xlatfile using 11:12:13:xtic(1) title "6 -> 4", \
     '' using 14:15:16 title "4 -> 6"
}
unset multiplot
