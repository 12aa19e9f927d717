#include "topology/island_balancer.hpp"

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

  // Adding an island's 0 MW leaves the sum as it is (it is >= +0), so rebalance() can add
  // every island's shed in turn and get the same bits.
  double shed = destroyed;
  for (int k = 0; k < s.n_islands; ++k) shed += balance_island(net, s, k);
  s.shed_mw = shed;
  s.injection_by_rule = true;
}

void IslandBalancer::balance(const Network& net, GridState& s, const GridState& intact) {
  double destroyed = 0.0;
  for (int i : s.destroyed_buses) {
    s.injection_mw[i] = 0.0;
    destroyed += net.bus_demand_pos[i];
  }
  s.destroyed_demand = destroyed;
  double shed = destroyed;
  for (int k = 0; k < s.n_islands; ++k) {
    // Island k lies inside one intact island; with as many buses, it is that island.
    const int begin = s.island_offset[k], size = s.island_offset[k + 1] - begin;
    const int j = intact.island_of[s.island_buses[begin]];
    bool whole = j >= 0 && intact.island_offset[j + 1] - intact.island_offset[j] == size;
    for (int i : s.supply_changed_buses) whole = whole && s.island_of[i] != k;
    shed += whole ? copy_island(s, k, intact, j) : balance_island(net, s, k);
  }
  s.shed_mw = shed;
  s.injection_by_rule = true;
}

double IslandBalancer::copy_island(GridState& s, int k, const GridState& intact, int j) {
  s.island_demand[k] = intact.island_demand[j];
  s.island_supply_base[k] = intact.island_supply_base[j];
  s.island_supply_cap[k] = intact.island_supply_cap[j];
  s.island_kind[k] = intact.island_kind[j];
  s.island_shed[k] = intact.island_shed[j];
  s.island_served_ratio[k] = intact.island_served_ratio[j];
  const double* from = intact.injection_mw.data();
  double* to = s.injection_mw.data();
  for (int p = s.island_offset[k], end = s.island_offset[k + 1]; p < end; ++p) {
    const int i = s.island_buses[p];
    to[i] = from[i];
  }
  return s.island_shed[k];
}

double IslandBalancer::balance_island(const Network& net, GridState& s, int k) {
  const int begin = s.island_offset[k], end = s.island_offset[k + 1];
  // Two partial sums of each total (even and odd places in the island's bus list, then
  // added): one running sum would make every bus wait for the adder's latency
  // (BM_Kernels_Balance: 4.2 to 3.5 us on case2383wp_k; four sums gained little more).
  double d = 0.0, s0 = 0.0, c = 0.0;
  {
    const int* bus = s.island_buses.data();
    const double* demand = net.bus_demand_pos.data();
    const double* supply = s.supply_base(net);
    const double* cap = s.supply_cap(net);
    double d1 = 0.0, s01 = 0.0, c1 = 0.0;
    int p = begin;
    for (; p + 2 <= end; p += 2) {
      const int i = bus[p], j = bus[p + 1];
      d += demand[i], d1 += demand[j];
      s0 += supply[i], s01 += supply[j];
      c += cap[i], c1 += cap[j];
    }
    if (p < end) d += demand[bus[p]], s0 += supply[bus[p]], c += cap[bus[p]];
    d += d1, s0 += s01, c += c1;
  }
  s.island_demand[k] = d;
  s.island_supply_base[k] = s0;
  s.island_supply_cap[k] = c;

  if (!(c > 0.0)) {
    for (int p = begin; p < end; ++p) s.injection_mw[s.island_buses[p]] = 0.0;
    s.island_kind[k] = IslandKind::kDead;
    s.island_shed[k] = d;
    s.island_served_ratio[k] = 0.0;
    return d;
  }
  s.island_kind[k] = IslandKind::kLive;
  const double* supply_base = s.supply_base(net);
  const double* supply_cap = s.supply_cap(net);
  if (d <= s0) {
    const double scale = s0 > 0.0 ? d / s0 : 0.0;
    for (int p = begin; p < end; ++p) {
      const int i = s.island_buses[p];
      s.injection_mw[i] = supply_base[i] * scale - net.bus_demand_pos[i];
    }
    s.island_shed[k] = 0.0;
    s.island_served_ratio[k] = 1.0;
  } else if (d <= c) {
    const double f = (d - s0) / (c - s0);
    for (int p = begin; p < end; ++p) {
      const int i = s.island_buses[p];
      const double sb = supply_base[i];
      s.injection_mw[i] = sb + f * (supply_cap[i] - sb) - net.bus_demand_pos[i];
    }
    s.island_shed[k] = 0.0;
    s.island_served_ratio[k] = 1.0;
  } else {
    const double ratio = c / d;
    for (int p = begin; p < end; ++p) {
      const int i = s.island_buses[p];
      s.injection_mw[i] = supply_cap[i] - net.bus_demand_pos[i] * ratio;
    }
    s.island_shed[k] = d - c;
    s.island_served_ratio[k] = ratio;
  }
  return s.island_shed[k];
}

namespace {
// a[k] <- a[prev[k]] where prev[k] >= 0, through scratch (islands may move either way).
template <class T>
void renumber(std::vector<T>& a, const std::vector<int>& prev, int n, std::vector<T>& scratch) {
  for (int k = 0; k < n; ++k)
    if (prev[k] >= 0) scratch[k] = a[prev[k]];
  for (int k = 0; k < n; ++k)
    if (prev[k] >= 0) a[k] = scratch[k];
}
}  // namespace

void IslandBalancer::rebalance(const Network& net, GridState& s) {
  const int n = s.n_islands;
  bool moved = false;
  for (int k = 0; k < n && !moved; ++k) moved = s.island_prev[k] >= 0 && s.island_prev[k] != k;
  if (moved) {
    for (auto* a : {&s.island_demand, &s.island_supply_base, &s.island_supply_cap, &s.island_shed,
                    &s.island_served_ratio})
      renumber(*a, s.island_prev, n, s.island_scratch);
    renumber(s.island_kind, s.island_prev, n, s.island_kind_scratch);
  }
  double shed = s.destroyed_demand;
  for (int k = 0; k < n; ++k) shed += s.island_prev[k] >= 0 ? s.island_shed[k] : balance_island(net, s, k);
  s.shed_mw = shed;
  s.injection_by_rule = true;
}

}  // namespace sre
