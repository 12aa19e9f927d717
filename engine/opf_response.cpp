// Response `opf`: after the strike's outages and islanding, every island that the
// proportional rule leaves short of supply or with an overloaded branch is
// re-dispatched by an LP that minimises load shed (docs/model.md section 10).
//
// One LP over the whole network (islands separate by themselves), kept per
// evaluator and solved once for the intact network; each sample copies it (so
// the optimal basis of the intact network is the warm start and nothing of one
// sample leaks into the next: results are a pure function of the sample) and
// changes bounds only:
//   columns  theta_i (free; 0 at each island's reference), f_e (flow, |f_e| <= L_e),
//            up_i in [0, C_i - S0_i], dn_i in [0, S0_i] (supply = S0_i + up_i - dn_i),
//            l_i in [0, max(d_i, 0)] (served demand);
//   rows     bus balance  sum_out f - sum_in f - up_i + dn_i + l_i = S0_i,
//            flow         f_e - K_e (theta_f - theta_t) = -K_e phi_e (K_e = baseMVA b_e);
//   objective  minimise  sum_i -l_i + eps * sum_i (up_i + dn_i)   (shed = const - sum l).
// Supplies are aggregated per bus (model section 5): the generators at one bus are
// interchangeable here because Pmin is taken as 0 and costs play no part.
#include <ClpSimplex.hpp>

#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "engine/scenario_evaluator.hpp"

namespace sre {
namespace {

const double kInf = COIN_DBL_MAX;
// Clp's dual simplex mishandles free columns (it may report a feasible B-theta LP
// infeasible), so angles and unlimited flows get boxes far outside any real value
// (100 rad is 5730 deg).
constexpr double kThetaBox = 100.0;
constexpr double kFlowBox = 1e7;
// Weight of the redispatch volume against 1 per MW shed: serving one more MW is
// always preferred unless it needs more than 1/kEps MW of redispatch.
constexpr double kEps = 0.0;

class OpfStage final : public ResponseStage {
 public:
  void respond(EvalContext& ctx, SampleOutcome& out) override {
    const BaseCase& base = ctx.base;
    const Network& net = *base.net;
    GridState& s = ctx.state;
    solve_state(ctx, true);
    out.max_loading_first = find_overloads(base, s, ctx.options.tol, ctx.overloaded);
    ctx.overloaded_first.assign(ctx.overloaded.begin(), ctx.overloaded.end());
    out.n_overloaded_first = static_cast<int>(ctx.overloaded.size());
    out.n_tripped = 0;

    need_.assign(s.n_islands, 0);
    bool any = false;
    for (int k = 0; k < s.n_islands; ++k)
      if (s.island_kind[k] == IslandKind::kLive && s.island_shed[k] > 0.0) need_[k] = any = true;
    for (int e : ctx.overloaded) {
      const int k = s.island_of[net.br_from[e]];
      if (k >= 0 && s.island_kind[k] == IslandKind::kLive) need_[k] = any = true;
    }
    served_.assign(net.n_bus(), 0.0);
    if (any && ensure_model(base) && solve_lp(ctx)) {
      solver_solve(ctx);
    } else {
      for (int i = 0; i < net.n_bus(); ++i)
        if (s.bus_alive[i]) served_[i] = net.bus_demand_pos[i] * s.island_served_ratio[s.island_of[i]];
    }
    double redispatch = 0.0;
    for (int i = 0; i < net.n_bus(); ++i)
      if (s.bus_alive[i]) redispatch += std::abs(s.injection_mw[i] + served_[i] - net.bus_supply_base[i]);
    out.redispatch_mw = redispatch;
  }

 private:
  int th(int i) const { return i; }
  int fl(int e) const { return nb_ + e; }
  int up(int i) const { return nb_ + nl_ + i; }
  int dn(int i) const { return 2 * nb_ + nl_ + i; }
  int sv(int i) const { return 3 * nb_ + nl_ + i; }

  void solver_solve(EvalContext& ctx) {
    ctx.solver.solve(*ctx.base.net, ctx.state);
    find_overloads(ctx.base, ctx.state, ctx.options.tol, ctx.overloaded);
  }

  // The intact network's LP, solved once per evaluator (its basis warm-starts every sample).
  bool ensure_model(const BaseCase& base) {
    if (built_for_ == &base) return base_ok_;
    built_for_ = &base;
    const Network& net = *base.net;
    nb_ = net.n_bus();
    nl_ = net.n_branch();
    const int ncol = 4 * nb_ + nl_, nrow = nb_ + nl_;
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
      obj[up(i)] = obj[dn(i)] = kEps;
      obj[sv(i)] = -1.0;
      cols[up(i)].push_back({i, -1.0});
      cols[dn(i)].push_back({i, 1.0});
      cols[sv(i)].push_back({i, 1.0});
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
    base_->dual();
    if (!base_->isProvenOptimal()) base_->primal();
    base_ok_ = base_->isProvenOptimal();
    return base_ok_;
  }

  // Bounds of this sample on a copy of the base model; false when Clp finds no optimum
  // (the proportional state is then kept).
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
    for (int e : s.removed_branches) {
      m.setColumnBounds(fl(e), 0.0, 0.0);
      m.setRowBounds(nb_ + e, -kInf, kInf);
    }
    for (int ref : base_refs_)
      if (s.bus_alive[ref]) m.setColumnBounds(th(ref), -kThetaBox, kThetaBox);
    for (int k = 0; k < s.n_islands; ++k) m.setColumnBounds(th(s.island_ref[k]), 0.0, 0.0);
    // Islands that need no LP keep their proportional state: injections fixed, flows free.
    for (int k = 0; k < s.n_islands; ++k) {
      if (need_[k]) continue;
      const double ratio = s.island_served_ratio[k];
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        const double served = net.bus_demand_pos[i] * ratio;
        const double delta = s.injection_mw[i] + served - net.bus_supply_base[i];
        m.setColumnBounds(sv(i), served, served);
        m.setColumnBounds(up(i), std::max(delta, 0.0), std::max(delta, 0.0));
        m.setColumnBounds(dn(i), std::max(-delta, 0.0), std::max(-delta, 0.0));
      }
    }
    for (int e = 0; e < nl_; ++e) {
      if (!s.branch_alive[e]) continue;
      const int k = s.island_of[net.br_from[e]];
      if (!need_[k]) m.setColumnBounds(fl(e), -kFlowBox, kFlowBox);
    }
    const auto t0 = std::chrono::steady_clock::now();
    m.dual();
    if (std::getenv("SRE_OPF_TRACE_TMP")) std::fprintf(stderr, "lp: status %d iters %d %.4f s obj %.9g\n", m.status(), m.numberIterations(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), m.objectiveValue());
    if (!m.isProvenOptimal()) m.primal();
    if (!m.isProvenOptimal()) {
      for (int i = 0; i < nb_; ++i)
        if (s.bus_alive[i]) served_[i] = net.bus_demand_pos[i] * s.island_served_ratio[s.island_of[i]];
      return false;
    }
    const double* x = m.primalColumnSolution();
    double shed = s.destroyed_demand;
    for (int k = 0; k < s.n_islands; ++k) {
      const int begin = s.island_offset[k], end = s.island_offset[k + 1];
      if (!need_[k]) {
        for (int p = begin; p < end; ++p) {
          const int i = s.island_buses[p];
          served_[i] = net.bus_demand_pos[i] * s.island_served_ratio[k];
        }
        shed += s.island_shed[k];
        continue;
      }
      double island_shed = 0.0;
      for (int p = begin; p < end; ++p) {
        const int i = s.island_buses[p];
        const double d = net.bus_demand_pos[i];
        const double served = std::clamp(x[sv(i)], 0.0, d);
        const double supply = net.bus_supply_base[i] + x[up(i)] - x[dn(i)];
        served_[i] = served;
        island_shed += d - served;
        s.injection_mw[i] = supply - served;
      }
      if (island_shed < 1e-9) island_shed = 0.0;
      s.island_shed[k] = island_shed;
      s.island_served_ratio[k] = s.island_demand[k] > 0.0 ? (s.island_demand[k] - island_shed) / s.island_demand[k] : 1.0;
      shed += island_shed;
    }
    s.shed_mw = shed;
    return true;
  }

  const BaseCase* built_for_ = nullptr;
  bool base_ok_ = false;
  std::unique_ptr<ClpSimplex> base_;
  int nb_ = 0, nl_ = 0;
  std::vector<int> base_refs_;
  std::vector<std::uint8_t> need_;
  std::vector<double> served_;
};

}  // namespace

std::unique_ptr<ResponseStage> make_opf_response_stage() { return std::make_unique<OpfStage>(); }

}  // namespace sre
