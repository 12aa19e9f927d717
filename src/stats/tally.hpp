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
#include <type_traits>
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

// How a field of two tallies combines, and so its value in an empty tally (the
// operation's identity): Sum 0, Min INT64_MAX, Max INT64_MIN.
enum class Combine { kSum, kMin, kMax };

// How many elements a field holds: one, a fixed count (exceedance levels, convergence
// buckets), or a count that comes from the shape or the bin layout.
enum class Extent { kOne, kExceedance, kConvergence, kHistogram, kFineBins, kTargets, kBuses, kBranches };

// The tally's fields, in the order of the /tally group of results files
// (docs/results-format.md) and, within each of its segments, of the word buffer.
// THE one list: the members below, reset(), merge(), the word buffer of MPI ranks
// (tally_buffer.hpp) and the HDF5 writer and reader (results_file.cpp) are all
// generated from it. To add a field, add one line here (name, element type, combine
// rule, extent), fill it in Tally::add(), document it in docs/results-format.md and
// raise kResultsFormatVersion.
// Element types: std::uint64_t and std::int64_t (stored as such), i128 (stored as
// NAME_hi int64 and NAME_lo uint64). Minima and maxima are int64.
#define SRE_TALLY_FIELDS(X)                                                                     \
  X(n, std::uint64_t, kSum, kOne)                /* samples tallied */                          \
  X(shed_sum, i128, kSum, kOne)                  /* shed, fixed point 2^-24 MW */               \
  X(shed_sumsq, i128, kSum, kOne)                                                               \
  X(shed_min, std::int64_t, kMin, kOne)                                                         \
  X(shed_max, std::int64_t, kMax, kOne)                                                         \
  X(islands_sum, std::int64_t, kSum, kOne)                                                      \
  X(dead_islands_sum, std::int64_t, kSum, kOne)                                                 \
  X(struck_sum, std::int64_t, kSum, kOne)                                                       \
  X(destroyed_sum, std::int64_t, kSum, kOne)                                                    \
  X(intercepted_sum, std::int64_t, kSum, kOne)                                                  \
  X(overloaded_first_sum, std::int64_t, kSum, kOne)                                             \
  X(tripped_sum, std::int64_t, kSum, kOne)                                                      \
  X(steps_sum, std::int64_t, kSum, kOne)                                                        \
  X(cap_hits, std::int64_t, kSum, kOne)                                                         \
  X(loading_n, std::int64_t, kSum, kOne)         /* samples with a flow solve */                \
  X(loading_sum, i128, kSum, kOne)               /* max loading ratio, fixed point 2^24 */      \
  X(loading_max, std::int64_t, kMax, kOne)                                                      \
  X(redispatch_sum, i128, kSum, kOne)            /* redispatch volume, fixed point 2^24 MW */   \
  X(exceed_count, std::int64_t, kSum, kExceedance)                                              \
  X(histogram, std::int64_t, kSum, kHistogram)                                                  \
  X(bin_count, std::int64_t, kSum, kFineBins)    /* fine bins (fixed-point shed) */             \
  X(bin_min, std::int64_t, kMin, kFineBins)                                                     \
  X(bin_max, std::int64_t, kMax, kFineBins)                                                     \
  X(bin_sum, i128, kSum, kFineBins)                                                             \
  X(target_struck, std::int64_t, kSum, kTargets)                                                \
  X(target_destroyed, std::int64_t, kSum, kTargets)                                             \
  X(target_shed_sum, i128, kSum, kTargets)       /* over samples where the target was destroyed */ \
  X(target_shed_sumsq, i128, kSum, kTargets)                                                    \
  X(bus_unserved_sum, i128, kSum, kBuses)        /* fraction not served, fixed point 2^40 */    \
  X(branch_overloaded, std::int64_t, kSum, kBranches)                                           \
  X(branch_tripped, std::int64_t, kSum, kBranches)                                              \
  /* Convergence: bucket b holds samples with index in [2^(b-1), 2^b) (bucket 0: index 0). */   \
  X(conv_n, std::int64_t, kSum, kConvergence)                                                   \
  X(conv_sum, i128, kSum, kConvergence)                                                         \
  X(conv_sumsq, i128, kSum, kConvergence)

// What the list says of one field, for code that walks it.
struct TallyField {
  const char* name;
  Combine combine;
  Extent extent;
};

namespace tally_detail {
// Storage of a field: a scalar, a std::array for a fixed extent, a std::vector otherwise.
template <class T, Extent E>
struct Storage {
  using type = std::vector<T>;
};
template <class T>
struct Storage<T, Extent::kOne> {
  using type = T;
};
template <class T>
struct Storage<T, Extent::kExceedance> {
  using type = std::array<T, 5>;
};
template <class T>
struct Storage<T, Extent::kConvergence> {
  using type = std::array<T, 65>;
};

// The element type of a field's storage.
template <class V>
struct Element {
  using type = V;
};
template <class T>
struct Element<std::vector<T>> {
  using type = T;
};
template <class T, std::size_t N>
struct Element<std::array<T, N>> {
  using type = T;
};

template <class T>
constexpr T identity(Combine c) {
  if constexpr (std::is_same_v<T, std::int64_t>) {
    if (c == Combine::kMin) return INT64_MAX;
    if (c == Combine::kMax) return INT64_MIN;
  }
  return T{0};
}

// A scalar field initialised to its identity; arrays start at zero (sums) and reset()
// gives every field its identity.
template <class T, Combine C, Extent E>
struct Init {
  static constexpr typename Storage<T, E>::type value() { return {}; }
};
template <class T, Combine C>
struct Init<T, C, Extent::kOne> {
  static constexpr T value() { return identity<T>(C); }
};
}  // namespace tally_detail

// Element type of a field (T of scalar T, std::array<T, N> or std::vector<T>).
template <class V>
using tally_element_t = typename tally_detail::Element<std::remove_cvref_t<V>>::type;

struct Tally {
  static constexpr double kShedScale = 16777216.0;          // 2^24 per MW
  static constexpr double kFractionScale = 1099511627776.0;  // 2^40
  static constexpr int kHistogramBins = 100;                 // equal width over shed fraction [0, 1]
  static constexpr double kBinRatio = 1e-3;                  // fine bins: relative width
  static constexpr double kBinFloor = 1e-9;                  // fine bins: smallest positive fraction resolved
  static constexpr std::array<double, 5> kExceedanceLevels = {0.01, 0.05, 0.10, 0.25, 0.50};
  static int fine_bin_count();

  TallyShape shape;
#define SRE_TALLY_MEMBER(name, T, combine, extent)                                        \
  static_assert(Combine::combine == Combine::kSum || std::is_same_v<T, std::int64_t>,     \
                "minima and maxima are of int64 fields");                                 \
  typename tally_detail::Storage<T, Extent::extent>::type name =                          \
      tally_detail::Init<T, Combine::combine, Extent::extent>::value();
  SRE_TALLY_FIELDS(SRE_TALLY_MEMBER)
#undef SRE_TALLY_MEMBER

  // Number of elements of a field of this extent in a tally of this shape.
  static std::size_t extent_size(Extent e, const TallyShape& shape);

  // Calls f(const TallyField&, field) for every field of t, in list order.
  template <class Self, class F>
  static void for_each_field(Self& t, F&& f) {
#define SRE_TALLY_VISIT(name, T, combine, extent) f(TallyField{#name, Combine::combine, Extent::extent}, t.name);
    SRE_TALLY_FIELDS(SRE_TALLY_VISIT)
#undef SRE_TALLY_VISIT
  }
  // Calls f(const TallyField&, a's field, b's field) for every field, in list order.
  template <class A, class B, class F>
  static void for_each_field_pair(A& a, B& b, F&& f) {
#define SRE_TALLY_VISIT2(name, T, combine, extent) \
  f(TallyField{#name, Combine::combine, Extent::extent}, a.name, b.name);
    SRE_TALLY_FIELDS(SRE_TALLY_VISIT2)
#undef SRE_TALLY_VISIT2
  }

  void reset(const TallyShape& shape);
  void add(std::uint64_t index, const SampleOutcome& outcome, const SampleDetail& detail);
  // Combines other into this one, field by field (sum, min or max as the list says);
  // throws std::invalid_argument when the shapes differ.
  void merge(const Tally& other);
  bool operator==(const Tally& other) const = default;

  static std::int64_t to_fixed(double shed_mw) { return static_cast<std::int64_t>(std::llround(shed_mw * kShedScale)); }
  static double from_fixed(i128 q) { return static_cast<double>(q) / kShedScale; }
  int fine_bin(std::int64_t shed_q) const;
};

}  // namespace sre
