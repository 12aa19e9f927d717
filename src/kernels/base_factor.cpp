#include "kernels/base_factor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/unit_lower_solve.hpp"

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

void BaseFactor::forward(double* x) const { unit_lower_solve(n_, colptr_.data(), row_.data(), val_.data(), x); }

void BaseFactor::scale_d(double* x) const {
  for (int j = 0; j < n_; ++j) x[j] *= inv_d_[j];
}

void BaseFactor::backward(double* x) const {
  unit_lower_transpose_solve(n_, colptr_.data(), row_.data(), val_.data(), x);
}

namespace {
template <int W>
void backward_lanes(int n, const int* cp, const int* ri, const double* v, double* x) {
  for (int j = n - 1; j >= 0; --j) {
    double s[W];
    for (int w = 0; w < W; ++w) s[w] = x[j * W + w];
    for (int p = cp[j]; p < cp[j + 1]; ++p) {
      const double vp = v[p];
      const double* xr = x + static_cast<std::ptrdiff_t>(ri[p]) * W;
      for (int w = 0; w < W; ++w) s[w] -= vp * xr[w];
    }
    for (int w = 0; w < W; ++w) x[j * W + w] = s[w];
  }
}
template <int W>
void backward_multi_lanes(int n, const int* cp, const int* ri, const double* v, double* const* xs) {
  double* x[W];
  for (int w = 0; w < W; ++w) x[w] = xs[w];
  for (int j = n - 1; j >= 0; --j) {
    double s[W];
    for (int w = 0; w < W; ++w) s[w] = x[w][j];
    for (int p = cp[j]; p < cp[j + 1]; ++p) {
      const double vp = v[p];
      const int r = ri[p];
      for (int w = 0; w < W; ++w) s[w] -= vp * x[w][r];
    }
    for (int w = 0; w < W; ++w) x[w][j] = s[w];
  }
}
}  // namespace

void BaseFactor::backward_multi(double* const* xs, int count) const {
  const int* cp = colptr_.data();
  const int* ri = row_.data();
  const double* v = val_.data();
  switch (count) {
    case 1: backward(xs[0]); break;
    case 2: backward_multi_lanes<2>(n_, cp, ri, v, xs); break;
    case 3: backward_multi_lanes<3>(n_, cp, ri, v, xs); break;
    case 4: backward_multi_lanes<4>(n_, cp, ri, v, xs); break;
    case 5: backward_multi_lanes<5>(n_, cp, ri, v, xs); break;
    case 6: backward_multi_lanes<6>(n_, cp, ri, v, xs); break;
    case 7: backward_multi_lanes<7>(n_, cp, ri, v, xs); break;
    case 8: backward_multi_lanes<8>(n_, cp, ri, v, xs); break;
    default: throw std::invalid_argument("BaseFactor::backward_multi: count must be 1 to 8");
  }
}

void BaseFactor::backward_batch(double* x, int lanes) const {
  const int* cp = colptr_.data();
  const int* ri = row_.data();
  const double* v = val_.data();
  switch (lanes) {
    case 1: backward(x); break;
    case 2: backward_lanes<2>(n_, cp, ri, v, x); break;
    case 4: backward_lanes<4>(n_, cp, ri, v, x); break;
    case 8: backward_lanes<8>(n_, cp, ri, v, x); break;
    default: throw std::invalid_argument("BaseFactor::backward_batch: lanes must be 1, 2, 4 or 8");
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
