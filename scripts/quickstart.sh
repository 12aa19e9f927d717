#!/usr/bin/env bash
# From a fresh checkout to first results: install deps, build, inspect the IEEE
# 118-bus case, write its DC power flow as CSV, and run a Monte Carlo strike study.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CASE=data/cases/pglib_opf_case118_ieee.m
PF_DIR=out/pf118

scripts/install-deps.sh
scripts/build.sh build

SRE=build/sre

echo
echo "== sre info: $CASE"
"$SRE" info --case "$CASE"

echo
echo "== sre pf: $CASE -> $PF_DIR"
mkdir -p "$PF_DIR"
"$SRE" pf --case "$CASE" --csv "$PF_DIR"
echo "DC power flow CSV written to $ROOT/$PF_DIR/ (bus.csv, branch.csv, gen.csv)"

echo
echo "== sre run: uniform k=3 strike study on $CASE (configs/uniform_k3.ini)"
"$SRE" run --config configs/uniform_k3.ini --samples 50000 --out out/study118.h5
echo "Monte Carlo results written to $ROOT/out/study118.h5 (layout: docs/results-format.md)"

echo
echo "== report: figures and an HTML page for the study"
scripts/report.py out/study118.h5 -o out/report118
echo "Report written to $ROOT/out/report118/index.html"
