#include "kernels/base_factor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sre::kernels {

void BaseFactor::factor(int n, const std::vector<Triplet>& triplets) {
  n_ = n;
  SparseMatrix a(n, n);
  a.setFromTriplets(triplets.begin(), triplets.end());
  Ldlt ldlt;
  ldlt.compute(a);
  if (ldlt.info() != Eigen::Success) throw std::runtime_error("susceptance matrix is singular");
  const SparseMatrix& l = ldlt.matrixL().nestedExpression();
  colptr_.assign(n + 1, 0);
  row_.clear();
  val_.clear();
  row_.reserve(l.nonZeros());
  val_.reserve(l.nonZeros());
  for (int j = 0; j < n; ++j) {
    for (SparseMatrix::InnerIterator it(l, j); it; ++it)
      if (it.row() > j) {
        row_.push_back(it.row());
        val_.push_back(it.value());
      }
    colptr_[j + 1] = static_cast<int>(row_.size());
    // Rows ascending within a column (Eigen's factor keeps them in elimination order).
    std::vector<std::pair<int, double>> col;
    for (int p = colptr_[j]; p < colptr_[j + 1]; ++p) col.emplace_back(row_[p], val_[p]);
    std::sort(col.begin(), col.end());
    for (int p = colptr_[j], q = 0; p < colptr_[j + 1]; ++p, ++q) {
      row_[p] = col[q].first;
      val_[p] = col[q].second;
    }
  }
  inv_d_.resize(n);
  for (int j = 0; j < n; ++j) {
    const double d = ldlt.vectorD()[j];
    if (d == 0.0 || !std::isfinite(d)) throw std::runtime_error("susceptance matrix is singular");
    inv_d_[j] = 1.0 / d;
  }
  perm_.resize(n);
  const auto& ind = ldlt.permutationP().indices();
  for (int v = 0; v < n; ++v) perm_[v] = ind[v];
  // Elimination tree: the parent of j is the first row below the diagonal in column j.
  parent_.assign(n, -1);
  for (int j = 0; j < n; ++j)
    if (colptr_[j + 1] > colptr_[j]) parent_[j] = row_[colptr_[j]];
  std::vector<int> depth(n, 1);
  height_ = n > 0 ? 1 : 0;
  for (int j = n - 1; j >= 0; --j) {
    if (parent_[j] >= 0) depth[j] = depth[parent_[j]] + 1;
    height_ = std::max(height_, depth[j]);
  }
}

void BaseFactor::forward(double* x) const {
  const int* cp = colptr_.data();
  const int* ri = row_.data();
  const double* v = val_.data();
  for (int j = 0; j < n_; ++j) {
    const double xj = x[j];
    if (xj == 0.0) continue;
    for (int p = cp[j]; p < cp[j + 1]; ++p) x[ri[p]] -= v[p] * xj;
  }
}

void BaseFactor::scale_d(double* x) const {
  for (int j = 0; j < n_; ++j) x[j] *= inv_d_[j];
}

void BaseFactor::backward(double* x) const {
  const int* cp = colptr_.data();
  const int* ri = row_.data();
  const double* v = val_.data();
  for (int j = n_ - 1; j >= 0; --j) {
    double s = x[j];
    for (int p = cp[j]; p < cp[j + 1]; ++p) s -= v[p] * x[ri[p]];
    x[j] = s;
  }
}

int BaseFactor::sparse_forward(const int* starts, const double* vals, int nstart, double* work, unsigned char* mark,
                               std::vector<int>& idx, std::vector<double>& val) const {
  const std::size_t first = idx.size();
  // Pattern: the union of the elimination-tree paths (each path ascends). Each start's
  // new stretch of path is written top down, and the whole range reversed at the end:
  // stretches then come newest first, each bottom up, which is a topological order (a
  // later stretch ends below a node of an earlier one), without sorting.
  for (int s = 0; s < nstart; ++s) {
    int len = 0;
    for (int j = starts[s]; j >= 0 && !mark[j]; j = parent_[j]) {
      mark[j] = 1;
      ++len;
    }
    const std::size_t base = idx.size();
    idx.resize(base + static_cast<std::size_t>(len));
    int j = starts[s];
    for (int t = len - 1; t >= 0; --t, j = parent_[j]) idx[base + static_cast<std::size_t>(t)] = j;
    work[starts[s]] += vals[s];
  }
  std::reverse(idx.begin() + static_cast<std::ptrdiff_t>(first), idx.end());
  const int* cp = colptr_.data();
  const int* ri = row_.data();
  const double* v = val_.data();
  for (std::size_t q = first; q < idx.size(); ++q) {
    const int j = idx[q];
    const double xj = work[j];
    if (xj != 0.0)
      for (int p = cp[j]; p < cp[j + 1]; ++p) work[ri[p]] -= v[p] * xj;
    val.push_back(xj);
    work[j] = 0.0;
    mark[j] = 0;
  }
  return static_cast<int>(idx.size() - first);
}

}  // namespace sre::kernels
