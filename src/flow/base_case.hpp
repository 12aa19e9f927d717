#pragma once
// The unstruck network balanced by the model's rule, its flows, and the branch
// limits every sample is judged against (grandfathered where the base state
// already exceeds rateA, model section 6).
#include <vector>

#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre {

struct BaseCase {
  const Network* net = nullptr;
  GridState state;                    // intact network, proportional balance, flows
  std::vector<double> limit_mw;       // L_e per branch; 0 = unlimited
  std::vector<int> limited_branches;  // in service with L_e > 0, ascending
  std::vector<double> limited_limit_mw;  // L_e of limited_branches[j] at j (contiguous for the overload scan)
  std::vector<int> limited_slot;      // per branch: its place j in limited_branches, -1 if none
  int n_grandfathered = 0;            // branches whose base flow exceeds rateA
  double shed_mw = 0.0;               // shed of the base state itself (islands with D > C)
};

BaseCase make_base_case(const Network& net);

}  // namespace sre
