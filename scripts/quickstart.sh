#!/usr/bin/env bash
# From a fresh checkout to first results: install deps, build the sre binary (only it:
# tests and benchmarks are scripts/test.sh's), inspect the IEEE 118-bus case, write its
# DC power flow as CSV, run a Monte Carlo strike study and a short winter campaign, and write
# their reports. Each step says how long it took; the study's results appear as soon as the
# binary exists.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CASE=data/cases/pglib_opf_case118_ieee.m
PF_DIR=out/pf118
SRE=build/sre

step_start=$SECONDS
step() {  # step "what comes next": closes the previous step with its time
  local took=$((SECONDS - step_start))
  [[ -n "${current:-}" ]] && echo "   ($current: ${took} s)"
  current=$1
  step_start=$SECONDS
  echo
  echo "== $1"
}

step "install the Debian packages sre needs (scripts/install-deps.sh; nothing when all are there)"
scripts/install-deps.sh

step "build the sre binary (tests and benchmarks: scripts/test.sh)"
SRE_TARGET=sre scripts/build.sh build -DSRE_BUILD_TESTS=OFF -DSRE_BUILD_BENCH=OFF

step "sre run: uniform k = 3 strike study of $CASE (configs/uniform_k3.ini)"
mkdir -p out  # sre writes into an existing folder only
"$SRE" run --config configs/uniform_k3.ini --samples 50000 --out out/study118.h5
echo "Monte Carlo results written to $ROOT/out/study118.h5 (layout: docs/results-format.md)"

step "sre info: $CASE"
"$SRE" info --case "$CASE"

step "sre pf: $CASE -> $PF_DIR"
mkdir -p "$PF_DIR"
"$SRE" pf --case "$CASE" --csv "$PF_DIR"
echo "DC power flow CSV written to $ROOT/$PF_DIR/ (bus.csv, branch.csv, gen.csv)"

step "report: figures and an HTML page for the study"
scripts/report.py out/study118.h5 -o out/report118
echo "Report written to $ROOT/out/report118/index.html"

step "sre campaign: a 30-day winter campaign of strike waves on $CASE (configs/winter_campaign.ini)"
echo "Each of 50 campaigns is one simulated month of winter: waves of 3 strikes every 8.5 days on average,"
echo "repairs of about two weeks, hourly winter demand; the grid serves what it can every hour."
"$SRE" campaign --config configs/winter_campaign.ini --samples 50 --days 30 --save-samples \
  --out out/quickstart_campaign.h5
echo "Campaign results written to $ROOT/out/quickstart_campaign.h5 (layout: docs/results-format.md, Campaign results)"

step "report: the campaign"
scripts/report.py out/quickstart_campaign.h5 -o out/report_campaign118
echo "Campaign report written to $ROOT/out/report_campaign118/index.html: energy not served per campaign,"
echo "the served share of demand hour by hour with the waves marked, the districts longest without power"
echo "and those that had to drain their district heating, and the targets destroyed longest."

step "done"
echo "Next: scripts/test.sh builds and runs every test; 'build/sre --help' lists the commands;"
echo "the README's 'Using it' shows a study of your own, ranking, defence plans and worst cases."
