#pragma once
// DC power flow of the intact network, as `sre pf` reports it.
#include <string>
#include <vector>

#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre {

enum class Balance {
  kSlack,         // MATPOWER rundcpf: the first generator at each island's reference bus takes the mismatch
  kProportional,  // model section 5: every island balanced by the supply-scaling rule
};
Balance parse_balance(const std::string& name);  // "slack" | "proportional", throws InputError

struct PowerFlowResult {
  GridState state;             // islands, injections, theta_rad (0 at references), flow_mw
  std::vector<double> gen_pg;  // MW per generator row (0 when out of service)
  std::vector<double> va_deg;  // per bus: theta in degrees plus the reference bus's Va from the file
  double shed_mw = 0.0;        // proportional only: demand not served (islands with D > C)
};

PowerFlowResult run_dc_power_flow(const Network& net, Balance balance);

}  // namespace sre
