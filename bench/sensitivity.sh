#!/usr/bin/env bash
# The sensitivity table of docs/model.md: how the load shed a study reports depends on
# the response, the protection tolerance and the base dispatch. For each case, every
# single-substation loss (exhaustive k = 1) and sampled triples (uniform k = 3), under
# topology, cascade (tol 0, 0.2, 0.5), opf and operator (tol 0.5), each on the dispatches
# case, dcopf and scopf: mean shed (% of demand) and P(shed > 10 % of demand).
#   bench/sensitivity.sh [BUILD_DIR]
#   CASES="pglib_opf_case118_ieee ..." K3_SAMPLES=2000 bench/sensitivity.sh   (defaults below)
# Prints a Markdown table (one row per case, strike and response; one column pair per
# dispatch). A run that fails (e.g. no gencost for an OPF dispatch) prints "-".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
SRE=$BUILD_DIR/sre
PY=/usr/bin/python3  # Debian's, with h5py
CASES=${CASES:-"pglib_opf_case118_ieee pglib_opf_case1354_pegase pglib_opf_case2383wp_k case9241pegase"}
K3_SAMPLES=${K3_SAMPLES:-2000}
THREADS=${THREADS:-0}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

# figures FILE -> "mean_percent p10"
figures() {
  $PY - "$1" <<'EOF'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
g = f["/summary/shed_fraction"]
levels = np.asarray(g["exceedance_levels"][()])
j = int(np.argmin(np.abs(levels - 0.10)))
print(f"{100.0 * g['mean'][()]:.3f} {g['exceedance_probability'][()][j]:.4f}")
EOF
}

responses=("topology|--response topology" "cascade tol 0|--response cascade --tol 0" "cascade tol 0.2|--response cascade --tol 0.2"
           "cascade tol 0.5|--response cascade --tol 0.5" "opf|--response opf" "operator tol 0.5|--response operator --tol 0.5")
dispatches=(case dcopf scopf)

echo "| case | strikes | response | case: mean % | P(>10 %) | dcopf: mean % | P(>10 %) | scopf: mean % | P(>10 %) |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in $CASES; do
  for strike in "exhaustive k=1|--strike exhaustive --k 1" "uniform k=3|--strike uniform --k 3 --samples $K3_SAMPLES"; do
    IFS='|' read -r strike_name strike_args <<<"$strike"
    for r in "${responses[@]}"; do
      IFS='|' read -r response_name response_args <<<"$r"
      row="| ${c#pglib_opf_} | $strike_name | $response_name |"
      for d in "${dispatches[@]}"; do
        # The scopf dispatch's post-contingency limit follows --tol: the study's own.
        # shellcheck disable=SC2086
        if "$SRE" run --case "$ROOT/data/cases/$c.m" $strike_args $response_args --dispatch "$d" --seed 1 \
             --threads "$THREADS" --quiet --out "$TMP/r.h5" > "$TMP/log" 2>&1; then
          read -r mean p10 <<<"$(figures "$TMP/r.h5")"
          row="$row $mean | $p10 |"
        else
          row="$row - | - |"
        fi
      done
      echo "$row"
    done
  done
done
