#!/usr/bin/env bash
# --help explains every subcommand; a wrong subcommand or option shows the usage.
set -euo pipefail
sre=$1
"$sre" --help | grep -q "usage: sre SUBCOMMAND"
for cmd in info pf eval run; do
  "$sre" $cmd --help | grep -q -- "--case" || { echo "FAIL: sre $cmd --help"; exit 1; }
done
"$sre" run --help | grep -q "default"
if "$sre" nonsense 2>/dev/null; then echo "FAIL: unknown subcommand accepted"; exit 1; fi
if "$sre" pf --case x --balanse slack 2>"${TMPDIR:-/tmp}/sre_help_err"; then echo "FAIL: bad option accepted"; exit 1; fi
grep -q "balanse" "${TMPDIR:-/tmp}/sre_help_err"
echo "help: ok"
