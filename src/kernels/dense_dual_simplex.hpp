#pragma once
// A bounded dual simplex for linear programs with few dense rows and many columns:
//
//   minimise c^T x   subject to   lo_r <= a_r^T x <= hi_r   (r < m, a few dozen at most),
//                                 l_j <= x_j <= u_j         (every bound finite).
//
// The re-dispatch LP of one island has this shape (a balance row and one row per
// monitored branch over every supply and load of the island): Clp solves it right but
// spends about 0.6 ms per call on set-up that a problem of 5 rows does not need
// (docs/decisions/008-dense-dual-simplex-for-redispatch.md). Here the basis inverse is an
// explicit m x m matrix and the rows are stored contiguous, so an iteration costs a few
// passes over the columns (the pivot row as a sum of m rows, which vectorises; the reduced
// costs updated by the pivot row each iteration and recomputed from scratch at every
// refactorisation, which keeps them exact to round-off) plus O(m^2).
//
// Rows carry slack variables w_r = a_r^T x with bounds [lo_r, hi_r] (an infinite one is
// replaced by the bound the columns' boxes imply). The dual simplex starts from any dual
// feasible basis; with every structural bound finite, a nonbasic column is made dual
// feasible by putting it at the bound its reduced cost asks for, so new costs (a second
// phase) and new rows (row generation) continue from the basis at hand. Leaving row by
// dual steepest edge (exact weights from the explicit inverse); entering column by the
// bound-flipping ratio test (boxed columns whose breakpoints the step passes move to
// their other bound, so one iteration crosses many: Koberstein, "The dual simplex method,
// techniques for a fast and stable implementation", 2005, section 3.2.3) with Harris's
// tolerance, ties to the lowest index: the path is a pure function of the inputs. Nothing allocates once the capacities are reached.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace sre::kernels {

class DenseDualSimplex {
 public:
  enum class Status { kOptimal, kInfeasible, kIterationLimit, kNumerical };

  // n columns, no rows; every column at [0, 0] with cost 0 until set.
  void reset(int n);
  void set_column(int j, double lower, double upper, double cost);
  void set_cost(int j, double cost);
  // A second cost, minimised among the optima of the first (lexicographic: the reduced
  // costs are compared as pairs), so that one solve gives what two phases would.
  void set_cost2(int j, double cost);
  void set_upper(int j, double upper);
  // `count` new columns (nonbasic at their lower bound), after the others: column q's
  // entries in coef[q m, (q + 1) m) (one per row), its bounds and both costs. The basis
  // stays; solve() continues from it.
  void add_columns(int count, const double* coef, const double* lower, const double* upper, const double* cost,
                   const double* cost2);
  // A dense row (n entries); its slack enters the basis. Returns the row's number.
  int add_row(const double* coef, double lo, double hi);

  // From the basis at hand (all slacks after reset()): restore dual feasibility by
  // moving nonbasic columns to the bound their reduced cost asks for, then dual simplex.
  Status solve(int max_iterations = 5000);

  int n_cols() const { return n_; }
  int n_rows() const { return m_; }
  double x(int j) const { return value(j); }  // valid after kOptimal
  double objective() const;
  int iterations() const { return iterations_; }

  double primal_tolerance = 1e-9;  // bound violation of a basic variable, relative to 1 + |bound|
  double dual_tolerance = 1e-11;   // wrong-signed reduced cost
  double pivot_tolerance = 1e-9;   // smallest pivot-row entry a ratio test takes
  // Perturb the first costs against stalling (dual degeneracy): 6 % fewer instructions
  // on pglib_opf_case2383wp_k's re-dispatch LPs.
  bool perturb = true;

 private:
  int total() const { return n_ + m_; }
  // Entry r of column j of [A, -I] (slack n + r is -e_r).
  double col(int j, int r) const { return j < n_ ? a_[static_cast<std::size_t>(r) * n_ + j] : (j - n_ == r ? -1.0 : 0.0); }
  double value(int j) const { return pos_[j] >= 0 ? xb_[pos_[j]] : (at_upper_[j] ? up_[j] : lo_[j]); }
  bool refactor();
  void compute_xb();
  void row_combination(const double* v, std::vector<double>& out) const;
  void compute_reduced_costs();
  int wanted_bound(int j) const;
  int flip_to_dual_feasible();
  void bound_rows();
  int leaving_row() const;
  void move_nonbasic(int j, bool to_upper);
  Status iterate(int max_iterations);
  void perturb_costs();
  void restore_costs();

  int n_ = 0, m_ = 0;
  std::vector<double> a_;                       // row-major: row r is a_[r n, (r + 1) n)
  std::vector<double> lo_, up_, cost_, cost2_;  // per variable (columns, then slacks)
  std::vector<double> row_lo_, row_hi_;  // per row, as given (lo_, up_ of a slack: finite, bound_rows())
  std::vector<int> head_, pos_;          // basic variable per row; position or -1 per variable
  std::vector<unsigned char> at_upper_;  // nonbasic at its upper bound
  std::vector<double> binv_;             // B^{-1}, m x m, row-major
  std::vector<double> work_, value_;     // refactor's copy of B; the columns' nonbasic values
  std::vector<double> nx_;               // N x_N (per row)
  std::vector<double> xb_, y_, y2_, rho_;  // basics; duals of both costs; pivot row of B^{-1}
  std::vector<double> alpha_, d_, d2_;     // per variable: pivot row entry, reduced costs
  std::vector<double> column_;             // entering column in the basis, B^{-1} a_j
  struct Break {
    double ratio, ratio2;  // |d| / |alpha|, |d2| / |alpha| (the latter where |d| is within the tolerance)
    double gap, gap2, mag;  // |d|, |d2| on the feasible side; |alpha|
    int var;
  };
  std::vector<Break> breaks_;  // the ratio test's breakpoints
  int updates_ = 0, iterations_ = 0, stalled_ = 0;
  bool single_step_ = false;  // no bound flips for the rest of the solve (a cycle was seen)
  int last_row_[2] = {-1, -1}, last_entering_[2] = {-1, -1}, last_leaving_[2] = {-1, -1};  // the last two pivots
  bool has_cost2_ = false;
  bool duals_current_ = false;
  bool perturbed_ = false;
  std::vector<double> saved_cost_;  // the first costs while perturbed  // d_, d2_ hold the current basis's reduced costs
};

}  // namespace sre::kernels
