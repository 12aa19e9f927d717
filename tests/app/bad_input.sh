#!/usr/bin/env bash
# Every bad option is refused before sampling with a one-line error and a non-zero exit.
set -uo pipefail
sre=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
case=$src/data/cases/case9.m
fails=0
expect_error() {  # expect_error PATTERN ARGS...
  local pattern=$1; shift
  local out rc
  out=$("$sre" "$@" 2>&1 >/dev/null); rc=$?
  if [ $rc -eq 0 ] || ! grep -q -- "$pattern" <<<"$out"; then
    echo "FAIL: sre $* -> rc=$rc, stderr: $out"; fails=$((fails + 1))
  fi
  if [ -e "$tmp/x.h5" ]; then echo "FAIL: sre $* left an output file"; fails=$((fails + 1)); fi
}
printf 'target,intercept\n99,0.5\n' > "$tmp/bad_defence.csv"
printf 'bus_id,substation\n1,A\n77,B\n' > "$tmp/bad_targets.csv"
expect_error "between 1 and the number of targets" run --case "$case" --k 10 --quiet --out "$tmp/x.h5"
expect_error "probability 1.5: must be a finite number from 0 to 1" run --case "$case" --strike independent --probability 1.5 --quiet --out "$tmp/x.h5"
# Whole numbers are parsed signed and checked: nothing wraps around, 0 is not "the default".
expect_error "samples -5: must be a whole number at least 1" run --case "$case" --samples -5 --quiet --out "$tmp/x.h5"
expect_error "samples 0: must be a whole number at least 1" run --case "$case" --samples 0 --quiet --out "$tmp/x.h5"
expect_error "seed -1: must be a whole number at least 0" run --case "$case" --seed -1 --quiet --out "$tmp/x.h5"
expect_error "threads -2: must be a whole number" run --case "$case" --threads -2 --quiet --out "$tmp/x.h5"
expect_error "tol nan: must be a finite number" run --case "$case" --tol nan --quiet --out "$tmp/x.h5"
expect_error "budget 0: must be a whole number" defend --case "$case" --budget 0 --out "$tmp/plan.csv"
expect_error "k -1: k must be a whole number" worst --case "$case" --k -1
expect_error "top -3: must be a whole number" rank --case "$case" --top -3
# From a config file: the file and the line.
printf 'case = %s\n# a comment\nsamples = -5\n' "$case" > "$tmp/bad.ini"
expect_error "bad.ini:3: --samples -5: must be a whole number" run --config "$tmp/bad.ini" --quiet --out "$tmp/x.h5"
expect_error "allowed values are uniform" run --case "$case" --strike sideways --quiet --out "$tmp/x.h5"
expect_error "allowed values are topology" run --case "$case" --response pray --quiet --out "$tmp/x.h5"
expect_error "not a target of this study" run --case "$case" --defence "$tmp/bad_defence.csv" --quiet --out "$tmp/x.h5"
expect_error "not a bus of the case" run --case "$case" --targets "$tmp/bad_targets.csv" --quiet --out "$tmp/x.h5"
expect_error "does not fit in 64 bits" run --case "$src/data/cases/case9241pegase.m" --strike exhaustive --k 10 --quiet --out "$tmp/x.h5"
expect_error "no-such-dir" run --case "$case" --k 1 --samples 10 --out "$tmp/no-such-dir/x.h5"
expect_error "cannot open" run --case "$tmp/missing.m" --quiet --out "$tmp/x.h5"
expect_error "unrecognised option\|unknown option\|unrecognized option" run --case "$case" --sampels 10 --quiet --out "$tmp/x.h5"
expect_error "is not a target" eval --case "$case" --destroy 12345
# Only regular files are written: a device, a FIFO or a directory under the output name
# is refused before any work and left as it was.
mkfifo "$tmp/fifo"
mkdir "$tmp/adir"
for target in /dev/null "$tmp/fifo" "$tmp/adir"; do
  expect_error "sre writes only regular files\|is a directory" run --case "$case" --k 1 --samples 10 --quiet --out "$target"
  expect_error "sre writes only regular files\|is a directory" defend --case "$case" --budget 1 --samples 10 --out "$target"
done
[ -c /dev/null ] || { echo "FAIL: /dev/null is no longer a device"; fails=$((fails + 1)); }
[ -p "$tmp/fifo" ] || { echo "FAIL: the FIFO was replaced"; fails=$((fails + 1)); }
mkdir "$tmp/pf" && mkfifo "$tmp/pf/bus.csv"
expect_error "bus.csv: is a FIFO; sre writes only regular files" pf --case "$case" --csv "$tmp/pf"
[ -p "$tmp/pf/bus.csv" ] || { echo "FAIL: pf replaced the FIFO"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "bad input: all refused" || exit 1
