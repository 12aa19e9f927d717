// The responses `operator` and `opf` on their fast path (fast flow solver, reduced LP on
// kernels::DenseDualSimplex) against the simple path (reference flow solver, protection
// rounds refactorising per island, then the whole network's B-theta LP in Clp), on
// random strikes of the bundled cases with the default N-1-secure dispatch: the same
// shed to 1e-6 MW, trips, steps and islands exactly, the same served fraction per bus;
// and the invariants of the final state (within the normal limits, balanced per island).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "flow/base_case.hpp"
#include "dispatch/dc_opf.hpp"
#include "flow/flow_solver.hpp"
#include "response/scenario_evaluator.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

std::vector<int> random_buses(const Network& net, int k, std::mt19937_64& rng) {
  std::vector<int> alive;
  for (int i = 0; i < net.n_bus(); ++i)
    if (net.bus_in_service[i]) alive.push_back(i);
  std::shuffle(alive.begin(), alive.end(), rng);
  alive.resize(k);
  std::sort(alive.begin(), alive.end());
  return alive;
}

double served_fraction(const GridState& s, int i) {
  const int k = s.island_of[i];
  if (k < 0) return 0.0;
  return s.any_redispatched && s.island_redispatched[k] ? s.bus_served_ratio[i] : s.island_served_ratio[k];
}

// Invariants of a final state: served fractions in [0, 1]; every re-dispatched island within
// its limited branches' normal limits (the overload test's margins) and balanced; the
// state's shed the sum of the islands' and the destroyed buses'.
void expect_invariants(const BaseCase& base, const GridState& s, const std::string& where) {
  const Network& net = *base.net;
  double shed = s.destroyed_demand;
  for (int k = 0; k < s.n_islands; ++k) {
    shed += s.island_shed[k];
    if (!(s.any_redispatched && s.island_redispatched[k])) continue;
    double balance = 0.0, scale = 1.0;
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      balance += s.injection_mw[i];
      scale += std::abs(s.injection_mw[i]);
    }
    EXPECT_LE(std::abs(balance), 1e-7 * scale) << where << " island " << k;
  }
  EXPECT_NEAR(s.shed_mw, shed, 1e-6 * (1.0 + shed)) << where;
  for (int i = 0; i < net.n_bus(); ++i) {
    if (!s.bus_alive[i] || net.bus_demand_pos[i] <= 0.0) continue;
    const double f = served_fraction(s, i);
    EXPECT_GE(f, 0.0) << where;
    EXPECT_LE(f, 1.0) << where;
  }
  for (int e : base.limited_branches) {
    const int k = s.island_of[net.br_from[e]];
    if (k < 0 || !(s.any_redispatched && s.island_redispatched[k]) || !s.branch_alive[e]) continue;
    const double lim = base.limit_mw[e];
    EXPECT_LE(std::abs(s.flow_mw[e]), lim + 1e-6 + 1e-9 * lim) << where << " branch row " << e + 1;
  }
}

// Mixed element outages (model section 4): up to two destroyed buses, one to max_k branch
// cuts (every fourth scenario also every branch at one bus, islanding it alive) and up to
// three lost units.
Outages mixed_outages(const Network& net, int max_k, std::mt19937_64& rng, std::vector<int>& buses,
                      std::vector<int>& branches, std::vector<int>& gens) {
  buses = random_buses(net, static_cast<int>(rng() % 3), rng);
  branches.clear();
  gens.clear();
  const int nk = 1 + static_cast<int>(rng() % max_k);
  for (int j = 0; j < nk; ++j) {
    const int e = static_cast<int>(rng() % net.n_branch());
    if (net.br_in_service[e]) branches.push_back(e);
  }
  if (rng() % 4 == 0) {
    const int c = static_cast<int>(rng() % net.n_bus());
    for (int a = net.adj_offset[c]; a < net.adj_offset[c + 1]; ++a) branches.push_back(net.adj_branch[a]);
  }
  const int ng = static_cast<int>(rng() % 4);
  for (int j = 0; j < ng; ++j) {
    const int g = static_cast<int>(rng() % net.n_gen());
    if (net.gen_in_service[g] && net.gen_pg[g] >= 0.0) gens.push_back(g);
  }
  return Outages{buses, branches, gens};
}

// mixed: scenarios of mixed element outages after the `scenarios` bus strikes.
void compare(const std::string& name, ResponseKind kind, int scenarios, int max_k, std::uint64_t seed, int mixed = 0) {
  const Network net =
      apply_dispatch(load_network(test::data_path("cases/" + name + ".m")), Dispatch::kScopf, 0.5).net;
  const BaseCase base = make_base_case(net);
  ResponseOptions fast_options;
  fast_options.kind = kind;
  ResponseOptions simple_options = fast_options;
  simple_options.full_lp = true;
  ScenarioEvaluator fast(base, fast_options, make_fast_flow_solver(net));
  ScenarioEvaluator simple(base, simple_options, make_reference_flow_solver(net));
  std::mt19937_64 rng(seed);
  int redispatched = 0, shed_by_lp = 0, failures = 0, mixed_redispatched = 0;
  std::vector<int> buses, branches, gens;
  for (int t = 0; t < scenarios + mixed && failures < 5; ++t) {
    const bool is_mixed = t >= scenarios;
    const Outages outages = is_mixed ? mixed_outages(net, max_k, rng, buses, branches, gens)
                                     : Outages{buses = random_buses(net, 1 + static_cast<int>(rng() % max_k), rng), {}, {}};
    const SampleOutcome a = fast.evaluate(outages);
    const SampleOutcome b = simple.evaluate(outages);
    const std::string where = name + (is_mixed ? " mixed scenario " : " scenario ") + std::to_string(t);
    const int before = ::testing::Test::HasFailure() ? 1 : 0;
    EXPECT_NEAR(a.shed_mw, b.shed_mw, 1e-6) << where;
    EXPECT_EQ(a.n_tripped, b.n_tripped) << where;
    EXPECT_EQ(a.cascade_steps, b.cascade_steps) << where;
    EXPECT_EQ(a.n_islands, b.n_islands) << where;
    EXPECT_EQ(a.n_overloaded_first, b.n_overloaded_first) << where;
    // The least redispatch among the least-shed points is ill-conditioned (the full form
    // holds the shed to 1e-9 MW, which can buy MWs of redispatch): 0.1 %.
    EXPECT_NEAR(a.redispatch_mw, b.redispatch_mw, 1e-3 * (1.0 + b.redispatch_mw)) << where;
    const GridState& sa = fast.state();
    const GridState& sb = simple.state();
    EXPECT_EQ(sa.any_redispatched, sb.any_redispatched) << where;
    // Where the least-shed points are many, the tie rule's perturbation picks the split of
    // the shed among buses only as finely as the LPs' tolerances allow: about 1 scenario in
    // 1000 of case118 splits differently by up to ~1e-5 between the two forms (bus strikes
    // alone too, with k up to 8); the shed itself agrees to 1e-6 MW. The long mixed runs
    // meet such scenarios, so they allow 1e-4.
    const double split_tol = is_mixed ? 1e-4 : 1e-6;
    for (int i = 0; i < net.n_bus(); ++i) {
      if (!sa.bus_alive[i] || net.bus_demand_pos[i] <= 0.0) continue;
      EXPECT_NEAR(served_fraction(sa, i), served_fraction(sb, i), split_tol) << where << " bus " << net.bus_id[i];
    }
    expect_invariants(base, sa, where + " (fast)");
    expect_invariants(base, sb, where + " (simple)");
    if (is_mixed) {
      // A lost unit gives nothing in a re-dispatched island.
      for (int g : gens) {
        const int i = net.gen_bus[g];
        const int k = sa.island_of[i];
        if (k < 0 || !(sa.any_redispatched && sa.island_redispatched[k])) continue;
        EXPECT_LE(sa.injection_mw[i] + net.bus_demand_pos[i] * served_fraction(sa, i),
                  sa.supply_cap(net)[i] + 1e-6) << where << " unit " << g + 1;
      }
      mixed_redispatched += sa.any_redispatched;
    }
    redispatched += sa.any_redispatched;
    shed_by_lp += sa.any_redispatched && a.shed_mw > sa.destroyed_demand + 1e-6;
    failures += (::testing::Test::HasFailure() ? 1 : 0) - before > 0;
  }
  // The comparison covered islands that needed the LP, some of them with shed.
  EXPECT_GT(redispatched, (scenarios + mixed) / 10) << name;
  if (mixed > 0) {
    EXPECT_GT(mixed_redispatched, mixed / 20) << name << ": mixed outages never needed the LP";
  }
  ::testing::Test::RecordProperty(name + "_redispatched", redispatched);
  ::testing::Test::RecordProperty(name + "_shed_by_lp", shed_by_lp);
}

TEST(Redispatch, OperatorFastEqualsSimpleOnCase118) { compare("pglib_opf_case118_ieee", ResponseKind::kOperator, 1500, 6, 1); }
TEST(Redispatch, OperatorFastEqualsSimpleOnCase300) { compare("pglib_opf_case300_ieee", ResponseKind::kOperator, 1000, 6, 2); }
TEST(Redispatch, OpfFastEqualsSimpleOnCase118) { compare("pglib_opf_case118_ieee", ResponseKind::kOpf, 800, 6, 3); }
TEST(Redispatch, OperatorFastEqualsSimpleOnCase1354) { compare("pglib_opf_case1354_pegase", ResponseKind::kOperator, 60, 5, 4); }
TEST(Redispatch, OperatorFastEqualsSimpleOnCase2383) { compare("pglib_opf_case2383wp_k", ResponseKind::kOperator, 60, 5, 5); }

// tol 0 gives many protection rounds before the LP: the LP then works on the islands the
// cascade left, several per sample.
// Mixed element outages (bus, branch and generator targets together, islanding cuts
// included) on the fast and the simple path.
TEST(Redispatch, OperatorFastEqualsSimpleOnMixedOutagesCase118) {
  compare("pglib_opf_case118_ieee", ResponseKind::kOperator, 0, 8, 11, 600);
}
TEST(Redispatch, OpfFastEqualsSimpleOnMixedOutagesCase118) {
  compare("pglib_opf_case118_ieee", ResponseKind::kOpf, 0, 8, 12, 400);
}
TEST(Redispatch, OperatorFastEqualsSimpleOnMixedOutagesCase300) {
  compare("pglib_opf_case300_ieee", ResponseKind::kOperator, 0, 8, 13, 300);
}
TEST(Redispatch, OpfFastEqualsSimpleOnMixedOutagesCase30) {
  compare("pglib_opf_case30_ieee", ResponseKind::kOpf, 0, 6, 14, 600);
}

TEST(Redispatch, OperatorAfterLongCascadesOnCase118) {
  const Network net = apply_dispatch(load_network(test::data_path("cases/pglib_opf_case118_ieee.m")), Dispatch::kDcopf, 0.0).net;
  const BaseCase base = make_base_case(net);
  ResponseOptions o;
  o.kind = ResponseKind::kOperator;
  o.tol = 0.0;
  ResponseOptions r = o;
  r.full_lp = true;
  ScenarioEvaluator fast(base, o, make_fast_flow_solver(net));
  ScenarioEvaluator simple(base, r, make_reference_flow_solver(net));
  std::mt19937_64 rng(9);
  int tripped = 0;
  for (int t = 0; t < 300; ++t) {
    const std::vector<int> buses = random_buses(net, 1 + static_cast<int>(rng() % 4), rng);
    const SampleOutcome a = fast.evaluate(buses);
    const SampleOutcome b = simple.evaluate(buses);
    ASSERT_NEAR(a.shed_mw, b.shed_mw, 1e-6) << "scenario " << t;
    ASSERT_EQ(a.n_tripped, b.n_tripped) << "scenario " << t;
    ASSERT_EQ(a.n_islands, b.n_islands) << "scenario " << t;
    expect_invariants(base, fast.state(), "scenario " + std::to_string(t));
    tripped += a.n_tripped > 0;
  }
  EXPECT_GT(tripped, 30);
}

// Islanding forces a shed that no re-dispatch can avoid: the operator's is never below
// the topology response's. (It can be above the cascade's: protection leaves branches up
// to 1.5 x their rating in service, the operator brings them back within it.)
TEST(Redispatch, OperatorNeverBelowTopology) {
  const Network net = apply_dispatch(load_network(test::data_path("cases/pglib_opf_case300_ieee.m")), Dispatch::kScopf, 0.5).net;
  const BaseCase base = make_base_case(net);
  ResponseOptions op, topology;
  op.kind = ResponseKind::kOperator;
  topology.kind = ResponseKind::kTopology;
  ScenarioEvaluator a(base, op, make_fast_flow_solver(net));
  ScenarioEvaluator t(base, topology, make_fast_flow_solver(net));
  std::mt19937_64 rng(17);
  int above = 0;
  for (int s = 0; s < 1000; ++s) {
    const std::vector<int> buses = random_buses(net, 1 + static_cast<int>(rng() % 5), rng);
    const double shed = a.evaluate(buses).shed_mw, forced = t.evaluate(buses).shed_mw;
    EXPECT_GE(shed, forced - 1e-6) << "scenario " << s;
    above += shed > forced + 1e-3;
  }
  EXPECT_GT(above, 0);  // the limits do bind in some scenarios
}

}  // namespace
}  // namespace sre
