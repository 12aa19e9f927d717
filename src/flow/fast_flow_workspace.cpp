// The fast solver's per-thread workspace (src/flow/fast_flow_workspace.hpp).
#include "flow/fast_flow_workspace.hpp"

#include "flow/flow_solver.hpp"

namespace sre {

FastFlowWorkspace::FastFlowWorkspace(const Network& net, const FastFlowShared& shared) : sh(shared) {
  const int nb = net.n_bus();
  x.assign(sh.n_var, 0.0);
  island_grounded.assign(nb + 1, 0);
  bus_seen.assign(nb, 0);
  seen_list.reserve(nb);
}

void FastFlowWorkspace::build_rhs(const Network& net, const GridState& s) {
  const double inv_base = 1.0 / net.base_mva;
  // Balancing leaves 0 MW at destroyed buses and in dead islands: one gather in factor
  // order.
  const int* bus = sh.bus_of_pos.data();
  const double* inj = s.injection_mw.data();
  double* xs = x.data();
  for (int p = 0; p < sh.n_var; ++p) xs[p] = inj[bus[p]] * inv_base;
  add_shifters_rhs(net, s, false);
}

void FastFlowWorkspace::add_shifters_rhs(const Network& net, const GridState& s, bool touched_only) {
  for (int e : sh.shifters) {
    if (!s.branch_alive[e]) continue;
    const int f = net.br_from[e];
    const int k = s.island_of[f];
    if (s.island_kind[k] != IslandKind::kLive || (touched_only && !s.island_touched[k])) continue;
    const double si = net.br_b[e] * net.br_shift_rad[e];
    const int pf = sh.pos_of_bus[f], pt = sh.pos_of_bus[net.br_to[e]];
    if (pf >= 0) x[pf] += si;
    if (pt >= 0) x[pt] -= si;
  }
}

void FastFlowWorkspace::finish(const Network& net, GridState& s, bool touched_only) {
  if (!touched_only) {
    // Every variable's angle in factor order; 0 at the other buses and the destroyed ones.
    const int* bus = sh.bus_of_pos.data();
    const double* xs = x.data();
    double* theta = s.theta_rad.data();
    for (int p = 0; p < sh.n_var; ++p) theta[bus[p]] = xs[p];
    for (int i : sh.fixed_buses) theta[i] = 0.0;
    for (int i : s.destroyed_buses) theta[i] = 0.0;
  }
  for (int k = 0; k < s.n_islands; ++k) {
    if (touched_only && !s.island_touched[k]) continue;
    const int b = s.island_offset[k], end = s.island_offset[k + 1];
    if (s.island_kind[k] != IslandKind::kLive) {
      for (int q = b; q < end; ++q) s.theta_rad[s.island_buses[q]] = 0.0;
      continue;
    }
    if (touched_only) {
      for (int q = b; q < end; ++q) {
        const int i = s.island_buses[q];
        const int p = sh.pos_of_bus[i];
        s.theta_rad[i] = p >= 0 ? x[p] : 0.0;
      }
    }
    const double t0 = s.theta_rad[s.island_ref[k]];
    if (t0 != 0.0)
      for (int q = b; q < end; ++q) s.theta_rad[s.island_buses[q]] -= t0;
    s.theta_rad[s.island_ref[k]] = 0.0;
  }
  // Every branch even when touched_only: a pass over the touched islands' adjacency
  // costs about as much (measured).
  flows_from_angles(net, s);
}

}  // namespace sre
