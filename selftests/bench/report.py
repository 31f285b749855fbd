#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one `make bench` run folder into results.json, results.md and plots.

    report.py DIR

DIR holds machine.txt (key=value lines), raw-<kernel>.jsonl (the in-guest
bench's JSON lines) and scale.txt (sched_plugins/sim/bench.sh's table).
Every cell of the tables is "median [min-max]" over the repeats. Plots are
drawn with gnuplot (PNG and SVG) when it is installed.
"""
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

POLICIES = ["host", "fair", "rr", "bvt"]
# the latency scenario's columns: bvt runs without warp (a control) and with
LAT_COLUMNS = [("host", "host", None), ("fair", "fair", None), ("rr", "rr", None),
               ("bvt", "bvt", False), ("bvt warp", "bvt", True)]
OVERHEAD = ["absent", "idle", "fair", "rr", "bvt"]
CTXSW = [("absent", "module absent"), ("idle", "core loaded, no policy"),
         ("fair", "fair active, a VM on each CPU")]


def spread(values, fmt, scale=1.0):
    vals = [v * scale for v in values if v is not None]
    if not vals:
        return "-"
    med = statistics.median(vals)
    if len(vals) == 1:
        return fmt.format(med)
    return (fmt + " [" + fmt + "-" + fmt + "]").format(med, min(vals), max(vals))


def load(out):
    machine = {}
    path = os.path.join(out, "machine.txt")
    if os.path.exists(path):  # bench.sh writes it; a run on a KVM host may not have one
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                machine[k] = v
    rows = []
    for path in sorted(glob.glob(os.path.join(out, "raw-*.jsonl"))):
        with open(path) as f:
            for line in f:
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    pass  # a line cut by the console: skip it
    scale = os.path.join(out, "scale.txt")
    if os.path.exists(scale):
        rows += parse_scale(scale)
    return machine, rows


def parse_scale(path):
    """Rows of sched_plugins/sim/bench.sh: policy, counts per size, growth."""
    rows, sizes = [], []
    with open(path) as f:
        for line in f:
            cols = line.split()
            if cols and cols[0] == "policy":
                sizes = [int(c) for c in cols[1:] if c.isdigit()]
            elif cols and cols[0] in POLICIES and sizes:
                for n, c in zip(sizes, cols[1:1 + len(sizes)]):
                    rows.append({"bench": "scale", "kernel": "user space", "policy": cols[0],
                                 "rep": 0, "vcpus": n, "instructions": int(c)})
    return rows


def pick(rows, **kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items()) and "error" not in r]


def kernels(rows):
    return sorted({r["kernel"] for r in rows if r["bench"] != "scale"},
                  key=lambda k: [int(x) if x.isdigit() else x for x in re.split(r"[.+-]", k)])


def fmt_param(value, unit):
    """A parameter value as the CLI writes it: 10ms, 500us, 25%, 7."""
    if unit == "ns":
        for div, suffix in ((10**9, "s"), (10**6, "ms"), (10**3, "us")):
            if value >= div and value % div == 0:
                return f"{value // div}{suffix}"
        return f"{value}ns"
    return f"{value}{unit}"


def fmt_params(params, units):
    return " ".join(f"{k}={fmt_param(v, units.get(k, ''))}" for k, v in params.items()) \
        or "no global parameters"


def params_caption(rs):
    """The global parameters each policy ran with in rows @rs, for a caption."""
    seen = {}
    for r in rs:
        params, units = r.get("params"), r.get("param_units", {})
        if params is None or r["policy"] in ("host", "absent", "idle"):
            continue
        if r["bench"] == "swap":  # one object per policy of the cycle
            items = [(p, fmt_params(params[p], units.get(p, {}))) for p in params]
        else:
            items = [(r["policy"], fmt_params(params, units))]
        for policy, text in items:
            seen.setdefault(policy, [])
            if text not in seen[policy]:
                seen[policy].append(text)
    if not seen:
        return ""
    order = sorted(seen, key=lambda p: POLICIES.index(p) if p in POLICIES else len(POLICIES))
    return ". Parameters: " + "; ".join(f"{p} " + " or ".join(seen[p]) for p in order)


def table(head, body):
    if not body:
        return "(no measurements)"
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def md_share(rows, k):
    body = []
    for pc in (1, 2):
        for key, name in (("err", "progress"), ("run_err", "run time")):
            cells = [spread([r[key] for r in pick(rows, bench="share", kernel=k, policy=p,
                                                   pcpus=pc) if key in r], "{:.1f}", 100)
                     for p in POLICIES]
            body.append([f"{pc}", name] + cells)
    return ("Share accuracy: max relative error (%) of the shares of 3 spinning VMs weighted "
            "1:2:4: of the progress the guests made, and of the run time the core granted "
            "(policies only). host: cgroup v2 cpu.weight 100/200/400; rr has no weights, so "
            "its row shows how far equal shares are from 1:2:4" +
            params_caption(pick(rows, bench="share", kernel=k)) + "\n\n" +
            table(["pCPUs", "share of", "host", "fair", "rr", "bvt"], body))


def lat_rows(rows, k, n, policy, warp):
    """Latency rows of one column: bvt with warp (True), without (False)."""
    rs = pick(rows, bench="latency", kernel=k, policy=policy, spinners=n)
    if warp is None:
        return rs
    return [r for r in rs if (r.get("warp_ns", 0) > 0) == warp]


def per_s(key):
    """@key of a row per second of its window (None: not measured)."""
    return lambda r: (r[key] * 1e9 / r["duration_ns"]
                      if key in r and r.get("duration_ns", 0) > 0 else None)


def md_latency(rows, k):
    body = []
    for n in (1, 3, 7):
        for key, name, scale, fmt in (("p50_ns", "p50", 1e-6, "{:.2f}"),
                                      ("p99_ns", "p99", 1e-6, "{:.2f}"),
                                      ("max_ns", "max", 1e-6, "{:.2f}"),
                                      (per_s("wakeups"), "wake-ups/s", 1, "{:.0f}"),
                                      (per_s("missed_periods"), "missed periods/s", 1, "{:.0f}")):
            get = key if callable(key) else (lambda r, key=key: r.get(key))
            cells = [spread([get(r) for r in lat_rows(rows, k, n, p, w)], fmt, scale)
                     for _, p, w in LAT_COLUMNS]
            body.append([f"{n}", name] + cells)
    rs = pick(rows, bench="latency", kernel=k)
    warp = next((r["warp_ns"] for r in rs if r.get("warp_ns", 0) > 0), 0)
    period = next((r["period_ns"] for r in rs if r.get("period_ns")), 0)
    return ("Wake-to-run latency (ms) of a VM woken 1,000 times a second among N spinning "
            "VMs on 1 pCPU, measured in the guest; bvt without warp, and bvt warp: "
            f"warp {fmt_param(warp, 'ns')} for the latency VM. Percentiles are over the "
            f"periods the VM should have been woken in ({fmt_param(period, 'ns')} each): "
            "a wake-up later than the next deadline skips periods, and every missed "
            "period counts as a sample at least one period long (selftests/bench/lat.h). "
            "wake-ups/s: those that happened; missed periods/s: those that did not" +
            params_caption(rs) + "\n\n" +
            table(["N", ""] + [c for c, _, _ in LAT_COLUMNS], body))


def md_swap(rows, k):
    body = []
    for n in (8, 64, 256):
        rs = pick(rows, bench="swap", kernel=k, vcpus=n)
        if not rs:
            continue
        body.append([f"{n}", f"{rs[0]['swaps']}",
                     spread([r.get("live_p50_ns") for r in rs], "{:.0f}", 1e-3),
                     spread([r.get("live_max_ns") for r in rs], "{:.0f}", 1e-3),
                     spread([r["swap_p50_ns"] for r in rs], "{:.2f}", 1e-6),
                     spread([r["swap_max_ns"] for r in rs], "{:.2f}", 1e-6),
                     spread([r["stall_max_ms"] for r in rs], "{:.0f}"),
                     spread([r["baseline_stall_max_ms"] for r in rs], "{:.0f}"),
                     f"{sum(r['watchdog_events'] for r in rs)}"])
    iv = rows and next((r["interval_ms"] for r in rows if r["bench"] == "swap"), 0)
    return ("Live swaps fair -> rr -> bvt -> fair ... back to back among spinning vCPUs "
            "(8 per VM): time until the new policy is live, as the core measured it (us, "
            "from the request taking the core's lock to the new instance being published); "
            "time of the whole swap ioctl (ms, adds the RCU grace period and the old "
            "instance's teardown); and the longest time a vCPU made no "
            f"progress (ms, in {iv} ms samples) during the swaps and during as long a time "
            "without swaps" + params_caption(pick(rows, bench="swap", kernel=k)) + "\n\n" +
            table(["vCPUs", "swaps", "live p50 (us)", "live max (us)", "ioctl p50 (ms)",
                   "ioctl max (ms)", "longest stall", "stall without swaps", "watchdog"],
                  body))


def md_overhead(rows, k):
    body = []
    for c in OVERHEAD:
        rs = pick(rows, bench="overhead", kernel=k, policy=c)
        if not rs:
            continue
        body.append([c, spread([r["exits_per_s"] for r in rs], "{:.0f}"),
                     spread([r["ratio"] for r in rs], "{:.3f}")])
    return ("Overhead: exit-heavy guest loop (one vCPU, an I/O port exit per iteration), "
            "module absent, loaded with no policy, each policy active" +
            params_caption(pick(rows, bench="overhead", kernel=k)) + "\n\n" +
            table(["config", "exits/s", "ratio to absent"], body))


def md_ctxsw(rows, k):
    body = []
    for place, name in (("same-cpu", "1 (CPU 0)"), ("cross-cpu", "2 (CPUs 0, 1)")):
        for c, label in CTXSW:
            rs = pick(rows, bench="ctxsw", kernel=k, policy=c, placement=place)
            if not rs:
                continue
            body.append([name, label, spread([r["round_trips_per_s"] for r in rs], "{:.0f}"),
                         spread([r["switches_per_round_trip"] for r in rs], "{:.2f}"),
                         spread([r["relative_cost"] for r in rs], "{:.2f}"),
                         spread([r["ratio"] for r in rs], "{:.3f}"),
                         spread([r["ratio_normalized"] for r in rs], "{:.3f}")])
    ms = next((r["duration_ns"] for r in rows if r["bench"] == "ctxsw" and "error" not in r), 0)
    return ("Context switches of processes that are no VM: two processes ping-pong one byte "
            f"over a pair of pipes for {ms / 1e9:.0f} s, on one CPU and across two, with the "
            "three states in turn in every repeat. fair: a 1-vCPU VM the core knows ran on "
            "each CPU (every CPU's pointer is set), stopped while the ping-pong runs. Switches: "
            "context switches of both processes per round trip. Cost: a round trip in round "
            "trips of the timing process through its own pipe (same system calls, no switch), "
            "16 of each in turn, median over these pairs. Ratio: round trips/s over the "
            "module-absent run's in the same repeat; normalized: the same from the cost, which "
            "cancels the emulator's changes of speed (below 1: slower than absent). Under "
            "emulation read the normalized ratio and its spread only" +
            params_caption(pick(rows, bench="ctxsw", kernel=k)) + "\n\n" +
            table(["CPUs", "state", "round trips/s", "switches", "cost", "ratio to absent",
                   "normalized ratio"], body))


def md_scale(rows):
    rs = pick(rows, bench="scale")
    if not rs:
        return ""
    sizes = sorted({r["vcpus"] for r in rs})
    body = []
    for p in ("rr", "fair", "bvt"):
        got = {r["vcpus"]: r["instructions"] for r in rs if r["policy"] == p}
        if not got:
            continue
        grow = got[sizes[-1]] / got[sizes[0]] if got.get(sizes[0]) else 0
        body.append([p] + [str(got.get(n, "-")) for n in sizes] + [f"{grow:.2f}x"])
    return ("Scale (user space, sched_plugins/sim): instructions per scheduling decision "
            "(charge + enqueue + pick), callgrind, by number of vCPUs\n\n" +
            table(["policy"] + [str(n) for n in sizes] + [f"{sizes[-1]}/{sizes[0]}"], body))


# ---- plots ---------------------------------------------------------------

def gnuplot(out, name, script):
    if not shutil.which("gnuplot"):
        return []
    made = []
    for term, ext in (("pngcairo size 1200,450 font ',10'", "png"),
                      ("svg size 1200,450 dynamic font 'sans,10'", "svg")):
        path = os.path.join(out, f"{name}.{ext}")
        full = f"set terminal {term}\nset output '{path}'\n{script}\nunset output\n"
        res = subprocess.run(["gnuplot"], input=full, text=True, capture_output=True)
        if res.returncode:
            # pngcairo may be missing: fall back to the plain png terminal
            if ext == "png":
                full = full.replace(term, "png size 1200,450")
                res = subprocess.run(["gnuplot"], input=full, text=True, capture_output=True)
            if res.returncode:
                print(f"report: gnuplot {name}.{ext}: {res.stderr.strip()}", file=sys.stderr)
                continue
        made.append(os.path.basename(path))
    return made


def short(k):
    return k.split("-")[0].replace("+deb12", "")


def plot_latency(out, rows, k):
    """CDF of the wake-to-run latency per policy, one panel per N."""
    panels = []
    for n in (1, 3, 7):
        curves = []
        for title, p, warp in LAT_COLUMNS:
            hist = {}
            for r in lat_rows(rows, k, n, p, warp):
                for lo, c in r.get("lat_hist", []):
                    hist[lo] = hist.get(lo, 0) + c
            if not hist:
                continue
            total, seen = sum(hist.values()), 0
            dat = os.path.join(out, f"latency-{short(k)}-n{n}-{title.replace(' ', '-')}.dat")
            with open(dat, "w") as f:
                # below 10 us is "on time" here: the axis starts there
                f.write(f"{max(min(hist), 10000) / 1e6:.6f} 0\n")
                for lo in sorted(hist):
                    seen += hist[lo]
                    f.write(f"{max(lo, 10000) / 1e6:.6f} {seen / total:.6f}\n")
            curves.append(f"'{dat}' using 1:2 with steps lw 2 title '{title}'")
        if curves:
            panels.append(f"set title 'N = {n} spinning VMs'\nplot " + ", ".join(curves))
    if not panels:
        return []
    script = ("set multiplot layout 1,%d title 'wake-to-run latency CDF of the wake-ups that "
              "happened (missed periods: see the table), kernel %s'\n"
              "set logscale x\nset xrange [0.01:*]\nset xlabel 'latency (ms)'\nset ylabel 'fraction of wake-ups'\n"
              "set yrange [0:1.02]\nset key bottom right\nset grid\n" % (len(panels), k) +
              "\n".join(panels) + "\nunset multiplot")
    return gnuplot(out, f"latency-{short(k)}", script)


def plot_share(out, rows, k):
    """Max relative share error per policy, median with min-max bars, 1 and 2 pCPUs."""
    dat = os.path.join(out, f"share-{short(k)}.dat")
    have = False
    with open(dat, "w") as f:
        for p in POLICIES:
            cols = [p]
            for pc in (1, 2):
                v = [100 * r["err"] for r in pick(rows, bench="share", kernel=k, policy=p,
                                                  pcpus=pc)]
                have |= bool(v)
                # the log axis starts at 0.1%
                cols += ([f"{max(x, 0.1):.3f}" for x in (statistics.median(v), min(v), max(v))]
                         if v else ["0.1", "0.1", "0.1"])
            f.write(" ".join(cols) + "\n")
    if not have:
        return []
    script = (f"set title 'share accuracy, 3 VMs weighted 1:2:4, kernel {k}'\n"
              "set style data histogram\nset style histogram errorbars gap 1 lw 1\n"
              "set style fill solid 0.6 border -1\n"
              "set ylabel 'max relative share error (%, log scale)'\n"
              "set logscale y\nset yrange [0.1:*]\nset grid ytics\nset key top left\n"
              f"plot '{dat}' using 2:3:4:xtic(1) title '1 pCPU', '' using 5:6:7 title '2 pCPUs'")
    return gnuplot(out, f"share-{short(k)}", script)


def main():
    out = sys.argv[1]
    machine, rows = load(out)
    ks = kernels(rows)
    plots = []
    md = ["# vmsched bench results", "",
          f"commit {machine.get('commit')}, {machine.get('date')}; "
          f"machine: {machine.get('cpu')}, {machine.get('nproc')} CPUs, "
          f"{machine.get('qemu')}; test VM: {machine.get('testvm')}"
          + ("; QUICK run (short durations)" if machine.get("quick") not in ("", "0") else ""),
          "", "Cells: median [min-max] over the repeats.", ""]
    if machine.get("failed"):
        md += [f"Incomplete: the run failed for {machine['failed']} (the test VM did not finish; "
               "see the console logs); the tables hold what was measured before.", ""]
    for k in ks:
        md += [f"## Kernel {k}", ""]
        # a scenario this run did not include has no rows, not even errors
        ran = {r["bench"] for r in rows if r.get("kernel") == k}
        for bench, part in (("share", md_share), ("latency", md_latency), ("swap", md_swap),
                            ("overhead", md_overhead), ("ctxsw", md_ctxsw)):
            if bench in ran:
                md += [part(rows, k), ""]
        errs = [r for r in rows if r.get("kernel") == k and "error" in r]
        if errs:
            md += ["Measurements that failed:", ""]
            md += [f"- {r['bench']}/{r['policy']} rep {r['rep']}: {r['error']}" for r in errs]
            md.append("")
        plots += plot_latency(out, rows, k) + plot_share(out, rows, k)
    scale = md_scale(rows)
    if scale:
        md += ["## User space", "", scale, ""]
    if plots:
        md += ["Plots: " + ", ".join(p for p in plots if p.endswith(".png")), ""]
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"machine": machine, "kernels": ks, "plots": plots, "results": rows}, f,
                  indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
