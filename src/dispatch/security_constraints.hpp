#pragma once
// Preventive N-1 security of the base dispatch (`scopf`, model 1.4): after the loss of
// any single in-service branch that splits no island, every limited branch stays within
// L_e (1 + tol). Constraint generation on a solved DC OPF: scan every contingency by its
// line outage distribution factors (src/dispatch/outage_sensitivity.hpp), add the violated
// (branch, contingency) rows, solve again from the basis, until none is violated. When
// the rows cannot all hold, they become elastic (violations priced far above any
// generation cost), so the violations are minimised, and every contingency left
// insecure is reported with its worst post-contingency loading.
#include <string>
#include <vector>

#include "dispatch/dc_opf.hpp"
#include "dispatch/opf_model.hpp"

namespace sre::opf {

struct SecurityOutcome {
  bool solved = false;        // an optimum (of the elastic problem when elastic)
  bool elastic = false;       // the rows could not all hold
  int rounds = 0;             // scans after the first solve
  int rows = 0;               // security rows in the final LP
  int contingencies = 0;      // single-branch outages checked (non-bridges)
  std::vector<InsecureContingency> insecure;  // ascending branch rows; empty when secure
  std::string message;        // why not solved
};

// lp holds the base OPF, solved to an optimum (built with theta_box); on return it holds
// the secure (or least insecure) dispatch's solution.
SecurityOutcome secure_dispatch(const Network& net, const GridState& intact, const std::vector<Poly>& cost,
                                bool quadratic, double theta_box, const OpfOptions& options, OpfLp& lp);

}  // namespace sre::opf
