// sre pf: DC power flow of the intact network, in MATPOWER's CSV layout.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/cli/cli.hpp"
#include "engine/dc_power_flow.hpp"
#include "engine/input_error.hpp"

namespace sre::cli {
namespace {

std::ofstream open_csv(const std::filesystem::path& path) {
  std::ofstream out(path);
  if (!out) throw InputError("cannot write " + path.string() + "; check that the directory exists and is writable");
  return out;
}

void write_csv(const Network& net, const PowerFlowResult& r, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  char buf[128];
  auto bus = open_csv(dir / "bus.csv");
  bus << "bus_id,va_deg\n";
  for (int i = 0; i < net.n_bus(); ++i) {
    std::snprintf(buf, sizeof buf, "%lld,%.17g\n", static_cast<long long>(net.bus_id[i]), r.va_deg[i]);
    bus << buf;
  }
  auto branch = open_csv(dir / "branch.csv");
  branch << "index,f_bus,t_bus,pf_mw\n";
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!net.br_in_service[e]) continue;
    std::snprintf(buf, sizeof buf, "%d,%lld,%lld,%.17g\n", e + 1, static_cast<long long>(net.bus_id[net.br_from[e]]),
                  static_cast<long long>(net.bus_id[net.br_to[e]]), r.state.flow_mw[e]);
    branch << buf;
  }
  auto gen = open_csv(dir / "gen.csv");
  gen << "index,bus,pg_mw\n";
  for (int g = 0; g < net.n_gen(); ++g) {
    if (!net.gen_in_service[g]) continue;
    std::snprintf(buf, sizeof buf, "%d,%lld,%.17g\n", g + 1, static_cast<long long>(net.bus_id[net.gen_bus[g]]),
                  r.gen_pg[g]);
    gen << buf;
  }
  if (!bus || !branch || !gen) throw InputError("writing CSV files under " + dir.string() + " failed");
}

}  // namespace

int cmd_pf(const std::vector<std::string>& args) {
  po::options_description desc("options");
  std::string case_path, balance_name, csv_dir;
  desc.add_options()("case", po::value(&case_path)->required(), "MATPOWER case file (format version 2, .m)")(
      "balance", po::value(&balance_name)->default_value("slack"),
      "slack: the first generator at each island's reference bus takes the mismatch (MATPOWER rundcpf);\n"
      "proportional: every island balanced by the model's supply-scaling rule (model.md section 5)")(
      "csv", po::value(&csv_dir), "write DIR/bus.csv (bus_id,va_deg), DIR/branch.csv (index,f_bus,t_bus,pf_mw; "
                                  "1-based branch row, in-service branches only) and DIR/gen.csv (index,bus,pg_mw)");
  po::variables_map vm;
  if (!parse_command_line("pf", "--case FILE [--balance slack|proportional] [--csv DIR]",
                          "DC power flow of the intact network. With --balance slack the flows match MATPOWER's rundcpf.",
                          desc, args, vm))
    return 0;
  const Balance balance = parse_balance(balance_name);
  const Network net = load_network(case_path);
  for (const auto& w : net.warnings) std::cerr << "warning: " << w << "\n";
  const PowerFlowResult r = run_dc_power_flow(net, balance);
  if (!csv_dir.empty()) write_csv(net, r, csv_dir);

  int n_flows = 0, over = 0;
  double max_flow = 0.0, total_pg = 0.0;
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e]) {
      ++n_flows;
      max_flow = std::max(max_flow, std::abs(r.state.flow_mw[e]));
      over += net.limited(e) && std::abs(r.state.flow_mw[e]) > net.br_rate_a[e];
    }
  for (double p : r.gen_pg) total_pg += p;
  std::printf("pf %s: balance=%s islands=%d branches=%d max|flow|=%.6f MW generation=%.6f MW over_limit=%d shed=%.6f MW%s%s\n",
              net.source.c_str(), balance_name.c_str(), r.state.n_islands, n_flows, max_flow, total_pg, over, r.shed_mw,
              csv_dir.empty() ? "" : " csv=", csv_dir.c_str());
  return 0;
}

}  // namespace sre::cli
