// The DC OPF's linear (or quadratic) program: its columns and rows, and a solve that
// verifies a quadratic program's optimum (docs/model.md section 10).
#include "dispatch/opf_model.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace sre::opf {

namespace {
const double kInf = COIN_DBL_MAX;
constexpr double kDeg = std::numbers::pi / 180.0;

// Clp's QP simplex prints some diagnostics with printf whatever the log level ("******
// th ... simple ..." on pglib_opf_case793_goc), which would land in the middle of a
// command's output (JSON included): standard output goes to /dev/null while it runs. The
// base dispatch is solved before any worker thread starts, so nothing else writes then.
class QuietStdout {
 public:
  QuietStdout() {
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    const int null = ::open("/dev/null", O_WRONLY);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDOUT_FILENO);
    if (null >= 0) ::close(null);
  }
  ~QuietStdout() {
    std::fflush(stdout);
    if (saved_ >= 0) {
      ::dup2(saved_, STDOUT_FILENO);
      ::close(saved_);
    }
  }
  QuietStdout(const QuietStdout&) = delete;
  QuietStdout& operator=(const QuietStdout&) = delete;

 private:
  int saved_ = -1;
};
}  // namespace

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

// Columns: theta (nb), Pg of in-service gens. Rows: bus balances (nb), flow limits,
// angle limits. `elastic`: flow and angle rows get violation columns of cost 1 and
// the generators cost nothing (feasibility diagnosis).
void build_opf(const Network& net, const GridState& s, const std::vector<Poly>& cost, bool elastic, OpfLp& lp,
               double theta_box, int extra_columns, double extra_cost) {
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
  lp.extra_col = ncol;
  ncol += extra_columns;
  std::vector<double> clo(ncol, 0.0), cup(ncol, kInf), obj(ncol, 0.0), rlo(nrow, 0.0), rup(nrow, 0.0);
  for (int c = lp.extra_col; c < ncol; ++c) obj[c] = extra_cost;
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

// Frank-Wolfe gap of a QP solution: g = grad f(x)'(x - y), y minimising grad f(x)'y over
// the same constraints (an LP on a copy of the model, rows added since included), bounds
// f(x) - f* from above; +inf when that LP fails.
double frank_wolfe_gap(const OpfLp& qp, const std::vector<Poly>& cost) {
  const double* x = qp.model.primalColumnSolution();
  ClpSimplex lin(qp.model);
  lin.setLogLevel(0);
  lin.deleteQuadraticObjective();
  for (std::size_t g = 0; g < cost.size(); ++g)
    if (qp.gen_col[g] >= 0) lin.setObjectiveCoefficient(qp.gen_col[g], cost[g].c1 + 2.0 * cost[g].c2 * x[qp.gen_col[g]]);
  lin.dual();
  if (!lin.isProvenOptimal()) lin.primal();
  if (!lin.isProvenOptimal()) return kInf;
  const double* y = lin.primalColumnSolution();
  const double* c = lin.objective();
  double gap = 0.0;
  for (int j = 0; j < lin.numberColumns(); ++j) gap += c[j] * (x[j] - y[j]);
  return gap;
}

bool is_quadratic(const Network& net, const std::vector<Poly>& cost) {
  for (int g = 0; g < net.n_gen(); ++g)
    if (net.gen_in_service[g] && cost[g].c2 != 0.0) return true;
  return false;
}

// An LP: simplex from the basis at hand (presolve and simplex the first time: 3-4x faster
// here than plain dual or primal). A QP: Clp's QP simplex (reduced-gradient primal) can
// stop at a non-optimal point and call it optimal (seen on pglib_opf_case2000_goc with
// boxed angles and on pglib_opf_case793_goc), so each result is checked by its
// Frank-Wolfe gap and, while that is above 1e-8 of the cost, the simplex is run again
// from where it stopped, a few times (one more run reached a verified optimum on
// pglib_opf_case793_goc).
SolveOutcome solve_model(OpfLp& lp, const std::vector<Poly>& cost, bool quadratic, bool first) {
  SolveOutcome out;
  if (!quadratic) {
    if (first) lp.model.initialSolve();
    else lp.model.dual();
    if (!lp.model.isProvenOptimal() && !lp.model.isProvenPrimalInfeasible()) lp.model.primal();
    out.optimal = lp.model.isProvenOptimal();
    out.infeasible = lp.model.isProvenPrimalInfeasible() || (!out.optimal && lp.model.status() == 1);
    return out;
  }
  QuietStdout quiet;
  lp.model.primal();
  for (int run = 0; run < kQpRuns; ++run) {
    if (!lp.model.isProvenOptimal()) break;
    out.gap = frank_wolfe_gap(lp, cost);
    if (out.gap <= 1e-8 * std::max(1.0, std::abs(lp.model.objectiveValue()))) {
      out.optimal = true;
      return out;
    }
    lp.model.primal(1);
  }
  out.infeasible = lp.model.isProvenPrimalInfeasible();
  return out;
}

}  // namespace sre::opf
