#!/usr/bin/env bash
# Two sre binaries (a build of an earlier commit and build/sre) give the same results bit
# for bit: every statistic of `sre run` (/summary, /targets, /buses, /branches, /samples,
# /dispatch; tests/app/h5compare.py skips only /runtime, created_utc and command_line) and
# the outputs of `sre defend`, `sre worst` and `sre rank`, on the studies below, and of
# `sre campaign` and `sre defend --campaign` where both binaries have them. Use it
# around any refactoring:  bench/compare_binaries.sh OLD_SRE NEW_SRE   (exit 0: identical)
# SCALE=0.1 runs a tenth of the samples. MPI (2 ranks) is compared when mpirun exists.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OLD=${1:?usage: bench/compare_binaries.sh OLD_SRE NEW_SRE}
NEW=${2:?usage: bench/compare_binaries.sh OLD_SRE NEW_SRE}
SCALE=${SCALE:-1}
C=$ROOT/data/cases
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source "$ROOT/tests/app/lib.bash"
PY=$(require_python h5py) || exit 2
n() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s); print (v < 10 ? 10 : v) }'; }
fails=0
report() {  # NAME STATUS
  printf '%-44s %s\n' "$1" "$2"
  [ "$2" = same ] || fails=$((fails + 1))
}
# run_pair NAME sre-arguments... (with OUT where the output file goes)
run_pair() {
  local name=$1; shift
  local a=() b=() arg
  for arg in "$@"; do a+=("${arg//OUT/$TMP/$name.old}"); b+=("${arg//OUT/$TMP/$name.new}"); done
  if ! "$OLD" "${a[@]}" >"$TMP/$name.old.stdout" 2>"$TMP/$name.old.stderr" ||
     ! "$NEW" "${b[@]}" >"$TMP/$name.new.stdout" 2>"$TMP/$name.new.stderr"; then
    report "$name" "FAILED to run (see stderr)"; cat "$TMP/$name".*.stderr | tail -5; return
  fi
}
h5_pair() {  # NAME run-arguments...
  local name=$1; shift
  h5_command_pair "$name" run "$@"
}
h5_command_pair() {  # NAME SUBCOMMAND arguments...  (an HDF5 file: run or campaign)
  local name=$1; shift
  run_pair "$name" "$@" --quiet --out OUT.h5
  [ -f "$TMP/$name.old.h5" ] || return
  if "$PY" "$ROOT/tests/app/h5compare.py" "$TMP/$name.old.h5" "$TMP/$name.new.h5" >"$TMP/$name.diff"; then
    report "$name" same
  else
    report "$name" "DIFFERENT: $(head -3 "$TMP/$name.diff" | tr '\n' ' ')"
  fi
}
text_pair() {  # NAME FILE-SUFFIX sre-arguments...  (compares FILE-SUFFIX outputs and stdout)
  local name=$1 suffix=$2; shift 2
  run_pair "$name" "$@"
  [ -f "$TMP/$name.old.stdout" ] || return
  local what=stdout
  if [ -n "$suffix" ]; then what=$suffix; fi
  local fa=$TMP/$name.old$suffix fb=$TMP/$name.new$suffix
  [ -z "$suffix" ] && fa=$TMP/$name.old.stdout fb=$TMP/$name.new.stdout
  # Wall-clock figures differ between any two runs: drop them before comparing.
  sed -i -E 's/"seconds": ?[0-9.e+-]+//' "$fa" "$fb"
  if cmp -s "$fa" "$fb"; then report "$name ($what)" same; else report "$name ($what)" "DIFFERENT"; diff "$fa" "$fb" | head -6; fi
}

json_pair() {  # NAME sre-arguments...  (compares stdout as JSON values, "seconds" dropped)
  local name=$1; shift
  run_pair "$name" "$@"
  [ -f "$TMP/$name.old.stdout" ] || return
  # Numbers are compared as doubles: the text of a number may differ (shortest round trip).
  if "$PY" - "$TMP/$name.old.stdout" "$TMP/$name.new.stdout" >"$TMP/$name.diff" 2>&1 <<'PY'; then
import json, sys
def load(path):
    def drop(v):
        if isinstance(v, dict):
            return {k: drop(x) for k, x in v.items() if k != "seconds"}
        if isinstance(v, list):
            return [drop(x) for x in v]
        return v
    with open(path) as f:
        return drop(json.load(f))
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    print(json.dumps(a, sort_keys=True)[:300]); print(json.dumps(b, sort_keys=True)[:300]); sys.exit(1)
PY
    report "$name (stdout JSON)" same
  else
    report "$name (stdout JSON)" "DIFFERENT"; head -6 "$TMP/$name.diff"
  fi
}

h5_pair case118_cascade_k3 --case "$C/pglib_opf_case118_ieee.m" --response cascade --k 3 --samples "$(n 20000)" \
  --threads 2 --save-samples
h5_pair case2383_dc_k3 --case "$C/pglib_opf_case2383wp_k.m" --response dc --k 3 --samples "$(n 20000)" --threads 2 \
  --save-samples
h5_pair case300_exhaustive_k2 --case "$C/pglib_opf_case300_ieee.m" --strike exhaustive --k 2 --response cascade \
  --threads 2
h5_pair case118_weighted_defended --config "$ROOT/configs/defended_k3.ini" --strike weighted --weights demand \
  --samples "$(n 20000)" --threads 2
h5_pair case118_operator_1thread --case "$C/pglib_opf_case118_ieee.m" --k 3 --samples "$(n 5000)" --threads 1
h5_pair case1354_opf --case "$C/pglib_opf_case1354_pegase.m" --response opf --dispatch dcopf --k 3 \
  --samples "$(n 2000)" --threads 2
if command -v mpirun >/dev/null 2>&1; then
  MPI=(mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2)
  for side in old new; do
    bin=$OLD; [ $side = new ] && bin=$NEW
    "${MPI[@]}" "$bin" run --case "$C/pglib_opf_case118_ieee.m" --response cascade --k 3 --samples "$(n 20000)" \
      --threads 1 --quiet --out "$TMP/mpi.$side.h5" >/dev/null 2>"$TMP/mpi.$side.stderr"
  done
  if "$PY" "$ROOT/tests/app/h5compare.py" "$TMP/mpi.old.h5" "$TMP/mpi.new.h5" >"$TMP/mpi.diff"; then
    report case118_cascade_mpi2 same
  else report case118_cascade_mpi2 "DIFFERENT: $(head -3 "$TMP/mpi.diff" | tr '\n' ' ')"; fi
fi
text_pair defend_case118 .csv defend --case "$C/pglib_opf_case118_ieee.m" --budget 3 --samples "$(n 2000)" \
  --threads 2 --out OUT.csv
json_pair worst_case118 worst --case "$C/pglib_opf_case118_ieee.m" --k 2 --threads 2 --json
text_pair rank_case118 .csv rank --case "$C/pglib_opf_case118_ieee.m" --samples "$(n 5000)" --threads 2 --csv OUT.csv
# Winter campaigns (when both binaries have them).
if "$OLD" campaign --help >/dev/null 2>&1 && "$NEW" campaign --help >/dev/null 2>&1; then
  h5_command_pair campaign_case118_winter campaign --case "$C/pglib_opf_case118_ieee.m" --samples "$(n 300)" \
    --days 30 --threads 2 --save-samples
  h5_command_pair campaign_case30_opf_crews campaign --case "$C/pglib_opf_case30_ieee.m" --response cascade \
    --steady-response opf --crews 1 --samples "$(n 200)" --days 20 --threads 2
  text_pair defend_campaign_case30 .csv defend --campaign --case "$C/pglib_opf_case30_ieee.m" --budget 2 \
    --samples "$(n 100)" --days 15 --threads 2 --out OUT.csv
else
  printf '%-44s %s\n' campaigns "skipped (a binary without sre campaign)"
fi
[ "$fails" -eq 0 ] && echo "compare_binaries: all same" || echo "compare_binaries: $fails differ"
exit $((fails > 0))
