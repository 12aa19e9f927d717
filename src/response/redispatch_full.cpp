// The re-dispatch LP in its full form (src/response/redispatch.hpp), the reference path
// (--solver reference): one LP over the whole network (islands separate by themselves),
// kept per evaluator and solved once for the intact network; each sample copies it (so
// the optimal basis of the intact network is the warm start and nothing of one sample
// leaks into the next: results are a pure function of the sample) and changes bounds only:
//   columns  theta_i (free; 0 at each island's reference), f_e (flow, |f_e| <= L_e),
//            up_i in [0, C_i - S0_i], dn_i in [0, S0_i] (supply = S0_i + up_i - dn_i),
//            l_i in [0, max(d_i, 0)] (served demand);
//   rows     bus balance  sum_out f - sum_in f - up_i + dn_i + l_i = S0_i,
//            flow         f_e - K_e (theta_f - theta_t) = -K_e phi_e (K_e = baseMVA b_e);
//   objective  lexicographic: first minimise shed (maximise sum l), then, with sum l held
//              at that optimum, minimise the redispatch sum_i (up_i + dn_i) under the tie
//              rule's perturbation (redispatch.hpp).
// Supplies are aggregated per bus (model section 5): the generators at one bus are
// interchangeable here because Pmin is taken as 0 and costs play no part.
#include <ClpSimplex.hpp>

#include <algorithm>
#include <cmath>
#include <memory>

#include "response/redispatch.hpp"

namespace sre {
namespace {

const double kInf = COIN_DBL_MAX;
// Clp's dual simplex mishandles free columns (it may report a feasible B-theta LP
// infeasible), so angles and unlimited flows get boxes far outside any real value
// (100 rad is 5730 deg).
constexpr double kThetaBox = 100.0;
constexpr double kFlowBox = 1e7;

class FullRedispatch final : public Redispatch {
 public:
  bool run(EvalContext& ctx, const std::uint8_t* need) override {
    const Network& net = *ctx.base.net;
    if (!ensure_model(ctx.base) || !solve_lp(ctx)) {
      ++failures_;
      return false;
    }
    supply_.assign(net.n_bus(), 0.0);
    served_.assign(net.n_bus(), 0.0);
    const double* supply_base = ctx.state.supply_base(net);
    for (int i = 0; i < net.n_bus(); ++i) {
      supply_[i] = supply_base[i] + x_[up(i)] - x_[dn(i)];
      served_[i] = x_[sv(i)];
    }
    apply(net, ctx.state, need, supply_.data(), served_.data());
    ctx.solver.solve(net, ctx.state);
    return true;
  }

 private:
  int th(int i) const { return i; }
  int fl(int e) const { return nb_ + e; }
  int up(int i) const { return nb_ + nl_ + i; }
  int dn(int i) const { return 2 * nb_ + nl_ + i; }
  int sv(int i) const { return 3 * nb_ + nl_ + i; }

  // The intact network's LP, solved once per evaluator (its basis warm-starts every sample).
  bool ensure_model(const BaseCase& base) {
    if (built_for_ == &base) return base_ok_;
    built_for_ = &base;
    const Network& net = *base.net;
    nb_ = net.n_bus();
    nl_ = net.n_branch();
    const int ncol = 4 * nb_ + nl_, nrow = nb_ + nl_ + 1;
    served_row_ = nb_ + nl_;  // sum of served demand: free in phase 1, held in phase 2
    std::vector<double> clo(ncol, 0.0), cup(ncol, 0.0), obj(ncol, 0.0), rlo(nrow, 0.0), rup(nrow, 0.0);
    std::vector<std::vector<std::pair<int, double>>> cols(ncol);
    for (int i = 0; i < nb_; ++i) {
      const bool in = net.bus_in_service[i];
      clo[th(i)] = in ? -kThetaBox : 0.0;
      cup[th(i)] = in ? kThetaBox : 0.0;
      const double s0 = net.bus_supply_base[i];
      cup[up(i)] = in ? std::max(0.0, net.bus_supply_cap[i] - s0) : 0.0;
      cup[dn(i)] = in ? s0 : 0.0;
      cup[sv(i)] = in ? net.bus_demand_pos[i] : 0.0;
      obj[sv(i)] = -1.0;
      cols[up(i)].push_back({i, -1.0});
      cols[dn(i)].push_back({i, 1.0});
      cols[sv(i)].push_back({i, 1.0});
      cols[sv(i)].push_back({served_row_, 1.0});
      rlo[i] = rup[i] = in ? s0 : 0.0;
      if (!in) clo[dn(i)] = 0.0;
    }
    for (int e = 0; e < nl_; ++e) {
      const int r = nb_ + e;
      cols[fl(e)].push_back({r, 1.0});
      if (!net.br_in_service[e]) {
        rlo[r] = -kInf;
        rup[r] = kInf;
        continue;  // f_e fixed at 0
      }
      const int f = net.br_from[e], t = net.br_to[e];
      const double k = net.base_mva * net.br_b[e];
      cols[fl(e)].push_back({f, 1.0});
      cols[fl(e)].push_back({t, -1.0});
      cols[th(f)].push_back({r, -k});
      cols[th(t)].push_back({r, k});
      rlo[r] = rup[r] = -k * net.br_shift_rad[e];
      const double lim = base.limit_mw[e];
      clo[fl(e)] = lim > 0.0 ? -lim : -kFlowBox;
      cup[fl(e)] = lim > 0.0 ? lim : kFlowBox;
    }
    rlo[served_row_] = -kInf;
    rup[served_row_] = kInf;
    base_refs_.clear();
    for (int k = 0; k < base.state.n_islands; ++k) {
      const int ref = base.state.island_ref[k];
      base_refs_.push_back(ref);
      clo[th(ref)] = cup[th(ref)] = 0.0;
    }
    std::vector<CoinBigIndex> start(ncol + 1, 0);
    std::vector<int> index;
    std::vector<double> value;
    for (int c = 0; c < ncol; ++c) {
      for (auto [r, v] : cols[c]) {
        index.push_back(r);
        value.push_back(v);
      }
      start[c + 1] = static_cast<CoinBigIndex>(index.size());
    }
    base_ = std::make_unique<ClpSimplex>();
    base_->setLogLevel(0);
    base_->loadProblem(ncol, nrow, start.data(), index.data(), value.data(), clo.data(), cup.data(), obj.data(),
                       rlo.data(), rup.data());
    base_->primal();
    if (!base_->isProvenOptimal()) base_->dual();
    base_ok_ = base_->isProvenOptimal();
    return base_ok_;
  }

  // Bounds of this sample on a copy of the base model; false when Clp finds no optimum.
  bool solve_lp(EvalContext& ctx) {
    const Network& net = *ctx.base.net;
    GridState& s = ctx.state;
    ClpSimplex m(*base_);
    m.setLogLevel(0);
    for (int i = 0; i < nb_; ++i) {
      if (!net.bus_in_service[i] || s.bus_alive[i]) continue;
      m.setColumnBounds(th(i), 0.0, 0.0);
      m.setColumnBounds(up(i), 0.0, 0.0);
      m.setColumnBounds(dn(i), net.bus_supply_base[i], net.bus_supply_base[i]);
      m.setColumnBounds(sv(i), 0.0, 0.0);
    }
    // Buses that lost generators (generator targets): their S0 and C in this sample.
    for (int i : s.supply_changed_buses) {
      if (!s.bus_alive[i]) continue;
      const double s0 = s.own_supply_base[i], c = s.own_supply_cap[i];
      m.setRowBounds(i, s0, s0);
      m.setColumnBounds(up(i), 0.0, std::max(0.0, c - s0));
      m.setColumnBounds(dn(i), 0.0, s0);
    }
    for (int e : s.removed_branches) {
      m.setColumnBounds(fl(e), 0.0, 0.0);
      m.setRowBounds(nb_ + e, -kInf, kInf);
    }
    for (int ref : base_refs_)
      if (s.bus_alive[ref]) m.setColumnBounds(th(ref), -kThetaBox, kThetaBox);
    for (int k = 0; k < s.n_islands; ++k) m.setColumnBounds(th(s.island_ref[k]), 0.0, 0.0);
    // Islands that need no LP stay in the LP as they are (their values are not read: they keep
    // the proportional state); the objective is separable, so they do not affect the others.
    // Phase 1: least shed. Primal simplex from the intact network's basis takes tens of
    // pivots where dual simplex takes thousands (measured on pglib_opf_case2383wp_k).
    m.primal();
    if (!m.isProvenOptimal()) m.dual();
    if (!m.isProvenOptimal()) return false;
    const int ncol = m.numberColumns();
    x_.assign(m.primalColumnSolution(), m.primalColumnSolution() + ncol);
    // Phase 2: least (perturbed) redispatch among the least-shed points: total served
    // held at its optimum, up to round-off.
    double total = 0.0;
    for (int i = 0; i < nb_; ++i) total += x_[sv(i)];
    m.setRowBounds(served_row_, total - 1e-9, kInf);
    set_phase2_objective(m);
    m.primal();
    if (m.isProvenOptimal()) x_.assign(m.primalColumnSolution(), m.primalColumnSolution() + ncol);
    return true;
  }

  void set_phase2_objective(ClpSimplex& m) const {
    for (int i = 0; i < nb_; ++i) {
      const double move = 1.0 + kTieWeight * tie_perturbation(2 * static_cast<std::uint64_t>(i));
      m.setObjectiveCoefficient(sv(i), -kTieWeight * tie_perturbation(2 * static_cast<std::uint64_t>(i) + 1));
      m.setObjectiveCoefficient(up(i), move);
      m.setObjectiveCoefficient(dn(i), move);
    }
  }

  const BaseCase* built_for_ = nullptr;
  std::vector<double> x_, supply_, served_;
  int served_row_ = 0;
  bool base_ok_ = false;
  std::unique_ptr<ClpSimplex> base_;
  int nb_ = 0, nl_ = 0;
  std::vector<int> base_refs_;
};

}  // namespace

std::unique_ptr<Redispatch> make_full_redispatch(const BaseCase&) { return std::make_unique<FullRedispatch>(); }

}  // namespace sre
