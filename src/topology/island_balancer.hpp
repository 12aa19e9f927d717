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
  // The same result, taking from `intact` (the unstruck network balanced by balance(), on
  // the same network) every island that is a whole intact island without a lost unit: its
  // sums and injections are those of the intact island, bit for bit (the same buses summed
  // in the same order), copied instead of summed again. A branch cut that islands nothing
  // leaves every island so.
  static void balance(const Network& net, GridState& state, const GridState& intact);
  // After IslandFinder::find_after_trips(): the same result, but an island with the same
  // buses as before the round (state.island_prev) keeps its balancing, renumbered; only
  // the others are balanced again.
  static void rebalance(const Network& net, GridState& state);

 private:
  // Island k's fields and its buses' injections; returns the MW it sheds.
  static double balance_island(const Network& net, GridState& state, int k);
  // Island k's fields and injections from intact island j (same buses); returns its shed.
  static double copy_island(GridState& state, int k, const GridState& intact, int j);
};

}  // namespace sre
