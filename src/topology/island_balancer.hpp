#pragma once
// Balances generation and load in every island (model section 5) and sets the
// bus injections that the flow solvers take. Always starts from the base
// outputs, never from a previous cascade step.
#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre {

class IslandBalancer {
 public:
  // Needs islands (IslandFinder::find) in `state`; fills the balancing fields.
  static void balance(const Network& net, GridState& state);
  // After IslandFinder::find_after_trips(): the same result, but an island with the same
  // buses as before the round (state.island_prev) keeps its balancing, renumbered; only
  // the others are balanced again.
  static void rebalance(const Network& net, GridState& state);

 private:
  // Island k's fields and its buses' injections; returns the MW it sheds.
  static double balance_island(const Network& net, GridState& state, int k);
};

}  // namespace sre
