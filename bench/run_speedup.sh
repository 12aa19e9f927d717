#!/usr/bin/env bash
# Fast over reference, measured fairly on a noisy machine: for each case, runs alternate
# `--solver reference` and `--solver fast` (k = 3, one thread, default dispatch), REPS
# times each, and the speed-up is the ratio of the median rates (unrounded, from each
# results file's /runtime/samples_per_second).
#   bench/run_speedup.sh [BUILD_DIR]     (RESPONSE=cascade|dc|topology, default cascade;
#                                          REPS=5; SCALE scales the sample counts)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRE=${1:-$ROOT/build}/sre
RESPONSE=${RESPONSE:-cascade}
REPS=${REPS:-5}
SCALE=${SCALE:-1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# case | samples for the reference path | samples for the fast path
CASES=(
  "pglib_opf_case2383wp_k 300 3000"
  "case9241pegase 24 300"
)
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-24s %-9s %14s %14s %9s\n' case response "reference/s" "fast/s" speed-up
for spec in "${CASES[@]}"; do
  read -r name nref nfast <<<"$spec"
  ref="" fast=""
  for _ in $(seq "$REPS"); do
    for solver in reference fast; do
      n=$nfast
      [[ $solver == reference ]] && n=$nref
      n=$(awk -v n="$n" -v s="$SCALE" 'BEGIN {m = int(n * s); print m < 8 ? 8 : m}')
      "$SRE" run --case "$ROOT/data/cases/$name.m" --k 3 --response "$RESPONSE" --solver "$solver" --samples "$n" \
        --threads 1 --quiet --out "$TMP/r.h5" >/dev/null
      rate=$(h5dump -d /runtime/samples_per_second "$TMP/r.h5" | sed -n 's/.*(0): \([0-9.e+-]*\).*/\1/p')
      if [[ $solver == reference ]]; then ref="$ref $rate"; else fast="$fast $rate"; fi
    done
  done
  r=$(median <<<"$ref")
  f=$(median <<<"$fast")
  printf '%-24s %-9s %14.1f %14.1f %8.1fx\n' "$name" "$RESPONSE" "$r" "$f" "$(awk -v f="$f" -v r="$r" 'BEGIN {print f / r}')"
  echo "  runs: reference$ref; fast$fast"
done
