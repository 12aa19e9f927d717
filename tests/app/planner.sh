#!/usr/bin/env bash
# Planner toolkit end to end: sre worst == exhaustive maximum; sre defend writes a
# plan that sre run --defence accepts, with the same mean shed as its last step;
# sre rank orders a synthetic results file and flags overlapping neighbours.
# usage: bash planner.sh <path-to-sre> <source-dir>
set -euo pipefail
SRE=$1
SRC=$2
CASES=$SRC/data/cases
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py matplotlib)

# 1. worst vs exhaustive run (K = 1..3 on case14, K = 2 on case30).
for spec in "pglib_opf_case14_ieee 1" "pglib_opf_case14_ieee 2" "pglib_opf_case14_ieee 3" "pglib_opf_case30_ieee 2"; do
  set -- $spec
  "$SRE" worst --case "$CASES/$1.m" --k "$2" --json --threads 2 > "$T/worst.json"
  "$SRE" run --case "$CASES/$1.m" --strike exhaustive --k "$2" --threads 2 --quiet --out "$T/ex.h5" > /dev/null
  "$PY" - "$T/worst.json" "$T/ex.h5" "$2" <<'PY' || fail "worst != exhaustive max for $spec"
import json, sys, h5py
w = json.load(open(sys.argv[1]))
k = int(sys.argv[3])
best = w["best"][0]
assert len(best["targets"]) == k and all(isinstance(t, str) for t in best["targets"]), best
assert w["evaluations"] > 0
mx = float(h5py.File(sys.argv[2], "r")["/summary/shed_mw/max"][()])
assert abs(best["shed_mw"] - mx) <= 1e-6 * max(1.0, mx), (best["shed_mw"], mx)
shed = [b["shed_mw"] for b in w["best"]]
assert shed == sorted(shed, reverse=True), shed
PY
done

# 1b. The heuristic search reports only complete sets of K targets; when the time limit
# ends it before any is complete it says so and fails.
"$SRE" worst --case "$CASES/pglib_opf_case118_ieee.m" --k 2 --exhaustive-limit 0 --restarts 2 --json > "$T/heur.json"
"$PY" - "$T/heur.json" <<'PY' || fail "worst reported an incomplete set"
import json, sys
w = json.load(open(sys.argv[1]))
assert w["best"] and all(len(b["targets"]) == 2 for b in w["best"]), w["best"]
PY
if "$SRE" worst --case "$CASES/pglib_opf_case300_ieee.m" --k 3 --exhaustive-limit 0 --time-limit 0.000001 \
     > "$T/none.txt" 2> "$T/none.err"; then
  fail "worst with no complete set exited 0"
fi
grep -q "before any set of 3 targets was complete" "$T/none.err" || fail "no message for an incomplete search"

# 1c. Stopped by a signal, defend and worst write nothing and exit with 128 + signal.
"$SRE" defend --case "$CASES/pglib_opf_case1354_pegase.m" --budget 5 --samples 50000 --out "$T/stopped.csv" \
  > /dev/null 2> "$T/stopped.err" &
pid=$!
sleep 3
kill -INT $pid
rc=0; wait $pid || rc=$?
[ "$rc" -eq 130 ] || fail "defend stopped by SIGINT exited $rc"
[ ! -e "$T/stopped.csv" ] || fail "defend stopped by SIGINT left a plan"
ls "$T"/stopped.csv.tmp.* > /dev/null 2>&1 && fail "defend stopped by SIGINT left a temporary file"

# 2. defend: JSON steps decrease; PLAN.csv accepted by sre run --defence with the same mean.
"$SRE" defend --case "$CASES/pglib_opf_case30_ieee.m" --budget 2 --samples 600 --seed 3 --threads 2 \
  --out "$T/plan.csv" --json > "$T/defend.json"
head -1 "$T/plan.csv" | grep -qx "target,intercept" || fail "plan header"
[ "$(wc -l < "$T/plan.csv")" -eq 3 ] || fail "plan rows"
"$SRE" run --case "$CASES/pglib_opf_case30_ieee.m" --samples 600 --seed 3 --threads 2 --quiet \
  --defence "$T/plan.csv" --out "$T/defended.h5" > /dev/null || fail "sre run --defence rejected the plan"
"$PY" - "$T/defend.json" "$T/defended.h5" <<'PY' || fail "defend output"
import json, sys, h5py
d = json.load(open(sys.argv[1]))
steps = d["steps"]
assert len(steps) == 2 and len(d["plan"]) == 2
for s in steps:
    assert s["after"]["value"] <= s["before"]["value"], s
mean = float(h5py.File(sys.argv[2], "r")["/summary/shed_mw/mean"][()])
assert mean == steps[-1]["after"]["value"], (mean, steps[-1]["after"]["value"])
names = [v["plan"] for v in d["validation"]]
assert names == ["none", "greedy", "degree", "demand"], names
assert d["validation_seed"] != d["selection_seed"]
PY

# 3. rank on a synthetic results file: order and overlap flags.
"$PY" - "$T/synthetic.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f.create_group("summary").attrs["samples"] = np.uint64(1000)
    g = f.create_group("targets")
    g["name"] = np.array(["a", "b", "c", "d"], dtype=object).astype(h5py.string_dtype())
    g["struck"] = np.array([10, 20, 30, 40], dtype=np.int64)
    g["destroyed"] = np.array([10, 20, 30, 40], dtype=np.int64)
    g["shed_mean_when_destroyed"] = np.array([1.0, 5.0, 4.5, 2.0])
    g["criticality"] = np.array([1.0, 5.0, 4.5, 2.0])
    g["criticality_ci95_low"] = np.array([0.5, 4.8, 4.0, 1.9])
    g["criticality_ci95_high"] = np.array([1.5, 5.2, 4.9, 2.1])
PY
"$SRE" rank --results "$T/synthetic.h5" --csv "$T/rank.csv" > "$T/rank.txt"
cat > "$T/expect.csv" <<'CSV'
rank,target,criticality,ci95_low,ci95_high,overlap_above,overlap_below,class
1,b,5,4.8,5.2,0,1,bus
2,c,4.5,4,4.9,1,0,bus
3,d,2,1.9,2.1,0,0,bus
4,a,1,0.5,1.5,0,0,bus
CSV
diff "$T/expect.csv" "$T/rank.csv" || fail "rank csv"
grep -q "OVERLAP" "$T/rank.txt" || fail "rank text has no overlap flag"

# rank on a real results file and in-process (same study: same ranking).
"$SRE" run --case "$CASES/pglib_opf_case14_ieee.m" --samples 2000 --k 2 --threads 2 --quiet --out "$T/r14.h5" > /dev/null
"$SRE" rank --results "$T/r14.h5" --by shed_when_destroyed --csv "$T/a.csv" > /dev/null
"$SRE" rank --case "$CASES/pglib_opf_case14_ieee.m" --samples 2000 --k 2 --threads 2 --by shed_when_destroyed --csv "$T/b.csv" > /dev/null
diff "$T/a.csv" "$T/b.csv" || fail "rank from file != rank in-process"
"$SRE" rank --results "$T/r14.h5" --by destroyed --top 3 > /dev/null
echo "planner.sh: all passed"
