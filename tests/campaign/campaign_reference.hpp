#pragma once
// The simple path of a winter campaign (docs/campaign.md), independent of the engine's
// interval walk (src/campaign/campaign_worker.cpp): the schedule is simulated hour by
// hour (crew queue and repair ends redone here), and every hour's grid is evaluated
// afresh with the reference flow solver on the network scaled to that hour's demand; the
// figures of campaign.md 5 follow from their definitions, hour by hour.
#include <string>
#include <vector>

#include "campaign/campaign_config.hpp"
#include "campaign/campaign_record.hpp"
#include "campaign/campaign_schedule.hpp"
#include "study/study.hpp"

namespace sre::test {

// The events a campaign starts from: the wave hours, per wave the targets it destroys, and
// per destruction (in order of wave, then target) its repair time.
struct CampaignEvents {
  std::vector<int> wave_hour;
  // Per wave: the targets listed (replay: those not destroyed at that hour are destroyed)
  // or the targets destroyed (sampled: each must be in service at that hour).
  std::vector<std::vector<int>> wave_targets;
  bool replay = false;
  // Sampled: per destruction in order, R in hours. Replay: per target, R in hours.
  std::vector<int> repair_hours;
};

// Replayed waves with deterministic repairs (sigma 0): everything from the config alone,
// R = max(1, ceil(24 m)) per target. Throws std::invalid_argument when a sigma is not 0.
CampaignEvents events_from_config(const CampaignConfig& config);
// A sampled campaign: wave hours, destroyed targets and repair times from the drawn
// schedule (the crew queue and the repair ends are not taken from it).
CampaignEvents events_from_schedule(const CampaignSchedule& schedule);

struct ReferenceCampaign {
  CampaignRecord record;
  // The simulated destructions (target, hour, R, start, end; start = end = -1 when the
  // repair never started within the campaign).
  std::vector<CampaignSchedule::Destruction> destructions;
  // Per hour: the destroyed targets, ascending.
  std::vector<std::vector<int>> destroyed_at;
  // Per hour and bus (positive intact demand only; else 1): f_i(t).
  std::vector<std::vector<double>> served;
  // Problems found while simulating (e.g. a sampled wave destroying a destroyed target).
  std::vector<std::string> errors;
};

// The campaign hour by hour. Caches the scaled networks (and their evaluators) by alpha
// across calls on the same object; each hour is evaluated on its own.
class ReferenceCampaignPath {
 public:
  ReferenceCampaignPath(const Study& study, const CampaignConfig& config);
  ~ReferenceCampaignPath();
  ReferenceCampaign run(const CampaignEvents& events);

 private:
  struct Level;
  Level& level(double alpha);
  const Study& study_;
  const CampaignConfig& config_;
  std::vector<Level*> levels_;
};

}  // namespace sre::test
