#pragma once
// Connected components of the alive buses over alive branches, each with its
// reference bus (model section 5), written into a GridState.
#include "engine/grid_state.hpp"
#include "engine/network.hpp"
#include "kernels/union_find.hpp"

namespace sre {

class IslandFinder {
 public:
  // Fills n_islands, island_of, island_offset/island_buses (ascending) and island_ref.
  // Islands are numbered in the order of their lowest bus index, so the numbering
  // is a pure function of the topology.
  void find(const Network& net, GridState& state);

 private:
  kernels::UnionFind sets_;
  std::vector<int> root_label_;
  std::vector<int> fill_;
};

}  // namespace sre
