#include "kernels/refactor_ldlt.hpp"

#include <cmath>
#include <stdexcept>

namespace sre::kernels {

void RefactorLdlt::analyze(const SparseMatrix& upper) {
  a_ = upper;
  a_.makeCompressed();
  ldlt_.analyzePattern(a_);
  if (ldlt_.info() != Eigen::Success) throw std::runtime_error("refactor: pattern analysis failed");
}

long RefactorLdlt::nnz_l() const { return static_cast<long>(ldlt_.l().nonZeros()); }

bool RefactorLdlt::factorize() {
  if (!ldlt_.numeric(a_)) return false;
  const auto& d = ldlt_.d();
  for (Eigen::Index j = 0; j < d.size(); ++j)
    if (d[j] == 0.0 || !std::isfinite(d[j])) return false;
  return true;
}

void RefactorLdlt::solve(double* x) const {
  // L: strictly lower, unit diagonal implied, compressed columns.
  const SparseMatrix& l = ldlt_.l();
  const int n = static_cast<int>(l.cols());
  const int* cp = l.outerIndexPtr();
  const int* ri = l.innerIndexPtr();
  const double* v = l.valuePtr();
  for (int j = 0; j < n; ++j) {
    const double xj = x[j];
    if (xj == 0.0) continue;
    for (int p = cp[j]; p < cp[j + 1]; ++p) x[ri[p]] -= v[p] * xj;
  }
  const double* d = ldlt_.d().data();
  for (int j = 0; j < n; ++j) x[j] /= d[j];
  for (int j = n - 1; j >= 0; --j) {
    double s = x[j];
    for (int p = cp[j]; p < cp[j + 1]; ++p) s -= v[p] * x[ri[p]];
    x[j] = s;
  }
}

}  // namespace sre::kernels
