#!/usr/bin/env bash
# Winter campaigns (docs/performance.md, "Winter campaigns"): campaigns per CPU second on
# case2383wp_k and case9241pegase (90 days, winter profile, poisson:8.5, k = 5, repairs
# 14:0.5, transient cascade, steady topology and opf, dispatch dcopf; bench/campaign_bench.cpp),
# the cost of one campaign over (events in it x one single-strike evaluation), and 10,000
# campaigns of case2383wp_k end to end by `sre campaign` on all cores. Prints a markdown
# table of medians of REPS repetitions.
#   bench/run_campaign.sh [BUILD_DIR]   REPS=3; SKIP_BUILD=1; MACHINE names the raw file;
#                                       CAMPAIGNS=10000 (the end-to-end run; 0 skips it)
# Raw results: bench/results/MACHINE-DATE-campaign.json (Google Benchmark's JSON).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${1:-build}
REPS=${REPS:-3}
CAMPAIGNS=${CAMPAIGNS:-10000}
MACHINE=${MACHINE:-$(hostname -s)}
PY=${PYTHON:-/usr/bin/python3}  # needs h5py
SRE=$BUILD_DIR/sre
BENCH=$BUILD_DIR/bench/sre_bench
if [[ -z ${SKIP_BUILD:-} ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSRE_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target sre sre_bench -j"$(nproc)" >/dev/null
fi
STEM=bench/results/$MACHINE-$(date -u +%F)-campaign
[[ -e $STEM.json ]] && STEM=$STEM-$(date -u +%H%M%S)
mkdir -p bench/results
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$BENCH" --benchmark_filter='^BM_Campaign' --benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true \
  --benchmark_out="$STEM.json" --benchmark_out_format=json >/dev/null 2>"$TMP/bench.err" || {
  cat "$TMP/bench.err" >&2
  exit 1
}
E2E=""
if [[ $CAMPAIGNS -gt 0 ]]; then
  "$SRE" campaign --case data/cases/pglib_opf_case2383wp_k.m --k 5 --response cascade --dispatch dcopf \
    --samples "$CAMPAIGNS" --quiet --out "$TMP/e2e.h5" >/dev/null
  E2E=$("$PY" -c 'import h5py, sys
f = h5py.File(sys.argv[1], "r")
print(f["/runtime/sampling_seconds"][()], f["/runtime/threads"][()])' "$TMP/e2e.h5")
fi

"$PY" - "$STEM.json" "$CAMPAIGNS" "$E2E" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
campaigns, e2e = int(sys.argv[2]), sys.argv[3].split()
scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
med = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name", "median") != "median":
        continue
    name = b["run_name"].split("/min_time")[0]
    med[name] = dict(cpu=b["cpu_time"] * scale[b["time_unit"]], events=b.get("events"), evals=b.get("evaluations"))
print("| case | steady | campaigns / CPU s | ms / campaign | events | evaluations | k=5 strike (us) | ratio | target |")
print("|---|---|---|---|---|---|---|---|---|")
for case in ["case2383wp_k", "case9241pegase"]:
    strike = med["BM_CampaignStrike/" + case]["cpu"]
    for steady in ["topology", "opf"]:
        m = med["BM_Campaign/%s/%s" % (case, steady)]
        ratio = m["cpu"] / (m["events"] * strike)
        print("| %s | %s | %.2f | %.1f | %.1f | %.1f | %.1f | %.2f | %s |" % (
            case, steady, 1 / m["cpu"], m["cpu"] * 1e3, m["events"], m["evals"], strike * 1e6, ratio,
            "<= 3" if steady == "topology" else "-"))
if e2e:
    secs, threads = float(e2e[0]), int(e2e[1])
    print()
    print("end to end: %d campaigns of case2383wp_k (steady topology) in %.1f s on %d threads (target: under 600 s)"
          % (campaigns, secs, threads))
print()
print("raw results:", sys.argv[1])
PY
