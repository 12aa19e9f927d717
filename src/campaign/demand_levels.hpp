#pragma once
// The network at each demand factor alpha of a campaign's profile (docs/campaign.md 1):
// every positive bus demand times alpha; supplies, capacities, the base dispatch and the
// branch limits L_e those of the study (alpha = 1). One level per distinct alpha, built on
// first use (a level is a network copy and its base case; the islands' intact topology and
// the fast solver's base factor are the study's, shared by every level) and shared
// read-only by every thread. alpha = 1 is the study's
// own network, so a flat profile evaluates exactly as `sre run` does.
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "flow/base_case.hpp"
#include "flow/flow_solver.hpp"
#include "model/network.hpp"
#include "study/study.hpp"
#include "topology/intact_topology.hpp"

namespace sre {

// The study's network with every positive demand times alpha (negative demands, which
// are supplies, unchanged), and its base case with the limits of `base` (alpha = 1).
Network scaled_network(const Network& net, double alpha);
BaseCase scaled_base_case(const Network& scaled, const BaseCase& base);

struct DemandLevel {
  double alpha = 1.0;
  const Network* net = nullptr;
  const BaseCase* base = nullptr;
  std::shared_ptr<const FastFlowShared> fast;  // the study's; null for the reference solver
  std::shared_ptr<const IntactTopology> intact;
  // Owned when alpha != 1 (else the study's).
  std::unique_ptr<Network> own_net;
  std::unique_ptr<BaseCase> own_base;
};

class DemandLevels {
 public:
  DemandLevels(const Study& study, const std::vector<double>& alpha_per_hour);
  int n_levels() const { return static_cast<int>(alpha_.size()); }
  int level_of_hour(int h) const { return level_of_hour_[h]; }
  double alpha(int level) const { return alpha_[level]; }
  // The level, built on the first call for it (thread-safe).
  const DemandLevel& level(int l) const;
  std::unique_ptr<FlowSolver> make_flow_solver(const DemandLevel& level) const;

 private:
  const Study& study_;
  std::vector<double> alpha_;         // distinct, ascending
  std::vector<int> level_of_hour_;
  mutable std::vector<std::unique_ptr<DemandLevel>> levels_;
  mutable std::unique_ptr<std::once_flag[]> once_;
};

}  // namespace sre
