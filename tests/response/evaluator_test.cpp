// Hand-computed small networks for each response, balancing case, islanding and cascades.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "flow/base_case.hpp"
#include "flow/dc_power_flow.hpp"
#include "response/scenario_evaluator.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

using test::network_from_text;

SampleOutcome evaluate(const BaseCase& base, ResponseOptions opt, std::vector<int> destroyed,
                       GridState* final_state = nullptr) {
  ScenarioEvaluator ev(base, opt, make_reference_flow_solver(*base.net));
  SampleOutcome o = ev.evaluate(destroyed);
  if (final_state) *final_state = ev.state();
  return o;
}

// tol 0: these networks are set up to trip at the first MW above the limit, which also
// makes the most cascade rounds to check.
ResponseOptions response(ResponseKind k, CascadeRule r = CascadeRule::kAll) {
  ResponseOptions o;
  o.kind = k;
  o.rule = r;
  o.tol = 0.0;
  return o;
}

TEST(Radial3, BaseStateScalesUpByHeadroom) {
  const Network net = network_from_text(test::kRadial3);
  const BaseCase base = make_base_case(net);
  // D = 80, S0 = 60, C = 100: generation moves up by (80-60)/(100-60) = 1/2 of its headroom, to 80 MW.
  EXPECT_NEAR(base.state.injection_mw[0], 80.0, 1e-12);
  EXPECT_NEAR(base.state.flow_mw[0], 80.0, 1e-9);  // 1 -> 2 carries both loads
  EXPECT_NEAR(base.state.flow_mw[1], 50.0, 1e-9);  // 2 -> 3 carries bus 3's load
  EXPECT_EQ(base.shed_mw, 0.0);
}

TEST(Radial3, DestroyingTheMiddleBusLeavesADeadIsland) {
  const Network net = network_from_text(test::kRadial3);
  const BaseCase base = make_base_case(net);
  for (ResponseKind k : {ResponseKind::kTopology, ResponseKind::kDc, ResponseKind::kCascade}) {
    const SampleOutcome o = evaluate(base, response(k), {1});
    // Bus 2's 30 MW is destroyed; bus 3 (50 MW) is cut off from any supply: all 80 MW shed.
    EXPECT_NEAR(o.shed_mw, 80.0, 1e-12);
    EXPECT_NEAR(o.shed_fraction, 1.0, 1e-15);
    EXPECT_EQ(o.n_islands, 2);       // {1} and {3}
    EXPECT_EQ(o.n_dead_islands, 1);  // {3}: demand, no supply; {1} has no demand
    if (k == ResponseKind::kTopology) {
      EXPECT_TRUE(std::isnan(o.max_loading_first));
    } else {
      EXPECT_EQ(o.max_loading_first, 0.0);  // no branch has a limit
    }
  }
}

TEST(Radial3, DestroyingTheLoadEndBusScalesGenerationDown) {
  const Network net = network_from_text(test::kRadial3);
  const BaseCase base = make_base_case(net);
  GridState s;
  const SampleOutcome o = evaluate(base, response(ResponseKind::kDc), {2}, &s);
  // Island {1, 2}: D = 30 <= S0 = 60, so the generator is scaled by 30/60 to 30 MW.
  EXPECT_NEAR(o.shed_mw, 50.0, 1e-12);
  EXPECT_NEAR(s.injection_mw[0], 30.0, 1e-12);
  EXPECT_NEAR(s.flow_mw[0], 30.0, 1e-9);
  EXPECT_EQ(s.flow_mw[1], 0.0);
  EXPECT_EQ(o.n_islands, 1);
}

TEST(Radial3, DestroyingTheGeneratorShedsEverything) {
  const Network net = network_from_text(test::kRadial3);
  const BaseCase base = make_base_case(net);
  const SampleOutcome o = evaluate(base, response(ResponseKind::kCascade), {0});
  EXPECT_NEAR(o.shed_mw, 80.0, 1e-12);
  EXPECT_EQ(o.n_dead_islands, 1);
  EXPECT_EQ(o.n_tripped, 0);
}

TEST(ParallelPaths4, BaseFlowSplitsByConductance) {
  const Network net = network_from_text(test::kParallelPaths4);
  const BaseCase base = make_base_case(net);
  // Paths 1-3 (x 0.1), 1-2-3 (x 0.2), 1-4-3 (x 0.2): conductances 10 : 5 : 5, so the
  // direct line carries 100 * 10/20 = 50 MW and each two-hop path 25 MW.
  EXPECT_NEAR(base.state.flow_mw[0], 50.0, 1e-9);
  EXPECT_NEAR(base.state.flow_mw[1], 25.0, 1e-9);
  EXPECT_NEAR(base.state.flow_mw[4], 25.0, 1e-9);
  EXPECT_EQ(base.n_grandfathered, 0);
}

TEST(ParallelPaths4, DcCountsTheOverloadAndTripsNothing) {
  const Network net = network_from_text(test::kParallelPaths4);
  const BaseCase base = make_base_case(net);
  // Without bus 4: conductances 10 : 5, the direct line carries 200/3 = 66.67 MW > 60.
  const SampleOutcome o = evaluate(base, response(ResponseKind::kDc), {3});
  EXPECT_EQ(o.n_overloaded_first, 1);
  EXPECT_NEAR(o.max_loading_first, (200.0 / 3.0) / 60.0, 1e-12);
  EXPECT_EQ(o.n_tripped, 0);
  EXPECT_EQ(o.cascade_steps, 0);
  EXPECT_EQ(o.shed_mw, 0.0);
}

TEST(ParallelPaths4, CascadeRuleAllTripsBothRemainingPathsAndShedsTheLoad) {
  const Network net = network_from_text(test::kParallelPaths4);
  const BaseCase base = make_base_case(net);
  // Round 1 trips 1-3 (66.67 > 60); all 100 MW then flow over 1-2-3, > 90 on both:
  // round 2 trips both, bus 3 is alone without supply: 100 MW shed.
  GridState s;
  const SampleOutcome o = evaluate(base, response(ResponseKind::kCascade, CascadeRule::kAll), {3}, &s);
  EXPECT_EQ(o.cascade_steps, 2);
  EXPECT_EQ(o.n_tripped, 3);
  EXPECT_FALSE(o.cap_hit);
  EXPECT_NEAR(o.shed_mw, 100.0, 1e-12);
  EXPECT_EQ(o.n_islands, 3);  // {1}, {2}, {3}
  EXPECT_EQ(o.n_dead_islands, 1);
  EXPECT_TRUE(s.branch_tripped[0] && s.branch_tripped[1] && s.branch_tripped[2]);
}

TEST(ParallelPaths4, CascadeRuleWorstTripsOneBranchPerRoundLowestIndexOnTies) {
  const Network net = network_from_text(test::kParallelPaths4);
  const BaseCase base = make_base_case(net);
  // Round 2: 1-2 and 2-3 are equally loaded (100/90); the lower index (1-2) trips,
  // which already cuts {2, 3} off the generator.
  GridState s;
  const SampleOutcome o = evaluate(base, response(ResponseKind::kCascade, CascadeRule::kWorst), {3}, &s);
  EXPECT_EQ(o.cascade_steps, 2);
  EXPECT_EQ(o.n_tripped, 2);
  EXPECT_TRUE(s.branch_tripped[0] && s.branch_tripped[1]);
  EXPECT_FALSE(s.branch_tripped[2]);
  EXPECT_NEAR(o.shed_mw, 100.0, 1e-12);
  EXPECT_EQ(o.n_islands, 2);
}

TEST(ParallelPaths4, StepCapIsReported) {
  const Network net = network_from_text(test::kParallelPaths4);
  const BaseCase base = make_base_case(net);
  ResponseOptions opt = response(ResponseKind::kCascade);
  opt.max_steps = 1;
  const SampleOutcome o = evaluate(base, opt, {3});
  EXPECT_EQ(o.cascade_steps, 1);
  EXPECT_TRUE(o.cap_hit);  // 1-2 and 2-3 are still overloaded after one round
  EXPECT_EQ(o.shed_mw, 0.0);
}

TEST(ParallelPaths4, ToleranceKeepsAMildOverloadInService) {
  const Network net = network_from_text(test::kParallelPaths4);
  const BaseCase base = make_base_case(net);
  ResponseOptions opt = response(ResponseKind::kCascade);
  opt.tol = 0.2;  // 66.67 < 60 * 1.2 = 72
  const SampleOutcome o = evaluate(base, opt, {3});
  EXPECT_EQ(o.n_overloaded_first, 0);
  EXPECT_EQ(o.n_tripped, 0);
}

TEST(Shifter3, ProportionalBalanceAndPhaseShifterFlows) {
  const Network net = network_from_text(test::kShifter3);
  const BaseCase base = make_base_case(net);
  // D = 180 + 20 (Gs) = 200, S0 = 100, C = 230: each unit moves up 100/130 of its headroom.
  const double f = 100.0 / 130.0;
  const double g1 = 50 + f * 30, g2 = 50 + f * 100;
  EXPECT_NEAR(base.state.injection_mw[0], g1, 1e-12);
  EXPECT_NEAR(base.state.injection_mw[1], g2, 1e-12);
  // Reduced system (b = 10 p.u. per branch, theta_1 = 0), shift phi on 2-3 moves
  // b*phi of injection from bus 3 to bus 2:  [20 -10; -10 20] [t2; t3] = [p2 + b phi; p3 - b phi].
  const double phi = 5.0 * std::numbers::pi / 180.0, b = 10.0;
  const double r2 = g2 / 100 + b * phi, r3 = -2.0 - b * phi;
  const double t2 = (20 * r2 + 10 * r3) / 300, t3 = (10 * r2 + 20 * r3) / 300;
  EXPECT_NEAR(base.state.flow_mw[0], 100 * b * (0 - t2), 1e-9);
  EXPECT_NEAR(base.state.flow_mw[1], 100 * b * (0 - t3), 1e-9);
  EXPECT_NEAR(base.state.flow_mw[2], 100 * b * (t2 - t3 - phi), 1e-9);
  // Kirchhoff at bus 3: everything arriving is its demand.
  EXPECT_NEAR(base.state.flow_mw[1] + base.state.flow_mw[2], 200.0, 1e-9);
}

TEST(Shifter3, OverCapacityIslandShedsTheShortfallProportionally) {
  const Network net = network_from_text(test::kShifter3);
  const BaseCase base = make_base_case(net);
  GridState s;
  // Without bus 2: D = 200 > C = 80, the generator runs at 80 and every demand is served at 80/200.
  const SampleOutcome o = evaluate(base, response(ResponseKind::kDc), {1}, &s);
  EXPECT_NEAR(o.shed_mw, 120.0, 1e-12);
  EXPECT_NEAR(s.island_served_ratio[s.island_of[2]], 0.4, 1e-15);
  EXPECT_NEAR(s.flow_mw[1], 80.0, 1e-9);
}

TEST(SlackPowerFlow, SlackTakesTheMismatch) {
  const Network net = network_from_text(test::kShifter3);
  const PowerFlowResult r = run_dc_power_flow(net, Balance::kSlack);
  // Generator 2 keeps 50 MW; the reference unit takes 200 - 50 = 150 MW.
  EXPECT_NEAR(r.gen_pg[0], 150.0, 1e-9);
  EXPECT_NEAR(r.gen_pg[1], 50.0, 1e-12);
}


// find_overloads skips most divisions; its highest loading must still be the plain
// maximum of |flow| / limit, bit for bit, and its list the branches past the test. Both
// scans: every branch limited (blocks with a SIMD test first), and every seventh branch
// unlimited, as many are in case9241pegase (one pass over the limited branches alone).
// Unlimited branches carry large flows that neither scan may list in some trials, and
// small ones in the others (so that a block test misaligned with the branches would
// miss overloads).
TEST(FindOverloads, MaximumAndListMatchAPlainScan) {
  for (const bool some_unlimited : {false, true}) {
    Network net = load_network(test::data_path("cases/pglib_opf_case118_ieee.m"));
    if (some_unlimited)
      for (int e = 0; e < net.n_branch(); e += 7) net.br_rate_a[e] = 0.0;
    const BaseCase base = make_base_case(net);
    ASSERT_EQ(base.limited_branches.size() < static_cast<std::size_t>(net.n_branch()), some_unlimited);
    GridState s = base.state;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(-1.3, 1.3);
    std::vector<int> overloaded;
    for (int trial = 0; trial < 500; ++trial) {
      for (int e = 0; e < net.n_branch(); ++e)
        s.flow_mw[e] = base.limit_mw[e] > 0 ? u(rng) * base.limit_mw[e] : (trial % 3 ? 1e-3 : 1e4) * u(rng);
      if (trial % 5 == 0) s.flow_mw[base.limited_branches[trial % base.limited_branches.size()]] = 0.0;
      const double tol = trial % 2 ? 0.1 : 0.0;
      std::vector<int> listed;
      const std::vector<double> threshold = overload_thresholds(base, tol);
      list_overloads(base, s, threshold, listed);
      const double worst = find_overloads(base, s, threshold, overloaded);
      ASSERT_EQ(listed, overloaded) << trial;
      double plain = 0.0;
      std::vector<int> expect;
      for (int e : base.limited_branches) {
        const double r = std::abs(s.flow_mw[e]) / base.limit_mw[e];
        plain = std::max(plain, r);
        if (std::abs(s.flow_mw[e]) > base.limit_mw[e] * (1.0 + tol) + 1e-6 + 1e-9 * base.limit_mw[e])
          expect.push_back(e);
      }
      ASSERT_EQ(worst, plain) << some_unlimited << " " << trial;
      ASSERT_EQ(overloaded, expect) << some_unlimited << " " << trial;
    }
  }
}

// Rule worst: the highest loading wins, and loadings a rounding apart (series branches
// through a bus with nothing else attached) tie, so the lowest index wins whatever the
// rounding of either solver path.
TEST(WorstOverload, HighestLoadingAndLowestIndexOnRoundingTies) {
  const Network net = load_network(test::data_path("cases/pglib_opf_case118_ieee.m"));
  const BaseCase base = make_base_case(net);
  GridState s = base.state;
  const int a = base.limited_branches[3], b = base.limited_branches[7], c = base.limited_branches[11];
  const std::vector<int> overloaded = {a, b, c};
  s.flow_mw[a] = 1.2 * base.limit_mw[a];
  s.flow_mw[b] = -1.5 * base.limit_mw[b];
  s.flow_mw[c] = 1.3 * base.limit_mw[c];
  EXPECT_EQ(worst_overload(base, s, overloaded), b);  // |P| counts, not its sign
  // b and c tied up to a few roundings, c a hair above: b, the lower index, trips.
  s.flow_mw[c] = 1.5 * base.limit_mw[c] * (1.0 + 4e-16);
  ASSERT_GT(std::abs(s.flow_mw[c]) / base.limit_mw[c], std::abs(s.flow_mw[b]) / base.limit_mw[b]);
  EXPECT_EQ(worst_overload(base, s, overloaded), b);
  // A real difference (well past the tie tolerance) wins.
  s.flow_mw[c] = 1.5 * base.limit_mw[c] * (1.0 + 1e-6);
  EXPECT_EQ(worst_overload(base, s, overloaded), c);
}

}  // namespace
}  // namespace sre
