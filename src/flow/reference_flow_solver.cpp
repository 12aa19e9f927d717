// The reference DC solver: for every live island, build the reduced susceptance
// matrix (reference bus removed) and factorise it afresh. Obviously correct and
// slow; every faster solver is tested against it.
#include <Eigen/Dense>

#include <algorithm>

#include "flow/flow_solver.hpp"
#include "kernels/sparse_ldlt.hpp"

namespace sre {

void flows_from_angles(const Network& net, GridState& s) {
  // One pass over every branch (or the listed ones, GridState::flow_branches) with no
  // island lookup (the hot loop of every solve), the phase shifts after it:
  // base * b * (theta_f - theta_t - shift), with x - 0.0 == x.
  const int nl = net.n_branch();
  const int* from = net.br_from.data();
  const int* to = net.br_to.data();
  const double* k = net.br_mw_per_rad.data();
  const std::uint8_t* alive = s.branch_alive.data();
  const double* theta = s.theta_rad.data();
  double* flow = s.flow_mw.data();
  if (const std::vector<int>* only = s.flow_branches) {
    // The listed branches alone, each with its phase shift (the same numbers: x - 0.0 is x).
    const double* shift = net.br_shift_rad.data();
    const int* listed = only->data();
    double* listed_flow = s.listed_flow_mw.data();
    for (int j = 0, m = static_cast<int>(only->size()); j < m; ++j) {
      const int e = listed[j];
      listed_flow[j] = flow[e] = alive[e] ? k[e] * (theta[from[e]] - theta[to[e]] - shift[e]) : 0.0;
    }
  } else {
    for (int e = 0; e < nl; ++e) flow[e] = alive[e] ? k[e] * (theta[from[e]] - theta[to[e]]) : 0.0;
    for (int e : net.shifted_branches)
      if (alive[e]) flow[e] = k[e] * (theta[from[e]] - theta[to[e]] - net.br_shift_rad[e]);
  }
  // ...then dead islands, which carry no flow, through their buses' branches.
  const int* slot = s.flow_slot ? s.flow_slot->data() : nullptr;
  for (int isl = 0; isl < s.n_islands; ++isl) {
    if (s.island_kind[isl] == IslandKind::kLive) continue;
    for (int p = s.island_offset[isl]; p < s.island_offset[isl + 1]; ++p) {
      const int i = s.island_buses[p];
      for (int a = net.adj_offset[i]; a < net.adj_offset[i + 1]; ++a) {
        const int e = net.adj_branch[a];
        flow[e] = 0.0;
        if (slot && slot[e] >= 0) s.listed_flow_mw[slot[e]] = 0.0;
      }
    }
  }
}

void FlowSolver::solve_more(const Network& net, const GridState& state, double* const* rhs, int count) {
  scratch_ = state;  // capacity kept: no allocation after the first call
  scratch_.flow_branches = nullptr;
  scratch_.flow_slot = nullptr;
  scratch_.injection_by_rule = false;
  // solve() adds the phase shifters' terms to the right-hand side; by linearity, the
  // angles of rhs alone are those of rhs and the shifters less those of the shifters.
  std::fill(scratch_.injection_mw.begin(), scratch_.injection_mw.end(), 0.0);
  solve(net, scratch_);
  shifter_theta_ = scratch_.theta_rad;
  for (int v = 0; v < count; ++v) {
    std::copy(rhs[v], rhs[v] + net.n_bus(), scratch_.injection_mw.begin());
    solve(net, scratch_);
    for (int i = 0; i < net.n_bus(); ++i) rhs[v][i] = scratch_.theta_rad[i] - shifter_theta_[i];
  }
}

void FlowSolver::solve_transfers(const Network& net, const GridState& state, const int* branches, int count,
                                 double* const* theta) {
  for (int v = 0; v < count; ++v) {
    std::fill(theta[v], theta[v] + net.n_bus(), 0.0);
    theta[v][net.br_from[branches[v]]] = 1.0;
    theta[v][net.br_to[branches[v]]] = -1.0;
  }
  solve_more(net, state, theta, count);
}

namespace {

class ReferenceFlowSolver final : public FlowSolver {
 public:
  explicit ReferenceFlowSolver(const Network& net) : local_(net.n_bus(), -1) {}

  void solve(const Network& net, GridState& s) override {
    std::fill(s.theta_rad.begin(), s.theta_rad.end(), 0.0);
    for (int k = 0; k < s.n_islands; ++k)
      if (s.island_kind[k] == IslandKind::kLive) solve_island(net, s, k);
    flows_from_angles(net, s);
  }

 private:
  void solve_island(const Network& net, GridState& s, int k) {
    const int begin = s.island_offset[k], end = s.island_offset[k + 1];
    const int ref = s.island_ref[k];
    int n = 0;
    for (int p = begin; p < end; ++p) {
      const int i = s.island_buses[p];
      local_[i] = i == ref ? -1 : n++;
    }
    if (n == 0) return;
    rhs_.setZero(n);
    triplets_.clear();
    for (int p = begin; p < end; ++p) {
      const int i = s.island_buses[p];
      if (local_[i] >= 0) rhs_[local_[i]] += s.injection_mw[i] / net.base_mva;
      for (int a = net.adj_offset[i]; a < net.adj_offset[i + 1]; ++a) {
        const int e = net.adj_branch[a];
        if (!s.branch_alive[e] || net.br_from[e] != i) continue;  // each branch once, from its from end
        const int f = local_[net.br_from[e]], t = local_[net.br_to[e]];
        const double b = net.br_b[e];
        const double shift_injection = b * net.br_shift_rad[e];
        if (f >= 0) {
          triplets_.emplace_back(f, f, b);
          rhs_[f] += shift_injection;
        }
        if (t >= 0) {
          triplets_.emplace_back(t, t, b);
          rhs_[t] -= shift_injection;
        }
        if (f >= 0 && t >= 0) {
          triplets_.emplace_back(f, t, -b);
          triplets_.emplace_back(t, f, -b);
        }
      }
    }
    ldlt_.factor(n, triplets_);
    ldlt_.solve(rhs_);
    for (int p = begin; p < end; ++p) {
      const int i = s.island_buses[p];
      s.theta_rad[i] = local_[i] >= 0 ? rhs_[local_[i]] : 0.0;
    }
  }

  std::vector<int> local_;
  std::vector<kernels::Triplet> triplets_;
  Eigen::VectorXd rhs_;
  kernels::SparseLdlt ldlt_;
};

}  // namespace

std::unique_ptr<FlowSolver> make_reference_flow_solver(const Network& net) {
  return std::make_unique<ReferenceFlowSolver>(net);
}

}  // namespace sre
