#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn bench/run.sh raw samples (rep, case, metric, value) into the
Markdown report and the gnuplot data file.  Medians over repetitions;
ratios are taken between medians."""
import argparse
import json
import statistics

import report_tables as tables
from collections import defaultdict


def fnum(v, nd=2):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.{nd}f}"


def load(path):
    data = defaultdict(lambda: defaultdict(list))
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            _, case, metric, value = parts
            try:
                data[case][metric].append(float(value))
            except ValueError:
                pass
    return data


def med(data, case, metric):
    v = data[case].get(metric)
    return statistics.median(v) if v else None


def spread(data, case, metric, scale=1.0):
    v = data[case].get(metric)
    if not v:
        return "—"
    return f"{fnum(min(v) * scale)}–{fnum(max(v) * scale)} (n={len(v)})"


# (key, header, scale, lower is better)
COLUMNS = [
    ("pps_84", "84 B kpps", 1e-3, False),
    ("pps_1518", "1518 B kpps", 1e-3, False),
    ("gbit_1518", "1518 B Gbit/s", 1.0, False),
    ("pps_rev_84", "84 B kpps, sink→gen", 1e-3, False),
    ("cpu_us", "xlat ns CPU µs/pkt", 1.0, True),
    ("proc_us", "translator CPU µs/pkt", 1.0, True),
    ("ovl_proc_us_84", "translator µs/pkt, overload", 1.0, True),
    ("tcp_fwd", "TCP 6→ Gbit/s", 1.0, False),
    ("tcp_rev", "TCP →6 Gbit/s", 1.0, False),
    ("rtt_ms", "RTT ms", 1.0, True),
]


def derive(data, case):
    """Median of each displayed column for one case."""
    row = {}
    for key, _, scale, _ in COLUMNS:
        if key == "gbit_1518":
            p = med(data, case, "pps_1518")
            row[key] = p * 1518 * 8 / 1e9 if p is not None else None
        else:
            v = med(data, case, key)
            row[key] = v * scale if v is not None else None
    return row


def warnings(data, case, label):
    out = []
    d = data[case]
    if d.get("start_failed"):
        out.append(f"{label}: the translator failed to start in "
                   f"{len(d['start_failed'])} repetition(s).")
    for fr in ("84", "1518", "rev_84"):
        sent = med(data, case, f"sent_pps_{fr}")
        got = med(data, case, f"pps_{fr}")
        if sent and got and got >= 0.97 * sent:
            out.append(f"{label}: {fr} B frames: delivered {fnum(got / 1e3)} "
                       f"of {fnum(sent / 1e3)} kpps offered, so the "
                       "generator, not the path, was the limit (a lower bound).")
        if sum(d.get(f"sink_drops_{fr}", [])) > 0:
            out.append(f"{label}: {fr} B: the sink socket dropped packets "
                       "(UDP RcvbufErrors): the figure understates the path.")
        if sum(d.get(f"csum_errors_{fr}", [])) > 0:
            out.append(f"{label}: {fr} B: the sink saw "
                       f"{sum(d[f'csum_errors_{fr}']):.0f} UDP checksum "
                       "error(s) (tayclat: see docs/bench.md).")
    # Others' share of CPU 1 during the rate tests and the fixed rate.
    foreign = [v for k in ("foreign_cpu1_84", "foreign_cpu1_1518",
                           "foreign_cpu1_rev_84", "foreign_cpu1")
               for v in d.get(k, [])]
    if foreign and statistics.median(foreign) > 0.10:
        out.append(f"{label}: other processes used {100 * statistics.median(foreign):.0f} % "
                   f"of CPU 1 (median; up to {100 * max(foreign):.0f} %) during "
                   "the rate and CPU tests: the machine was not quiet, the "
                   "rates understate the path.")
    others = d.get("other_benches", [])
    if others and max(others) > 0:
        out.append(f"{label}: another bench run was running on this machine "
                   f"during {sum(1 for v in others if v > 0)} of {len(others)} "
                   "repetition(s): figures are not comparable with a quiet run.")
    sent = d.get("fixed_sent", [])
    got = d.get("fixed_got", [])
    if sent and got and sum(sent) > 0 and sum(got) < 0.99 * sum(sent):
        out.append(f"{label}: lost {100 * (1 - sum(got) / sum(sent)):.1f} % at "
                   "the fixed rate: it is not below saturation, so the CPU "
                   "figure is per delivered packet under overload.")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True, help="path prefix, no suffix")
    ap.add_argument("--cases", required=True)
    ap.add_argument("--labels", nargs="*", default=[])
    ap.add_argument("--meta", action="append", default=[])
    ap.add_argument("--nat64-perf", help="JSON of bench/tools/nat64_perf")
    a = ap.parse_args()

    data = load(a.raw)
    cases = a.cases.split()
    labels = dict(x.split("=", 1) for x in a.labels)
    meta = dict(x.split("=", 1) for x in a.meta)
    rows = {c: derive(data, c) for c in cases}

    L = []
    L.append(f"# xlat464 benchmark, {meta.get('date', '')}")
    L.append("")
    L.append(f"- kernel: `{meta.get('kernel', '?')}`")
    L.append(f"- CPU: {meta.get('cpu', '?')}")
    L.append(f"- commit: `{meta.get('commit', '?')}`, TAYGA {meta.get('tayga', '?')}")
    L.append(f"- command: `{meta.get('command', '?')}`")
    L.append(f"- parameters: {meta.get('params', '?')}; run took {meta.get('elapsed', '?')}")
    L.append("- medians over the repetitions; method and traps: docs/bench.md")
    L.append("")
    perf = None
    if a.nat64_perf:
        try:
            with open(a.nat64_perf) as f:
                perf = json.load(f)
        except (OSError, ValueError):
            perf = None
    L.extend(tables.render(data, cases, labels, perf))
    L.append("## All rows: medians")
    L.append("")
    L.append("| case | " + " | ".join(h for _, h, _, _ in COLUMNS) + " |")
    L.append("|---" * (len(COLUMNS) + 1) + "|")
    for c in cases:
        r = rows[c]
        L.append(f"| {labels.get(c, c)} | " +
                 " | ".join(fnum(r[k]) for k, _, _, _ in COLUMNS) + " |")
    L.append("")
    L.append("## Spread (min–max over repetitions)")
    L.append("")
    spread_cols = [("pps_84", "84 B kpps", 1e-3), ("pps_1518", "1518 B kpps", 1e-3),
                   ("pps_rev_84", "84 B kpps, sink→gen", 1e-3),
                   ("cpu_us", "xlat ns CPU µs/pkt", 1), ("proc_us", "translator CPU µs/pkt", 1),
                   ("napi_us", "xlat NAPI µs/pkt", 1),
                   ("ovl_proc_us_84", "translator µs/pkt, overload", 1),
                   ("tcp_fwd", "TCP 6→", 1),
                   ("tcp_rev", "TCP →6", 1), ("rtt_ms", "RTT ms", 1)]
    L.append("| case | " + " | ".join(h for _, h, _ in spread_cols) + " |")
    L.append("|---" * (len(spread_cols) + 1) + "|")
    for c in cases:
        L.append(f"| {labels.get(c, c)} | " +
                 " | ".join(spread(data, c, k, s) for k, _, s in spread_cols) + " |")
    L.append("")
    mem = [c for c in cases if data[c].get("rss_kb_idle")]
    if mem:
        L.append("## Translator memory (VmRSS, kB)")
        L.append("")
        L.append("| case | after start (idle) | after the load of one repetition | spread after load |")
        L.append("|---|---|---|---|")
        for c in mem:
            L.append(f"| {labels.get(c, c)} | {fnum(med(data, c, 'rss_kb_idle'))} | "
                     f"{fnum(med(data, c, 'rss_kb_after'))} | "
                     f"{spread(data, c, 'rss_kb_after')} |")
        L.append("")
    L.append("Columns: *kpps* = packets the sink received / sender duration, "
             "sender at full speed (overload); *sink→gen* = the same "
             "from the sink namespace towards gen (rows that have a "
             "reverse target: plain forwarding and the CLAT rows, whose "
             "CLAT then translates 6→4 into its host); *1518 B Gbit/s* = that rate × "
             "1518 × 8; *translator CPU µs/pkt* = at the fixed rate, CPU time "
             "of the translator process (all threads, schedstat) per "
             "delivered packet, which includes the kernel's forwarding of "
             "what it writes to its TUN; *xlat ns CPU µs/pkt* = the same "
             "plus the two NAPI kthreads of the xlat namespace (the "
             "kernel's IPv6 receive and TUN enqueue, alike for every TUN "
             "translator; for plain forwarding the NAPI threads alone); "
             "*translator µs/pkt, overload* = the process during the 84 B "
             "overload test, when the translator is never idle (its "
             "saturated cost, least disturbed by other load); "
             "*TCP* = iperf3, gen→sink (6→) and sink→gen "
             "(→6, `-R`); *RTT* = median of `ping -c 20 -i 0.05`.")
    warns = [w for c in cases for w in warnings(data, c, labels.get(c, c))]
    if warns:
        L.append("")
        L.append("## Warnings")
        L.append("")
        L.extend(f"- {w}" for w in warns)
    L.append("")
    with open(a.out + ".md", "w") as f:
        f.write("\n".join(L))

    tables.write_plot_data(data, cases, labels, a.out)

if __name__ == "__main__":
    main()
