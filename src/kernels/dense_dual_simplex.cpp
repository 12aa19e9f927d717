#include "kernels/dense_dual_simplex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sre::kernels {

namespace {
// Updates of the explicit inverse between refactorisations.
constexpr int kRefactorEvery = 48;
// Iterations in a row without a dual step (dual degenerate) after which Bland's rule
// takes over until a step is made: it cannot cycle.
constexpr int kStallLimit = 30;
// The cost perturbation's scale (relative to 1 + |c_j|).
constexpr double kPerturbation = 1e-7;
}  // namespace

void DenseDualSimplex::reset(int n) {
  n_ = n;
  m_ = 0;
  a_.clear();
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
  binv_.clear();
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

void DenseDualSimplex::add_columns(int count, const double* coef, const double* lower, const double* upper,
                                   const double* cost, const double* cost2) {
  const int n = n_ + count;
  // Rows grow by `count` entries each; variables n_... (the slacks) move up by `count`.
  std::vector<double>& a = work_;
  a.assign(static_cast<std::size_t>(m_) * n, 0.0);
  for (int r = 0; r < m_; ++r) {
    std::copy_n(a_.begin() + static_cast<std::size_t>(r) * n_, n_, a.begin() + static_cast<std::size_t>(r) * n);
    for (int q = 0; q < count; ++q) a[static_cast<std::size_t>(r) * n + n_ + q] = coef[static_cast<std::size_t>(q) * m_ + r];
  }
  a_.swap(a);
  auto widen = [&](auto& v, auto fill) { v.insert(v.begin() + n_, static_cast<std::size_t>(count), fill); };
  widen(lo_, 0.0);
  widen(up_, 0.0);
  widen(cost_, 0.0);
  widen(cost2_, 0.0);
  widen(pos_, -1);
  widen(at_upper_, static_cast<unsigned char>(0));
  for (int q = 0; q < count; ++q) {
    lo_[n_ + q] = lower[q];
    up_[n_ + q] = upper[q];
    cost_[n_ + q] = cost[q];
    cost2_[n_ + q] = cost2[q];
    has_cost2_ = has_cost2_ || cost2[q] != 0.0;
  }
  for (int& h : head_)
    if (h >= n_) h += count;
  n_ = n;
}

int DenseDualSimplex::add_row(const double* coef, double lo, double hi) {
  const int r = m_;
  a_.insert(a_.end(), coef, coef + n_);
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
  ++m_;
  return r;
}

// B^{-1} from scratch (Gauss-Jordan, partial pivoting), and N x_N. False when B is singular.
bool DenseDualSimplex::refactor() {
  const int m = m_;
  work_.assign(static_cast<std::size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i)  // column i of B is the basic variable of row i
    for (int r = 0; r < m; ++r) work_[static_cast<std::size_t>(r) * m + i] = col(head_[i], r);
  binv_.assign(static_cast<std::size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i) binv_[static_cast<std::size_t>(i) * m + i] = 1.0;
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
      std::swap_ranges(binv_.begin() + static_cast<std::size_t>(p) * m, binv_.begin() + static_cast<std::size_t>(p + 1) * m,
                       binv_.begin() + static_cast<std::size_t>(c) * m);
    }
    double* wc = work_.data() + static_cast<std::size_t>(c) * m;
    double* bc = binv_.data() + static_cast<std::size_t>(c) * m;
    const double inv = 1.0 / piv;
    for (int k = 0; k < m; ++k) wc[k] *= inv, bc[k] *= inv;
    for (int r = 0; r < m; ++r) {
      if (r == c) continue;
      double* wr = work_.data() + static_cast<std::size_t>(r) * m;
      const double f = wr[c];
      if (f == 0.0) continue;
      double* br = binv_.data() + static_cast<std::size_t>(r) * m;
      for (int k = 0; k < m; ++k) wr[k] -= f * wc[k], br[k] -= f * bc[k];
    }
  }
  // N x_N afresh too, so that round-off of the incremental updates does not build up:
  // the structural part row by row (contiguous), then the slacks.
  value_.resize(n_);
  for (int j = 0; j < n_; ++j) value_[j] = pos_[j] >= 0 ? 0.0 : at_upper_[j] ? up_[j] : lo_[j];
  nx_.assign(m, 0.0);
  for (int r = 0; r < m; ++r) {
    const double* row = a_.data() + static_cast<std::size_t>(r) * n_;
    double s = 0.0;
    for (int j = 0; j < n_; ++j) s += row[j] * value_[j];
    nx_[r] = s;
  }
  for (int r = 0; r < m; ++r) {
    const int j = n_ + r;
    if (pos_[j] < 0) nx_[r] -= at_upper_[j] ? up_[j] : lo_[j];
  }
  updates_ = 0;
  duals_current_ = false;
  return true;
}

// x_B = -B^{-1} N x_N.
void DenseDualSimplex::compute_xb() {
  xb_.assign(m_, 0.0);
  for (int i = 0; i < m_; ++i) {
    const double* row = binv_.data() + static_cast<std::size_t>(i) * m_;
    double s = 0.0;
    for (int r = 0; r < m_; ++r) s += row[r] * nx_[r];
    xb_[i] = -s;
  }
}

// out_j = v^T a_j for every variable: structural columns as m passes over the rows (each
// contiguous: the pass vectorises), slacks -v_r.
void DenseDualSimplex::row_combination(const double* v, std::vector<double>& out) const {
  out.assign(total(), 0.0);
  double* o = out.data();
  for (int r = 0; r < m_; ++r) {
    const double w = v[r];
    if (w == 0.0) continue;
    const double* row = a_.data() + static_cast<std::size_t>(r) * n_;
    for (int j = 0; j < n_; ++j) o[j] += w * row[j];
  }
  for (int r = 0; r < m_; ++r) o[n_ + r] = -v[r];
}

// Duals y^T = c_B^T B^{-1} of both costs, and every variable's reduced costs from them.
void DenseDualSimplex::compute_reduced_costs() {
  y_.assign(m_, 0.0);
  y2_.assign(m_, 0.0);
  for (int i = 0; i < m_; ++i) {
    const double c = cost_[head_[i]], c2 = cost2_[head_[i]];
    if (c == 0.0 && c2 == 0.0) continue;
    const double* row = binv_.data() + static_cast<std::size_t>(i) * m_;
    for (int r = 0; r < m_; ++r) y_[r] += c * row[r], y2_[r] += c2 * row[r];
  }
  row_combination(y_.data(), d_);
  for (int j = 0; j < total(); ++j) d_[j] = cost_[j] - d_[j];
  if (has_cost2_) {
    row_combination(y2_.data(), d2_);
    for (int j = 0; j < total(); ++j) d2_[j] = cost2_[j] - d2_[j];
  } else {
    d2_.assign(total(), 0.0);
  }
  duals_current_ = true;
}

// The bound variable j's reduced costs ask for: the upper one when the pair (d, d2) is
// lexicographically negative (d below -tolerance, or d within it and d2 below
// -tolerance), the lower one when positive, either when both are within it.
int DenseDualSimplex::wanted_bound(int j) const {
  const double d = d_[j], d2 = d2_[j];
  if (d < -dual_tolerance) return 1;
  if (d > dual_tolerance) return -1;
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
    for (int r = 0; r < m_; ++r) nx_[r] += a_[static_cast<std::size_t>(r) * n_ + j] * delta;
  }
}

// Every nonbasic variable at the bound its reduced costs ask for (a finite one); returns
// how many moved.
int DenseDualSimplex::flip_to_dual_feasible() {
  compute_reduced_costs();
  int moved = 0;
  for (int j = 0; j < total(); ++j) {
    if (pos_[j] >= 0 || lo_[j] == up_[j]) continue;
    const int want = wanted_bound(j);
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
    const double* row = a_.data() + static_cast<std::size_t>(r) * n_;
    double low = 0.0, high = 0.0;
    for (int j = 0; j < n_; ++j) {
      low += std::min(row[j] * lo_[j], row[j] * up_[j]);
      high += std::max(row[j] * lo_[j], row[j] * up_[j]);
    }
    const double margin = 1.0 + 1e-6 * (std::abs(low) + std::abs(high));
    lo_[n_ + r] = std::isfinite(row_lo_[r]) ? row_lo_[r] : std::min(low, row_hi_[r]) - margin;
    up_[n_ + r] = std::isfinite(row_hi_[r]) ? row_hi_[r] : std::max(high, row_lo_[r]) + margin;
  }
}

// The leaving row: the largest infeasibility squared over its dual steepest-edge weight
// ||e_p^T B^{-1}||^2 (exact, from the explicit inverse); under Bland's rule the infeasible
// basic variable of lowest index. -1 when primal feasible.
int DenseDualSimplex::leaving_row() const {
  int p = -1;
  double best = 0.0;
  const bool bland = stalled_ >= kStallLimit;
  for (int i = 0; i < m_; ++i) {
    const int h = head_[i];
    const double v = xb_[i];
    // Relative to the bound: basic values of hundreds of MW carry round-off of the
    // explicit inverse far above an absolute 1e-9.
    const double viol = v < lo_[h] - primal_tolerance * (1.0 + std::abs(lo_[h]))   ? lo_[h] - v
                        : v > up_[h] + primal_tolerance * (1.0 + std::abs(up_[h])) ? v - up_[h]
                                                                                   : 0.0;
    if (viol == 0.0) continue;
    if (bland) {
      if (p < 0 || h < head_[p]) p = i;
      continue;
    }
    const double* row = binv_.data() + static_cast<std::size_t>(i) * m_;
    double w = 0.0;
    for (int r = 0; r < m_; ++r) w += row[r] * row[r];
    const double score = viol * viol / w;
    if (score > best) best = score, p = i;
  }
  return p;
}

// Dual degeneracy (many reduced costs at zero: columns that cost nothing in the first
// cost, many near-equal sensitivities) lets the dual simplex stall. Each structural
// column's first cost moves by a small fixed amount on the side its bound keeps dual
// feasible (Koberstein 2005, section 6.2.2; the amount a hash of the column, so the same
// LP takes the same path). The costs are put back once the perturbed problem is optimal,
// and the simplex goes on from there to the optimum of the real costs.
void DenseDualSimplex::perturb_costs() {
  saved_cost_.assign(cost_.begin(), cost_.begin() + n_);
  for (int j = 0; j < n_; ++j) {
    if (pos_[j] >= 0 || lo_[j] == up_[j]) continue;
    std::uint64_t z = static_cast<std::uint64_t>(j) * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
    const double u = 0.5 + 0.5 * static_cast<double>(z >> 11) * 0x1.0p-53;
    const double amount = kPerturbation * (1.0 + std::abs(cost_[j])) * u;
    cost_[j] += at_upper_[j] ? -amount : amount;
  }
  perturbed_ = true;
  duals_current_ = false;
}

void DenseDualSimplex::restore_costs() {
  std::copy(saved_cost_.begin(), saved_cost_.end(), cost_.begin());
  perturbed_ = false;
  duals_current_ = false;
}

DenseDualSimplex::Status DenseDualSimplex::solve(int max_iterations) {
  const Status status = iterate(max_iterations);
  if (perturbed_) restore_costs();  // whatever the outcome, the costs are the caller's again
  return status;
}

DenseDualSimplex::Status DenseDualSimplex::iterate(int max_iterations) {
  iterations_ = 0;
  stalled_ = 0;
  single_step_ = false;
  last_row_[0] = last_row_[1] = -1;
  bound_rows();
  if (!refactor()) return Status::kNumerical;
  flip_to_dual_feasible();
  if (perturb) perturb_costs();
  rho_.resize(m_);
  const double inf = std::numeric_limits<double>::infinity();
  for (;;) {
    compute_xb();
    const int p = leaving_row();
    if (p < 0) {
      // Primal feasible. Confirm on a fresh inverse, then check dual feasibility: steps of
      // the first cost move the second's reduced costs of columns whose first is zero, and
      // small pivots are left out of ratio tests; any column not at its bound moves there.
      if (updates_ > 0) {
        if (!refactor()) return Status::kNumerical;
        continue;
      }
      if (perturbed_) {
        restore_costs();
        stalled_ = 0;
      }
      if (flip_to_dual_feasible() == 0) return Status::kOptimal;
      continue;
    }
    if (iterations_ >= max_iterations) return Status::kIterationLimit;
    ++iterations_;
    const int leaving = head_[p];
    const bool to_upper = xb_[p] > up_[leaving];
    const double s = to_upper ? 1.0 : -1.0;
    std::copy_n(binv_.begin() + static_cast<std::size_t>(p) * m_, m_, rho_.begin());
    if (!duals_current_) compute_reduced_costs();
    row_combination(rho_.data(), alpha_);
    // Breakpoints of the dual step: nonbasic columns whose pivot-row entry has the sign
    // that drives their reduced costs to zero, at the ratio pair (|d|, |d2|) / |alpha_j|
    // (d2's ratio counts where d is within the tolerance of zero: lexicographic costs).
    breaks_.clear();
    for (int j = 0; j < total(); ++j) {
      if (pos_[j] >= 0 || lo_[j] == up_[j]) continue;
      const double a = s * alpha_[j];
      const bool upper = at_upper_[j];
      if (!(upper ? a < -pivot_tolerance : a > pivot_tolerance)) continue;
      // Magnitudes of the feasible side (a wrong sign within the tolerance counts as 0).
      double e = std::max(upper ? -d_[j] : d_[j], 0.0), e2 = 0.0;
      if (e <= dual_tolerance) e = 0.0, e2 = std::max(upper ? -d2_[j] : d2_[j], 0.0);
      const double mag = std::abs(a);
      breaks_.push_back({e / mag, e2 / mag, e, e2, mag, j});
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
    while (!bland && !single_step_ && heap_end != breaks_.begin()) {
      const Break& b = breaks_.front();
      const double drop = b.mag * (up_[b.var] - lo_[b.var]);
      if (slope - drop <= 0.0) break;
      slope -= drop;
      std::pop_heap(breaks_.begin(), heap_end, later);
      --heap_end;
    }
    if (heap_end == breaks_.begin()) return Status::kInfeasible;  // every flip leaves it infeasible
    // Harris's two passes over the rest, on the first cost, or on the second where the
    // first's step is zero: the largest step within the relaxed dual bounds, then within
    // it the largest pivot (then the lowest ratios and index).
    const bool second = breaks_.front().ratio == 0.0;
    double t_max = inf;
    for (auto b = breaks_.begin(); b != heap_end; ++b) {
      if (second && b->ratio != 0.0) continue;
      t_max = std::min(t_max, ((second ? b->gap2 : b->gap) + dual_tolerance) / b->mag);
    }
    const Break* chosen = nullptr;
    for (auto b = breaks_.begin(); b != heap_end; ++b) {
      if (second ? b->ratio != 0.0 || b->ratio2 > t_max : b->ratio > t_max) continue;
      if (!chosen || b->mag > chosen->mag || (b->mag == chosen->mag && later(*chosen, *b))) chosen = &*b;
    }
    if (bland) chosen = &breaks_.front();  // lowest ratios, then index
    const int entering = chosen->var;
    stalled_ = chosen->ratio > 0.0 || chosen->ratio2 > 0.0 ? 0 : stalled_ + 1;
    // A pivot that undoes the one before last (the same variables trading places in the
    // same row, the same columns flipped back and forth) is a cycle the tolerances let
    // through, seen on near-parallel columns whose first reduced costs are at round-off
    // level: the plain ratio test (no bound flips) for the rest of this solve.
    if (p == last_row_[0] && leaving == last_entering_[0] && entering == last_leaving_[0]) single_step_ = true;
    last_row_[0] = last_row_[1], last_entering_[0] = last_entering_[1], last_leaving_[0] = last_leaving_[1];
    last_row_[1] = p, last_entering_[1] = entering, last_leaving_[1] = leaving;
    for (auto b = heap_end; b != breaks_.end(); ++b) move_nonbasic(b->var, !at_upper_[b->var]);
    // The entering column in the basis, B^{-1} a_j; its entry p must be the pivot row's.
    const double alpha_p = alpha_[entering];
    column_.resize(m_);
    double* column = column_.data();
    for (int i = 0; i < m_; ++i) {
      const double* row = binv_.data() + static_cast<std::size_t>(i) * m_;
      double t = 0.0;
      for (int r = 0; r < m_; ++r) t += row[r] * col(entering, r);
      column[i] = t;
    }
    if (std::abs(column[p] - alpha_p) > 1e-8 * (1.0 + std::abs(alpha_p))) {
      if (updates_ == 0) return Status::kNumerical;
      if (!refactor()) return Status::kNumerical;
      continue;
    }
    // The leaving variable rests at the bound it violated; the entering one joins the basis.
    const double v = to_upper ? up_[leaving] : lo_[leaving];
    at_upper_[leaving] = to_upper;
    pos_[leaving] = -1;
    const double e = at_upper_[entering] ? up_[entering] : lo_[entering];
    for (int r = 0; r < m_; ++r) nx_[r] += col(leaving, r) * v - col(entering, r) * e;
    head_[p] = entering;
    pos_[entering] = p;
    // The duals move by theta rho with theta making the entering column's reduced costs
    // zero; every reduced cost moves by -theta alpha_j (the leaving variable's alpha is 1).
    // Recomputed from scratch at every refactorisation.
    {
      const double theta = d_[entering] / alpha_p, theta2 = d2_[entering] / alpha_p;
      for (int j = 0, nt = total(); j < nt; ++j) d_[j] -= theta * alpha_[j];
      if (has_cost2_)
        for (int j = 0, nt = total(); j < nt; ++j) d2_[j] -= theta2 * alpha_[j];
      d_[entering] = d2_[entering] = 0.0;
    }
    // B^{-1} <- E B^{-1}: pivot on column[p].
    double* rowp = binv_.data() + static_cast<std::size_t>(p) * m_;
    const double inv = 1.0 / column[p];
    for (int r = 0; r < m_; ++r) rowp[r] *= inv;
    for (int i = 0; i < m_; ++i) {
      if (i == p || column[i] == 0.0) continue;
      double* row = binv_.data() + static_cast<std::size_t>(i) * m_;
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
