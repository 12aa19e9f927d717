#pragma once
// The mergeable statistics of a campaign study (docs/campaign.md 6-7). Every sum is an
// exact integer (hours without power to 2^-20 h, served fractions to 2^-32), so any split
// of the campaigns over threads, shards, ranks or resumes merges to the same bits; the
// figures of each campaign are kept with its index (a few numbers per campaign), so their
// quantiles and tail means are exact and independent of the order campaigns finished in.
#include <array>
#include <cstdint>
#include <vector>

#include "campaign/campaign_record.hpp"

namespace sre {

struct CampaignShape {
  int n_buses = 0, n_targets = 0, hours = 0;
  bool operator==(const CampaignShape&) const = default;
};

struct CampaignTally {
  static constexpr double kHourScale = 1048576.0;        // 2^20 per hour without power
  static constexpr double kFractionScale = 4294967296.0;  // 2^32 per served fraction
  // Per hour, the served fraction's histogram: bins of width 1/kServedBins, and one more
  // (index kServedBins) for a fully served hour.
  static constexpr int kServedBins = 1000;

  CampaignShape shape;
  std::uint64_t n = 0;
  std::vector<std::uint64_t> index;  // campaign index of each row of `figures`
  std::vector<double> figures;       // n rows of kCampaignFigures
  std::vector<std::int64_t> bus_hours_q, bus_drained, bus_events;                // per bus
  std::vector<std::int64_t> hour_served_q, hour_waves, hour_histogram;          // per hour (histogram: x bins)
  std::vector<std::int64_t> target_destroyed, target_hours;                      // per target

  void reset(const CampaignShape& s);
  void add(std::uint64_t campaign, const CampaignRecord& r);
  // Adds another tally's campaigns (disjoint from these).
  void merge(const CampaignTally& other);
  // Rows of `figures` in campaign order (after merges in any order).
  void sort_by_index();
  // The integer sums as one array (MPI reduction, files) and back.
  std::vector<std::int64_t> sum_words() const;
  void set_sum_words(const std::vector<std::int64_t>& words);
  static int served_bin(double fraction);
};

// Statistics of one figure over campaigns (docs/results-format.md): mean, std (n - 1),
// stderr, 95 % interval, quantiles 50/90/95/99 (the smallest value with at least p of the
// campaigns at or below it), CVaR 90/99 (the mean of the campaigns at or above that
// quantile), maximum. NaN where undefined (no campaigns; std of one).
struct FigureSummary {
  double mean, std, stderr_, ci95_low, ci95_high, q50, q90, q95, q99, cvar90, cvar99, max;
};

struct CampaignSummary {
  std::uint64_t samples = 0;
  std::array<FigureSummary, kCampaignFigures> figure{};
  std::vector<double> bus_hours_without_power_mean, bus_drain_probability, bus_drain_events_mean;  // NaN: no demand
  std::vector<double> hour_served_fraction_mean, hour_served_q05, hour_served_q50, hour_served_q95;
  std::vector<double> hour_wave_probability;
  std::vector<double> target_destroyed_mean, target_hours_destroyed_mean;
};

// bus_demand_pos: which buses have demand (the others get NaN).
CampaignSummary summarize_campaigns(const CampaignTally& tally, const std::vector<double>& bus_demand_pos);
FigureSummary summarize_values(std::vector<double> values);

}  // namespace sre
