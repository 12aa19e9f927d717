#!/usr/bin/env bash
# The base dispatch end to end: `sre pf --dispatch scopf` lists the insecure contingencies
# on screen and in summary.json (empty when secure); a study records the dispatch asked
# for and used, its tol and the insecure contingencies under /dispatch; a case without
# gencost falls back to the case's set-points with a note, and the study goes on; every
# summary states the response, tol and dispatch.
set -euo pipefail
sre=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$src/tests/app/lib.bash"
PY=$(require_python h5py)
cases=$src/data/cases

# case300 has contingencies no dispatch secures at 1.5 x rateA; case118 has none.
"$sre" pf --case "$cases/pglib_opf_case300_ieee.m" --dispatch scopf --csv "$tmp/pf300" > "$tmp/pf300.txt"
grep -q "insecure: [1-9]" "$tmp/pf300.txt" || { echo "FAIL: no insecure contingency printed"; cat "$tmp/pf300.txt"; exit 1; }
"$sre" pf --case "$cases/pglib_opf_case118_ieee.m" --dispatch scopf --csv "$tmp/pf118" > /dev/null
"$PY" - "$tmp/pf300/summary.json" "$tmp/pf118/summary.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["dispatch"] == "scopf" and a["tol"] == 0.5, a
assert len(a["insecure"]) > 0 and all(c["max_loading"] > 1.5 for c in a["insecure"]), a["insecure"]
assert all(set(c) == {"branch", "max_loading", "worst_branch"} for c in a["insecure"])
assert b["insecure"] == [], b["insecure"]
print("pf scopf: %d insecure contingencies on case300, none on case118" % len(a["insecure"]))
PY

# A study on the defaults records its dispatch; its summary states the assumptions.
"$sre" run --case "$cases/pglib_opf_case300_ieee.m" --k 2 --samples 200 --out "$tmp/s.h5" > "$tmp/run.txt" 2> "$tmp/run.err"
grep -q "response operator (protection trips branches above 1.5 x their limit" "$tmp/run.txt"
grep -q "dispatch scopf (DC OPF, N-1 secure at 1.5 x rateA" "$tmp/run.txt"
grep -q "note: scopf: .* contingencies left insecure" "$tmp/run.err"
"$PY" - "$tmp/s.h5" "$tmp/pf300/summary.json" <<'PY'
import json, sys, h5py
f = h5py.File(sys.argv[1], "r"); pf = json.load(open(sys.argv[2]))
d = f["/dispatch"]
assert d.attrs["asked"] == "scopf" and d.attrs["used"] == "scopf" and d.attrs["tol"] == 0.5
assert f.attrs["response"] == "operator" and f.attrs["tol"] == 0.5
rows = sorted(int(r) for r in d["insecure_branch_row"][:])
assert rows == sorted(c["branch"] for c in pf["insecure"]), (rows, pf["insecure"])
print("study records scopf with %d insecure contingencies" % len(rows))
PY

# No gencost (case9 without its mpc.gencost block): the study runs on the case's
# set-points and says so.
sed '/mpc.gencost = \[/,/\];/d' "$cases/case9.m" > "$tmp/case9_nocost.m"
! grep -q gencost "$tmp/case9_nocost.m"
"$sre" run --case "$tmp/case9_nocost.m" --k 1 --strike exhaustive --out "$tmp/c9.h5" > "$tmp/c9.txt" 2> "$tmp/c9.err"
grep -q "note: --dispatch scopf: the case has no mpc.gencost; the study runs on the generator outputs of the case" "$tmp/c9.err" \
  || { cat "$tmp/c9.err"; exit 1; }
grep -q "dispatch case (the case's generator set-points; scopf asked for: see the note)" "$tmp/c9.txt"
"$PY" - "$tmp/c9.h5" <<'PY'
import sys, h5py
d = h5py.File(sys.argv[1], "r")["/dispatch"]
assert d.attrs["asked"] == "scopf" and d.attrs["used"] == "case" and "gencost" in d.attrs["note"], dict(d.attrs)
print("no gencost: ran on the case's set-points, with the note")
PY
echo "dispatch: OK"
