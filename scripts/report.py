#!/usr/bin/python3
"""A report of an `sre run` results file: figures and an HTML page for decision makers.
A file of `sre campaign` (root attribute format sre-campaign) gets a campaign report instead (below).

usage: scripts/report.py RESULTS.h5 -o DIR [--plan PLAN_STEPS.json]

Writes into DIR (created only once the inputs have been read and checked):
  index.html           settings of the study, definitions, tables and the figures below
  shed_histogram.png   distribution of the load shed, MW and % of demand (fine /tally bins)
  exceedance.png       P(shed > x) against x, MW and % of demand (fine /tally bins), log scale
  convergence.png      running mean shed with its 95% CI band (clipped at 0) vs samples (/convergence)
  targets.png          top-20 targets by criticality with 95% CI error bars (/targets)
  network.png          buses coloured by their target's criticality, branches by trip probability,
                       laid out by Graphviz sfdp (omitted, with a note in index.html, without sfdp)
  defence_steps.png    objective after each greedy step (only with --plan: `sre defend --json` output)
For a campaign file (docs/results-format.md, "Campaign results"; --plan does not apply):
  index.html           assumptions and campaign parameters, the table of campaign figures, the ranked
                       districts (buses) and targets, and the figures below
  served_fraction.png  served share of the system's demand over the winter: mean, 5-95 % band, waves
  ens_distribution.png energy not served per campaign: histogram (/campaign/samples) or quantile summary
  network.png          buses coloured by mean hours without power (Graphviz sfdp; omitted without it)
Every file is written to a temporary name in DIR and renamed into place; a name in DIR that
exists and is not a regular file is refused.

Needs h5py, matplotlib and numpy (Agg backend: no display needed); an interpreter without
them hands over to Debian's /usr/bin/python3. Graphviz (sfdp) draws the network.
"""
import argparse
import html
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

DEBIAN_PYTHON = "/usr/bin/python3"  # scripts/install-deps.sh installs the modules for this one


def use_debian_python(module):
    """The running interpreter lacks `module`: re-run under Debian's python3, or exit saying what to install."""
    if os.path.exists(DEBIAN_PYTHON) and os.path.realpath(sys.executable or "") != os.path.realpath(DEBIAN_PYTHON):
        print("report.py: %s has no module %s; re-running under %s" % (sys.executable, module, DEBIAN_PYTHON),
              file=sys.stderr, flush=True)
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit("report.py: Python module %s is missing for %s; scripts/install-deps.sh installs it"
             % (module, sys.executable))


try:
    import h5py
    import matplotlib
    import numpy as np
except ImportError as e:
    use_debian_python(e.name)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import ListedColormap, Normalize  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

plt.rcParams.update({"font.size": 11, "axes.titlesize": 13, "axes.labelsize": 11, "figure.dpi": 100})

FEW_SAMPLES = 30          # a target destroyed in fewer samples has a criticality too noisy to rank on
TOP_TARGETS = 20
TOP_BRANCHES = 15
SHED_SCALE = 2.0 ** 24    # /tally stores shed as round(MW x 2^24)
SFDP_TIMEOUT_S = 300
BUS_CMAP = ListedColormap(plt.get_cmap("YlOrRd")(np.linspace(0.15, 1, 256)))  # its pale start is lost on white
UMASK = os.umask(0)       # the process umask (only os.umask reads it), put back at once,
os.umask(UMASK)           # for the mode of the files written through mkstemp


class InputError(Exception):
    """A bad input or output path: reported in one line, before anything is written."""


# ----------------------------------------------------------------------------- reading

def read_results(path):
    """Everything the report needs, read into memory and checked; the file is closed on return."""
    if not os.path.exists(path):
        raise InputError("%s: no such file" % path)
    if not os.path.isfile(path):
        raise InputError("%s is not a regular file" % path)
    try:
        if not h5py.is_hdf5(path):
            raise InputError("%s is not an HDF5 file (expected the output of `sre run --out`)" % path)
        with h5py.File(path, "r") as f:
            kind = text(f.attrs.get("format", ""))
            if kind not in ("sre-results", "sre-campaign"):
                raise InputError("%s is not an sre results file (root attribute format is not sre-results "
                                 "or sre-campaign)" % path)
            if int(f.attrs.get("format_version", 0)) > 1:
                raise InputError("%s was written by a newer sre; format_version %d is not known"
                                 % (path, int(f.attrs["format_version"])))
            return campaign_from(f, path) if kind == "sre-campaign" else study_from(f, path)
    except OSError as e:
        raise InputError("cannot read %s: %s" % (path, e))


def study_from(f, path):
    def get(name):
        if name not in f:
            raise InputError("%s is not a complete sre results file: %s is missing" % (path, name))
        v = f[name][()]
        return v.decode() if isinstance(v, bytes) else v

    def strings(name):
        return [text(x) for x in get(name)]

    def wide(name):  # 128-bit tally sums, as float (enough for plotting)
        return np.asarray(get(name + "_hi"), dtype=float) * 2.0 ** 64 + np.asarray(get(name + "_lo"), dtype=float)

    for group in ("/network", "/summary"):  # their attributes are read directly below
        if group not in f:
            raise InputError("%s is not a complete sre results file: %s is missing" % (path, group))
    s = {"path": path, "attrs": {k: f.attrs[k] for k in f.attrs}, "config": get("/config")}
    s["ini"] = parse_ini(s["config"])
    s["total_mw"] = float(f["/network"].attrs.get("total_demand_mw", np.nan))
    s["base_shed_mw"] = float(f["/network"].attrs.get("base_shed_mw", 0.0))
    if "/dispatch" in f:  # optional: older files lack it
        d = f["/dispatch"]
        s["dispatch"] = {"asked": text(d.attrs.get("asked", "?")), "used": text(d.attrs.get("used", "?")),
                         "note": text(d.attrs.get("note", "")), "insecure": len(get("/dispatch/insecure_branch_row"))}
    else:
        s["dispatch"] = {"asked": text(s["attrs"].get("dispatch", "?")), "used": None, "note": "", "insecure": None}
    s["n"] = int(f["/summary"].attrs.get("samples", 0))
    s["mw"] = {k: get("/summary/shed_mw/" + k) for k in
               ("mean", "std", "ci95_low", "ci95_high", "max", "cvar90", "cvar99", "quantile_levels", "quantiles")}
    s["exceed_levels"] = get("/summary/shed_fraction/exceedance_levels")
    s["exceed_prob"] = get("/summary/shed_fraction/exceedance_probability")
    s["means"] = {k: get("/summary/means/" + k) for k in ("islands", "dead_islands", "destroyed", "intercepted",
                                                           "overloaded_first", "tripped", "cap_hit_probability")}
    # Fine log-spaced bins (src/stats/tally.cpp): bin 0 no shed, bin b >= 2 spans a factor 1.001.
    count = np.asarray(get("/tally/bin_count"), dtype=np.int64)
    used = count > 0
    s["bins"] = {"count": count[used].astype(float),
                 "min": np.asarray(get("/tally/bin_min"))[used] / SHED_SCALE,
                 "max": np.asarray(get("/tally/bin_max"))[used] / SHED_SCALE,
                 "mean": wide("/tally/bin_sum")[used] / SHED_SCALE / np.maximum(count[used], 1)}
    s["conv"] = {k: np.asarray(get("/convergence/" + k), dtype=float)
                 for k in ("samples", "shed_mean", "shed_ci95_halfwidth")}
    s["targets"] = {"name": strings("/targets/name"), "destroyed": np.asarray(get("/targets/destroyed")),
                    "crit": np.asarray(get("/targets/criticality"), dtype=float),
                    "lo": np.asarray(get("/targets/criticality_ci95_low"), dtype=float),
                    "hi": np.asarray(get("/targets/criticality_ci95_high"), dtype=float),
                    "shed_destroyed": np.asarray(get("/targets/shed_mean_when_destroyed"), dtype=float)}
    n_targets = len(s["targets"]["name"])
    if "/targets/class" in f:  # element targets (branches, units); older files hold substations only
        off = np.asarray(get("/targets/element_offset"))
        el = strings("/targets/element")
        s["targets"]["class"] = strings("/targets/class")
        s["targets"]["elements"] = [el[off[i]:off[i + 1]] for i in range(n_targets)]
    else:
        s["targets"]["class"] = ["bus"] * n_targets
        s["targets"]["elements"] = None
    s["net"] = {k: np.asarray(get("/network/" + k)) for k in ("bus_id", "branch_from_bus_id", "branch_to_bus_id",
                                                             "branch_limit_mw", "target_bus_offset", "target_bus_id")}
    s["net"]["gen_bus_id"] = np.asarray(f["/network/gen_bus_id"][()]) if "/network/gen_bus_id" in f else None
    s["branches"] = {k: np.asarray(get("/branches/" + k))
                     for k in ("index", "trip_probability", "overload_probability")}
    s["runtime"] = {k: get("/runtime/" + k) for k in ("sampling_seconds", "samples_per_second", "threads")}
    if len(s["targets"]["name"]) != len(s["net"]["target_bus_offset"]) - 1:
        raise InputError("%s is inconsistent: /targets and /network/target_bus_offset differ in length" % path)
    return s


def read_plan(path):
    """The output of `sre defend --json`, checked for the keys the report uses."""
    try:
        with open(path) as p:
            plan = json.load(p)
    except OSError as e:
        raise InputError("cannot read %s: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise InputError("%s is not JSON (expected the output of `sre defend --json`): %s" % (path, e))
    def has(obj, keys):
        return isinstance(obj, dict) and all(k in obj for k in keys)

    if not (has(plan, ("steps", "validation"))
            and isinstance(plan["steps"], list) and isinstance(plan["validation"], list)
            and all(has(st, ("step", "target", "before", "after", "gain")) for st in plan["steps"])
            and all(has(v, ("plan", "targets", "objective")) for v in plan["validation"])):
        raise InputError("%s is not the output of `sre defend --json` (its steps or validation are missing)" % path)
    return plan


def parse_ini(ini):
    """The `name = value` lines of /config (the study's resolved options)."""
    out = {}
    for line in ini.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")) and "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


# ----------------------------------------------------------------------------- formatting

def fmt_mw(x):
    x = float("nan") if x is None else float(x)  # None: a JSON null
    return "n/a" if not np.isfinite(x) else ("%.1f" % x if abs(x) >= 10 else "%.3g" % x)


def fmt_pct(frac):
    frac = float(frac)
    return "n/a" if not np.isfinite(frac) else "%.3g %%" % (100 * frac)


def fmt_num(x):
    """A number from the config or a JSON: %g, so that 0.050000000000000003 reads 0.05."""
    try:
        return "%g" % float(x)
    except (TypeError, ValueError):
        return str(x)


def fmt_prob(p, n):
    p = float(p)
    if not np.isfinite(p):
        return "n/a"
    if p == 0:
        return "0 (in none of %d samples)" % n
    return "%.3g" % p if p > 0.5 else "%.3g (about 1 in %s)" % (p, "{:,}".format(int(round(1 / p))))


def table(header, rows, raw=()):
    """An HTML table; cells are escaped except the columns listed in `raw` (already HTML)."""
    h = ["<table><tr>" + "".join("<th>%s</th>" % html.escape(c) for c in header) + "</tr>"]
    for r in rows:
        h.append("<tr>" + "".join("<td>%s</td>" % (c if i in raw else html.escape(str(c))) for i, c in enumerate(r))
                 + "</tr>")
    h.append("</table>")
    return "\n".join(h)


# ----------------------------------------------------------------------------- output files

def file_kind(mode):
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISLNK, "a symbolic link"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def check_output(out_dir, names):
    """Before writing anything: refuse an output that is not a directory, or a name in it that is not a regular file."""
    if os.path.lexists(out_dir) and not os.path.isdir(out_dir):
        raise InputError("output %s exists and is not a directory" % out_dir)
    for name in names:
        check_target(os.path.join(out_dir, name))


def check_target(path):
    if os.path.lexists(path):
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            raise InputError("refusing to write %s: it exists and is %s, not a regular file" % (path, file_kind(mode)))


def write_atomic(out_dir, name, write):
    """Write through write(binary file) to a temporary name in out_dir, then rename it into place."""
    path = os.path.join(out_dir, name)
    check_target(path)  # again: the directory may have changed since check_output
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix="." + name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o666 & ~UMASK)  # mkstemp makes 0600; give the usual mode
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
    return name


def save(fig, out_dir, name, dpi=100):
    fig.tight_layout()
    write_atomic(out_dir, name, lambda fh: fig.savefig(fh, format="png", dpi=dpi))
    plt.close(fig)
    return name


def pct_axis(ax, total, which):
    """A secondary axis in % of demand next to an MW axis."""
    if not (np.isfinite(total) and total > 0):
        return
    to_pct, to_mw = (lambda mw: 100 * mw / total), (lambda p: p * total / 100)
    if which == "x":
        ax.secondary_xaxis("top", functions=(to_pct, to_mw)).set_xlabel("%% of total demand (%.0f MW)" % total)
    else:
        ax.secondary_yaxis("right", functions=(to_pct, to_mw)).set_ylabel("% of total demand")


# ----------------------------------------------------------------------------- figures

def fig_histogram(s, out_dir):
    b, n, total = s["bins"], max(s["n"], 1), s["total_mw"]
    shed = b["max"] > 0
    zero_share = b["count"][~shed].sum() / n
    fig, ax = plt.subplots(figsize=(8, 4.8))
    if shed.any():
        # Each fine bin is 0.1 % wide: placing its count at its mean loses nothing visible.
        edges = np.linspace(0, b["max"][shed].max(), 121)
        counts, _ = np.histogram(b["mean"][shed], bins=edges, weights=b["count"][shed])
        ax.bar(edges[:-1], counts / n, width=np.diff(edges), align="edge", color="#3b75af", edgecolor="none")
        ax.set_yscale("log")
        for x, label, style in ((s["mw"]["mean"], "mean", "--"), (quantile(s, 0.99), "99% quantile", ":")):
            if np.isfinite(x):
                ax.axvline(x, color="#c0392b", ls=style, label="%s %s MW" % (label, fmt_mw(x)))
        ax.legend(title="no shed in %s of samples" % fmt_pct(zero_share), fontsize=9, title_fontsize=9)
        ax.set_xlim(0, edges[-1])
        pct_axis(ax, total, "x")
    else:
        ax.text(0.5, 0.5, "no load shed in any of the %d samples" % s["n"], ha="center", transform=ax.transAxes)
    ax.set_xlabel("load shed (MW)")
    ax.set_ylabel("share of samples")
    ax.set_title("Distribution of load shed (%d samples)" % s["n"], fontsize=12)
    return save(fig, out_dir, "shed_histogram.png")


def exceedance_curve(s):
    """Points (x MW, P(shed > x)) from the fine bins: exact at every bin edge, bins 0.1 % wide."""
    b, n = s["bins"], max(s["n"], 1)
    above = (b["count"].sum() - np.cumsum(b["count"])) / n   # P(shed > max of bin)
    at_or_above = above + b["count"] / n                     # P(shed >= min of bin)
    # Between bins the curve is flat; inside a bin (0.1 % wide) it is drawn as a straight line.
    return np.column_stack([b["min"], b["max"]]).ravel(), np.column_stack([at_or_above, above]).ravel()


def fig_exceedance(s, out_dir):
    x, p = exceedance_curve(s)
    total = s["total_mw"]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    ok = p > 0
    if ok.any():
        ax.plot(x[ok], p[ok], color="#c0392b", lw=1.5, label="P(shed > x), fine tally bins (0.1 % resolution)")
        lv, pr = np.asarray(s["exceed_levels"]) * total, np.asarray(s["exceed_prob"])
        show = pr > 0
        if show.any():
            ax.plot(lv[show], pr[show], "o", color="black", ms=5, label="the levels of the P(shed > x) table")
        ax.axhline(1 / max(s["n"], 1), color="grey", lw=0.8, ls=":", label="1 / samples: the smallest P resolved")
        ax.set_yscale("log")
        ax.set_xlim(0, x[ok].max() * 1.02 or 1)
        ax.legend(fontsize=9)
        pct_axis(ax, total, "x")
    else:
        ax.text(0.5, 0.5, "no load shed in any of the %d samples" % s["n"], ha="center", transform=ax.transAxes)
    ax.set_xlabel("load shed x (MW)")
    ax.set_ylabel("P(shed > x)")
    ax.set_title("Exceedance curve of load shed", fontsize=12)
    ax.grid(True, which="both", alpha=0.3)
    return save(fig, out_dir, "exceedance.png")


def fig_convergence(s, out_dir):
    c = s["conv"]
    n, m, h = c["samples"], c["shed_mean"], c["shed_ci95_halfwidth"]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    if len(n):
        ok = np.isfinite(h)
        # Shed is never negative: a band below zero would only be the normal approximation's artefact.
        ax.fill_between(n[ok], np.maximum(m - h, 0)[ok], (m + h)[ok], color="#3b75af", alpha=0.25,
                        label="95% CI (clipped at 0)")
        ax.plot(n, m, "o-", color="#3b75af", ms=4, label="running mean")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.legend()
        pct_axis(ax, s["total_mw"], "y")
    else:
        ax.text(0.5, 0.5, "no convergence rows: this file does not start at sample 0 (a shard)",
                ha="center", transform=ax.transAxes)
    ax.set_xlabel("samples")
    ax.set_ylabel("mean load shed (MW)")
    ax.set_title("Convergence of the mean shed", fontsize=12)
    ax.grid(True, which="both", alpha=0.3)
    return save(fig, out_dir, "convergence.png")


def top_targets(s, count=TOP_TARGETS):
    t = s["targets"]
    crit = t["crit"]
    order = np.argsort(-np.nan_to_num(crit, nan=-np.inf), kind="stable")
    return [int(i) for i in order if np.isfinite(crit[i])][:count]


def mixed_classes(s):
    """Whether the study's targets are of more than one class, or not substations."""
    return any(c != "bus" for c in s["targets"]["class"])


def target_label(s, i):
    """A target's name, with its class when the study strikes more than substations."""
    t = s["targets"]
    name = t["name"][i]
    return "%s (%s)" % (name, t["class"][i]) if mixed_classes(s) and not name.startswith(("branch:", "gen:")) else name


def target_bus_rows(s, i):
    """Rows of the buses where target i sits: its buses, its branches' ends, its units' buses."""
    net, t = s["net"], s["targets"]
    off = net["target_bus_offset"]
    ids = list(net["target_bus_id"][off[i]:off[i + 1]])
    for e in (t["elements"][i] if t["elements"] is not None else []):
        kind, _, value = e.partition(":")
        row = int(value) - 1
        if kind == "branch":
            ids += [net["branch_from_bus_id"][row], net["branch_to_bus_id"][row]]
        elif kind == "gen" and net["gen_bus_id"] is not None:
            ids.append(net["gen_bus_id"][row])
    return bus_rows(net["bus_id"], np.asarray(ids, dtype=np.int64)) if ids else np.zeros(0, dtype=int)


def fig_targets(s, rows, out_dir):
    t = s["targets"]
    fig, ax = plt.subplots(figsize=(8, max(3.5, 0.3 * len(rows) + 1.8)))
    if rows:
        y = np.arange(len(rows))[::-1]
        v, lo, hi = t["crit"][rows], t["lo"][rows], t["hi"][rows]
        few = t["destroyed"][rows] < FEW_SAMPLES
        # A NaN interval (too few samples) draws no error bar.
        bars = ax.barh(y, v, xerr=np.vstack([v - lo, hi - v]), color="#e67e22", ecolor="black", capsize=3)
        for bar in np.asarray(bars.patches)[few]:  # a criticality from few samples: pale and hatched
            bar.set(facecolor="#f5cba7", edgecolor="#a04000", hatch="///", linewidth=0)
        ax.set_yticks(y)
        ax.set_yticklabels([target_label(s, i) for i in rows])
        handles = []
        if not few.all():
            handles.append(plt.Rectangle((0, 0), 1, 1, color="#e67e22",
                                         label="destroyed in >= %d samples" % FEW_SAMPLES))
        if few.any():
            handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="#f5cba7", edgecolor="#a04000", hatch="///",
                                         label="destroyed in < %d samples: ranking rests on few samples" % FEW_SAMPLES))
        ax.legend(handles=handles, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    ax.set_xlabel("criticality: mean shed when destroyed minus when not (MW)")
    ax.set_ylabel("target")
    ax.set_title("Top %d targets by criticality (95%% CI)" % len(rows), fontsize=12)
    ax.grid(True, axis="x", alpha=0.3)
    return save(fig, out_dir, "targets.png")


def fig_plan(plan, out_dir):
    steps = plan["steps"]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    if steps:
        points = [steps[0]["before"]] + [st["after"] for st in steps]
        x = list(range(len(points)))
        v = [p["value"] for p in points]
        lo = [p["value"] if p.get("ci95_low") is None else p["ci95_low"] for p in points]
        hi = [p["value"] if p.get("ci95_high") is None else p["ci95_high"] for p in points]
        ax.errorbar(x, v, yerr=[np.subtract(v, lo), np.subtract(hi, v)], fmt="o-", capsize=4, color="#27ae60")
        ax.set_xticks(x)
        ax.set_xticklabels(["none"] + ["+" + str(st["target"]) for st in steps], rotation=30, ha="right")
    ax.set_xlabel("greedy step (target added to the defence)")
    ax.set_ylabel("objective %s (%s)" % (plan.get("objective", "mean"), objective_unit(plan)))
    ax.set_title("Defence plan: objective after each greedy step (95% CI)", fontsize=12)
    ax.grid(True, alpha=0.3)
    return save(fig, out_dir, "defence_steps.png")


def objective_unit(plan):
    return "probability" if str(plan.get("objective", "mean")).startswith("p_exceed") else "MW"


# ----------------------------------------------------------------------------- the network picture

def bus_rows(bus_id, ids):
    """Row of each bus number in `ids` within /network/bus_id."""
    order = np.argsort(bus_id, kind="stable")
    return order[np.searchsorted(bus_id[order], ids)]


def sfdp_layout(s):
    """Bus positions (B x 2) from Graphviz sfdp, or (None, why not)."""
    sfdp = shutil.which("sfdp")
    if sfdp is None:
        return None, "Graphviz sfdp was not found on PATH (scripts/install-deps.sh installs graphviz)"
    net = s["net"]
    ends = zip(net["branch_from_bus_id"].tolist(), net["branch_to_bus_id"].tolist())
    edges = {(min(a, b), max(a, b)) for a, b in ends if a != b}  # parallel branches: one edge for the layout
    dot = "graph G {\n%s%s}\n" % ("".join("%d;\n" % b for b in net["bus_id"].tolist()),
                                  "".join("%d -- %d;\n" % e for e in sorted(edges)))
    # Point nodes need no overlap removal (overlap=true is 4x faster than prism at 9,241 buses);
    # no splines (edges are drawn straight here); start=1 makes the layout reproducible.
    cmd = [sfdp, "-Tplain", "-Goverlap=true", "-Gsplines=false", "-Gstart=1", "-Nshape=point"]
    try:
        r = subprocess.run(cmd, input=dot, capture_output=True, text=True, timeout=SFDP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "Graphviz sfdp did not finish within %d s" % SFDP_TIMEOUT_S
    if r.returncode != 0:
        return None, "Graphviz sfdp failed: %s" % (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[0]
    pos = {}
    for line in r.stdout.splitlines():
        p = line.split()
        if p and p[0] == "node":
            pos[int(p[1].strip('"'))] = (float(p[2]), float(p[3]))
    missing = [b for b in net["bus_id"].tolist() if b not in pos]
    if missing:
        return None, "Graphviz sfdp placed no position for bus %d" % missing[0]
    return np.array([pos[b] for b in net["bus_id"].tolist()]), None


def fig_network(s, xy, defended, out_dir):
    net, t, br = s["net"], s["targets"], s["branches"]
    nb = len(net["bus_id"])
    big = nb > 1000
    # Each bus takes its target's criticality (a target is a set of buses); buses in no target stay NaN.
    off = net["target_bus_offset"]
    bus_target = np.full(nb, -1)
    bus_target[bus_rows(net["bus_id"], net["target_bus_id"])] = np.repeat(np.arange(len(off) - 1), np.diff(off))
    crit = np.where(bus_target >= 0, t["crit"][np.maximum(bus_target, 0)], np.nan)

    span = np.ptp(xy, axis=0) + 1e-9
    width = 12 if big else 10
    fig, ax = plt.subplots(figsize=(width, float(np.clip(width * span[1] / span[0], 0.5 * width, 1.3 * width)) + 2))
    seg = np.stack([xy[bus_rows(net["bus_id"], net["branch_from_bus_id"])],
                    xy[bus_rows(net["bus_id"], net["branch_to_bus_id"])]], axis=1)
    p = np.nan_to_num(np.asarray(br["trip_probability"], dtype=float))
    lw = 0.25 if big else 0.8
    ax.add_collection(LineCollection(seg[p == 0], colors="#c8c8c8", linewidths=lw, zorder=1))
    tripped = np.flatnonzero(p > 0)
    tripped = tripped[np.argsort(p[tripped])]  # most likely trips drawn last, on top
    trips = None
    if len(tripped):
        pmax = p[tripped].max()
        # Blues without its near-white start: a rarely tripped branch must still show against the white page.
        cmap = ListedColormap(plt.get_cmap("Blues")(np.linspace(0.35, 1, 256)))
        trips = LineCollection(seg[tripped], array=p[tripped], cmap=cmap, norm=Normalize(0, pmax),
                               linewidths=lw + (2.0 if big else 3.0) * p[tripped] / pmax, zorder=2)
        ax.add_collection(trips)

    size = float(np.clip(4000.0 / nb, 2.5, 40))
    unknown = ~np.isfinite(crit)
    ax.scatter(xy[unknown, 0], xy[unknown, 1], s=0.7 * size, c="#a8a8a8", linewidths=0, zorder=3)
    known = np.flatnonzero(~unknown)
    known = known[np.argsort(crit[known])]  # the most critical drawn last, on top
    finite = crit[known]
    vmax = float(np.percentile(finite, 99)) if len(finite) else 1.0
    sc = ax.scatter(xy[known, 0], xy[known, 1], s=size, c=finite, cmap=BUS_CMAP, vmin=0, vmax=max(vmax, 1e-9),
                    linewidths=0.2 if not big else 0, edgecolors="#555555", zorder=4)
    if defended:
        rows = np.flatnonzero(np.isin(bus_target, list(defended)))
        ax.scatter(xy[rows, 0], xy[rows, 1], s=max(12 * size, 60), facecolors="none", edgecolors="#1a9850",
                   linewidths=1.8, zorder=5)
    for rank, ti in enumerate(top_targets(s, 5)):  # name the five most critical targets
        rows = target_bus_rows(s, ti)
        if len(rows) == 0:
            continue
        cx, cy = xy[rows].mean(axis=0)
        ax.annotate("%s (#%d)" % (target_label(s, ti), rank + 1), (cx, cy), xytext=(12, 12), textcoords="offset points",
                    arrowprops=dict(arrowstyle="-", color="#333333", lw=0.8),
                    fontsize=9, zorder=6, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="#555555", alpha=0.85))

    fig.colorbar(sc, ax=ax, fraction=0.035, pad=0.01, extend="both",
                 label="criticality of the bus's target (MW; colours clipped at its 99th percentile)")
    if trips is not None:
        fig.colorbar(trips, ax=ax, orientation="horizontal", fraction=0.03, pad=0.01, aspect=60,
                     label="branch trip probability (also line width)")
    handles = [Line2D([], [], color="#c8c8c8", lw=1, label="branch, never tripped"),
               Line2D([], [], marker="o", ls="", color="#a8a8a8",
                      label="bus: its target never destroyed (no estimate)"),
               Line2D([], [], marker="o", ls="", color="#e34a33", label="bus: colour = its target's criticality")]
    if trips is not None:
        handles.insert(1, Line2D([], [], color="#2171b5", lw=2, label="tripped branch"))
    if defended:
        handles.append(Line2D([], [], marker="o", ls="", mfc="none", mec="#1a9850", mew=1.8, ms=9,
                              label="defended target (--plan)"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8, frameon=False)
    ax.autoscale()
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.suptitle("Network: %d buses, %d branches (Graphviz sfdp layout, not geographic)"
                 % (nb, len(net["branch_from_bus_id"])), fontsize=12)
    return save(fig, out_dir, "network.png", dpi=150 if big else 100)


# ----------------------------------------------------------------------------- HTML sections

def quantile(s, level):
    levels = list(np.asarray(s["mw"]["quantile_levels"], dtype=float))
    return float(s["mw"]["quantiles"][levels.index(level)]) if level in levels else float("nan")


def response_text(a):
    """The response with the options that matter to it: the trip rule if protection acts, the solver if flows do."""
    response = text(a.get("response", "?"))
    extra = (["cascade rule " + text(a.get("rule", "?"))] if response in ("operator", "cascade") else []) + (
        ["flow solver " + text(a.get("solver", "?"))] if response != "topology" else [])
    return "%s (%s)" % (response, ", ".join(extra)) if extra else response


def settings_rows(s):
    a, ini, d = s["attrs"], s["ini"], s["dispatch"]
    strike = text(a.get("strike", "?"))
    k_classes = text(a.get("k_classes", ""))
    k = ("%s (per class: %s)" % (int(a.get("k", 0)), k_classes)) if k_classes else "%d" % int(a.get("k", 0))
    if strike == "uniform":
        strike_text = "uniform: %s distinct targets per sample, equally likely" % k
    elif strike == "weighted":
        strike_text = "weighted: %s targets per sample, in proportion to %s" % (k, ini.get("weights", "?"))
    elif strike == "independent" and "probability" in ini:
        strike_text = "independent: each target struck with probability %s" % fmt_num(ini["probability"])
    elif strike == "independent":
        strike_text = "independent: per-target probabilities from %s" % ini.get("probabilities", "?")
    elif strike == "exhaustive":
        strike_text = "exhaustive: every set of %s targets once" % k
    else:
        strike_text = strike
    if d["used"] is None:
        dispatch = "%s asked (this file does not say which was used)" % d["asked"]
    else:
        dispatch = "%s asked, %s used" % (d["asked"], d["used"])
        if d["used"] == "scopf":
            dispatch += "; %d single-branch contingenc%s left insecure" % (d["insecure"],
                                                                          "y" if d["insecure"] == 1 else "ies")
        if d["note"]:
            dispatch += "; note: " + d["note"]
    samples = "%d" % s["n"]
    if int(a.get("shard_count", 0)) > 0:
        samples += " (shard %d of %d: samples [%d, %d) of %d)" % tuple(
            int(a[k]) for k in ("shard_index", "shard_count", "sample_begin", "sample_end", "samples"))
    elif int(a.get("complete", 1)) == 0:
        samples += " of %d: an incomplete run (checkpoint)" % int(a["samples"])
    tol = float(a.get("tol", np.nan))
    rows = [("case", "%s (SHA-256 %s...)" % (text(a.get("case_path", "?")), text(a.get("case_sha256", ""))[:12])),
            ("targets", "%s (%d targets)" % (ini.get("targets", "?"), len(s["targets"]["name"]))),
            ("strike", strike_text),
            ("k", "n/a (independent strikes)" if strike == "independent" else k),
            ("response", response_text(a)),
            ("tol", "%g: a branch trips above its limit x %g" % (tol, 1 + tol)),
            ("dispatch", dispatch),
            ("defence applied", ini.get("defence", "none")),
            ("seed", "%d" % int(a.get("seed", 0))),
            ("samples", samples),
            ("total demand", "%s MW" % fmt_mw(s["total_mw"])),
            ("sre version", text(a.get("sre_version", "?"))),
            ("date", text(a.get("created_utc", "?"))),
            ("command line", text(a.get("command_line", "?")))]
    if s["base_shed_mw"] > 0:
        rows.insert(11, ("shed before any strike", "%s MW (included in every sample)" % fmt_mw(s["base_shed_mw"])))
    return rows


def section_settings(s):
    return ["<h2>Study settings</h2>", table(["setting", "value"], settings_rows(s)),
            "<p class='def'><b>Criticality</b> of a target: the mean shed when the target is destroyed minus the mean "
            "shed when it is not (MW). <b>CVaR</b> at level a: the mean of the worst (1 - a) share of samples "
            "(CVaR 99 %: the mean shed of the worst 1 % of samples). A <b>quantile</b> at level p: the shed not "
            "exceeded in a share p of the samples. Each sample is one strike scenario.</p>",
            "<details><summary>Study configuration (INI; <code>sre run --config</code> reproduces the study)</summary>"
            "<pre>%s</pre></details>" % html.escape(s["config"])]


def section_summary(s):
    mw, total, n = s["mw"], s["total_mw"], s["n"]
    rows = [("mean", fmt_mw(mw["mean"]), fmt_pct(mw["mean"] / total),
             "95%% CI [%s, %s] MW" % (fmt_mw(mw["ci95_low"]), fmt_mw(mw["ci95_high"])))]
    rows += [("quantile %g %%" % (100 * lv), fmt_mw(q), fmt_pct(q / total), "")
             for lv, q in zip(mw["quantile_levels"], mw["quantiles"])]
    rows += [("CVaR 90 %", fmt_mw(mw["cvar90"]), fmt_pct(mw["cvar90"] / total), "mean of the worst 10 % of samples"),
             ("CVaR 99 %", fmt_mw(mw["cvar99"]), fmt_pct(mw["cvar99"] / total), "mean of the worst 1 % of samples"),
             ("max", fmt_mw(mw["max"]), fmt_pct(mw["max"] / total), ""),
             ("std", fmt_mw(mw["std"]), fmt_pct(mw["std"] / total), "")]
    exceed = [("%g %%" % (100 * lv), fmt_mw(lv * total), fmt_prob(p, n))
              for lv, p in zip(s["exceed_levels"], s["exceed_prob"])]
    m = s["means"]
    means = [("targets destroyed", "%.3g" % m["destroyed"]), ("targets intercepted", "%.3g" % m["intercepted"]),
             ("islands", "%.3g" % m["islands"]), ("islands without supply", "%.3g" % m["dead_islands"]),
             ("branches overloaded in the first flow solve", "%.3g" % m["overloaded_first"]),
             ("branches tripped by the cascade", "%.3g" % m["tripped"]),
             ("share of samples hitting the cascade step cap", "%.3g" % m["cap_hit_probability"])]
    return ["<h2>Load shed</h2>",
            "<p class='headline'>Mean load shed %s MW (%s of demand); at most 1 sample in 100 sheds more than %s MW, "
            "and the worst 1 %% of samples shed %s MW on average.</p>"
            % (fmt_mw(mw["mean"]), fmt_pct(mw["mean"] / total), fmt_mw(quantile(s, 0.99)), fmt_mw(mw["cvar99"])),
            table(["statistic", "MW", "% of demand", ""], rows),
            "<h3>P(shed &gt; x)</h3>", table(["x (% of demand)", "x (MW)", "P(shed > x)"], exceed),
            "<h3>Per sample, on average</h3>", table(["quantity", "mean"], means)]


def section_targets(s, rows):
    t = s["targets"]
    h = ["<h2>Most critical targets</h2>"]
    if not rows:
        return h + ["<p>No target has a criticality estimate (none was destroyed, or every one always was).</p>"]
    off, ids = s["net"]["target_bus_offset"], s["net"]["target_bus_id"]
    mixed = mixed_classes(s)
    grouped = len(ids) != len(t["name"]) or mixed  # targets are groups of elements: list them
    few = [i for i in rows if t["destroyed"][i] < FEW_SAMPLES]
    if few:
        h.append("<p class='warn'>Warning: %d of these %d targets were destroyed in fewer than %d samples: their "
                 "ranking rests on few samples. Run more samples before acting on it.</p>"
                 % (len(few), len(rows), FEW_SAMPLES))
    body = []
    for r, i in enumerate(rows, 1):
        members = (t["elements"][i] if t["elements"] is not None else list(map(str, ids[off[i]:off[i + 1]].tolist())))
        row = [r, t["name"][i]] + ([t["class"][i]] if mixed else [])
        if grouped:
            row.append(", ".join(members[:8]) + (" ... (%d elements)" % len(members) if len(members) > 8 else ""))
        ci = ("[%s, %s]" % (fmt_mw(t["lo"][i]), fmt_mw(t["hi"][i])) if np.isfinite(t["lo"][i])
              else "n/a (too few samples)")
        row += [fmt_mw(t["crit"][i]), ci,
                fmt_mw(t["shed_destroyed"][i]), int(t["destroyed"][i]),
                "<span class='warn'>ranking rests on few samples</span>" if i in few else ""]
        body.append(row)
    header = ["rank", "target"] + (["class"] if mixed else []) + (["elements" if mixed else "buses"] if grouped else []) + [
        "criticality (MW)", "95% CI (MW)", "mean shed when destroyed (MW)", "destroyed in samples", ""]
    h.append(table(header, body, raw=(len(header) - 1,)))
    return h


def section_branches(s):
    net, br = s["net"], s["branches"]
    p = np.nan_to_num(np.asarray(br["trip_probability"], dtype=float))
    order = [i for i in np.argsort(-p, kind="stable") if p[i] > 0][:TOP_BRANCHES]
    h = ["<h2>Branches most often tripped</h2>"]
    if not order:
        h.append("<p>No branch tripped in any sample (response %s).</p>"
                 % html.escape(text(s["attrs"].get("response", "?"))))
        return h
    rows = [(r, int(br["index"][i]), int(net["branch_from_bus_id"][i]), int(net["branch_to_bus_id"][i]),
             "%.3g" % p[i], "%.3g" % br["overload_probability"][i],
             fmt_mw(net["branch_limit_mw"][i]) if net["branch_limit_mw"][i] > 0 else "unlimited")
            for r, i in enumerate(order, 1)]
    h.append(table(["rank", "branch row", "from bus", "to bus", "trip probability",
                    "overload probability (first solve)", "limit (MW)"], rows))
    return h


def section_network(s, network_png, why_not):
    if network_png is None:
        return ["<h2>Network</h2><p class='warn'>Network picture skipped: %s.</p>" % html.escape(why_not)]
    return ["<h2>Network</h2>",
            "<p>Buses are placed by a graph layout (Graphviz sfdp), not by geography; neighbours in the grid are "
            "neighbours in the picture. Colour of a bus: the criticality of the target it belongs to (grey: never "
            "destroyed, no estimate). Colour and width of a branch: its trip probability. The five most critical "
            "targets are named (mind the warning above when their ranking rests on few samples); defended targets of a "
            "plan are ringed in green.</p>",
            "<img src='%s' alt='network'>" % network_png]


def section_plan(s, plan, figure):
    names = set(s["targets"]["name"])
    unit = objective_unit(plan)
    fmt = (lambda v: "n/a" if v is None else "%.4g" % v) if unit == "probability" else fmt_mw

    def value(o):
        return "%s [%s, %s]" % (fmt(o.get("value")), fmt(o.get("ci95_low")), fmt(o.get("ci95_high")))

    # The JSON's half-width is that of the paired mean-shed gain (MW), whatever the objective.
    steps = [(st["step"], st["target"], value(st["before"]), value(st["after"]), fmt(st["gain"]),
              fmt_mw(st.get("mean_gain_ci95_halfwidth"))) for st in plan["steps"]]
    comparison = [(v["plan"], ", ".join(map(str, v["targets"])) or "(none)", value(v["objective"]),
                   fmt_mw(v.get("mean_shed_mw")),
                   "%s +/- %s" % (fmt_mw(v.get("mean_diff_vs_greedy")), fmt_mw(v.get("mean_diff_ci95_halfwidth"))))
                  for v in plan["validation"]]
    unknown = [str(x) for x in plan.get("plan", []) if str(x) not in names]
    h = ["<h2>Defence plan</h2>",
         "<p>Greedy choice of %s targets to defend (objective %s, %s; interception probability %s; attacker %s), "
         "made by <code>sre defend</code> on %s samples (seed %s) and compared with the baselines on %s fresh samples "
         "(seed %s).</p>" % (plan.get("budget", "?"), html.escape(str(plan.get("objective", "?"))), unit,
                             fmt_num(plan.get("intercept", "?")), html.escape(str(plan.get("attacker", "?"))),
                             plan.get("selection_samples", "?"), plan.get("selection_seed", "?"),
                             plan.get("validation_samples", "?"), plan.get("validation_seed", "?"))]
    if unknown:
        h.append("<p class='warn'>Plan targets not in this study's network: %s. Was the plan made for another case?</p>"
                 % html.escape(", ".join(unknown)))
    h += ["<h3>Greedy steps</h3>",
          table(["step", "target defended", "objective before [95% CI]", "objective after [95% CI]", "gain",
                 "95% half-width of the mean-shed gain (MW, paired)"], steps),
          "<h3>Comparison with the baselines (fresh samples)</h3>",
          table(["plan", "targets defended", "objective [95% CI]", "mean shed (MW)",
                 "mean shed above greedy's (MW) +/- 95% half-width"], comparison),
          "<img src='%s' alt='defence plan'>" % figure]
    return h


def section_run(s):
    r = s["runtime"]
    return ["<h2>Run</h2>", table(["", "value"], [("sampling time", "%.3g s" % r["sampling_seconds"]),
                                             ("samples per second", "{:,.0f}".format(r["samples_per_second"])),
                                             ("threads", "%d" % r["threads"]), ("results file", s["path"])])]


def figure_block(title, name, caption):
    return "<h3>%s</h3><p>%s</p><img src='%s' alt='%s'>" % (html.escape(title), caption, name, html.escape(title))


CSS = ("body{font-family:sans-serif;max-width:1000px;margin:auto;padding:0 1em;color:#222}"
       "table{border-collapse:collapse;margin:0.5em 0}"
       "td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee}"
       "th{background:#f4f4f4}img{max-width:100%;border:1px solid #ddd}.warn{color:#a04000;font-weight:bold}"
       ".headline{font-size:1.15em}.def{background:#f7f9fc;padding:0.6em;border-left:3px solid #3b75af}"
       "pre{background:#f4f4f4;padding:0.5em}")


def write_html(s, out_dir, figs, rows, network, plan_html):
    case = os.path.basename(text(s["attrs"].get("case_path", "?")))
    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>sre report: %s</title>" % html.escape(case),
         "<style>%s</style></head><body>" % CSS,
         "<h1>Strike-resilience report: %s</h1>" % html.escape(case)]
    h += section_settings(s)
    h += section_summary(s)
    h.append(figure_block("Distribution of load shed", figs["hist"],
                          "Share of samples per shed interval; samples with no shed are counted in the legend."))
    h.append(figure_block("Exceedance curve", figs["exceed"],
                          "Probability that a strike sheds more than x, read from the fine 0.1 % bins of the tally."))
    h.append(figure_block("Convergence", figs["conv"],
                          "Running mean shed with its 95 % confidence band: a narrow, flat band means enough samples."))
    h += section_targets(s, rows)
    h.append("<img src='%s' alt='most critical targets'>" % figs["targets"])
    h += section_branches(s)
    h += network
    h += plan_html
    h += section_run(s)
    h.append("</body></html>\n")
    write_atomic(out_dir, "index.html", lambda fh: fh.write("\n".join(h).encode("utf-8")))


# ----------------------------------------------------------------------------- campaign files (sre campaign)

CAMPAIGN_OUTPUTS = ["index.html", "served_fraction.png", "ens_distribution.png", "network.png"]
TOP_BUSES = 20
# The figures of one campaign (docs/results-format.md, /campaign/summary): name, what it is, unit.
CAMPAIGN_FIGURES = [
    ("ens_mwh", "energy not served", "MWh"),
    ("ens_fraction", "energy not served, share of the energy demanded", "%"),
    ("peak_shed_mw", "largest hourly shed", "MW"),
    ("hours_shed", "hours with load shed", "h"),
    ("hours_shed_10", "hours with more than 10 % of the demand shed", "h"),
    ("drain_events", "district-heating drain events, all districts", "events"),
    ("buses_drained", "districts (buses) drained at least once", "buses"),
    ("hours_split", "hours with the grid cut in large pieces", "h"),
    ("targets_destroyed", "targets destroyed", "targets"),
    ("restored_hour", "first hour after the last wave with nothing destroyed", "hour"),
]
CAMPAIGN_STATS = ("mean", "std", "stderr", "ci95_low", "ci95_high", "q50", "q90", "q95", "q99",
                  "cvar90", "cvar99", "max")
CAMPAIGN_SHOWN = ("mean", "ci95_low", "ci95_high", "q50", "q95", "max")  # the others may be absent: NaN


def scalar(v):
    """A float from an HDF5 scalar (or a 1-element array); NaN when empty or not a number."""
    try:
        a = np.asarray(v, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return float("nan")
    return float(a[0]) if a.size else float("nan")


def campaign_from(f, path):
    """A campaign file (format sre-campaign) read into memory and checked; see docs/results-format.md."""
    def need(name):
        if name not in f:
            raise InputError("%s is not a complete sre campaign file: %s is missing" % (path, name))
        return f[name][()]

    def floats(name):
        return np.atleast_1d(np.asarray(need(name), dtype=float))

    def strings(name):
        return [text(x) for x in np.atleast_1d(need(name))]

    def first(*names):  # the first of several spellings present, else None
        return next((np.atleast_1d(f[n][()]) for n in names if n in f), None)

    if "/campaign" not in f:
        raise InputError("%s is not a complete sre campaign file: /campaign is missing" % path)
    config = need("/config")
    config = text(config.decode() if isinstance(config, bytes) else config)
    c = {"kind": "campaign", "path": path, "attrs": {k: f.attrs[k] for k in f.attrs},
         "camp": {k: f["/campaign"].attrs[k] for k in f["/campaign"].attrs}, "config": config,
         "ini": parse_ini(config)}
    n = c["camp"].get("samples", c["attrs"].get("samples", 0))
    c["n"] = int(scalar(n)) if np.isfinite(scalar(n)) else 0
    c["summary"] = {}
    for name, _, _ in CAMPAIGN_FIGURES:
        base = "/campaign/summary/" + name
        c["summary"][name] = {k: (scalar(need(base + "/" + k)) if k in CAMPAIGN_SHOWN
                                  else scalar(f[base + "/" + k][()]) if base + "/" + k in f else float("nan"))
                              for k in CAMPAIGN_STATS}
    c["hours"] = {k: floats("/campaign/hours/" + k) for k in
                  ("demand_factor", "served_fraction_mean", "served_fraction_q05", "served_fraction_q50",
                   "served_fraction_q95", "wave_probability")}
    c["buses"] = {"bus_id": np.atleast_1d(np.asarray(need("/campaign/buses/bus_id"), dtype=np.int64))}
    for k in ("hours_without_power_mean", "drain_probability", "drain_events_mean"):
        c["buses"][k] = floats("/campaign/buses/" + k)
    c["targets"] = {"name": strings("/campaign/targets/name"),
                    "destroyed": floats("/campaign/targets/destroyed_mean"),
                    "hours": floats("/campaign/targets/hours_destroyed_mean")}
    for group, keys in (("hours", c["hours"]), ("buses", c["buses"]), ("targets", c["targets"])):
        if len({len(v) for v in keys.values()}) > 1:
            raise InputError("%s is inconsistent: the datasets of /campaign/%s differ in length" % (path, group))
    c["H"] = len(c["hours"]["served_fraction_mean"])
    nt = len(c["targets"]["name"])
    cls = first("/targets/class")
    c["targets"]["class"] = [text(x) for x in cls] if cls is not None and len(cls) == nt else ["bus"] * nt
    if "/campaign/samples" in f:  # --save-samples: one row per campaign
        g = f["/campaign/samples"]
        c["samples"] = {k: np.atleast_1d(np.asarray(g[k][()], dtype=float)) for k in g
                        if isinstance(g[k], h5py.Dataset) and g[k].dtype.kind in "iuf"}
    else:
        c["samples"] = {}
    # The network (the run writer's /network; a second spelling of the branch ends is accepted).
    bus_id = first("/network/bus_id")
    net = {"bus_id": np.asarray(bus_id, dtype=np.int64) if bus_id is not None else c["buses"]["bus_id"]}
    ends = (first("/network/branch_from_bus_id", "/network/branch_from"),
            first("/network/branch_to_bus_id", "/network/branch_to"))
    if ends[0] is not None and ends[1] is not None and len(ends[0]) == len(ends[1]):
        net["branch_from_bus_id"], net["branch_to_bus_id"] = (np.asarray(e, dtype=np.int64) for e in ends)
    demand = first("/network/bus_demand_mw")
    net["bus_demand_mw"] = (np.asarray(demand, dtype=float) if demand is not None and len(demand) == len(net["bus_id"])
                            else None)
    total = scalar(f["/network"].attrs.get("total_demand_mw", np.nan)) if "/network" in f else float("nan")
    if not np.isfinite(total) and net["bus_demand_mw"] is not None:
        total = float(np.sum(np.maximum(net["bus_demand_mw"], 0)))
    c["net"], c["total_mw"] = net, total
    # Energy demanded over the campaign, MWh (the denominator of ens_fraction).
    c["energy_mwh"] = float(np.sum(c["hours"]["demand_factor"]) * total) if np.isfinite(total) else float("nan")
    # Each campaign bus row's demand, by bus number (the network may list buses in another order).
    c["buses"]["demand_mw"] = np.full(len(c["buses"]["bus_id"]), np.nan)
    if net["bus_demand_mw"] is not None and set(c["buses"]["bus_id"].tolist()) <= set(net["bus_id"].tolist()):
        c["buses"]["demand_mw"] = net["bus_demand_mw"][bus_rows(net["bus_id"], c["buses"]["bus_id"])]
    return c


def fmt_count(x):
    x = float(x)
    if not np.isfinite(x):
        return "n/a"
    return "{:,.0f}".format(x) if abs(x) >= 100 else "%.3g" % x


def fmt_energy(x):
    x = float(x)
    return "{:,.0f}".format(x) if np.isfinite(x) and abs(x) >= 1000 else fmt_mw(x)


def fmt_figure(x, unit):
    """A campaign figure in its unit (a share in %; an hour of the campaign with its day)."""
    if unit == "%":
        return fmt_pct(x)
    if unit in ("MWh", "MW"):
        return fmt_energy(x)
    if unit == "hour" and np.isfinite(float(x)):
        return "%s (day %.1f)" % (fmt_count(x), float(x) / 24)
    return fmt_count(x)


def campaign_settings_rows(c):
    a, cp, ini, h = c["attrs"], c["camp"], c["ini"], c["hours"]
    used = set()

    def attr(key, default="?"):
        used.add(key)
        return text(cp[key]) if key in cp else default

    def num(key):
        used.add(key)
        return fmt_num(cp[key]) if key in cp else "?"

    samples = "%d" % c["n"]
    if scalar(a.get("complete", 1)) == 0:
        samples += " (an incomplete file: not every campaign is in it)"
    factor = h["demand_factor"][np.isfinite(h["demand_factor"])]
    profile = attr("demand_profile")
    if len(factor):
        profile += " (demand factor %s to %s of the case's demand)" % (fmt_num(factor.min()), fmt_num(factor.max()))
    strike = ini.get("strike", text(a.get("strike", "?")))
    k = ini.get("k", text(a.get("k", "?")))
    repair = attr("repair_days")
    if ":" in repair:
        m, _, sigma = repair.partition(":")
        repair = "median %s days, log-spread sigma %s (%s)" % (m, sigma, repair)
    crews = attr("crews")
    crews_text = "unlimited (every destroyed target under repair at once)" if crews in ("0", "?") else crews
    sha = text(a.get("case_sha256", ""))
    rows = [("case", "%s (SHA-256 %s...)" % (text(a.get("case_path", "?")), sha[:12]) if sha
             else text(a.get("case_path", "?"))),
            ("campaigns", samples),
            ("length", "%s days (%s hours)" % (attr("days"), attr("hours", "%d" % c["H"]))),
            ("demand profile", profile),
            ("waves", attr("waves")),
            ("strike per wave", "%s, k = %s targets (%s)" % (strike, k, ini.get("targets", "?"))),
            ("repair time", repair),
            ("repair crews", crews_text),
            ("transient", "%s response for %s hours from each wave's hour"
             % (text(a.get("response", "?")), num("transient_hours"))),
            ("steady state", "%s response in every other hour" % attr("steady_response")),
            ("heating drain deadline", "%s hours without power" % num("heat_deadline_hours")),
            ("rotation cycle", "%s hours" % num("rotation_cycle_hours")),
            ("split share", "%s of the total demand on each of two islands" % num("split_share")),
            ("dispatch used", text(a.get("dispatch_used", "?"))),
            ("total demand", "%s MW at demand factor 1; %s MWh over the campaign"
             % (fmt_mw(c["total_mw"]), fmt_energy(c["energy_mwh"]))),
            ("seed", "%d" % int(scalar(a.get("seed", 0)))),
            ("sre version", text(a.get("sre_version", "?"))),
            ("command line", text(a.get("command_line", "?")))]
    used.add("samples")
    rows += [("campaign " + k, text(v)) for k, v in sorted(c["camp"].items()) if k not in used]
    return rows


def campaign_section_settings(c):
    return ["<h2>Campaign settings</h2>",
            "<p class='def'><b>Assumptions:</b> %s</p>" % html.escape(text(c["attrs"].get("assumptions", "?"))),
            table(["setting", "value"], campaign_settings_rows(c)),
            "<p class='def'>Each campaign is one simulated winter: strike waves arrive, destroyed targets wait for "
            "repair, demand follows the hour of the day, and the grid serves what it can each hour "
            "(docs/campaign.md). <b>Served fraction</b>: the share of the hour's demand that is served. "
            "<b>Hours without power</b> of a district (bus): the sum over the hours of its unserved share (rotating "
            "outages spread a partial supply over its consumers). A <b>drain event</b>: a district left without "
            "power longer than the heating deadline, so its district-heating system must be drained. A "
            "<b>quantile</b> at level p: the value not exceeded in a share p of the campaigns; <b>95 % CI</b>: "
            "the confidence interval of the mean (normal approximation).</p>",
            "<details><summary>Study and campaign configuration (INI; <code>sre campaign --config</code> "
            "reproduces it)</summary><pre>%s</pre></details>" % html.escape(c["config"])]


def campaign_section_summary(c):
    sm, n = c["summary"], c["n"]
    ens, frac, drained = sm["ens_mwh"], sm["ens_fraction"], sm["buses_drained"]
    h = ["<h2>One winter, in figures</h2>"]
    if n == 0:
        h.append("<p class='warn'>This file holds no campaign (samples = 0): every figure below is n/a.</p>")
    else:
        h.append("<p class='headline'>Over a winter of %s days, on average %s MWh (%s of the energy demanded) is not "
                 "served; in 1 winter in 20 more than %s MWh%s. On average %s districts must drain their heating.</p>"
                 % (html.escape(text(c["camp"].get("days", "%g" % (c["H"] / 24)))), fmt_energy(ens["mean"]),
                    fmt_pct(frac["mean"]), fmt_energy(ens["q95"]),
                    " (read from only %d campaigns)" % n if n < 20 else "", fmt_count(drained["mean"])))
        if n < 2:
            h.append("<p class='warn'>One campaign only: no confidence interval, and the quantiles are that "
                     "campaign's values.</p>")
    rows = []
    for name, label, unit in CAMPAIGN_FIGURES:
        v = sm[name]
        ci = ("[%s, %s]" % (fmt_figure(v["ci95_low"], unit), fmt_figure(v["ci95_high"], unit))
              if np.isfinite(v["ci95_low"]) and np.isfinite(v["ci95_high"]) else "n/a")
        rows.append((label, unit, fmt_figure(v["mean"], unit), ci, fmt_figure(v["q50"], unit),
                     fmt_figure(v["q95"], unit), fmt_figure(v["max"], unit)))
    h.append(table(["figure (per campaign)", "unit", "mean", "95% CI of the mean", "median (q50)", "q95", "max"],
                   rows))
    return h


def fig_served(c, out_dir):
    hr = c["hours"]
    H = c["H"]
    mean, lo, mid, hi, wave = (hr[k] for k in ("served_fraction_mean", "served_fraction_q05", "served_fraction_q50",
                                               "served_fraction_q95", "wave_probability"))
    fig, (ax, axw) = plt.subplots(2, 1, figsize=(10, 6), sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    if H and np.isfinite(mean).any():
        x = np.arange(H + 1) / 24.0  # hour edges, in days; each hour drawn as a step

        def ext(v):
            return np.append(v, v[-1])
        ax.fill_between(x, ext(lo), ext(hi), step="post", color="#3b75af", alpha=0.25, lw=0,
                        label="5-95 % of campaigns")
        ax.plot(x, ext(mid), drawstyle="steps-post", color="#3b75af", lw=0.7, ls="--", label="median")
        ax.plot(x, ext(mean), drawstyle="steps-post", color="#1f3f66", lw=1.2, label="mean")
        # The axis starts 5 points below the lowest 5 % quantile, at a multiple of 10 %.
        low = float(np.nanmin(lo)) if np.isfinite(lo).any() else float(np.nanmin(mean))
        ax.set_ylim(max(0.0, np.floor((low - 0.05) * 10) / 10), 1.02)
    else:
        ax.text(0.5, 0.5, "no campaign in this file" if H else "no hours in this file", ha="center",
                transform=ax.transAxes)
        ax.set_ylim(0, 1.02)
    p = np.nan_to_num(wave)
    waves = np.flatnonzero(p > 0)
    if len(waves):
        # A tick at the top of the panel for each hour with a wave; its darkness is the share of campaigns.
        colors = np.zeros((len(waves), 4))
        colors[:, 0] = 0.75
        colors[:, 3] = 0.15 + 0.85 * np.clip(p[waves], 0, 1)
        segs = [[(t / 24.0, 0.93), (t / 24.0, 1.0)] for t in waves]
        ax.add_collection(LineCollection(segs, colors=colors, linewidths=1.2, transform=ax.get_xaxis_transform()))
        ax.plot([], [], color="#bf0000", lw=1.2, label="wave (darker: in more campaigns)")
        days = int(np.ceil(H / 24.0))
        per_day = np.bincount(waves // 24, weights=p[waves], minlength=days)
        axw.bar(np.arange(days), per_day, width=1.0, align="edge", color="#bf0000", alpha=0.7)
        axw.set_ylim(0, max(1.0, float(per_day.max()) * 1.1))
    else:
        axw.text(0.5, 0.5, "no wave in any campaign", ha="center", va="center", transform=axw.transAxes)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("served share of demand")
    fig.suptitle("Served share of the system's demand over the campaign (%d campaigns)" % c["n"], fontsize=12)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=9, ncol=4, frameon=False)
    ax.grid(True, alpha=0.3)
    axw.set_ylabel("waves\nper day", fontsize=9)
    axw.set_xlabel("day of the campaign")
    axw.set_xlim(0, max(H, 1) / 24.0)
    axw.grid(True, alpha=0.3)
    return save(fig, out_dir, "served_fraction.png")


def fig_ens(c, out_dir):
    ens, energy = c["summary"]["ens_mwh"], c["energy_mwh"]
    values = c["samples"].get("ens_mwh", np.zeros(0))
    values = values[np.isfinite(values)]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    if len(values):
        top = float(values.max())
        edges = np.linspace(0, top * 1.0001 if top > 0 else 1.0, int(np.clip(np.sqrt(len(values)) * 2, 5, 40)) + 1)
        counts, _ = np.histogram(values, bins=edges)
        ax.bar(edges[:-1], counts / len(values), width=np.diff(edges), align="edge", color="#3b75af",
               edgecolor="white", linewidth=0.5)
        for x, label, style in ((ens["mean"], "mean", "--"), (ens["q95"], "q95", ":")):
            if np.isfinite(x):
                ax.axvline(x, color="#c0392b", ls=style, label="%s %s MWh" % (label, fmt_energy(x)))
        ax.legend(fontsize=9)
        ax.set_xlabel("energy not served in one campaign (MWh)")
        ax.set_ylabel("share of campaigns")
        ax.set_title("Distribution of energy not served (%d campaigns)" % len(values), fontsize=12)
        if np.isfinite(energy) and energy > 0:
            ax.secondary_xaxis("top", functions=(lambda e: 100 * e / energy, lambda q: q * energy / 100)).set_xlabel(
                "% of the energy demanded (" + fmt_energy(energy) + " MWh)")
    else:
        # No per-campaign values: the stored statistics, as a ladder of quantiles.
        rows = [("median (q50)", ens["q50"]), ("q90", ens["q90"]), ("q95", ens["q95"]), ("q99", ens["q99"]),
                ("CVaR 90 %", ens["cvar90"]), ("CVaR 99 %", ens["cvar99"]), ("max", ens["max"])]
        rows = [(label, v) for label, v in rows if np.isfinite(v)]
        if rows or np.isfinite(ens["mean"]):
            y = np.arange(len(rows))[::-1] + 1
            ax.barh(y, [v for _, v in rows], color="#3b75af", height=0.6)
            labels = [label for label, _ in rows]
            if np.isfinite(ens["mean"]):
                lo, hi = ens["ci95_low"], ens["ci95_high"]
                err = (np.array([[ens["mean"] - lo], [hi - ens["mean"]]]) if np.isfinite(lo) and np.isfinite(hi)
                       else None)
                ax.errorbar([ens["mean"]], [0], xerr=err, fmt="o", color="#c0392b", capsize=4)
                y = np.append(y, 0)
                labels.append("mean (95% CI)")
            ax.set_yticks(y)
            ax.set_yticklabels(labels)
            ax.set_xlim(left=0)
            ax.set_xlabel("energy not served in one campaign (MWh)")
        else:
            ax.text(0.5, 0.5, "no campaign in this file", ha="center", transform=ax.transAxes)
        ax.set_title("Energy not served per campaign: quantiles (no per-campaign samples in this file)",
                     fontsize=11)
    ax.grid(True, axis="x", alpha=0.3)
    return save(fig, out_dir, "ens_distribution.png")


def ranked(values, count, *ties):
    """Rows with a positive value, largest first, ties broken by the arrays `ties` (largest first); NaN left out."""
    v = np.asarray(values, dtype=float)
    keys = [-np.nan_to_num(np.asarray(t, dtype=float), nan=-np.inf) for t in reversed(ties)]
    order = np.lexsort(keys + [-np.nan_to_num(v, nan=-np.inf)])  # the last key sorts first; stable
    return [int(i) for i in order if np.isfinite(v[i]) and v[i] > 0][:count]


def campaign_section_buses(c):
    b, H = c["buses"], max(c["H"], 1)
    hours, p, events = b["hours_without_power_mean"], b["drain_probability"], b["drain_events_mean"]
    shown = np.isfinite(b["demand_mw"]).any()

    def row(r, i):
        return ([r, int(b["bus_id"][i])] + ([fmt_mw(b["demand_mw"][i])] if shown else [])
                + [fmt_count(hours[i]), fmt_pct(hours[i] / H), "%.3g" % p[i] if np.isfinite(p[i]) else "n/a",
                   "%.3g" % events[i] if np.isfinite(events[i]) else "n/a"])
    header = (["rank", "bus"] + (["demand (MW)"] if shown else [])
              + ["hours without power (mean)", "share of the campaign", "drain probability", "drain events (mean)"])
    h = ["<h2>Districts without power</h2>",
         "<p>Buses with demand, ranked; a bus stands for the district it supplies. The drain probability is the "
         "share of campaigns in which the district had at least one drain event.</p>",
         "<h3>Top %d by hours without power</h3>" % TOP_BUSES]
    by_hours = ranked(hours, TOP_BUSES, p, events)
    h.append(table(header, [row(r, i) for r, i in enumerate(by_hours, 1)]) if by_hours
             else "<p>No district lost power in any campaign.</p>")
    h.append("<h3>Top %d by drain probability</h3>" % TOP_BUSES)
    by_drain = ranked(p, TOP_BUSES, events, hours)
    h.append(table(header, [row(r, i) for r, i in enumerate(by_drain, 1)]) if by_drain
             else "<p>No district had to drain its heating in any campaign.</p>")
    return h


def campaign_section_targets(c):
    t, H = c["targets"], max(c["H"], 1)
    mixed = any(k != "bus" for k in t["class"])
    order = ranked(t["hours"], TOP_TARGETS, t["destroyed"])
    h = ["<h2>Targets by hours destroyed</h2>"]
    if not order:
        return h + ["<p>No target was destroyed in any campaign.</p>"]
    rows = [[r, t["name"][i]] + ([t["class"][i]] if mixed else [])
            + ["%.3g" % t["destroyed"][i], fmt_count(t["hours"][i]), fmt_pct(t["hours"][i] / H)]
            for r, i in enumerate(order, 1)]
    h.append(table(["rank", "target"] + (["class"] if mixed else [])
                   + ["destructions per campaign (mean)", "hours destroyed (mean)", "share of the campaign"], rows))
    return h


def fig_campaign_network(c, xy, out_dir):
    net, b = c["net"], c["buses"]
    nb = len(net["bus_id"])
    big = nb > 1000
    hours = np.full(nb, np.nan)
    drain = np.zeros(nb)
    known = np.isin(b["bus_id"], net["bus_id"])
    rows = bus_rows(net["bus_id"], b["bus_id"][known])
    hours[rows] = b["hours_without_power_mean"][known]
    drain[rows] = np.nan_to_num(b["drain_probability"][known])
    span = np.ptp(xy, axis=0) + 1e-9
    width = 12 if big else 10
    fig, ax = plt.subplots(figsize=(width, float(np.clip(width * span[1] / span[0], 0.5 * width, 1.3 * width)) + 2))
    seg = np.stack([xy[bus_rows(net["bus_id"], net["branch_from_bus_id"])],
                    xy[bus_rows(net["bus_id"], net["branch_to_bus_id"])]], axis=1)
    ax.add_collection(LineCollection(seg, colors="#c8c8c8", linewidths=0.25 if big else 0.8, zorder=1))
    size = float(np.clip(4000.0 / nb, 2.5, 40))
    unknown = ~np.isfinite(hours)
    ax.scatter(xy[unknown, 0], xy[unknown, 1], s=0.7 * size, c="#a8a8a8", linewidths=0, zorder=3)
    shown = np.flatnonzero(~unknown)
    shown = shown[np.argsort(hours[shown])]  # the darkest drawn last, on top
    vmax = float(np.percentile(hours[shown], 99)) if len(shown) else 1.0
    sc = ax.scatter(xy[shown, 0], xy[shown, 1], s=size, c=hours[shown], cmap=BUS_CMAP, vmin=0,
                    vmax=max(vmax, 1e-9), linewidths=0 if big else 0.2, edgecolors="#555555", zorder=4)
    ringed = np.flatnonzero(drain > 0)
    if len(ringed):
        ax.scatter(xy[ringed, 0], xy[ringed, 1], s=max(8 * size, 40), facecolors="none", edgecolors="#2c7fb8",
                   linewidths=0.5 + 2.5 * drain[ringed], zorder=5)
    for r, i in enumerate(ranked(hours, 5)):  # name the five districts longest without power
        ax.annotate("bus %d (#%d)" % (net["bus_id"][i], r + 1), tuple(xy[i]), xytext=(12, 12),
                    textcoords="offset points", arrowprops=dict(arrowstyle="-", color="#333333", lw=0.8), fontsize=9,
                    zorder=6, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="#555555", alpha=0.85))
    fig.colorbar(sc, ax=ax, fraction=0.035, pad=0.01, extend="max",
                 label="mean hours without power per campaign (colours clipped at the 99th percentile)")
    handles = [Line2D([], [], color="#c8c8c8", lw=1, label="branch"),
               Line2D([], [], marker="o", ls="", color="#a8a8a8", label="bus without demand"),
               Line2D([], [], marker="o", ls="", color="#e34a33", label="bus: colour = hours without power"),
               Line2D([], [], marker="o", ls="", mfc="none", mec="#2c7fb8", mew=1.8, ms=9,
                      label="drained in some campaigns (ring width: probability)")]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    ax.autoscale()
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.suptitle("Network: %d buses, %d branches (Graphviz sfdp layout, not geographic)"
                 % (nb, len(net["branch_from_bus_id"])), fontsize=12)
    return save(fig, out_dir, "network.png", dpi=150 if big else 100)


def campaign_report(c, out_dir):
    """index.html and the figures of a campaign file, into out_dir (checked by the caller)."""
    if "branch_from_bus_id" in c["net"]:
        xy, why_not = sfdp_layout(c)
    else:
        xy, why_not = None, "the file has no branch table under /network"
    os.makedirs(out_dir, exist_ok=True)
    served, ens = fig_served(c, out_dir), fig_ens(c, out_dir)
    if xy is not None:
        network = ["<h3>Network</h3>",
                   "<p>Buses are placed by a graph layout (Graphviz sfdp), not by geography. Colour of a bus: its mean "
                   "hours without power per campaign (grey: no demand). A blue ring: the district was drained in some "
                   "campaigns, the wider the more often. The five districts longest without power are named.</p>",
                   "<img src='%s' alt='network'>" % fig_campaign_network(c, xy, out_dir)]
    else:
        network = ["<h3>Network</h3><p class='warn'>Network picture skipped: %s.</p>" % html.escape(why_not)]
    sampled = "ens_mwh" in c["samples"] and len(c["samples"]["ens_mwh"])
    case = os.path.basename(text(c["attrs"].get("case_path", "?")))
    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>sre campaign report: %s</title>" % html.escape(case),
         "<style>%s</style></head><body>" % CSS,
         "<h1>Winter campaign report: %s</h1>" % html.escape(case)]
    h += campaign_section_settings(c)
    h += campaign_section_summary(c)
    h.append(figure_block(
        "Served fraction over the winter", served,
        "The share of the system's demand served in each hour: the mean over the campaigns, the median, and the band "
        "that holds 5 to 95 % of the campaigns (per-hour quantiles, accurate to 0.001). Red ticks at the top: hours "
        "with a strike wave, darker when the wave came in more campaigns; the lower panel counts the waves per day "
        "(mean over the campaigns)."))
    h.append(figure_block(
        "Energy not served", ens,
        "Energy not served in one campaign, MWh: the distribution over the campaigns." if sampled else
        "Energy not served in one campaign, MWh: the stored quantiles (the file has no per-campaign samples; "
        "<code>--save-samples</code> keeps them for a histogram)."))
    h += campaign_section_buses(c)
    h += network
    h += campaign_section_targets(c)
    h += ["<h2>File</h2>", table(["", "value"], [("results file", c["path"]),
                                               ("format", "%s, version %s" % (text(c["attrs"].get("format", "?")),
                                                                              text(c["attrs"].get("format_version",
                                                                                                  "?"))))])]
    h.append("</body></html>\n")
    write_atomic(out_dir, "index.html", lambda fh: fh.write("\n".join(h).encode("utf-8")))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="results file of `sre run` or `sre campaign` (HDF5)")
    ap.add_argument("-o", "--out", required=True, help="output directory (created)")
    ap.add_argument("--plan", help="output of `sre defend --json` (greedy steps)")
    a = ap.parse_args(argv)
    try:
        s = read_results(a.results)
        if s.get("kind") == "campaign":
            if a.plan:
                raise InputError("--plan applies to `sre run` results; %s is a campaign file" % a.results)
            check_output(a.out, CAMPAIGN_OUTPUTS)
    except InputError as e:
        sys.exit("report.py: %s" % e)
    if s.get("kind") == "campaign":
        campaign_report(s, a.out)
        print("report: %s" % os.path.join(a.out, "index.html"))
        return
    try:
        plan = read_plan(a.plan) if a.plan else None
        names = ["index.html", "shed_histogram.png", "exceedance.png", "convergence.png", "targets.png", "network.png"]
        check_output(a.out, names + (["defence_steps.png"] if plan else []))
    except InputError as e:
        sys.exit("report.py: %s" % e)
    xy, why_not = sfdp_layout(s)
    os.makedirs(a.out, exist_ok=True)
    figs = {"hist": fig_histogram(s, a.out), "exceed": fig_exceedance(s, a.out), "conv": fig_convergence(s, a.out)}
    rows = top_targets(s)
    figs["targets"] = fig_targets(s, rows, a.out)
    planned = set(map(str, plan.get("plan", []))) if plan else set()
    defended = {i for i, name in enumerate(s["targets"]["name"]) if name in planned}
    network = section_network(s, fig_network(s, xy, defended, a.out) if xy is not None else None, why_not)
    plan_html = section_plan(s, plan, fig_plan(plan, a.out)) if plan else []
    write_html(s, a.out, figs, rows, network, plan_html)
    print("report: %s" % os.path.join(a.out, "index.html"))


if __name__ == "__main__":
    main()
