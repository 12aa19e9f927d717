#pragma once
// Triangular solves with a unit lower triangular L stored strictly lower in compressed
// columns (colptr, row, val), in place: the loops every LDL^T factor here shares.

namespace sre::kernels {

// x <- L^{-1} x over the columns column(0) < column(1) < ... < column(m - 1), the other
// entries of x left as they are (zero entries skip their column). With kScale, each entry
// is then scaled by inv_d as soon as it is final: x <- D^{-1} L^{-1} x in one pass, the same
// numbers as a separate pass of x[j] *= inv_d[j].
template <class Column, bool kScale = false>
inline void unit_lower_solve_columns(Column column, int m, const int* colptr, const int* row, const double* val,
                                     double* x, const double* inv_d = nullptr) {
  for (int t = 0; t < m; ++t) {
    const int j = column(t);
    const double xj = x[j];
    if constexpr (kScale) x[j] = xj * inv_d[j];
    if (xj == 0.0) continue;
    for (int p = colptr[j]; p < colptr[j + 1]; ++p) x[row[p]] -= val[p] * xj;
  }
}

// x <- L^{-T} x over the same columns, right to left (each a dot product with the
// entries below).
template <class Column>
inline void unit_lower_transpose_solve_columns(Column column, int m, const int* colptr, const int* row,
                                               const double* val, double* x) {
  for (int t = m - 1; t >= 0; --t) {
    const int j = column(t);
    double s = x[j];
    for (int p = colptr[j]; p < colptr[j + 1]; ++p) s -= val[p] * x[row[p]];
    x[j] = s;
  }
}

// Every column (with inv_d: and D^{-1}).
inline void unit_lower_solve(int n, const int* colptr, const int* row, const double* val, double* x) {
  unit_lower_solve_columns([](int t) { return t; }, n, colptr, row, val, x);
}
inline void unit_lower_solve(int n, const int* colptr, const int* row, const double* val, double* x,
                             const double* inv_d) {
  auto column = [](int t) { return t; };
  unit_lower_solve_columns<decltype(column), true>(column, n, colptr, row, val, x, inv_d);
}
inline void unit_lower_transpose_solve(int n, const int* colptr, const int* row, const double* val, double* x) {
  unit_lower_transpose_solve_columns([](int t) { return t; }, n, colptr, row, val, x);
}

// The listed columns only (ascending). When A is block diagonal and the list is a union
// of whole blocks, the listed entries come out as the full solve's: L has only (signed)
// zeros between blocks.
inline void unit_lower_transpose_solve_listed(const int* cols, int m, const int* colptr, const int* row,
                                              const double* val, double* x) {
  unit_lower_transpose_solve_columns([cols](int t) { return cols[t]; }, m, colptr, row, val, x);
}

}  // namespace sre::kernels
