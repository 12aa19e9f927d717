// The N-1-secure base dispatch (--dispatch scopf): every single branch outage that
// splits no island, solved from scratch with the reference flow solver, keeps every
// limited branch within rateA (1 + tol), or is in the reported insecure list (and only
// then); the cost is never below the DC OPF's. Also: every shipped PGLib case reaches a
// verified DC OPF optimum (the QP path included).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "flow/base_case.hpp"
#include "dispatch/dc_opf.hpp"
#include "flow/flow_solver.hpp"
#include "topology/island_finder.hpp"
#include "dispatch/outage_sensitivity.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

// Worst post-contingency loading of each single-branch outage that splits no island, by
// a full solve of the outage state (no sensitivity factors): the branch's row -> loading.
std::map<int, double> outage_loadings(const Network& dispatched) {
  const BaseCase base = make_base_case(dispatched);
  auto solver = make_reference_flow_solver(dispatched);
  std::map<int, double> worst;
  for (int c = 0; c < dispatched.n_branch(); ++c) {
    if (!dispatched.br_in_service[c]) continue;
    GridState s = base.state;
    s.trip_branch(c);
    find_islands_from_scratch(dispatched, s);
    if (s.n_islands != base.state.n_islands) continue;  // a bridge: the model islands it
    solver->solve(dispatched, s);  // the same injections: the dispatch, balanced
    double w = 0.0;
    for (int l = 0; l < dispatched.n_branch(); ++l)
      if (l != c && dispatched.br_in_service[l] && dispatched.limited(l))
        w = std::max(w, std::abs(s.flow_mw[l]) / dispatched.br_rate_a[l]);
    worst[c] = w;
  }
  return worst;
}

class Scopf : public ::testing::TestWithParam<std::tuple<std::string, double>> {};

TEST_P(Scopf, EveryOutageSolvedFromScratchIsSecureOrReported) {
  const auto [name, tol] = GetParam();
  const Network net = load_network(test::data_path("cases/" + name + ".m"));
  OpfOptions secure;
  secure.secure = true;
  secure.tol = tol;
  const DispatchResult r = solve_dc_opf(net, secure);
  ASSERT_TRUE(r.optimal()) << r.message;
  const DispatchResult plain = solve_dc_opf(net);
  ASSERT_TRUE(plain.optimal()) << plain.message;
  EXPECT_GE(r.cost, plain.cost - 1e-6 * std::abs(plain.cost)) << name;

  const Network dispatched = with_dispatch(net, r.gen_pg);
  // The base state balances to the dispatch itself (no rescaling): D = S0.
  const BaseCase base = make_base_case(dispatched);
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e]) {
      ASSERT_NEAR(base.state.flow_mw[e], r.flow_mw[e], 1e-6 * (1.0 + std::abs(r.flow_mw[e])));
    }

  std::map<int, double> reported;
  for (const InsecureContingency& c : r.insecure) reported[c.branch] = c.max_loading;
  const auto loadings = outage_loadings(dispatched);
  EXPECT_EQ(static_cast<int>(loadings.size()), r.contingencies) << name;
  int secure_count = 0;
  for (const auto& [c, loading] : loadings) {
    const auto it = reported.find(c);
    if (it == reported.end()) {
      // Within rateA (1 + tol), up to the overload test's margins (1e-6 MW on limits of a few MW at least).
      EXPECT_LE(loading, (1.0 + tol) * (1.0 + 1e-7)) << name << ": losing branch row " << c + 1;
      ++secure_count;
    } else {
      EXPECT_GT(loading, 1.0 + tol) << name << ": reported insecure, branch row " << c + 1;
      EXPECT_NEAR(loading, it->second, 1e-6 * it->second) << name << ": branch row " << c + 1;
    }
  }
  for (const auto& [c, loading] : reported) EXPECT_TRUE(loadings.count(c)) << "reported row " << c + 1 << " is a bridge";
  EXPECT_GT(secure_count, 0);
}

INSTANTIATE_TEST_SUITE_P(Cases, Scopf,
                         ::testing::Values(std::make_tuple("pglib_opf_case14_ieee", 0.5),
                                           std::make_tuple("pglib_opf_case30_ieee", 0.5),
                                           std::make_tuple("pglib_opf_case30_ieee", 0.0),
                                           std::make_tuple("pglib_opf_case57_ieee", 0.2),
                                           std::make_tuple("pglib_opf_case118_ieee", 0.5),
                                           std::make_tuple("pglib_opf_case118_ieee", 0.0),
                                           std::make_tuple("pglib_opf_case300_ieee", 0.5),
                                           std::make_tuple("pglib_opf_case793_goc", 0.5)),
                         [](const auto& param_info) {
                           return std::get<0>(param_info.param) + "_tol" +
                                  std::to_string(static_cast<int>(std::lround(10 * std::get<1>(param_info.param))));
                         });

// A bridge's loss splits an island: not a contingency of the security constraints.
TEST(Scopf, BridgesAreFoundAndSkipped) {
  const Network radial = test::network_from_text(test::kRadial3);
  const auto bridges = find_bridges(radial);
  EXPECT_EQ(bridges, (std::vector<std::uint8_t>{1, 1}));
  const Network paths = test::network_from_text(test::kParallelPaths4);
  for (std::uint8_t b : find_bridges(paths)) EXPECT_EQ(b, 0);
  EXPECT_EQ(OutageSensitivity(radial).contingencies().size(), 0u);
}

// Every shipped PGLib case reaches a verified DC OPF optimum (pglib_opf_case793_goc took
// a second run of Clp's QP simplex), secure or not.
class VerifiedOptimum : public ::testing::TestWithParam<std::string> {};

TEST_P(VerifiedOptimum, ReachedOnEveryShippedCase) {
  const Network net = load_network(test::data_path("cases/" + GetParam() + ".m"));
  const DispatchResult r = solve_dc_opf(net);
  EXPECT_TRUE(r.optimal()) << r.message;
}

INSTANTIATE_TEST_SUITE_P(Cases, VerifiedOptimum,
                         ::testing::Values("pglib_opf_case14_ieee", "pglib_opf_case30_ieee", "pglib_opf_case57_ieee",
                                           "pglib_opf_case118_ieee", "pglib_opf_case300_ieee", "pglib_opf_case793_goc",
                                           "pglib_opf_case1354_pegase", "pglib_opf_case2000_goc",
                                           "pglib_opf_case2383wp_k"));

}  // namespace
}  // namespace sre
