#pragma once
// Balances generation and load in every island (model section 5) and sets the
// bus injections that the flow solvers take. Always starts from the base
// outputs, never from a previous cascade step.
#include "engine/grid_state.hpp"
#include "engine/network.hpp"

namespace sre {

class IslandBalancer {
 public:
  // Needs islands (IslandFinder::find) in `state`; fills the balancing fields.
  static void balance(const Network& net, GridState& state);
};

}  // namespace sre
