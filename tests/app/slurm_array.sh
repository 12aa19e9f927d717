#!/usr/bin/env bash
# The Slurm scripts (scripts/slurm/) without Slurm: run the array script's body as
# tasks 0..2 of 3 (SLURM_ARRAY_TASK_ID/COUNT set by hand), then the merge script,
# and compare with a single run; check submit.sh's sbatch calls with a fake sbatch.
# usage: bash slurm_array.sh PATH/TO/sre SOURCE_DIR
set -euo pipefail
SRE=$1 SRC=$2
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
CASE="$SRC/data/cases/pglib_opf_case57_ieee.m"
ARGS=(--case "$CASE" --k 2 --samples 4000 --seed 3 --response dc)
"$SRE" run "${ARGS[@]}" --quiet --out "$W/single.h5" >/dev/null

mkdir "$W/study"
printf '%s\n' "${ARGS[@]}" > "$W/study/run-args"
for id in 2 0 1; do
  SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_COUNT=3 SRE="$SRE" SRE_OUTDIR="$W/study" SLURM_CPUS_PER_TASK=1 \
    bash "$SRC/scripts/slurm/sre-array.sbatch" >/dev/null
done
# A task whose shard exists does nothing.
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 SRE="$SRE" SRE_OUTDIR="$W/study" \
  bash "$SRC/scripts/slurm/sre-array.sbatch" | grep -q "already done" || fail "rerun of a finished task"
SRE="$SRE" SRE_OUTDIR="$W/study" SRE_SHARDS=3 bash "$SRC/scripts/slurm/sre-merge.sbatch" >/dev/null
compare_results "$W/single.h5" "$W/study/results.h5"

# submit.sh: an array of N, then the merge with afterok on the array job.
mkdir "$W/bin"
cat > "$W/bin/sbatch" <<'FAKE'
#!/usr/bin/env bash
echo "$*" >> "$FAKE_SBATCH_LOG"
echo "$((1000 + $(wc -l < "$FAKE_SBATCH_LOG")));cluster"
FAKE
chmod +x "$W/bin/sbatch"
PATH="$W/bin:$PATH" FAKE_SBATCH_LOG="$W/sbatch.log" \
  bash "$SRC/scripts/slurm/submit.sh" -n 5 -o "$W/s2" -s "$SRE" -- --partition=p -- "${ARGS[@]}" >/dev/null
grep -q -- "--array=0-4 .*--partition=p .*sre-array.sbatch" "$W/sbatch.log" || fail "array submission: $(cat "$W/sbatch.log")"
grep -q -- "--dependency=afterok:1001 .*sre-merge.sbatch" "$W/sbatch.log" || fail "merge submission: $(cat "$W/sbatch.log")"
diff <(printf '%s\n' "${ARGS[@]}") "$W/s2/run-args" || fail "run-args"
echo "PASS: slurm_array"
