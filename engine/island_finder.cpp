#include "engine/island_finder.hpp"

namespace sre {

void IslandFinder::find(const Network& net, GridState& s) {
  const int nb = net.n_bus();
  sets_.reset(nb);
  for (int e = 0; e < net.n_branch(); ++e)
    if (s.branch_alive[e]) sets_.unite(net.br_from[e], net.br_to[e]);

  root_label_.assign(nb, -1);
  int n = 0;
  for (int i = 0; i < nb; ++i) {
    if (!s.bus_alive[i]) {
      s.island_of[i] = -1;
      continue;
    }
    const int r = sets_.find(i);
    if (root_label_[r] < 0) root_label_[r] = n++;
    s.island_of[i] = root_label_[r];
  }
  s.n_islands = n;

  // Counting sort of buses by island; buses stay ascending inside each island.
  std::fill(s.island_offset.begin(), s.island_offset.begin() + n + 1, 0);
  for (int i = 0; i < nb; ++i)
    if (s.island_of[i] >= 0) ++s.island_offset[s.island_of[i] + 1];
  for (int k = 0; k < n; ++k) s.island_offset[k + 1] += s.island_offset[k];
  fill_.assign(s.island_offset.begin(), s.island_offset.begin() + n);
  for (int i = 0; i < nb; ++i)
    if (s.island_of[i] >= 0) s.island_buses[fill_[s.island_of[i]]++] = i;

  // Reference: the case's reference bus if held, else the largest supply capacity
  // (lowest index on ties), which is the lowest-index bus when there is no supply.
  for (int k = 0; k < n; ++k) {
    int ref = -1, best = s.island_buses[s.island_offset[k]];
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      if (net.bus_is_case_ref[i]) {
        ref = i;
        break;
      }
      if (net.bus_supply_cap[i] > net.bus_supply_cap[best]) best = i;
    }
    s.island_ref[k] = ref >= 0 ? ref : best;
  }
}

}  // namespace sre
