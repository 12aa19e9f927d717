#!/usr/bin/env bash
# Reproduces the "Cluster runs" figures of docs/performance.md.
# usage: scripts/bench_cluster.sh PATH/TO/sre [WORKDIR]
# Env: CASE (default data/cases/pglib_opf_case118_ieee.m), K (3), SAMPLES (40000), CORES (2)
set -euo pipefail
SRE=$(realpath "$1"); SRC=$(cd "$(dirname "$0")/.." && pwd)
W=${2:-$(mktemp -d)}; mkdir -p "$W"; cd "$W"
CASE=${CASE:-$SRC/data/cases/pglib_opf_case118_ieee.m}; K=${K:-3}; SAMPLES=${SAMPLES:-40000}; CORES=${CORES:-2}
MPI=(mpirun --oversubscribe --allow-run-as-root)
STUDY=(--case "$CASE" --k "$K" --samples "$SAMPLES" --seed 1 --quiet)
now() { date +%s.%N; }
wall() { local t0; t0=$(now); "$@" >/dev/null; echo "$(now) - $t0" | bc; }
rate() { h5dump -d /runtime/samples_per_second "$1" | awk '/\(0\)/{print $2}'; }
echo "case=$(basename "$CASE") k=$K samples=$SAMPLES cores=$CORES load=$(cut -d' ' -f1 /proc/loadavg)"
echo "plain   --threads $CORES         wall $(wall "$SRE" run "${STUDY[@]}" --threads "$CORES" --out plain.h5) s, $(rate plain.h5) samples/s"
if command -v mpirun >/dev/null; then
  echo "mpi -np 1 --threads $CORES      wall $(wall "${MPI[@]}" -np 1 "$SRE" run "${STUDY[@]}" --threads "$CORES" --out mpi1.h5) s, $(rate mpi1.h5) samples/s"
  echo "mpi -np $CORES --threads 1      wall $(wall "${MPI[@]}" -np "$CORES" "$SRE" run "${STUDY[@]}" --threads 1 --out mpi2.h5) s, $(rate mpi2.h5) samples/s (per-rank max time)"
  echo "mpirun startup alone (hostname) wall $(wall "${MPI[@]}" -np "$CORES" true) s"
fi
# 100 shards of 256 samples each, then the merge.
SH=(--case "$CASE" --k "$K" --samples 25600 --seed 1 --quiet --threads 1)
t0=$(now); for i in $(seq 0 99); do "$SRE" run "${SH[@]}" --shard "$i/100" --out "s$i.h5" >/dev/null; done
echo "100 shard runs (256 samples each) wall $(echo "$(now) - $t0" | bc) s"
echo "merge of 100 shards           wall $(wall "$SRE" merge s{0..99}.h5 -o merged.h5) s"
# Checkpoint cost: every chunk vs none.
echo "checkpoint every chunk        wall $(wall "$SRE" run "${STUDY[@]}" --threads "$CORES" --out ck.h5 --checkpoint ckpt.h5 --checkpoint-every 0) s"
echo "  chunks: $(( (SAMPLES + 256 * 16 * CORES - 1) / (256 * 16 * CORES) ))"
echo "size of a checkpoint: $(stat -c %s ckpt.h5) bytes"
