#pragma once
// The fast solver's refactor path (src/flow/fast_flow_solver.cpp), for scenarios with more
// modifications than the Woodbury path takes: the same grounded matrix (alive branches
// plus the same groundings, in factor order, on the intact matrix's pattern: removed
// branches contribute zeros, groundings land on existing diagonal entries) on a per-thread
// factor of the intact matrix, of which only the columns that changed are reassembled and
// only the rows on their elimination-tree paths refactorised
// (src/kernels/path_refactor_ldlt.hpp), then one full solve. A later cascade round of the
// same sample updates that factor with its new trips and moved groundings only.
#include <cstdint>
#include <vector>

#include "flow/fast_flow_shared.hpp"
#include "flow/fast_flow_workspace.hpp"
#include "kernels/path_refactor_ldlt.hpp"
#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre {

class RefactorPath {
 public:
  RefactorPath(const Network& net, const FastFlowShared& shared, FastFlowWorkspace& ws);

  // The whole solve of the state (angles and flows), on the state's factor. Needs
  // ws.island_grounded marked (FastFlowWorkspace::mark_grounded_islands). False on a zero
  // pivot (the state then needs another path).
  bool solve(const Network& net, GridState& s);

  // FlowSolver::solve_touched() on the state's factor, when the previous round was solved
  // here (see the definition).
  enum class Touched {
    kNotApplicable,  // nothing done: solve the state another way
    kSolved,
    kFailed,  // a zero pivot: solve the state another way
  };
  Touched solve_touched(const Network& net, GridState& s);

  // The factor holds a state of this sample (the next solve of the sample updates it).
  bool in_sample() const { return in_sample_; }
  // The per-thread factor is updated round by round within one sample only.
  void new_sample() { in_sample_ = false, x_is_solution_ = false; }
  // ws.x no longer holds the latest solve's solution.
  void forget_solution() { x_is_solution_ = false; }
  // The matrix of the latest solve here (FlowSolver::solve_more()).
  const kernels::PathRefactorLdlt& factor() const { return state_factor_; }

 private:
  bool factor_is_earlier_state(const GridState& s) const;
  bool refactor(const Network& net, const GridState& s, const int* listed = nullptr, int n_listed = 0);
  void assemble_column(const Network& net, const GridState& s, int p);

  const FastFlowShared& sh_;
  FastFlowWorkspace& ws_;
  // The intact matrix, updated column by column to the latest state of this sample
  // (refactor()): its removed branches, destroyed buses and groundings.
  kernels::PathRefactorLdlt state_factor_;
  bool in_sample_ = false;
  bool x_is_solution_ = false;             // ws.x is the latest solve's, on state_factor_, all positions
  std::vector<int> listed_;                // solve_touched(): the positions solved
  std::vector<std::uint64_t> pos_listed_;  // solve_touched(): positions, one bit each
  // The state state_factor_ holds: its removed branches (in removal order), destroyed
  // buses and grounded positions (list and flags); want_*: refactor()'s groundings wanted.
  std::vector<int> removed_, destroyed_, grounded_list_, want_list_;
  std::vector<std::uint8_t> grounded_, want_;
};

}  // namespace sre
