#pragma once
// The fast solver's low-rank path (src/flow/fast_flow_solver.cpp): a scenario solved on the
// intact network's shared factor as a low-rank modification of it, by compensation
// (src/kernels/woodbury_update.hpp):
//  - every removed branch e (outages, then cascade trips; GridState::removed_branches)
//    adds u = e_f - e_t (reduced: base reference buses are not variables), c = -b_e;
//  - every variable bus that is not alive (destroyed) is grounded: u = e_i, c = g;
//  - every island (live or dead) that holds no base reference bus is grounded at its
//    reference bus: u = e_ref, c = g. With balanced injections the grounding carries
//    no current, so one solve gives every island's angles; dead islands get a zero
//    right-hand side (zero angles and flows), as do destroyed buses.
// One per thread; the columns of the modifications stay cached across scenarios (cascade
// steps reuse them).
#include <cstdint>
#include <limits>
#include <vector>

#include "flow/fast_flow_shared.hpp"
#include "flow/fast_flow_workspace.hpp"
#include "kernels/woodbury_update.hpp"
#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre {

class WoodburyPath {
 public:
  // max_rank: the most modifications a scenario solved here may have.
  // demand_scale: see make_fast_flow_solver().
  WoodburyPath(const Network& net, const FastFlowShared& shared, FastFlowWorkspace& ws, int max_rank,
               double demand_scale = 1.0);

  // The number of modifications (removed branches plus groundings) this state needs.
  // Needs ws.island_grounded marked (FastFlowWorkspace::mark_grounded_islands).
  int rank(const Network& net, const GridState& s);

  // The solve up to the backward solve, for a state of `rank` (rank()) modifications:
  // ws.x leaves holding D^{-1} (I - Woodbury correction) L^{-1} P r, awaiting
  // x <- L^{-T} x on the shared factor and FastFlowWorkspace::finish(). False when the
  // capacitance matrix is numerically singular (nothing solved).
  bool begin_solve(const Network& net, const GridState& s, int rank);

  // On the modified matrix of the latest begin_solve(): z <- the Woodbury correction of
  // z = L^{-1} P r (factor order).
  void apply(double* z) { wb_.apply(z); }

  // x <- L^{-1} P r (factor order) as a combination of the precomputed columns when r (per
  // bus, MW) has few entries (at most kSparseEntries); false otherwise (x untouched).
  bool forward_sparse(const Network& net, const double* r, double* x);

 private:
  void clear_cache();
  int branch_slot(const Network& net, int e);
  int bus_slot(int i);
  bool set_active_slots(const Network& net, const GridState& s);
  bool forward_rhs_by_superposition(const Network& net, const GridState& s);

  const FastFlowShared& sh_;
  FastFlowWorkspace& ws_;
  kernels::WoodburyUpdate wb_;
  std::vector<int> branch_slot_, bus_slot_, slotted_branches_, slotted_buses_, slots_;
  // Superposition right-hand side: corrections (factor positions, values) and the sparse
  // forward solve's workspace.
  static constexpr int kMaxCorrections = 256;
  std::vector<int> corr_pos_, sparse_idx_;
  std::vector<double> corr_val_, sparse_work_, sparse_val_;
  // The largest island's share a fS + b fH - c fD + fShift of the last (a, b, c) computed:
  // consecutive samples that leave that island's balancing as it was (branch cuts that
  // island nothing: every sample of an N-k study but the islanding ones) copy it.
  std::vector<double> share_;
  double share_a_ = std::numeric_limits<double>::quiet_NaN(), share_b_ = 0.0, share_c_ = 0.0;
  double demand_scale_ = 1.0;  // this network's demand over the shared solves' (fD)
  std::vector<unsigned char> sparse_mark_;
  // forward_sparse(): the most entries a right-hand side may have to take the sparse
  // forward solve.
  static constexpr int kSparseEntries = 16;
};

}  // namespace sre
