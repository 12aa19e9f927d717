#pragma once
// The operator's corrective re-dispatch (model section 6; responses `opf` and
// `operator`): in every island that needs it, the least load shed by moving each
// bus's supply within [0, C_i] and shedding load, with every limited branch within
// its normal limit L_e; among the least-shed points, the least redispatch
// (docs/model.md section 10 states the LP and its tie rule).
//
// Two forms of the same LP, which give the same shed (tests/response/redispatch_test.cpp):
//  - reduced (the fast path): per island, columns for the supplies' moves and the loads'
//    shed only, one balance row, and one power-transfer row per monitored branch from
//    the flow solver's factor of the state (FlowSolver::solve_more); rows start with the
//    branches above their limit and are added when a solution overloads another one;
//  - full (the reference path, --solver reference): the whole network's B-theta LP
//    (angles, flows, supplies, loads), every limit a bound.
#include <cstdint>
#include <memory>
#include <vector>

#include "response/scenario_evaluator.hpp"

namespace sre {

class Redispatch {
 public:
  virtual ~Redispatch() = default;
  // ctx.state is solved (islands, balancing, flows). Every live island k with need[k] gets
  // the LP's supplies and served loads: injections, island shed, per-bus served fractions
  // (GridState::bus_served_ratio), the state's shed, and flows solved again. False when
  // the LP found no optimum: the state is then the proportional one it was given.
  virtual bool run(EvalContext& ctx, const std::uint8_t* need) = 0;
  long failures() const { return failures_; }

 protected:
  // Writes the LP's per-bus supply and served demand (MW) of the islands with need[k] into
  // the state (injections, island shed and ratios, served fractions, shed_mw); no solve.
  static void apply(const Network& net, GridState& s, const std::uint8_t* need, const double* supply_mw,
                    const double* served_mw);
  long failures_ = 0;
};

std::unique_ptr<Redispatch> make_reduced_redispatch(const BaseCase& base);
std::unique_ptr<Redispatch> make_full_redispatch(const BaseCase& base);

// The tie rule's cost perturbation of bus i (in [0, 1), fixed by the bus index): the
// second phase prices a MW moved at bus i at 1 + kTieWeight * tie_perturbation(2i) and a MW
// shed there at kTieWeight * tie_perturbation(2i + 1), so that among the least-shed points
// the optimum is one point, whichever form of the LP finds it.
inline constexpr double kTieWeight = 1e-3;
double tie_perturbation(std::uint64_t key);

}  // namespace sre
