#!/usr/bin/env bash
# N-k branch contingencies: exhaustive N-1 and 10,000 random 3-branch sets on case118,
# case2383wp_k and case9241pegase (response dc, the file's set-points, one thread), end
# to end by `sre run` and compute only by the Google Benchmark (bench/nk_bench.cpp), with
# the floor (one full base-factor solve and the flows) and lightsim2grid's quoted rates.
# Prints a markdown table of medians of REPS runs (docs/performance.md, "N-k branch
# contingencies").
#   bench/run_nk.sh [BUILD_DIR]     REPS=3; SKIP_BUILD=1 uses the build as it is;
#                                   MACHINE names the raw files (default: the host name)
# Raw results: bench/results/MACHINE-DATE-nk.json (Google Benchmark's JSON) and
# bench/results/MACHINE-DATE-nk-runs.json (every sre run's rate, and the islanding shares).
# The share islanding: samples whose /samples/n_islands (one --save-samples run per study,
# not timed) exceeds the intact network's islands (`sre info`).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${1:-build}
REPS=${REPS:-3}
MACHINE=${MACHINE:-$(hostname -s)}
PY=${PYTHON:-/usr/bin/python3}  # needs h5py
SRE=$BUILD_DIR/sre
BENCH=$BUILD_DIR/bench/sre_bench

if [[ -z ${SKIP_BUILD:-} ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSRE_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target sre sre_bench -j"$(nproc)" >/dev/null
fi

# One file per run, never overwriting an older one (bench/results/README.md).
STEM=bench/results/$MACHINE-$(date -u +%F)-nk
[[ -e $STEM.json || -e $STEM-runs.json ]] && STEM=$STEM-$(date -u +%H%M%S)
JSON=$STEM.json
RUNS_JSON=$STEM-runs.json
mkdir -p bench/results
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# name | case file
CASES=(
  "case118 pglib_opf_case118_ieee"
  "case2383wp_k pglib_opf_case2383wp_k"
  "case9241pegase case9241pegase"
)
# study | sre run options beyond the common ones
STUDIES=(
  "n1 --strike exhaustive --k 1"
  "k3 --strike uniform --k 3 --samples 10000"
)
COMMON=(--targets branch --response dc --dispatch case --threads 1 --quiet)

: >"$TMP/runs.txt"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for spec in "${CASES[@]}"; do
  read -r name file <<<"$spec"
  case_path=data/cases/$file.m
  islands=$("$SRE" info --case "$case_path" --dispatch case | awk '$1 == "islands" {print $2}')
  for study in "${STUDIES[@]}"; do
    read -r sname sopts <<<"$study"
    # shellcheck disable=SC2086  # sopts is a list of options
    "$SRE" run --case "$case_path" $sopts "${COMMON[@]}" --save-samples --out "$TMP/$name-$sname-samples.h5" >/dev/null
    echo "samples $name $sname $islands $TMP/$name-$sname-samples.h5" >>"$TMP/runs.txt"
  done
  # Timed runs: the two studies alternate, REPS times each.
  for rep in $(seq "$REPS"); do
    for study in "${STUDIES[@]}"; do
      read -r sname sopts <<<"$study"
      # shellcheck disable=SC2086
      "$SRE" run --case "$case_path" $sopts "${COMMON[@]}" --out "$TMP/r.h5" >/dev/null
      "$PY" -c 'import h5py, sys
f = h5py.File(sys.argv[1], "r")
print(f["/runtime/samples_per_second"][()], f["/runtime/sampling_seconds"][()], int(f.attrs["samples"]))' "$TMP/r.h5" |
        while read -r rate secs n; do echo "run $name $sname $rep $rate $secs $n" >>"$TMP/runs.txt"; done
    done
  done
done

# Compute only: medians of REPS repetitions (CPU time).
"$BENCH" --benchmark_filter='^BM_NK_(Contingency|ContingencyOne|Phases|Floor|Flows)/' \
  --benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true \
  --benchmark_out="$JSON" --benchmark_out_format=json >/dev/null 2>"$TMP/bench.err" || {
  cat "$TMP/bench.err" >&2
  exit 1
}

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

"$PY" - "$TMP/runs.txt" "$JSON" "$RUNS_JSON" "$REPS" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import json, statistics, sys
import h5py
import numpy as np

runs_txt, bench_json, runs_json, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
load_before, load_after = sys.argv[5], sys.argv[6]
CASES = ["case118", "case2383wp_k", "case9241pegase"]
# lightsim2grid 0.13 (KLU), one thread, dc, compute only, 10,000 random 3-branch sets;
# it skips every contingency that islands the network (the share given).
LIGHTSIM = {"case118": (123000, 0.15), "case2383wp_k": (4900, 0.53), "case9241pegase": (735, 0.28)}
TARGET = {"case118": 3, "case2383wp_k": 10, "case9241pegase": 10}

runs, share, dead = {}, {}, {}
for line in open(runs_txt):
    w = line.split()
    if w[0] == "samples":
        _, name, study, islands, path = w
        with h5py.File(path, "r") as f:
            n_islands = f["/samples/n_islands"][()]
            n_dead = f["/samples/n_dead_islands"][()]
        share[(name, study)] = float(np.mean(n_islands > int(islands)))
        dead[(name, study)] = float(np.mean(n_dead > 0))
    else:
        _, name, study, rep, rate, secs, n = w
        runs.setdefault((name, study), []).append({"rate": float(rate), "sampling_seconds": float(secs), "samples": int(n)})

data = json.load(open(bench_json))
scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
med = {}  # the median of the repetitions (REPS = 1: the one run)
for b in data["benchmarks"]:
    if b.get("error_occurred"):
        continue
    if b.get("aggregate_name") == "median" or (reps == 1 and b.get("run_type") == "iteration"):
        med[b["run_name"]] = b

def per_item_us(name):  # CPU microseconds per contingency (or per floor solve)
    return 1e6 / med[name]["items_per_second"]

out = {"machine_context": data["context"], "reps": reps, "load_average_before": load_before,
       "load_average_after": load_after, "studies": []}
for name in CASES:
    for study in ("n1", "k3"):
        r = runs[(name, study)]
        out["studies"].append({"case": name, "study": study, "runs": r,
                               "median_rate": statistics.median(x["rate"] for x in r),
                               "contingencies": r[0]["samples"], "islanding_share": share[(name, study)],
                               "dead_island_share": dead[(name, study)]})
json.dump(out, open(runs_json, "w"), indent=1)

def rate(name, study):
    return statistics.median(x["rate"] for x in runs[(name, study)])

print()
print(f"Medians of {reps} runs; `sre run` rates are wall clock, compute-only and floor are CPU time "
      f"({data['context'].get('num_cpus')} CPUs, {data['context'].get('date')}; load average {load_before} "
      f"before, {load_after} after).")
print()
print("| case | N-1: contingencies | N-1: per s, sre run | N-1: islanding | 3-branch x 10,000: per s, sre run "
      "| 3-branch: islanding | compute only, us per contingency (N-1 / 3-branch) | floor, us | x floor (N-1 / 3-branch) "
      "| lightsim2grid 3-branch per s (islanding, skipped) | ours / lightsim2grid, compute only / sre run (target) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name in CASES:
    n1 = per_item_us(f"BM_NK_Contingency/{name}/1")
    k3 = per_item_us(f"BM_NK_Contingency/{name}/3")
    floor = per_item_us(f"BM_NK_Floor/{name}")
    ls, ls_share = LIGHTSIM[name]
    c = runs[(name, "n1")][0]["samples"]
    print(f"| {name} | {c:,} | {rate(name, 'n1'):,.0f} | {100 * share[(name, 'n1')]:.1f} % "
          f"| {rate(name, 'k3'):,.0f} | {100 * share[(name, 'k3')]:.1f} % "
          f"| {n1:.2f} / {k3:.2f} | {floor:.2f} | {n1 / floor:.2f} / {k3 / floor:.2f} "
          f"| {ls:,} ({100 * ls_share:.0f} %) | {1e6 / k3 / ls:.1f}x / {rate(name, 'k3') / ls:.1f}x ({TARGET[name]}x) |")

print()
print("Where a contingency's time goes, one at a time (BM_NK_Phases, CPU us; the solve's backward pass unshared):")
print()
phases = ["reset_us", "islands_us", "balance_us", "fwd_woodbury_us", "bwd_flows_us", "overloads_us"]
print("| case, study | " + " | ".join(p[:-3] for p in phases) + " | sum | one at a time (ContingencyOne) | 4 lanes (Contingency) | angles and flows alone (Flows) |")
print("|---|" + "---|" * (len(phases) + 4))
for name in CASES:
    for k in (1, 3):
        b = med[f"BM_NK_Phases/{name}/{k}"]
        vals = [b[p] for p in phases]
        print(f"| {name}, {'N-1' if k == 1 else '3-branch'} | " + " | ".join(f"{v:.2f}" for v in vals) +
              f" | {sum(vals):.2f} | {per_item_us(f'BM_NK_ContingencyOne/{name}/{k}'):.2f} "
              f"| {per_item_us(f'BM_NK_Contingency/{name}/{k}'):.2f} | {per_item_us(f'BM_NK_Flows/{name}'):.2f} |")
PY
echo
echo "raw results: $ROOT/$JSON, $ROOT/$RUNS_JSON"
