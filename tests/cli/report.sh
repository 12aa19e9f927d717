#!/usr/bin/env bash
# scripts/report.py: a small study, a defence plan, the report; PNGs valid and referenced.
# usage: bash report.sh <path-to-sre> <source-dir>
set -euo pipefail
SRE=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/cli/lib.bash"
PY=$(require_python h5py matplotlib)
CASE=$SRC/data/cases/pglib_opf_case14_ieee.m
"$SRE" run --case "$CASE" --samples 3000 --k 2 --threads 2 --quiet --out "$T/r.h5" > /dev/null
"$SRE" defend --case "$CASE" --k 2 --budget 2 --samples 500 --threads 2 --out "$T/plan.csv" --json > "$T/steps.json"
"$PY" "$SRC/scripts/report.py" "$T/r.h5" -o "$T/rep" --plan "$T/steps.json" > /dev/null
[ -f "$T/rep/index.html" ] || fail "no index.html"
for png in shed_histogram exceedance convergence targets defence_steps; do
  f="$T/rep/$png.png"
  [ -s "$f" ] || fail "missing $png.png"
  [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$png.png is not a PNG"
  grep -q "src='$png.png'" "$T/rep/index.html" || fail "index.html does not show $png.png"
done
# Without --plan: no plan figure.
"$PY" "$SRC/scripts/report.py" "$T/r.h5" -o "$T/rep2" > /dev/null
[ ! -e "$T/rep2/defence_steps.png" ] || fail "plan figure without --plan"
echo "report.sh: all passed"
