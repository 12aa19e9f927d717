#pragma once
// Streaming, mergeable statistics of a study (model section 9).
//
// Every sum is an exact integer: each per-sample value is first rounded to a
// fixed-point integer (shed to 2^-24 MW, fractions to 2^-40), then added in
// 128-bit integers. Integer addition is associative, so any split of the
// samples over threads, shards or resumes, merged in any order, gives the same
// bits (model section 8). Minima and maxima are order-independent too.
// Quantiles come from fine log-spaced bins of the shed fraction (relative
// width 1e-3) that keep count, sum, min and max per bin.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "model/grid_state.hpp"
#include "response/response.hpp"

namespace sre {

using i128 = __int128;

struct TallyShape {
  int n_targets = 0, n_buses = 0, n_branches = 0;
  double total_demand_mw = 0.0;
  bool operator==(const TallyShape&) const = default;
};

// What the tally needs of one evaluated sample besides its SampleOutcome.
struct SampleDetail {
  std::span<const int> struck_targets;     // ascending
  std::span<const int> destroyed_targets;  // ascending
  std::span<const int> destroyed_buses;
  std::span<const int> overloaded_first;   // branches
  const GridState* state = nullptr;        // final state (tripped branches, islands)
  const std::vector<double>* bus_demand_pos = nullptr;
};

struct Tally {
  static constexpr double kShedScale = 16777216.0;          // 2^24 per MW
  static constexpr double kFractionScale = 1099511627776.0;  // 2^40
  static constexpr int kHistogramBins = 100;                 // equal width over shed fraction [0, 1]
  static constexpr double kBinRatio = 1e-3;                  // fine bins: relative width
  static constexpr double kBinFloor = 1e-9;                  // fine bins: smallest positive fraction resolved
  static constexpr std::array<double, 5> kExceedanceLevels = {0.01, 0.05, 0.10, 0.25, 0.50};
  static int fine_bin_count();

  TallyShape shape;
  std::uint64_t n = 0;
  i128 shed_sum = 0, shed_sumsq = 0;
  std::int64_t shed_min = INT64_MAX, shed_max = INT64_MIN;  // fixed point
  std::int64_t islands_sum = 0, dead_islands_sum = 0, struck_sum = 0, destroyed_sum = 0, intercepted_sum = 0;
  std::int64_t overloaded_first_sum = 0, tripped_sum = 0, steps_sum = 0, cap_hits = 0;
  std::int64_t loading_n = 0;  // samples with a flow solve
  i128 loading_sum = 0;        // max loading ratio, fixed point 2^24
  std::int64_t loading_max = INT64_MIN;
  i128 redispatch_sum = 0;     // redispatch volume (opf response), fixed point 2^24 MW
  std::array<std::int64_t, 5> exceed_count{};
  std::vector<std::int64_t> histogram;  // kHistogramBins

  std::vector<std::int64_t> bin_count, bin_min, bin_max;  // fine bins (fixed-point shed)
  std::vector<i128> bin_sum;

  std::vector<std::int64_t> target_struck, target_destroyed;
  std::vector<i128> target_shed_sum, target_shed_sumsq;  // over samples where the target was destroyed
  std::vector<i128> bus_unserved_sum;                    // fraction not served, fixed point 2^40
  std::vector<std::int64_t> branch_overloaded, branch_tripped;

  // Convergence: bucket b holds samples with index in [2^(b-1), 2^b) (bucket 0: index 0).
  std::array<std::int64_t, 65> conv_n{};
  std::array<i128, 65> conv_sum{}, conv_sumsq{};

  void reset(const TallyShape& shape);
  void add(std::uint64_t index, const SampleOutcome& outcome, const SampleDetail& detail);
  // Adds other's sums into this one; throws std::invalid_argument when the shapes differ.
  void merge(const Tally& other);
  bool operator==(const Tally& other) const = default;

  static std::int64_t to_fixed(double shed_mw) { return static_cast<std::int64_t>(std::llround(shed_mw * kShedScale)); }
  static double from_fixed(i128 q) { return static_cast<double>(q) / kShedScale; }
  int fine_bin(std::int64_t shed_q) const;
};

}  // namespace sre
