// The re-dispatch LP in its reduced form (src/response/redispatch.hpp), the fast path.
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
// stall or fail, Clp solves the same LP; should that fail too, the full form takes over.
#include <ClpSimplex.hpp>

#include <algorithm>
#include <cmath>

#include "response/redispatch.hpp"
#include "kernels/dense_dual_simplex.hpp"

namespace sre {
namespace {

// Sensitivities below this (MW per MW) are dropped from a row: at most 1e-12 of the
// island's supply, far inside the LP's tolerance.
constexpr double kDropBelow = 1e-12;
// Monitored rows at most per island; an island that needs more goes to the full form.
constexpr int kMaxRows = 1024;
// Rows added per round at most, the most overloaded first: a solution far from the
// optimum can overload hundreds of branches that the optimum leaves alone.
constexpr std::size_t kRowsPerRound = 32;
// Rounds of row generation at most per phase.
constexpr int kMaxRounds = 128;
// kernels::DenseDualSimplex's iterations at most per solve, kMinIterations + 20 per row
// (typical solves take under 20; beyond, it is stalling and Clp takes over).
constexpr int kMinIterations = 100;
// Clp's tolerances for the same LP (at its default 1e-7 the dense rows' reduced costs,
// differences of close numbers, left the least shed up to 3e-4 MW high).
constexpr double kClpTolerance = 1e-11;

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
    use_clp_ = shed_phase_ = false;
    solve_fixed_part(ctx, k);
    // The first rows: the island's branches above their limit.
    list_above(ctx, k, new_rows_);
    if (!add_rows(ctx, k, new_rows_)) return false;

    // No shed allowed first: the supplies' columns only, costing the redispatch.
    build_columns(net, s, k);
    load_lp();
    const Outcome no_shed = solve_and_settle(ctx, k);
    if (no_shed != Outcome::kInfeasible) return no_shed == Outcome::kOptimal;

    // Least shed, then least redispatch: the loads' columns join the LP, from its basis
    // (still dual feasible: the basic columns cost nothing in the first cost).
    add_shed_columns(net, s, k);
    shed_phase_ = true;
    return solve_and_settle(ctx, k) == Outcome::kOptimal;
  }

  // Columns of island k: supply up and down, where the range is not empty.
  void build_columns(const Network& net, const GridState& s, int k) {
    col_bus_.clear();
    col_kind_.clear();
    col_upper_.clear();
    balance_rhs_ = 0.0;
    const double* supply_base = s.supply_base(net);
    const double* supply_cap = s.supply_cap(net);
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      const double d = net.bus_demand_pos[i], s0 = supply_base[i], c = supply_cap[i];
      balance_rhs_ += d - s0;
      if (c - s0 > 0.0) add_column(i, Kind::kUp, c - s0);
      if (s0 > 0.0) add_column(i, Kind::kDown, s0);
    }
    ncol_ = static_cast<int>(col_bus_.size());
  }

  // The loads' shed columns of island k join the LP; the first cost becomes the shed, the
  // redispatch the second.
  void add_shed_columns(const Network& net, const GridState& s, int k) {
    for (int j = 0; j < ncol_; ++j) {
      lp_.set_cost2(j, redispatch_cost(col_bus_[j]));
      lp_.set_cost(j, 0.0);
    }
    const int m = lp_.n_rows();
    const int first = ncol_;
    coef_.clear();
    lower_.clear(), upper_.clear(), cost_.clear(), cost2_.clear();
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      const double d = net.bus_demand_pos[i];
      if (!(d > 0.0)) continue;
      add_column(i, Kind::kShed, d);
      coef_.push_back(1.0);  // the balance row
      for (std::size_t r = 0; r < monitored_.size(); ++r) coef_.push_back(sensitivity(r, i));
      for (int extra = 1 + static_cast<int>(monitored_.size()); extra < m; ++extra) coef_.push_back(0.0);
      lower_.push_back(0.0), upper_.push_back(d), cost_.push_back(1.0), cost2_.push_back(shed_cost(i));
    }
    ncol_ = static_cast<int>(col_bus_.size());
    lp_.add_columns(ncol_ - first, coef_.data(), lower_.data(), upper_.data(), cost_.data(), cost2_.data());
  }
  static double redispatch_cost(int bus) { return 1.0 + kTieWeight * tie_perturbation(2 * static_cast<std::uint64_t>(bus)); }
  static double shed_cost(int bus) { return kTieWeight * tie_perturbation(2 * static_cast<std::uint64_t>(bus) + 1); }
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
    row_scale_.clear();
    row_ref_.clear();
  }

  // Limited branches of island k above L_e (+ margins) and not yet rows: the
  // kRowsPerRound most overloaded (loading, then lowest index), ascending.
  void list_above(const EvalContext& ctx, int k, std::vector<int>& out) {
    const BaseCase& base = ctx.base;
    const Network& net = *base.net;
    const GridState& s = ctx.state;
    out.clear();
    list_overloads(base, s, normal_mw_, scratch_);
    for (int e : scratch_)
      if (monitored_of_[e] < 0 && s.island_of[net.br_from[e]] == k) out.push_back(e);
    if (out.size() <= kRowsPerRound) return;
    auto loading = [&](int e) { return std::abs(s.flow_mw[e]) / base.limit_mw[e]; };
    std::partial_sort(out.begin(), out.begin() + kRowsPerRound, out.end(), [&](int a, int b) {
      const double la = loading(a), lb = loading(b);
      return la != lb ? la > lb : a < b;
    });
    out.resize(kRowsPerRound);
    std::sort(out.begin(), out.end());
  }

  // The part of the island's injections that no column moves, p_i = S0_i - d_i (every
  // x_j = 0), as its difference q from the injections of the state before the LP, and the
  // angles of q (one solve): a row's bound is then its branch's flow before the LP plus
  // K_e (theta_q,f - theta_q,t), whatever round the row joins in.
  void solve_fixed_part(EvalContext& ctx, int k) {
    const Network& net = *ctx.base.net;
    const GridState& s = ctx.state;
    fixed_theta_.assign(net.n_bus(), 0.0);
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      fixed_theta_[i] = s.supply_base(net)[i] - net.bus_demand_pos[i] - saved_injection_[i];
    }
    double* rhs = fixed_theta_.data();
    ctx.solver.solve_more(net, s, &rhs, 1);
    flow0_.assign(s.flow_mw.begin(), s.flow_mw.end());
  }

  // Sensitivity rows of the branches `rows` (appended to monitored_): one transfer solve
  // each on the state's factor (their angles are kept: a row's entry at bus i is
  // K_e (theta_i - theta_ref), taken where a column needs it), and their bounds.
  bool add_rows(const EvalContext& ctx, int k, const std::vector<int>& rows) {
    if (monitored_.size() + rows.size() > static_cast<std::size_t>(kMaxRows)) return false;
    const Network& net = *ctx.base.net;
    const GridState& s = ctx.state;
    const std::size_t first = monitored_.size();
    while (theta_.size() < first + rows.size()) theta_.emplace_back(net.n_bus(), 0.0);
    rhs_.clear();
    for (std::size_t r = 0; r < rows.size(); ++r) {
      monitored_of_[rows[r]] = static_cast<int>(first + r);
      monitored_.push_back(rows[r]);
      rhs_.push_back(theta_[first + r].data());
    }
    ctx.solver.solve_transfers(net, s, rows.data(), static_cast<int>(rows.size()), rhs_.data());
    const int ref = s.island_ref[k];
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const int e = rows[r];
      const double kmw = net.br_mw_per_rad[e];
      row_scale_.push_back(kmw);
      row_ref_.push_back(theta_[first + r][ref]);
      const double fixed_flow = flow0_[e] + kmw * (fixed_theta_[net.br_from[e]] - fixed_theta_[net.br_to[e]]);
      const double lim = ctx.base.limit_mw[e];
      row_lo_.push_back(-lim - fixed_flow);
      row_hi_.push_back(lim - fixed_flow);
    }
    return true;
  }

  // Row r's entry at bus i: the flow on its branch per MW injected at i (and taken at the
  // island's reference); below kDropBelow, 0.
  double sensitivity(std::size_t r, int i) const {
    const double v = row_scale_[r] * (theta_[r][i] - row_ref_[r]);
    return std::abs(v) < kDropBelow ? 0.0 : v;
  }

  // The LP with the island's supply columns, the balance row and the monitored rows so
  // far, costing the (perturbed) redispatch.
  void load_lp() {
    lp_.reset(ncol_);
    for (int j = 0; j < ncol_; ++j) lp_.set_column(j, 0.0, col_upper_[j], redispatch_cost(col_bus_[j]));
    row_.resize(ncol_);
    for (int j = 0; j < ncol_; ++j) row_[j] = sign(col_kind_[j]);
    lp_.add_row(row_.data(), balance_rhs_, balance_rhs_);
    append_rows(0);
  }

  // Append the rows monitored_[from...] to the LP.
  void append_rows(std::size_t from) {
    row_.resize(ncol_);
    for (std::size_t r = from; r < monitored_.size(); ++r) {
      for (int j = 0; j < ncol_; ++j) row_[j] = sign(col_kind_[j]) * sensitivity(r, col_bus_[j]);
      lp_.add_row(row_.data(), row_lo_[r], row_hi_[r]);
    }
  }

  // The injections of supply_ and served_ into island k of the state (as Redispatch::apply()
  // will write them), and its flows: the angles move by those of the injections' change
  // (one solve on the state's factor, few entries after the first round), re-referenced.
  void settle_flows(EvalContext& ctx, int k) {
    const Network& net = *ctx.base.net;
    GridState& s = ctx.state;
    s.injection_by_rule = false;
    delta_.assign(net.n_bus(), 0.0);
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      const double injection = supply_[i] - std::clamp(served_[i], 0.0, net.bus_demand_pos[i]);
      delta_[i] = injection - s.injection_mw[i];
      s.injection_mw[i] = injection;
    }
    double* rhs = delta_.data();
    ctx.solver.solve_more(net, s, &rhs, 1);
    const double shift = delta_[s.island_ref[k]];
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      s.theta_rad[i] += delta_[i] - shift;
    }
    flows_from_angles(net, s);
  }

  // The LP's optimum into x_: kernels::DenseDualSimplex from the basis at hand, or, once
  // it has failed for this island (an iteration limit: stalling on a degenerate vertex;
  // a singular basis), Clp on the same LP (its perturbation copes with degeneracy).
  Outcome solve_lp() {
    if (!use_clp_) {
      const int m = lp_.n_rows();
      const auto status = lp_.solve(kMinIterations + 20 * m);
      if (status == kernels::DenseDualSimplex::Status::kInfeasible) return Outcome::kInfeasible;
      if (status == kernels::DenseDualSimplex::Status::kOptimal) {
        x_.resize(ncol_);
        for (int j = 0; j < ncol_; ++j) x_[j] = lp_.x(j);
        return Outcome::kOptimal;
      }
      use_clp_ = true;
    }
    return solve_with_clp();
  }

  // The same LP in Clp: the first cost, then the second with the first held at its optimum.
  Outcome solve_with_clp() {
    const int nrow = 1 + static_cast<int>(monitored_.size());
    std::vector<CoinBigIndex> start(1, 0);
    std::vector<int> index;
    std::vector<double> value, lower(ncol_, 0.0), cost(ncol_), cost2(ncol_), rlo(nrow), rhi(nrow);
    for (int j = 0; j < ncol_; ++j) {
      const double sg = sign(col_kind_[j]);
      index.push_back(0), value.push_back(sg);
      for (std::size_t r = 0; r < monitored_.size(); ++r) {
        const double a = sensitivity(r, col_bus_[j]);
        if (a != 0.0) index.push_back(static_cast<int>(r) + 1), value.push_back(sg * a);
      }
      start.push_back(static_cast<CoinBigIndex>(index.size()));
      const bool shed = col_kind_[j] == Kind::kShed;
      const double redispatch = shed ? shed_cost(col_bus_[j]) : redispatch_cost(col_bus_[j]);
      cost[j] = shed_phase_ ? (shed ? 1.0 : 0.0) : redispatch;
      cost2[j] = shed_phase_ ? redispatch : 0.0;
    }
    rlo[0] = rhi[0] = balance_rhs_;
    for (std::size_t r = 0; r < monitored_.size(); ++r) rlo[r + 1] = row_lo_[r], rhi[r + 1] = row_hi_[r];
    ClpSimplex m;
    m.setLogLevel(0);
    m.setPrimalTolerance(kClpTolerance);
    m.setDualTolerance(kClpTolerance);
    m.loadProblem(ncol_, nrow, start.data(), index.data(), value.data(), lower.data(), col_upper_.data(), cost.data(),
                  rlo.data(), rhi.data());
    m.dual();
    if (m.isProvenPrimalInfeasible()) return Outcome::kInfeasible;
    if (!m.isProvenOptimal()) return Outcome::kFailed;
    if (shed_phase_) {
      const double first = m.objectiveValue();
      std::vector<int> cols(ncol_);
      for (int j = 0; j < ncol_; ++j) cols[j] = j;
      m.addRow(ncol_, cols.data(), cost.data(), -COIN_DBL_MAX, first + 1e-9 * (1.0 + std::abs(first)));
      for (int j = 0; j < ncol_; ++j) m.setObjectiveCoefficient(j, cost2[j]);
      m.primal();
      if (!m.isProvenOptimal()) return Outcome::kFailed;
    }
    x_.assign(m.primalColumnSolution(), m.primalColumnSolution() + ncol_);
    return Outcome::kOptimal;
  }

  // Solve the LP (from the basis at hand), write its injections into the state and solve
  // the flows; while they overload a branch that is not a row, add the rows and solve
  // again (the new rows cut the point off; the basis stays dual feasible).
  Outcome solve_and_settle(EvalContext& ctx, int k) {
    const Network& net = *ctx.base.net;
    GridState& s = ctx.state;
    for (int round = 0; round < kMaxRounds; ++round) {
      const Outcome solved = solve_lp();
      if (solved != Outcome::kOptimal) return solved;
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        supply_[i] = s.supply_base(net)[i];
        served_[i] = net.bus_demand_pos[i];
      }
      for (int j = 0; j < ncol_; ++j) {
        const int i = col_bus_[j];
        switch (col_kind_[j]) {
          case Kind::kUp: supply_[i] += x_[j]; break;
          case Kind::kDown: supply_[i] -= x_[j]; break;
          case Kind::kShed: served_[i] -= x_[j]; break;
        }
      }
      settle_flows(ctx, k);
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
  std::vector<double> delta_;  // settle_flows(): the injections' change, then its angles
  std::vector<double> row_lo_, row_hi_, row_scale_, row_ref_;
  // solve_fixed_part(): angles of the fixed part's difference, flows before the LP.
  std::vector<double> fixed_theta_, flow0_;
  kernels::DenseDualSimplex lp_;
  std::vector<double> x_;  // the LP's solution
  bool use_clp_ = false, shed_phase_ = false;
  std::vector<double> coef_, lower_, upper_, cost_, cost2_;  // add_shed_columns()' arrays
  std::vector<double> row_;  // one row's coefficients, per column
};

}  // namespace

std::unique_ptr<Redispatch> make_reduced_redispatch(const BaseCase& base) {
  return std::make_unique<ReducedRedispatch>(base);
}

}  // namespace sre
