// Element outages through ScenarioEvaluator (the engine's path: islands, section 5's
// balancing, the response): branch cuts against MATPOWER (multi-branch contingencies and
// LODF N-1 flows), exhaustive N-1 on every bundled reference case with the fast and the
// reference solver, and small networks worked by hand (cuts that island, generator losses
// raising the others by their headroom, a bus and a unit struck together).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "flow/base_case.hpp"
#include "flow/flow_solver.hpp"
#include "io/csv_table.hpp"
#include "response/scenario_evaluator.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;

ResponseOptions response(ResponseKind k, bool full_lp = false) {
  ResponseOptions o;
  o.kind = k;
  o.tol = 0.0;
  o.full_lp = full_lp;
  return o;
}

Outages outages(const std::vector<int>& buses, const std::vector<int>& branches, const std::vector<int>& gens) {
  return Outages{buses, branches, gens};
}

// ---------------------------------------------------------------------------------------
// MATPOWER: the slack takes the mismatch. With every Pg at MATPOWER's solved value, S0 = D
// (to the files' 10 digits), so section 5's proportional balancing is MATPOWER's balance
// and a non-islanding branch outage moves nothing but the flows.

Network with_matpower_dispatch(const std::string& name) {
  Network net = load_network(test::data_path("cases/" + name + ".m"));
  const CsvTable gens = read_csv(test::data_path("reference/" + name + "/dcpf_gen.csv"));
  for (std::size_t r = 0; r < gens.rows.size(); ++r)
    net.gen_pg[static_cast<int>(gens.number(r, gens.column("index"))) - 1] = gens.number(r, gens.column("pg_mw"));
  aggregate_bus_supply(net);
  return net;
}

// |got - want| <= 1e-8 of the largest |want| (data/reference/README.md: 10 digits).
void expect_flows(const std::vector<std::pair<int, double>>& want, const GridState& s, const std::string& what) {
  double scale = 1.0;
  for (const auto& [e, f] : want) scale = std::max(scale, std::abs(f));
  int bad = 0;
  for (const auto& [e, f] : want)
    if (!(std::abs(s.flow_mw[e] - f) <= 1e-8 * scale) && bad++ < 3)
      ADD_FAILURE() << what << " branch row " << e + 1 << ": got " << s.flow_mw[e] << " want " << f;
}

class BranchOutageReference : public ::testing::TestWithParam<std::string> {};

TEST_P(BranchOutageReference, MultiBranchContingenciesMatchMatpower) {
  const std::string name = GetParam();
  const Network net = with_matpower_dispatch(name);
  const BaseCase base = make_base_case(net);
  ScenarioEvaluator ref(base, response(ResponseKind::kDc), make_reference_flow_solver(net));
  ScenarioEvaluator fast(base, response(ResponseKind::kDc), make_fast_flow_solver(net));
  const CsvTable t = read_csv(test::data_path("reference/" + name + "/contingency_branch_outages.csv"));
  const int c_id = t.column("scenario"), c_out = t.column("outaged_branches"), c_e = t.column("branch_index"),
            c_pf = t.column("pf_mw");
  std::map<int, std::vector<std::size_t>> rows;
  for (std::size_t r = 0; r < t.rows.size(); ++r) rows[std::stoi(t.rows[r][c_id])].push_back(r);
  ASSERT_EQ(rows.size(), 20u);
  for (const auto& [id, list] : rows) {
    std::vector<int> cut;
    std::stringstream items(t.rows[list.front()][c_out]);
    std::string item;
    while (std::getline(items, item, ';')) cut.push_back(std::stoi(item) - 1);
    ASSERT_GE(cut.size(), 2u);
    std::vector<std::pair<int, double>> want;
    for (std::size_t r : list) want.emplace_back(static_cast<int>(t.number(r, c_e)) - 1, t.number(r, c_pf));
    for (ScenarioEvaluator* ev : {&ref, &fast}) {
      const std::string what = name + (ev == &ref ? " reference" : " fast") + " scenario " + std::to_string(id);
      const SampleOutcome& o = ev->evaluate(outages({}, cut, {}));
      EXPECT_EQ(o.n_islands, 1) << what;
      EXPECT_LE(o.shed_mw, 1e-6) << what;
      const GridState& s = ev->state();
      for (int e : cut) EXPECT_EQ(s.flow_mw[e], 0.0) << what;
      // Every branch still in service is listed, and only those.
      ASSERT_EQ(want.size(), static_cast<std::size_t>(std::count(s.branch_alive.begin(), s.branch_alive.end(), 1))) << what;
      expect_flows(want, s, what);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BranchOutageReference,
                         ::testing::Values("pglib_opf_case30_ieee", "pglib_opf_case118_ieee", "pglib_opf_case300_ieee",
                                           "pglib_opf_case2383wp_k"),
                         [](const auto& param_info) { return param_info.param; });

// case118's LODF sample: pf_post(l) = pf(l) + LODF(l, k) pf(k), pf from rundcpf.
TEST(BranchOutageReference, LodfSampleMatchesSingleBranchCuts) {
  const std::string name = "pglib_opf_case118_ieee";
  const Network net = with_matpower_dispatch(name);
  const BaseCase base = make_base_case(net);
  ScenarioEvaluator ref(base, response(ResponseKind::kDc), make_reference_flow_solver(net));
  ScenarioEvaluator fast(base, response(ResponseKind::kDc), make_fast_flow_solver(net));
  const CsvTable pf = read_csv(test::data_path("reference/" + name + "/dcpf_branch.csv"));
  std::vector<double> base_flow(net.n_branch(), 0.0);
  for (std::size_t r = 0; r < pf.rows.size(); ++r)
    base_flow[static_cast<int>(pf.number(r, pf.column("index"))) - 1] = pf.number(r, pf.column("pf_mw"));
  const CsvTable t = read_csv(test::data_path("reference/" + name + "/lodf_sample.csv"));
  const int c_k = t.column("outaged_branch"), c_l = t.column("monitored_branch"), c_lodf = t.column("lodf");
  std::map<int, std::vector<std::pair<int, double>>> post;  // outaged k -> (l, pf_post(l))
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const int k = static_cast<int>(t.number(r, c_k)) - 1, l = static_cast<int>(t.number(r, c_l)) - 1;
    post[k].emplace_back(l, base_flow[l] + t.number(r, c_lodf) * base_flow[k]);
  }
  ASSERT_EQ(post.size(), 40u);
  for (const auto& [k, want] : post) {
    ASSERT_EQ(want.size(), 186u);
    for (ScenarioEvaluator* ev : {&ref, &fast}) {
      const std::string what = std::string(ev == &ref ? "reference" : "fast") + " cut of branch row " + std::to_string(k + 1);
      const int cut[] = {k};
      const SampleOutcome& o = ev->evaluate(Outages{{}, cut, {}});
      EXPECT_EQ(o.n_islands, 1) << what;
      EXPECT_EQ(o.n_tripped, 0) << what;  // a cut is not a trip
      EXPECT_EQ(ev->state().branch_tripped[k], 0) << what;
      expect_flows(want, ev->state(), what);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Exhaustive N-1 over every in-service branch of every bundled reference case: the fast
// solver's islands, shed and flows are the reference solver's (flows to 1e-9 of the
// largest), islanding cuts included: each cut is evaluated, none skipped.

std::vector<std::string> reference_cases() {
  std::vector<std::string> out;
  for (const auto& d : fs::directory_iterator(test::data_path("reference")))
    if (d.is_directory()) out.push_back(d.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Kirchhoff's current law at every bus of the state (the injections of live islands leave
// over the alive branches, dead islands and dead buses carry nothing), each live island
// balanced: with the branch law the flows are then the unique DC solution, whatever solver.
void expect_kirchhoff(const Network& net, const GridState& s, const std::string& what) {
  std::vector<double> out(net.n_bus(), 0.0);
  double fmax = 1.0;
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!s.branch_alive[e]) {
      ASSERT_EQ(s.flow_mw[e], 0.0) << what << " branch row " << e + 1;
      continue;
    }
    out[net.br_from[e]] += s.flow_mw[e];
    out[net.br_to[e]] -= s.flow_mw[e];
    fmax = std::max(fmax, std::abs(s.flow_mw[e]));
  }
  for (int i = 0; i < net.n_bus(); ++i) {
    const bool live = s.bus_alive[i] && s.island_kind[s.island_of[i]] == IslandKind::kLive;
    ASSERT_NEAR(out[i], live ? s.injection_mw[i] : 0.0, 1e-9 * fmax) << what << " bus " << net.bus_id[i];
  }
  for (int k = 0; k < s.n_islands; ++k) {
    double sum = 0.0;
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) sum += s.injection_mw[s.island_buses[p]];
    ASSERT_NEAR(sum, 0.0, 1e-9 * fmax) << what << " island " << k;
  }
}

// The fast solver solves every cut, each checked against Kirchhoff's law; the reference
// solver (which refactorises the whole network per cut) re-solves every stride-th
// islanding cut and every other_stride-th other one for the comparison (1 and 1: all).
void exhaustive_n1(const std::string& name, int stride, int other_stride) {
  const Network net = load_network(test::data_path("cases/" + name + ".m"));
  const BaseCase base = make_base_case(net);
  ScenarioEvaluator ref(base, response(ResponseKind::kDc), make_reference_flow_solver(net));
  ScenarioEvaluator fast(base, response(ResponseKind::kDc), make_fast_flow_solver(net));
  int evaluated = 0, compared = 0, islanding = 0, failures = 0, n_islanding = 0, n_other = 0;
  for (int e = 0; e < net.n_branch() && failures < 5; ++e) {
    if (!net.br_in_service[e]) continue;
    const int cut[] = {e};
    const std::string what = name + " cut of branch row " + std::to_string(e + 1);
    const int before = ::testing::Test::HasFailure();
    const SampleOutcome b = fast.evaluate(Outages{{}, cut, {}});
    const GridState& sb = fast.state();
    ++evaluated;
    EXPECT_EQ(sb.branch_alive[e], 0) << what;
    EXPECT_EQ(b.n_tripped, 0) << what;
    expect_kirchhoff(net, sb, what + " (fast)");
    if (b.n_islands > 1 ? n_islanding++ % stride == 0 : n_other++ % other_stride == 0) {
      const SampleOutcome a = ref.evaluate(Outages{{}, cut, {}});
      const GridState& sa = ref.state();
      ++compared;
      islanding += a.n_islands > 1;
      EXPECT_EQ(a.n_islands, b.n_islands) << what;
      EXPECT_EQ(a.n_dead_islands, b.n_dead_islands) << what;
      EXPECT_EQ(sa.island_of, sb.island_of) << what;
      EXPECT_NEAR(a.shed_mw, b.shed_mw, 1e-6) << what;
      EXPECT_EQ(a.n_overloaded_first, b.n_overloaded_first) << what;
      double fmax = 0.0;
      for (double f : sa.flow_mw) fmax = std::max(fmax, std::abs(f));
      ASSERT_GT(fmax, 0.0) << what << ": no flow solved";
      for (int l = 0; l < net.n_branch(); ++l)
        if (!(std::abs(sa.flow_mw[l] - sb.flow_mw[l]) <= 1e-9 * fmax)) {
          ADD_FAILURE() << what << ": flow on row " << l + 1 << " " << sb.flow_mw[l] << " (fast) vs " << sa.flow_mw[l];
          break;
        }
    }
    failures += ::testing::Test::HasFailure() && !before;
  }
  int n_in = 0;
  for (int e = 0; e < net.n_branch(); ++e) n_in += net.br_in_service[e];
  EXPECT_EQ(evaluated, n_in) << name;
  // Every bundled case has radial spurs: the comparison covered islanding cuts.
  EXPECT_GT(islanding, 0) << name;
  ::testing::Test::RecordProperty(name + "_islanding_cuts", islanding);
  ::testing::Test::RecordProperty(name + "_compared", compared);
}

class ExhaustiveN1 : public ::testing::TestWithParam<std::string> {};

TEST_P(ExhaustiveN1, FastEqualsReferenceOnEveryBranchCut) {
  const std::string name = GetParam();
  // The reference solver on every cut of the cases up to 300 buses; on the large ones (about
  // 1 to 10 ms per cut) every islanding cut and every 50th other one, and on case9241pegase
  // (1665 islanding cuts of 16049) every 25th islanding cut and every 2000th other one.
  // SRE_FULL_N1=1 compares every cut of every case (about 3 minutes, most on case9241pegase).
  const bool full = std::getenv("SRE_FULL_N1") && std::string(std::getenv("SRE_FULL_N1")) == "1";
  const bool large = std::stoi(name.substr(name.find_first_of("0123456789"))) >= 1000;
  const bool largest = name == "case9241pegase";
  exhaustive_n1(name, full || !largest ? 1 : 25, full || !large ? 1 : largest ? 2000 : 50);
}

INSTANTIATE_TEST_SUITE_P(Cases, ExhaustiveN1, ::testing::ValuesIn(reference_cases()),
                         [](const auto& param_info) { return param_info.param; });

// ---------------------------------------------------------------------------------------
// Small networks worked by hand.

// Two areas joined by a tie: 1 (reference; unit 1: Pg 100, Pmax 150) -- 2 (50 MW) --tie (rateA
// 80)-- 3 (unit 2: Pg 20, Pmax 40) -- 4 (100 MW). Intact: D 150, S0 120, C 190; the units rise
// by 3/7 of their headroom (121.43 and 28.57 MW) and the tie carries 71.43 MW.
const char* kTwoAreas4 = R"(
function mpc = two_areas4
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0   0 0 0 1 1 0 230 1 1.1 0.9;
  2 1 50  0 0 0 1 1 0 230 1 1.1 0.9;
  3 2 0   0 0 0 1 1 0 230 1 1.1 0.9;
  4 1 100 0 0 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 100 0 100 -100 1 100 1 150 0;
  3 20  0 100 -100 1 100 1 40  0;
];
mpc.branch = [
  1 2 0 0.1 0 0  0 0 0 0 1 -360 360;
  2 3 0 0.1 0 80 0 0 0 0 1 -360 360;
  3 4 0 0.1 0 0  0 0 0 0 1 -360 360;
];
)";

// A triangle: 1 (reference; unit 1: Pg 40, Pmax 100), 2 (unit 2: Pg 30, Pmax 60; unit 3:
// Pg 30, Pmax 90), 3 (120 MW); branches 1-2, 1-3, 2-3, x 0.1 each. Intact: D 120, S0 100,
// C 250.
const char* kTwoUnits3 = R"(
function mpc = two_units3
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0   0 0 0 1 1 0 230 1 1.1 0.9;
  2 2 0   0 0 0 1 1 0 230 1 1.1 0.9;
  3 1 120 0 0 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 40 0 100 -100 1 100 1 100 0;
  2 30 0 100 -100 1 100 1 60  0;
  2 30 0 100 -100 1 100 1 90  0;
];
mpc.branch = [
  1 2 0 0.1 0 0 0 0 0 0 1 -360 360;
  1 3 0 0.1 0 0 0 0 0 0 1 -360 360;
  2 3 0 0.1 0 0 0 0 0 0 1 -360 360;
];
)";

// Flows of the triangle for injections p1, p2, p3 (MW; theta_1 = 0, b = 10 p.u. per branch):
// [20 -10; -10 20] [t2; t3] = [p2; p3] / 100.
std::vector<double> triangle_flows(double p2, double p3) {
  const double r2 = p2 / 100, r3 = p3 / 100;
  const double t2 = (20 * r2 + 10 * r3) / 300, t3 = (10 * r2 + 20 * r3) / 300;
  return {1000 * (0 - t2), 1000 * (0 - t3), 1000 * (t2 - t3)};
}

// Both solvers, evaluators kept across the scenarios of a test (a state left by one sample
// must not leak into the next).
struct Both {
  explicit Both(const BaseCase& base, ResponseOptions o)
      : ref(base, o, make_reference_flow_solver(*base.net)), fast(base, o, make_fast_flow_solver(*base.net)) {}
  ScenarioEvaluator ref, fast;
};

void expect_injections(const GridState& s, const std::vector<double>& want, const std::string& what) {
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(s.injection_mw[i], want[i], 1e-9) << what << " bus " << i;
}
void expect_flow_values(const GridState& s, const std::vector<double>& want, const std::string& what) {
  for (std::size_t e = 0; e < want.size(); ++e) EXPECT_NEAR(s.flow_mw[e], want[e], 1e-9) << what << " branch " << e;
}

TEST(ElementOutages, RadialCutLeavesItsTailDeadAndShedsItsDemandExactly) {
  const Network net = test::network_from_text(test::kRadial3);
  const BaseCase base = make_base_case(net);
  for (ResponseKind kind : {ResponseKind::kTopology, ResponseKind::kDc, ResponseKind::kCascade, ResponseKind::kOpf,
                            ResponseKind::kOperator}) {
    Both p(base, response(kind));
    for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
      const std::string what = "response " + to_string(kind) + (ev == &p.ref ? " reference" : " fast");
      // Cut 2-3: bus 3 (50 MW) alone without supply; {1, 2}: D 30 <= S0 60, the unit scaled to 30.
      const SampleOutcome o = ev->evaluate(outages({}, {1}, {}));
      EXPECT_EQ(o.shed_mw, 50.0) << what;
      EXPECT_EQ(o.shed_fraction, 50.0 / 80.0) << what;
      EXPECT_EQ(o.n_islands, 2) << what;
      EXPECT_EQ(o.n_dead_islands, 1) << what;
      EXPECT_EQ(o.n_tripped, 0) << what;
      const GridState& s = ev->state();
      EXPECT_EQ(s.destroyed_demand, 0.0) << what;  // no bus destroyed: the tail is alive but dead
      EXPECT_TRUE(s.bus_alive[1] && s.bus_alive[2]) << what;
      EXPECT_EQ(s.island_served_ratio[s.island_of[2]], 0.0) << what;
      EXPECT_NEAR(s.injection_mw[0], 30.0, 1e-12) << what;
      if (kind != ResponseKind::kTopology) expect_flow_values(s, {30.0, 0.0}, what);
      // Cut 1-2: {2, 3} dead, everything shed.
      EXPECT_EQ(ev->evaluate(outages({}, {0}, {})).shed_mw, 80.0) << what;
      // The intact network again: nothing shed, the base balance (1/2 of the headroom).
      EXPECT_EQ(ev->evaluate(Outages{}).shed_mw, 0.0) << what;
      EXPECT_NEAR(ev->state().injection_mw[0], 80.0, 1e-12) << what;
    }
  }
}

// Model section 5, S0 < D <= C: the units left rise by the same fraction of their headroom.
TEST(ElementOutages, GeneratorLossRaisesTheOthersByTheirHeadroom) {
  const Network net = test::network_from_text(kTwoUnits3);
  const BaseCase base = make_base_case(net);
  for (ResponseKind kind : {ResponseKind::kDc, ResponseKind::kCascade, ResponseKind::kOpf, ResponseKind::kOperator}) {
    Both p(base, response(kind));
    for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
      const std::string what = "response " + to_string(kind) + (ev == &p.ref ? " reference" : " fast");
      // Unit 3 lost: S0 = 70, C = 160, D = 120: f = 50/90. Unit 1: 40 + f 60; unit 2: 30 + f 30.
      {
        const SampleOutcome o = ev->evaluate(outages({}, {}, {2}));
        const double f = 50.0 / 90.0, g1 = 40 + f * 60, g2 = 30 + f * 30;
        EXPECT_EQ(o.shed_mw, 0.0) << what;
        EXPECT_EQ(o.n_islands, 1) << what;
        const GridState& s = ev->state();
        EXPECT_NEAR(s.island_supply_base[0], 70.0, 1e-12) << what;
        EXPECT_NEAR(s.island_supply_cap[0], 160.0, 1e-12) << what;
        expect_injections(s, {g1, g2, -120.0}, what);
        expect_flow_values(s, triangle_flows(g2, -120.0), what);
        // Bus 1's supply is the network's, bit for bit; bus 2's summed without unit 3.
        EXPECT_EQ(s.supply_base(net)[0], net.bus_supply_base[0]) << what;
        EXPECT_EQ(s.supply_base(net)[1], 30.0) << what;
        EXPECT_EQ(s.supply_cap(net)[1], 60.0) << what;
        EXPECT_EQ(s.lost_generators, std::vector<int>{2}) << what;
      }
      // Unit 1, the reference bus's only unit, lost: S0 = 60, C = 150, f = 60/90; bus 2 gives
      // all 120 MW. The reference stays at bus 1 (a lost unit does not move it).
      {
        const SampleOutcome o = ev->evaluate(outages({}, {}, {0}));
        EXPECT_EQ(o.shed_mw, 0.0) << what;
        const GridState& s = ev->state();
        EXPECT_EQ(s.island_ref[0], 0) << what;
        EXPECT_EQ(s.theta_rad[0], 0.0) << what;
        expect_injections(s, {0.0, 120.0, -120.0}, what);
        expect_flow_values(s, triangle_flows(120.0, -120.0), what);
      }
      // Units 1 and 3 lost: C = 60 < D = 120: unit 2 at its capacity, every demand served at 1/2.
      {
        const SampleOutcome o = ev->evaluate(outages({}, {}, {0, 2}));
        EXPECT_NEAR(o.shed_mw, 60.0, 1e-12) << what;
        const GridState& s = ev->state();
        EXPECT_NEAR(s.island_served_ratio[0], 0.5, 1e-15) << what;
        expect_injections(s, {0.0, 60.0, -60.0}, what);
        expect_flow_values(s, triangle_flows(60.0, -60.0), what);
      }
      // Every unit lost: a dead island, everything shed, no flow.
      {
        const SampleOutcome o = ev->evaluate(outages({}, {}, {1, 0, 2}));
        EXPECT_EQ(o.shed_mw, 120.0) << what;
        EXPECT_EQ(o.n_dead_islands, 1) << what;
        for (double fl : ev->state().flow_mw) EXPECT_EQ(fl, 0.0) << what;
      }
      // Nothing lost: the intact balance again (the lost units' supplies are restored).
      {
        const SampleOutcome o = ev->evaluate(Outages{});
        EXPECT_EQ(o.shed_mw, 0.0) << what;
        EXPECT_EQ(ev->state().injection_mw, base.state.injection_mw) << what;
        EXPECT_TRUE(ev->state().supply_changed_buses.empty()) << what;
      }
    }
  }
}

// Cutting the tie leaves area {3, 4} with 40 MW of capacity for 100 MW: it sheds exactly the
// 60 MW deficit (served at 0.4); area {1, 2} scales its unit down to its 50 MW.
TEST(ElementOutages, CutSplittingASupplyShortAreaShedsExactlyItsDeficit) {
  const Network net = test::network_from_text(kTwoAreas4);
  const BaseCase base = make_base_case(net);
  EXPECT_NEAR(base.state.flow_mw[1], 500.0 / 7.0, 1e-9);  // the intact tie: 121.43 - 50 MW
  for (ResponseKind kind : {ResponseKind::kTopology, ResponseKind::kDc, ResponseKind::kCascade, ResponseKind::kOpf,
                            ResponseKind::kOperator}) {
    Both p(base, response(kind));
    for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
      const std::string what = "response " + to_string(kind) + (ev == &p.ref ? " reference" : " fast");
      const SampleOutcome o = ev->evaluate(outages({}, {1}, {}));
      EXPECT_NEAR(o.shed_mw, 60.0, 1e-12) << what;
      EXPECT_EQ(o.n_islands, 2) << what;
      EXPECT_EQ(o.n_dead_islands, 0) << what;
      const GridState& s = ev->state();
      EXPECT_NEAR(s.island_served_ratio[s.island_of[3]], 0.4, 1e-15) << what;
      EXPECT_EQ(s.island_served_ratio[s.island_of[1]], 1.0) << what;
      expect_injections(s, {50.0, -50.0, 40.0, -40.0}, what);
      if (kind != ResponseKind::kTopology) expect_flow_values(s, {50.0, 0.0, 40.0}, what);
    }
  }
}

// A unit lost at bus 3 with the tie limited to 80 MW: proportional balancing sends 100 MW
// over the tie (dc counts the overload); the least-shed LP knows unit 2 is gone and sheds 20
// MW; protection (tol 0) trips the tie and area {3, 4} is left without supply.
TEST(ElementOutages, ReDispatchSeesTheLostUnit) {
  const Network net = test::network_from_text(kTwoAreas4);
  const BaseCase base = make_base_case(net);
  ASSERT_EQ(base.limited_branches, std::vector<int>{1});
  ASSERT_EQ(base.limit_mw[1], 80.0);
  {
    Both p(base, response(ResponseKind::kDc));
    for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
      const SampleOutcome o = ev->evaluate(outages({}, {}, {1}));
      EXPECT_EQ(o.shed_mw, 0.0);
      EXPECT_EQ(o.n_overloaded_first, 1);
      EXPECT_NEAR(o.max_loading_first, 100.0 / 80.0, 1e-12);
      expect_flow_values(ev->state(), {150.0, 100.0, 100.0}, "dc");
    }
  }
  {
    Both p(base, response(ResponseKind::kCascade));
    for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
      const SampleOutcome o = ev->evaluate(outages({}, {}, {1}));
      EXPECT_EQ(o.n_tripped, 1);
      EXPECT_EQ(o.shed_mw, 100.0);
      EXPECT_EQ(o.n_dead_islands, 1);
    }
  }
  for (const bool full_lp : {false, true})
    for (ResponseKind kind : {ResponseKind::kOpf, ResponseKind::kOperator}) {
      ResponseOptions o = response(kind, full_lp);
      o.tol = 0.5;  // protection leaves 125 % in service: the LP decides
      Both p(base, o);
      for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
        const std::string what = "response " + to_string(kind) + (full_lp ? " full LP" : " reduced LP") +
                                 (ev == &p.ref ? " reference" : " fast");
        const SampleOutcome r = ev->evaluate(outages({}, {}, {1}));
        EXPECT_NEAR(r.shed_mw, 20.0, 1e-7) << what;
        EXPECT_EQ(r.n_tripped, 0) << what;
        const GridState& s = ev->state();
        EXPECT_NEAR(s.flow_mw[1], 80.0, 1e-7) << what;
        EXPECT_NEAR(s.injection_mw[0], 130.0, 1e-7) << what;  // 50 at bus 2, 80 over the tie
        EXPECT_NEAR(s.injection_mw[2], 0.0, 1e-7) << what;    // the lost unit gives nothing
        // Redispatch against the sample's base outputs (unit 2 counts nowhere): unit 1 from
        // 100 to 130 MW.
        EXPECT_NEAR(r.redispatch_mw, 30.0, 1e-6) << what;
        // The same sample again after an intact one: the same shed (the LP's bounds reset).
        EXPECT_EQ(ev->evaluate(Outages{}).shed_mw, 0.0) << what;
        EXPECT_NEAR(ev->evaluate(outages({}, {}, {1})).shed_mw, 20.0, 1e-7) << what;
      }
    }
}

// Bus 4 (100 MW) destroyed and unit 1 (at bus 1) lost: {1, 2, 3} holds 50 MW of demand and
// unit 2's 40 MW of capacity: 100 MW destroyed + 10 MW shed; the tie carries 40 MW to bus 2.
TEST(ElementOutages, ABusAndAUnitElsewhereInOneSample) {
  const Network net = test::network_from_text(kTwoAreas4);
  const BaseCase base = make_base_case(net);
  for (ResponseKind kind : {ResponseKind::kTopology, ResponseKind::kDc, ResponseKind::kCascade, ResponseKind::kOpf,
                            ResponseKind::kOperator}) {
    Both p(base, response(kind));
    for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
      const std::string what = "response " + to_string(kind) + (ev == &p.ref ? " reference" : " fast");
      const SampleOutcome o = ev->evaluate(outages({3}, {}, {0}));
      EXPECT_NEAR(o.shed_mw, 110.0, 1e-12) << what;
      EXPECT_EQ(o.n_islands, 1) << what;
      const GridState& s = ev->state();
      EXPECT_EQ(s.destroyed_demand, 100.0) << what;
      EXPECT_NEAR(s.island_served_ratio[0], 0.8, 1e-15) << what;
      expect_injections(s, {0.0, -40.0, 40.0, 0.0}, what);
      if (kind != ResponseKind::kTopology) expect_flow_values(s, {0.0, -40.0, 0.0}, what);
    }
  }
}

// A unit and its own bus in one sample: the same as the bus alone, bit for bit (the bus took
// its units with it), whatever order the outages list them in.
TEST(ElementOutages, ALostUnitAndItsDestroyedBusInOneSample) {
  for (const char* text : {kTwoAreas4, kTwoUnits3}) {
    const Network net = test::network_from_text(text);
    const BaseCase base = make_base_case(net);
    for (ResponseKind kind : {ResponseKind::kDc, ResponseKind::kCascade, ResponseKind::kOperator}) {
      Both p(base, response(kind));
      for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
        for (int g = 0; g < net.n_gen(); ++g) {
          const int bus = net.gen_bus[g];
          const SampleOutcome alone = ev->evaluate(outages({bus}, {}, {}));
          const GridState s_alone = ev->state();
          const SampleOutcome both = ev->evaluate(outages({bus}, {}, {g}));
          const std::string what = "response " + to_string(kind) + " unit " + std::to_string(g + 1);
          EXPECT_EQ(alone.shed_mw, both.shed_mw) << what;
          EXPECT_EQ(alone.n_islands, both.n_islands) << what;
          EXPECT_EQ(alone.n_dead_islands, both.n_dead_islands) << what;
          EXPECT_EQ(s_alone.flow_mw, ev->state().flow_mw) << what;
          EXPECT_EQ(s_alone.injection_mw, ev->state().injection_mw) << what;
        }
      }
    }
  }
  // kTwoAreas4: bus 3 with unit 2: {1, 2} keeps 50 MW (unit 1 scaled down), bus 4 is cut off.
  const Network net = test::network_from_text(kTwoAreas4);
  const BaseCase base = make_base_case(net);
  Both p(base, response(ResponseKind::kDc));
  for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
    const SampleOutcome o = ev->evaluate(outages({2}, {}, {1}));
    EXPECT_EQ(o.shed_mw, 100.0);
    EXPECT_EQ(o.n_dead_islands, 1);
    expect_injections(ev->state(), {50.0, -50.0, 0.0, 0.0}, "bus 3 and its unit");
  }
}

// A branch cut that is also at a destroyed bus, and a unit lost twice, count once.
TEST(ElementOutages, RepeatedAndOverlappingOutagesCountOnce) {
  const Network net = test::network_from_text(kTwoAreas4);
  const BaseCase base = make_base_case(net);
  Both p(base, response(ResponseKind::kCascade));
  for (ScenarioEvaluator* ev : {&p.ref, &p.fast}) {
    const SampleOutcome a = ev->evaluate(outages({3}, {}, {0}));
    const GridState sa = ev->state();
    const SampleOutcome b = ev->evaluate(outages({3}, {2, 2}, {0, 0}));
    EXPECT_EQ(a.shed_mw, b.shed_mw);
    EXPECT_EQ(sa.flow_mw, ev->state().flow_mw);
    EXPECT_EQ(ev->state().removed_branches, std::vector<int>{2});
    EXPECT_EQ(ev->state().lost_generators, std::vector<int>{0});
    EXPECT_EQ(b.n_tripped, 0);
  }
}

}  // namespace
}  // namespace sre
