// DC OPF (--dispatch dcopf) against MATPOWER's rundcopf on every reference case
// (data/reference/*/dcopf_*.csv, dcopf_meta.json), plus hand-built cases.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "flow/base_case.hpp"
#include "io/csv_table.hpp"
#include "dispatch/dc_opf.hpp"
#include "io/input_error.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;

double json_number(const fs::path& p, const std::string& key) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string t = ss.str();
  const auto at = t.find("\"" + key + "\"");
  if (at == std::string::npos) return std::nan("");
  const auto colon = t.find(':', at);
  return std::stod(t.substr(colon + 1));
}

std::vector<std::string> reference_cases() {
  std::vector<std::string> out;
  for (const auto& d : fs::directory_iterator(test::data_path("reference")))
    if (d.is_directory() && fs::exists(d.path() / "dcopf_meta.json")) out.push_back(d.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Replace the first occurrence of `from` (which must be there).
void sub(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

void expect_close(double got, double ref, double tol, const std::string& what) {
  EXPECT_LE(std::abs(got - ref), tol * std::max(1.0, std::abs(ref))) << what << ": got " << got << " want " << ref;
}

class DcOpfReference : public ::testing::TestWithParam<std::string> {};

TEST_P(DcOpfReference, MatchesRundcopf) {
  const std::string name = GetParam();
  const fs::path dir = fs::path(test::data_path("reference")) / name;
  const Network net = load_network(test::data_path("cases/" + name + ".m"));
  const DispatchResult r = solve_dc_opf(net);
  ASSERT_TRUE(r.optimal()) << r.message;
  const double obj = json_number(dir / "dcopf_meta.json", "objective_total_cost");
  EXPECT_LE(std::abs(r.cost - obj), 1e-6 * std::abs(obj)) << "objective got " << r.cost << " want " << obj;
  if (name == "case9241pegase") return;  // many optimal dispatches: objective only (reference README)

  const CsvTable gens = read_csv((dir / "dcopf_gen.csv").string());
  int n = 0;
  for (std::size_t row = 0; row < gens.rows.size(); ++row) {
    const int g = static_cast<int>(gens.number(row, 0)) - 1;
    expect_close(r.gen_pg[g], gens.number(row, 2), 1e-6, name + " gen row " + std::to_string(g + 1));
    ++n;
  }
  EXPECT_EQ(n, std::count(net.gen_in_service.begin(), net.gen_in_service.end(), 1));
  const CsvTable br = read_csv((dir / "dcopf_branch.csv").string());
  const int mu_sf = br.column("mu_sf"), mu_st = br.column("mu_st");
  std::vector<int> binding;
  for (std::size_t row = 0; row < br.rows.size(); ++row) {
    const int e = static_cast<int>(br.number(row, 0)) - 1;
    expect_close(r.flow_mw[e], br.number(row, 3), 1e-6, name + " branch row " + std::to_string(e + 1));
    if (std::max(br.number(row, mu_sf), br.number(row, mu_st)) > 1e-6) binding.push_back(e);
  }
  EXPECT_EQ(r.binding_branches, binding);
  const CsvTable bus = read_csv((dir / "dcopf_bus.csv").string());
  for (std::size_t row = 0; row < bus.rows.size(); ++row) {
    expect_close(r.lmp[row], bus.number(row, 2), 1e-6, name + " lam_p bus row " + std::to_string(row + 1));
    expect_close(r.va_deg[row], bus.number(row, 1), 1e-6, name + " va bus row " + std::to_string(row + 1));
  }
}

INSTANTIATE_TEST_SUITE_P(AllCases, DcOpfReference, ::testing::ValuesIn(reference_cases()),
                         [](const auto& param_info) { return param_info.param; });

// Cheap gen at 1 (10 $/MWh), dear gen at 3 (50 $/MWh), load 100 MW at 2; line 1-2 rated 60 MW.
const char* kTwoGens = R"(
function mpc = twogens
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0   0 0 0 1 1 0 230 1 1.1 0.9;
  2 1 100 0 0 0 1 1 0 230 1 1.1 0.9;
  3 2 0   0 0 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 0 0 0 0 1 100 1 200 0;
  3 0 0 0 0 1 100 1 200 0;
];
mpc.branch = [
  1 2 0 0.1 0 60 0 0 0 0 1 -360 360;
  2 3 0 0.1 0 0  0 0 0 0 1 -360 360;
];
mpc.gencost = [
  2 0 0 3 0 10 5;
  2 0 0 3 0 50 0;
];
)";

TEST(DcOpf, LineLimitSplitsDispatchAndPricesCongestion) {
  const Network net = test::network_from_text(kTwoGens);
  const DispatchResult r = solve_dc_opf(net);
  ASSERT_TRUE(r.optimal()) << r.message;
  EXPECT_NEAR(r.gen_pg[0], 60.0, 1e-7);
  EXPECT_NEAR(r.gen_pg[1], 40.0, 1e-7);
  EXPECT_NEAR(r.cost, 600.0 + 5.0 + 2000.0, 1e-6);
  EXPECT_NEAR(r.flow_mw[0], 60.0, 1e-7);
  ASSERT_EQ(r.binding_branches, std::vector<int>{0});
  EXPECT_NEAR(r.lmp[0], 10.0, 1e-7);
  EXPECT_NEAR(r.lmp[1], 50.0, 1e-7);
  EXPECT_NEAR(r.flow_mu[0], 40.0, 1e-7);

  // The study's network: outputs replaced, bus supplies aggregated again.
  const Network d = with_dispatch(net, r.gen_pg);
  EXPECT_NEAR(d.bus_supply_base[0], 60.0, 1e-7);
  EXPECT_NEAR(d.bus_supply_base[2], 40.0, 1e-7);
  EXPECT_NEAR(d.bus_supply_cap[0], 200.0, 1e-12);
  const BaseCase base = make_base_case(d);
  EXPECT_EQ(base.n_grandfathered, 0);
  EXPECT_NEAR(base.state.flow_mw[0], 60.0, 1e-7);
}

TEST(DcOpf, AngleDifferenceLimitBinds) {
  // Line 1-2 without a flow limit but with ANGMAX 3 deg: the cheap unit sends at most
  // baseMVA * b * 3 deg = 1000 * 3 pi / 180 MW; the dear one covers the rest.
  std::string text = kTwoGens;
  sub(text, "1 2 0 0.1 0 60 0 0 0 0 1 -360 360", "1 2 0 0.1 0 0 0 0 0 0 1 -30 3.0");
  const Network net = test::network_from_text(text);
  const DispatchResult r = solve_dc_opf(net);
  ASSERT_TRUE(r.optimal()) << r.message;
  // flow 1->2 = 100 MW/rad-pu * ... = baseMVA * 10 * 3 deg = 1000 * 0.0523599 = 52.3599 MW
  const double lim = 1000.0 * 3.0 * std::numbers::pi / 180.0;
  EXPECT_NEAR(r.gen_pg[0], lim, 1e-7);
  EXPECT_NEAR(r.gen_pg[1], 100.0 - lim, 1e-7);
  EXPECT_EQ(r.binding_angle, std::vector<int>{0});
}

TEST(DcOpf, InfeasibleSaysWhy) {
  std::string text = kTwoGens;
  // capacity: both units 40 MW for 100 MW of load
  std::string cap = text;
  for (int j = 0; j < 2; ++j) sub(cap, "1 100 1 200 0", "1 100 1 40 0");
  const DispatchResult a = solve_dc_opf(test::network_from_text(cap));
  EXPECT_EQ(a.status, DispatchResult::Status::kInfeasible);
  EXPECT_NE(a.message.find("capacity missing: 20 MW"), std::string::npos) << a.message;
  // limits: the dear unit is out, so 100 MW must cross the 60 MW line 1-2
  std::string lim = text;
  sub(lim, "3 0 0 0 0 1 100 1 200 0", "3 0 0 0 0 1 100 0 200 0");
  const Network ln = test::network_from_text(lim);
  const DispatchResult b = solve_dc_opf(ln);
  EXPECT_EQ(b.status, DispatchResult::Status::kInfeasible);
  EXPECT_NE(b.message.find("branch row 1 (1-2, rateA 60 MW) +40 MW"), std::string::npos) << b.message;
  // The study does not stop: it runs on the case's set-points and says why.
  const AppliedDispatch fell = apply_dispatch(ln, Dispatch::kDcopf, 0.5);
  EXPECT_EQ(fell.used, Dispatch::kCase);
  EXPECT_NE(fell.note.find("branch row 1 (1-2, rateA 60 MW)"), std::string::npos) << fell.note;
  EXPECT_EQ(fell.net.gen_pg, ln.gen_pg);
  EXPECT_TRUE(apply_dispatch(ln, Dispatch::kCase, 0.5).note.empty());
}

TEST(DcOpf, NoGencostFallsBackToCase) {
  const Network net = test::network_from_text(test::kRadial3);
  EXPECT_EQ(solve_dc_opf(net).status, DispatchResult::Status::kNoCost);
  for (Dispatch d : {Dispatch::kDcopf, Dispatch::kScopf}) {
    const AppliedDispatch a = apply_dispatch(net, d, 0.5);
    EXPECT_NE(a.note.find("no mpc.gencost"), std::string::npos) << a.note;
    EXPECT_EQ(a.used, Dispatch::kCase);
    EXPECT_EQ(a.net.gen_pg, net.gen_pg);
  }
  EXPECT_THROW(parse_dispatch("ac"), InputError);
  EXPECT_EQ(parse_dispatch("scopf"), Dispatch::kScopf);
}

}  // namespace
}  // namespace sre
