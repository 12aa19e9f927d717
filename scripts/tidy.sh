#!/usr/bin/env bash
# clang-tidy with the project's .clang-tidy over every source of src/ (or the files
# given), from the compile commands of BUILD_DIR (default build/). Exit 1 on a finding.
#   scripts/tidy.sh [FILE.cpp ...]        (apt-get install clang-tidy)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
[ -f "$BUILD/compile_commands.json" ] || { echo "tidy: no $BUILD/compile_commands.json; configure with cmake first" >&2; exit 2; }
TIDY=$(command -v clang-tidy || command -v clang-tidy-14) || { echo "tidy: clang-tidy not found (apt-get install clang-tidy)" >&2; exit 2; }
if [ $# -eq 0 ]; then mapfile -t files < <(cd "$ROOT" && git ls-files 'src/*.cpp' | sed "s#^#$ROOT/#"); else files=("$@"); fi
out=$(mktemp); trap 'rm -f "$out"' EXIT
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 "$TIDY" -p "$BUILD" --quiet 2>/dev/null > "$out" || true
if grep -E '^/.*(warning|error):' "$out"; then
  echo "tidy: $(grep -cE '^/.*(warning|error):' "$out") finding(s)"; exit 1
fi
echo "tidy: ${#files[@]} files clean"
