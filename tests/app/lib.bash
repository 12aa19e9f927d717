# Shared helpers of the cluster tests (sourced; .bash so ctest does not run it as a test).
# h5py: the pyenv python may lack it, the system one has it (python3-h5py).
# A python3 that imports the given modules: $PYTHON, python3 on PATH, or Debian's.
# scripts/install-deps.sh installs python3-h5py and python3-matplotlib, so a missing
# module is a broken set-up and fails the test.
require_python() {  # require_python MODULE...
  local mods=${*:-h5py} py
  for py in ${PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c "import ${mods// /, }" 2>/dev/null; then echo "$py"; return 0; fi
  done
  echo "FAIL: no python3 with $mods (scripts/install-deps.sh installs it)" >&2
  return 1
}
compare_results() {  # A.h5 B.h5
  "$PY" "$SRC/tests/app/h5compare.py" "$1" "$2"
}
