#!/usr/bin/env bash
# Throughput of the responses under the default dispatch (scopf) and tol (0.5): samples/s
# of cascade, operator and opf, k = 3 uniform strikes, in one run per case, and the
# operator's share of the cascade's (the model 1.4 target: at least 25 %).
#   bench/run_responses.sh [BUILD_DIR]      (THREADS=2, SAMPLES=20000 by default)
# samples/s are read from each results file's /runtime (sampling only, not the set-up).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
SRE=$BUILD_DIR/sre
PY=/usr/bin/python3
THREADS=${THREADS:-2}
SAMPLES=${SAMPLES:-20000}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

rate() { $PY -c 'import h5py,sys; print(h5py.File(sys.argv[1])["/runtime/samples_per_second"][()])' "$1"; }

printf '%-22s %12s %12s %12s %10s\n' case cascade operator opf operator/cascade
for c in pglib_opf_case1354_pegase pglib_opf_case2383wp_k; do
  declare -A r=()
  for response in cascade operator opf; do
    "$SRE" run --case "$ROOT/data/cases/$c.m" --k 3 --response $response --samples "$SAMPLES" --threads "$THREADS" \
      --quiet --out "$TMP/r.h5" > /dev/null 2>&1
    r[$response]=$(rate "$TMP/r.h5")
  done
  printf '%-22s %12.0f %12.0f %12.0f %9.1f%%\n' "${c#pglib_opf_}" "${r[cascade]}" "${r[operator]}" "${r[opf]}" \
    "$($PY -c "print(100 * ${r[operator]} / ${r[cascade]})")"
done
