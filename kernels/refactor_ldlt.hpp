#pragma once
// Numeric-only LDL^T refactorisation of a symmetric matrix whose sparsity pattern
// never changes: the pattern (upper triangle, column-major, compressed, already in
// the fill-reducing order, e.g. a BaseFactor's factor order) is analysed once by
// analyze(); afterwards the caller overwrites values() and calls factorize() and
// solve(). Eigen's SimplicialLDLT with the natural ordering on the pre-ordered upper
// triangle, so factorize() neither permutes nor copies the matrix (Eigen's stack
// workspace only). One per thread.
#include <vector>

#include "kernels/sparse_ldlt.hpp"

namespace sre::kernels {

class RefactorLdlt {
 public:
  // upper: the pattern (values are ignored by the analysis but kept).
  void analyze(const SparseMatrix& upper);
  int size() const { return static_cast<int>(a_.rows()); }
  long nnz() const { return static_cast<long>(a_.nonZeros()); }
  long nnz_l() const;
  // The matrix values, in the pattern's storage order (overwrite them, then factorize()).
  double* values() { return a_.valuePtr(); }
  // Numeric factorisation of the current values. False when a pivot is zero (singular).
  bool factorize();
  // x <- A^{-1} x, in place (pre-ordered indices).
  void solve(double* x) const;
  // The latest factor: L strictly lower (unit diagonal implied), compressed columns; D.
  const SparseMatrix& l() const { return ldlt_.l(); }
  const double* d() const { return ldlt_.d().data(); }

 private:
  using Base = Eigen::SimplicialLDLT<SparseMatrix, Eigen::Upper, Eigen::NaturalOrdering<int>>;
  struct Solver : Base {
    bool numeric(const SparseMatrix& a) {
      this->template factorize_preordered<true>(a);
      return this->info() == Eigen::Success;
    }
    // By reference (vectorD() returns a copy).
    const Eigen::VectorXd& d() const { return this->m_diag; }
    const SparseMatrix& l() const { return this->m_matrix; }
  };
  SparseMatrix a_;
  Solver ldlt_;
};

}  // namespace sre::kernels
