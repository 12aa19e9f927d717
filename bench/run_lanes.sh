#!/usr/bin/env bash
# Batched backward solves, end to end: dc, k = 3, one thread, default dispatch, runs
# alternating SRE_BATCH_LANES=1 (one sample at a time) and 4 (the default: four samples'
# backward solves in one pass), median samples/s of REPS runs each. Alternating runs
# keep the comparison fair on a noisy machine.
#   bench/run_lanes.sh [BUILD_DIR]      (REPS=5 runs each; SCALE scales the sample counts)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRE=${1:-$ROOT/build}/sre
REPS=${REPS:-5}
SCALE=${SCALE:-1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for spec in "pglib_opf_case2383wp_k 60000" "case9241pegase 20000"; do
  read -r name n <<<"$spec"
  n=$(awk -v n="$n" -v s="$SCALE" 'BEGIN {print int(n * s)}')
  declare -A rates=()
  for _ in $(seq "$REPS"); do
    for lanes in 1 4; do
      rate=$(SRE_BATCH_LANES=$lanes "$SRE" run --case "$ROOT/data/cases/$name.m" --k 3 --response dc --samples "$n" \
        --threads 1 --quiet --out "$TMP/r.h5" 2>&1 | sed -n 's/.*(\([0-9]*\) samples\/s).*/\1/p')
      rates[$lanes]="${rates[$lanes]:-} $rate"
    done
  done
  for lanes in 1 4; do
    echo "$name lanes $lanes: median $(tr ' ' '\n' <<<"${rates[$lanes]}" | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') samples/s (runs:${rates[$lanes]})"
  done
  unset rates
done
