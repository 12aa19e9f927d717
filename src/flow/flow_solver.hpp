#pragma once
// DC power flow over the islands of a GridState. Implementations differ in
// speed only: every solver must give the model's flows (model.md, 1e-9).
#include <memory>
#include <string>

#include <Eigen/SparseCore>

#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre::kernels {
class BaseFactor;
}

namespace sre {

class FlowSolver {
 public:
  virtual ~FlowSolver() = default;
  // From state.injection_mw and the islands, write theta_rad (0 at each island's
  // reference) and flow_mw for every alive branch of a live island (0 elsewhere).
  // Injections are 0 at destroyed buses and in dead islands, as IslandBalancer leaves them.
  virtual void solve(const Network& net, GridState& state) = 0;

  // The same solve in two phases, so that a worker can run the last triangular solve of
  // several scenarios in one pass (kernels::BaseFactor::backward_batch). begin_solve()
  // does everything before it and returns the vector awaiting x <- L^{-T} x (factor
  // order, length pending_size()), or nullptr when the solve is already complete.
  // end_solve() finishes (angles, flows); backward_done says whether the caller ran the
  // backward solve on that vector (if not, the solver runs it). Default: one phase.
  virtual double* begin_solve(const Network& net, GridState& state) {
    solve(net, state);
    return nullptr;
  }
  virtual void end_solve(const Network& net, GridState& state, bool backward_done) {
    (void)net, (void)state, (void)backward_done;
  }
  virtual int pending_size() const { return 0; }
  // A cascade round's solve, after IslandBalancer::rebalance() and
  // GridState::mark_touched_islands(): the same result as solve(), which a solver may get
  // by solving only the touched islands when the state's angles and flows are those of
  // the round before. Default: solve().
  virtual void solve_touched(const Network& net, GridState& state) { solve(net, state); }
  // A new sample starts: forget anything that only holds within one sample's rounds, so
  // that a sample's numbers never depend on the samples solved before it.
  virtual void new_sample() {}
  // Angles for further right-hand sides on the matrix of the latest solve of `state`
  // (solve(), end_solve() or solve_touched(), the state's topology unchanged since): each
  // of the `count` vectors holds per-bus injections in MW, balanced within each island and
  // 0 at buses not alive and in dead islands, and leaves holding per-bus angles in radians,
  // each island's up to a constant of its own. The re-dispatch LP's sensitivities
  // (src/response/redispatch.cpp). Default: solve() on a copy of the state, once per vector.
  virtual void solve_more(const Network& net, const GridState& state, double* const* rhs, int count);
  // solve_more() of the transfers of 1 MW from each branch's from end to its to end: into
  // theta[v] (per bus, n_bus entries, any contents on entry) the angles of branches[v]'s.
  virtual void solve_transfers(const Network& net, const GridState& state, const int* branches, int count,
                               double* const* theta);

 private:
  // solve_more()'s copy of the state and the angles of the phase shifters alone
  // (default implementation).
  GridState scratch_;
  std::vector<double> shifter_theta_;
};

// The simple path: per island, assemble and factorise the reduced susceptance matrix.
std::unique_ptr<FlowSolver> make_reference_flow_solver(const Network& net);

// The fast path (src/flow/fast_flow_solver.cpp): one LDL^T factor of the intact network's
// reduced susceptance matrix, built once and shared read-only by every thread; each
// scenario is a low-rank (Woodbury) modification of it. Same numbers as the reference.
struct FastFlowShared;
// max_column_entries: budget for the precomputed L^{-1} e_p columns (entries; < 0: the
// default of 16 Mi, 0: none, columns are then computed per scenario).
std::shared_ptr<const FastFlowShared> make_fast_flow_shared(const Network& net, long max_column_entries = -1);
// The base factor inside (benchmarks, tests).
const kernels::BaseFactor& fast_flow_factor(const FastFlowShared& shared);
// The measured default of make_fast_flow_solver()'s max_rank for this network.
int fast_flow_default_max_rank(const FastFlowShared& shared);
// The intact matrix's upper triangle in factor order, with its values: what each thread's
// refactorisation (kernels::PathRefactorLdlt) starts from (benchmarks, tests).
const Eigen::SparseMatrix<double, Eigen::ColMajor, int>& fast_flow_upper(const FastFlowShared& shared);
// One per thread. `shared` null: factorise here. max_rank: modifications (removed branches
// plus groundings) above which a scenario is solved by a numeric refactorisation of the whole
// matrix on the base pattern instead of a low-rank update; <= 0: the measured default.
// round_max_rank: the same for cascade rounds (FlowSolver::solve_touched); < 0: max_rank / 2
// (bench BM_Kernels_EvaluateCascade measures the choice).
// demand_scale: `net` is the network `shared` was built from with every positive demand
// times this factor (a campaign's demand level, src/campaign/demand_levels.hpp); the shared
// forward solve of the demand is scaled instead of solved again.
std::unique_ptr<FlowSolver> make_fast_flow_solver(const Network& net, std::shared_ptr<const FastFlowShared> shared = nullptr,
                                                  int max_rank = 0, int round_max_rank = -1, double demand_scale = 1.0);

// Flows from angles: baseMVA * b * (theta_f - theta_t - shift) on alive branches of live islands.
void flows_from_angles(const Network& net, GridState& state);

}  // namespace sre
