#!/usr/bin/env bash
# Target names that need CSV quoting (RFC 4180): a targets file names substations `#5`,
# `a,b` and `say "hi"`; sre defend writes them quoted into PLAN.csv, and sre run --defence
# reads them back (the defended run's mean shed equals the plan's last step).
# usage: bash csv_names.sh <path-to-sre> <source-dir>
set -euo pipefail
SRE=$1
SRC=$2
CASE=$SRC/data/cases/pglib_opf_case14_ieee.m
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py)

# Three substations of case14: buses 1-5, 6-10 and 11-14.
{
  echo "# substations with names that must be quoted"
  echo "bus_id,substation"
  for b in 1 2 3 4 5; do echo "$b,\"#5\""; done
  for b in 6 7 8 9 10; do echo "$b,\"a,b\""; done
  for b in 11 12 13 14; do echo "$b,\"say \"\"hi\"\"\""; done
} > "$T/targets.csv"

"$SRE" defend --case "$CASE" --targets "$T/targets.csv" --k 1 --budget 2 --intercept 0.5 --samples 400 --seed 7 \
  --threads 2 --out "$T/plan.csv" --json > "$T/defend.json" || fail "sre defend with quoted target names"
head -1 "$T/plan.csv" | grep -qx "target,intercept" || fail "plan header: $(head -1 "$T/plan.csv")"
[ "$(wc -l < "$T/plan.csv")" -eq 3 ] || fail "plan rows: $(cat "$T/plan.csv")"
# Each name as RFC 4180 writes it; plain text would not read back.
while IFS= read -r row; do
  case "$row" in
    target,intercept | '"#5",0.5' | '"a,b",0.5' | '"say ""hi""",0.5') ;;
    *) fail "plan row not quoted as expected: $row" ;;
  esac
done < "$T/plan.csv"

"$SRE" run --case "$CASE" --targets "$T/targets.csv" --k 1 --samples 400 --seed 7 --threads 2 --quiet \
  --defence "$T/plan.csv" --out "$T/defended.h5" > /dev/null || fail "sre run --defence rejected the plan"
"$PY" - "$T/defend.json" "$T/defended.h5" <<'PY' || fail "defend output"
import json, sys, h5py
d = json.load(open(sys.argv[1]))
assert len(d["plan"]) == 2 and set(d["plan"]) <= {"#5", "a,b", 'say "hi"'}, d["plan"]
f = h5py.File(sys.argv[2], "r")
names = [n.decode() if isinstance(n, bytes) else n for n in f["/targets/name"][()]]
assert sorted(names) == sorted(["#5", "a,b", 'say "hi"']), names
mean = float(f["/summary/shed_mw/mean"][()])
assert mean == d["steps"][-1]["after"]["value"], (mean, d["steps"][-1]["after"]["value"])
PY

# A target the study does not have is refused with the file and line.
printf 'target,intercept\n"a,b",0.5\n"a;b",0.5\n' > "$T/bad.csv"
if "$SRE" run --case "$CASE" --targets "$T/targets.csv" --k 1 --samples 10 --threads 2 --quiet \
  --defence "$T/bad.csv" --out "$T/bad.h5" > /dev/null 2> "$T/err"; then
  fail "an unknown target was accepted"
fi
grep -q 'bad.csv:3: --defence: target .a;b. is not a target of this study' "$T/err" || fail "error: $(cat "$T/err")"
echo "csv_names: ok"
