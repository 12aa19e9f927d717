#include "kernels/woodbury_update.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/gather_dot.hpp"

namespace sre::kernels {

bool lu_factor(double* a, int r, int ld, int* piv) {
  double amax = 0.0;
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < r; ++j) amax = std::max(amax, std::abs(a[i * ld + j]));
  for (int k = 0; k < r; ++k) {
    int p = k;
    double best = std::abs(a[k * ld + k]);
    for (int i = k + 1; i < r; ++i)
      if (std::abs(a[i * ld + k]) > best) {
        best = std::abs(a[i * ld + k]);
        p = i;
      }
    piv[k] = p;
    if (!(best > 1e-300) || best < 1e-14 * amax) return false;
    if (p != k)
      for (int j = 0; j < r; ++j) std::swap(a[k * ld + j], a[p * ld + j]);
    const double inv = 1.0 / a[k * ld + k];
    for (int i = k + 1; i < r; ++i) {
      const double l = a[i * ld + k] * inv;
      a[i * ld + k] = l;
      if (l != 0.0)
        for (int j = k + 1; j < r; ++j) a[i * ld + j] -= l * a[k * ld + j];
    }
  }
  return true;
}

void lu_solve(const double* a, int r, int ld, const int* piv, double* b) {
  // Rows were swapped whole during the factorisation (L included): all swaps first, then L.
  for (int k = 0; k < r; ++k)
    if (piv[k] != k) std::swap(b[k], b[piv[k]]);
  for (int k = 0; k < r; ++k)
    for (int i = k + 1; i < r; ++i) b[i] -= a[i * ld + k] * b[k];
  for (int i = r - 1; i >= 0; --i) {
    double s = b[i];
    for (int j = i + 1; j < r; ++j) s -= a[i * ld + j] * b[j];
    b[i] = s / a[i * ld + i];
  }
}

void WoodburyUpdate::init(const BaseFactor& f, int max_rank, long pool_entries) {
  f_ = &f;
  max_rank_ = max_rank;
  height_ = f.etree_height();
  const int n = f.size();
  work_.assign(n, 0.0);
  mark_.assign(n, 0);
  const long cols = std::max<long>(pool_entries / std::max<long>(height_, 1), 4L * max_rank);
  col_idx_.reserve(cols);
  col_val_.reserve(cols);
  col_len_.reserve(cols);
  cinv_.reserve(cols);
  idx_.reserve(pool_entries);
  val_.reserve(pool_entries);
  active_.assign(max_rank, 0);
  prev_active_.assign(max_rank, 0);
  m_.assign(static_cast<std::size_t>(max_rank) * max_rank, 0.0);
  lu_.assign(static_cast<std::size_t>(max_rank) * max_rank, 0.0);
  t_.assign(max_rank, 0.0);
  piv_.assign(max_rank, 0);
  clear();
}

void WoodburyUpdate::clear() {
  col_idx_.clear();
  col_val_.clear();
  col_len_.clear();
  cinv_.clear();
  idx_.clear();
  val_.clear();
  prev_valid_ = false;
  prev_r_ = 0;
  r_ = 0;
}

bool WoodburyUpdate::fits(int columns, int starts_each) const {
  return col_len_.size() + columns <= col_len_.capacity() &&
         idx_.size() + static_cast<std::size_t>(columns) * starts_each * height_ <= idx_.capacity();
}

int WoodburyUpdate::push_slot(const int* idx, const double* val, int len, double cinv) {
  col_idx_.push_back(idx);
  col_val_.push_back(val);
  col_len_.push_back(len);
  cinv_.push_back(cinv);
  return static_cast<int>(cinv_.size()) - 1;
}

int WoodburyUpdate::add_column(const int* starts, const double* vals, int nstart, double cinv) {
  const std::size_t first = idx_.size();
  const int len = f_->sparse_forward(starts, vals, nstart, work_.data(), mark_.data(), idx_, val_);
  // The pool never reallocates (fits() keeps within its capacity), so pointers stay valid.
  return push_slot(idx_.data() + first, val_.data() + first, len, cinv);
}

int WoodburyUpdate::add_column_view(const int* idx, const double* val, int len, double cinv) {
  return push_slot(idx, val, len, cinv);
}

int WoodburyUpdate::add_column_difference(const int* ia, const double* va, int na, const int* ib, const double* vb,
                                          int nb, double cinv) {
  const std::size_t first = idx_.size();
  int a = 0, b = 0;
  while (a < na || b < nb) {
    if (b == nb || (a < na && ia[a] < ib[b])) {
      idx_.push_back(ia[a]);
      val_.push_back(va[a++]);
    } else if (a == na || ib[b] < ia[a]) {
      idx_.push_back(ib[b]);
      val_.push_back(-vb[b++]);
    } else {
      idx_.push_back(ia[a]);
      val_.push_back(va[a++] - vb[b++]);
    }
  }
  return push_slot(idx_.data() + first, val_.data() + first, static_cast<int>(idx_.size() - first), cinv);
}

bool WoodburyUpdate::set_active(const int* slots, int r) {
  const int ld = max_rank_;
  int keep = 0;
  if (prev_valid_)
    while (keep < r && keep < prev_r_ && prev_active_[keep] == slots[keep]) ++keep;
  const double* inv_d = f_->inv_d_data();
  for (int i = keep; i < r; ++i) {
    const int si = slots[i];
    const int* ii = col_idx_[si];
    const double* vi = col_val_[si];
    const int ni = col_len_[si];
    for (int p = 0; p < ni; ++p) work_[ii[p]] = vi[p] * inv_d[ii[p]];
    for (int j = 0; j <= i; ++j) {
      const int sj = slots[j];
      double s = gather_dot(col_val_[sj], col_idx_[sj], work_.data(), col_len_[sj]);
      if (i == j) s += cinv_[si];
      m_[i * ld + j] = s;
      m_[j * ld + i] = s;
    }
    for (int p = 0; p < ni; ++p) work_[ii[p]] = 0.0;
  }
  for (int i = 0; i < r; ++i) {
    active_[i] = slots[i];
    prev_active_[i] = slots[i];
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(i) * ld;
    std::copy(m_.begin() + row, m_.begin() + row + r, lu_.begin() + row);
  }
  r_ = r;
  prev_r_ = r;
  prev_valid_ = true;
  return lu_factor(lu_.data(), r, ld, piv_.data());
}

void WoodburyUpdate::apply(double* z) {
  const double* inv_d = f_->inv_d_data();
  for (int i = 0; i < r_; ++i) {
    const int s = active_[i];
    double t = 0.0;
    const int* ii = col_idx_[s];
    const double* vi = col_val_[s];
    for (int p = 0, n = col_len_[s]; p < n; ++p) t += vi[p] * inv_d[ii[p]] * z[ii[p]];
    t_[i] = t;
  }
  lu_solve(lu_.data(), r_, max_rank_, piv_.data(), t_.data());
  for (int i = 0; i < r_; ++i) {
    const int s = active_[i];
    const double y = t_[i];
    const int* ii = col_idx_[s];
    const double* vi = col_val_[s];
    for (int p = 0, n = col_len_[s]; p < n; ++p) z[ii[p]] -= vi[p] * y;
  }
}

}  // namespace sre::kernels
