#!/usr/bin/env bash
# Submit an sre study as a Slurm job array of N shards plus a merge job (docs/cluster.md).
#
# usage: scripts/slurm/submit.sh -n N -o OUTDIR [-s SRE] [-- SBATCH_ARRAY_OPTIONS...] -- SRE_RUN_ARGS...
#   e.g. scripts/slurm/submit.sh -n 100 -o /scratch/study1 -- --config study.ini --samples 100000000
#        scripts/slurm/submit.sh -n 100 -o /scratch/s1 -s $PWD/build/sre -- --case $PWD/data/cases/case9241pegase.m --k 5
#   Options after the first `--` up to a second `--` go to the array sbatch call
#   (e.g. --partition=x --cpus-per-task=64); without a second `--`, all go to sre run.
# Use absolute paths for the case and config: the tasks run on other nodes.
# The merged results land in OUTDIR/results.h5.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N="" OUTDIR="" SRE_BIN=${SRE:-sre}
while getopts "n:o:s:h" opt; do
  case $opt in
    n) N=$OPTARG ;;
    o) OUTDIR=$OPTARG ;;
    s) SRE_BIN=$OPTARG ;;
    *) sed -n '2,12p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ -n "$N" && -n "$OUTDIR" ]] || { sed -n '2,12p' "$0"; exit 2; }
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: -n must be a positive integer" >&2; exit 2; }
[[ "${1:-}" == "--" ]] && shift
SBATCH_OPTS=() RUN_ARGS=("$@")
for ((i = 1; i <= $#; i++)); do
  if [[ "${!i}" == "--" ]]; then SBATCH_OPTS=("${@:1:i-1}"); RUN_ARGS=("${@:i+1}"); break; fi
done
[[ ${#RUN_ARGS[@]} -gt 0 ]] || { echo "submit.sh: give the sre run arguments after --" >&2; exit 2; }

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
printf '%s\n' "${RUN_ARGS[@]}" > "$OUTDIR/run-args"
export SRE="$SRE_BIN" SRE_OUTDIR="$OUTDIR" SRE_SHARDS="$N"
array_job=$(sbatch --parsable --array="0-$((N - 1))" --chdir="$OUTDIR" --export=ALL "${SBATCH_OPTS[@]}" "$HERE/sre-array.sbatch")
array_job=${array_job%%;*}
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --chdir="$OUTDIR" --export=ALL "$HERE/sre-merge.sbatch")
echo "array job $array_job ($N shards), merge job ${merge_job%%;*} -> $OUTDIR/results.h5"
