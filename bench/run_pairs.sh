#!/usr/bin/env bash
# Two sre binaries (e.g. a build of an older commit and build/sre) compared fairly on a noisy
# machine: REPS pairs of one-thread runs, A then B back to back; prints both rates (samples/s,
# from each results file's /runtime) and the median of the pairs' ratios B / A.
#   bench/run_pairs.sh A_SRE B_SRE     (CASE=pglib_opf_case2383wp_k, RESPONSE=cascade,
#                                       SAMPLES=2000, REPS=10, K=3)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
A=${1:?usage: bench/run_pairs.sh A_SRE B_SRE}
B=${2:?usage: bench/run_pairs.sh A_SRE B_SRE}
CASE=${CASE:-pglib_opf_case2383wp_k}
RESPONSE=${RESPONSE:-cascade}
SAMPLES=${SAMPLES:-2000}
REPS=${REPS:-10}
K=${K:-3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rate() {
  "$1" run --case "$ROOT/data/cases/$CASE.m" --k "$K" --response "$RESPONSE" --samples "$SAMPLES" --threads 1 \
    --quiet --out "$TMP/r.h5" >/dev/null
  h5dump -d /runtime/samples_per_second "$TMP/r.h5" | sed -n 's/.*(0): \([0-9.e+-]*\).*/\1/p'
}
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ra="" rb="" ratios=""
for _ in $(seq "$REPS"); do
  a=$(rate "$A")
  b=$(rate "$B")
  ra="$ra $a" rb="$rb $b"
  ratios="$ratios $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b / a}')"
done
echo "$CASE $RESPONSE, $SAMPLES samples, $REPS pairs"
echo "  A:$ra"
echo "  B:$rb"
echo "  B/A per pair:$ratios"
echo "  medians: A $(median <<<"$ra"), B $(median <<<"$rb"), ratio $(median <<<"$ratios")"
