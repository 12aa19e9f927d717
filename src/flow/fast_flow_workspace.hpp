#pragma once
// One thread's workspace shared by the fast solver's paths (src/flow/fast_flow_solver.cpp,
// woodbury_path.hpp, refactor_path.hpp): the right-hand side that becomes the solution, the
// islands that need a grounding, a set of buses, and the steps every path begins and ends
// with (right-hand side, angles and flows). Sized once: no allocation per sample.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "flow/fast_flow_shared.hpp"
#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre {

struct FastFlowWorkspace {
  FastFlowWorkspace(const Network& net, const FastFlowShared& shared);

  // island_grounded[k]: island k holds a base reference bus (needs no grounding).
  void mark_grounded_islands(const GridState& s) {
    std::fill(island_grounded.begin(), island_grounded.begin() + s.n_islands, 0);
    for (int r : sh.base_refs)
      if (s.bus_alive[r]) island_grounded[s.island_of[r]] = 1;
  }

  // Right-hand side in factor order: injections and phase-shifter terms of live islands.
  void build_rhs(const Network& net, const GridState& s);
  // The phase shifters' terms of the right-hand side (live islands; touched_only: the
  // touched ones).
  void add_shifters_rhs(const Network& net, const GridState& s, bool touched_only);
  // Angles from x (0 at each island's reference, all 0 in dead islands), then flows.
  // touched_only: the touched islands' angles only, the others' standing.
  void finish(const Network& net, GridState& s, bool touched_only = false);

  // A set of buses, emptied by unsee(): seen(i) adds i and says whether it was there.
  bool seen(int i) {
    if (bus_seen[i]) return true;
    bus_seen[i] = 1;
    seen_list.push_back(i);
    return false;
  }
  void unsee() {
    for (int i : seen_list) bus_seen[i] = 0;
    seen_list.clear();
  }

  const FastFlowShared& sh;
  std::vector<double> x;  // right-hand side, then solution (factor order, n_var)
  std::vector<std::uint8_t> island_grounded, bus_seen;
  std::vector<int> seen_list;
};

}  // namespace sre
