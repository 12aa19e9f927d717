// The fast solver's refactor path (src/flow/refactor_path.hpp).
#include "flow/refactor_path.hpp"

#include <algorithm>
#include <bit>

namespace sre {

RefactorPath::RefactorPath(const Network& net, const FastFlowShared& shared, FastFlowWorkspace& ws)
    : sh_(shared), ws_(ws) {
  const int nb = net.n_bus();
  state_factor_.share_analysis(sh_.refactor_base);
  grounded_.assign(sh_.n_var, 0);
  want_.assign(sh_.n_var, 0);
  grounded_list_.reserve(sh_.n_var);
  want_list_.reserve(sh_.n_var);
  removed_.reserve(net.n_branch());
  destroyed_.reserve(nb);
  listed_.reserve(sh_.n_var);
  pos_listed_.assign((sh_.n_var + 63) / 64, 0);
}

bool RefactorPath::solve(const Network& net, GridState& s) {
  ws_.build_rhs(net, s);
  if (!refactor(net, s)) return false;
  state_factor_.backward(ws_.x.data());
  ws_.finish(net, s);
  x_is_solution_ = true;
  return true;
}

// A cascade round whose previous round was solved on the refactorised factor: ws_.x
// holds that solution, and the matrix is block diagonal over islands, so only the touched
// islands' positions are solved again; the others' angles and flows stand (bit for bit
// what a whole solve would give, up to the sign of zeros). kNotApplicable when not
// applicable, or when the touched islands hold most buses (a whole solve costs no more).
RefactorPath::Touched RefactorPath::solve_touched(const Network& net, GridState& s) {
  const bool applicable = in_sample_ && x_is_solution_ && s.touched_buses >= 0 &&
                          4 * s.touched_buses <= 3 * sh_.n_var && factor_is_earlier_state(s);
  x_is_solution_ = false;
  if (!applicable) return Touched::kNotApplicable;
  ws_.mark_grounded_islands(s);
  const FastFlowShared& sh = sh_;
  // The touched islands' positions as bits (listed ascending below), and their
  // right-hand side entries in the same pass.
  std::uint64_t* bits = pos_listed_.data();
  const double inv_base = 1.0 / net.base_mva;
  for (int k = 0; k < s.n_islands; ++k) {
    if (!s.island_touched[k]) continue;
    const bool live = s.island_kind[k] == IslandKind::kLive;
    for (int q = s.island_offset[k]; q < s.island_offset[k + 1]; ++q) {
      const int i = s.island_buses[q];
      const int p = sh.pos_of_bus[i];
      if (p < 0) continue;
      bits[p >> 6] |= std::uint64_t{1} << (p & 63);
      ws_.x[p] = live ? s.injection_mw[i] * inv_base : 0.0;
    }
  }
  listed_.clear();
  for (int w = 0, nw = static_cast<int>(pos_listed_.size()); w < nw; ++w) {
    for (std::uint64_t b = bits[w]; b != 0; b &= b - 1) listed_.push_back(64 * w + std::countr_zero(b));
    bits[w] = 0;
  }
  ws_.add_shifters_rhs(net, s, true);
  // The untouched islands' rows of the factor stand too: their blocks did not change.
  if (!refactor(net, s, listed_.data(), static_cast<int>(listed_.size()))) return Touched::kFailed;
  state_factor_.backward_listed(ws_.x.data(), listed_.data(), static_cast<int>(listed_.size()));
  ws_.finish(net, s, true);
  x_is_solution_ = true;
  return Touched::kSolved;
}

// The per-thread factor holds an earlier state of this sample: the same destroyed buses,
// and removed branches that begin the state's.
bool RefactorPath::factor_is_earlier_state(const GridState& s) const {
  return in_sample_ && s.removed_branches.size() >= removed_.size() && s.destroyed_buses == destroyed_ &&
         std::equal(removed_.begin(), removed_.end(), s.removed_branches.begin());
}

// The matrix of this state on the per-thread factor (src/kernels/path_refactor_ldlt.hpp):
// alive branches, destroyed variable buses grounded, and each island without a base
// reference grounded at its reference bus. A function of the state alone, so the factor
// is bit for bit the same whichever earlier state of the sample it was updated from.
// Only the columns that differ from the factor's current matrix are reassembled, and
// only the rows on their elimination-tree paths refactorised: within one sample's
// cascade rounds (removed branches only grow), that is the new trips and the groundings
// that moved. A new sample starts again from the intact matrix. False on a zero pivot.
// ws_.x (the right-hand side, factor order) leaves with the forward half of the solve,
// D^{-1} L^{-1} ws_.x, taken in the same pass. listed (ascending factor positions, or null
// for all), only when the factor holds an earlier state of this sample
// (factor_is_earlier_state()): the rows outside are known to stand (untouched islands'
// blocks) and are neither recomputed nor solved.
bool RefactorPath::refactor(const Network& net, const GridState& s, const int* listed, int n_listed) {
  const FastFlowShared& sh = sh_;
  const bool extends = factor_is_earlier_state(s);
  if (!extends) {
    state_factor_.restore_base();
    for (int p : grounded_list_) grounded_[p] = 0;
    grounded_list_.clear();
    removed_.clear();
    destroyed_.assign(s.destroyed_buses.begin(), s.destroyed_buses.end());
  }
  in_sample_ = true;
  for (std::size_t q = removed_.size(); q < s.removed_branches.size(); ++q) {
    const int e = s.removed_branches[q];
    removed_.push_back(e);
    for (int i : {net.br_from[e], net.br_to[e]})
      if (sh.pos_of_bus[i] >= 0) state_factor_.mark_changed(sh.pos_of_bus[i]);
  }
  // Groundings wanted now; those that differ from the factor's change their column.
  want_list_.clear();
  for (int i : s.destroyed_buses)
    if (sh.pos_of_bus[i] >= 0) want_list_.push_back(sh.pos_of_bus[i]);
  for (int k = 0; k < s.n_islands; ++k)
    if (!ws_.island_grounded[k] && sh.pos_of_bus[s.island_ref[k]] >= 0)
      want_list_.push_back(sh.pos_of_bus[s.island_ref[k]]);
  for (int p : want_list_) want_[p] = 1;
  for (int p : grounded_list_)
    if (!want_[p]) state_factor_.mark_changed(p), grounded_[p] = 0;
  for (int p : want_list_) {
    if (!grounded_[p]) state_factor_.mark_changed(p), grounded_[p] = 1;
    want_[p] = 0;
  }
  grounded_list_.swap(want_list_);
  for (int p : state_factor_.changed()) assemble_column(net, s, p);
  if (state_factor_.refactor_forward(ws_.x.data(), extends ? listed : nullptr, n_listed)) return true;
  in_sample_ = false;  // the factor is not this state's; start afresh next time
  return false;
}

// Column p of the matrix (rows <= p, factor order) from scratch: every slot summed over
// its alive branches in ascending order, then the grounding, exactly as the intact
// matrix's values were (make_fast_flow_shared).
void RefactorPath::assemble_column(const Network& net, const GridState& s, int p) {
  const FastFlowShared& sh = sh_;
  double* v = state_factor_.values();
  std::fill(v + state_factor_.col_begin(p), v + state_factor_.col_begin(p + 1), 0.0);
  for (int q = sh.pos_branch_begin[p]; q < sh.pos_branch_begin[p + 1]; ++q) {
    const int e = sh.pos_branch[q];
    if (!s.branch_alive[e]) continue;
    const double b = net.br_b[e];
    const int pf = sh.pos_of_bus[net.br_from[e]], pt = sh.pos_of_bus[net.br_to[e]];
    if (pf == p) v[sh.br_val_f[e]] += b;
    if (pt == p) v[sh.br_val_t[e]] += b;
    if (sh.br_val_ft[e] >= 0 && std::max(pf, pt) == p) v[sh.br_val_ft[e]] -= b;
  }
  if (grounded_[p]) v[state_factor_.diag_index(p)] += sh.ground;
}

}  // namespace sre
