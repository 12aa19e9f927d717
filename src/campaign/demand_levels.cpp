#include "campaign/demand_levels.hpp"

#include <algorithm>

namespace sre {

Network scaled_network(const Network& net, double alpha) {
  Network n = net;
  n.total_demand_pos = 0.0;
  for (int i = 0; i < n.n_bus(); ++i) {
    if (n.bus_demand_pos[i] > 0.0) {
      n.bus_demand_pos[i] *= alpha;
      n.bus_demand[i] = n.bus_demand_pos[i];
    }
    if (n.bus_in_service[i]) n.total_demand_pos += n.bus_demand_pos[i];
  }
  return n;
}

BaseCase scaled_base_case(const Network& scaled, const BaseCase& base) {
  BaseCase b = make_base_case(scaled);
  // Limits are the study's (alpha = 1): a branch grandfathered at full demand keeps its
  // base flow as limit at every hour, and none is grandfathered anew at lower demand.
  b.limit_mw = base.limit_mw;
  b.limited_branches = base.limited_branches;
  b.limited_limit_mw = base.limited_limit_mw;
  b.limited_slot = base.limited_slot;
  b.n_grandfathered = base.n_grandfathered;
  return b;
}

DemandLevels::DemandLevels(const Study& study, const std::vector<double>& alpha_per_hour) : study_(study) {
  alpha_ = alpha_per_hour;
  std::sort(alpha_.begin(), alpha_.end());
  alpha_.erase(std::unique(alpha_.begin(), alpha_.end()), alpha_.end());
  level_of_hour_.resize(alpha_per_hour.size());
  for (std::size_t h = 0; h < alpha_per_hour.size(); ++h)
    level_of_hour_[h] = static_cast<int>(std::lower_bound(alpha_.begin(), alpha_.end(), alpha_per_hour[h]) - alpha_.begin());
  levels_.resize(alpha_.size());
  once_ = std::make_unique<std::once_flag[]>(alpha_.size());
}

const DemandLevel& DemandLevels::level(int l) const {
  std::call_once(once_[l], [&] {
    auto lv = std::make_unique<DemandLevel>();
    lv->alpha = alpha_[l];
    // Islands and the base factor depend on topology and supplies only: every level shares
    // the study's (the fast solver scales the shared demand solve, make_fast_flow_solver).
    lv->intact = study_.intact_topology();
    lv->fast = study_.fast_shared();
    if (alpha_[l] == 1.0) {
      lv->net = &study_.network();
      lv->base = &study_.base();
    } else {
      lv->own_net = std::make_unique<Network>(scaled_network(study_.network(), alpha_[l]));
      lv->own_base = std::make_unique<BaseCase>(scaled_base_case(*lv->own_net, study_.base()));
      lv->net = lv->own_net.get();
      lv->base = lv->own_base.get();
    }
    levels_[l] = std::move(lv);
  });
  return *levels_[l];
}

std::unique_ptr<FlowSolver> DemandLevels::make_flow_solver(const DemandLevel& level) const {
  if (study_.config().solver != SolverKind::kFast) return make_reference_flow_solver(*level.net);
  return make_fast_flow_solver(*level.net, level.fast, 0, -1, level.alpha);
}

}  // namespace sre
