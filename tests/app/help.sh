#!/usr/bin/env bash
# --help explains every subcommand; a wrong subcommand or option shows the usage.
set -euo pipefail
sre=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Capture before grepping: grep -q may close the pipe early (SIGPIPE under pipefail).
"$sre" --help > "$tmp/top"
grep -q "usage: sre SUBCOMMAND" "$tmp/top"
for cmd in info pf eval run rank defend worst merge convert campaign; do
  "$sre" $cmd --help > "$tmp/$cmd" || { echo "FAIL: sre $cmd --help exited non-zero"; exit 1; }
  grep -q -- "--" "$tmp/$cmd" || { echo "FAIL: sre $cmd --help lists no options"; exit 1; }
  grep -q "$cmd" "$tmp/top" || { echo "FAIL: sre --help does not list $cmd"; exit 1; }
done
grep -q "default" "$tmp/run"
grep -q -- "--heat-deadline-hours" "$tmp/campaign"
grep -q -- "--campaign" "$tmp/defend"
if "$sre" nonsense 2>/dev/null; then echo "FAIL: unknown subcommand accepted"; exit 1; fi
if "$sre" pf --case x --balanse slack 2>"$tmp/err"; then echo "FAIL: bad option accepted"; exit 1; fi
grep -q "balanse" "$tmp/err"
grep -q "sre pf --help" "$tmp/err"
echo "help: ok"
