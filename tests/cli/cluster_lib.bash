# Shared helpers of the cluster tests (sourced; .bash so ctest does not run it as a test).
# h5py: the pyenv python may lack it, the system one has it (python3-h5py).
find_h5py_python() {
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import h5py' 2>/dev/null; then echo "$py"; return 0; fi
  done
  return 1
}
compare_results() {  # A.h5 B.h5
  "$PY" "$SRC/tests/cli/h5compare.py" "$1" "$2"
}
