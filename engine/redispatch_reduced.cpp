// The re-dispatch LP in its reduced form (engine/redispatch.hpp), the fast path.
//
// Per island that needs it, with x_j the columns below (all >= 0):
//   columns  u_i in [0, C_i - S0_i] (supply up), v_i in [0, S0_i] (supply down),
//            s_i in [0, d_i] (load shed), for the island's buses where the range is not
//            empty; the bus's new injection is p_i = S0_i - d_i + u_i - v_i + s_i;
//   rows     balance   sum_i (u_i - v_i + s_i) = D - S0 (the island's totals);
//            branch e  -L_e <= f_e + sum_i P_ei (p_i - p0_i) <= L_e for the monitored branches,
//            where p0 and f are the state's injections and flows and P_ei =
//            K_e (theta_i - theta_ref) with theta = B^{-1} (e_f - e_t), one solve on the flow
//            solver's factor of the state (FlowSolver::solve_more; B is symmetric, so that
//            one solve gives the branch's sensitivity to every bus).
// The island's flows are a function of its injections alone, so this LP with every
// limited branch of the island as a row is the full LP restricted to the island, and
// with a subset of them a relaxation: an optimum whose flows (one solve of the state)
// keep every limited branch within L_e (+ the overload test's margins) is the full LP's
// optimum. Rows start as the branches above L_e; a solution that overloads another
// branch adds that branch's row and the LP continues from its basis.
//
// Objectives as the full form's two phases, least shed and then least perturbed
// redispatch, here as one solve with lexicographic costs (kernels::DenseDualSimplex's
// second cost). Most islands need no shed, so the LP is tried first without the loads'
// columns; only when that is infeasible do they join.
//
// The LP is solved by kernels::DenseDualSimplex (a few dense rows, many columns; Clp
// spent about 0.6 ms of set-up on each such LP, docs/performance.md), started afresh for
// every island of every sample, so the result is a pure function of the sample. Should it
// fail (iteration limit, a singular basis), the sample's islands go to the full form.
#include <algorithm>
#include <cmath>

#include "engine/redispatch.hpp"
#include "kernels/dense_dual_simplex.hpp"

namespace sre {
namespace {

// Sensitivities below this (MW per MW) are dropped from a row: at most 1e-12 of the
// island's supply, far inside the LP's tolerance.
constexpr double kDropBelow = 1e-12;
// Monitored rows at most per island; an island that needs more goes to the full form.
constexpr int kMaxRows = 256;
// Rounds of row generation at most per phase.
constexpr int kMaxRounds = 64;
// Simplex iterations at most per solve.
constexpr int kMaxIterations = 20000;

enum class Kind : std::uint8_t { kUp, kDown, kShed };
// How an LP with row generation ended: an optimum whose flows are within the limits, no
// feasible point (with the rows so far, so none at all), or no answer.
enum class Outcome { kOptimal, kInfeasible, kFailed };

class ReducedRedispatch final : public Redispatch {
 public:
  explicit ReducedRedispatch(const BaseCase& base)
      : normal_mw_(overload_thresholds(base, 0.0)), full_(make_full_redispatch(base)) {
    const Network& net = *base.net;
    supply_.assign(net.n_bus(), 0.0);
    served_.assign(net.n_bus(), 0.0);
    saved_injection_.assign(net.n_bus(), 0.0);
    monitored_of_.assign(net.n_branch(), -1);
  }

  bool run(EvalContext& ctx, const std::uint8_t* need) override {
    const Network& net = *ctx.base.net;
    GridState& s = ctx.state;
    std::copy(s.injection_mw.begin(), s.injection_mw.end(), saved_injection_.begin());
    bool ok = true;
    for (int k = 0; k < s.n_islands && ok; ++k)
      if (need[k]) ok = solve_island(ctx, k);
    if (!ok) {
      // Back to the state as given, then the full form.
      std::copy(saved_injection_.begin(), saved_injection_.end(), s.injection_mw.begin());
      s.injection_by_rule = true;
      ctx.solver.solve(net, s);
      ++failures_;
      return full_->run(ctx, need);
    }
    apply(net, s, need, supply_.data(), served_.data());
    return true;  // the flows of the final injections are solved (the last verification)
  }

 private:
  // The LP of island k. On success supply_ and served_ hold its buses' values, and the
  // state's injections and flows are theirs.
  bool solve_island(EvalContext& ctx, int k) {
    const Network& net = *ctx.base.net;
    const GridState& s = ctx.state;
    clear_rows();
    // The first rows: the island's branches above their limit.
    list_above(ctx, k, new_rows_);
    if (!add_rows(ctx, k, new_rows_)) return false;

    // Second phase first, with no shed allowed: the supplies' columns only.
    build_columns(net, s, k, false);
    load_lp(true);
    const Outcome no_shed = solve_and_settle(ctx, k);
    if (no_shed != Outcome::kInfeasible) return no_shed == Outcome::kOptimal;

    // Least shed, then least redispatch: the loads' columns join, with the rows so far.
    build_columns(net, s, k, true);
    load_lp(false);
    return solve_and_settle(ctx, k) == Outcome::kOptimal;
  }

  // Columns of island k: supply up and down, and with_shed load shed, where the range is
  // not empty.
  void build_columns(const Network& net, const GridState& s, int k, bool with_shed) {
    col_bus_.clear();
    col_kind_.clear();
    col_upper_.clear();
    balance_rhs_ = 0.0;
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      const double d = net.bus_demand_pos[i], s0 = net.bus_supply_base[i], c = net.bus_supply_cap[i];
      balance_rhs_ += d - s0;
      if (c - s0 > 0.0) add_column(i, Kind::kUp, c - s0);
      if (s0 > 0.0) add_column(i, Kind::kDown, s0);
      if (with_shed && d > 0.0) add_column(i, Kind::kShed, d);
    }
    ncol_ = static_cast<int>(col_bus_.size());
  }
  void add_column(int bus, Kind kind, double upper) {
    col_bus_.push_back(bus);
    col_kind_.push_back(kind);
    col_upper_.push_back(upper);
  }
  static double sign(Kind kind) { return kind == Kind::kDown ? -1.0 : 1.0; }

  void clear_rows() {
    for (int e : monitored_) monitored_of_[e] = -1;
    monitored_.clear();
    row_lo_.clear();
    row_hi_.clear();
  }

  // Limited branches of island k above L_e (+ margins) and not yet rows, ascending.
  void list_above(const EvalContext& ctx, int k, std::vector<int>& out) {
    const BaseCase& base = ctx.base;
    const Network& net = *base.net;
    const GridState& s = ctx.state;
    out.clear();
    list_overloads(base, s, normal_mw_, scratch_);
    for (int e : scratch_)
      if (monitored_of_[e] < 0 && s.island_of[net.br_from[e]] == k) out.push_back(e);
  }

  // Sensitivity rows of the branches `rows` (appended to monitored_): solves on the state's
  // factor, then each row's bounds. The bounds hold the flow at the fixed part of the
  // injections, p_i = S0_i - d_i; flows are linear in the injections, so it is the state's
  // flow plus the sensitivities times the difference, from whichever injections the
  // state's flows were solved for (before the LP, or a round's).
  bool add_rows(const EvalContext& ctx, int k, const std::vector<int>& rows) {
    if (monitored_.size() + rows.size() > static_cast<std::size_t>(kMaxRows)) return false;
    const Network& net = *ctx.base.net;
    const GridState& s = ctx.state;
    const int nb = net.n_bus();
    const std::size_t first = monitored_.size();
    while (theta_.size() < first + rows.size()) theta_.emplace_back(nb, 0.0);
    rhs_.clear();
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const int e = rows[r];
      std::vector<double>& t = theta_[first + r];
      std::fill(t.begin(), t.end(), 0.0);
      t[net.br_from[e]] = 1.0;
      t[net.br_to[e]] = -1.0;
      rhs_.push_back(t.data());
      monitored_of_[e] = static_cast<int>(first + r);
      monitored_.push_back(e);
    }
    ctx.solver.solve_more(net, s, rhs_.data(), static_cast<int>(rhs_.size()));
    const int ref = s.island_ref[k];
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const int e = rows[r];
      std::vector<double>& t = theta_[first + r];
      const double kmw = net.br_mw_per_rad[e], t_ref = t[ref];
      // P_ei in place of theta_i over the island; the flow at the fixed part of the
      // injections p_i = S0_i - d_i (every x_j = 0).
      double fixed_flow = s.flow_mw[e];
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        const double ptdf = kmw * (t[i] - t_ref);
        t[i] = std::abs(ptdf) < kDropBelow ? 0.0 : ptdf;
        fixed_flow += t[i] * (net.bus_supply_base[i] - net.bus_demand_pos[i] - s.injection_mw[i]);
      }
      const double lim = ctx.base.limit_mw[e];
      row_lo_.push_back(-lim - fixed_flow);
      row_hi_.push_back(lim - fixed_flow);
    }
    return true;
  }

  // The LP with the island's columns, the balance row and the monitored rows so far.
  // Costs: the (perturbed) redispatch alone when no load may be shed; else the shed
  // first and the redispatch second.
  void load_lp(bool no_shed) {
    lp_.reset(ncol_);
    for (int j = 0; j < ncol_; ++j) {
      const auto i = static_cast<std::uint64_t>(col_bus_[j]);
      const bool shed = col_kind_[j] == Kind::kShed;
      const double second = shed ? kTieWeight * tie_perturbation(2 * i + 1) : 1.0 + kTieWeight * tie_perturbation(2 * i);
      lp_.set_column(j, 0.0, col_upper_[j], no_shed ? second : shed ? 1.0 : 0.0);
      if (!no_shed) lp_.set_cost2(j, second);
    }
    row_.resize(ncol_);
    for (int j = 0; j < ncol_; ++j) row_[j] = sign(col_kind_[j]);
    lp_.add_row(row_.data(), balance_rhs_, balance_rhs_);
    append_rows(0);
  }

  // Append the rows monitored_[from...] to the LP.
  void append_rows(std::size_t from) {
    row_.resize(ncol_);
    for (std::size_t r = from; r < monitored_.size(); ++r) {
      const double* t = theta_[r].data();
      for (int j = 0; j < ncol_; ++j) row_[j] = sign(col_kind_[j]) * t[col_bus_[j]];
      lp_.add_row(row_.data(), row_lo_[r], row_hi_[r]);
    }
  }

  // Solve the LP (from the basis at hand), write its injections into the state and solve
  // the flows; while they overload a branch that is not a row, add the rows and solve
  // again (the new rows cut the point off; the basis stays dual feasible).
  Outcome solve_and_settle(EvalContext& ctx, int k) {
    const Network& net = *ctx.base.net;
    GridState& s = ctx.state;
    for (int round = 0; round < kMaxRounds; ++round) {
      const auto status = lp_.solve(kMaxIterations);
      if (status == kernels::DenseDualSimplex::Status::kInfeasible) return Outcome::kInfeasible;
      if (status != kernels::DenseDualSimplex::Status::kOptimal) return Outcome::kFailed;
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        supply_[i] = net.bus_supply_base[i];
        served_[i] = net.bus_demand_pos[i];
      }
      for (int j = 0; j < ncol_; ++j) {
        const int i = col_bus_[j];
        switch (col_kind_[j]) {
          case Kind::kUp: supply_[i] += lp_.x(j); break;
          case Kind::kDown: supply_[i] -= lp_.x(j); break;
          case Kind::kShed: served_[i] -= lp_.x(j); break;
        }
      }
      // The injections as Redispatch::apply() will write them.
      s.injection_by_rule = false;
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        s.injection_mw[i] = supply_[i] - std::clamp(served_[i], 0.0, net.bus_demand_pos[i]);
      }
      ctx.solver.solve(net, s);
      list_above(ctx, k, new_rows_);
      if (new_rows_.empty()) return Outcome::kOptimal;
      const std::size_t from = monitored_.size();
      if (!add_rows(ctx, k, new_rows_)) return Outcome::kFailed;
      append_rows(from);
    }
    return Outcome::kFailed;
  }

  std::vector<double> normal_mw_;
  std::unique_ptr<Redispatch> full_;
  std::vector<double> supply_, served_, saved_injection_;
  // Columns of the island's LP.
  std::vector<int> col_bus_;
  std::vector<Kind> col_kind_;
  std::vector<double> col_upper_;
  int ncol_ = 0;
  double balance_rhs_ = 0.0;
  // Monitored branches (rows 1...), their sensitivities per bus (theta_[r], in place of
  // the solve's angles), and their bounds.
  std::vector<int> monitored_, monitored_of_, new_rows_, scratch_;
  std::vector<std::vector<double>> theta_;
  std::vector<double*> rhs_;
  std::vector<double> row_lo_, row_hi_;
  kernels::DenseDualSimplex lp_;
  std::vector<double> row_;  // one row's coefficients, per column
};

}  // namespace

std::unique_ptr<Redispatch> make_reduced_redispatch(const BaseCase& base) {
  return std::make_unique<ReducedRedispatch>(base);
}

}  // namespace sre
