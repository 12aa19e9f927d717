#!/usr/bin/env bash
# The planner commands take every study option. sre worst, exhaustive, scores every set of K
# targets exactly as `sre run --strike exhaustive` evaluates it, under each base dispatch and
# each response (and targets, rule, tol, max-steps, solver); a --config file gives what the
# same options give on the command line; a defence plan makes each set's score its expected
# shed over the interception outcomes of its defended members (model.md section 4); sre rank
# and sre defend take the same options and config files.
# usage: bash worst_options.sh <path-to-sre> <source-dir>
set -euo pipefail
SRE=$1
SRC=$2
CASE=$SRC/data/cases/case39.m  # 39 targets: C(39, 2) = 741 sets, and every response gives other sheds
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py)

# same_sets WORST.json RUN.h5: worst (with --keep covering every set) scored each set exactly as
# the run's saved sample that struck it, and its best is the run's maximum. Writes the
# set -> shed map to WORST.json.map for the comparisons below.
same_sets() {
  "$PY" - "$1" "$2" <<'PY'
import json, sys, h5py
w = json.load(open(sys.argv[1]))
f = h5py.File(sys.argv[2], "r")
names = f["targets/name"].asstr()[:]
s = f["samples"]
off, tgt, shed = s["struck_offset"][:], s["struck_targets"][:], s["shed_mw"][:]
run = {",".join(sorted(names[tgt[off[j]:off[j + 1]]])): float(shed[j]) for j in range(len(shed))}
assert w["exhaustive"], "not exhaustive"
assert w["evaluations"] == len(run) == f["summary"].attrs["samples"], (w["evaluations"], len(run))
worst = {",".join(sorted(b["targets"])): b["shed_mw"] for b in w["best"]}
assert len(worst) == len(run), "--keep did not cover every set: %d of %d" % (len(worst), len(run))
diff = [(k, worst[k], run[k]) for k in run if worst.get(k) != run[k]]
assert not diff, "%d sets differ, e.g. %s" % (len(diff), diff[:3])
mx = float(f["/summary/shed_mw/max"][()])  # the tally's maximum, rounded to 2^-24 MW
assert abs(w["best"][0]["shed_mw"] - mx) <= 1e-6, (w["best"][0], mx)
shed = [b["shed_mw"] for b in w["best"]]
assert shed == sorted(shed, reverse=True)
json.dump(worst, open(sys.argv[1] + ".map", "w"), sort_keys=True)
PY
}

# 1. Every base dispatch and every response: worst == exhaustive run, set by set.
for dispatch in case dcopf scopf; do
  for response in topology dc cascade opf operator; do
    opts=(--case "$CASE" --k 2 --dispatch "$dispatch" --response "$response" --threads 2)
    "$SRE" worst "${opts[@]}" --keep 741 --json > "$T/w_${dispatch}_$response.json" 2> /dev/null \
      || fail "sre worst --dispatch $dispatch --response $response"
    "$SRE" run "${opts[@]}" --strike exhaustive --save-samples --quiet --out "$T/r.h5" > /dev/null 2>&1 \
      || fail "sre run --dispatch $dispatch --response $response"
    same_sets "$T/w_${dispatch}_$response.json" "$T/r.h5" || fail "worst != exhaustive run, --dispatch $dispatch --response $response"
    "$PY" - "$T/w_${dispatch}_$response.json" "$dispatch" "$response" <<'PY' || fail "worst JSON states other assumptions"
import json, sys
w = json.load(open(sys.argv[1]))
assert w["dispatch"] == sys.argv[2] and w["dispatch_used"] == sys.argv[2] and w["response"] == sys.argv[3], w
assert w["defence"] == "" and w["k"] == 2 and w["score"] == "shed"
PY
  done
done
# The options took effect: the dispatch changes the cascade's sheds, the response the sheds.
differ() { cmp -s "$T/w_$1.json.map" "$T/w_$2.json.map" && fail "worst gives the same sheds for $1 and $2"; return 0; }
differ case_cascade scopf_cascade
differ scopf_topology scopf_cascade
differ scopf_topology scopf_opf
differ scopf_opf scopf_operator

# 1b. Targets, rule, tol, max-steps and solver too.
opts=(--case "$CASE" --k 2 --targets transformer-groups --dispatch dcopf --response cascade --rule worst --tol 0.2
      --max-steps 2 --solver reference --threads 2)
"$SRE" worst "${opts[@]}" --keep 1000 --json > "$T/w_other.json" 2> /dev/null
"$SRE" run "${opts[@]}" --strike exhaustive --save-samples --quiet --out "$T/r.h5" > /dev/null 2>&1
same_sets "$T/w_other.json" "$T/r.h5" || fail "worst != exhaustive run with targets, rule, tol, max-steps, solver"
"$SRE" worst --case "$CASE" --k 2 --targets transformer-groups --dispatch dcopf --response cascade --threads 2 \
  --keep 1000 --json > "$T/w_other_defaults.json" 2> /dev/null
"$PY" - "$T/w_other.json" "$T/w_other_defaults.json" <<'PY' || fail "--rule/--tol/--max-steps changed nothing"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["rule"] == "worst" and a["tol"] == 0.2 and a["max_steps"] == 2 and a["solver"] == "reference"
assert [x["shed_mw"] for x in a["best"]] != [x["shed_mw"] for x in b["best"]]
PY

# 1c. Per-class budgets over element targets: the enumeration of the exhaustive study (every
# bus x branch pair), and the heuristic search fills each class's budget.
opts=(--case "$CASE" --targets bus,branch --k bus:1,branch:1 --dispatch dcopf --response operator --threads 2)
"$SRE" worst "${opts[@]}" --keep 5000 --json > "$T/w_classes.json" 2> /dev/null
"$SRE" run "${opts[@]}" --strike exhaustive --save-samples --quiet --out "$T/r.h5" > /dev/null 2>&1
same_sets "$T/w_classes.json" "$T/r.h5" || fail "worst != exhaustive run with --k bus:1,branch:1"
"$SRE" worst --case "$CASE" --targets bus,branch --k bus:1,branch:2 --exhaustive-limit 0 --restarts 3 --threads 2 \
  --json > "$T/w_classes_h.json" 2> /dev/null
"$PY" - "$T/w_classes_h.json" <<'PY' || fail "the heuristic search broke the per-class budgets"
import json, sys
w = json.load(open(sys.argv[1]))
assert not w["exhaustive"] and w["k"] == 3 and w["best"], w
for b in w["best"]:
    branches = [t for t in b["targets"] if t.startswith("branch:")]
    assert len(b["targets"]) == 3 and len(branches) == 2, b
PY

# 2. A --config file gives what the same options give on the command line (exhaustive, and
# the heuristic search, whose random starts take the config's seed); the command line wins;
# the options a search does not use are accepted with a note.
mkdir "$T/cfg"
cp "$CASE" "$T/case39.m"
cat > "$T/cfg/study.ini" <<'INI'
# paths are relative to this file's folder
case = ../case39.m
strike = exhaustive
samples = 100
weights = demand
k = 2
dispatch = dcopf
response = opf
tol = 0.3
seed = 9
INI
cli=(--case "$T/case39.m" --k 2 --dispatch dcopf --response opf --tol 0.3 --seed 9 --threads 2)
for search in "--keep 5" "--exhaustive-limit 0 --restarts 3 --keep 3"; do
  "$SRE" worst --config "$T/cfg/study.ini" --threads 2 $search --json > "$T/cfg.json" 2> "$T/cfg.err"
  "$SRE" worst "${cli[@]}" $search --json > "$T/cli.json" 2> "$T/cli.err"
  "$PY" - "$T/cfg.json" "$T/cli.json" <<'PY' || fail "worst --config != the same options on the command line ($search)"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for key in ("best", "evaluations", "exhaustive", "k", "response", "tol", "dispatch", "dispatch_used"):
    assert a[key] == b[key], (key, a[key], b[key])
assert a["response"] == "opf" and a["dispatch_used"] == "dcopf" and a["tol"] == 0.3 and a["k"] == 2
PY
  grep -q "note: sre worst does not use --strike, --weights, --samples" "$T/cfg.err" \
    || fail "no note on the unused options: $(cat "$T/cfg.err")"
  ! grep -q "does not use" "$T/cli.err" || fail "a note on unused options none of which was given"
done
"$SRE" worst --config "$T/cfg/study.ini" --k 1 --threads 2 --json > "$T/k1.json" 2> /dev/null
"$PY" - "$T/k1.json" <<'PY' || fail "the command line's --k did not win over the config's"
import json, sys
w = json.load(open(sys.argv[1]))
assert w["k"] == 1 and w["evaluations"] == 39 and all(len(b["targets"]) == 1 for b in w["best"]), w
PY
# Options a search does not use are still checked.
if "$SRE" worst --case "$CASE" --k 2 --strike sideways 2> "$T/err"; then fail "worst accepted --strike sideways"; fi
grep -q "allowed values are uniform" "$T/err" || fail "no message for --strike sideways: $(cat "$T/err")"
if "$SRE" worst --case "$CASE" --k 2 --k 3 2> "$T/err"; then fail "worst accepted --k twice"; fi

# 3. Defence. The worst set {a, b} of the defaults (scopf, operator).
read -r A B < <("$PY" -c 'import json, sys; print(*json.load(open(sys.argv[1]))["best"][0]["targets"])' "$T/w_scopf_operator.json")
# 3a. Intercept 1 on a: a is never destroyed, so a set holding a scores the shed of its other
# member; the answer is that of a run in which every strike on a is intercepted.
printf 'target,intercept\n%s,1\n' "$A" > "$T/plan_a1.csv"
"$SRE" worst --case "$CASE" --k 2 --threads 2 --defence "$T/plan_a1.csv" --keep 741 --json > "$T/w_def1.json" 2> /dev/null
"$SRE" run --case "$CASE" --k 2 --strike exhaustive --defence "$T/plan_a1.csv" --threads 2 --save-samples --quiet \
  --out "$T/r.h5" > /dev/null 2>&1
same_sets "$T/w_def1.json" "$T/r.h5" || fail "worst --defence (intercept 1) != the defended exhaustive run"
"$SRE" worst --case "$CASE" --k 1 --threads 2 --keep 39 --json > "$T/w_k1.json" 2> /dev/null
"$PY" - "$T/w_def1.json" "$T/w_scopf_operator.json" "$T/w_k1.json" "$A" "$B" <<'PY' || fail "intercept 1"
import json, sys
d, u, k1 = (json.load(open(p)) for p in sys.argv[1:4])
a, b = sys.argv[4:6]
single = {x["targets"][0]: x["shed_mw"] for x in k1["best"]}
undefended = {",".join(sorted(x["targets"])): x["shed_mw"] for x in u["best"]}
assert d["best"][0]["shed_mw"] < u["best"][0]["shed_mw"], "the defence did not lower the worst case"
assert d["score"] == "expected_shed" and d["defence"].endswith("plan_a1.csv"), d
n = 0
for x in d["best"]:
    if a in x["targets"]:
        other = [t for t in x["targets"] if t != a][0]
        assert x["shed_mw"] == single[other], (x, single[other])
        assert x["defended"] == [a], x
        n += 1
    else:
        assert x["shed_mw"] == undefended[",".join(sorted(x["targets"]))] and x["defended"] == [], x
assert n == 38, n
print("intercept 1 on %s: worst %.4f MW (was %.4f MW)" % (a, d["best"][0]["shed_mw"], u["best"][0]["shed_mw"]))
PY
# 3b. Intercept 0.25 on a: {a, b} scores 0.75 x shed(a, b) + 0.25 x shed(b), by hand from sre eval.
printf 'target,intercept\n%s,0.25\n' "$A" > "$T/plan_a25.csv"
"$SRE" worst --case "$CASE" --k 2 --threads 2 --defence "$T/plan_a25.csv" --keep 741 --json > "$T/w_def25.json" 2> /dev/null
"$SRE" eval --case "$CASE" --destroy "$A,$B" --json > "$T/eval_ab.json" 2> /dev/null
"$SRE" eval --case "$CASE" --destroy "$B" --json > "$T/eval_b.json" 2> /dev/null
"$PY" - "$T/w_def25.json" "$T/eval_ab.json" "$T/eval_b.json" "$T/w_scopf_operator.json" "$A" "$B" <<'PY' \
  || fail "expected shed under intercept 0.25"
import json, sys
d, ab, b_only, u = (json.load(open(p)) for p in sys.argv[1:5])
a, b = sys.argv[5:7]
score = {",".join(sorted(x["targets"])): x for x in d["best"]}
undefended = {",".join(sorted(x["targets"])): x["shed_mw"] for x in u["best"]}
x = score[",".join(sorted([a, b]))]
expected = 0.25 * b_only["shed_mw"] + 0.75 * ab["shed_mw"]
assert abs(x["shed_mw"] - expected) <= 1e-9 * expected, (x, expected)
assert x["defended"] == [a]
assert ab["shed_mw"] == undefended[",".join(sorted([a, b]))]
for key, y in score.items():
    if a not in y["targets"]:
        assert y["shed_mw"] == undefended[key], (key, y)
assert d["scenarios"] == 741 + 38, d["scenarios"]  # two outcomes for each of the 38 sets holding a
print("intercept 0.25 on %s: E[shed(%s, %s)] = 0.75 x %.4f + 0.25 x %.4f = %.4f MW"
      % (a, a, b, ab["shed_mw"], b_only["shed_mw"], expected))
PY
# 3c. Too many partly defended members: refused, saying what to do.
{ echo "target,intercept"; for t in $(seq 1 17); do echo "$t,0.5"; done; } > "$T/plan17.csv"
if "$SRE" worst --case "$CASE" --k 17 --defence "$T/plan17.csv" 2> "$T/err"; then fail "worst took 2^17 outcomes per set"; fi
grep -q "use intercept 0 or 1 for more targets, or a smaller --k" "$T/err" || fail "no message: $(cat "$T/err")"

# 4. sre rank and sre defend take the same options and config files.
cat > "$T/cfg/rank.ini" <<'INI'
case = ../case39.m
targets = transformer-groups
strike = exhaustive
k = 2
dispatch = dcopf
response = operator
rule = worst
tol = 0.3
max-steps = 20
solver = reference
seed = 5
INI
"$SRE" rank --config "$T/cfg/rank.ini" --threads 2 --by shed_when_destroyed --csv "$T/rank_cfg.csv" > /dev/null 2>&1 \
  || fail "sre rank --config"
"$SRE" run --config "$T/cfg/rank.ini" --threads 2 --quiet --out "$T/rank.h5" > /dev/null 2>&1
"$SRE" rank --results "$T/rank.h5" --by shed_when_destroyed --csv "$T/rank_file.csv" > /dev/null
diff "$T/rank_cfg.csv" "$T/rank_file.csv" > /dev/null || fail "rank --config != rank of the run with that config"
printf 'target,intercept\n39,0.5\n' > "$T/plan_39.csv"  # bus 39 is a transformer group of its own
"$SRE" rank --config "$T/cfg/rank.ini" --strike independent --probability 0.1 --samples 300 --defence "$T/plan_39.csv" \
  --threads 2 --top 3 > /dev/null 2>&1 || fail "sre rank with --strike independent --defence"
"$SRE" defend --config "$T/cfg/rank.ini" --budget 1 --threads 2 --out "$T/plan_cfg.csv" > /dev/null 2>&1 \
  || fail "sre defend --config"
[ "$(wc -l < "$T/plan_cfg.csv")" -eq 2 ] || fail "sre defend --config wrote no one-target plan"
"$SRE" defend --case "$CASE" --strike weighted --weights demand --k 2 --samples 300 --dispatch case --response opf \
  --budget 1 --threads 2 --out "$T/plan_w.csv" > /dev/null 2>&1 || fail "sre defend with --strike weighted --response opf"
if "$SRE" defend --case "$CASE" --budget 1 --defence "$T/plan_a1.csv" --out "$T/plan_x.csv" > /dev/null 2> "$T/err"; then
  fail "sre defend took a defence plan as a study option"
fi
grep -q "sre defend chooses the defence plan itself" "$T/err" || fail "no message for defend --defence: $(cat "$T/err")"
[ ! -e "$T/plan_x.csv" ] || fail "sre defend --defence wrote a plan"
echo "worst_options.sh: all passed"
