#pragma once
// One thread's campaign evaluator (docs/campaign.md 4-5): draws a campaign's schedule,
// then walks its hours in segments over which the destroyed set and the grid's mode
// (transient after a wave, else steady) are constant, and evaluates each segment once
// per distinct demand factor in it (for the steady `topology` response, once at all: its
// served fractions are min(1, C / (alpha D)) per island, in closed form). Everything is
// sized once; a campaign allocates nothing after the first few.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "campaign/campaign_config.hpp"
#include "campaign/campaign_record.hpp"
#include "campaign/campaign_schedule.hpp"
#include "campaign/demand_levels.hpp"
#include "response/scenario_evaluator.hpp"
#include "study/study.hpp"

namespace sre {

// What every thread shares: the study, the resolved campaign, the demand levels.
class CampaignStudy {
 public:
  CampaignStudy(const Study& study, CampaignConfig config);
  const Study& study() const { return study_; }
  const CampaignConfig& config() const { return config_; }
  const DemandLevels& levels() const { return levels_; }
  const WaveStrikeModel& strikes() const { return strikes_; }
  // Override the interception probabilities (sre defend --campaign's plans).
  void set_intercept(const std::vector<double>& q) { strikes_.intercept = q; }
  std::uint64_t samples() const { return study_.samples(); }
  // The study's assumptions line (Study::assumptions()) with the campaign's.
  std::string assumptions() const;
  std::uint64_t seed() const { return study_.seed(); }

 private:
  const Study& study_;
  CampaignConfig config_;
  DemandLevels levels_;
  WaveStrikeModel strikes_;
};

class CampaignWorker {
 public:
  explicit CampaignWorker(const CampaignStudy& cs);
  // Draws and evaluates campaign `index`; the record stays valid until the next call.
  const CampaignRecord& run(std::uint64_t index) { return run(index, cs_.seed()); }
  // The same with another seed (a planner's fresh validation campaigns).
  const CampaignRecord& run(std::uint64_t index, std::uint64_t seed);
  // Evaluates a given schedule (tests; sre defend).
  const CampaignRecord& evaluate(const CampaignSchedule& schedule);
  const CampaignSchedule& schedule() const { return schedule_; }
  // Single-strike evaluations made so far (for benchmarks: segments x distinct levels, one
  // per segment in closed form).
  std::uint64_t evaluations() const { return evaluations_; }

 private:
  struct Segment {
    int begin, end, epoch;
    bool transient;
  };
  void make_segments(const CampaignSchedule& s);
  void evaluate_segment(const CampaignSchedule& s, const Segment& seg);
  // The segment's state at demand level `level` into slot `slot`: the buses short of
  // demand with their served fractions, the MW short at alpha = 1 (sum (1 - f) d) and
  // whether the grid is split.
  void evaluate_level(int level, int slot, bool transient);
  void closed_form_slots();
  ScenarioEvaluator& evaluator(int level, bool transient);
  void outages_of_epoch(const CampaignSchedule& s, int epoch);
  Outages epoch_outages() const;  // what outages_of_epoch() gathered
  // Lists bus `bus` short of demand at served fraction f; returns its MW short at alpha = 1.
  double add_short(int bus, double f);
  void bus_hours(const Segment& seg);

  const CampaignStudy& cs_;
  const Network& net_;
  ScheduleDrawer drawer_;
  CampaignSchedule schedule_;
  CampaignRecord record_;
  // Per level: the transient and steady evaluators, built on first use.
  std::vector<std::unique_ptr<ScenarioEvaluator>> transient_eval_, steady_eval_;
  std::unique_ptr<ScenarioEvaluator> topology_eval_;  // closed-form steady topology
  bool closed_form_steady_ = false;
  std::vector<Segment> segments_;
  std::vector<int> cut_, buses_, branches_, gens_;
  int n_buses_ = 0, n_branches_ = 0, n_gens_ = 0;
  // Per segment: its distinct levels (slot order), and per slot the buses short of
  // demand with their served fraction (sparse), the MW short at alpha = 1 scale
  // (sum (1 - f) d) and whether the grid is split.
  std::vector<int> slot_of_level_, seg_levels_;
  std::vector<int> short_offset_, short_bus_;
  std::vector<double> short_f_, unserved_d_;
  std::vector<std::uint8_t> split_;
  // Per bus across segments: hours of the current run of zero supply, whether it was cold
  // in the last hour, and which buses carry such state (dirty) or are in this segment.
  std::vector<int> zero_run_;
  std::vector<std::uint8_t> cold_;
  std::vector<int> dirty_, next_dirty_, seg_buses_, compact_;
  std::vector<double> fmat_;  // per segment bus (compact) x slot: served fraction
  double total_demand_ = 0.0;
  std::uint64_t evaluations_ = 0;
};

}  // namespace sre
