#pragma once
// The DC OPF's linear (or quadratic) program in COIN-OR Clp: angles and generator
// outputs, bus balances, flow and angle-difference limits, gencost polynomials
// (docs/model.md section 10). Shared by the base dispatch (src/dispatch/dc_opf.cpp) and its
// security constraints (src/dispatch/security_constraints.cpp).
#include <ClpSimplex.hpp>

#include <string>
#include <vector>

#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre::opf {

// Clp's simplex without presolve can return a wrong "optimal" point (or call a feasible
// LP infeasible) when the angles are free columns; a box far outside any real angle
// (100 rad = 5730 deg) avoids it. A solution touching the box is reported as failed.
constexpr double kThetaBox = 100.0;

struct Poly {
  double c2 = 0.0, c1 = 0.0, c0 = 0.0;
};

// gencost model 2 rows for every generator, or an explanation why not.
bool read_costs(const Network& net, std::vector<Poly>& cost, std::string& why);
// MATPOWER's angle-difference limits (makeAang): a branch gets a row when ANGMIN is
// nonzero and > -360 or ANGMAX is nonzero and < 360; a zero end is unbounded.
bool angle_limits(const Network& net, int e, double& lo, double& hi);
bool is_quadratic(const Network& net, const std::vector<Poly>& cost);

struct OpfLp {
  ClpSimplex model;
  std::vector<int> gen_col;   // per gen, -1 when out of service
  std::vector<int> flow_row;  // per branch, -1 when no flow-limit row
  std::vector<int> ang_row;   // per branch, -1 when no angle row
  std::vector<int> slack_col; // elastic only: per branch first of 2 (flow) columns, -1
  std::vector<int> ang_slack_col;
  int n_theta = 0;
  int extra_col = 0;  // first of the extra columns (build_opf's extra_columns)
};

// Columns: theta (nb), Pg of in-service gens, then `extra_columns` columns in [0, inf) of
// cost extra_cost and no entries (elastic slacks of rows added later). Rows: bus balances
// (nb), flow limits, angle limits. `elastic`: flow and angle rows get violation columns
// of cost 1 and the generators cost nothing (feasibility diagnosis). Angles are boxed at
// +-theta_box (infinite: free).
void build_opf(const Network& net, const GridState& s, const std::vector<Poly>& cost, bool elastic, OpfLp& lp,
               double theta_box = kThetaBox, int extra_columns = 0, double extra_cost = 0.0);

// Runs of Clp's QP simplex at most, each checked by the Frank-Wolfe gap.
inline constexpr int kQpRuns = 8;
struct SolveOutcome {
  bool optimal = false, infeasible = false;
  double gap = 0.0;  // QP: the last Frank-Wolfe gap ($/h)
};
// Solve (first: the model as built; else from its basis after rows were added); a QP's
// optimum is verified (frank_wolfe_gap below 1e-8 of the cost).
SolveOutcome solve_model(OpfLp& lp, const std::vector<Poly>& cost, bool quadratic, bool first);
double frank_wolfe_gap(const OpfLp& qp, const std::vector<Poly>& cost);

}  // namespace sre::opf
