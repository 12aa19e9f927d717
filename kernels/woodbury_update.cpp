#include "kernels/woodbury_update.hpp"

#include <algorithm>
#include <cmath>

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
  begin_.reserve(cols);
  end_.reserve(cols);
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
  begin_.clear();
  end_.clear();
  cinv_.clear();
  idx_.clear();
  val_.clear();
  prev_valid_ = false;
  prev_r_ = 0;
  r_ = 0;
}

bool WoodburyUpdate::fits(int columns, int starts_each) const {
  return begin_.size() + columns <= begin_.capacity() &&
         idx_.size() + static_cast<std::size_t>(columns) * starts_each * height_ <= idx_.capacity();
}

int WoodburyUpdate::add_column(const int* starts, const double* vals, int nstart, double cinv) {
  begin_.push_back(static_cast<int>(idx_.size()));
  f_->sparse_forward(starts, vals, nstart, work_.data(), mark_.data(), idx_, val_);
  end_.push_back(static_cast<int>(idx_.size()));
  cinv_.push_back(cinv);
  return static_cast<int>(cinv_.size()) - 1;
}

bool WoodburyUpdate::set_active(const int* slots, int r) {
  const int ld = max_rank_;
  int keep = 0;
  if (prev_valid_)
    while (keep < r && keep < prev_r_ && prev_active_[keep] == slots[keep]) ++keep;
  const double* inv_d = f_->inv_d_data();
  for (int i = keep; i < r; ++i) {
    const int si = slots[i];
    for (int p = begin_[si]; p < end_[si]; ++p) work_[idx_[p]] = val_[p] * inv_d[idx_[p]];
    for (int j = 0; j <= i; ++j) {
      const int sj = slots[j];
      double s = 0.0;
      for (int p = begin_[sj]; p < end_[sj]; ++p) s += val_[p] * work_[idx_[p]];
      if (i == j) s += cinv_[si];
      m_[i * ld + j] = s;
      m_[j * ld + i] = s;
    }
    for (int p = begin_[si]; p < end_[si]; ++p) work_[idx_[p]] = 0.0;
  }
  for (int i = 0; i < r; ++i) {
    active_[i] = slots[i];
    prev_active_[i] = slots[i];
    std::copy(m_.begin() + i * ld, m_.begin() + i * ld + r, lu_.begin() + i * ld);
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
    for (int p = begin_[s]; p < end_[s]; ++p) t += val_[p] * inv_d[idx_[p]] * z[idx_[p]];
    t_[i] = t;
  }
  lu_solve(lu_.data(), r_, max_rank_, piv_.data(), t_.data());
  for (int i = 0; i < r_; ++i) {
    const int s = active_[i];
    const double y = t_[i];
    for (int p = begin_[s]; p < end_[s]; ++p) z[idx_[p]] -= val_[p] * y;
  }
}

}  // namespace sre::kernels
