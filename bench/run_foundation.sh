#!/usr/bin/env bash
# Build sre_bench (Release) and run the foundation benchmarks, 5 repetitions
# each, then print a table of medians plus Eigen-vs-CHOLMOD ratios.
#   bench/run_foundation.sh [FILTER_REGEX] [extra --benchmark_* args...]
# Raw JSON goes to bench/results/MACHINE-DATE-foundation.json (MACHINE: $MACHINE, else
# the host name), the file docs/performance.md's foundation table cites.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

FILTER='^BM_(Parse|BuildNetwork|Factorise_|Refactorise_|Solve_|DcPowerFlow)'
if [[ $# -gt 0 && "$1" != -* ]]; then
  FILTER=$1
  shift
fi
BUILD_DIR=build
JSON=bench/results/${MACHINE:-$(hostname -s)}-$(date -u +%F)-foundation.json

# Configure Release and build only the benchmark program.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSRE_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target sre_bench -j"$(nproc)"

mkdir -p "$(dirname "$JSON")"
"$BUILD_DIR/bench/sre_bench" --benchmark_filter="$FILTER" \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$JSON" --benchmark_out_format=json "$@"

# Median table: one row per benchmark and case.
python3 - "$JSON" <<'PY'
import json, sys

data = json.load(open(sys.argv[1]))
scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

def fmt(seconds):
    for unit, f in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= f:
            return f"{seconds / f:8.3f} {unit}"
    return f"{seconds / 1e-9:8.1f} ns"

rows = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") != "median" or b.get("error_occurred"):
        continue
    name, _, case = b["run_name"].partition("/")
    s = scale[b.get("time_unit", "ns")]
    rows[(name, case)] = (b["real_time"] * s, b["cpu_time"] * s, b)

# Fixed row order (random interleaving shuffles the JSON): known benchmarks
# first, then by name; cases by the number in their name.
ORDER = ["BM_Parse", "BM_BuildNetwork", "BM_Factorise_EigenLDLT", "BM_Factorise_Cholmod",
         "BM_Refactorise_EigenLDLT", "BM_Refactorise_Cholmod", "BM_Solve_EigenLDLT",
         "BM_Solve_Cholmod", "BM_DcPowerFlow"]
def key(k):
    name, case = k
    digits = "".join(ch for ch in case if ch.isdigit())
    return (ORDER.index(name) if name in ORDER else len(ORDER), name, int(digits or 0), case)
rows = dict(sorted(rows.items(), key=lambda kv: key(kv[0])))

print()
print(f"Medians of 5 repetitions ({data['context'].get('num_cpus')} CPUs, {data['context'].get('date')})")
print(f"{'benchmark':<26} {'case':<16} {'real':>11} {'cpu':>11} {'n':>7} {'nnz(L)':>8}")
print("-" * 84)
for (name, case), (real, cpu, b) in rows.items():
    n = f"{b['n']:.0f}" if "n" in b else ""
    nnz = f"{b['nnz_L']:.0f}" if "nnz_L" in b else ""
    print(f"{name:<26} {case:<16} {fmt(real):>11} {fmt(cpu):>11} {n:>7} {nnz:>8}")

# Eigen SimplicialLDLT vs CHOLMOD (cpu time; > 1 means CHOLMOD is faster).
pairs = [(op, case) for op in ("Factorise", "Refactorise", "Solve") for (name, case) in rows
         if name == f"BM_{op}_EigenLDLT" and (f"BM_{op}_Cholmod", case) in rows]
if pairs:
    print()
    print(f"{'operation':<12} {'case':<16} {'Eigen cpu':>11} {'CHOLMOD cpu':>11} {'Eigen/CHOLMOD':>14}")
    print("-" * 68)
    for op, case in pairs:
        e = rows[(f"BM_{op}_EigenLDLT", case)][1]
        c = rows[(f"BM_{op}_Cholmod", case)][1]
        print(f"{op:<12} {case:<16} {fmt(e):>11} {fmt(c):>11} {e / c:>14.2f}")
PY
echo
echo "raw results: $ROOT/$JSON"
