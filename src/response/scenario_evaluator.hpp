#pragma once
// Evaluates one strike scenario: applies the outages, then runs the response
// stage (topology, dc or cascade; an optimisation response can slot in the
// same way). One evaluator per worker thread: it owns its workspace and
// allocates nothing per sample once warmed up (the reference flow solver is
// the documented exception: it factorises afresh).
#include <memory>
#include <span>
#include <vector>

#include "flow/base_case.hpp"
#include "flow/flow_solver.hpp"
#include "model/grid_state.hpp"
#include "model/outages.hpp"
#include "topology/island_finder.hpp"
#include "response/response.hpp"

namespace sre {

// Everything a response stage works on.
struct EvalContext {
  const BaseCase& base;
  const ResponseOptions& options;
  GridState& state;
  IslandFinder& finder;
  FlowSolver& solver;
  const std::vector<double>& overload_mw;  // per limited branch: overload_thresholds()
  std::vector<int>& overloaded;        // overloaded branches after the latest solve, ascending
  std::vector<int>& overloaded_first;  // overloaded in the first solve
};

class ResponseStage {
 public:
  virtual ~ResponseStage() = default;
  // Whether the first solve (done by the evaluator before respond()) includes flows.
  virtual bool first_solve_with_flows() const { return true; }
  // The outages are applied to ctx.state and its first solve is done (islands, balancing
  // and, where first_solve_with_flows(), flows); finish the sample's state and fill the
  // response's fields of `out`.
  virtual void respond(EvalContext& ctx, SampleOutcome& out) = 0;
};

std::unique_ptr<ResponseStage> make_response_stage(const ResponseOptions& options);

// Islands, balancing and flows after a cascade round's trips: the state's islands are those
// of its first first_trip removed branches, and the rest are trips
// (IslandFinder::find_after_trips).
void solve_after_trips(EvalContext& ctx, int first_trip);
// Per limited branch (BaseCase::limited_branches[j]), the |flow| in MW above which it is
// overloaded (model section 6): L (1 + tol) + 1e-6 + 1e-9 L.
std::vector<double> overload_thresholds(const BaseCase& base, double tol);
// Overloaded branches of the current flows, ascending; returns the highest loading ratio.
double find_overloads(const BaseCase& base, const GridState& state, const std::vector<double>& threshold_mw,
                      std::vector<int>& overloaded);
// The same list without the highest loading (cascade rounds).
void list_overloads(const BaseCase& base, const GridState& state, const std::vector<double>& threshold_mw,
                    std::vector<int>& overloaded);

// Rule worst (model section 6): the overloaded branch with the highest |P| / L, lowest
// index on ties. Ratios within kLoadingTie (relative) of the highest count as ties: series
// branches through a bus with nothing else attached carry the same flow, which solves in a
// different order of operations round apart, so an exact comparison would let rounding pick
// the branch, and two solver paths could trip different ones. overloaded: ascending, not empty.
inline constexpr double kLoadingTie = 1e-9;
int worst_overload(const BaseCase& base, const GridState& state, const std::vector<int>& overloaded);

class ScenarioEvaluator {
 public:
  // intact: the base network's intact topology, shared with other evaluators (null: built
  // here).
  ScenarioEvaluator(const BaseCase& base, const ResponseOptions& options, std::unique_ptr<FlowSolver> solver,
                    std::shared_ptr<const IntactTopology> intact = nullptr);

  // Apply the outages (destroyed buses with their branches, generators and demand; cut
  // branches; lost generators) and respond.
  const SampleOutcome& evaluate(const Outages& outages);
  // Destroy the given buses only.
  const SampleOutcome& evaluate(std::span<const int> destroyed_buses) { return evaluate(Outages{destroyed_buses, {}, {}}); }

  // evaluate() in two phases, for batched backward solves across scenarios (see
  // FlowSolver::begin_solve): begin() applies the outages and runs the first solve up to
  // its last triangular solve, returning the vector awaiting it (or nullptr); finish()
  // completes the sample. The outcome equals evaluate()'s bit for bit.
  double* begin(const Outages& outages);
  const SampleOutcome& finish(bool backward_done);
  int pending_size() const { return solver_->pending_size(); }

  // From now on, solves compute flows only for the limited branches, when those are
  // fewer than three quarters of all (state().flow_mw then holds 0 at the others): the
  // outcome reads no other flow, since a branch without a limit cannot overload. For
  // Monte Carlo workers; by default every flow is computed.
  void solve_limited_flows_only();

  const GridState& state() const { return state_; }
  const std::vector<int>& overloaded_first() const { return overloaded_first_; }
  const BaseCase& base() const { return base_; }
  const ResponseOptions& options() const { return options_; }

 private:
  const BaseCase& base_;
  ResponseOptions options_;
  std::unique_ptr<FlowSolver> solver_;
  std::unique_ptr<ResponseStage> stage_;
  GridState state_;
  IslandFinder finder_;
  std::vector<double> overload_mw_;
  std::vector<int> overloaded_, overloaded_first_;
  SampleOutcome outcome_;
};

}  // namespace sre
