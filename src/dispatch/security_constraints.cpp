#include "dispatch/security_constraints.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "dispatch/outage_sensitivity.hpp"

namespace sre::opf {
namespace {

// Rounds of constraint generation at most, and rows added per round at most (the most
// violated first): a round's rows change the dispatch, and with it the next violations.
constexpr int kMaxRounds = 40;
constexpr std::size_t kMaxRowsPerRound = 4000;

struct Violation {
  int branch, contingency;
  double lodf, excess;  // MW above the post-contingency limit
};

// One security row: the flow of `branch` after the loss of `contingency`,
// f_l + LODF f_c, within +-rateA_l (1 + tol).
struct Row {
  int branch, contingency;
  double lodf;
};

double post_limit(const Network& net, int l, double tol) { return net.br_rate_a[l] * (1.0 + tol); }
// The overload test's margins (model section 6), so that rounding does not decide.
double margin(double limit) { return 1e-6 + 1e-9 * limit; }

// Every contingency's post-contingency flows at the flows `flow`: the violations and,
// per contingency, its worst loading. Contingencies in parallel; results in their order.
struct Scan {
  std::vector<Violation> violations;
  std::vector<InsecureContingency> worst;  // per contingency, in OutageSensitivity order
};

Scan scan(const Network& net, const OutageSensitivity& sens, const std::vector<double>& flow, double tol) {
  const std::vector<int>& cont = sens.contingencies();
  const int nc = static_cast<int>(cont.size()), nl = net.n_branch();
  std::vector<std::vector<Violation>> found(nc);
  Scan out;
  out.worst.resize(nc);
  struct Work {
    std::vector<double> lodf, solve;
  };
  tbb::enumerable_thread_specific<Work> work;
  tbb::parallel_for(tbb::blocked_range<int>(0, nc, 16), [&](const tbb::blocked_range<int>& range) {
    Work& w = work.local();
    w.lodf.resize(nl);
    for (int q = range.begin(); q < range.end(); ++q) {
      const int c = cont[q];
      sens.lodf_column(c, w.lodf.data(), w.solve);
      InsecureContingency& worst = out.worst[q];
      worst.branch = c;
      for (int l = 0; l < nl; ++l) {
        if (l == c || !net.br_in_service[l] || !net.limited(l) || w.lodf[l] == 0.0) continue;
        const double post = flow[l] + w.lodf[l] * flow[c];
        const double loading = std::abs(post) / net.br_rate_a[l];
        if (loading > worst.max_loading) worst.max_loading = loading, worst.worst_branch = l;
        const double limit = post_limit(net, l, tol);
        if (std::abs(post) > limit + margin(limit)) found[q].push_back({l, c, w.lodf[l], std::abs(post) - limit});
      }
    }
  });
  for (auto& v : found) out.violations.insert(out.violations.end(), v.begin(), v.end());
  return out;
}

// Flows of the LP's solution (angles in its first columns).
std::vector<double> lp_flows(const Network& net, const OpfLp& lp) {
  const double* x = lp.model.primalColumnSolution();
  std::vector<double> f(net.n_branch(), 0.0);
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e])
      f[e] = net.base_mva * net.br_b[e] * (x[net.br_from[e]] - x[net.br_to[e]] - net.br_shift_rad[e]);
  return f;
}

// Violation columns (one up, one down, of cost `price`) for `count` existing rows from
// `first_row` on, appended to the model.
void add_violation_columns(OpfLp& lp, int first_row, int count, double price) {
  const auto n = static_cast<std::size_t>(2) * static_cast<std::size_t>(count);
  std::vector<double> lo(n, 0.0), up(n, COIN_DBL_MAX), obj(n, price), value;
  std::vector<CoinBigIndex> start(1, 0);
  std::vector<int> index;
  for (int r = 0; r < count; ++r)
    for (double sign : {1.0, -1.0}) {
      index.push_back(first_row + r);
      value.push_back(sign);
      start.push_back(static_cast<CoinBigIndex>(index.size()));
    }
  lp.model.addColumns(2 * count, lo.data(), up.data(), obj.data(), start.data(), index.data(), value.data());
}

// Appends the rows: K_l (th_f - th_t)_l + LODF K_c (th_f - th_t)_c within the limit plus the
// phase shifts' constant part; with their violation columns when elastic.
void add_rows(const Network& net, const std::vector<Row>& rows, std::size_t from, double tol, bool elastic,
              double price, OpfLp& lp) {
  const int first_row = lp.model.numberRows();
  std::vector<double> lo, hi;
  std::vector<CoinBigIndex> start(1, 0);
  std::vector<int> index;
  std::vector<double> value;
  for (std::size_t r = from; r < rows.size(); ++r) {
    const Row& row = rows[r];
    const int l = row.branch, c = row.contingency;
    const double kl = net.base_mva * net.br_b[l], kc = row.lodf * net.base_mva * net.br_b[c];
    std::pair<int, double> entries[] = {{net.br_from[l], kl}, {net.br_to[l], -kl}, {net.br_from[c], kc}, {net.br_to[c], -kc}};
    std::sort(std::begin(entries), std::end(entries));
    for (int j = 0; j < 4; ++j) {
      if (j > 0 && entries[j].first == entries[j - 1].first) {
        value.back() += entries[j].second;
      } else {
        index.push_back(entries[j].first);
        value.push_back(entries[j].second);
      }
    }
    start.push_back(static_cast<CoinBigIndex>(index.size()));
    const double shift = kl * net.br_shift_rad[l] + kc * net.br_shift_rad[c];
    const double limit = post_limit(net, l, tol);
    lo.push_back(-limit + shift);
    hi.push_back(limit + shift);
  }
  lp.model.addRows(static_cast<int>(lo.size()), lo.data(), hi.data(), start.data(), index.data(), value.data());
  if (elastic) add_violation_columns(lp, first_row, static_cast<int>(lo.size()), price);
}

// A violation's price: far above what any MW of generation can cost, so that the elastic
// problem minimises the violations first.
double violation_price(const Network& net, const std::vector<Poly>& cost) {
  double marginal = 1.0;
  for (int g = 0; g < net.n_gen(); ++g)
    if (net.gen_in_service[g])
      marginal = std::max(marginal, std::abs(cost[g].c1) + 2.0 * std::abs(cost[g].c2) * std::abs(net.gen_pmax[g]));
  return 1e3 * marginal;
}

}  // namespace

SecurityOutcome secure_dispatch(const Network& net, const GridState& intact, const std::vector<Poly>& cost,
                                bool quadratic, double theta_box, const OpfOptions& options, OpfLp& lp) {
  const double tol = options.tol;
  SecurityOutcome out;
  const OutageSensitivity sens(net);
  const int first_row = lp.model.numberRows();
  const double price = violation_price(net, cost);
  out.contingencies = static_cast<int>(sens.contingencies().size());
  std::vector<Row> rows;
  std::unordered_set<long long> present;
  auto key = [&](int l, int c) { return static_cast<long long>(c) * net.n_branch() + l; };
  Scan last = scan(net, sens, lp_flows(net, lp), tol);
  for (; out.rounds < kMaxRounds; ++out.rounds) {
    std::vector<Violation> fresh;
    for (const Violation& v : last.violations)
      if (!present.count(key(v.branch, v.contingency))) fresh.push_back(v);
    if (fresh.empty()) break;
    // The most violated first (ties by contingency, then branch: a fixed order).
    std::stable_sort(fresh.begin(), fresh.end(), [](const Violation& a, const Violation& b) { return a.excess > b.excess; });
    if (fresh.size() > kMaxRowsPerRound) fresh.resize(kMaxRowsPerRound);
    const std::size_t from = rows.size();
    for (const Violation& v : fresh) {
      rows.push_back({v.branch, v.contingency, v.lodf});
      present.insert(key(v.branch, v.contingency));
    }
    add_rows(net, rows, from, tol, out.elastic, price, lp);
    SolveOutcome solved = solve_model(lp, cost, quadratic, false);
    if (solved.infeasible && !out.elastic) {
      // The rows cannot all hold: from here on each has a pair of violation columns.
      out.elastic = true;
      add_violation_columns(lp, first_row, static_cast<int>(rows.size()), price);
      solved = solve_model(lp, cost, quadratic, false);
    }
    if (!solved.optimal && quadratic) {
      // Clp's QP simplex after columns were added: the same problem built afresh.
      lp = OpfLp{};
      build_opf(net, intact, cost, false, lp, theta_box, out.elastic ? 2 * static_cast<int>(rows.size()) : 0, price);
      add_rows(net, rows, 0, tol, false, price, lp);
      if (out.elastic)
        for (std::size_t r = 0; r < rows.size(); ++r) {
          lp.model.modifyCoefficient(first_row + static_cast<int>(r), lp.extra_col + 2 * static_cast<int>(r), 1.0);
          lp.model.modifyCoefficient(first_row + static_cast<int>(r), lp.extra_col + 2 * static_cast<int>(r) + 1, -1.0);
        }
      solved = solve_model(lp, cost, quadratic, true);
    }
    if (!solved.optimal) {
      out.message = "the security-constrained DC OPF found no optimum after " + std::to_string(rows.size()) +
                    " contingency rows (Clp status " + std::to_string(lp.model.status()) + ")";
      return out;
    }
    last = scan(net, sens, lp_flows(net, lp), tol);
    if (options.on_round) options.on_round(out.rounds + 1, static_cast<int>(rows.size()), last.violations.size());
  }
  out.rows = static_cast<int>(rows.size());
  for (const InsecureContingency& w : last.worst) {
    if (w.worst_branch < 0) continue;
    const double limit = post_limit(net, w.worst_branch, tol);
    if (w.max_loading * net.br_rate_a[w.worst_branch] > limit + margin(limit)) out.insecure.push_back(w);
  }
  if (!last.violations.empty() && !out.elastic && out.rounds == kMaxRounds)
    out.message = "constraint generation stopped after " + std::to_string(kMaxRounds) + " rounds";
  out.solved = true;
  return out;
}

}  // namespace sre::opf
