#!/usr/bin/env bash
# scripts/report.py: a small study and a defence plan give valid PNGs (the network picture
# included), an index.html with the settings, tables and every figure; bad inputs create
# nothing; a name in the output directory that is not a regular file is refused; python3 on
# PATH works even without h5py (the script re-runs itself under /usr/bin/python3).
# usage: bash report.sh <path-to-sre> <source-dir>
set -euo pipefail
SRE=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py matplotlib numpy)
REPORT=$SRC/scripts/report.py
command -v sfdp > /dev/null || fail "no Graphviz sfdp (scripts/install-deps.sh installs graphviz)"
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

CASE=$SRC/data/cases/pglib_opf_case14_ieee.m
"$SRE" run --case "$CASE" --samples 3000 --k 2 --seed 7 --threads 2 --quiet --out "$T/r.h5" > /dev/null
"$SRE" defend --case "$CASE" --k 2 --budget 2 --samples 500 --threads 2 --out "$T/plan.csv" --json > "$T/steps.json"
"$PY" "$REPORT" "$T/r.h5" -o "$T/rep" --plan "$T/steps.json" > /dev/null
H=$T/rep/index.html
for png in shed_histogram exceedance convergence targets network defence_steps; do
  is_png "$T/rep/$png.png" || fail "$png.png missing or not a PNG"
  grep -qF "src='$png.png'" "$H" || fail "index.html does not show $png.png"
done
has() { grep -qF -- "$1" "$H" || fail "index.html lacks: $1"; }
has "<td>case</td><td>$CASE"
has "<td>response</td><td>operator"
has "<td>tol</td><td>0.5"
has "<td>dispatch</td><td>scopf asked, "
has "<td>seed</td><td>7</td>"
has "<td>samples</td><td>3000</td>"
has "<td>sre version</td>"
has "<td>date</td>"
has "mean shed when the target is destroyed minus the mean shed when it is not"
has "mean of the worst (1 - a) share of samples"
has "<td>quantile 99 %</td>"
has "<h3>P(shed &gt; x)</h3>"
has "<h2>Most critical targets</h2>"
has "<h2>Branches most often tripped</h2>"
has "<h2>Defence plan</h2>"
has "<h3>Comparison with the baselines (fresh samples)</h3>"
settings=$(grep -n "Study settings" "$H" | head -1 | cut -d: -f1)
first_img=$(grep -n "<img" "$H" | head -1 | cut -d: -f1)
[ "$settings" -lt "$first_img" ] || fail "the settings are not at the top"
# Only the outputs: no temporary file left behind.
want="convergence.png defence_steps.png exceedance.png index.html network.png shed_histogram.png targets.png "
[ "$(ls -A "$T/rep" | tr '\n' ' ')" = "$want" ] || fail "unexpected files in the report: $(ls -A "$T/rep")"

# python3 on PATH (may lack h5py: then the script re-runs under /usr/bin/python3); case118,
# few samples: the ranking warning; no --plan: no plan section.
"$SRE" run --case "$SRC/data/cases/pglib_opf_case118_ieee.m" --samples 200 --k 1 --threads 2 --quiet \
  --out "$T/r118.h5" > /dev/null
python3 "$REPORT" "$T/r118.h5" -o "$T/rep2" > /dev/null 2> "$T/py3.err" || fail "python3 report.py: $(cat "$T/py3.err")"
if ! python3 -c "import h5py, matplotlib, numpy" 2> /dev/null; then
  grep -qF "re-running under /usr/bin/python3" "$T/py3.err" || fail "python3 without h5py did not re-run: $(cat "$T/py3.err")"
fi
is_png "$T/rep2/network.png" || fail "no network picture for case118"
grep -qF "<span class='warn'>ranking rests on few samples</span>" "$T/rep2/index.html" \
  || fail "no warning on the targets destroyed in few samples"
[ ! -e "$T/rep2/defence_steps.png" ] || fail "plan figure without --plan"
! grep -qF "Defence plan" "$T/rep2/index.html" || fail "plan section without --plan"

# Bad inputs: a non-zero exit, one line naming the file, and no output directory.
expect_refused() {  # expect_refused MESSAGE ARGS...
  local message=$1 out rc=0
  shift
  out=$("$PY" "$REPORT" "$@" -o "$T/bad" 2>&1 > /dev/null) || rc=$?
  [ "$rc" -ne 0 ] || fail "report.py $* succeeded"
  [ "$(wc -l <<< "$out")" -eq 1 ] && grep -qF -- "$message" <<< "$out" \
    || fail "report.py $*: want one line with '$message', got: $out"
  [ ! -e "$T/bad" ] || fail "report.py $* created $T/bad"
}
echo "not HDF5" > "$T/notes.txt"
"$PY" -c "import h5py, sys; h5py.File(sys.argv[1], 'w')" "$T/other.h5"
expect_refused "$T/missing.h5: no such file" "$T/missing.h5"
expect_refused "$T/notes.txt is not an HDF5 file" "$T/notes.txt"
expect_refused "$T/other.h5 is not an sre results file" "$T/other.h5"
expect_refused "$T/notes.txt is not JSON" "$T/r.h5" --plan "$T/notes.txt"
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -S -c "import h5py" 2> /dev/null; then
  # Debian's python without site-packages: nothing to hand over to, so a message naming the module.
  out=$(/usr/bin/python3 -S "$REPORT" "$T/r.h5" -o "$T/bad" 2>&1) && fail "ran without h5py"
  grep -qF "scripts/install-deps.sh installs it" <<< "$out" || fail "no install hint: $out"
  [ ! -e "$T/bad" ] || fail "created $T/bad without h5py"
fi

# A FIFO under an output name is refused before anything is written.
mkdir "$T/fifo"
mkfifo "$T/fifo/exceedance.png"
out=$("$PY" "$REPORT" "$T/r.h5" -o "$T/fifo" 2>&1) && fail "wrote over a FIFO"
grep -qF "exceedance.png: it exists and is a FIFO" <<< "$out" || fail "FIFO not named: $out"
[ "$(ls -A "$T/fifo")" = "exceedance.png" ] || fail "files written next to the FIFO: $(ls -A "$T/fifo")"

# Without Graphviz: the report still comes, with a note in place of the picture.
env PATH=/nonexistent "$(command -v "$PY")" "$REPORT" "$T/r.h5" -o "$T/nosfdp" > /dev/null
[ ! -e "$T/nosfdp/network.png" ] || fail "network picture without sfdp"
grep -qF "Network picture skipped: Graphviz sfdp was not found" "$T/nosfdp/index.html" \
  || fail "no note for the missing picture"
echo "report.sh: all passed"
