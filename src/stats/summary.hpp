#pragma once
// Statistics derived from a Tally at the end of a run (model section 9).
#include <cstdint>
#include <vector>

#include "stats/tally.hpp"

namespace sre {

struct DistributionSummary {
  double mean = 0, std = 0, stderr_ = 0, ci95_low = 0, ci95_high = 0, max = 0;
  std::vector<double> quantile_levels;  // 0.5, 0.9, 0.95, 0.99, 0.999
  std::vector<double> quantiles;
  double cvar90 = 0, cvar99 = 0;
};

struct Summary {
  std::uint64_t samples = 0;
  DistributionSummary shed_mw, shed_fraction;
  std::vector<double> exceedance_levels, exceedance_probability;  // of the shed fraction
  std::vector<double> histogram_edges;                              // shed fraction, kHistogramBins + 1
  std::vector<std::int64_t> histogram_counts;

  // Means per sample.
  double islands_mean = 0, dead_islands_mean = 0, struck_mean = 0, destroyed_mean = 0, intercepted_mean = 0;
  double overloaded_first_mean = 0, tripped_mean = 0, cascade_steps_mean = 0, cap_hit_probability = 0;
  double max_loading_first_mean = 0, max_loading_first_max = 0;  // NaN under topology
  double redispatch_mean_mw = 0;  // generation moved away from the base state (opf response; 0 otherwise)

  // Per target.
  std::vector<std::int64_t> target_struck, target_destroyed;
  std::vector<double> shed_mean_when_destroyed, criticality, criticality_ci95_low, criticality_ci95_high;
  // Per bus: expected fraction of demand served (NaN for buses without positive demand).
  std::vector<double> bus_served_fraction_mean;
  // Per branch.
  std::vector<double> branch_overload_probability, branch_trip_probability;

  // Running estimate at n = 1, 2, 4, ... samples (only where those prefixes were all evaluated).
  std::vector<std::uint64_t> convergence_samples;
  std::vector<double> convergence_mean, convergence_ci95_halfwidth;
};

// bus_demand_pos: positive demand per bus (decides which buses have a served fraction).
Summary summarize(const Tally& tally, const std::vector<double>& bus_demand_pos);

// Mean, sample standard deviation (n - 1) of fixed-point sums, in MW.
void mean_and_std(std::uint64_t n, i128 sum, i128 sumsq, double& mean, double& std);

}  // namespace sre
