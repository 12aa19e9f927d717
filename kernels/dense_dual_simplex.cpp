#include "kernels/dense_dual_simplex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sre::kernels {

namespace {
constexpr int kInitialRows = 8;
// Updates of the explicit inverse between refactorisations.
constexpr int kRefactorEvery = 48;
// Iterations in a row without a dual step (dual degenerate) after which Bland's rule
// takes over until a step is made: it cannot cycle.
constexpr int kStallLimit = 30;
}  // namespace

void DenseDualSimplex::reset(int n) {
  n_ = n;
  m_ = 0;
  ld_ = std::max(ld_, kInitialRows);
  a_.resize(static_cast<std::size_t>(n) * ld_);
  lo_.assign(n, 0.0);
  up_.assign(n, 0.0);
  cost_.assign(n, 0.0);
  cost2_.assign(n, 0.0);
  has_cost2_ = false;
  pos_.assign(n, -1);
  at_upper_.assign(n, 0);
  head_.clear();
  row_lo_.clear();
  row_hi_.clear();
  binv_.resize(static_cast<std::size_t>(ld_) * ld_);
  updates_ = 0;
  iterations_ = 0;
}

void DenseDualSimplex::set_column(int j, double lower, double upper, double cost) {
  lo_[j] = lower;
  up_[j] = upper;
  cost_[j] = cost;
}

void DenseDualSimplex::set_cost(int j, double cost) { cost_[j] = cost; }
void DenseDualSimplex::set_cost2(int j, double cost) {
  cost2_[j] = cost;
  has_cost2_ = has_cost2_ || cost != 0.0;
}
void DenseDualSimplex::set_upper(int j, double upper) { up_[j] = upper; }

void DenseDualSimplex::grow_rows() {
  const int ld = 2 * ld_;
  std::vector<double> a(static_cast<std::size_t>(n_) * ld, 0.0);
  for (int j = 0; j < n_; ++j)
    std::copy_n(a_.begin() + static_cast<std::size_t>(j) * ld_, m_, a.begin() + static_cast<std::size_t>(j) * ld);
  a_.swap(a);
  std::vector<double> b(static_cast<std::size_t>(ld) * ld, 0.0);
  for (int i = 0; i < m_; ++i)
    std::copy_n(binv_.begin() + static_cast<std::size_t>(i) * ld_, m_, b.begin() + static_cast<std::size_t>(i) * ld);
  binv_.swap(b);
  ld_ = ld;
}

int DenseDualSimplex::add_row(const double* coef, double lo, double hi) {
  if (m_ == ld_) grow_rows();
  const int r = m_;
  for (int j = 0; j < n_; ++j) a_[static_cast<std::size_t>(j) * ld_ + r] = coef[j];
  // The slack n + r, basic in row r. Slacks of earlier rows keep their numbers n + i.
  lo_.push_back(lo);
  up_.push_back(hi);
  row_lo_.push_back(lo);
  row_hi_.push_back(hi);
  cost_.push_back(0.0);
  cost2_.push_back(0.0);
  pos_.push_back(r);
  at_upper_.push_back(0);
  head_.push_back(n_ + r);
  // B' = [B 0; b^T -1] with b the new row's entries at the basic columns, so
  // B'^{-1} = [B^{-1} 0; b^T B^{-1} -1].
  double* last = binv_.data() + static_cast<std::size_t>(r) * ld_;
  std::fill(last, last + ld_, 0.0);
  for (int i = 0; i < r; ++i) {
    const int h = head_[i];
    const double b = h < n_ ? coef[h] : 0.0;
    if (b == 0.0) continue;
    const double* row = binv_.data() + static_cast<std::size_t>(i) * ld_;
    for (int c = 0; c < r; ++c) last[c] += b * row[c];
  }
  for (int i = 0; i < r; ++i) binv_[static_cast<std::size_t>(i) * ld_ + r] = 0.0;
  last[r] = -1.0;
  ++m_;
  return r;
}

double DenseDualSimplex::dot_col(const double* v, int j) const {
  if (j >= n_) return -v[j - n_];
  const double* c = a_.data() + static_cast<std::size_t>(j) * ld_;
  double s = 0.0;
  for (int r = 0; r < m_; ++r) s += v[r] * c[r];
  return s;
}

// B^{-1} from scratch (Gauss-Jordan, partial pivoting). False when B is singular.
bool DenseDualSimplex::refactor() {
  const int m = m_;
  work_.assign(static_cast<std::size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i)  // column i of B is the basic variable of row i
    for (int r = 0; r < m; ++r) work_[static_cast<std::size_t>(r) * m + i] = col(head_[i], r);
  for (int i = 0; i < m; ++i) {
    double* row = binv_.data() + static_cast<std::size_t>(i) * ld_;
    std::fill(row, row + m, 0.0);
    row[i] = 1.0;
  }
  // Row operations on [B | I]; the row swaps of pivoting are swaps of rows of both.
  for (int c = 0; c < m; ++c) {
    int p = c;
    for (int r = c + 1; r < m; ++r)
      if (std::abs(work_[static_cast<std::size_t>(r) * m + c]) > std::abs(work_[static_cast<std::size_t>(p) * m + c])) p = r;
    const double piv = work_[static_cast<std::size_t>(p) * m + c];
    if (!(std::abs(piv) > 1e-13)) return false;
    if (p != c) {
      std::swap_ranges(work_.begin() + static_cast<std::size_t>(p) * m, work_.begin() + static_cast<std::size_t>(p + 1) * m,
                       work_.begin() + static_cast<std::size_t>(c) * m);
      std::swap_ranges(binv_.begin() + static_cast<std::size_t>(p) * ld_, binv_.begin() + static_cast<std::size_t>(p) * ld_ + m,
                       binv_.begin() + static_cast<std::size_t>(c) * ld_);
    }
    double* wc = work_.data() + static_cast<std::size_t>(c) * m;
    double* bc = binv_.data() + static_cast<std::size_t>(c) * ld_;
    const double inv = 1.0 / piv;
    for (int k = 0; k < m; ++k) wc[k] *= inv, bc[k] *= inv;
    for (int r = 0; r < m; ++r) {
      if (r == c) continue;
      double* wr = work_.data() + static_cast<std::size_t>(r) * m;
      const double f = wr[c];
      if (f == 0.0) continue;
      double* br = binv_.data() + static_cast<std::size_t>(r) * ld_;
      for (int k = 0; k < m; ++k) wr[k] -= f * wc[k], br[k] -= f * bc[k];
    }
  }
  // N x_N afresh too, so that round-off of the incremental updates does not build up.
  nx_.assign(m, 0.0);
  for (int j = 0; j < total(); ++j) {
    if (pos_[j] >= 0) continue;
    const double v = at_upper_[j] ? up_[j] : lo_[j];
    if (v == 0.0) continue;
    if (j >= n_) {
      nx_[j - n_] -= v;
    } else {
      const double* c = a_.data() + static_cast<std::size_t>(j) * ld_;
      for (int r = 0; r < m; ++r) nx_[r] += c[r] * v;
    }
  }
  updates_ = 0;
  return true;
}

// x_B = -B^{-1} N x_N.
void DenseDualSimplex::compute_xb() {
  xb_.assign(m_, 0.0);
  for (int i = 0; i < m_; ++i) {
    const double* row = binv_.data() + static_cast<std::size_t>(i) * ld_;
    double s = 0.0;
    for (int r = 0; r < m_; ++r) s += row[r] * nx_[r];
    xb_[i] = -s;
  }
}

// y^T = c_B^T B^{-1}, for both costs.
void DenseDualSimplex::compute_duals() {
  y_.assign(m_, 0.0);
  y2_.assign(m_, 0.0);
  for (int i = 0; i < m_; ++i) {
    const double c = cost_[head_[i]], c2 = cost2_[head_[i]];
    if (c == 0.0 && c2 == 0.0) continue;
    const double* row = binv_.data() + static_cast<std::size_t>(i) * ld_;
    for (int r = 0; r < m_; ++r) y_[r] += c * row[r], y2_[r] += c2 * row[r];
  }
}

// The reduced costs of variable j, and which bound they ask for: the upper one when the
// pair (d, d2) is lexicographically negative (d below -tolerance, or d within it and d2
// below -tolerance), the lower one when positive, either when both are within it.
int DenseDualSimplex::wanted_bound(int j, double& d, double& d2) const {
  d = cost_[j] - dot_col(y_.data(), j);
  d2 = 0.0;
  if (d < -dual_tolerance) return 1;
  if (d > dual_tolerance) return -1;
  if (!has_cost2_) return 0;
  d2 = cost2_[j] - dot_col(y2_.data(), j);
  if (d2 < -dual_tolerance) return 1;
  if (d2 > dual_tolerance) return -1;
  return 0;
}

void DenseDualSimplex::move_nonbasic(int j, bool to_upper) {
  const double from = at_upper_[j] ? up_[j] : lo_[j];
  const double to = to_upper ? up_[j] : lo_[j];
  at_upper_[j] = to_upper;
  const double delta = to - from;
  if (delta == 0.0) return;
  if (j >= n_) {
    nx_[j - n_] -= delta;
  } else {
    const double* c = a_.data() + static_cast<std::size_t>(j) * ld_;
    for (int r = 0; r < m_; ++r) nx_[r] += c[r] * delta;
  }
}

// Every nonbasic variable at the bound its reduced costs ask for (a finite one); returns
// how many moved.
int DenseDualSimplex::flip_to_dual_feasible() {
  compute_duals();
  int moved = 0;
  for (int j = 0; j < total(); ++j) {
    if (pos_[j] >= 0 || lo_[j] == up_[j]) continue;
    double d = 0.0, d2 = 0.0;
    const int want = wanted_bound(j, d, d2);
    if ((want > 0 && !at_upper_[j]) || (want < 0 && at_upper_[j])) {
      move_nonbasic(j, want > 0);
      ++moved;
    }
  }
  return moved;
}

// An infinite row bound becomes the bound the columns' boxes imply (a little outside),
// which leaves the feasible set as it is and lets every nonbasic variable be made dual
// feasible by a bound flip: the dual simplex then never starts from a dual infeasible basis.
void DenseDualSimplex::bound_rows() {
  for (int r = 0; r < m_; ++r) {
    if (std::isfinite(row_lo_[r]) && std::isfinite(row_hi_[r])) continue;
    double low = 0.0, high = 0.0;
    for (int j = 0; j < n_; ++j) {
      const double a = a_[static_cast<std::size_t>(j) * ld_ + r];
      low += std::min(a * lo_[j], a * up_[j]);
      high += std::max(a * lo_[j], a * up_[j]);
    }
    const double margin = 1.0 + 1e-6 * (std::abs(low) + std::abs(high));
    lo_[n_ + r] = std::isfinite(row_lo_[r]) ? row_lo_[r] : std::min(low, row_hi_[r]) - margin;
    up_[n_ + r] = std::isfinite(row_hi_[r]) ? row_hi_[r] : std::max(high, row_lo_[r]) + margin;
  }
}

DenseDualSimplex::Status DenseDualSimplex::solve(int max_iterations) {
  iterations_ = 0;
  stalled_ = 0;
  bound_rows();
  if (!refactor()) return Status::kNumerical;
  flip_to_dual_feasible();
  alpha_.resize(total());
  d_.resize(total());
  d2_.resize(total());
  rho_.resize(m_);
  const double inf = std::numeric_limits<double>::infinity();
  for (;;) {
    compute_xb();
    // Leaving row: the largest infeasibility squared over its dual steepest-edge weight
    // ||e_p^T B^{-1}||^2 (exact, from the explicit inverse).
    int p = -1;
    double best = 0.0;
    for (int i = 0; i < m_; ++i) {
      const int h = head_[i];
      const double v = xb_[i];
      const double viol = v < lo_[h] - primal_tolerance ? lo_[h] - v : v > up_[h] + primal_tolerance ? v - up_[h] : 0.0;
      if (viol == 0.0) continue;
      const double* row = binv_.data() + static_cast<std::size_t>(i) * ld_;
      double w = 0.0;
      for (int r = 0; r < m_; ++r) w += row[r] * row[r];
      if (stalled_ >= kStallLimit) {  // Bland: the infeasible basic variable of lowest index
        if (p < 0 || h < head_[p]) p = i;
        continue;
      }
      const double score = viol * viol / w;
      if (score > best) best = score, p = i;
    }
    if (p < 0) {
      // Primal feasible. Optimal if dual feasible too: steps of the first cost move the
      // second's reduced costs of columns whose first is zero, and small pivots are left
      // out of ratio tests, so check, and move any column that is not to its bound.
      if (flip_to_dual_feasible() > 0) continue;
      if (updates_ == 0) return Status::kOptimal;
      // Confirm on a fresh inverse before calling it optimal.
      if (!refactor()) return Status::kNumerical;
      continue;
    }
    if (iterations_ >= max_iterations) return Status::kIterationLimit;
    ++iterations_;
    const int leaving = head_[p];
    const bool to_upper = xb_[p] > up_[leaving];
    const double s = to_upper ? 1.0 : -1.0;
    std::copy_n(binv_.begin() + static_cast<std::size_t>(p) * ld_, m_, rho_.begin());
    compute_duals();
    // Breakpoints of the dual step: nonbasic columns whose pivot-row entry has the sign
    // that drives their reduced costs to zero, at the ratio pair (|d|, |d2|) / |alpha_j|
    // (d2's ratio counts where d is within the tolerance of zero: lexicographic costs).
    breaks_.clear();
    for (int j = 0; j < total(); ++j) {
      if (pos_[j] >= 0 || lo_[j] == up_[j]) continue;
      const double a = s * dot_col(rho_.data(), j);
      const bool upper = at_upper_[j];
      if (!(upper ? a < -pivot_tolerance : a > pivot_tolerance)) continue;
      // Magnitudes of the feasible side (a wrong sign within the tolerance counts as 0).
      const double d = cost_[j] - dot_col(y_.data(), j);
      double e = std::max(upper ? -d : d, 0.0), e2 = 0.0;
      if (e <= dual_tolerance) {
        e = 0.0;
        if (has_cost2_) {
          const double d2 = cost2_[j] - dot_col(y2_.data(), j);
          e2 = std::max(upper ? -d2 : d2, 0.0);
        }
      }
      const double mag = std::abs(a);
      alpha_[j] = mag;
      d_[j] = e;
      d2_[j] = e2;
      breaks_.push_back({e / mag, e2 / mag, j});
    }
    if (breaks_.empty()) return Status::kInfeasible;  // dual unbounded
    // Bound flipping (long-step) ratio test: pass breakpoints in ratio order (a heap: only
    // the passed ones are ordered), flipping their columns to the other bound, while the
    // leaving variable stays infeasible (the dual objective's slope, its infeasibility less
    // |alpha_j| (u_j - l_j) per flip, stays positive).
    const auto later = [](const Break& x, const Break& y) {
      return x.ratio != y.ratio ? x.ratio > y.ratio : x.ratio2 != y.ratio2 ? x.ratio2 > y.ratio2 : x.var > y.var;
    };
    std::make_heap(breaks_.begin(), breaks_.end(), later);
    auto heap_end = breaks_.end();  // [begin, heap_end): not passed; [heap_end, end): passed
    double slope = xb_[p] > up_[leaving] ? xb_[p] - up_[leaving] : lo_[leaving] - xb_[p];
    const bool bland = stalled_ >= kStallLimit;
    while (!bland && heap_end != breaks_.begin()) {
      const int j = breaks_.front().var;
      const double drop = alpha_[j] * (up_[j] - lo_[j]);
      if (slope - drop <= 0.0) break;
      slope -= drop;
      std::pop_heap(breaks_.begin(), heap_end, later);
      --heap_end;
    }
    if (heap_end == breaks_.begin()) return Status::kInfeasible;  // every flip leaves it infeasible
    // Harris's two passes over the rest, on the first cost, or on the second where the
    // first's step is zero: the largest step within the relaxed dual bounds, then within
    // it the largest pivot (then the lowest ratios and index).
    const Break first = breaks_.front();
    const bool second = first.ratio == 0.0;
    double t_max = inf;
    for (auto b = breaks_.begin(); b != heap_end; ++b) {
      if (second && b->ratio != 0.0) continue;
      t_max = std::min(t_max, ((second ? d2_[b->var] : d_[b->var]) + dual_tolerance) / alpha_[b->var]);
    }
    const Break* chosen = nullptr;
    for (auto b = breaks_.begin(); b != heap_end; ++b) {
      if (second ? b->ratio != 0.0 || b->ratio2 > t_max : b->ratio > t_max) continue;
      if (!chosen || alpha_[b->var] > alpha_[chosen->var] ||
          (alpha_[b->var] == alpha_[chosen->var] && later(*chosen, *b)))
        chosen = &*b;
    }
    if (bland) chosen = &breaks_.front();  // lowest ratios, then index
    const int entering = chosen->var;
    stalled_ = chosen->ratio > 0.0 || chosen->ratio2 > 0.0 ? 0 : stalled_ + 1;
    for (auto b = heap_end; b != breaks_.end(); ++b) move_nonbasic(b->var, !at_upper_[b->var]);
    // The entering column in the basis: B^{-1} a_j.
    const double alpha_p = at_upper_[entering] ? -s * alpha_[entering] : s * alpha_[entering];
    column_.resize(m_);
    double* column = column_.data();
    for (int i = 0; i < m_; ++i) {
      const double* row = binv_.data() + static_cast<std::size_t>(i) * ld_;
      column[i] = dot_col(row, entering);
    }
    if (std::abs(column[p] - alpha_p) > 1e-8 * (1.0 + std::abs(alpha_p))) {
      if (updates_ == 0) return Status::kNumerical;
      if (!refactor()) return Status::kNumerical;
      continue;
    }
    // The leaving variable rests at the bound it violated; the entering one joins the basis.
    at_upper_[leaving] = to_upper;
    pos_[leaving] = -1;
    {
      const double v = to_upper ? up_[leaving] : lo_[leaving];
      if (leaving >= n_) {
        nx_[leaving - n_] -= v;
      } else {
        const double* c = a_.data() + static_cast<std::size_t>(leaving) * ld_;
        for (int r = 0; r < m_; ++r) nx_[r] += c[r] * v;
      }
      const double e = at_upper_[entering] ? up_[entering] : lo_[entering];
      if (entering >= n_) {
        nx_[entering - n_] += e;
      } else {
        const double* c = a_.data() + static_cast<std::size_t>(entering) * ld_;
        for (int r = 0; r < m_; ++r) nx_[r] -= c[r] * e;
      }
    }
    head_[p] = entering;
    pos_[entering] = p;
    // B^{-1} <- E B^{-1}: pivot on column[p].
    double* rowp = binv_.data() + static_cast<std::size_t>(p) * ld_;
    const double inv = 1.0 / column[p];
    for (int r = 0; r < m_; ++r) rowp[r] *= inv;
    for (int i = 0; i < m_; ++i) {
      if (i == p || column[i] == 0.0) continue;
      double* row = binv_.data() + static_cast<std::size_t>(i) * ld_;
      const double f = column[i];
      for (int r = 0; r < m_; ++r) row[r] -= f * rowp[r];
    }
    if (++updates_ >= kRefactorEvery && !refactor()) return Status::kNumerical;
  }
}

double DenseDualSimplex::objective() const {
  double z = 0.0;
  for (int j = 0; j < n_; ++j) z += cost_[j] * value(j);
  return z;
}

}  // namespace sre::kernels
