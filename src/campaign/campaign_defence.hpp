#pragma once
// Defence planned for a whole winter (sre defend --campaign): greedy, one target at a
// time, minimising the mean over campaigns of energy not served, heating-drain events or
// hours without power. Common random numbers: every candidate plan is judged on the same
// campaigns (seed, index) and the same interception draws (one uniform per struck target,
// defended or not, so the streams stay aligned across plans). Defending t changes only the
// campaigns in which t was struck, so only those are re-evaluated. The plan is then
// checked on fresh campaigns (seed + kValidationSeedOffset) against no defence and the B
// targets of highest degree and of highest demand, as `sre defend` does.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "campaign/campaign_config.hpp"
#include "campaign/campaign_record.hpp"
#include "planning/defence_planner.hpp"
#include "study/study.hpp"

namespace sre {

enum class CampaignObjective { kEns, kDrains, kHoursWithoutPower };
// ens | drains | hours_without_power (throws InputError).
CampaignObjective parse_campaign_objective(const std::string& name);

struct CampaignDefenceOptions {
  int budget = 1;
  double intercept = 0.9;
  CampaignObjective objective = CampaignObjective::kEns;
  int threads = 0;
  std::function<void(const DefenceStep&)> on_step;
  DefenceProgress* progress = nullptr;  // step and candidates judged, for a display (may be null)
};

struct CampaignDefencePlan {
  std::vector<int> targets;
  std::vector<DefenceStep> steps;  // mean_gain_ci95_halfwidth: paired CI of the gain
  std::uint64_t selection_campaigns = 0, selection_seed = 0, validation_campaigns = 0, validation_seed = 0;
  std::vector<PlanScore> validation;  // none, greedy, degree, demand (mean_shed_mw holds the objective's mean)
  std::uint64_t evaluations = 0;       // campaigns evaluated
  double seconds = 0.0;
};

// The objective's value of one campaign (ENS MWh, drain events, or hours without power
// summed over the buses).
double campaign_objective_value(CampaignObjective objective, const CampaignRecord& r);

CampaignDefencePlan plan_campaign_defence(const Study& study, const CampaignConfig& config,
                                          const CampaignDefenceOptions& options);

}  // namespace sre
