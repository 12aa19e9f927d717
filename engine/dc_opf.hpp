#pragma once
// DC optimal power flow (the base dispatch, `--dispatch dcopf`) and the
// dispatch choice of a study. LP/QP solved with COIN-OR Clp (docs/model.md
// section 10).
#include <string>
#include <vector>

#include "engine/network.hpp"

namespace sre {

enum class Dispatch {
  kCase,   // generator outputs as written in the case file
  kDcopf,  // DC OPF: least generation cost within generator, line and angle limits
};
Dispatch parse_dispatch(const std::string& name);  // "case" | "dcopf", throws InputError
std::string to_string(Dispatch d);

struct DispatchResult {
  enum class Status { kOptimal, kInfeasible, kNoCost, kFailed };
  Status status = Status::kFailed;
  std::string message;           // why it is not optimal (island, capacity or limits), empty when optimal
  std::vector<double> gen_pg;    // MW per generator row (0 when out of service)
  double cost = 0.0;             // $/h, gencost polynomials including constant terms
  std::vector<double> va_deg;    // per bus; the reference bus of each island keeps its Va from the file
  std::vector<double> flow_mw;   // per branch, from end (0 when out of service)
  std::vector<double> lmp;       // per bus, $/MWh (multiplier of the bus balance); 0 out of service
  std::vector<double> flow_mu;   // per branch, $/MWh: |multiplier| of its flow limit (0 unlimited or slack)
  std::vector<int> binding_branches;  // flow limit binding (multiplier > 1e-6 $/MWh), ascending rows
  std::vector<int> binding_angle;     // angle-difference limit binding
  std::vector<int> gens_at_pmax, gens_at_pmin;  // within 1e-6 MW
  int iterations = 0;
  double seconds = 0.0;
  bool optimal() const { return status == Status::kOptimal; }
};
std::string to_string(DispatchResult::Status s);

// Minimises sum of c2 Pg^2 + c1 Pg + c0 (gencost model 2) over in-service generators,
// with Pmin <= Pg <= Pmax, |flow| <= rateA (rateA > 0), MATPOWER's angle-difference
// limits and the DC bus balances (B-theta, phase shifts), one reference per island.
// kNoCost when the case has no usable gencost (absent, too few rows, model 1).
DispatchResult solve_dc_opf(const Network& net);

// A copy of `net` whose in-service generators produce `pg` (per generator row),
// with the per-bus supplies and demands aggregated again.
Network with_dispatch(const Network& net, const std::vector<double>& pg);

// The network a study runs on: the case as read (kCase) or redispatched by the DC OPF.
// kDcopf on a case without gencost falls back to kCase and says so in `note`;
// an infeasible or failed OPF throws InputError with the solver's diagnosis.
Network apply_dispatch(const Network& net, Dispatch dispatch, std::string* note = nullptr);

}  // namespace sre
