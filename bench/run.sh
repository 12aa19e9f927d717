#!/usr/bin/env bash
# Fast-solver performance table: case x response x solver x threads, from
# `sre run --quiet --k 3 --samples N --threads T`, with the fast/reference
# speed-up, peak memory (max RSS of the process) and the floor: one full solve
# with the base factor (BM_Kernels_BaseSolve from sre_bench).
#   bench/run.sh [BUILD_DIR]        (default: build; set SKIP_BUILD=1 to use it as is)
# Environment: SCALE=<float> multiplies every sample count (default 1).
# Sample counts are small so the whole table runs in a few minutes on 2 cores; a
# 2-thread run gets at least one block of 256 samples per thread.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
SCALE=${SCALE:-1}
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSRE_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target sre sre_bench -j2 >/dev/null
fi
SRE="$BUILD_DIR/sre"
BENCH="$BUILD_DIR/bench/sre_bench"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The floor: one full solve with the base factor, per case (microseconds).
"$BENCH" --benchmark_filter='^BM_Kernels_BaseSolve/' --benchmark_min_time=0.2 \
  --benchmark_out="$TMP/floor.json" --benchmark_out_format=json >/dev/null 2>&1 || true

# case file | short name | samples for the reference path | samples for the fast path
CASES=(
  "pglib_opf_case118_ieee.m case118 2000 20000"
  "pglib_opf_case1354_pegase.m case1354 300 5000"
  "pglib_opf_case2383wp_k.m case2383wp_k 200 5000"
  "case9241pegase.m case9241pegase 24 1500"
)

echo "case response solver threads samples samples_per_s maxrss_mb" > "$TMP/rows.txt"
for spec in "${CASES[@]}"; do
  read -r file name nref nfast <<<"$spec"
  for response in topology dc cascade; do
    for solver in reference fast; do
      n=$nfast
      [[ $solver == reference && $response != topology ]] && n=$nref
      n=$(python3 -c "print(max(16, int($n * $SCALE)))")
      for threads in 1 2; do
        # Samples go to threads in blocks of 256 (kSampleBlock): fewer than one block per
        # thread would leave a thread idle and halve the rate the row reports.
        nt=$(( n > threads * 256 || threads == 1 ? n : threads * 256 ))
        out="$TMP/out.h5"
        /usr/bin/time -f "%M" -o "$TMP/rss" "$SRE" run --case "$ROOT/data/cases/$file" --quiet --k 3 \
          --samples "$nt" --threads "$threads" --response "$response" --solver "$solver" --out "$out" \
          >"$TMP/stdout" 2>"$TMP/stderr" || { echo "FAILED: $name $response $solver $threads" >&2; cat "$TMP/stderr" >&2; continue; }
        # The results file's rate is unrounded (the printed one is whole samples/s).
        rate=$(h5dump -d /runtime/samples_per_second "$out" 2>/dev/null | sed -n 's/.*(0): \([0-9.e+-]*\).*/\1/p' | head -1)
        if [[ -z "$rate" ]]; then
          rate=$(sed -n 's/.*samples [0-9]* in .* on [0-9]* threads (\([0-9.]*\) samples\/s).*/\1/p' "$TMP/stdout" | head -1)
        fi
        rss=$(python3 -c "print(round($(cat "$TMP/rss") / 1024, 1))")
        echo "$name $response $solver $threads $nt ${rate:-nan} $rss" >> "$TMP/rows.txt"
      done
    done
  done
done

python3 - "$TMP/rows.txt" "$TMP/floor.json" <<'PY'
import json, sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()[1:]]
floor = {}
try:
    for b in json.load(open(sys.argv[2]))["benchmarks"]:
        scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "us")]
        floor[b["name"].split("/")[1]] = b["real_time"] * scale
except Exception:
    pass
rate = {(r[0], r[1], r[2], r[3]): float(r[5]) for r in rows}
hdr = f"{'case':15} {'response':9} {'solver':9} {'thr':>3} {'samples':>7} {'samples/s':>11} {'per core':>10} {'speed-up':>8} {'peak MB':>8} {'us/sample':>10} {'floor us':>9} {'x floor':>8}"
print(hdr)
print("-" * len(hdr))
for r in rows:
    case, resp, solver, thr, n, sps, rss = r
    sps = float(sps); thr_i = int(thr)
    ref = rate.get((case, resp, "reference", thr))
    speed = f"{sps / ref:8.1f}" if solver == "fast" and ref else f"{'':8}"
    us = 1e6 * thr_i / sps if sps > 0 else float("nan")
    fl = floor.get(case)
    xf = f"{us / fl:8.1f}" if fl else f"{'':8}"
    fls = f"{fl:9.1f}" if fl else f"{'':9}"
    print(f"{case:15} {resp:9} {solver:9} {thr:>3} {n:>7} {sps:11.0f} {sps / thr_i:10.0f} {speed} {float(rss):8.1f} {us:10.1f} {fls} {xf}")
print("\nper core = samples/s / threads; us/sample = threads / (samples/s); floor = one full solve with the base factor;")
print("x floor = us/sample / floor (the whole sample, including islands and balancing, vs one solve).")
PY
