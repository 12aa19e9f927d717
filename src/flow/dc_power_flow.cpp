#include "flow/dc_power_flow.hpp"

#include <numbers>

#include "flow/flow_solver.hpp"
#include "io/input_error.hpp"
#include "topology/island_balancer.hpp"
#include "topology/island_finder.hpp"

namespace sre {

Balance parse_balance(const std::string& name) {
  if (name == "slack") return Balance::kSlack;
  if (name == "proportional") return Balance::kProportional;
  throw InputError("unknown balancing rule '" + name + "'; allowed: slack, proportional");
}

namespace {

// rundcpf's injections: every in-service generator at its Pg, minus Pd + Gs.
void set_file_injections(const Network& net, GridState& s) {
  for (int i = 0; i < net.n_bus(); ++i)
    s.injection_mw[i] = net.bus_in_service[i] ? -(net.bus_pd[i] + net.bus_gs[i]) : 0.0;
  for (int g = 0; g < net.n_gen(); ++g)
    if (net.gen_in_service[g]) s.injection_mw[net.gen_bus[g]] += net.gen_pg[g];
  s.injection_by_rule = false;
  for (int k = 0; k < s.n_islands; ++k) {
    s.island_kind[k] = IslandKind::kLive;
    s.island_shed[k] = 0.0;
    s.island_served_ratio[k] = 1.0;
  }
}

// Generator outputs under the proportional rule (model section 5).
void proportional_gen_outputs(const Network& net, const GridState& s, std::vector<double>& pg) {
  for (int g = 0; g < net.n_gen(); ++g) {
    if (!net.gen_in_service[g]) continue;
    const double p = net.gen_pg[g];
    if (p < 0.0) continue;  // a consuming unit is netted into its bus demand and keeps its Pg
    const int k = s.island_of[net.gen_bus[g]];
    const double d = s.island_demand[k], s0 = s.island_supply_base[k], c = s.island_supply_cap[k];
    const double cap = std::max(net.gen_pmax[g], p);
    if (s.island_kind[k] == IslandKind::kDead) pg[g] = 0.0;
    else if (d <= s0) pg[g] = s0 > 0.0 ? p * (d / s0) : 0.0;
    else if (d <= c) pg[g] = p + (d - s0) / (c - s0) * (cap - p);
    else pg[g] = cap;
  }
}

}  // namespace

PowerFlowResult run_dc_power_flow(const Network& net, Balance balance) {
  PowerFlowResult r;
  GridState& s = r.state;
  s.resize(net);
  s.reset_to_intact(net);
  find_islands_from_scratch(net, s);  // one call: no certificates to build
  r.gen_pg.assign(net.n_gen(), 0.0);
  for (int g = 0; g < net.n_gen(); ++g)
    if (net.gen_in_service[g]) r.gen_pg[g] = net.gen_pg[g];

  if (balance == Balance::kSlack) {
    set_file_injections(net, s);
  } else {
    IslandBalancer::balance(net, s);
    proportional_gen_outputs(net, s, r.gen_pg);
    r.shed_mw = s.shed_mw;
  }
  make_reference_flow_solver(net)->solve(net, s);

  if (balance == Balance::kSlack) {
    // The slack unit takes whatever the island's injections leave unbalanced.
    for (int k = 0; k < s.n_islands; ++k) {
      const int ref = s.island_ref[k];
      double mismatch = 0.0;
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) mismatch += s.injection_mw[s.island_buses[p]];
      for (int g = 0; g < net.n_gen(); ++g)
        if (net.gen_in_service[g] && net.gen_bus[g] == ref) {
          r.gen_pg[g] -= mismatch;
          break;
        }
    }
  }

  r.va_deg.assign(net.n_bus(), 0.0);
  for (int i = 0; i < net.n_bus(); ++i) {
    if (!net.bus_in_service[i]) {
      r.va_deg[i] = net.bus_va_deg[i];  // MATPOWER repeats the file's Va for isolated buses
      continue;
    }
    const int ref = s.island_ref[s.island_of[i]];
    r.va_deg[i] = s.theta_rad[i] * 180.0 / std::numbers::pi + net.bus_va_deg[ref];
  }
  return r;
}

}  // namespace sre
