#!/usr/bin/python3
"""Figures and an HTML page for an `sre run` results file.

usage: scripts/report.py RESULTS.h5 -o DIR [--plan PLAN_STEPS.json]

Writes into DIR:
  shed_histogram.png   distribution of the shed fraction (/summary/histogram)
  exceedance.png       P(shed fraction > x), from the histogram counts, log scale
  convergence.png      running mean shed with its 95% CI band vs samples (/convergence)
  targets.png          top-20 targets by criticality with 95% CI error bars (/targets)
  defence_steps.png    objective after each greedy step (only with --plan: `sre defend --json` output)
  index.html           the figures and the key numbers
Needs python3, h5py and matplotlib (Agg backend: no display needed).
"""
import argparse
import html
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams.update({"font.size": 11, "axes.titlesize": 13, "axes.labelsize": 11, "figure.dpi": 100})


def scalar(f, path, default=float("nan")):
    try:
        v = f[path][()]
        return v.decode() if isinstance(v, bytes) else v
    except KeyError:
        return default


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def save(fig, out_dir, name):
    fig.tight_layout()
    path = os.path.join(out_dir, name)
    fig.savefig(path, format="png")
    plt.close(fig)
    return name


def fig_histogram(f, out_dir, total):
    edges = np.asarray(f["/summary/histogram/edges"][()], dtype=float)
    counts = np.asarray(f["/summary/histogram/counts"][()], dtype=float)
    n = counts.sum()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.bar(100 * edges[:-1], counts / max(n, 1), width=100 * np.diff(edges), align="edge", color="#3b75af", edgecolor="none")
    ax.set_yscale("log" if (counts > 0).sum() > 1 else "linear")
    ax.set_xlabel("load shed (%% of total demand, %.0f MW)" % total)
    ax.set_ylabel("share of samples")
    ax.set_title("Distribution of load shed (%d samples)" % n)
    return save(fig, out_dir, "shed_histogram.png")


def fig_exceedance(f, out_dir):
    edges = np.asarray(f["/summary/histogram/edges"][()], dtype=float)
    counts = np.asarray(f["/summary/histogram/counts"][()], dtype=float)
    n = max(counts.sum(), 1)
    # P(shed fraction >= left edge of bin b) = counts of bins b.. / n (resolution: one bin).
    tail = np.cumsum(counts[::-1])[::-1] / n
    fig, ax = plt.subplots(figsize=(7, 4.5))
    mask = tail > 0
    ax.step(100 * edges[:-1][mask], tail[mask], where="post", color="#c0392b")
    ax.set_yscale("log")
    ax.set_xlabel("load shed x (% of total demand)")
    ax.set_ylabel("P(shed >= x)")
    ax.set_title("Exceedance curve of load shed")
    ax.grid(True, which="both", alpha=0.3)
    return save(fig, out_dir, "exceedance.png")


def fig_convergence(f, out_dir):
    s = np.asarray(f["/convergence/samples"][()], dtype=float)
    m = np.asarray(f["/convergence/shed_mean"][()], dtype=float)
    h = np.asarray(f["/convergence/shed_ci95_halfwidth"][()], dtype=float)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if len(s):
        ok = np.isfinite(h)
        ax.fill_between(s[ok], (m - h)[ok], (m + h)[ok], color="#3b75af", alpha=0.25, label="95% CI")
        ax.plot(s, m, "o-", color="#3b75af", label="running mean")
        ax.set_xscale("log")
        ax.legend()
    ax.set_xlabel("samples")
    ax.set_ylabel("mean load shed (MW)")
    ax.set_title("Convergence of the mean shed")
    ax.grid(True, which="both", alpha=0.3)
    return save(fig, out_dir, "convergence.png")


def top_targets(f, count=20):
    names = [text(x) for x in f["/targets/name"][()]]
    crit = np.asarray(f["/targets/criticality"][()], dtype=float)
    lo = np.asarray(f["/targets/criticality_ci95_low"][()], dtype=float)
    hi = np.asarray(f["/targets/criticality_ci95_high"][()], dtype=float)
    idx = [i for i in np.argsort(-np.nan_to_num(crit, nan=-np.inf), kind="stable") if np.isfinite(crit[i])][:count]
    return [(names[i], crit[i], lo[i], hi[i]) for i in idx]


def fig_targets(rows, out_dir):
    fig, ax = plt.subplots(figsize=(7, max(3.5, 0.3 * len(rows) + 1.5)))
    if rows:
        y = np.arange(len(rows))[::-1]
        v = np.array([r[1] for r in rows])
        lo = np.array([r[2] for r in rows])
        hi = np.array([r[3] for r in rows])
        err = np.vstack([np.nan_to_num(v - lo), np.nan_to_num(hi - v)])
        ax.barh(y, v, xerr=err, color="#e67e22", ecolor="black", capsize=3)
        ax.set_yticks(y)
        ax.set_yticklabels([r[0] for r in rows])
    ax.set_xlabel("criticality: mean shed when destroyed minus when not (MW)")
    ax.set_ylabel("target")
    ax.set_title("Top %d targets by criticality (95%% CI)" % len(rows))
    ax.grid(True, axis="x", alpha=0.3)
    return save(fig, out_dir, "targets.png")


def fig_plan(plan, out_dir):
    steps = plan.get("steps", [])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    x = [0] + [s["step"] for s in steps]
    v = [steps[0]["before"]["value"]] + [s["after"]["value"] for s in steps] if steps else []
    lo = [steps[0]["before"]["ci95_low"]] + [s["after"]["ci95_low"] for s in steps] if steps else []
    hi = [steps[0]["before"]["ci95_high"]] + [s["after"]["ci95_high"] for s in steps] if steps else []
    if steps:
        lo = [a if a is not None else b for a, b in zip(lo, v)]
        hi = [a if a is not None else b for a, b in zip(hi, v)]
        ax.errorbar(x, v, yerr=[np.subtract(v, lo), np.subtract(hi, v)], fmt="o-", capsize=4, color="#27ae60")
        ax.set_xticks(x)
        ax.set_xticklabels(["none"] + ["+" + s["target"] for s in steps], rotation=30, ha="right")
    obj = plan.get("objective", "mean")
    unit = "probability" if obj.startswith("p_exceed") else "MW"
    ax.set_xlabel("greedy step (target added to the defence)")
    ax.set_ylabel("objective %s (%s)" % (obj, unit))
    ax.set_title("Defence plan: objective after each greedy step (95% CI)")
    ax.grid(True, alpha=0.3)
    return save(fig, out_dir, "defence_steps.png")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="results file of `sre run` (HDF5)")
    ap.add_argument("-o", "--out", required=True, help="output directory (created)")
    ap.add_argument("--plan", help="output of `sre defend --json` (greedy steps)")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    try:
        f = h5py.File(a.results, "r")
    except OSError as e:
        sys.exit("report.py: cannot read %s: %s" % (a.results, e))
    with f:
        total = float(f["/network"].attrs.get("total_demand_mw", float("nan"))) if "/network" in f else float("nan")
        samples = int(f["/summary"].attrs.get("samples", 0))
        dispatch = f["/dispatch"] if "/dispatch" in f else None
        used = text(dispatch.attrs.get("used", "?")) if dispatch is not None else text(f.attrs.get("dispatch", "?"))
        insecure = len(dispatch["insecure_branch_row"]) if dispatch is not None and "insecure_branch_row" in dispatch else 0
        key = [
            ("case", text(f.attrs.get("case_path", "?"))),
            ("response", "%s (rule %s)" % (text(f.attrs.get("response", "?")), text(f.attrs.get("rule", "?")))),
            ("protection tol", "%s (a branch trips above its limit x (1 + tol))" % text(f.attrs.get("tol", "?"))),
            ("base dispatch", used + (" (%d contingencies left insecure)" % insecure if used == "scopf" else "")
             + ("; note: " + text(dispatch.attrs.get("note", "")) if dispatch is not None and text(dispatch.attrs.get("note", "")) else "")),
            ("samples", "%d" % samples),
            ("total demand", "%.1f MW" % total),
            ("mean shed", "%.3f MW [95%% CI %.3f, %.3f]" % (scalar(f, "/summary/shed_mw/mean"), scalar(f, "/summary/shed_mw/ci95_low"),
                                                           scalar(f, "/summary/shed_mw/ci95_high"))),
            ("max shed", "%.3f MW" % scalar(f, "/summary/shed_mw/max")),
            ("CVaR 90% / 99%", "%.3f / %.3f MW" % (scalar(f, "/summary/shed_mw/cvar90"), scalar(f, "/summary/shed_mw/cvar99"))),
        ]
        figs = [("Load shed distribution", fig_histogram(f, a.out, total)),
                ("Exceedance curve", fig_exceedance(f, a.out)),
                ("Convergence", fig_convergence(f, a.out))]
        rows = top_targets(f)
        figs.append(("Most critical targets", fig_targets(rows, a.out)))
    plan = None
    if a.plan:
        with open(a.plan) as p:
            plan = json.load(p)
        figs.append(("Defence plan", fig_plan(plan, a.out)))

    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>sre report</title>",
         "<style>body{font-family:sans-serif;max-width:960px;margin:auto}td,th{padding:2px 10px;text-align:left}"
         "img{max-width:100%;border:1px solid #ddd}</style></head><body>",
         "<h1>Strike-resilience report</h1><p>%s</p><table>" % html.escape(a.results)]
    h += ["<tr><th>%s</th><td>%s</td></tr>" % (html.escape(k), html.escape(v)) for k, v in key]
    h.append("</table>")
    if rows:
        h.append("<h2>Top targets by criticality</h2><table><tr><th>target</th><th>criticality MW</th><th>95% CI</th></tr>")
        h += ["<tr><td>%s</td><td>%.3f</td><td>[%.3f, %.3f]</td></tr>" % (html.escape(n), v, lo, hi) for n, v, lo, hi in rows[:10]]
        h.append("</table>")
    if plan:
        h.append("<h2>Defence plan (%s, budget %s)</h2><table><tr><th>plan</th><th>objective</th><th>targets</th></tr>" %
                 (html.escape(str(plan.get("objective"))), plan.get("budget")))
        for v in plan.get("validation", []):
            h.append("<tr><td>%s</td><td>%.4f</td><td>%s</td></tr>" % (html.escape(v["plan"]), v["objective"]["value"],
                                                                      html.escape(", ".join(v["targets"]))))
        h.append("</table>")
    for title, name in figs:
        h.append("<h2>%s</h2><img src='%s' alt='%s'>" % (html.escape(title), name, html.escape(title)))
    h.append("</body></html>")
    with open(os.path.join(a.out, "index.html"), "w") as out:
        out.write("\n".join(h))
    print("report: %s" % os.path.join(a.out, "index.html"))


if __name__ == "__main__":
    main()
