#include "engine/grid_state.hpp"

#include <algorithm>

namespace sre {

void GridState::resize(const Network& net) {
  const int nb = net.n_bus(), nl = net.n_branch();
  bus_alive.resize(nb);
  branch_alive.resize(nl);
  branch_tripped.resize(nl);
  removed_branches.clear();
  removed_branches.reserve(nl);
  destroyed_buses.clear();
  destroyed_buses.reserve(nb);
  island_of.resize(nb);
  island_offset.resize(nb + 1);
  island_buses.resize(nb);
  island_ref.resize(nb);
  island_demand.resize(nb);
  island_supply_base.resize(nb);
  island_supply_cap.resize(nb);
  island_shed.resize(nb);
  island_served_ratio.resize(nb);
  island_kind.resize(nb);
  injection_mw.resize(nb);
  theta_rad.resize(nb);
  flow_mw.resize(nl);
}

void GridState::reset_to_intact(const Network& net) {
  if (static_cast<int>(bus_alive.size()) != net.n_bus()) resize(net);
  std::copy(net.bus_in_service.begin(), net.bus_in_service.end(), bus_alive.begin());
  std::copy(net.br_in_service.begin(), net.br_in_service.end(), branch_alive.begin());
  std::fill(branch_tripped.begin(), branch_tripped.end(), 0);
  removed_branches.clear();
  destroyed_buses.clear();
  n_islands = 0;
}

void GridState::destroy_bus(const Network& net, int i) {
  if (!bus_alive[i]) return;
  bus_alive[i] = 0;
  destroyed_buses.insert(std::upper_bound(destroyed_buses.begin(), destroyed_buses.end(), i), i);
  for (int k = net.adj_offset[i]; k < net.adj_offset[i + 1]; ++k) {
    const int e = net.adj_branch[k];
    if (branch_alive[e]) {
      branch_alive[e] = 0;
      removed_branches.push_back(e);
    }
  }
}

void GridState::trip_branch(int e) {
  if (!branch_alive[e]) return;
  branch_alive[e] = 0;
  branch_tripped[e] = 1;
  removed_branches.push_back(e);
}

}  // namespace sre
