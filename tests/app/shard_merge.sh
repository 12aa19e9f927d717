#!/usr/bin/env bash
# `sre run --shard I/N` x N then `sre merge` gives the statistics of one run, bit for
# bit; merge refuses missing, repeated, foreign and unfinished shards with clear messages.
# usage: bash shard_merge.sh PATH/TO/sre SOURCE_DIR
set -euo pipefail
SRE=$1 SRC=$2
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cp "$SRC/data/cases/pglib_opf_case30_ieee.m" "$W/case30.m"
cd "$W"
COMMON=(--case case30.m --k 3 --samples 7000 --quiet --threads 1)
STUDY=("${COMMON[@]}" --seed 5)
fail() { echo "FAIL: $*"; exit 1; }
expect_error() {  # PATTERN CMD...
  local pat=$1; shift
  local out rc
  set +e; out=$("$@" 2>&1); rc=$?; set -e
  [[ $rc -ne 0 ]] || fail "expected failure of: $*"
  grep -q -- "$pat" <<<"$out" || fail "expected '$pat' from: $*; got: $out"
}

"$SRE" run "${STUDY[@]}" --out single.h5 >/dev/null
for i in 0 1 2 3; do "$SRE" run "${STUDY[@]}" --shard $i/4 --out shard$i.h5 >/dev/null; done
"$SRE" merge shard3.h5 shard1.h5 shard0.h5 shard2.h5 -o merged.h5 >/dev/null
compare_results single.h5 merged.h5

expect_error "shards missing (indices 2)" "$SRE" merge shard0.h5 shard1.h5 shard3.h5 -o x.h5
expect_error "repeats shard 1/4" "$SRE" merge shard0.h5 shard1.h5 shard1.h5 shard2.h5 shard3.h5 -o x.h5
"$SRE" run "${COMMON[@]}" --seed 6 --shard 2/4 --out other.h5 >/dev/null
expect_error "different study" "$SRE" merge shard0.h5 shard1.h5 other.h5 shard3.h5 -o x.h5
expect_error "not a shard file" "$SRE" merge single.h5 -o x.h5
expect_error "need 0 <= I < N" "$SRE" run "${STUDY[@]}" --shard 4/4 --out x.h5
[[ ! -e x.h5 ]] || fail "a refused merge left x.h5"

# The case moved: a clear error naming --case, then --case fixes it (same bytes checked).
mkdir moved && mv case30.m moved/
expect_error "with --case FILE" "$SRE" merge shard0.h5 shard1.h5 shard2.h5 shard3.h5 -o x.h5
cp "$SRC/data/cases/pglib_opf_case14_ieee.m" wrong.m
expect_error "SHA-256 differs" "$SRE" merge shard0.h5 shard1.h5 shard2.h5 shard3.h5 --case wrong.m -o x.h5
"$SRE" merge shard0.h5 shard1.h5 shard2.h5 shard3.h5 --case moved/case30.m -o merged2.h5 >/dev/null
compare_results single.h5 merged2.h5
echo "PASS: shard_merge"
