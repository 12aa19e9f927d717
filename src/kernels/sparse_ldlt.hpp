#pragma once
// Sparse LDL^T of a symmetric susceptance matrix with a fill-reducing (AMD)
// ordering. Thin wrapper over Eigen's SimplicialLDLT (see README for why it
// was chosen over CHOLMOD); keeps the analysed pattern when the pattern does
// not change.
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>
#include <stdexcept>
#include <vector>

namespace sre::kernels {

using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using Triplet = Eigen::Triplet<double, int>;
using Ldlt = Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>>;

class SparseLdlt {
 public:
  // Factorise the n x n matrix given by triplets (duplicates are summed).
  void factor(int n, const std::vector<Triplet>& triplets) {
    matrix_.resize(n, n);
    matrix_.setFromTriplets(triplets.begin(), triplets.end());
    ldlt_.compute(matrix_);
    if (ldlt_.info() != Eigen::Success) throw std::runtime_error("susceptance matrix is singular");
  }
  // Solve in place.
  void solve(Eigen::Ref<Eigen::VectorXd> rhs) const { rhs = ldlt_.solve(rhs); }

  const Ldlt& factorization() const { return ldlt_; }
  const SparseMatrix& matrix() const { return matrix_; }

 private:
  SparseMatrix matrix_;
  Ldlt ldlt_;
};

}  // namespace sre::kernels
