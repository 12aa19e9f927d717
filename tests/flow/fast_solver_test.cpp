// The fast flow solver (low-rank updates of one base factor) against the reference
// path on thousands of random scenarios per bundled case, bus strikes and mixed element
// outages (buses, branch cuts, lost units): same outcomes, same trips, same islands and
// served fractions, flows within 1e-9 of the largest flow (or 1e-6 MW), shed within 1e-6 MW.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <numeric>
#include <random>

#include <Eigen/Dense>

#include "flow/base_case.hpp"
#include "flow/flow_solver.hpp"
#include "topology/island_balancer.hpp"
#include "topology/island_finder.hpp"
#include "response/scenario_evaluator.hpp"
#include "study/study.hpp"
#include "kernels/base_factor.hpp"
#include "kernels/woodbury_update.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

// tol 0: these networks are set up to trip at the first MW above the limit, which also
// makes the most cascade rounds to check.
ResponseOptions response(ResponseKind k, CascadeRule r = CascadeRule::kAll) {
  ResponseOptions o;
  o.kind = k;
  o.rule = r;
  o.tol = 0.0;
  return o;
}

struct Pair {
  Pair(const BaseCase& base, const ResponseOptions& opt, std::shared_ptr<const FastFlowShared> shared, int max_rank)
      : ref(base, opt, make_reference_flow_solver(*base.net)),
        fast(base, opt, make_fast_flow_solver(*base.net, std::move(shared), max_rank)) {}
  ScenarioEvaluator ref, fast;
};

// Compares one scenario; returns false (after reporting) on the first mismatch.
bool same_outcome(Pair& p, const Outages& outages, const std::string& where) {
  const SampleOutcome a = p.ref.evaluate(outages);
  const SampleOutcome b = p.fast.evaluate(outages);
  const GridState& sa = p.ref.state();
  const GridState& sb = p.fast.state();
  bool ok = true;
  auto check = [&](bool c, const char* field) {
    if (!c && ok) {
      ADD_FAILURE() << field << " differs; " << where;
      ok = false;
    }
  };
  check(std::abs(a.shed_mw - b.shed_mw) <= 1e-6, "shed_mw");
  check(std::abs(a.shed_fraction - b.shed_fraction) <= 1e-9, "shed_fraction");
  check(a.n_islands == b.n_islands, "n_islands");
  check(a.n_dead_islands == b.n_dead_islands, "n_dead_islands");
  check(a.n_overloaded_first == b.n_overloaded_first, "n_overloaded_first");
  check(a.n_tripped == b.n_tripped, "n_tripped");
  check(a.cascade_steps == b.cascade_steps, "cascade_steps");
  check(a.cap_hit == b.cap_hit, "cap_hit");
  check((std::isnan(a.max_loading_first) && std::isnan(b.max_loading_first)) ||
            std::abs(a.max_loading_first - b.max_loading_first) <= 1e-9 * std::max(1.0, a.max_loading_first),
        "max_loading_first");
  check(sa.branch_tripped == sb.branch_tripped, "branch_tripped");
  check(sa.island_of == sb.island_of, "island_of");
  check(p.ref.overloaded_first() == p.fast.overloaded_first(), "overloaded_first");
  // Served fractions per island (balancing of the islands the outages left).
  for (int k = 0; k < sa.n_islands && ok; ++k)
    check(std::abs(sa.island_served_ratio[k] - sb.island_served_ratio[k]) <= 1e-12, "island_served_ratio");
  double fmax = 0.0, tmax = 0.0;
  for (double f : sa.flow_mw) fmax = std::max(fmax, std::abs(f));
  for (double t : sa.theta_rad) tmax = std::max(tmax, std::abs(t));
  const double ftol = std::max(1e-9 * fmax, 1e-6), ttol = std::max(1e-9 * tmax, 1e-12);
  for (std::size_t e = 0; e < sa.flow_mw.size() && ok; ++e)
    check(std::abs(sa.flow_mw[e] - sb.flow_mw[e]) <= ftol, "flow_mw");
  for (std::size_t i = 0; i < sa.theta_rad.size() && ok; ++i)
    check(std::abs(sa.theta_rad[i] - sb.theta_rad[i]) <= ttol, "theta_rad");
  return ok;
}

bool same(Pair& p, const std::vector<int>& destroyed, const char* what) {
  std::string where = std::string(what) + " destroyed:";
  for (int i : destroyed) where += " " + std::to_string(i);
  return same_outcome(p, Outages{destroyed, {}, {}}, where);
}

std::vector<int> alive_buses(const Network& net) {
  std::vector<int> v;
  for (int i = 0; i < net.n_bus(); ++i)
    if (net.bus_in_service[i]) v.push_back(i);
  return v;
}

// k distinct random buses.
std::vector<int> random_set(const std::vector<int>& buses, int k, std::mt19937_64& rng) {
  std::vector<int> v = buses;
  k = std::min<int>(k, static_cast<int>(v.size()));
  for (int j = 0; j < k; ++j) std::swap(v[j], v[j + rng() % (v.size() - j)]);
  v.resize(k);
  return v;
}

// Islanding-heavy: the neighbours of a random bus (cuts it off, often with a leaf
// or a radial spur), plus a few random buses.
std::vector<int> cut_set(const Network& net, const std::vector<int>& buses, int extra, std::mt19937_64& rng) {
  const int c = buses[rng() % buses.size()];
  std::vector<int> v;
  for (int a = net.adj_offset[c]; a < net.adj_offset[c + 1]; ++a) {
    const int e = net.adj_branch[a];
    const int o = net.br_from[e] == c ? net.br_to[e] : net.br_from[e];
    if (std::find(v.begin(), v.end(), o) == v.end()) v.push_back(o);
  }
  for (int i : random_set(buses, extra, rng))
    if (i != c && std::find(v.begin(), v.end(), i) == v.end()) v.push_back(i);
  return v;
}

// Element outages (model section 4) mixed in one scenario: a few destroyed buses, branch
// cuts (every third scenario also every branch at one bus, which islands it alive: with
// its units a live island of its own, without them a dead one) and lost units (now and
// then one at a destroyed bus).
struct Mixed {
  std::vector<int> buses, branches, gens;
  Outages outages() const { return Outages{buses, branches, gens}; }
  std::string describe(const std::string& name) const {
    std::string s = name + " buses:";
    for (int i : buses) s += " " + std::to_string(i);
    s += " branches:";
    for (int e : branches) s += " " + std::to_string(e);
    s += " units:";
    for (int g : gens) s += " " + std::to_string(g);
    return s;
  }
};

class MixedOutages {
 public:
  explicit MixedOutages(const Network& net) : net_(net), buses_(alive_buses(net)) {
    for (int e = 0; e < net.n_branch(); ++e)
      if (net.br_in_service[e]) branches_.push_back(e);
    for (int g = 0; g < net.n_gen(); ++g)
      if (net.gen_in_service[g] && net.gen_pg[g] >= 0.0) gens_.push_back(g);
  }
  Mixed draw(int max_k, std::mt19937_64& rng) const {
    Mixed m;
    m.buses = random_set(buses_, static_cast<int>(rng() % 3), rng);
    m.branches = random_set(branches_, 1 + static_cast<int>(rng() % max_k), rng);
    if (rng() % 3 == 0) {
      const int c = buses_[rng() % buses_.size()];
      for (int a = net_.adj_offset[c]; a < net_.adj_offset[c + 1]; ++a) m.branches.push_back(net_.adj_branch[a]);
    }
    if (!gens_.empty()) m.gens = random_set(gens_, static_cast<int>(rng() % std::min<std::size_t>(4, gens_.size() + 1)), rng);
    if (!m.buses.empty() && rng() % 4 == 0)
      for (int g : gens_)
        if (net_.gen_bus[g] == m.buses.front()) m.gens.push_back(g);
    return m;
  }
  bool has_gens() const { return !gens_.empty(); }

 private:
  const Network& net_;
  std::vector<int> buses_, branches_, gens_;
};

void run_case(const std::string& name, int scenarios_per_config, int max_k, int max_rank = 0,
              long max_column_entries = -1, int mixed_per_config = -1) {
  const Network net = load_network(test::data_path("cases/" + name + ".m"));
  const BaseCase base = make_base_case(net);
  const auto shared = make_fast_flow_shared(net, max_column_entries);
  const std::vector<int> buses = alive_buses(net);
  const MixedOutages mixed(net);
  if (mixed_per_config < 0) mixed_per_config = scenarios_per_config;
  std::mt19937_64 rng(12345), mixed_rng(54321);
  int failures = 0;
  const std::pair<ResponseKind, CascadeRule> configs[] = {{ResponseKind::kTopology, CascadeRule::kAll},
                                                          {ResponseKind::kDc, CascadeRule::kAll},
                                                          {ResponseKind::kCascade, CascadeRule::kAll},
                                                          {ResponseKind::kCascade, CascadeRule::kWorst}};
  for (const auto& [kind, rule] : configs) {
    // Cascade with tol < 0 is not allowed; use tight and loose limits through the default tol.
    Pair p(base, response(kind, rule), shared, max_rank);
    for (int s = 0; s < scenarios_per_config && failures < 5; ++s) {
      const int k = 1 + static_cast<int>(rng() % max_k);
      const std::vector<int> d = (s % 3 == 2) ? cut_set(net, buses, static_cast<int>(rng() % 3), rng) : random_set(buses, k, rng);
      failures += !same(p, d, name.c_str());
    }
    for (int s = 0; s < mixed_per_config && failures < 5; ++s) {
      const Mixed m = mixed.draw(max_k, mixed_rng);
      failures += !same_outcome(p, m.outages(), m.describe(name));
    }
  }
  EXPECT_EQ(failures, 0) << name;
}

// Monte Carlo workers solve only the limited branches' flows when most branches have no
// limit (ScenarioEvaluator::solve_limited_flows_only()): the same outcomes and trips, bit
// for bit, the same flows on the limited branches and 0 on the others, on both solver
// paths. case300 (negative reactances, a phase shifter kept limited) with 60 % of its
// other branches' limits taken away.
TEST(FastSolver, LimitedFlowsOnlyGiveTheSameOutcomes) {
  Network net = load_network(test::data_path("cases/pglib_opf_case300_ieee.m"));
  std::mt19937_64 rng(41);
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_shift_rad[e] == 0.0 && rng() % 10 < 6) net.br_rate_a[e] = 0.0;
  const BaseCase base = make_base_case(net);
  ASSERT_LT(4 * base.limited_branches.size(), 3 * static_cast<std::size_t>(net.n_branch()));
  ASSERT_FALSE(net.shifted_branches.empty());
  for (int e : net.shifted_branches) {
    ASSERT_TRUE(net.limited(e));
  }
  const auto shared = make_fast_flow_shared(net);
  const std::vector<int> buses = alive_buses(net);
  std::vector<char> limited(net.n_branch(), 0);
  for (int e : base.limited_branches) limited[e] = 1;
  for (const bool fast : {false, true}) {
    for (const auto& [kind, rule] : {std::pair{ResponseKind::kDc, CascadeRule::kAll},
                                     std::pair{ResponseKind::kCascade, CascadeRule::kAll},
                                     std::pair{ResponseKind::kCascade, CascadeRule::kWorst}}) {
      auto solver = [&] { return fast ? make_fast_flow_solver(net, shared) : make_reference_flow_solver(net); };
      ScenarioEvaluator all(base, response(kind, rule), solver()), some(base, response(kind, rule), solver());
      some.solve_limited_flows_only();
      int cascades = 0;
      for (int s = 0; s < 300; ++s) {
        const std::vector<int> d = random_set(buses, 1 + static_cast<int>(rng() % 12), rng);
        const SampleOutcome a = all.evaluate(d);
        const SampleOutcome b = some.evaluate(d);
        const std::string what = std::string(fast ? "fast" : "reference") + " scenario " + std::to_string(s);
        ASSERT_EQ(a.shed_mw, b.shed_mw) << what;
        ASSERT_EQ(a.max_loading_first, b.max_loading_first) << what;
        ASSERT_EQ(a.n_overloaded_first, b.n_overloaded_first) << what;
        ASSERT_EQ(a.n_tripped, b.n_tripped) << what;
        ASSERT_EQ(a.cascade_steps, b.cascade_steps) << what;
        ASSERT_EQ(a.n_islands, b.n_islands) << what;
        ASSERT_EQ(all.state().branch_tripped, some.state().branch_tripped) << what;
        for (int e = 0; e < net.n_branch(); ++e) {
          ASSERT_EQ(some.state().flow_mw[e], limited[e] ? all.state().flow_mw[e] : 0.0) << what << " branch " << e;
        }
        // The overload scan's contiguous copy, bit for bit (signed zeros included).
        for (std::size_t j = 0; j < base.limited_branches.size(); ++j) {
          ASSERT_EQ(std::bit_cast<std::uint64_t>(some.state().listed_flow_mw[j]),
                    std::bit_cast<std::uint64_t>(some.state().flow_mw[base.limited_branches[j]]))
              << what << " limited branch " << j;
        }
        cascades += a.cascade_steps > 0;
      }
      if (kind == ResponseKind::kCascade) {
        EXPECT_GT(cascades, 10);
      }
    }
  }
}

TEST(FastSolver, Case14) { run_case("pglib_opf_case14_ieee", 1500, 12); }
TEST(FastSolver, Case30) { run_case("pglib_opf_case30_ieee", 1500, 30); }
TEST(FastSolver, Case118) { run_case("pglib_opf_case118_ieee", 750, 30); }
TEST(FastSolver, Case300NegativeXAndPhaseShifter) { run_case("pglib_opf_case300_ieee", 400, 30); }
TEST(FastSolver, Case1354) { run_case("pglib_opf_case1354_pegase", 30, 30); }
// Mixed element outages on the other bundled cases (the reference solver refactorises per
// solve: few scenarios on the large cases).
TEST(FastSolver, MixedOutagesOnTheOtherCases) {
  run_case("case9", 0, 6, 0, -1, 500);
  run_case("case39", 0, 20, 0, -1, 500);
  run_case("pglib_opf_case57_ieee", 0, 30, 0, -1, 500);
  run_case("pglib_opf_case2000_goc", 0, 30, 0, -1, 40);
  run_case("pglib_opf_case2383wp_k", 0, 30, 0, -1, 40);
  run_case("case9241pegase", 0, 30, 0, -1, 8);
}
// Threshold 1: every scenario takes the refactor path (numeric refactorisation of the whole
// grounded matrix on the intact pattern).
TEST(FastSolver, RefactorPathOnly) {
  run_case("pglib_opf_case118_ieee", 150, 30, 1);
  run_case("pglib_opf_case300_ieee", 150, 30, 1);
}
// A low rank threshold: most scenarios take the refactor path.
TEST(FastSolver, RankFallback) {
  run_case("pglib_opf_case118_ieee", 150, 30, 4);
  run_case("pglib_opf_case300_ieee", 150, 30, 12);
}
// No precomputed columns: every Woodbury column is a sparse forward solve of its own.
TEST(FastSolver, ColumnsPerScenario) {
  run_case("pglib_opf_case118_ieee", 300, 30, 0, 0);
  run_case("pglib_opf_case300_ieee", 200, 30, 0, 0);
}
// A high threshold: big strikes (up to 30 buses, hundreds of modifications) stay low-rank.
TEST(FastSolver, HighRank) { run_case("pglib_opf_case118_ieee", 200, 30, 400); }

TEST(FastSolver, HandWrittenNetworks) {
  for (const char* text : {test::kRadial3, test::kParallelPaths4, test::kShifter3}) {
    const Network net = test::network_from_text(text);
    const BaseCase base = make_base_case(net);
    for (ResponseKind k : {ResponseKind::kDc, ResponseKind::kCascade}) {
      Pair p(base, response(k), nullptr, 0);
      for (int i = 0; i < net.n_bus(); ++i) {
        EXPECT_TRUE(same(p, {i}, "hand"));
        for (int j = i + 1; j < net.n_bus(); ++j) EXPECT_TRUE(same(p, {i, j}, "hand"));
      }
      EXPECT_TRUE(same(p, {}, "hand"));
    }
  }
}

TEST(BaseFactor, SolvesLikeEigen) {
  const Network net = load_network(test::data_path("cases/pglib_opf_case118_ieee.m"));
  std::vector<kernels::Triplet> t;
  const int n = net.n_bus() - 1;  // bus 0 grounded
  auto v = [](int i) { return i - 1; };
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!net.br_in_service[e]) continue;
    const int f = net.br_from[e], to = net.br_to[e];
    const double b = net.br_b[e];
    if (f) t.emplace_back(v(f), v(f), b);
    if (to) t.emplace_back(v(to), v(to), b);
    if (f && to) {
      t.emplace_back(v(f), v(to), -b);
      t.emplace_back(v(to), v(f), -b);
    }
  }
  kernels::BaseFactor bf;
  bf.factor(n, t);
  kernels::SparseLdlt ref;
  ref.factor(n, t);
  Eigen::VectorXd r = Eigen::VectorXd::LinSpaced(n, -1.0, 2.0), x = r;
  ref.solve(x);
  std::vector<double> y(n);
  for (int i = 0; i < n; ++i) y[bf.perm()[i]] = r[i];
  bf.solve_permuted(y.data());
  for (int i = 0; i < n; ++i) EXPECT_NEAR(y[bf.perm()[i]], x[i], 1e-10 * x.cwiseAbs().maxCoeff());
  // Sparse forward solve of a unit vector equals the dense forward solve.
  std::vector<double> dense(n, 0.0), work(n, 0.0);
  std::vector<unsigned char> mark(n, 0);
  std::vector<int> idx;
  std::vector<double> val;
  const int s = n / 2;
  const double one = 1.0;
  dense[s] = 1.0;
  bf.forward(dense.data());
  bf.sparse_forward(&s, &one, 1, work.data(), mark.data(), idx, val);
  std::vector<double> sp(n, 0.0);
  for (std::size_t q = 0; q < idx.size(); ++q) sp[idx[q]] = val[q];
  for (int i = 0; i < n; ++i) EXPECT_NEAR(sp[i], dense[i], 1e-14);
  EXPECT_TRUE(std::all_of(work.begin(), work.end(), [](double w) { return w == 0.0; }));

  // Several starts (one repeated), whose paths share their upper parts.
  const std::vector<int> starts{n / 3, 2 * n / 3, 5, n - 1, n / 3, n / 2};
  const std::vector<double> vals{0.5, -1.25, 2.0, 0.75, 0.25, -3.0};
  std::fill(dense.begin(), dense.end(), 0.0);
  for (std::size_t q = 0; q < starts.size(); ++q) dense[starts[q]] += vals[q];
  bf.forward(dense.data());
  idx.assign(3, -7);  // appended after what is there
  val.assign(3, 0.0);
  const int nz = bf.sparse_forward(starts.data(), vals.data(), static_cast<int>(starts.size()), work.data(), mark.data(),
                                   idx, val);
  ASSERT_EQ(static_cast<int>(idx.size()), 3 + nz);
  EXPECT_EQ(idx[0], -7);
  std::fill(sp.begin(), sp.end(), 0.0);
  for (std::size_t q = 3; q < idx.size(); ++q) sp[idx[q]] = val[q];
  for (int i = 0; i < n; ++i) EXPECT_NEAR(sp[i], dense[i], 1e-13 * (1.0 + std::abs(dense[i])));
  EXPECT_TRUE(std::all_of(work.begin(), work.end(), [](double w) { return w == 0.0; }));
  EXPECT_TRUE(std::all_of(mark.begin(), mark.end(), [](unsigned char m) { return m == 0; }));
}

// Batched backward solves give each lane the scalar backward solve's bits.
TEST(BaseFactor, BatchedBackwardEqualsScalarBitForBit) {
  const Network net = load_network(test::data_path("cases/pglib_opf_case300_ieee.m"));
  const auto shared = make_fast_flow_shared(net);
  const kernels::BaseFactor& bf = fast_flow_factor(*shared);
  const int n = bf.size();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int lanes : {1, 2, 4, 8}) {
    std::vector<std::vector<double>> single(lanes, std::vector<double>(n));
    std::vector<double> batch(static_cast<std::size_t>(n) * lanes);
    for (int w = 0; w < lanes; ++w)
      for (int j = 0; j < n; ++j) batch[static_cast<std::size_t>(j) * lanes + w] = single[w][j] = u(rng);
    for (auto& v : single) bf.backward(v.data());
    bf.backward_batch(batch.data(), lanes);
    for (int w = 0; w < lanes; ++w)
      for (int j = 0; j < n; ++j) ASSERT_EQ(batch[static_cast<std::size_t>(j) * lanes + w], single[w][j]) << lanes << " lanes";
  }
  std::vector<double> x(3 * static_cast<std::size_t>(n));
  EXPECT_THROW(bf.backward_batch(x.data(), 3), std::invalid_argument);
}

// Whole runs: every statistic agrees between --solver fast and --solver reference.
TEST(FastSolver, RunResultsAgree) {
  for (const char* resp : {"dc", "cascade"}) {
    StudyOptions o;
    o.case_path = test::data_path("cases/pglib_opf_case118_ieee.m");
    o.response = resp;
    o.k = 4;
    o.samples = 1500;
    o.solver = "reference";
    const Study ref(resolve(o));
    o.solver = "fast";
    const Study fast(resolve(o));
    const RunOutput a = run_samples(ref, 0, o.samples, 2, false, nullptr, nullptr);
    const RunOutput b = run_samples(fast, 0, o.samples, 2, false, nullptr, nullptr);
    Tally ta = a.tally, tb = b.tally;
    // The max loading ratio is kept in fixed point: allow one unit per sample of rounding.
    EXPECT_LE(std::abs(static_cast<double>(ta.loading_sum - tb.loading_sum)), static_cast<double>(ta.n));
    EXPECT_LE(std::abs(static_cast<double>(ta.loading_max - tb.loading_max)), 1.0);
    EXPECT_LE(std::abs(Tally::from_fixed(ta.shed_sum - tb.shed_sum)), 1e-6 * static_cast<double>(ta.n));
    EXPECT_EQ(ta.n, tb.n);
    EXPECT_EQ(ta.shed_min, tb.shed_min);
    EXPECT_EQ(ta.shed_max, tb.shed_max);
    EXPECT_EQ(ta.islands_sum, tb.islands_sum);
    EXPECT_EQ(ta.dead_islands_sum, tb.dead_islands_sum);
    EXPECT_EQ(ta.struck_sum, tb.struck_sum);
    EXPECT_EQ(ta.destroyed_sum, tb.destroyed_sum);
    EXPECT_EQ(ta.overloaded_first_sum, tb.overloaded_first_sum);
    EXPECT_EQ(ta.steps_sum, tb.steps_sum);
    EXPECT_EQ(ta.cap_hits, tb.cap_hits);
    EXPECT_EQ(ta.loading_n, tb.loading_n);
    EXPECT_EQ(ta.exceed_count, tb.exceed_count);
    EXPECT_EQ(ta.histogram, tb.histogram);
    EXPECT_EQ(ta.bin_count, tb.bin_count);
    EXPECT_EQ(ta.target_struck, tb.target_struck);
    EXPECT_EQ(ta.target_destroyed, tb.target_destroyed);
    EXPECT_TRUE(ta.target_shed_sum == tb.target_shed_sum);
    EXPECT_TRUE(ta.bus_unserved_sum == tb.bus_unserved_sum);
    EXPECT_EQ(ta.conv_n, tb.conv_n);
    EXPECT_EQ(ta.tripped_sum, tb.tripped_sum);
    EXPECT_EQ(ta.branch_tripped, tb.branch_tripped);
    EXPECT_EQ(ta.branch_overloaded, tb.branch_overloaded);
  }
}

TEST(FastSolver, StudyRejectsUnknownSolver) {
  StudyOptions o;
  o.case_path = test::data_path("cases/pglib_opf_case14_ieee.m");
  o.solver = "magic";
  EXPECT_ANY_THROW(Study s(resolve(o)));
  EXPECT_EQ(StudyOptions{}.solver, "fast");
}


// The compensation kernel against a dense solve of the modified matrix (pivoting LU included).
TEST(WoodburyUpdate, MatchesDenseSolve) {
  // Six nodes, node 0 grounded (the reduced matrix has nodes 1..5 as variables 0..4).
  const int n = 5;
  std::vector<kernels::Triplet> t;
  Eigen::MatrixXd B = Eigen::MatrixXd::Zero(n, n);
  auto add = [&](int a, int b, double w) {
    if (a >= 0) { t.emplace_back(a, a, w); B(a, a) += w; }
    if (b >= 0) { t.emplace_back(b, b, w); B(b, b) += w; }
    if (a >= 0 && b >= 0) { t.emplace_back(a, b, -w); t.emplace_back(b, a, -w); B(a, b) -= w; B(b, a) -= w; }
  };
  add(-1, 0, 2.0); add(0, 1, 3.0); add(1, 2, 1.5); add(2, 3, 4.0); add(3, 4, 2.5); add(-1, 2, 1.0); add(1, 4, 2.0);
  kernels::BaseFactor f;
  f.factor(n, t);
  kernels::WoodburyUpdate w;
  w.init(f, 8, 1000);
  // Remove branches 1-2 (b 1.5) and 2-3 (b 4) and ground variable 2 (c = 1).
  int s1[2] = {f.perm()[1], f.perm()[2]}; double v1[2] = {1, -1};
  int s2[2] = {f.perm()[2], f.perm()[3]}; double v2[2] = {1, -1};
  int s3[1] = {f.perm()[2]}; double v3[1] = {1};
  int a = w.add_column(s1, v1, 2, -1 / 1.5), b = w.add_column(s2, v2, 2, -1 / 4.0), c = w.add_column(s3, v3, 1, 1.0);
  int sl[3] = {a, b, c};
  ASSERT_TRUE(w.set_active(sl, 3));
  Eigen::MatrixXd Bm = B;
  Eigen::VectorXd u1 = Eigen::VectorXd::Zero(n), u2 = u1, u3 = u1;
  u1[1] = 1; u1[2] = -1; u2[2] = 1; u2[3] = -1; u3[2] = 1;
  Bm += -1.5 * u1 * u1.transpose() - 4.0 * u2 * u2.transpose() + u3 * u3.transpose();
  Eigen::VectorXd r(n); r << 1, -2, 0.5, 3, -1;
  Eigen::VectorXd x = Bm.lu().solve(r);
  std::vector<double> z(n);
  for (int i = 0; i < n; ++i) z[f.perm()[i]] = r[i];
  f.forward(z.data()); w.apply(z.data()); f.scale_d(z.data()); f.backward(z.data());
  for (int i = 0; i < n; ++i) EXPECT_NEAR(z[f.perm()[i]], x[i], 1e-12) << i;
}

// A sample's numbers must not depend on what the worker evaluated before (results are the
// same on any thread count or split): evaluating a strike right after the same strike
// gives the bits of a fresh evaluator, also where cascade rounds refactorise (low rank
// threshold) and later rounds build on that refactorisation.
TEST(FastSolver, SampleDoesNotDependOnThePreviousSample) {
  const Network net = load_network(test::data_path("cases/pglib_opf_case118_ieee.m"));
  const BaseCase base = make_base_case(net);
  const auto shared = make_fast_flow_shared(net);
  const std::vector<int> buses = alive_buses(net);
  std::mt19937_64 rng(99);
  for (ResponseKind kind : {ResponseKind::kDc, ResponseKind::kCascade}) {
    ScenarioEvaluator reused(base, response(kind), make_fast_flow_solver(net, shared, 4));
    for (int s = 0; s < 60; ++s) {
      const std::vector<int> d = random_set(buses, 2 + static_cast<int>(rng() % 8), rng);
      ScenarioEvaluator fresh(base, response(kind), make_fast_flow_solver(net, shared, 4));
      const SampleOutcome a = fresh.evaluate(d);
      reused.evaluate(d);  // the same strike, then another, before it again
      reused.evaluate(random_set(buses, 2 + static_cast<int>(rng() % 8), rng));
      const SampleOutcome b = reused.evaluate(d);
      ASSERT_EQ(a.shed_mw, b.shed_mw) << s;
      ASSERT_EQ(a.max_loading_first, b.max_loading_first) << s;
      ASSERT_EQ(a.n_tripped, b.n_tripped) << s;
      ASSERT_EQ(fresh.state().flow_mw, reused.state().flow_mw) << s;
    }
  }
}

// A cascade round solved through solve_after_trips() (islands after trips, rebalancing
// of the changed islands, and on the fast solver only the touched islands solved again)
// equals the round solved whole (find, balance, solve) bit for bit: islands, balancing,
// angles and flows. max_rank 1: every solve refactorises, so every
// round after the first takes the touched-islands path.
void check_rounds_against_whole_solves(const std::string& name, int scenarios, int max_k) {
  const Network net = load_network(test::data_path("cases/" + name + ".m"));
  const BaseCase base = make_base_case(net);
  const auto shared = make_fast_flow_shared(net);
  const std::vector<int> buses = alive_buses(net);
  const ResponseOptions options = response(ResponseKind::kCascade);
  const std::vector<double> threshold = overload_thresholds(base, options.tol);
  auto round_solver = make_fast_flow_solver(net, shared, 1);
  auto whole_solver = make_fast_flow_solver(net, shared, 1);
  const auto intact = std::make_shared<const IntactTopology>(net);
  IslandFinder round_finder(intact), whole_finder(intact);
  GridState a, b;
  a.resize(net);
  b.resize(net);
  std::vector<int> overloaded, overloaded_first, whole_overloaded;
  EvalContext ctx{base, options, a, round_finder, *round_solver, threshold, overloaded, overloaded_first};
  std::mt19937_64 rng(2024);
  long rounds = 0, touched_rounds = 0;
  for (int sc = 0; sc < scenarios; ++sc) {
    const std::vector<int> d = (sc % 3 == 2) ? cut_set(net, buses, static_cast<int>(rng() % 3), rng)
                                             : random_set(buses, 1 + static_cast<int>(rng() % max_k), rng);
    round_solver->new_sample();
    whole_solver->new_sample();
    for (GridState* s : {&a, &b}) {
      s->reset_to_intact(net);
      for (int i : d) s->destroy_bus(net, i);
    }
    round_finder.find(a);
    IslandBalancer::balance(net, a);
    round_solver->solve(net, a);
    list_overloads(base, a, threshold, overloaded);
    // Every other scenario trips only the first overloaded branch per round, so that
    // overloads stay behind in islands the round does not touch.
    const bool one_per_round = sc % 2 == 1;
    for (int step = 0; step < 100 && !overloaded.empty(); ++step) {
      const int first_trip = static_cast<int>(a.removed_branches.size());
      if (one_per_round) {
        a.trip_branch(overloaded.front());
        b.trip_branch(overloaded.front());
      } else {
        for (int e : overloaded) a.trip_branch(e), b.trip_branch(e);
      }
      solve_after_trips(ctx, first_trip);
      whole_finder.find(b);
      IslandBalancer::balance(net, b);
      whole_solver->solve(net, b);
      ++rounds;
      touched_rounds += a.touched_buses >= 0 && a.touched_buses < static_cast<int>(buses.size()) - static_cast<int>(d.size());
      ASSERT_EQ(a.n_islands, b.n_islands) << name << " scenario " << sc << " round " << step;
      const int n = a.n_islands;
      auto head = [n](const auto& v) { return std::vector(v.begin(), v.begin() + n); };
      ASSERT_EQ(a.island_of, b.island_of) << name << " scenario " << sc;
      ASSERT_EQ(head(a.island_ref), head(b.island_ref)) << name << " scenario " << sc;
      ASSERT_EQ(head(a.island_demand), head(b.island_demand)) << name << " scenario " << sc;
      ASSERT_EQ(head(a.island_shed), head(b.island_shed)) << name << " scenario " << sc;
      ASSERT_EQ(head(a.island_served_ratio), head(b.island_served_ratio)) << name << " scenario " << sc;
      ASSERT_EQ(head(a.island_kind), head(b.island_kind)) << name << " scenario " << sc;
      ASSERT_EQ(a.shed_mw, b.shed_mw) << name << " scenario " << sc;
      ASSERT_EQ(a.injection_mw, b.injection_mw) << name << " scenario " << sc;
      ASSERT_EQ(a.theta_rad, b.theta_rad) << name << " scenario " << sc << " round " << step;
      ASSERT_EQ(a.flow_mw, b.flow_mw) << name << " scenario " << sc << " round " << step;
      list_overloads(base, a, threshold, overloaded);
      list_overloads(base, b, threshold, whole_overloaded);
      ASSERT_EQ(overloaded, whole_overloaded) << name << " scenario " << sc << " round " << step;
    }
  }
  // The comparison means something only if rounds left islands untouched.
  EXPECT_GT(touched_rounds, rounds / 10) << name << ": " << touched_rounds << " of " << rounds << " rounds";
}

TEST(FastSolver, CascadeRoundsEqualWholeSolvesBitForBit) {
  check_rounds_against_whole_solves("pglib_opf_case118_ieee", 300, 20);
  check_rounds_against_whole_solves("pglib_opf_case300_ieee", 300, 20);
  check_rounds_against_whole_solves("pglib_opf_case1354_pegase", 60, 10);
}

}  // namespace
}  // namespace sre
