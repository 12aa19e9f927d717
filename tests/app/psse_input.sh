#!/usr/bin/env bash
# PSS/E input end to end: every command takes a .raw (or .rawx) case, told by its content
# (a RAW file under another name too); `sre convert` writes a MATPOWER case that reads
# back to the same network (bus and branch counts, the same pf angles and flows);
# `--targets substations` takes revision 35 substation data and is refused, naming the
# case, where there is none; a bad RAW file is refused naming its file, line and field.
# usage: bash psse_input.sh PATH/TO/sre SOURCE_DIR
set -euo pipefail
SRE=$1 SRC=$2
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cd "$W"
fail() { echo "FAIL: $*"; exit 1; }
expect_error() {  # PATTERN CMD...
  local pat=$1; shift
  local out rc
  set +e; out=$("$@" 2>&1); rc=$?; set -e
  [[ $rc -ne 0 ]] || fail "expected failure of: $*"
  grep -q -- "$pat" <<<"$out" || fail "expected '$pat' from: $*; got: $out"
}
P=$SRC/data/psse
info_line() { grep "^$2 " <<<"$1" | sed 's/  */ /g'; }

for raw in IEEE_14_bus_completed_rev35.raw IEEE_57_bus.raw ThreeMIB_T3W_phase.raw IEEE_14_bus_nodeBreaker_rev35.rawx; do
  # sre convert, then the MATPOWER case reads back to the same network.
  "$SRE" convert --case "$P/$raw" --out conv.m > convert.out 2> convert.err
  grep -q "convert: .* -> conv.m" convert.out || fail "convert of $raw printed: $(cat convert.out)"
  a=$("$SRE" info --case "$P/$raw" --dispatch case 2>/dev/null)
  b=$("$SRE" info --case conv.m --dispatch case 2>/dev/null)
  for field in buses branches generators islands demand; do
    [[ "$(info_line "$a" $field)" == "$(info_line "$b" $field)" ]] ||
      fail "$raw: sre info $field differs after convert: '$(info_line "$a" $field)' vs '$(info_line "$b" $field)'"
  done
  "$SRE" pf --case "$P/$raw" --csv pf_raw > /dev/null 2>&1
  "$SRE" pf --case conv.m --csv pf_m > /dev/null
  cmp -s pf_raw/bus.csv pf_m/bus.csv || fail "$raw: pf angles differ after convert"
  cmp -s pf_raw/branch.csv pf_m/branch.csv || fail "$raw: pf flows differ after convert"
done

# Skipped sections and unmodelled devices are named, one line each.
"$SRE" info --case "$P/IEEE_14_bus_completed_rev35.raw" --dispatch case 2> warn.txt > /dev/null
grep -q "warning: .*:74-79: TWO-TERMINAL DC DATA skipped ('EATL P1', 'WATL P1')" warn.txt || fail "DC lines not named: $(cat warn.txt)"
grep -q "INDUCTION MACHINE DATA skipped" warn.txt || fail "skipped section not named"

# The format is told by content: a RAW file named .txt is read as RAW.
cp "$P/IEEE_57_bus.raw" ieee57.txt
"$SRE" info --case ieee57.txt --dispatch case | grep -q "buses *57 " || fail "a RAW file named .txt was not read as RAW"

# sre run and sre eval take a RAW case (branch:ROW counts lines, then transformers).
"$SRE" run --case "$P/IEEE_14_bus_completed_rev35.raw" --k 1 --samples 200 --response dc --dispatch case \
  --quiet --out run.h5 > /dev/null
[[ -s run.h5 ]] || fail "sre run wrote no results"
"$SRE" run --case "$P/IEEE_14_bus_delimiter.raw" --targets branch --strike exhaustive --k 1 --response dc \
  --dispatch case --quiet --out n1.h5 > /dev/null
"$SRE" eval --case "$P/IEEE_14_bus_completed_rev35.raw" --destroy 4 --response dc --dispatch case --json > eval.json
grep -q '"destroyed"' eval.json || fail "sre eval printed: $(cat eval.json)"
"$SRE" eval --case "$P/IEEE_14_bus_completed_rev35.raw" --outage branch:18 --response dc --dispatch case --json > xfmr.json
"$SRE" eval --case conv.m --outage branch:18 --response dc --dispatch case --json > /dev/null
"$SRE" worst --case "$P/IEEE_57_bus.raw" --k 1 --response dc --dispatch case > /dev/null

# Substations of revision 35 as targets; a case without them is refused, named.
"$SRE" eval --case "$P/five_bus_nodeBreaker_rev35.raw" --targets substations --destroy "STATION 3" \
  --response dc --dispatch case --json > sub.json
grep -q '"STATION 3"' sub.json || fail "substation target not named: $(cat sub.json)"
"$SRE" run --case "$P/IEEE_14_bus_nodeBreaker_rev35.rawx" --targets substations,branch --k 1 --samples 100 \
  --response dc --dispatch case --quiet --out sub.h5 > /dev/null
expect_error "IEEE_57_bus.raw (PSS/E RAW revision 33) has no substation data" \
  "$SRE" run --case "$P/IEEE_57_bus.raw" --targets substations --k 1 --samples 10 --quiet --out x.h5
# sre convert carries the substations in FILE_substations.csv: the same targets and shed.
"$SRE" convert --case "$P/five_bus_nodeBreaker_rev35.raw" --out five.m > /dev/null 2>&1
[[ -f five_substations.csv ]] || fail "convert wrote no substations CSV"
"$SRE" eval --case five.m --targets five_substations.csv --destroy "STATION 3" --response dc --dispatch case \
  --json > sub_m.json
shed() { sed 's/.*"shed_mw":\([^,]*\),.*/\1/' "$1"; }
[[ "$(shed sub.json)" == "$(shed sub_m.json)" ]] || fail "substation STATION 3: shed $(shed sub.json) on RAW, $(shed sub_m.json) converted"

# A bad RAW file: the file, the line, the record and field, what to do.
sed 's/^ 0,    100.00, 33,/ 0,    100.00, 31,/' "$P/IEEE_57_bus.raw" > rev31.raw
expect_error "rev31.raw:1: case identification record, field REV: revision 31 is not supported" \
  "$SRE" info --case rev31.raw
sed 's/^    1,    15,/    1,    99,/' "$P/IEEE_57_bus.raw" > badbus.raw
expect_error "badbus.raw:118: branch record, field J: bus 99 is not in the BUS DATA" "$SRE" pf --case badbus.raw
expect_error "badbus.raw:118" "$SRE" convert --case badbus.raw --out never.m
[[ ! -e never.m ]] || fail "convert wrote a file for a bad case"
echo "psse_input: ok"
