#!/usr/bin/env bash
# Element targets end to end: `sre eval --outage` equals `sre eval --destroy` of the same
# targets; an exhaustive study with per-class budgets enumerates C(n_bus,1) C(n_branch,1)
# samples, with the same statistics on any shards or threads; /targets/class and
# /targets/element as documented; the stored config (k = bus:1,branch:1) reproduces the
# study; bad elements are refused naming them.
# usage: bash element_targets.sh PATH/TO/sre SOURCE_DIR
set -euo pipefail
SRE=$1 SRC=$2
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cp "$SRC/data/cases/pglib_opf_case14_ieee.m" "$W/case14.m"
cd "$W"
fail() { echo "FAIL: $*"; exit 1; }
expect_error() {  # PATTERN CMD...
  local pat=$1; shift
  local out rc
  set +e; out=$("$@" 2>&1); rc=$?; set -e
  [[ $rc -ne 0 ]] || fail "expected failure of: $*"
  grep -q -- "$pat" <<<"$out" || fail "expected '$pat' from: $*; got: $out"
}

# --- sre eval: --outage ELEMENTS == --destroy of the same targets (names aside) ---
for response in dc cascade operator; do
  COMMON=(--case case14.m --response "$response" --dispatch case --json)
  "$SRE" eval "${COMMON[@]}" --outage gen:1,branch:7,bus:9 > outage.json
  "$SRE" eval "${COMMON[@]}" --targets bus,branch,generator --destroy 9,branch:7,gen:1 > destroy.json
  "$SRE" eval "${COMMON[@]}" --outage bus:9 > bus_only.json
  "$PY" - outage.json destroy.json bus_only.json <<'PY'
import json, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:4])
assert a["destroyed"] == ["bus:9", "branch:7", "gen:1"], a["destroyed"]
assert b["destroyed"] == ["9", "branch:7", "gen:1"], b["destroyed"]
for j in (a, b):
    del j["destroyed"]
assert a == b, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
assert a["n_struck"] == 3 and a["n_destroyed"] == 3, a
# The branch cut and the lost unit count: bus 9 alone is another scenario.
del c["destroyed"]
assert c != a, "the branch and unit outages changed nothing"
PY
done

# --- sre run: exhaustive per-class budgets over bus,branch,generator ---
# (The case by its absolute path: a config file's paths are stored resolved.)
STUDY=(--case "$W/case14.m" --targets bus,branch,generator --k bus:1,branch:1 --strike exhaustive --response dc --dispatch case --quiet)
"$SRE" run "${STUDY[@]}" --threads 1 --out single.h5 > /dev/null
"$SRE" run "${STUDY[@]}" --threads 2 --out threads2.h5 > /dev/null
for i in 0 1 2; do "$SRE" run "${STUDY[@]}" --threads 1 --shard $i/3 --out shard$i.h5 > /dev/null; done
"$SRE" merge shard2.h5 shard0.h5 shard1.h5 -o merged.h5 > /dev/null
compare_results single.h5 merged.h5 > /dev/null || fail "3 shards merged differ from one run"
for path in /summary /tally /targets; do
  h5diff single.h5 threads2.h5 "$path" || fail "$path differs between 1 and 2 threads"
done
"$PY" - single.h5 <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
n_bus, n_branch, n_gen = 14, 20, 5
assert f.attrs["samples"] == n_bus * n_branch, f.attrs["samples"]
assert f.attrs["k"] == 2, f.attrs["k"]
k_classes = f.attrs["k_classes"]
k_classes = k_classes.decode() if isinstance(k_classes, bytes) else k_classes
assert k_classes == "bus:1,branch:1", k_classes
dec = lambda v: [x.decode() if isinstance(x, bytes) else x for x in v]
cls = dec(f["/targets/class"][:])
assert cls == ["bus"] * n_bus + ["branch"] * n_branch + ["generator"] * n_gen, cls
names = dec(f["/targets/name"][:])
assert names[:n_bus] == [str(i) for i in range(1, 15)], names
assert names[n_bus:n_bus + n_branch] == ["branch:%d" % r for r in range(1, 21)], names
assert names[n_bus + n_branch:] == ["gen:%d" % r for r in range(1, 6)], names
offset = list(f["/targets/element_offset"][:])
element = dec(f["/targets/element"][:])
assert offset == list(range(0, n_bus + n_branch + n_gen + 1)), offset
assert element[:n_bus] == ["bus:%d" % i for i in range(1, 15)], element
assert element[n_bus:] == names[n_bus:], element
# Every bus with every branch once: each bus struck 20 times, each branch 14, no unit.
struck = list(f["/targets/struck"][:])
assert struck == [n_branch] * n_bus + [n_bus] * n_branch + [0] * n_gen, struck
config = f["/config"][()].decode()
assert "k = bus:1,branch:1\n" in config, config
assert "targets = bus,branch,generator\n" in config, config
open("stored.ini", "w").write(config)
PY
"$SRE" run --config stored.ini --quiet --out again.h5 > /dev/null
compare_results single.h5 again.h5 > /dev/null || fail "the stored config did not reproduce the study"
# A different budget is another study (the comparison above can fail).
"$SRE" run --case case14.m --targets bus,branch,generator --k bus:1,generator:1 --strike exhaustive --response dc \
  --dispatch case --quiet --out other.h5 > /dev/null
"$PY" -c 'import sys,h5py; assert h5py.File(sys.argv[1], "r").attrs["samples"] == 14 * 5' other.h5
if compare_results single.h5 other.h5 > /dev/null; then fail "bus:1,generator:1 gave the results of bus:1,branch:1"; fi

# --- a config file with a targets union: its file resolves from the config's folder, the
# class keywords stay keywords ---
mkdir -p study elsewhere
cp case14.m study/grid.m
printf 'element,target\ngen:2,plant2\nbranch:1,plant2\nbus:3,sub3\nbranch:3,sub3\n' > study/plants.csv
printf 'case = grid.m\ntargets = plants.csv, bus,branch\nk = bus:1,branch:1\nstrike = exhaustive\ndispatch = case\nresponse = dc\n' > study/study.ini
(cd elsewhere && "$SRE" run --config ../study/study.ini --quiet --out union.h5 > /dev/null)
"$PY" - elsewhere/union.h5 "$W/study" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
config = f["/config"][()].decode()
assert "targets = %s/plants.csv, bus,branch\n" % sys.argv[2] in config, config
dec = lambda v: [x.decode() if isinstance(x, bytes) else x for x in v]
names = dec(f["/targets/name"][:])
# Bus class: sub3 (bus 3 with branch 3), then buses 1, 2, 4..14; branch class: rows 2 and
# 4..20 (1 and 3 are the file's); generator class: plant2 (a unit and a branch, no bus).
assert names[0] == "sub3" and names[1:14] == ["1", "2"] + [str(i) for i in range(4, 15)], names
assert names[14:32] == ["branch:2"] + ["branch:%d" % r for r in range(4, 21)], names
assert names[32:] == ["plant2"], names
cls = dec(f["/targets/class"][:])
assert cls == ["bus"] * 14 + ["branch"] * 18 + ["generator"], cls
off = list(f["/targets/element_offset"][:])
el = dec(f["/targets/element"][:])
assert el[off[0]:off[1]] == ["bus:3", "branch:3"], el[off[0]:off[1]]
assert el[off[32]:off[33]] == ["branch:1", "gen:2"], el[off[32]:off[33]]
assert f.attrs["samples"] == 14 * 18, f.attrs["samples"]
PY

# --- refusals naming what is wrong ---
expect_error "bus:99" "$SRE" eval --case case14.m --outage bus:99
expect_error "element 'branch:21': the case has branch rows 1 to 20" "$SRE" eval --case case14.m --outage branch:21
expect_error "element 'gen:0'" "$SRE" eval --case case14.m --outage bus:2,gen:0
expect_error "element 'line:3'" "$SRE" eval --case case14.m --outage line:3
expect_error "element 'branch:3' is given twice" "$SRE" eval --case case14.m --outage branch:3,bus:2,branch:3
expect_error "exactly one of --destroy" "$SRE" eval --case case14.m --outage bus:2 --destroy 2
expect_error "exactly one of --destroy" "$SRE" eval --case case14.m
expect_error "'branch:7' is not a target of this study" "$SRE" eval --case case14.m --destroy branch:7
expect_error "have no generator class" "$SRE" run --case case14.m --targets bus,branch --k bus:1,generator:1 --quiet --out x.h5
expect_error "takes no k" "$SRE" run --case case14.m --targets bus,branch --k bus:1 --strike independent --probability 0.1 --quiet --out x.h5
[[ ! -e x.h5 ]] || fail "a refused run left x.h5"
echo "PASS: element_targets"
