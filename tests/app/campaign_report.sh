#!/usr/bin/env bash
# sre campaign and scripts/report.py: a small winter campaign on case118 writes a campaign file
# (format sre-campaign) that the report turns into valid PNGs and an index.html with the
# assumptions, the table of campaign figures, the served-fraction figure and the rankings of
# districts and targets; without --save-samples the energy figure falls back to the quantiles;
# --plan is refused for a campaign file and creates nothing.
# usage: bash campaign_report.sh <path-to-sre> <source-dir>
set -euo pipefail
SRE=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$SRC/tests/app/lib.bash"
PY=$(require_python h5py matplotlib numpy)
REPORT=$SRC/scripts/report.py
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# The example config (case118, k = 3 per wave, poisson:8.5 waves) with small options.
"$SRE" campaign --config "$SRC/configs/winter_campaign.ini" --samples 20 --days 10 --threads 2 \
  --seed 3 --save-samples --out "$T/c.h5" > /dev/null
"$PY" - "$T/c.h5" <<'PY' || fail "the campaign file does not have the documented layout"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f.attrs["format"] == "sre-campaign" and int(f.attrs["format_version"]) == 1, dict(f.attrs)
assert int(f["/campaign"].attrs["hours"]) == 240, dict(f["/campaign"].attrs)
for k in ("demand_factor", "served_fraction_mean", "served_fraction_q05", "served_fraction_q50",
          "served_fraction_q95", "wave_probability"):
    assert f["/campaign/hours/" + k].shape == (240,), k
assert f["/campaign/samples/ens_mwh"].shape == (20,)
assert f["/campaign/hours/wave_probability"][0] == 1  # the first wave of poisson:D is at hour 0
PY
"$PY" "$REPORT" "$T/c.h5" -o "$T/rep" > /dev/null
H=$T/rep/index.html
[ -s "$H" ] || fail "no index.html"
for png in served_fraction ens_distribution; do
  is_png "$T/rep/$png.png" || fail "$png.png missing or not a PNG"
  grep -qF "src='$png.png'" "$H" || fail "index.html does not show $png.png"
done
if command -v sfdp > /dev/null; then
  is_png "$T/rep/network.png" || fail "no network picture"
fi
has() { grep -qF -- "$1" "$H" || fail "index.html lacks: $1"; }
has "<h1>Winter campaign report: pglib_opf_case118_ieee.m</h1>"
has "<b>Assumptions:</b>"
has "<td>campaigns</td><td>20</td>"
has "<td>length</td><td>10 days (240 hours)</td>"
has "<td>waves</td><td>poisson:8.5</td>"
has "<td>seed</td><td>3</td>"
has "<td>energy not served</td><td>MWh</td>"
has "<td>districts (buses) drained at least once</td>"
has "<h3>Served fraction over the winter</h3>"
has "<h2>Districts without power</h2>"
has "<h3>Top 20 by hours without power</h3>"
has "<h3>Top 20 by drain probability</h3>"
has "<h2>Targets by hours destroyed</h2>"
# The first wave (hour 0) destroys 3 substations in each of 20 campaigns: some district loses power.
has "<th>hours without power (mean)</th>"
settings=$(grep -n "Campaign settings" "$H" | head -1 | cut -d: -f1)
first_img=$(grep -n "<img" "$H" | head -1 | cut -d: -f1)
[ "$settings" -lt "$first_img" ] || fail "the settings are not at the top"
for f in "$T"/rep/.*.tmp; do [ ! -e "$f" ] || fail "temporary file left behind: $f"; done

# Without --save-samples (and one campaign): the energy figure shows the stored quantiles.
"$SRE" campaign --config "$SRC/configs/winter_campaign.ini" --samples 1 --days 10 --threads 2 \
  --out "$T/one.h5" > /dev/null
"$PY" "$REPORT" "$T/one.h5" -o "$T/rep1" > /dev/null
is_png "$T/rep1/ens_distribution.png" || fail "no energy figure without samples"
grep -qF "the stored quantiles" "$T/rep1/index.html" || fail "no note on the missing samples"
grep -qF "One campaign only" "$T/rep1/index.html" || fail "no warning for a single campaign"

# --plan belongs to run files: refused in one line, nothing created.
out=$("$PY" "$REPORT" "$T/c.h5" -o "$T/bad" --plan "$T/none.json" 2>&1 > /dev/null) && fail "--plan accepted"
grep -qF "is a campaign file" <<< "$out" || fail "--plan not refused clearly: $out"
[ ! -e "$T/bad" ] || fail "created $T/bad"
echo "campaign_report.sh: all passed"
