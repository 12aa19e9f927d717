// The fast DC solver (model.md section 2, the same numbers as the reference path):
// one LDL^T factor of the intact network's reduced susceptance matrix, shared
// read-only by all threads; each scenario solved as a low-rank modification of it
// by compensation (kernels/woodbury_update.hpp):
//  - every removed branch e (outages, then cascade trips; GridState::removed_branches)
//    adds u = e_f - e_t (reduced: base reference buses are not variables), c = -b_e;
//  - every variable bus that is not alive (destroyed) is grounded: u = e_i, c = g;
//  - every island (live or dead) that holds no base reference bus is grounded at its
//    reference bus: u = e_ref, c = g. With balanced injections the grounding carries
//    no current, so one solve gives every island's angles; dead islands get a zero
//    right-hand side (zero angles and flows), as do destroyed buses.
// Angles are then re-referenced to 0 at each island's reference. Scenarios with more
// modifications than max_rank fall back to the reference path (per-island refactor).
#include <algorithm>
#include <cmath>

#include "engine/flow_solver.hpp"
#include "engine/island_finder.hpp"
#include "kernels/base_factor.hpp"
#include "kernels/woodbury_update.hpp"

namespace sre {

struct FastFlowShared {
  int n_bus = 0, n_var = 0;
  std::vector<int> pos_of_bus;  // factor position, -1 for base references and out-of-service buses
  std::vector<int> bus_of_pos;
  std::vector<int> base_refs;   // one per intact island (not variables)
  std::vector<int> shifters;    // in-service branches with a phase shift
  double ground = 1.0;          // grounding weight g (per unit)
  kernels::BaseFactor factor;
};

std::shared_ptr<const FastFlowShared> make_fast_flow_shared(const Network& net) {
  auto sh = std::make_shared<FastFlowShared>();
  const int nb = net.n_bus();
  sh->n_bus = nb;
  GridState intact;
  intact.resize(net);
  intact.reset_to_intact(net);
  IslandFinder finder;
  finder.find(net, intact);
  std::vector<int> var(nb, -1);
  int n = 0;
  for (int k = 0; k < intact.n_islands; ++k) sh->base_refs.push_back(intact.island_ref[k]);
  std::vector<std::uint8_t> is_ref(nb, 0);
  for (int r : sh->base_refs) is_ref[r] = 1;
  for (int i = 0; i < nb; ++i)
    if (net.bus_in_service[i] && !is_ref[i]) var[i] = n++;
  sh->n_var = n;
  std::vector<kernels::Triplet> trip;
  double bsum = 0.0;
  int bcount = 0;
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!net.br_in_service[e]) continue;
    const int f = var[net.br_from[e]], t = var[net.br_to[e]];
    const double b = net.br_b[e];
    bsum += std::abs(b);
    ++bcount;
    if (f >= 0) trip.emplace_back(f, f, b);
    if (t >= 0) trip.emplace_back(t, t, b);
    if (f >= 0 && t >= 0) {
      trip.emplace_back(f, t, -b);
      trip.emplace_back(t, f, -b);
    }
    if (net.br_shift_rad[e] != 0.0) sh->shifters.push_back(e);
  }
  // Isolated in-service buses (no branch) that are variables: keep the matrix nonsingular.
  // They are islands of their own, so they are base references already; nothing to do.
  sh->ground = bcount ? bsum / bcount : 1.0;
  sh->factor.factor(n, trip);
  sh->pos_of_bus.assign(nb, -1);
  sh->bus_of_pos.assign(n, -1);
  for (int i = 0; i < nb; ++i)
    if (var[i] >= 0) {
      sh->pos_of_bus[i] = sh->factor.perm()[var[i]];
      sh->bus_of_pos[sh->pos_of_bus[i]] = i;
    }
  return sh;
}

namespace {

constexpr int kDefaultMaxRank = 96;

class FastFlowSolver final : public FlowSolver {
 public:
  FastFlowSolver(const Network& net, std::shared_ptr<const FastFlowShared> shared, int max_rank)
      : sh_(std::move(shared)), fallback_(make_reference_flow_solver(net)) {
    max_rank_ = max_rank > 0 ? max_rank : kDefaultMaxRank;
    const int nb = net.n_bus();
    const int h = std::max(1, sh_->factor.etree_height());
    // Pool: room for a few scenarios' worth of columns (cascade steps reuse them).
    const long pool = 4L * max_rank_ * 2 * h;
    wb_.init(sh_->factor, max_rank_, pool);
    branch_slot_.assign(net.n_branch(), -1);
    bus_slot_.assign(nb, -1);
    slotted_branches_.reserve(net.n_branch());
    slotted_buses_.reserve(nb);
    slots_.reserve(max_rank_);
    island_grounded_.assign(nb + 1, 0);
    x_.assign(sh_->n_var, 0.0);
    bus_slot_seen_.assign(nb, 0);
    seen_list_.reserve(nb);
  }

  void solve(const Network& net, GridState& s) override {
    ++calls_;
    if (!solve_fast(net, s)) {
      ++fallbacks_;
      fallback_->solve(net, s);
    }
  }

 private:
  void clear_cache() {
    for (int e : slotted_branches_) branch_slot_[e] = -1;
    for (int i : slotted_buses_) bus_slot_[i] = -1;
    slotted_branches_.clear();
    slotted_buses_.clear();
    wb_.clear();
  }

  int branch_slot(const Network& net, int e) {
    if (branch_slot_[e] >= 0) return branch_slot_[e];
    const int pf = sh_->pos_of_bus[net.br_from[e]], pt = sh_->pos_of_bus[net.br_to[e]];
    int starts[2];
    double vals[2];
    int ns = 0;
    if (pf >= 0) starts[ns] = pf, vals[ns++] = 1.0;
    if (pt >= 0) starts[ns] = pt, vals[ns++] = -1.0;
    if (ns == 0) return -1;
    const int slot = wb_.add_column(starts, vals, ns, -1.0 / net.br_b[e]);
    branch_slot_[e] = slot;
    slotted_branches_.push_back(e);
    return slot;
  }

  int bus_slot(int i) {
    if (bus_slot_[i] >= 0) return bus_slot_[i];
    const int p = sh_->pos_of_bus[i];
    const double one = 1.0;
    const int slot = wb_.add_column(&p, &one, 1, 1.0 / sh_->ground);
    bus_slot_[i] = slot;
    slotted_buses_.push_back(i);
    return slot;
  }

  bool solve_fast(const Network& net, GridState& s) {
    const FastFlowShared& sh = *sh_;
    const int nb = net.n_bus();
    // Count the modifications first (rank check before any work).
    int n_dead_var = 0;
    std::fill(island_grounded_.begin(), island_grounded_.begin() + s.n_islands, 0);
    for (int r : sh.base_refs)
      if (s.bus_alive[r]) island_grounded_[s.island_of[r]] = 1;
    int n_island_grounds = 0;
    for (int k = 0; k < s.n_islands; ++k) n_island_grounds += !island_grounded_[k];
    // Destroyed variable buses: every removed branch at a bus not alive belongs to it.
    // Count them by scanning removed branch ends (cheap; bus count <= 2 * removed).
    for (int e : s.removed_branches) {
      for (int i : {net.br_from[e], net.br_to[e]})
        if (!s.bus_alive[i] && sh.pos_of_bus[i] >= 0 && !seen(i)) ++n_dead_var;
    }
    unsee();
    int n_branch_mods = 0;
    for (int e : s.removed_branches) n_branch_mods += s.bus_alive[net.br_from[e]] || s.bus_alive[net.br_to[e]];
    const int rank = n_branch_mods + n_dead_var + n_island_grounds;
    if (rank > max_rank_) return false;
    if (!wb_.fits(rank, 2)) clear_cache();

    // Order: destroyed buses, removed branches (in removal order), island groundings;
    // a cascade step then shares the longest prefix with the previous solve.
    slots_.clear();
    for (int e : s.removed_branches)
      for (int i : {net.br_from[e], net.br_to[e]})
        if (!s.bus_alive[i] && sh.pos_of_bus[i] >= 0 && !seen(i)) slots_.push_back(bus_slot(i));
    unsee();
    for (int e : s.removed_branches) {
      // A branch between two destroyed buses may stay: both are grounded with zero
      // right-hand side, so the component they form has zero angles either way.
      if (!s.bus_alive[net.br_from[e]] && !s.bus_alive[net.br_to[e]]) continue;
      const int slot = branch_slot(net, e);
      if (slot >= 0) slots_.push_back(slot);
    }
    for (int k = 0; k < s.n_islands; ++k)
      if (!island_grounded_[k]) {
        const int r = s.island_ref[k];
        if (sh.pos_of_bus[r] >= 0) slots_.push_back(bus_slot(r));
      }
    if (!wb_.set_active(slots_.data(), static_cast<int>(slots_.size()))) return false;

    // Right-hand side in factor order: injections and phase-shifter terms of live islands.
    std::fill(x_.begin(), x_.end(), 0.0);
    const double inv_base = 1.0 / net.base_mva;
    for (int i = 0; i < nb; ++i) {
      const int p = sh.pos_of_bus[i];
      if (p < 0 || !s.bus_alive[i]) continue;
      if (s.island_kind[s.island_of[i]] != IslandKind::kLive) continue;
      x_[p] = s.injection_mw[i] * inv_base;
    }
    for (int e : sh.shifters) {
      if (!s.branch_alive[e]) continue;
      const int f = net.br_from[e];
      if (s.island_kind[s.island_of[f]] != IslandKind::kLive) continue;
      const double si = net.br_b[e] * net.br_shift_rad[e];
      const int pf = sh.pos_of_bus[f], pt = sh.pos_of_bus[net.br_to[e]];
      if (pf >= 0) x_[pf] += si;
      if (pt >= 0) x_[pt] -= si;
    }
    const kernels::BaseFactor& f = sh.factor;
    f.forward(x_.data());
    wb_.apply(x_.data());
    f.scale_d(x_.data());
    f.backward(x_.data());

    for (int i = 0; i < nb; ++i) {
      const int p = sh.pos_of_bus[i];
      s.theta_rad[i] = p >= 0 && s.bus_alive[i] ? x_[p] : 0.0;
    }
    // Re-reference: 0 at each island's reference; dead islands all 0.
    for (int k = 0; k < s.n_islands; ++k) {
      const int b = s.island_offset[k], end = s.island_offset[k + 1];
      if (s.island_kind[k] != IslandKind::kLive) {
        for (int q = b; q < end; ++q) s.theta_rad[s.island_buses[q]] = 0.0;
        continue;
      }
      const double t0 = s.theta_rad[s.island_ref[k]];
      if (t0 != 0.0)
        for (int q = b; q < end; ++q) s.theta_rad[s.island_buses[q]] -= t0;
      s.theta_rad[s.island_ref[k]] = 0.0;
    }
    flows_from_angles(net, s);
    return true;
  }

  bool seen(int i) {
    if (bus_slot_seen_[i]) return true;
    bus_slot_seen_[i] = 1;
    seen_list_.push_back(i);
    return false;
  }
  void unsee() {
    for (int i : seen_list_) bus_slot_seen_[i] = 0;
    seen_list_.clear();
  }

  std::shared_ptr<const FastFlowShared> sh_;
  std::unique_ptr<FlowSolver> fallback_;
  int max_rank_ = kDefaultMaxRank;
  kernels::WoodburyUpdate wb_;
  std::vector<int> branch_slot_, bus_slot_, slotted_branches_, slotted_buses_, slots_;
  std::vector<std::uint8_t> island_grounded_, bus_slot_seen_;
  std::vector<int> seen_list_;
  std::vector<double> x_;
  long calls_ = 0, fallbacks_ = 0;
};

}  // namespace

std::unique_ptr<FlowSolver> make_fast_flow_solver(const Network& net, std::shared_ptr<const FastFlowShared> shared,
                                                  int max_rank) {
  if (!shared) shared = make_fast_flow_shared(net);
  return std::make_unique<FastFlowSolver>(net, std::move(shared), max_rank);
}

}  // namespace sre

namespace sre {
const kernels::BaseFactor& fast_flow_factor(const FastFlowShared& shared) { return shared.factor; }
}  // namespace sre
