#pragma once
// DC optimal power flow (the base dispatch, `--dispatch dcopf`) and the
// dispatch choice of a study. LP/QP solved with COIN-OR Clp (docs/model.md
// section 10).
#include <functional>
#include <string>
#include <vector>

#include "model/network.hpp"

namespace sre {

enum class Dispatch {
  kCase,   // generator outputs as written in the case file
  kDcopf,  // DC OPF: least generation cost within generator, line and angle limits
  kScopf,  // DC OPF with preventive N-1 branch security (model 1.4, the default)
};
Dispatch parse_dispatch(const std::string& name);  // "scopf" | "dcopf" | "case", throws InputError
std::string to_string(Dispatch d);

// A single-branch outage that the dispatch leaves insecure: some other branch's flow
// after it exceeds rateA (1 + tol).
struct InsecureContingency {
  int branch = -1;           // the lost branch (row index)
  double max_loading = 0.0;  // highest |post-contingency flow| / rateA over the other branches
  int worst_branch = -1;     // the branch that reaches it
};

struct OpfOptions {
  bool secure = false;  // preventive N-1 security (scopf)
  double tol = 0.5;     // post-contingency limits rateA (1 + tol)
  // scopf: after each round of constraint generation, the rounds done, the security rows
  // so far and the violations the last scan found (for a progress display; may be empty).
  std::function<void(int rounds, int rows, std::size_t violations)> on_round;
};

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
  // scopf: the single-branch outages checked, the security rows and rounds it took, and the
  // contingencies left insecure (empty when the dispatch is secure).
  bool secure = false;
  int contingencies = 0, security_rows = 0, security_rounds = 0;
  std::vector<InsecureContingency> insecure;
  bool optimal() const { return status == Status::kOptimal; }
};
std::string to_string(DispatchResult::Status s);

// Minimises sum of c2 Pg^2 + c1 Pg + c0 (gencost model 2) over in-service generators,
// with Pmin <= Pg <= Pmax, |flow| <= rateA (rateA > 0), MATPOWER's angle-difference
// limits and the DC bus balances (B-theta, phase shifts), one reference per island.
// kNoCost when the case has no usable gencost (absent, too few rows, model 1).
// With options.secure, the dispatch is also N-1 secure (src/dispatch/security_constraints.hpp).
DispatchResult solve_dc_opf(const Network& net, const OpfOptions& options = {});

// A copy of `net` whose in-service generators produce `pg` (per generator row),
// with the per-bus supplies and demands aggregated again.
Network with_dispatch(const Network& net, const std::vector<double>& pg);

// The network a study runs on: the case as read (kCase) or redispatched by the DC OPF
// (secure with kScopf, post-contingency limits rateA (1 + tol)). An OPF that cannot be
// had (no gencost, infeasible, no verified optimum) falls back to kCase with a note that
// says why: the default dispatch never stops a study.
struct AppliedDispatch {
  Network net;
  Dispatch asked = Dispatch::kScopf, used = Dispatch::kScopf;
  std::string note;  // why `used` differs from `asked`, empty otherwise
  DispatchResult result;  // the OPF's (status kNoCost etc. when it fell back)
};
AppliedDispatch apply_dispatch(const Network& net, Dispatch dispatch, double tol);
// "scopf: 3 of 2011 single-branch contingencies left insecure (worst: losing branch row 12
// loads branch row 40 to 1.62 x rateA)", or "" when secure.
std::string insecure_summary(const Network& net, const DispatchResult& r);

}  // namespace sre
