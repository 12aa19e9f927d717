// Response `opf` (least load shed by re-dispatch): hand-solved networks, MATPOWER's
// minimum-shed reference (data/reference/*/min_shed.csv), an independent LP, and its
// relation to the dc and cascade responses.
#include <gtest/gtest.h>

#include <ClpSimplex.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>

#include "flow/base_case.hpp"
#include "io/csv_table.hpp"
#include "dispatch/dc_opf.hpp"
#include "flow/flow_solver.hpp"
#include "response/scenario_evaluator.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;

// tol 0: the cascade these tests compare with trips at the first MW above the limit.
ResponseOptions opts(ResponseKind kind) {
  ResponseOptions o;
  o.kind = kind;
  o.tol = 0.0;
  return o;
}

TEST(OpfResponse, LineLimitForcesShedAtTheLoadBus) {
  // kParallelPaths4 without bus 4: 1-3 direct (x 0.1, 60 MW) and 1-2-3 (x 0.2, 90 MW).
  // The direct line takes 2/3 of the transfer, so at most 90 MW reach bus 3: 10 MW shed.
  const Network net = test::network_from_text(test::kParallelPaths4);
  const BaseCase base = make_base_case(net);
  ScenarioEvaluator opf(base, opts(ResponseKind::kOpf), make_reference_flow_solver(net));
  const std::vector<int> destroy{3};
  const SampleOutcome r = opf.evaluate(destroy);
  EXPECT_NEAR(r.shed_mw, 10.0, 1e-7);
  EXPECT_NEAR(r.redispatch_mw, 10.0, 1e-7);
  EXPECT_EQ(r.n_overloaded_first, 1);
  EXPECT_NEAR(r.max_loading_first, (200.0 / 3.0) / 60.0, 1e-9);
  EXPECT_EQ(r.n_tripped, 0);
  const GridState& s = opf.state();
  EXPECT_NEAR(s.injection_mw[2], -90.0, 1e-7);
  EXPECT_NEAR(s.injection_mw[0], 90.0, 1e-7);
  EXPECT_NEAR(s.flow_mw[0], 60.0, 1e-7);
  EXPECT_NEAR(s.island_served_ratio[0], 0.9, 1e-9);

  // dc leaves the overload, cascade trips 1-3 then 1-2-3 and sheds all 100 MW.
  ScenarioEvaluator dc(base, opts(ResponseKind::kDc), make_reference_flow_solver(net));
  ScenarioEvaluator cascade(base, opts(ResponseKind::kCascade), make_reference_flow_solver(net));
  EXPECT_EQ(dc.evaluate(destroy).shed_mw, 0.0);
  EXPECT_NEAR(cascade.evaluate(destroy).shed_mw, 100.0, 1e-9);

  // Nothing binds without the strike: no LP, nothing shed or moved.
  const SampleOutcome none = opf.evaluate(Outages{});
  EXPECT_EQ(none.shed_mw, 0.0);
  EXPECT_EQ(none.redispatch_mw, 0.0);
}

TEST(OpfResponse, ShortIslandShedsCapacityGapAndDeadIslandsEverything) {
  // kRadial3: gen at 1 (Pg 60, Pmax 100), loads 30 at 2 and 50 at 3. Destroy bus 2:
  // bus 1 alone (no demand), bus 3 dead: 30 + 50 shed.
  const Network net = test::network_from_text(test::kRadial3);
  const BaseCase base = make_base_case(net);
  ScenarioEvaluator opf(base, opts(ResponseKind::kOpf), make_reference_flow_solver(net));
  const std::vector<int> destroy{1};
  const SampleOutcome r = opf.evaluate(destroy);
  EXPECT_NEAR(r.shed_mw, 80.0, 1e-12);
  EXPECT_EQ(r.n_dead_islands, 1);
}

// MATPOWER's min-shed study: rateA limits (no grandfathering), Pmin 0, base = DC OPF dispatch.
class MinShedReference : public ::testing::TestWithParam<std::string> {};

TEST_P(MinShedReference, MatchesMatpower) {
  const std::string name = GetParam();
  const Network net = apply_dispatch(load_network(test::data_path("cases/" + name + ".m")), Dispatch::kDcopf, 0.5).net;
  BaseCase base = make_base_case(net);
  // The OPF base state sits within rateA (up to round-off), so grandfathering changes
  // nothing material; use rateA exactly as the reference does.
  for (int e : base.limited_branches) {
    EXPECT_LE(std::abs(base.state.flow_mw[e]), net.br_rate_a[e] + 1e-6) << "branch row " << e + 1;
    base.limit_mw[e] = net.br_rate_a[e];
  }
  ScenarioEvaluator ev(base, opts(ResponseKind::kOpf), make_reference_flow_solver(net));
  const CsvTable t = read_csv(test::data_path("reference/" + name + "/min_shed.csv"));
  const int c_removed = t.column("removed_buses"), c_shed = t.column("shed_mw"), c_rd = t.column("removed_demand_mw"),
            c_isl = t.column("n_islands");
  ASSERT_EQ(t.rows.size(), 20u);
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    std::vector<int> buses;
    std::stringstream ids(t.rows[row][c_removed]);
    std::string id;
    while (std::getline(ids, id, ';')) buses.push_back(net.bus_index(std::stoll(id)));
    const SampleOutcome& r = ev.evaluate(buses);
    const double ref = t.number(row, c_shed);
    EXPECT_NEAR(r.shed_mw - t.number(row, c_rd), ref, 1e-6 * std::max(1.0, ref)) << name << " scenario " << row + 1;
    EXPECT_EQ(r.n_islands, static_cast<int>(t.number(row, c_isl))) << name << " scenario " << row + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, MinShedReference,
                         ::testing::Values("pglib_opf_case118_ieee", "pglib_opf_case300_ieee", "pglib_opf_case2383wp_k"));

// An independent formulation: angles only (no flow variables), one column per generator,
// the whole post-strike network at once, built from scratch (no warm start).
double independent_min_shed(const Network& net, const BaseCase& base, const GridState& s) {
  const int nb = net.n_bus();
  ClpSimplex m;
  m.setLogLevel(0);
  std::vector<int> theta(nb, -1), served(nb, -1), curt(nb, -1);
  // rows: bus balances (supply - served - sum_out flow = 0)
  double shed_fixed = 0.0;
  std::vector<std::vector<std::pair<int, double>>> cols;
  std::vector<double> clo, cup, obj;
  auto col = [&](double lo, double hi, double c) {
    cols.emplace_back();
    clo.push_back(lo);
    cup.push_back(hi);
    obj.push_back(c);
    return static_cast<int>(cols.size()) - 1;
  };
  for (int i = 0; i < nb; ++i) {
    if (!s.bus_alive[i]) {
      shed_fixed += net.bus_demand_pos[i];
      continue;
    }
    theta[i] = col(s.island_ref[s.island_of[i]] == i ? 0.0 : -COIN_DBL_MAX, s.island_ref[s.island_of[i]] == i ? 0.0 : COIN_DBL_MAX, 0.0);
    const double d = net.bus_demand[i];
    if (d > 0.0) {
      served[i] = col(0.0, d, -1.0);
      cols[served[i]].push_back({i, -1.0});
    } else if (d < 0.0) {
      curt[i] = col(0.0, -d, 0.0);
      cols[curt[i]].push_back({i, 1.0});
    }
  }
  for (int g = 0; g < net.n_gen(); ++g) {
    if (!net.gen_in_service[g] || !s.bus_alive[net.gen_bus[g]] || net.gen_pg[g] < 0.0) continue;
    const int c = col(0.0, std::max(net.gen_pmax[g], net.gen_pg[g]), 0.0);
    cols[c].push_back({net.gen_bus[g], 1.0});
  }
  std::vector<double> rlo(nb, 0.0), rup(nb, 0.0);
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!s.branch_alive[e]) continue;
    const int f = net.br_from[e], t = net.br_to[e];
    const double k = net.base_mva * net.br_b[e], kphi = k * net.br_shift_rad[e];
    // balance: ... - flow_e at f, + flow_e at t, flow = k(th_f - th_t) - kphi
    cols[theta[f]].push_back({f, -k});
    cols[theta[t]].push_back({f, k});
    cols[theta[f]].push_back({t, k});
    cols[theta[t]].push_back({t, -k});
    rlo[f] -= kphi;
    rup[f] -= kphi;
    rlo[t] += kphi;
    rup[t] += kphi;
    if (base.limit_mw[e] > 0.0) {
      const int r = static_cast<int>(rlo.size());
      rlo.push_back(-base.limit_mw[e] + kphi);
      rup.push_back(base.limit_mw[e] + kphi);
      cols[theta[f]].push_back({r, k});
      cols[theta[t]].push_back({r, -k});
    }
  }
  std::vector<CoinBigIndex> start{0};
  std::vector<int> index;
  std::vector<double> value;
  for (auto& c : cols) {
    std::map<int, double> merged;
    for (auto [r, v] : c) merged[r] += v;
    for (auto [r, v] : merged) {
      index.push_back(r);
      value.push_back(v);
    }
    start.push_back(static_cast<CoinBigIndex>(index.size()));
  }
  m.loadProblem(static_cast<int>(cols.size()), static_cast<int>(rlo.size()), start.data(), index.data(), value.data(),
                clo.data(), cup.data(), obj.data(), rlo.data(), rup.data());
  m.primal();
  EXPECT_TRUE(m.isProvenOptimal());
  double served_total = 0.0, demand = 0.0;
  for (int i = 0; i < nb; ++i)
    if (s.bus_alive[i] && net.bus_demand_pos[i] > 0.0) {
      demand += net.bus_demand_pos[i];
      served_total += m.primalColumnSolution()[served[i]];
    }
  return shed_fixed + demand - served_total;
}

class OpfRandom : public ::testing::TestWithParam<std::string> {};

TEST_P(OpfRandom, BetweenProportionalAndCascadeAndMatchesIndependentLp) {
  const std::string name = GetParam();
  const Network net = apply_dispatch(load_network(test::data_path("cases/" + name + ".m")), Dispatch::kDcopf, 0.5).net;
  const BaseCase base = make_base_case(net);
  ScenarioEvaluator opf(base, opts(ResponseKind::kOpf), make_reference_flow_solver(net));
  ScenarioEvaluator opf2(base, opts(ResponseKind::kOpf), make_reference_flow_solver(net));
  ScenarioEvaluator dc(base, opts(ResponseKind::kDc), make_reference_flow_solver(net));
  ScenarioEvaluator cascade(base, opts(ResponseKind::kCascade), make_reference_flow_solver(net));
  std::mt19937 rng(20240617);
  int n_lp = 0, n_cascade_better = 0;
  for (int sample = 0; sample < 150; ++sample) {
    std::vector<int> buses;
    const int k = 1 + static_cast<int>(rng() % 4);
    while (static_cast<int>(buses.size()) < k) {
      const int i = static_cast<int>(rng() % net.n_bus());
      if (std::find(buses.begin(), buses.end(), i) == buses.end()) buses.push_back(i);
    }
    const SampleOutcome o = opf.evaluate(buses);
    const double d = dc.evaluate(buses).shed_mw;
    const SampleOutcome c = cascade.evaluate(buses);
    const std::string what = name + " sample " + std::to_string(sample);
    // The proportional shed of each island is the capacity gap, a lower bound.
    EXPECT_GE(o.shed_mw, d - 1e-7) << what;
    if (o.n_overloaded_first == 0) EXPECT_NEAR(o.shed_mw, d, 1e-7) << what;
    else ++n_lp;
    if (!c.cap_hit) {
      EXPECT_LE(o.shed_mw, c.shed_mw + 1e-6) << what;
      n_cascade_better += o.shed_mw > c.shed_mw + 1e-6;
    }
    EXPECT_NEAR(o.shed_mw, independent_min_shed(net, base, opf.state()), 1e-6 * std::max(1.0, o.shed_mw)) << what;
    // The final flows respect every limit.
    std::vector<int> over;
    find_overloads(base, opf.state(), overload_thresholds(base, 0.0), over);
    EXPECT_TRUE(over.empty()) << what;
    // A pure function of the scenario: the same bits whatever ran before.
    if (sample % 10 == 0) {
      const SampleOutcome again = opf2.evaluate(buses);
      EXPECT_EQ(again.shed_mw, o.shed_mw) << what;
      EXPECT_EQ(again.redispatch_mw, o.redispatch_mw) << what;
    }
  }
  EXPECT_GT(n_lp, 0) << "no sample needed the LP; the test exercises nothing";
  EXPECT_EQ(n_cascade_better, 0);
}

INSTANTIATE_TEST_SUITE_P(Cases, OpfRandom, ::testing::Values("pglib_opf_case30_ieee", "pglib_opf_case118_ieee"));

}  // namespace
}  // namespace sre
