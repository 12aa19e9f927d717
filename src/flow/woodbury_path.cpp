// The fast solver's low-rank path (src/flow/woodbury_path.hpp).
#include "flow/woodbury_path.hpp"

#include <algorithm>

namespace sre {

WoodburyPath::WoodburyPath(const Network& net, const FastFlowShared& shared, FastFlowWorkspace& ws, int max_rank,
                           double demand_scale)
    : sh_(shared), ws_(ws), demand_scale_(demand_scale) {
  const int nb = net.n_bus();
  const int h = std::max(1, sh_.factor.etree_height());
  // Pool: room for a few scenarios' worth of columns (cascade steps reuse them).
  const long pool = 4L * max_rank * 2 * h;
  wb_.init(sh_.factor, max_rank, pool);
  branch_slot_.assign(net.n_branch(), -1);
  bus_slot_.assign(nb, -1);
  slotted_branches_.reserve(net.n_branch());
  slotted_buses_.reserve(nb);
  slots_.reserve(max_rank);
  // Room for every variable bus and shifter end: no allocation whatever a state needs.
  corr_pos_.reserve(sh_.n_var + 2 * sh_.shifters.size());
  corr_val_.reserve(sh_.n_var + 2 * sh_.shifters.size());
  sparse_work_.assign(sh_.n_var, 0.0);
  share_.assign(sh_.n_var, 0.0);
  sparse_mark_.assign(sh_.n_var, 0);
  sparse_idx_.reserve(sh_.n_var);
  sparse_val_.reserve(sh_.n_var);
}

int WoodburyPath::rank(const Network& net, const GridState& s) {
  const FastFlowShared& sh = sh_;
  int n_dead_var = 0;
  int n_island_grounds = 0;
  for (int k = 0; k < s.n_islands; ++k) n_island_grounds += !ws_.island_grounded[k];
  // Destroyed variable buses: every removed branch at a bus not alive belongs to it.
  // Count them by scanning removed branch ends (cheap; bus count <= 2 * removed).
  for (int e : s.removed_branches) {
    for (int i : {net.br_from[e], net.br_to[e]})
      if (!s.bus_alive[i] && sh.pos_of_bus[i] >= 0 && !ws_.seen(i)) ++n_dead_var;
  }
  ws_.unsee();
  int n_branch_mods = 0;
  for (int e : s.removed_branches) n_branch_mods += s.bus_alive[net.br_from[e]] || s.bus_alive[net.br_to[e]];
  return n_branch_mods + n_dead_var + n_island_grounds;
}

bool WoodburyPath::begin_solve(const Network& net, const GridState& s, int rank) {
  if (!wb_.fits(rank, 2)) clear_cache();
  if (!set_active_slots(net, s)) return false;
  const kernels::BaseFactor& f = sh_.factor;
  if (!forward_rhs_by_superposition(net, s)) {
    ws_.build_rhs(net, s);
    f.forward(ws_.x.data());
  }
  wb_.apply(ws_.x.data());
  f.scale_d(ws_.x.data());
  return true;
}


void WoodburyPath::clear_cache() {
  for (int e : slotted_branches_) branch_slot_[e] = -1;
  for (int i : slotted_buses_) bus_slot_[i] = -1;
  slotted_branches_.clear();
  slotted_buses_.clear();
  wb_.clear();
}

int WoodburyPath::branch_slot(const Network& net, int e) {
  if (branch_slot_[e] >= 0) return branch_slot_[e];
  const int pf = sh_.pos_of_bus[net.br_from[e]], pt = sh_.pos_of_bus[net.br_to[e]];
  if (sh_.has_columns() && (pf >= 0 || pt >= 0)) {
    // u = e_f - e_t from the precomputed columns (an absent end contributes nothing).
    const int* ia = pf >= 0 ? sh_.column_index(pf) : nullptr;
    const double* va = pf >= 0 ? sh_.column_value(pf) : nullptr;
    const int na = pf >= 0 ? sh_.column_length(pf) : 0;
    const int* ib = pt >= 0 ? sh_.column_index(pt) : nullptr;
    const double* vb = pt >= 0 ? sh_.column_value(pt) : nullptr;
    const int nbb = pt >= 0 ? sh_.column_length(pt) : 0;
    const int slot = nbb == 0 ? wb_.add_column_view(ia, va, na, -1.0 / net.br_b[e])
                              : wb_.add_column_difference(ia, va, na, ib, vb, nbb, -1.0 / net.br_b[e]);
    branch_slot_[e] = slot;
    slotted_branches_.push_back(e);
    return slot;
  }
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

int WoodburyPath::bus_slot(int i) {
  if (bus_slot_[i] >= 0) return bus_slot_[i];
  const int p = sh_.pos_of_bus[i];
  const double one = 1.0;
  const int slot = !sh_.has_columns() ? wb_.add_column(&p, &one, 1, 1.0 / sh_.ground)
                                      : wb_.add_column_view(sh_.column_index(p), sh_.column_value(p),
                                                            sh_.column_length(p), 1.0 / sh_.ground);
  bus_slot_[i] = slot;
  slotted_buses_.push_back(i);
  return slot;
}

// The active Woodbury columns for this state; false when M is numerically singular.
bool WoodburyPath::set_active_slots(const Network& net, const GridState& s) {
  const FastFlowShared& sh = sh_;

  // Order: destroyed buses, removed branches (in removal order), island groundings;
  // a cascade step then shares the longest prefix with the previous solve.
  slots_.clear();
  for (int e : s.removed_branches)
    for (int i : {net.br_from[e], net.br_to[e]})
      if (!s.bus_alive[i] && sh.pos_of_bus[i] >= 0 && !ws_.seen(i)) slots_.push_back(bus_slot(i));
  ws_.unsee();
  for (int e : s.removed_branches) {
    // A branch between two destroyed buses may stay: both are grounded with zero
    // right-hand side, so the component they form has zero angles either way.
    if (!s.bus_alive[net.br_from[e]] && !s.bus_alive[net.br_to[e]]) continue;
    const int slot = branch_slot(net, e);
    if (slot >= 0) slots_.push_back(slot);
  }
  for (int k = 0; k < s.n_islands; ++k)
    if (!ws_.island_grounded[k]) {
      const int r = s.island_ref[k];
      if (sh.pos_of_bus[r] >= 0) slots_.push_back(bus_slot(r));
    }
  return wb_.set_active(slots_.data(), static_cast<int>(slots_.size()));
}

// ws_.x <- L^{-1} P r without a full forward solve: the largest island's share from the
// shared forward solves, the rest as a sparse forward solve of the corrections (buses
// outside that island, destroyed buses, phase shifters out or in dead islands). False
// when that would not pay (several intact islands, many corrections).
bool WoodburyPath::forward_rhs_by_superposition(const Network& net, const GridState& s) {
  const FastFlowShared& sh = sh_;
  if (sh.base_refs.size() != 1 || s.n_islands == 0 || !s.injection_by_rule) return false;
  int m = 0;
  for (int k = 1; k < s.n_islands; ++k)
    if (s.island_offset[k + 1] - s.island_offset[k] > s.island_offset[m + 1] - s.island_offset[m]) m = k;
  if (s.n_islands - 1 > kMaxCorrections) return false;
  // The island's balancing as a*S0 + b*(C - S0) - c*d (IslandBalancer's three regimes).
  double a = 0.0, b = 0.0, c = 0.0;
  if (s.island_kind[m] == IslandKind::kLive) {
    const double d = s.island_demand[m], s0 = s.island_supply_base[m], cap = s.island_supply_cap[m];
    if (d <= s0) {
      a = s0 > 0.0 ? d / s0 : 0.0, c = 1.0;
    } else if (d <= cap) {
      a = 1.0, b = (d - s0) / (cap - s0), c = 1.0;
    } else {
      a = 1.0, b = 1.0, c = cap / d;
    }
  }
  const double inv_base = 1.0 / net.base_mva;
  corr_pos_.clear();
  corr_val_.clear();
  auto correct = [&](int i, double actual) {
    const int p = sh.pos_of_bus[i];
    if (p < 0) return;
    const double sb = net.bus_supply_base[i];
    const double modelled = (a * sb + b * (net.bus_supply_cap[i] - sb) - c * net.bus_demand_pos[i]) * inv_base;
    if (actual != modelled) {
      corr_pos_.push_back(p);
      corr_val_.push_back(actual - modelled);
    }
  };
  for (int k = 0; k < s.n_islands; ++k) {
    if (k == m) continue;
    const bool live = s.island_kind[k] == IslandKind::kLive;
    for (int q = s.island_offset[k]; q < s.island_offset[k + 1]; ++q) {
      const int i = s.island_buses[q];
      correct(i, live ? s.injection_mw[i] * inv_base : 0.0);
    }
    if (static_cast<int>(corr_pos_.size()) > kMaxCorrections) return false;
  }
  for (int e : s.removed_branches)
    for (int i : {net.br_from[e], net.br_to[e]})
      if (!s.bus_alive[i] && !ws_.seen(i)) correct(i, 0.0);
  ws_.unsee();
  // Buses of the largest island whose generators were lost (generator targets) depart from
  // the intact supplies the shared solves assume (those of other islands are corrected above).
  if (s.island_kind[m] == IslandKind::kLive)
    for (int i : s.supply_changed_buses)
      if (s.bus_alive[i] && s.island_of[i] == m) correct(i, s.injection_mw[i] * inv_base);
  if (static_cast<int>(corr_pos_.size()) > kMaxCorrections) return false;
  for (int e : sh.shifters) {
    const int f = net.br_from[e];
    if (s.branch_alive[e] && s.island_kind[s.island_of[f]] == IslandKind::kLive) continue;
    const double si = net.br_b[e] * net.br_shift_rad[e];
    const int pf = sh.pos_of_bus[f], pt = sh.pos_of_bus[net.br_to[e]];
    if (pf >= 0) corr_pos_.push_back(pf), corr_val_.push_back(-si);
    if (pt >= 0) corr_pos_.push_back(pt), corr_val_.push_back(si);
  }

  const double* fs = sh.fS.data();
  const double* fh = sh.fH.data();
  const double* fd = sh.fD.data();
  const double* fp = sh.fShift.data();
  double* x = ws_.x.data();
  if (!(a == share_a_ && b == share_b_ && c == share_c_)) {
    double* y = share_.data();
    // fD is the shared solve of the demand at scale 1 (this network's demand is demand_scale_
    // times it).
    const double cd = c * demand_scale_;
    for (int p = 0; p < sh.n_var; ++p) y[p] = a * fs[p] + b * fh[p] - cd * fd[p] + fp[p];
    share_a_ = a, share_b_ = b, share_c_ = c;
  }
  std::copy(share_.begin(), share_.end(), x);
  if (sh.has_columns()) {
    // L^{-1} of the corrections: a combination of the precomputed columns.
    for (std::size_t j = 0; j < corr_pos_.size(); ++j) {
      const int p = corr_pos_[j];
      const double delta = corr_val_[j];
      const int* ci = sh.column_index(p);
      const double* cv = sh.column_value(p);
      for (int q = 0, len = sh.column_length(p); q < len; ++q) x[ci[q]] += delta * cv[q];
    }
  } else if (!corr_pos_.empty()) {
    sparse_idx_.clear();
    sparse_val_.clear();
    const int nz = sh.factor.sparse_forward(corr_pos_.data(), corr_val_.data(), static_cast<int>(corr_pos_.size()),
                                            sparse_work_.data(), sparse_mark_.data(), sparse_idx_, sparse_val_);
    for (int q = 0; q < nz; ++q) x[sparse_idx_[q]] += sparse_val_[q];
  }
  return true;
}

bool WoodburyPath::forward_sparse(const Network& net, const double* r, double* x) {
  const FastFlowShared& sh = sh_;
  if (!sh.has_columns()) return false;
  corr_pos_.clear();
  corr_val_.clear();
  for (int i = 0; i < sh.n_bus; ++i) {
    if (r[i] == 0.0 || sh.pos_of_bus[i] < 0) continue;
    if (static_cast<int>(corr_pos_.size()) == kSparseEntries) return false;
    corr_pos_.push_back(sh.pos_of_bus[i]);
    corr_val_.push_back(r[i] / net.base_mva);
  }
  std::fill(x, x + sh.n_var, 0.0);
  for (std::size_t c = 0; c < corr_pos_.size(); ++c) {
    const int p = corr_pos_[c];
    const double v = corr_val_[c];
    const int* ci = sh.column_index(p);
    const double* cv = sh.column_value(p);
    for (int q = 0, len = sh.column_length(p); q < len; ++q) x[ci[q]] += v * cv[q];
  }
  return true;
}

}  // namespace sre
