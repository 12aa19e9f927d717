#include "kernels/path_refactor_ldlt.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "kernels/unit_lower_solve.hpp"

namespace sre::kernels {

void PathRefactorLdlt::analyze(const SparseMatrix& upper) {
  if (upper.rows() != upper.cols() || !upper.isCompressed())
    throw std::invalid_argument("PathRefactorLdlt: the pattern must be square and compressed");
  auto pat = std::make_shared<Pattern>();
  const int n = static_cast<int>(upper.cols());
  pat->n = n;
  const int* cp = upper.outerIndexPtr();
  const int* ri = upper.innerIndexPtr();
  pat->a_colptr.assign(cp, cp + n + 1);
  pat->a_row.assign(ri, ri + cp[n]);
  for (int k = 0; k < n; ++k) {
    if (cp[k + 1] == cp[k] || ri[cp[k + 1] - 1] != k)
      throw std::invalid_argument("PathRefactorLdlt: every column needs its diagonal entry, last");
    for (int p = cp[k]; p + 1 < cp[k + 1]; ++p)
      if (ri[p] >= ri[p + 1]) throw std::invalid_argument("PathRefactorLdlt: rows must ascend in each column");
  }

  // Elimination tree (Liu's algorithm with path compression) and row patterns: row k of L
  // is the set of tree nodes reached walking up from each i < k with A(i, k) != 0.
  std::vector<int>& parent = pat->parent;
  parent.assign(n, -1);
  std::vector<int> ancestor(n, -1), flag(n, -1), count(n, 0);
  pat->r_ptr.assign(n + 1, 0);
  std::vector<int>& row_cols = pat->r_col;
  for (int k = 0; k < n; ++k) {
    for (int p = cp[k]; p < cp[k + 1]; ++p) {
      for (int i = ri[p]; i != -1 && i < k;) {
        const int next = ancestor[i];
        ancestor[i] = k;
        if (next == -1) {
          parent[i] = k;
          break;
        }
        i = next;
      }
    }
    flag[k] = k;
    const std::size_t start = row_cols.size();
    for (int p = cp[k]; p < cp[k + 1]; ++p)
      for (int i = ri[p]; i < k && flag[i] != k; i = parent[i]) {
        row_cols.push_back(i);
        flag[i] = k;
      }
    std::sort(row_cols.begin() + static_cast<long>(start), row_cols.end());
    for (std::size_t t = start; t < row_cols.size(); ++t) ++count[row_cols[t]];
    pat->r_ptr[k + 1] = static_cast<int>(row_cols.size());
  }
  pat->l_colptr.assign(n + 1, 0);
  for (int j = 0; j < n; ++j) pat->l_colptr[j + 1] = pat->l_colptr[j] + count[j];
  pat->l_row.assign(row_cols.size(), 0);
  pat->r_pos.assign(row_cols.size(), 0);
  std::vector<int> fill(pat->l_colptr.begin(), pat->l_colptr.end() - 1);
  pat->row_mult_adds.assign(n, 0);
  for (int k = 0; k < n; ++k)
    for (int t = pat->r_ptr[k]; t < pat->r_ptr[k + 1]; ++t) {
      const int j = pat->r_col[t];
      const int pos = fill[j]++;
      pat->l_row[pos] = k;  // k ascends: rows ascend in every column
      pat->r_pos[t] = pos;
      pat->row_mult_adds[k] += pos - pat->l_colptr[j] + 1;  // column j's scatter, then d_k
    }
  for (int k = 0; k < n; ++k) pat->full_mult_adds += pat->row_mult_adds[k];
  p_ = pat;

  // The base factor: every row of the given values.
  a_val_.assign(upper.valuePtr(), upper.valuePtr() + cp[n]);
  l_val_.assign(pat->l_row.size(), 0.0);
  d_.assign(n, 0.0);
  inv_d_.assign(n, 0.0);
  size_workspace();
  for (int k = 0; k < n; ++k)
    if (!factor_row<false>(k)) throw std::runtime_error("PathRefactorLdlt: the base matrix is singular");
  pat->a_base = a_val_;
  pat->l_base = l_val_;
  pat->d_base = d_;
  pat->inv_d_base = inv_d_;
  rows_recomputed_ = 0;
  mult_adds_recomputed_ = 0;
}

void PathRefactorLdlt::share_analysis(const PathRefactorLdlt& analysed) {
  p_ = analysed.p_;
  a_val_ = p_->a_base;
  l_val_ = p_->l_base;
  d_ = p_->d_base;
  inv_d_ = p_->inv_d_base;
  size_workspace();
}

void PathRefactorLdlt::size_workspace() {
  const int n = p_->n;
  y_.assign(n, 0.0);
  fwd_.assign(n, 0.0);
  b_prev_.assign(n, 0.0);
  forward_valid_ = false;
  col_mark_.assign(n, 0);
  row_mark_.assign(n, 0);
  dirty_row_.assign(n, 0);
  dirty_col_.assign(n, 0);
  changed_cols_.clear();
  changed_cols_.reserve(n);
  rows_.clear();
  rows_.reserve(n);
  dirty_rows_.clear();
  dirty_rows_.reserve(n);
  dirty_cols_.clear();
  dirty_cols_.reserve(n);
  rows_recomputed_ = 0;
  mult_adds_recomputed_ = 0;
}

// Up-looking: solve L(0:k, 0:k) D y = A(0:k, k) over row k's pattern (ascending columns are
// a topological order of the tree), then L(k, j) = y_j / d_j and d_k = A(k, k) - sum l y.
// kForward: also row k of the forward solve, x_k <- (x_k - sum_j L(k, j) fwd_j) / d_k.
template <bool kForward>
bool PathRefactorLdlt::factor_row(int k, double* x) {
  const Pattern& pat = *p_;
  double* y = y_.data();
  for (int p = pat.a_colptr[k]; p < pat.a_colptr[k + 1]; ++p) y[pat.a_row[p]] = a_val_[p];
  double dk = y[k];
  y[k] = 0.0;
  const int* lr = pat.l_row.data();
  const int* lcp = pat.l_colptr.data();
  double* lv = l_val_.data();
  [[maybe_unused]] const double* fwd = fwd_.data();
  [[maybe_unused]] double xk = kForward ? x[k] : 0.0;
  for (int t = pat.r_ptr[k]; t < pat.r_ptr[k + 1]; ++t) {
    const int j = pat.r_col[t], pos = pat.r_pos[t];
    const double yj = y[j];
    y[j] = 0.0;
    // A zero (an entry between two islands of the current matrix) would only subtract
    // zeros: the same numbers, up to the sign of zeros.
    if (yj != 0.0)
      for (int q = lcp[j]; q < pos; ++q) y[lr[q]] -= lv[q] * yj;
    const double l = yj * inv_d_[j];
    dk -= l * yj;
    lv[pos] = l;
    if constexpr (kForward) xk -= l * fwd[j];
  }
  d_[k] = dk;
  inv_d_[k] = 1.0 / dk;
  if constexpr (kForward) {
    fwd_[k] = xk;
    x[k] = xk * inv_d_[k];
  }
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

// The rows on the paths from the changed columns to the root, marked in row_mark_ and
// listed in rows_ (unordered).
void PathRefactorLdlt::collect_rows() {
  rows_.clear();
  for (int k : changed_cols_) {
    col_mark_[k] = 0;
    for (int i = k; i != -1 && !row_mark_[i]; i = p_->parent[i]) {
      row_mark_[i] = 1;
      rows_.push_back(i);
    }
  }
  changed_cols_.clear();
}

void PathRefactorLdlt::note_dirty(int k) {
  if (!dirty_row_[k]) {
    dirty_row_[k] = 1;
    dirty_rows_.push_back(k);
  }
  ++rows_recomputed_;
  mult_adds_recomputed_ += p_->row_mult_adds[k];
}

bool PathRefactorLdlt::refactor() {
  forward_valid_ = false;
  collect_rows();
  std::sort(rows_.begin(), rows_.end());
  bool ok = true;
  for (int k : rows_) {
    row_mark_[k] = 0;
    note_dirty(k);
    ok = factor_row<false>(k) && ok;
  }
  return ok;
}

bool PathRefactorLdlt::refactor_forward(double* x, const int* positions, int m) {
  collect_rows();
  const bool ok = positions ? forward_pass<true>(x, positions, m) : forward_pass<false>(x, nullptr, p_->n);
  for (int k : rows_) row_mark_[k] = 0;
  // A listed call vouches for the other rows' factor, not for their forward entries.
  forward_valid_ = ok && (forward_valid_ || !positions);
  return ok;
}

// Incremental (forward_valid_): fwd_ is L^{-1} b_prev_ for the current L, so a row's
// forward entry can change only if the row is recomputed (mark 1), its right-hand side
// changed, or a row below it changed (mark 2, passed up the tree as rows are solved).
// Marks are cleared as rows are passed; with a list, rows outside it are not passed, so
// the mark goes up the whole path at once, and those marks are listed in rows_ for the
// caller to clear.
template <bool kListed>
bool PathRefactorLdlt::forward_pass(double* x, const int* positions, int count) {
  const Pattern& pat = *p_;
  const int* parent = pat.parent.data();
  const int* rp = pat.r_ptr.data();
  const int* rc = pat.r_col.data();
  const int* rpos = pat.r_pos.data();
  const double* lv = l_val_.data();
  const double* inv_d = inv_d_.data();
  double* fwd = fwd_.data();
  double* b = b_prev_.data();
  unsigned char* mark = row_mark_.data();
  const bool incremental = forward_valid_;
  bool ok = true;
  for (int t = 0; t < count; ++t) {
    const int k = kListed ? positions[t] : t;
    const double xk0 = x[k];
    const bool new_rhs = std::bit_cast<std::uint64_t>(xk0) != std::bit_cast<std::uint64_t>(b[k]);
    b[k] = xk0;
    const unsigned char mk = mark[k];
    if (mk == 1) {
      note_dirty(k);
      ok = factor_row<true>(k, x) && ok;
      continue;  // its ancestors are marked 1 already
    }
    if (incremental && !new_rhs && mk == 0) {
      x[k] = fwd[k] * inv_d[k];
      continue;
    }
    mark[k] = 0;
    double xk = xk0;
    for (int q = rp[k]; q < rp[k + 1]; ++q) xk -= lv[rpos[q]] * fwd[rc[q]];
    fwd[k] = xk;
    x[k] = xk * inv_d[k];
    if constexpr (kListed) {
      // The path up may leave the list (the tree is the intact network's) and come back.
      for (int up = parent[k]; up >= 0 && mark[up] == 0; up = parent[up]) {
        mark[up] = 2;
        rows_.push_back(up);
      }
    } else if (const int up = parent[k]; up >= 0 && mark[up] == 0) {
      mark[up] = 2;  // every row is passed: the mark goes on up from there
    }
  }
  return ok;
}

long PathRefactorLdlt::rank_one_mult_adds(const int* positions, int m) const {
  const Pattern& pat = *p_;
  std::vector<unsigned char> reached(pat.n, 0);
  long adds = 0;
  for (int t = 0; t < m; ++t)
    for (int j = positions[t]; j != -1 && !reached[j]; j = pat.parent[j]) {
      reached[j] = 1;
      adds += 2L * (pat.l_colptr[j + 1] - pat.l_colptr[j]) + 1;
    }
  return adds;
}

void PathRefactorLdlt::restore_base() {
  const Pattern& pat = *p_;
  forward_valid_ = false;
  for (int k : changed_cols_) col_mark_[k] = 0;
  changed_cols_.clear();
  for (int k : dirty_cols_) {
    dirty_col_[k] = 0;
    std::copy(pat.a_base.begin() + pat.a_colptr[k], pat.a_base.begin() + pat.a_colptr[k + 1],
              a_val_.begin() + pat.a_colptr[k]);
  }
  dirty_cols_.clear();
  for (int k : dirty_rows_) {
    dirty_row_[k] = 0;
    for (int t = pat.r_ptr[k]; t < pat.r_ptr[k + 1]; ++t) l_val_[pat.r_pos[t]] = pat.l_base[pat.r_pos[t]];
    d_[k] = pat.d_base[k];
    inv_d_[k] = pat.inv_d_base[k];
  }
  dirty_rows_.clear();
}

void PathRefactorLdlt::solve(double* x) const {
  const Pattern& pat = *p_;
  unit_lower_solve(pat.n, pat.l_colptr.data(), pat.l_row.data(), l_val_.data(), x, inv_d_.data());
  backward(x);
}

void PathRefactorLdlt::forward(double* x) const {
  unit_lower_solve(p_->n, p_->l_colptr.data(), p_->l_row.data(), l_val_.data(), x);
}

void PathRefactorLdlt::scale_d(double* x) const {
  for (int j = 0, n = p_->n; j < n; ++j) x[j] *= inv_d_[j];
}

void PathRefactorLdlt::backward(double* x) const {
  unit_lower_transpose_solve(p_->n, p_->l_colptr.data(), p_->l_row.data(), l_val_.data(), x);
}

void PathRefactorLdlt::backward_listed(double* x, const int* positions, int m) const {
  unit_lower_transpose_solve_listed(positions, m, p_->l_colptr.data(), p_->l_row.data(), l_val_.data(), x);
}

}  // namespace sre::kernels
