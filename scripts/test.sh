#!/usr/bin/env bash
# Install dependencies, build, and run the whole test suite with ctest.
#   scripts/test.sh                 Release build in build/
#   SRE_SANITIZE=1 scripts/test.sh  ASan+UBSan build (RelWithDebInfo) in build-asan/
# Exit code is ctest's (or the failing install/build step's).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/install-deps.sh

if [[ "${SRE_SANITIZE:-0}" == "1" ]]; then
  BUILD_DIR=build-asan
  # Benchmarks are not run here, so skip building them under the sanitizers.
  scripts/build.sh "$BUILD_DIR" -DSRE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRE_BUILD_TESTS=ON -DSRE_BUILD_BENCH=OFF
  # Fail loudly on the first report; keep caller overrides.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp}
else
  BUILD_DIR=build
  scripts/build.sh "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSRE_BUILD_TESTS=ON
fi

echo "test: ctest in $BUILD_DIR"
rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 || rc=$?
echo "test: ctest exit code $rc"
exit "$rc"
