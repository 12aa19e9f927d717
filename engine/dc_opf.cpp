#include "engine/dc_opf.hpp"

#include <ClpSimplex.hpp>
#include <CoinBuild.hpp>
#include <CoinPackedMatrix.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <sstream>

#include "engine/grid_state.hpp"
#include "engine/input_error.hpp"
#include "engine/island_finder.hpp"

namespace sre {

Dispatch parse_dispatch(const std::string& name) {
  if (name == "case") return Dispatch::kCase;
  if (name == "dcopf") return Dispatch::kDcopf;
  throw InputError("--dispatch '" + name + "': allowed values are case, dcopf");
}

std::string to_string(Dispatch d) { return d == Dispatch::kCase ? "case" : "dcopf"; }

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

const double kInf = COIN_DBL_MAX;
constexpr double kDeg = std::numbers::pi / 180.0;
// Clp's simplex without presolve can return a wrong "optimal" point (or call a feasible
// LP infeasible) when the angles are free columns; a box far outside any real angle
// (100 rad = 5730 deg) avoids it. A solution touching the box is reported as failed.
constexpr double kThetaBox = 100.0;

struct Poly {
  double c2 = 0.0, c1 = 0.0, c0 = 0.0;
};

// gencost model 2 rows for every generator, or an explanation why not.
bool read_costs(const Network& net, std::vector<Poly>& cost, std::string& why) {
  const CaseMatrix& m = net.gencost;
  if (!m.present() || m.rows() == 0) {
    why = "the case has no mpc.gencost";
    return false;
  }
  if (m.rows() < static_cast<std::size_t>(net.n_gen())) {
    why = "mpc.gencost has " + std::to_string(m.rows()) + " rows for " + std::to_string(net.n_gen()) + " generators";
    return false;
  }
  cost.assign(net.n_gen(), Poly{});
  for (int g = 0; g < net.n_gen(); ++g) {
    if (m.cols <= col::NCOST) {
      why = "mpc.gencost has too few columns";
      return false;
    }
    const double model = m(g, col::MODEL);
    const double n = m(g, col::NCOST);
    if (model != 2) {
      why = "gencost row " + std::to_string(g + 1) + " (line " + std::to_string(m.lines[g]) +
            ") is not a polynomial (model 2); piecewise-linear costs are not supported";
      return false;
    }
    if (!(n >= 0 && n <= 3 && n == std::floor(n)) || m.cols < col::COST + static_cast<std::size_t>(n)) {
      why = "gencost row " + std::to_string(g + 1) + " (line " + std::to_string(m.lines[g]) +
            "): only polynomials of degree <= 2 (NCOST <= 3) are supported";
      return false;
    }
    const int k = static_cast<int>(n);
    double c[3] = {0, 0, 0};  // c[j] multiplies Pg^j
    for (int j = 0; j < k; ++j) {
      const double v = m(g, col::COST + j);
      if (!std::isfinite(v)) {
        why = "gencost row " + std::to_string(g + 1) + " has a non-finite coefficient";
        return false;
      }
      c[k - 1 - j] = v;
    }
    if (c[2] < 0.0 && net.gen_in_service[g]) {
      why = "gencost row " + std::to_string(g + 1) + " has a negative quadratic coefficient (non-convex)";
      return false;
    }
    cost[g] = Poly{c[2], c[1], c[0]};
  }
  return true;
}

// MATPOWER's angle-difference limits (makeAang): a branch gets a row when ANGMIN is
// nonzero and > -360 or ANGMAX is nonzero and < 360; a zero end is unbounded.
bool angle_limits(const Network& net, int e, double& lo, double& hi) {
  const double amin = net.br_angmin_deg[e], amax = net.br_angmax_deg[e];
  if (!((amin != 0.0 && amin > -360.0) || (amax != 0.0 && amax < 360.0))) return false;
  lo = amin != 0.0 ? amin * kDeg : -kInf;
  hi = amax != 0.0 ? amax * kDeg : kInf;
  return true;
}

struct OpfLp {
  ClpSimplex model;
  std::vector<int> gen_col;   // per gen, -1 when out of service
  std::vector<int> flow_row;  // per branch, -1 when no flow-limit row
  std::vector<int> ang_row;   // per branch, -1 when no angle row
  std::vector<int> slack_col; // elastic only: per branch first of 2 (flow) columns, -1
  std::vector<int> ang_slack_col;
  int n_theta = 0;
};

// Columns: theta (nb), Pg of in-service gens. Rows: bus balances (nb), flow limits,
// angle limits. `elastic`: flow and angle rows get violation columns of cost 1 and
// the generators cost nothing (feasibility diagnosis).
void build_opf(const Network& net, const GridState& s, const std::vector<Poly>& cost, bool elastic, OpfLp& lp,
               double theta_box = kThetaBox) {
  const int nb = net.n_bus(), nl = net.n_branch(), ng = net.n_gen();
  lp.gen_col.assign(ng, -1);
  lp.flow_row.assign(nl, -1);
  lp.ang_row.assign(nl, -1);
  lp.slack_col.assign(nl, -1);
  lp.ang_slack_col.assign(nl, -1);
  int ncol = nb;
  for (int g = 0; g < ng; ++g)
    if (net.gen_in_service[g]) lp.gen_col[g] = ncol++;
  int nrow = nb;
  for (int e = 0; e < nl; ++e) {
    if (!net.br_in_service[e]) continue;
    if (net.limited(e)) lp.flow_row[e] = nrow++;
    double lo = 0.0, hi = 0.0;
    if (angle_limits(net, e, lo, hi)) lp.ang_row[e] = nrow++;
  }
  if (elastic)
    for (int e = 0; e < nl; ++e) {
      if (lp.flow_row[e] >= 0) {
        lp.slack_col[e] = ncol;
        ncol += 2;
      }
      if (lp.ang_row[e] >= 0) {
        lp.ang_slack_col[e] = ncol;
        ncol += 2;
      }
    }
  std::vector<double> clo(ncol, 0.0), cup(ncol, kInf), obj(ncol, 0.0), rlo(nrow, 0.0), rup(nrow, 0.0);
  std::vector<std::vector<std::pair<int, double>>> cols(ncol);
  // theta: free, fixed at each island's reference (its Va from the file)
  for (int i = 0; i < nb; ++i) {
    clo[i] = -theta_box;
    cup[i] = theta_box;
    if (!net.bus_in_service[i]) clo[i] = cup[i] = 0.0;
  }
  for (int k = 0; k < s.n_islands; ++k) {
    const int r = s.island_ref[k];
    clo[r] = cup[r] = net.bus_va_deg[r] * kDeg;
  }
  // balances: sum Pg - sum_out K(theta_f - theta_t) + sum_in K(...) = Pd + Gs - K phi (from) + K phi (to)
  for (int i = 0; i < nb; ++i)
    if (net.bus_in_service[i]) rlo[i] = rup[i] = net.bus_pd[i] + net.bus_gs[i];
  for (int e = 0; e < nl; ++e) {
    if (!net.br_in_service[e]) continue;
    const int f = net.br_from[e], t = net.br_to[e];
    const double k = net.base_mva * net.br_b[e];
    const double kphi = k * net.br_shift_rad[e];
    cols[f].push_back({f, -k});
    cols[t].push_back({f, k});
    cols[f].push_back({t, k});
    cols[t].push_back({t, -k});
    rlo[f] -= kphi;
    rup[f] -= kphi;
    rlo[t] += kphi;
    rup[t] += kphi;
    if (lp.flow_row[e] >= 0) {
      const int r = lp.flow_row[e];
      cols[f].push_back({r, k});
      cols[t].push_back({r, -k});
      rlo[r] = -net.br_rate_a[e] + kphi;
      rup[r] = net.br_rate_a[e] + kphi;
      if (elastic) {
        const int c = lp.slack_col[e];
        cols[c].push_back({r, 1.0});
        cols[c + 1].push_back({r, -1.0});
        obj[c] = obj[c + 1] = 1.0;
      }
    }
    if (lp.ang_row[e] >= 0) {
      const int r = lp.ang_row[e];
      double lo = 0.0, hi = 0.0;
      angle_limits(net, e, lo, hi);
      cols[f].push_back({r, 1.0});
      cols[t].push_back({r, -1.0});
      rlo[r] = lo;
      rup[r] = hi;
      if (elastic) {
        const int c = lp.ang_slack_col[e];
        cols[c].push_back({r, 1.0});
        cols[c + 1].push_back({r, -1.0});
        obj[c] = obj[c + 1] = 1e3;  // radians weigh like MW * 1000
      }
    }
  }
  for (int g = 0; g < ng; ++g) {
    const int c = lp.gen_col[g];
    if (c < 0) continue;
    cols[c].push_back({net.gen_bus[g], 1.0});
    clo[c] = net.gen_pmin[g];
    cup[c] = net.gen_pmax[g];
    if (!elastic) obj[c] = cost[g].c1;
  }
  // assemble column-major; an angle meets the same bus row once per incident branch: merge
  std::vector<CoinBigIndex> start(ncol + 1, 0);
  std::vector<int> index;
  std::vector<double> value;
  for (int c = 0; c < ncol; ++c) {
    auto& v = cols[c];
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t j = 0; j < v.size(); ++j) {
      if (j > 0 && v[j].first == v[j - 1].first) {
        value.back() += v[j].second;
      } else {
        index.push_back(v[j].first);
        value.push_back(v[j].second);
      }
    }
    start[c + 1] = static_cast<CoinBigIndex>(index.size());
  }
  lp.model.setLogLevel(0);
  lp.model.loadProblem(ncol, nrow, start.data(), index.data(), value.data(), clo.data(), cup.data(), obj.data(),
                       rlo.data(), rup.data());
  lp.n_theta = nb;
  if (!elastic) {
    std::vector<CoinBigIndex> qs(ncol + 1, 0);
    std::vector<int> qi;
    std::vector<double> qv;
    bool any = false;
    std::vector<double> diag(ncol, 0.0);
    for (int g = 0; g < ng; ++g)
      if (lp.gen_col[g] >= 0 && cost[g].c2 != 0.0) {
        diag[lp.gen_col[g]] = 2.0 * cost[g].c2;  // Clp: objective c'x + 1/2 x'Qx
        any = true;
      }
    if (any) {
      for (int c = 0; c < ncol; ++c) {
        if (diag[c] != 0.0) {
          qi.push_back(c);
          qv.push_back(diag[c]);
        }
        qs[c + 1] = static_cast<CoinBigIndex>(qi.size());
      }
      lp.model.loadQuadraticObjective(ncol, qs.data(), qi.data(), qv.data());
    }
  }
}

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

// Frank-Wolfe gap of a QP solution in `lp` (see solve_dc_opf); +inf when the LP fails.
double frank_wolfe_gap(const Network& net, const GridState& s, const std::vector<Poly>& cost, const OpfLp& qp) {
  const double* x = qp.model.primalColumnSolution();
  std::vector<Poly> lin(cost.size());
  for (int g = 0; g < net.n_gen(); ++g)
    if (qp.gen_col[g] >= 0) lin[g].c1 = cost[g].c1 + 2.0 * cost[g].c2 * x[qp.gen_col[g]];
  OpfLp lp;
  build_opf(net, s, lin, false, lp);
  lp.model.initialSolve();
  if (!lp.model.isProvenOptimal()) return kInf;
  const double* y = lp.model.primalColumnSolution();
  double gap = 0.0;
  for (int g = 0; g < net.n_gen(); ++g)
    if (qp.gen_col[g] >= 0) gap += lin[g].c1 * (x[qp.gen_col[g]] - y[lp.gen_col[g]]);
  return gap;
}

}  // namespace

DispatchResult solve_dc_opf(const Network& net) {
  const auto t0 = std::chrono::steady_clock::now();
  DispatchResult r;
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
  IslandFinder finder;
  finder.find_from_scratch(net, s);  // one call: no certificates to build

  bool qp = false;
  for (int g = 0; g < net.n_gen(); ++g) qp = qp || (net.gen_in_service[g] && cost[g].c2 != 0.0);
  OpfLp lp;
  double qp_gap = 0.0;
  if (!qp) {
    build_opf(net, s, cost, false, lp);
    lp.model.initialSolve();  // presolve, then simplex: 3-4x faster here than plain dual or primal
    if (!lp.model.isProvenOptimal()) lp.model.primal();
  } else {
    // Clp's QP simplex (reduced-gradient primal) can stop at a non-optimal point and call
    // it optimal (seen on pglib_opf_case2000_goc with boxed angles), so every QP result is
    // checked by its Frank-Wolfe gap: g = grad f(x)'(x - y), y minimising grad f(x)'y over
    // the same constraints (an LP), bounds f(x) - f* from above. Free angles first (right
    // on every shared case), then boxed ones.
    for (const double box : {kInf, kThetaBox}) {
      build_opf(net, s, cost, false, lp, box);
      lp.model.primal();
      if (!lp.model.isProvenOptimal()) break;
      qp_gap = frank_wolfe_gap(net, s, cost, lp);
      if (qp_gap <= 1e-8 * std::max(1.0, std::abs(lp.model.objectiveValue()))) break;
      lp = OpfLp{};
    }
    if (lp.gen_col.empty()) {
      r.status = DispatchResult::Status::kFailed;
      r.message = "DC OPF: Clp's QP solver did not reach a verified optimum (Frank-Wolfe gap " + fmt(qp_gap) +
                  " $/h); try --dispatch case";
      return r;
    }
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

Network apply_dispatch(const Network& net, Dispatch dispatch, std::string* note) {
  if (dispatch == Dispatch::kCase) return net;
  const DispatchResult r = solve_dc_opf(net);
  if (r.status == DispatchResult::Status::kNoCost) {
    if (note) *note = "--dispatch dcopf: " + r.message + "; using the generator outputs of the case (--dispatch case)";
    return net;
  }
  if (!r.optimal())
    throw InputError(net.source + ": " + r.message +
                     ". Fix the case, or run on the case's own dispatch with --dispatch case");
  return with_dispatch(net, r.gen_pg);
}

}  // namespace sre
