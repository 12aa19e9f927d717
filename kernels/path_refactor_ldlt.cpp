#include "kernels/path_refactor_ldlt.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sre::kernels {

void PathRefactorLdlt::analyze(const SparseMatrix& upper) {
  if (upper.rows() != upper.cols() || !upper.isCompressed())
    throw std::invalid_argument("PathRefactorLdlt: the pattern must be square and compressed");
  n_ = static_cast<int>(upper.cols());
  const int* cp = upper.outerIndexPtr();
  const int* ri = upper.innerIndexPtr();
  a_colptr_.assign(cp, cp + n_ + 1);
  a_row_.assign(ri, ri + cp[n_]);
  a_val_.assign(upper.valuePtr(), upper.valuePtr() + cp[n_]);
  for (int k = 0; k < n_; ++k) {
    if (cp[k + 1] == cp[k] || ri[cp[k + 1] - 1] != k)
      throw std::invalid_argument("PathRefactorLdlt: every column needs its diagonal entry, last");
    for (int p = cp[k]; p + 1 < cp[k + 1]; ++p)
      if (ri[p] >= ri[p + 1]) throw std::invalid_argument("PathRefactorLdlt: rows must ascend in each column");
  }

  // Elimination tree (Liu's algorithm with path compression) and row patterns: row k of L
  // is the set of tree nodes reached walking up from each i < k with A(i, k) != 0.
  parent_.assign(n_, -1);
  std::vector<int> ancestor(n_, -1), flag(n_, -1), count(n_, 0);
  r_ptr_.assign(n_ + 1, 0);
  std::vector<int> row_cols;
  for (int k = 0; k < n_; ++k) {
    for (int p = cp[k]; p < cp[k + 1]; ++p) {
      for (int i = ri[p]; i != -1 && i < k;) {
        const int next = ancestor[i];
        ancestor[i] = k;
        if (next == -1) {
          parent_[i] = k;
          break;
        }
        i = next;
      }
    }
    flag[k] = k;
    const std::size_t start = row_cols.size();
    for (int p = cp[k]; p < cp[k + 1]; ++p)
      for (int i = ri[p]; i < k && flag[i] != k; i = parent_[i]) {
        row_cols.push_back(i);
        flag[i] = k;
      }
    std::sort(row_cols.begin() + static_cast<long>(start), row_cols.end());
    for (std::size_t t = start; t < row_cols.size(); ++t) ++count[row_cols[t]];
    r_ptr_[k + 1] = static_cast<int>(row_cols.size());
  }
  l_colptr_.assign(n_ + 1, 0);
  for (int j = 0; j < n_; ++j) l_colptr_[j + 1] = l_colptr_[j] + count[j];
  l_row_.assign(row_cols.size(), 0);
  r_col_ = row_cols;
  r_pos_.assign(row_cols.size(), 0);
  std::vector<int> fill(l_colptr_.begin(), l_colptr_.end() - 1);
  for (int k = 0; k < n_; ++k)
    for (int t = r_ptr_[k]; t < r_ptr_[k + 1]; ++t) {
      const int pos = fill[r_col_[t]]++;
      l_row_[pos] = k;  // k ascends: rows ascend in every column
      r_pos_[t] = pos;
    }

  l_val_.assign(l_row_.size(), 0.0);
  d_.assign(n_, 0.0);
  inv_d_.assign(n_, 0.0);
  y_.assign(n_, 0.0);
  col_mark_.assign(n_, 0);
  row_mark_.assign(n_, 0);
  dirty_row_.assign(n_, 0);
  dirty_col_.assign(n_, 0);
  changed_cols_.clear();
  changed_cols_.reserve(n_);
  rows_.reserve(n_);
  dirty_rows_.clear();
  dirty_rows_.reserve(n_);
  dirty_cols_.clear();
  dirty_cols_.reserve(n_);
  for (int k = 0; k < n_; ++k)
    if (!factor_row(k)) throw std::runtime_error("PathRefactorLdlt: the base matrix is singular");
  a_base_ = a_val_;
  l_base_ = l_val_;
  d_base_ = d_;
  rows_recomputed_ = 0;
}

// Up-looking: solve L(0:k, 0:k) D y = A(0:k, k) over row k's pattern (ascending columns are
// a topological order of the tree), then L(k, j) = y_j / d_j and d_k = A(k, k) - sum l y.
bool PathRefactorLdlt::factor_row(int k) {
  double* y = y_.data();
  for (int p = a_colptr_[k]; p < a_colptr_[k + 1]; ++p) y[a_row_[p]] = a_val_[p];
  double dk = y[k];
  y[k] = 0.0;
  const int* lr = l_row_.data();
  double* lv = l_val_.data();
  for (int t = r_ptr_[k]; t < r_ptr_[k + 1]; ++t) {
    const int j = r_col_[t], pos = r_pos_[t];
    const double yj = y[j];
    y[j] = 0.0;
    for (int q = l_colptr_[j]; q < pos; ++q) y[lr[q]] -= lv[q] * yj;
    const double l = yj * inv_d_[j];
    dk -= l * yj;
    lv[pos] = l;
  }
  d_[k] = dk;
  inv_d_[k] = 1.0 / dk;
  return dk != 0.0 && std::isfinite(dk);
}

void PathRefactorLdlt::mark_changed(int k) {
  if (col_mark_[k]) return;
  col_mark_[k] = 1;
  changed_cols_.push_back(k);
  if (!dirty_col_[k]) {
    dirty_col_[k] = 1;
    dirty_cols_.push_back(k);
  }
}

bool PathRefactorLdlt::refactor() {
  rows_.clear();
  for (int k : changed_cols_) {
    col_mark_[k] = 0;
    for (int i = k; i != -1 && !row_mark_[i]; i = parent_[i]) {
      row_mark_[i] = 1;
      rows_.push_back(i);
    }
  }
  changed_cols_.clear();
  std::sort(rows_.begin(), rows_.end());
  bool ok = true;
  for (int k : rows_) {
    row_mark_[k] = 0;
    if (!dirty_row_[k]) {
      dirty_row_[k] = 1;
      dirty_rows_.push_back(k);
    }
    ok = factor_row(k) && ok;
  }
  rows_recomputed_ += static_cast<long>(rows_.size());
  return ok;
}

void PathRefactorLdlt::restore_base() {
  for (int k : changed_cols_) col_mark_[k] = 0;
  changed_cols_.clear();
  for (int k : dirty_cols_) {
    dirty_col_[k] = 0;
    std::copy(a_base_.begin() + a_colptr_[k], a_base_.begin() + a_colptr_[k + 1], a_val_.begin() + a_colptr_[k]);
  }
  dirty_cols_.clear();
  for (int k : dirty_rows_) {
    dirty_row_[k] = 0;
    for (int t = r_ptr_[k]; t < r_ptr_[k + 1]; ++t) l_val_[r_pos_[t]] = l_base_[r_pos_[t]];
    d_[k] = d_base_[k];
    inv_d_[k] = 1.0 / d_[k];
  }
  dirty_rows_.clear();
}

void PathRefactorLdlt::forward(double* x) const {
  const int* lr = l_row_.data();
  const double* lv = l_val_.data();
  for (int j = 0; j < n_; ++j) {
    const double xj = x[j];
    if (xj == 0.0) continue;
    for (int p = l_colptr_[j]; p < l_colptr_[j + 1]; ++p) x[lr[p]] -= lv[p] * xj;
  }
}

void PathRefactorLdlt::scale_d(double* x) const {
  for (int j = 0; j < n_; ++j) x[j] *= inv_d_[j];
}

void PathRefactorLdlt::backward(double* x) const {
  const int* lr = l_row_.data();
  const double* lv = l_val_.data();
  for (int j = n_ - 1; j >= 0; --j) {
    double s = x[j];
    for (int p = l_colptr_[j]; p < l_colptr_[j + 1]; ++p) s -= lv[p] * x[lr[p]];
    x[j] = s;
  }
}

}  // namespace sre::kernels
