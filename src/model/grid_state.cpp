#include "model/grid_state.hpp"

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
  lost_generators.clear();
  lost_generators.reserve(net.n_gen());
  gen_lost.assign(net.n_gen(), 0);
  supply_changed_buses.clear();
  supply_changed_buses.reserve(nb);
  own_supply_base = net.bus_supply_base;
  own_supply_cap = net.bus_supply_cap;
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
  island_redispatched.resize(nb);
  bus_served_ratio.resize(nb);
  injection_mw.resize(nb);
  theta_rad.resize(nb);
  flow_mw.resize(nl);
  island_prev.resize(nb);
  island_touched.resize(nb);
  island_scratch.resize(nb);
  island_kind_scratch.resize(nb);
  touched_buses = -1;
}

void GridState::reset_to_intact(const Network& net) {
  if (static_cast<int>(bus_alive.size()) != net.n_bus()) resize(net);
  std::copy(net.bus_in_service.begin(), net.bus_in_service.end(), bus_alive.begin());
  std::copy(net.br_in_service.begin(), net.br_in_service.end(), branch_alive.begin());
  std::fill(branch_tripped.begin(), branch_tripped.end(), 0);
  removed_branches.clear();
  destroyed_buses.clear();
  for (int g : lost_generators) gen_lost[g] = 0;
  lost_generators.clear();
  for (int i : supply_changed_buses) {
    own_supply_base[i] = net.bus_supply_base[i];
    own_supply_cap[i] = net.bus_supply_cap[i];
  }
  supply_changed_buses.clear();
  n_islands = 0;
  touched_buses = -1;
  any_redispatched = false;
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

void GridState::cut_branch(int e) {
  if (!branch_alive[e]) return;
  branch_alive[e] = 0;
  removed_branches.push_back(e);
}

void GridState::lose_generator(const Network& net, int g) {
  const int i = net.gen_bus[g];
  if (gen_lost[g] || !net.gen_in_service[g] || net.gen_pg[g] < 0.0) return;
  gen_lost[g] = 1;
  lost_generators.push_back(g);
  // The bus's supply summed again without its lost units, in bus_supply_base's order.
  double base = 0.0, cap = 0.0;
  for (int p = net.bus_gen_offset[i]; p < net.bus_gen_offset[i + 1]; ++p) {
    const int u = net.bus_gen[p];
    if (gen_lost[u]) continue;
    base += net.gen_pg[u];
    cap += std::max(net.gen_pmax[u], net.gen_pg[u]);
  }
  const double neg = net.bus_demand[i] < 0.0 ? -net.bus_demand[i] : 0.0;
  own_supply_base[i] = base + neg;
  own_supply_cap[i] = cap + neg;
  if (std::find(supply_changed_buses.begin(), supply_changed_buses.end(), i) == supply_changed_buses.end())
    supply_changed_buses.push_back(i);
}

void GridState::trip_branch(int e) {
  if (!branch_alive[e]) return;
  branch_alive[e] = 0;
  branch_tripped[e] = 1;
  removed_branches.push_back(e);
}

void GridState::mark_touched_islands(const Network& net, int first_trip) {
  for (int k = 0; k < n_islands; ++k) island_touched[k] = island_prev[k] < 0;
  for (std::size_t t = static_cast<std::size_t>(first_trip); t < removed_branches.size(); ++t) {
    const int e = removed_branches[t];
    for (int i : {net.br_from[e], net.br_to[e]})
      if (bus_alive[i]) island_touched[island_of[i]] = 1;
  }
  int buses = 0;
  for (int k = 0; k < n_islands; ++k)
    if (island_touched[k]) buses += island_offset[k + 1] - island_offset[k];
  touched_buses = buses;
}

}  // namespace sre
