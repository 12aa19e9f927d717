#!/usr/bin/env bash
# `mpirun -np 2 sre run` gives the statistics of a single-process run, bit for bit;
# a failure on one rank ends the job with one message (no hang).
# usage: bash mpi_ranks.sh PATH/TO/sre SOURCE_DIR
set -euo pipefail
SRE=$1 SRC=$2
source "$SRC/tests/app/lib.bash"
if ! command -v mpirun >/dev/null 2>&1; then echo "SKIP: mpirun not found"; exit 0; fi
PY=$(require_python h5py)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
MPI=(mpirun --oversubscribe --allow-run-as-root -np 2)
# Open MPI keeps allocations until exit: LeakSanitizer (SRE_SANITIZE builds) would flag them.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
CASE="$SRC/data/cases/pglib_opf_case30_ieee.m"
STUDY=(--case "$CASE" --k 3 --samples 5000 --seed 11 --quiet)

"$SRE" run "${STUDY[@]}" --threads 2 --out "$W/single.h5" >/dev/null
out=$("${MPI[@]}" "$SRE" run "${STUDY[@]}" --threads 1 --out "$W/mpi.h5" 2>&1) || true
if grep -q "built without MPI" <<<"$out"; then echo "SKIP: sre built without MPI (SRE_MPI=OFF)"; exit 0; fi
[[ -f "$W/mpi.h5" ]] || { echo "FAIL: mpirun produced no results file"; echo "$out"; exit 1; }
compare_results "$W/single.h5" "$W/mpi.h5"

# One MPI rank is the plain run too.
mpirun --allow-run-as-root -np 1 "$SRE" run "${STUDY[@]}" --threads 2 --out "$W/mpi1.h5" >/dev/null
compare_results "$W/single.h5" "$W/mpi1.h5"

# Bad input: every rank fails; exactly one message, non-zero status, within the timeout.
set +e
msg=$(timeout 60 "${MPI[@]}" "$SRE" run --case "$W/missing.m" --samples 100 --out "$W/bad.h5" 2>&1)
rc=$?
set -e
[[ $rc -ne 0 && $rc -ne 124 ]] || { echo "FAIL: bad input exited $rc"; echo "$msg"; exit 1; }
n=$(grep -c "sre run: error" <<<"$msg" || true)
[[ $n -eq 1 ]] || { echo "FAIL: expected one error message, got $n"; echo "$msg"; exit 1; }
[[ ! -e "$W/bad.h5" ]] || { echo "FAIL: bad run left a file"; exit 1; }
echo "PASS: mpi_ranks"
