#include "dispatch/dc_opf.hpp"

#include <ClpSimplex.hpp>
#include <CoinBuild.hpp>
#include <CoinPackedMatrix.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <sstream>

#include "model/grid_state.hpp"
#include "dispatch/opf_model.hpp"
#include "dispatch/security_constraints.hpp"
#include "io/input_error.hpp"
#include "topology/island_finder.hpp"

namespace sre {

Dispatch parse_dispatch(const std::string& name) {
  if (name == "case") return Dispatch::kCase;
  if (name == "dcopf") return Dispatch::kDcopf;
  if (name == "scopf") return Dispatch::kScopf;
  throw InputError("--dispatch '" + name + "': allowed values are scopf, dcopf, case");
}

std::string to_string(Dispatch d) {
  switch (d) {
    case Dispatch::kCase: return "case";
    case Dispatch::kDcopf: return "dcopf";
    case Dispatch::kScopf: return "scopf";
  }
  return "?";
}

std::string to_string(DispatchResult::Status s) {
  switch (s) {
    case DispatchResult::Status::kOptimal: return "optimal";
    case DispatchResult::Status::kInfeasible: return "infeasible";
    case DispatchResult::Status::kNoCost: return "no_cost";
    case DispatchResult::Status::kFailed: return "failed";
  }
  return "?";
}

namespace {

using namespace opf;
const double kInf = COIN_DBL_MAX;
constexpr double kDeg = std::numbers::pi / 180.0;

std::string bus_list(const Network& net, const GridState& s, int k) {
  std::ostringstream o;
  const int n = s.island_offset[k + 1] - s.island_offset[k];
  o << n << " bus" << (n == 1 ? "" : "es") << ": ";
  for (int p = s.island_offset[k], j = 0; p < s.island_offset[k + 1] && j < 8; ++p, ++j)
    o << (j ? " " : "") << net.bus_id[s.island_buses[p]];
  if (n > 8) o << " ...";
  return o.str();
}

std::string fmt(double v) {
  std::ostringstream o;
  o.precision(10);
  o << v;
  return o.str();
}

// Why the OPF is infeasible: island capacity first, then the limits an elastic LP has to violate.
std::string diagnose(const Network& net, const GridState& s, const std::vector<Poly>& cost) {
  std::ostringstream msg;
  bool capacity = false;
  for (int k = 0; k < s.n_islands; ++k) {
    double d = 0.0, pmin = 0.0, pmax = 0.0;
    int n_gen = 0;
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      d += net.bus_pd[i] + net.bus_gs[i];
    }
    for (int g = 0; g < net.n_gen(); ++g)
      if (net.gen_in_service[g] && s.island_of[net.gen_bus[g]] == k) {
        pmin += net.gen_pmin[g];
        pmax += net.gen_pmax[g];
        ++n_gen;
      }
    if (d > pmax + 1e-9 * std::max(1.0, std::abs(d)) || d < pmin - 1e-9 * std::max(1.0, std::abs(d))) {
      capacity = true;
      msg << "island " << k + 1 << " (" << bus_list(net, s, k) << ") has demand " << fmt(d) << " MW but its " << n_gen
          << " in-service generators give " << fmt(pmin) << " to " << fmt(pmax) << " MW ("
          << (d > pmax ? "capacity missing: " + fmt(d - pmax) + " MW" : "minimum generation exceeds demand by " + fmt(pmin - d) + " MW")
          << "); ";
    }
  }
  if (capacity) return msg.str();
  OpfLp lp;
  build_opf(net, s, cost, true, lp);
  lp.model.initialSolve();
  if (!lp.model.isProvenOptimal()) return "the DC OPF is infeasible, and the feasibility check did not finish (Clp status " +
                                          std::to_string(lp.model.status()) + ")";
  const double* x = lp.model.primalColumnSolution();
  msg << "generator capacity suffices in every island, but the limits cannot all hold; relaxing them minimally "
         "needs: ";
  int shown = 0, total = 0;
  for (int e = 0; e < net.n_branch(); ++e) {
    if (lp.slack_col[e] >= 0) {
      const double v = x[lp.slack_col[e]] + x[lp.slack_col[e] + 1];
      if (v > 1e-6) {
        ++total;
        if (shown++ < 10)
          msg << "branch row " << e + 1 << " (" << net.bus_id[net.br_from[e]] << "-" << net.bus_id[net.br_to[e]]
              << ", rateA " << fmt(net.br_rate_a[e]) << " MW) +" << fmt(v) << " MW; ";
      }
    }
    if (lp.ang_slack_col[e] >= 0) {
      const double v = x[lp.ang_slack_col[e]] + x[lp.ang_slack_col[e] + 1];
      if (v > 1e-9) {
        ++total;
        if (shown++ < 10)
          msg << "angle-difference limit of branch row " << e + 1 << " +" << fmt(v / kDeg) << " deg; ";
      }
    }
  }
  if (total > shown) msg << "and " << total - shown << " more";
  return msg.str();
}

}  // namespace

DispatchResult solve_dc_opf(const Network& net, const OpfOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  DispatchResult r;
  r.secure = options.secure;
  std::vector<Poly> cost;
  std::string why;
  if (!read_costs(net, cost, why)) {
    r.status = DispatchResult::Status::kNoCost;
    r.message = why;
    return r;
  }
  GridState s;
  s.resize(net);
  s.reset_to_intact(net);
  find_islands_from_scratch(net, s);  // one call: no certificates to build

  const bool qp = is_quadratic(net, cost);
  OpfLp lp;
  // Free angles first (right on every shared case), then boxed ones.
  double box = kInf;
  SolveOutcome solved;
  for (const double b : {kInf, kThetaBox}) {
    box = b;
    lp = OpfLp{};
    build_opf(net, s, cost, false, lp, box);
    solved = solve_model(lp, cost, qp, true);
    if (solved.optimal || solved.infeasible || !qp) break;
  }
  if (!solved.optimal && !solved.infeasible && qp) {
    r.status = DispatchResult::Status::kFailed;
    r.message = "DC OPF: Clp's QP solver did not reach a verified optimum (Frank-Wolfe gap " + fmt(solved.gap) + " $/h)";
    return r;
  }
  if (solved.optimal && options.secure) {
    const SecurityOutcome sec = secure_dispatch(net, s, cost, qp, box, options, lp);
    if (!sec.solved) {
      r.status = DispatchResult::Status::kFailed;
      r.message = "SCOPF: " + sec.message;
      return r;
    }
    r.insecure = sec.insecure;
    r.security_rows = sec.rows;
    r.security_rounds = sec.rounds;
    r.contingencies = sec.contingencies;
  }
  r.iterations = lp.model.numberIterations();
  if (lp.model.isProvenPrimalInfeasible() || (!lp.model.isProvenOptimal() && lp.model.status() == 1)) {
    r.status = DispatchResult::Status::kInfeasible;
    r.message = "DC OPF infeasible: " + diagnose(net, s, cost);
    return r;
  }
  if (!lp.model.isProvenOptimal()) {
    r.status = DispatchResult::Status::kFailed;
    r.message = "DC OPF: Clp stopped without an optimum (status " + std::to_string(lp.model.status()) + ")";
    return r;
  }
  const double* x = lp.model.primalColumnSolution();
  const double* y = lp.model.dualRowSolution();
  const int nb = net.n_bus(), nl = net.n_branch(), ng = net.n_gen();
  for (int i = 0; i < nb; ++i)
    if (std::abs(x[i]) > 0.99 * kThetaBox) {
      r.status = DispatchResult::Status::kFailed;
      r.message = "DC OPF: the angle of bus " + std::to_string(net.bus_id[i]) + " reaches the solver's box of " +
                  fmt(kThetaBox) + " rad; the case is badly conditioned";
      return r;
    }
  r.status = DispatchResult::Status::kOptimal;
  r.gen_pg.assign(ng, 0.0);
  r.cost = 0.0;
  for (int g = 0; g < ng; ++g) {
    if (lp.gen_col[g] < 0) continue;
    const double p = x[lp.gen_col[g]];
    r.gen_pg[g] = p;
    r.cost += cost[g].c2 * p * p + cost[g].c1 * p + cost[g].c0;
    const double tol = 1e-6;
    if (p >= net.gen_pmax[g] - tol) r.gens_at_pmax.push_back(g);
    if (p <= net.gen_pmin[g] + tol) r.gens_at_pmin.push_back(g);
  }
  r.va_deg.assign(nb, 0.0);
  r.lmp.assign(nb, 0.0);
  for (int i = 0; i < nb; ++i) {
    r.va_deg[i] = net.bus_in_service[i] ? x[i] / kDeg : net.bus_va_deg[i];
    if (net.bus_in_service[i]) r.lmp[i] = y[i];
  }
  r.flow_mw.assign(nl, 0.0);
  r.flow_mu.assign(nl, 0.0);
  for (int e = 0; e < nl; ++e) {
    if (!net.br_in_service[e]) continue;
    const int f = net.br_from[e], t = net.br_to[e];
    r.flow_mw[e] = net.base_mva * net.br_b[e] * (x[f] - x[t] - net.br_shift_rad[e]);
    if (lp.flow_row[e] >= 0) r.flow_mu[e] = std::abs(y[lp.flow_row[e]]);
    if (r.flow_mu[e] > 1e-6) r.binding_branches.push_back(e);
    if (lp.ang_row[e] >= 0 && std::abs(y[lp.ang_row[e]]) > 1e-6) r.binding_angle.push_back(e);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

Network with_dispatch(const Network& net, const std::vector<double>& pg) {
  Network n = net;
  for (int g = 0; g < n.n_gen(); ++g)
    if (n.gen_in_service[g]) n.gen_pg[g] = pg.at(g);
  aggregate_bus_supply(n);
  return n;
}

std::string insecure_summary(const Network& net, const DispatchResult& r) {
  if (r.insecure.empty()) return "";
  const InsecureContingency* worst = &r.insecure.front();
  for (const auto& c : r.insecure)
    if (c.max_loading > worst->max_loading) worst = &c;
  (void)net;
  std::ostringstream o;
  o.precision(4);
  o << "scopf: " << r.insecure.size() << " of " << r.contingencies
    << " single-branch contingencies left insecure (no dispatch within the limits avoids them; worst: losing branch row "
    << worst->branch + 1 << " loads branch row " << worst->worst_branch + 1 << " to " << worst->max_loading << " x rateA)";
  return o.str();
}

AppliedDispatch apply_dispatch(const Network& net, Dispatch dispatch, double tol) {
  AppliedDispatch a;
  a.asked = a.used = dispatch;
  if (dispatch == Dispatch::kCase) {
    a.net = net;
    return a;
  }
  OpfOptions options;
  options.secure = dispatch == Dispatch::kScopf;
  options.tol = tol;
  a.result = solve_dc_opf(net, options);
  if (!a.result.optimal()) {
    a.used = Dispatch::kCase;
    a.note = "--dispatch " + to_string(dispatch) + ": " + a.result.message +
             "; the study runs on the generator outputs of the case (--dispatch case)";
    a.net = net;
    return a;
  }
  a.net = with_dispatch(net, a.result.gen_pg);
  return a;
}

}  // namespace sre
