#include "engine/island_balancer.hpp"

namespace sre {

void IslandBalancer::balance(const Network& net, GridState& s) {
  // Destroyed buses in ascending order (out-of-service buses have no demand), so the sum
  // is the one over every bus that is not alive; they inject nothing. Buses of live
  // islands get their injection below, those of dead islands 0; out-of-service buses
  // are never written (0 since resize()).
  double destroyed = 0.0;
  for (int i : s.destroyed_buses) {
    s.injection_mw[i] = 0.0;
    destroyed += net.bus_demand_pos[i];
  }
  s.destroyed_demand = destroyed;

  double shed = destroyed;
  for (int k = 0; k < s.n_islands; ++k) {
    const int begin = s.island_offset[k], end = s.island_offset[k + 1];
    double d = 0.0, s0 = 0.0, c = 0.0;
    for (int p = begin; p < end; ++p) {
      const int i = s.island_buses[p];
      d += net.bus_demand_pos[i];
      s0 += net.bus_supply_base[i];
      c += net.bus_supply_cap[i];
    }
    s.island_demand[k] = d;
    s.island_supply_base[k] = s0;
    s.island_supply_cap[k] = c;

    if (!(c > 0.0)) {
      for (int p = begin; p < end; ++p) s.injection_mw[s.island_buses[p]] = 0.0;
      s.island_kind[k] = IslandKind::kDead;
      s.island_shed[k] = d;
      s.island_served_ratio[k] = 0.0;
      shed += d;
      continue;
    }
    s.island_kind[k] = IslandKind::kLive;
    if (d <= s0) {
      const double scale = s0 > 0.0 ? d / s0 : 0.0;
      for (int p = begin; p < end; ++p) {
        const int i = s.island_buses[p];
        s.injection_mw[i] = net.bus_supply_base[i] * scale - net.bus_demand_pos[i];
      }
      s.island_shed[k] = 0.0;
      s.island_served_ratio[k] = 1.0;
    } else if (d <= c) {
      const double f = (d - s0) / (c - s0);
      for (int p = begin; p < end; ++p) {
        const int i = s.island_buses[p];
        const double sb = net.bus_supply_base[i];
        s.injection_mw[i] = sb + f * (net.bus_supply_cap[i] - sb) - net.bus_demand_pos[i];
      }
      s.island_shed[k] = 0.0;
      s.island_served_ratio[k] = 1.0;
    } else {
      const double ratio = c / d;
      for (int p = begin; p < end; ++p) {
        const int i = s.island_buses[p];
        s.injection_mw[i] = net.bus_supply_cap[i] - net.bus_demand_pos[i] * ratio;
      }
      s.island_shed[k] = d - c;
      s.island_served_ratio[k] = ratio;
      shed += d - c;
    }
  }
  s.shed_mw = shed;
}

}  // namespace sre
