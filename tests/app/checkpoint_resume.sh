#!/usr/bin/env bash
# Checkpoint and resume: a run killed with SIGTERM mid-way writes its checkpoint and
# exits 75; --resume finishes it with statistics identical to an uninterrupted run.
# A checkpoint of another study is refused.
# usage: bash checkpoint_resume.sh PATH/TO/sre SOURCE_DIR
set -euo pipefail
SRE=$1 SRC=$2
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
CASE="$SRC/data/cases/pglib_opf_case300_ieee.m"
COMMON=(--case "$CASE" --k 4 --samples 16000 --quiet)
STUDY=("${COMMON[@]}" --seed 9)  # plus --threads per run: results do not depend on it

"$SRE" run "${STUDY[@]}" --threads 2 --out "$W/whole.h5" >/dev/null

# Start, wait for the first periodic checkpoint, then SIGTERM.
"$SRE" run "${STUDY[@]}" --threads 1 --out "$W/resumed.h5" --checkpoint "$W/ck.h5" --checkpoint-every 0 >/dev/null 2>"$W/err" &
pid=$!
for _ in $(seq 1 600); do [[ -f "$W/ck.h5" ]] && break; sleep 0.1; done
[[ -f "$W/ck.h5" ]] || fail "no checkpoint appeared"
kill -TERM $pid
rc=0; wait $pid || rc=$?
[[ $rc -eq 75 ]] || fail "SIGTERM should exit 75, got $rc: $(cat "$W/err")"
grep -q "checkpoint written" "$W/err" || fail "no checkpoint message: $(cat "$W/err")"
[[ ! -e "$W/resumed.h5" ]] || fail "an interrupted run wrote its results file"
ls "$W" | grep -q '\.tmp\.' && fail "temporary files left: $(ls "$W")"
done_samples=$("$PY" -c "import h5py,sys; print(h5py.File(sys.argv[1])['/'].attrs['sample_end'])" "$W/ck.h5")
echo "interrupted after $done_samples of 16000 samples"
[[ $done_samples -gt 0 && $done_samples -lt 16000 ]] || fail "checkpoint should be mid-way, is at $done_samples"

# Another study's checkpoint is refused.
set +e
msg=$("$SRE" run "${COMMON[@]}" --seed 10 --out "$W/x.h5" --resume "$W/ck.h5" 2>&1); rc=$?
set -e
[[ $rc -ne 0 ]] && grep -q "different study" <<<"$msg" || fail "foreign checkpoint accepted: $msg"
grep -q "the study configuration differs: seed = 10 in this run, " <<<"$msg" || fail "the differing option is not named: $msg"
# A checkpoint is not finished results: sre rank refuses it, saying how far it got.
set +e
msg=$("$SRE" rank --results "$W/ck.h5" 2>&1); rc=$?
set -e
[[ $rc -ne 0 ]] && grep -q "is a checkpoint, not finished results (partial: $done_samples of 16000 samples)" <<<"$msg" \
  || fail "rank read a checkpoint: $msg"

"$SRE" run "${STUDY[@]}" --threads 2 --out "$W/resumed.h5" --resume "$W/ck.h5" >/dev/null
compare_results "$W/whole.h5" "$W/resumed.h5"

# A shard can be checkpointed and resumed too (interrupted before its first chunk ends).
"$SRE" run "${STUDY[@]}" --threads 2 --shard 1/3 --out "$W/s1.h5" >/dev/null
"$SRE" run "${STUDY[@]}" --threads 1 --shard 1/3 --out "$W/s1r.h5" --checkpoint "$W/ck1.h5" --checkpoint-every 0 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -f "$W/ck1.h5" ]] && break; sleep 0.1; done
kill -TERM $pid 2>/dev/null || true
rc=0; wait $pid || rc=$?
# 143: the signal came after the run had finished and restored the default handler (a
# fast machine can finish the shard between the first checkpoint and the kill); the
# results file is then complete.
[[ $rc -eq 143 && -f "$W/s1r.h5" ]] && rc=0
[[ $rc -eq 75 || $rc -eq 0 ]] || fail "shard run exited $rc"
if [[ $rc -eq 75 ]]; then "$SRE" run "${STUDY[@]}" --threads 2 --shard 1/3 --out "$W/s1r.h5" --resume "$W/ck1.h5" >/dev/null; fi
compare_results "$W/s1.h5" "$W/s1r.h5"
echo "PASS: checkpoint_resume"
