#pragma once
// Triangular solves with a unit lower triangular L stored strictly lower in compressed
// columns (colptr, row, val), in place: the loops every LDL^T factor here shares.

namespace sre::kernels {

// x <- L^{-1} x (columns left to right; zero entries skip their column).
inline void unit_lower_solve(int n, const int* colptr, const int* row, const double* val, double* x) {
  for (int j = 0; j < n; ++j) {
    const double xj = x[j];
    if (xj == 0.0) continue;
    for (int p = colptr[j]; p < colptr[j + 1]; ++p) x[row[p]] -= val[p] * xj;
  }
}

// x <- L^{-T} x (columns right to left, each a dot product with the entries below).
inline void unit_lower_transpose_solve(int n, const int* colptr, const int* row, const double* val, double* x) {
  for (int j = n - 1; j >= 0; --j) {
    double s = x[j];
    for (int p = colptr[j]; p < colptr[j + 1]; ++p) s -= val[p] * x[row[p]];
    x[j] = s;
  }
}

// The same two solves over the listed columns only (ascending), the others' entries of x
// left as they are. When A is block diagonal and the list is a union of whole blocks, the
// listed entries come out as the full solve's: L has only (signed) zeros between blocks.
inline void unit_lower_solve_listed(const int* cols, int m, const int* colptr, const int* row, const double* val,
                                    double* x) {
  for (int t = 0; t < m; ++t) {
    const int j = cols[t];
    const double xj = x[j];
    if (xj == 0.0) continue;
    for (int p = colptr[j]; p < colptr[j + 1]; ++p) x[row[p]] -= val[p] * xj;
  }
}

inline void unit_lower_transpose_solve_listed(const int* cols, int m, const int* colptr, const int* row,
                                              const double* val, double* x) {
  for (int t = m - 1; t >= 0; --t) {
    const int j = cols[t];
    double s = x[j];
    for (int p = colptr[j]; p < colptr[j + 1]; ++p) s -= val[p] * x[row[p]];
    x[j] = s;
  }
}

}  // namespace sre::kernels
