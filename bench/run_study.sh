#!/usr/bin/env bash
# Monte Carlo study throughput: case x response x k x threads with the default
# solver, samples/s and peak memory read from each results file (/runtime), then
# the memory-flatness check (peak RSS at 10 thousand vs 1 million samples) and a
# 1-million-sample dc study of case2383wp_k end to end.
#   bench/run_study.sh [BUILD_DIR]     (SCALE=<float> scales every sample count)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
SCALE=${SCALE:-1}
SRE=$BUILD_DIR/sre
PY=/usr/bin/python3
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

runtime() {  # runtime FILE -> "samples_per_second peak_rss_mb"
  $PY -c 'import h5py,sys; f=h5py.File(sys.argv[1]); print(f["/runtime/samples_per_second"][()], f["/runtime/peak_rss_mb"][()])' "$1"
}

printf '%-15s %-9s %3s %3s %8s %12s %12s %9s\n' case response k thr samples samples/s per-core peak-MB
for spec in "pglib_opf_case118_ieee case118 20000" "pglib_opf_case2383wp_k case2383wp_k 5000" "case9241pegase case9241pegase 1000"; do
  read -r file name n <<<"$spec"
  n=$($PY -c "print(max(64, int($n * $SCALE)))")
  for response in topology dc cascade; do
    for k in 3 10; do
      for thr in 1 2; do
        "$SRE" run --case "$ROOT/data/cases/$file.m" --k $k --response $response --samples $n --threads $thr \
          --quiet --out "$TMP/r.h5" > /dev/null
        read -r sps rss <<<"$(runtime "$TMP/r.h5")"
        printf '%-15s %-9s %3d %3d %8d %12.0f %12.0f %9.1f\n' "$name" $response $k $thr $n "$sps" \
          "$($PY -c "print($sps / $thr)")" "$rss"
      done
    done
  done
done

echo
echo "memory flatness (case118, topology, k=3, 2 threads):"
for n in 10000 1000000; do
  "$SRE" run --case "$ROOT/data/cases/pglib_opf_case118_ieee.m" --k 3 --response topology --samples $n \
    --threads 2 --quiet --out "$TMP/m.h5" > /dev/null
  read -r sps rss <<<"$(runtime "$TMP/m.h5")"
  printf '  %8d samples: peak %.1f MB\n' $n "$rss"
done

echo
echo "1-million-sample dc study of case2383wp_k, k=3, 2 threads, end to end:"
start=$(date +%s.%N)
"$SRE" run --case "$ROOT/data/cases/pglib_opf_case2383wp_k.m" --k 3 --response dc --samples 1000000 --threads 2 \
  --quiet --out "$TMP/big.h5" > /dev/null
end=$(date +%s.%N)
read -r sps rss <<<"$(runtime "$TMP/big.h5")"
printf '  wall %.1f s (sampling %.0f samples/s), peak %.1f MB\n' "$($PY -c "print($end - $start)")" "$sps" "$rss"
