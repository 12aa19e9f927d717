#pragma once
// The LDL^T factor of one symmetric matrix (the intact network's reduced
// susceptance matrix), with a fill-reducing (AMD) ordering, laid out for the
// low-rank solvers: L in compressed columns (strictly lower part, unit diagonal
// implied), 1/D, the permutation and the elimination tree. Immutable after
// factor(); every method is const and thread-safe (workspace is the caller's).
//
// "Factor order": position perm()[v] of variable v. B = P^T L D L^T P.
#include <vector>

#include "kernels/sparse_ldlt.hpp"

namespace sre::kernels {

class BaseFactor {
 public:
  // Factorise the n x n matrix given by triplets (duplicates summed; both triangles given).
  void factor(int n, const std::vector<Triplet>& triplets);

  int size() const { return n_; }
  const std::vector<int>& perm() const { return perm_; }  // variable -> factor position
  const std::vector<int>& parent() const { return parent_; }  // elimination tree, -1 at roots
  int etree_height() const { return height_; }  // longest leaf-to-root path (nodes)
  long nnz_l() const { return static_cast<long>(row_.size()); }

  // In place, vectors in factor order.
  void forward(double* x) const;   // x <- L^{-1} x
  void scale_d(double* x) const;   // x <- D^{-1} x
  void backward(double* x) const;  // x <- L^{-T} x
  // Batched backward solve: x holds `lanes` vectors interleaved (x[j * lanes + w] is
  // entry j of vector w); every vector gets x <- L^{-T} x. One pass over L serves all
  // lanes (each index and value loaded once, the lanes in SIMD registers), and each lane's
  // arithmetic is the scalar backward()'s, in the same order: the same bits.
  // lanes: 1, 2, 4 or 8.
  void backward_batch(double* x, int lanes) const;
  // The same for `count` (1..8) separate vectors xs[0..count), without interleaving them:
  // each index and value of L is still loaded once for all of them.
  void backward_multi(double* const* xs, int count) const;

  // Full solve in factor order (forward, D, backward).
  void solve_permuted(double* x) const {
    forward(x);
    scale_d(x);
    backward(x);
  }

  // Sparse forward solve z = L^{-1} s for a right-hand side s with entries vals[j] at
  // factor positions starts[j] (j < nstart). The pattern of z is the union of the
  // elimination-tree paths from the starts; it is appended to `idx` in an elimination
  // order (every position before its elimination-tree ancestors, not sorted), with the
  // values to `val`. Repeated starts add up. `work` (n, all 0) and `mark` (n, all 0) are restored on return.
  // Returns the number of entries appended.
  int sparse_forward(const int* starts, const double* vals, int nstart, double* work, unsigned char* mark,
                     std::vector<int>& idx, std::vector<double>& val) const;

  double inv_d(int j) const { return inv_d_[j]; }
  const double* inv_d_data() const { return inv_d_.data(); }

 private:
  int n_ = 0, height_ = 0;
  std::vector<int> colptr_, row_;
  std::vector<double> val_, inv_d_;
  std::vector<int> perm_, parent_;
};

}  // namespace sre::kernels
