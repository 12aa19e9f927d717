// sre info: what a planner checks first about a case.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/cli.hpp"
#include "app/option_values.hpp"
#include "dispatch/dc_opf.hpp"
#include "flow/dc_power_flow.hpp"

namespace sre::cli {

int cmd_info(const std::vector<std::string>& args) {
  po::options_description desc("options");
  std::string case_path, dispatch_name = "case";
  double tol = 0.5;
  desc.add_options()("case", po::value(&case_path)->required(), "case file: MATPOWER (format version 2, .m), PSS/E RAW (revision 33 or 35, .raw) or RAWX (.rawx), told by its content")(
      "dispatch", po::value(&dispatch_name)->default_value(dispatch_name),
      "base state's generator outputs: case (the file's set-points, quick), or scopf | dcopf (what `sre run`\n"
      "starts from: its default is scopf; the demand of consuming units and the base overloads follow it)")(
      "tol", real(&tol, "tol", 0.0, 1e6), "with --dispatch scopf: post-contingency limits rateA (1 + tol)");
  po::variables_map vm;
  if (!parse_command_line("info", "--case FILE [--dispatch case|dcopf|scopf]",
                          "Summarise a case: buses, branches and generators in and out of service,\n"
                          "islands of the intact network, demand and capacity, limits, base-state overloads.\n"
                          "The figures of the base state are those of `sre run` with the same --dispatch.",
                          desc, args, vm))
    return 0;

  const AppliedDispatch applied = apply_dispatch(load_network(case_path), parse_dispatch(dispatch_name), tol);
  const Network& net = applied.net;
  for (const auto& w : net.warnings) std::cerr << "warning: " << w << "\n";
  if (!applied.note.empty()) std::cerr << "note: " << applied.note << "\n";
  int bus_in = 0, gen_in = 0, br_in = 0, unlimited = 0;
  double capacity = 0.0, base_pg = 0.0;
  for (int i = 0; i < net.n_bus(); ++i) bus_in += net.bus_in_service[i];
  for (int g = 0; g < net.n_gen(); ++g)
    if (net.gen_in_service[g]) {
      ++gen_in;
      if (net.gen_pg[g] >= 0.0) {
        capacity += std::max(net.gen_pmax[g], net.gen_pg[g]);
        base_pg += net.gen_pg[g];
      }
    }
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e]) {
      ++br_in;
      unlimited += !net.limited(e);
    }
  const PowerFlowResult pf = run_dc_power_flow(net, Balance::kProportional);
  int over = 0;
  double worst = 0.0;
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e] && net.limited(e)) {
      const double ratio = std::abs(pf.state.flow_mw[e]) / net.br_rate_a[e];
      worst = std::max(worst, ratio);
      over += ratio > 1.0;
    }
  double supply_from_negative_demand = 0.0;
  for (int i = 0; i < net.n_bus(); ++i)
    if (net.bus_demand[i] < 0.0) supply_from_negative_demand += -net.bus_demand[i];

  std::printf("case              %s\n", net.source.c_str());
  std::printf("base state        dispatch %s%s; balanced as a study's base state (model section 5)\n",
              to_string(applied.used).c_str(),
              applied.used == Dispatch::kCase ? " (the file's generator set-points; `sre run` defaults to scopf)" : "");
  std::printf("baseMVA           %g\n", net.base_mva);
  std::printf("buses             %d (%d in service, %d out)\n", net.n_bus(), bus_in, net.n_bus() - bus_in);
  std::printf("branches          %d (%d in service, %d out)\n", net.n_branch(), br_in, net.n_branch() - br_in);
  std::printf("generators        %d (%d in service, %d out)\n", net.n_gen(), gen_in, net.n_gen() - gen_in);
  std::printf("islands           %d\n", pf.state.n_islands);
  std::printf("reference bus     %lld\n", net.case_ref_bus >= 0 ? static_cast<long long>(net.bus_id[net.case_ref_bus]) : -1LL);
  std::printf("demand            %.6f MW (positive bus demand, Pd + Gs, consuming units included)\n", net.total_demand_pos);
  std::printf("generation        %.6f MW capacity, %.6f MW base output; %.6f MW from negative-demand buses\n",
              capacity, base_pg, supply_from_negative_demand);
  std::printf("unlimited         %d branches in service without a limit (rateA = 0)\n", unlimited);
  std::printf("over limit        %d branches over rateA in the base state (proportional balance; worst loading %.4f)\n",
              over, worst);
  std::printf("base shed         %.6f MW\n", pf.shed_mw);
  return 0;
}

}  // namespace sre::cli
