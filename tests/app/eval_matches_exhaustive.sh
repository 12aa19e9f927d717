#!/usr/bin/env bash
# Exhaustive k=1 over every bus equals the mean of `sre eval` over every single bus.
set -euo pipefail
sre=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$src/tests/app/lib.bash"
PY=$(require_python h5py)
case=$src/data/cases/pglib_opf_case14_ieee.m
"$sre" run --case "$case" --strike exhaustive --k 1 --quiet --out "$tmp/n1.h5" > /dev/null
sum=0
for bus in $(seq 1 14); do
  shed=$("$sre" eval --case "$case" --destroy "$bus" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["shed_mw"])')
  sum=$("$PY" -c "print($sum + $shed)")
done
"$PY" - "$tmp/n1.h5" "$sum" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
mean = f["/summary/shed_mw/mean"][()]
expect = float(sys.argv[2]) / 14
assert f.attrs["samples"] == 14, f.attrs["samples"]
assert abs(mean - expect) <= 1e-6, (mean, expect)
assert list(f["/targets/destroyed"][:]) == [1] * 14
print(f"exhaustive k=1 mean {mean:.9f} MW == mean of 14 evals {expect:.9f} MW")
PY
