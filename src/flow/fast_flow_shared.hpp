#pragma once
// What every thread's fast solver shares read-only (src/flow/fast_flow_solver.cpp): the
// intact network's reduced susceptance matrix, its LDL^T factor and what is precomputed
// from it once, for the Woodbury path (src/flow/woodbury_path.hpp) and the refactor path
// (src/flow/refactor_path.hpp). Built by make_fast_flow_shared() (flow_solver.hpp).
#include <vector>

#include "kernels/base_factor.hpp"
#include "kernels/path_refactor_ldlt.hpp"
#include "kernels/sparse_ldlt.hpp"

namespace sre {

struct FastFlowShared {
  int n_bus = 0, n_var = 0;
  std::vector<int> pos_of_bus;  // factor position, -1 for base references and out-of-service buses
  std::vector<int> bus_of_pos;
  std::vector<int> fixed_buses;  // not variables: base references and out-of-service buses
  std::vector<int> base_refs;   // one per intact island (not variables)
  std::vector<int> shifters;    // in-service branches with a phase shift
  double ground = 1.0;          // grounding weight g (per unit)
  kernels::BaseFactor factor;
  // Refactor path: the intact matrix's upper triangle in factor order (the pattern, with
  // an explicit diagonal entry at every position), and where each branch's terms and each
  // position's diagonal live in its value array (-1: none).
  kernels::SparseMatrix upper;
  std::vector<int> br_val_f, br_val_t, br_val_ft;  // per branch: (f,f), (t,t), (f,t) entries
  std::vector<int> diag_val;                       // per factor position
  // Per factor position: the in-service branches with an end there (ascending), so that
  // one column of the matrix can be assembled from scratch in the same order as all of it.
  std::vector<int> pos_branch_begin, pos_branch;
  // The refactor path's analysis and the intact matrix's factor, shared by the threads'
  // own refactorisations (src/kernels/path_refactor_ldlt.hpp).
  kernels::PathRefactorLdlt refactor_base;
  int default_max_rank = 0;
  // Forward solves (L^{-1} P r, factor order) of the intact network's per-bus supplies S0,
  // headroom C - S0, positive demand d (per unit) and phase-shifter terms. Section 5
  // balances an island as a*S0 + b*(C - S0) - c*d, so the largest island's right-hand
  // side needs no forward solve of its own: a*fS + b*fH - c*fD + fShift, plus a sparse
  // forward solve of the corrections at the buses outside it.
  std::vector<double> fS, fH, fD, fShift;
  // L^{-1} e_p for every factor position p (CSR; positions ascending along the
  // elimination-tree path), computed once when they fit kMaxColumnEntries, so that a
  // scenario's grounding columns are used in place and its branch columns are one merge
  // of two of them instead of a sparse forward solve each. Empty: computed per scenario.
  std::vector<long> col_begin;
  std::vector<int> col_idx;
  std::vector<double> col_val;

  bool has_columns() const { return !col_begin.empty(); }
  // The precomputed column L^{-1} e_p (has_columns()): its positions, values and length.
  const int* column_index(int p) const { return col_idx.data() + col_begin[p]; }
  const double* column_value(int p) const { return col_val.data() + col_begin[p]; }
  int column_length(int p) const { return static_cast<int>(col_begin[p + 1] - col_begin[p]); }
};

}  // namespace sre
