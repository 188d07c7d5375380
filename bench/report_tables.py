# SPDX-License-Identifier: GPL-2.0-or-later
"""The CLAT, SIIT and NAT64 tables of the bench report (issue 13): each
row's median with its min–max, ratios to the reference rows, the CLAT's
ping against a ping6 to the same server without it, and what bound each
row's small-packet rate.  Used by bench/report.py."""
import statistics

CLAT_ROWS = ("native", "ebpf", "clat", "tayclat")
SIIT_ROWS = ("plain", "tayga", "siit", "siit2", "siitrt")
NAT64_ROWS = ("nat64", "nat64bpf", "tayganat")

# (metric, header, scale); "gbit_1518" is derived from pps_1518.
CLAT_COLS = [
    ("door_pps_84", "84 B out of the host kpps at full speed (router's door)", 1e-3),
    ("pps_84", "84 B host→server kpps", 1e-3),
    ("ovl_pps_84", "84 B host→server kpps at full speed", 1e-3),
    ("pps_1518", "1518 B host→server kpps", 1e-3),
    ("pps_rev_84", "84 B server→host kpps (6→4)", 1e-3),
    ("tcp_fwd", "TCP host→server Gbit/s", 1),
    ("tcp_rev", "TCP server→host Gbit/s", 1),
    ("host_send_us", "host send CPU µs/pkt", 1),
    ("cpu_us", "path CPU µs/pkt (fixed rate)", 1),
    ("rtt_ms", "ping ms", 1),
    ("rtt_sparse_ms", "ping ms, sparse", 1),
]
XLAT_COLS = [
    ("pps_84", "84 B kpps", 1e-3),
    ("ovl_pps_84", "84 B kpps at full speed", 1e-3),
    ("pps_1518", "1518 B kpps", 1e-3),
    ("gbit_1518", "1518 B Gbit/s", 1),
    ("cpu_us", "xlat ns CPU µs/pkt", 1),
    ("proc_us", "translator CPU µs/pkt", 1),
    ("ovl_proc_us_84", "translator µs/pkt, overload", 1),
    ("tcp_fwd", "TCP 6→4 Gbit/s", 1),
    ("tcp_rev", "TCP 4→6 Gbit/s", 1),
    ("rtt_ms", "ping ms", 1),
]


def fnum(v):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def samples(data, case, key, scale):
    if key == "gbit_1518":
        return [v * 1518 * 8 / 1e9 for v in data[case].get("pps_1518", [])]
    return [v * scale for v in data[case].get(key, [])]


def med(data, case, key, scale=1):
    v = samples(data, case, key, scale)
    return statistics.median(v) if v else None


def cell(data, case, key, scale):
    """Median and, with more than one repetition, min–max."""
    v = samples(data, case, key, scale)
    if not v:
        return "—"
    m = fnum(statistics.median(v))
    return m if len(v) < 2 else f"{m} ({fnum(min(v))}–{fnum(max(v))})"


def ratio(v, ref):
    return "—" if v is None or not ref else f"{v / ref:.2f}×"


def spread_pct(data, case, key):
    """(max − min) / median in percent, None below two samples."""
    v = data[case].get(key, [])
    if len(v) < 2 or not statistics.median(v):
        return None
    return 100 * (max(v) - min(v)) / statistics.median(v)


def header(cols):
    return ["| case | " + " | ".join(h for _, h, _ in cols) + " |",
            "|---" * (len(cols) + 1) + "|"]


def abs_table(data, cases, labels, cols):
    L = header(cols)
    for c in cases:
        L.append(f"| {labels.get(c, c)} | " +
                 " | ".join(cell(data, c, k, s) for k, _, s in cols) + " |")
    return L + [""]


def ratio_table(data, cases, labels, cols, refs):
    """Ratios of medians to each reference row present (ref, name)."""
    L = header(cols)
    for c in cases:
        cells = []
        for k, _, s in cols:
            parts = [ratio(med(data, c, k, s), med(data, r, k, s)) + name
                     for r, name in refs(c) if r in data]
            cells.append(" / ".join(parts) or "—")
        L.append(f"| {labels.get(c, c)} | " + " | ".join(cells) + " |")
    return L + [""]


def latency_table(data, cases, labels):
    L = ["| case | ping via the CLAT ms | ping6, no CLAT ms | ratio | "
         "sparse: via the CLAT ms | sparse: ping6 ms | ratio |",
         "|---|---|---|---|---|---|---|"]
    for c in cases:
        cells = []
        for k4, k6 in (("rtt_ms", "rtt6_ms"), ("rtt_sparse_ms", "rtt6_sparse_ms")):
            cells += [cell(data, c, k4, 1), cell(data, c, k6, 1),
                      ratio(med(data, c, k4), med(data, c, k6))]
        L.append(f"| {labels.get(c, c)} | " + " | ".join(cells) + " |")
    return L + [""]


def bound(data, case, label, host):
    """One line: at full speed, offered vs into the router vs delivered
    (84 B), what bound it, and the rate search's figure with its spread."""
    offered = med(data, case, "sent_pps_84")
    door = med(data, case, "door_pps_84")
    got = med(data, case, "ovl_pps_84")
    best = med(data, case, "pps_84")
    if got is None:     # a run from before the rate search
        got = best
    if not offered or got is None:
        return f"- {label}: no 84 B figures."
    lost_host = offered - (door or 0)
    if got >= 0.97 * offered:
        why = "the sender: the path took all it offered (a lower bound)"
    elif door is not None and lost_host > door - got:
        why = ("the host: its CLAT and stack put out "
               f"{100 * door / offered:.0f} % of what the application sent"
               if host else
               "the router's receive: its veth ring refused "
               f"{100 * (1 - door / offered):.0f} % (NAPI thread behind)")
    elif door:
        why = ("the router, PLAT side or sink, after the host's door"
               if host else
               f"the router: {100 * (1 - got / door):.0f} % of what it "
               "received was lost in it (translator, TUN queue, forwarding) "
               "or at the sink")
    else:
        why = "unknown (no door count)"
    if sum(data[case].get("sink_drops_84", [])) > 0:
        why += "; the sink socket dropped packets too"
    txt = (f"- {label}: at full speed {fnum(offered / 1e3)} kpps offered, "
           f"{fnum((door or 0) / 1e3)} entered the router, "
           f"{fnum(got / 1e3)} delivered: bound by {why}.")
    boff = med(data, case, "best_off_84")
    if best is not None and boff is not None and best > 1.03 * got:
        txt += (f"  Offered less, it delivered up to {fnum(best / 1e3)} kpps "
                f"(offered {fnum(boff / 1e3)}): the table's figure.")
    sp = spread_pct(data, case, "pps_84")
    if sp is not None:
        txt += f"  Spread of that figure: {sp:.0f} % of its median."
    return txt


def nat64_tables(perf):
    """The NAT64 tables alone (bench/tools/nat64_perf): set-up rate and
    memory with a million sessions, issue 16's last two bench figures."""
    if not perf:
        return []
    return ["The RFC 6146 tables alone, one CPU, no I/O "
            "(`build/tools/nat64_perf %d`):" % perf.get("sessions", 0), "",
            "| sessions | set-up rate | ns per set-up | ns per packet 6→4 / 4→6 "
            "on existing sessions | table memory | per session | resident growth |",
            "|---|---|---|---|---|---|---|",
            "| %d | %.2f M/s | %d | %d / %d | %.1f MiB | %d B | %.1f MiB |" % (
                perf.get("created", 0), perf.get("setup_per_s", 0) / 1e6,
                perf.get("ns_per_setup", 0), perf.get("ns_per_6to4", 0),
                perf.get("ns_per_4to6", 0), perf.get("table_bytes", 0) / 2**20,
                perf.get("bytes_per_session", 0),
                perf.get("rss_growth_kib", 0) / 1024), ""]


def render(data, cases, labels, nat64_perf=None):
    """Markdown lines of the CLAT, SIIT and NAT64 sections."""
    L = []
    clat = [c for c in CLAT_ROWS if c in cases]
    if clat:
        L += ["## CLAT: an application on the IPv6-only host", "",
              "The same application (xgen's UDP socket, iperf3, ping) on the "
              "CLAT host sends to the IPv4 server; *native* is the same host "
              "with native IPv4 (the ceiling), *TAYGA as CLAT* is TAYGA set up "
              "as clatd sets it up.  Median (min–max) over the repetitions.", ""]
        L += abs_table(data, clat, labels, CLAT_COLS)
        L += ["Ratios of the medians: to native IPv4, and for the userspace "
              "CLAT also to TAYGA as CLAT.  Above 1× is more throughput, or "
              "more CPU and latency (CPU, ping).", ""]
        L += ratio_table(data, clat, labels, CLAT_COLS, lambda c: (
            [("native", " native")] +
            ([("tayclat", " TAYGA")] if c == "clat" else [])))
        L += ["Latency: ping over IPv4 through the CLAT against a ping6 from "
              "the same host to the server's synthesized IPv6 address (the "
              "same path without the CLAT), run interleaved; medians of the "
              "per-packet RTTs.  Dense: 20 pings 50 ms apart; sparse: 10 "
              "pings 200 ms apart, each one waking every thread on the way.", ""]
        L += latency_table(data, [c for c in clat if c != "native"], labels)
        L += ["What bound each row's 84 B rate (medians):", ""]
        L += [bound(data, c, labels.get(c, c), True) for c in clat] + [""]
    siit = [c for c in SIIT_ROWS if c in cases]
    if siit:
        L += ["## SIIT: a stateless translator in the router", "",
              "Raw IPv6 from the gen host through the xlat namespace to the "
              "IPv4 sink.  Median (min–max) over the repetitions.", ""]
        L += abs_table(data, siit, labels, XLAT_COLS)
        L += ["Ratios of the medians to TAYGA / to plain IPv6 forwarding.", ""]
        L += ratio_table(data, siit, labels, XLAT_COLS,
                         lambda c: [("tayga", ""), ("plain", "")])
        L += ["What bound each row's 84 B rate (medians):", ""]
        L += [bound(data, c, labels.get(c, c), False) for c in siit] + [""]
    nat = [c for c in NAT64_ROWS if c in cases]
    if nat:
        L += ["## NAT64: a stateful translator in the router", "",
              "Median (min–max); ratios to TAYGA + nftables masquerade / to "
              "plain IPv6 forwarding.", ""]
        L += abs_table(data, nat, labels, XLAT_COLS)
        L += ratio_table(data, nat, labels, XLAT_COLS,
                         lambda c: [("tayganat", ""), ("plain", "")])
        L += ["What bound each row's 84 B rate (medians):", ""]
        L += [bound(data, c, labels.get(c, c), False) for c in nat] + [""]
        L += nat64_tables(nat64_perf)
    return L


def plot_rows(data, cases, labels, cols):
    """Lines of a gnuplot data file: label, then median, min, max of each
    column."""
    out = ["# label then median min max of: " + " ".join(k for k, _, _ in cols)]
    for c in cases:
        vals = []
        for k, _, s in cols:
            v = samples(data, c, k, s)
            vals += ([statistics.median(v), min(v), max(v)] if v else [0, 0, 0])
        out.append(f"\"{labels.get(c, c)}\" " + " ".join(f"{v:.4f}" for v in vals))
    return "\n".join(out) + "\n"


PLOT_CLAT = [("door_pps_84", "", 1e-3), ("pps_84", "", 1e-3),
             ("pps_rev_84", "", 1e-3), ("tcp_fwd", "", 1), ("tcp_rev", "", 1),
             ("rtt_ms", "", 1), ("rtt6_ms", "", 1), ("rtt_sparse_ms", "", 1),
             ("rtt6_sparse_ms", "", 1)]
PLOT_XLAT = [("pps_84", "", 1e-3), ("pps_1518", "", 1e-3), ("cpu_us", "", 1),
             ("tcp_fwd", "", 1), ("tcp_rev", "", 1)]


def write_plot_data(data, cases, labels, prefix):
    """prefix-clat.dat and prefix-xlat.dat for bench/plot.gp."""
    clat = [c for c in CLAT_ROWS if c in cases]
    xlat = [c for c in SIIT_ROWS + NAT64_ROWS if c in cases]
    with open(prefix + "-clat.dat", "w") as f:
        f.write(plot_rows(data, clat, labels, PLOT_CLAT))
    with open(prefix + "-xlat.dat", "w") as f:
        f.write(plot_rows(data, xlat, labels, PLOT_XLAT))
