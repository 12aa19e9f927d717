#!/usr/bin/env bash
# Relative paths in a config file are taken from the config file's folder, whatever the
# working directory; the results store them resolved, so the stored /config re-runs the
# study from anywhere; keywords (targets = bus) stay keywords.
set -euo pipefail
sre=$1; src=$2; SRC=$src
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$src/tests/app/lib.bash"
PY=$(require_python h5py)
mkdir -p "$tmp/study/plans" "$tmp/elsewhere"
cp "$src/data/cases/pglib_opf_case14_ieee.m" "$tmp/study/grid.m"
printf 'target,intercept\n4,0.9\n' > "$tmp/study/plans/plan.csv"
printf 'case = grid.m\ntargets = bus\ndefence = plans/plan.csv\nk = 2\nsamples = 300\n' > "$tmp/study/study.ini"
# From another folder, by a relative path to the config and by an absolute one.
(cd "$tmp/elsewhere" && "$sre" run --config ../study/study.ini --quiet --out a.h5 > /dev/null)
(cd / && "$sre" run --config "$tmp/study/study.ini" --quiet --out "$tmp/b.h5" > /dev/null)
compare_results "$tmp/elsewhere/a.h5" "$tmp/b.h5" > /dev/null
"$PY" - "$tmp/b.h5" "$tmp/study" <<'PY'
import sys, h5py
config = h5py.File(sys.argv[1], "r")["/config"][()].decode()
assert "case = %s/grid.m" % sys.argv[2] in config, config
assert "defence = %s/plans/plan.csv" % sys.argv[2] in config, config
assert "targets = bus" in config, config
PY
# The stored configuration re-runs the study from yet another folder.
"$PY" -c 'import sys,h5py; open(sys.argv[2], "w").write(h5py.File(sys.argv[1], "r")["/config"][()].decode())' \
  "$tmp/b.h5" "$tmp/elsewhere/stored.ini"
(cd / && "$sre" run --config "$tmp/elsewhere/stored.ini" --quiet --out "$tmp/c.h5" > /dev/null)
compare_results "$tmp/b.h5" "$tmp/c.h5" > /dev/null
echo "config paths: relative to the config file"
