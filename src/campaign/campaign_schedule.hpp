#pragma once
// One campaign's events, independent of the grid (docs/campaign.md 2-3): when the waves
// come, which targets each strikes and destroys, how long each repair takes, and when
// each starts and ends under the crew limit. The grid's hours are evaluated from this
// (campaign_worker.hpp). Drawn from (seed, campaign) alone, each purpose in its own
// stream (sample_rng.hpp), so any thread, shard or resume draws the same campaign.
#include <cstdint>
#include <vector>

#include "campaign/campaign_config.hpp"
#include "sampling/strike_sampler.hpp"

namespace sre {

// The strike model of the waves: the study's, over the targets not destroyed at a wave.
struct WaveStrikeModel {
  StrikeModel model = StrikeModel::kUniform;
  int k = 3;
  std::vector<StrikeBudget> budgets;  // per class; empty: one k over all targets
  std::vector<double> weights;        // kWeighted: per target
  std::vector<double> probabilities;  // kIndependent: per target
  std::vector<double> intercept;      // per target
};

struct CampaignSchedule {
  // Waves (merged per hour, ascending, all < H) and per wave the targets struck and
  // destroyed (CSR, ascending within a wave).
  std::vector<int> wave_hour;
  std::vector<int> struck_offset{0}, struck;
  std::vector<int> destroyed_offset{0}, destroyed;
  // Destructions in order (wave, then target): the target, its hour, its repair time R
  // and the hours its repair starts and ends (ends may be >= H: not repaired in time; both
  // -1 when its repair has not started by H, waiting for a crew).
  struct Destruction {
    int target, hour, repair_hours, start, end;
  };
  std::vector<Destruction> destructions;
  // The destroyed set between events: epoch j holds from epoch_hour[j] (ascending, the
  // first 0) to the next epoch's hour (or H); its targets, ascending, are
  // epoch_targets[epoch_offset[j] .. epoch_offset[j+1]).
  std::vector<int> epoch_hour;
  std::vector<int> epoch_offset{0}, epoch_targets;

  void clear();
  int n_waves() const { return static_cast<int>(wave_hour.size()); }
  int n_epochs() const { return static_cast<int>(epoch_hour.size()); }
};

class ScheduleDrawer {
 public:
  // `strikes` is read at every draw (a planner may change its interceptions between runs).
  ScheduleDrawer(const CampaignConfig& config, const WaveStrikeModel& strikes, int n_targets);
  // Draws campaign `index` of study `seed` into `out` (reusing its storage).
  void draw(std::uint64_t seed, std::uint64_t index, CampaignSchedule& out);
  // Repair time R in hours of a median (days) and log-spread for a standard normal z.
  static int repair_hours(double median_days, double sigma, double z);

 private:
  void wave_hours(std::uint64_t seed, std::uint64_t index, std::vector<int>& hours) const;
  void strike(class SampleRng& rng, int wave, std::vector<int>& struck);

  const CampaignConfig& config_;
  const WaveStrikeModel& strikes_;
  int n_targets_;
  std::vector<std::uint8_t> destroyed_;  // per target, during the draw
  std::vector<int> eligible_, hours_, picks_, active_;
};

}  // namespace sre
