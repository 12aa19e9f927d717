// DC power flow against MATPOWER rundcpf on every reference case (data/reference),
// including the branch- and bus-outage contingency files, plus physical invariants.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "flow/dc_power_flow.hpp"
#include "flow/flow_solver.hpp"
#include "topology/island_finder.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Csv read(const fs::path& p) {
  std::ifstream in(p);
  Csv c;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    std::string item;
    while (std::getline(s, item, ',')) f.push_back(item);
    if (c.header.empty()) c.header = f;
    else c.rows.push_back(f);
  }
  return c;
}

// The shared files hold 10 significant digits; MATPOWER's own tolerance note.
void expect_close(double got, double ref, const std::string& what) {
  EXPECT_LE(std::abs(got - ref), 1e-8 * std::max(1.0, std::abs(ref))) << what << ": got " << got << " want " << ref;
}

std::vector<std::string> reference_cases() {
  std::vector<std::string> out;
  for (const auto& d : fs::directory_iterator(test::data_path("reference")))
    if (d.is_directory()) out.push_back(d.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class MatpowerReference : public ::testing::TestWithParam<std::string> {};

TEST_P(MatpowerReference, FlowsAnglesAndGenerationMatchRundcpf) {
  const std::string name = GetParam();
  const Network net = load_network(test::data_path("cases/" + name + ".m"));
  const PowerFlowResult r = run_dc_power_flow(net, Balance::kSlack);
  const fs::path dir = test::data_path("reference/" + name);

  const Csv branches = read(dir / "dcpf_branch.csv");
  int n_in = 0;
  for (int e = 0; e < net.n_branch(); ++e) n_in += net.br_in_service[e];
  ASSERT_EQ(static_cast<int>(branches.rows.size()), n_in);
  for (const auto& row : branches.rows) {
    const int e = std::stoi(row[0]) - 1;
    ASSERT_TRUE(net.br_in_service[e]);
    expect_close(r.state.flow_mw[e], std::stod(row[3]), name + " branch " + row[0]);
  }
  const Csv buses = read(dir / "dcpf_bus.csv");
  ASSERT_EQ(static_cast<int>(buses.rows.size()), net.n_bus());
  for (std::size_t i = 0; i < buses.rows.size(); ++i) {
    ASSERT_EQ(std::stoll(buses.rows[i][0]), net.bus_id[i]);
    expect_close(r.va_deg[i], std::stod(buses.rows[i][1]), name + " bus " + buses.rows[i][0]);
  }
  const Csv gens = read(dir / "dcpf_gen.csv");
  for (const auto& row : gens.rows) expect_close(r.gen_pg[std::stoi(row[0]) - 1], std::stod(row[2]), name + " gen " + row[0]);
}

// Kirchhoff's current law at every bus and balance per island, for both rules.
TEST_P(MatpowerReference, KirchhoffAndIslandBalance) {
  const Network net = load_network(test::data_path("cases/" + GetParam() + ".m"));
  for (Balance balance : {Balance::kSlack, Balance::kProportional}) {
    const PowerFlowResult r = run_dc_power_flow(net, balance);
    const GridState& s = r.state;
    std::vector<double> net_out(net.n_bus(), 0.0);
    double scale = 1.0;
    for (int e = 0; e < net.n_branch(); ++e) {
      if (!s.branch_alive[e]) continue;
      net_out[net.br_from[e]] += s.flow_mw[e];
      net_out[net.br_to[e]] -= s.flow_mw[e];  // the to end carries -P: lossless and antisymmetric
      scale = std::max(scale, std::abs(s.flow_mw[e]));
    }
    for (int k = 0; k < s.n_islands; ++k) {
      double island_sum = 0.0;
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        if (i != s.island_ref[k] || balance == Balance::kProportional) {
          EXPECT_NEAR(net_out[i], s.injection_mw[i], 1e-9 * scale) << "bus " << net.bus_id[i];
        }
        island_sum += s.injection_mw[i];
      }
      if (balance == Balance::kProportional) {
        EXPECT_NEAR(island_sum, 0.0, 1e-9 * scale);
      }
    }
    if (balance == Balance::kSlack) {
      double total_pg = 0.0, total_load = 0.0;
      for (double p : r.gen_pg) total_pg += p;
      for (int i = 0; i < net.n_bus(); ++i)
        if (net.bus_in_service[i]) total_load += net.bus_pd[i] + net.bus_gs[i];
      EXPECT_NEAR(total_pg, total_load, 1e-8 * std::max(1.0, total_load));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCases, MatpowerReference, ::testing::ValuesIn(reference_cases()),
                         [](const auto& param_info) { return param_info.param; });

// Outage scenarios re-solved by MATPOWER: the slack takes the mismatch as in rundcpf.
void check_outages(const std::string& name, const std::string& file, bool buses) {
  const fs::path path = test::data_path("reference/" + name + "/" + file);
  if (!fs::exists(path)) GTEST_SKIP() << "no " << file << " for " << name;
  const Network net = load_network(test::data_path("cases/" + name + ".m"));
  const Csv csv = read(path);
  std::map<std::string, std::vector<const std::vector<std::string>*>> scenarios;
  for (const auto& row : csv.rows) scenarios[row[0]].push_back(&row);
  auto solver = make_reference_flow_solver(net);
  IslandFinder finder(std::make_shared<const IntactTopology>(net));
  GridState s;
  s.resize(net);
  for (const auto& [id, rows] : scenarios) {
    s.reset_to_intact(net);
    std::stringstream list((*rows.front())[1]);
    std::string item;
    while (std::getline(list, item, ';')) {
      if (buses) s.destroy_bus(net, net.bus_index(std::stoll(item)));
      else s.trip_branch(std::stoi(item) - 1);
    }
    finder.find(s);
    ASSERT_EQ(s.n_islands, 1) << name << " scenario " << id;
    for (int i = 0; i < net.n_bus(); ++i) s.injection_mw[i] = s.bus_alive[i] ? -(net.bus_pd[i] + net.bus_gs[i]) : 0.0;
    for (int g = 0; g < net.n_gen(); ++g)
      if (net.gen_in_service[g] && s.bus_alive[net.gen_bus[g]]) s.injection_mw[net.gen_bus[g]] += net.gen_pg[g];
    s.island_kind[0] = IslandKind::kLive;
    solver->solve(net, s);
    for (const auto* row : rows) {
      const int e = std::stoi((*row)[2]) - 1;
      ASSERT_TRUE(s.branch_alive[e]);
      expect_close(s.flow_mw[e], std::stod((*row)[3]), name + " scenario " + id + " branch " + (*row)[2]);
    }
  }
}

class Contingencies : public ::testing::TestWithParam<std::string> {};
TEST_P(Contingencies, BranchOutagesMatchMatpower) { check_outages(GetParam(), "contingency_branch_outages.csv", false); }
TEST_P(Contingencies, BusOutagesMatchMatpower) { check_outages(GetParam(), "contingency_bus_outages.csv", true); }
INSTANTIATE_TEST_SUITE_P(Cases, Contingencies,
                         ::testing::Values("pglib_opf_case30_ieee", "pglib_opf_case118_ieee", "pglib_opf_case300_ieee",
                                           "pglib_opf_case2383wp_k"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace sre
