#include "stats/tally.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace sre {

int Tally::fine_bin_count() {
  static const int n = 2 + static_cast<int>(std::ceil(std::log(1.0 / kBinFloor) / std::log1p(kBinRatio)));
  return n;
}

std::size_t Tally::extent_size(Extent e, const TallyShape& s) {
  switch (e) {
    case Extent::kOne: return 1;
    case Extent::kExceedance: return kExceedanceLevels.size();
    case Extent::kConvergence: return 65;
    case Extent::kHistogram: return kHistogramBins;
    case Extent::kFineBins: return static_cast<std::size_t>(fine_bin_count());
    case Extent::kTargets: return static_cast<std::size_t>(s.n_targets);
    case Extent::kBuses: return static_cast<std::size_t>(s.n_buses);
    case Extent::kBranches: return static_cast<std::size_t>(s.n_branches);
  }
  return 0;
}

namespace {

template <class T>
T combine_one(Combine c, T a, T b) {
  if constexpr (std::is_same_v<T, std::int64_t>) {
    if (c == Combine::kMin) return std::min(a, b);
    if (c == Combine::kMax) return std::max(a, b);
  }
  return a + b;
}

template <class T>
concept Sequence = requires(T& t) { t.begin(); };

}  // namespace

void Tally::reset(const TallyShape& s) {
  *this = Tally{};
  shape = s;
  for_each_field(*this, [&](const TallyField& f, auto& value) {
    using V = std::remove_cvref_t<decltype(value)>;
    if constexpr (Sequence<V>) {
      using T = typename V::value_type;
      if constexpr (requires { value.assign(std::size_t{}, T{}); })
        value.assign(extent_size(f.extent, s), tally_detail::identity<T>(f.combine));
      else
        value.fill(tally_detail::identity<T>(f.combine));
    } else {
      value = tally_detail::identity<V>(f.combine);
    }
  });
}

// Bin 0: no shed. Bin 1: fraction below kBinFloor. Then log-spaced by (1 + kBinRatio).
int Tally::fine_bin(std::int64_t q) const {
  if (q <= 0) return 0;
  const double f = from_fixed(q) / shape.total_demand_mw;
  if (!(f >= kBinFloor)) return 1;
  const int b = 2 + static_cast<int>(std::log(f / kBinFloor) / std::log1p(kBinRatio));
  return std::min(b, fine_bin_count() - 1);
}

void Tally::add(std::uint64_t index, const SampleOutcome& o, const SampleDetail& d) {
  const std::int64_t q = to_fixed(o.shed_mw);
  const i128 q2 = static_cast<i128>(q) * q;
  ++n;
  shed_sum += q;
  shed_sumsq += q2;
  shed_min = std::min(shed_min, q);
  shed_max = std::max(shed_max, q);
  islands_sum += o.n_islands;
  dead_islands_sum += o.n_dead_islands;
  struck_sum += o.n_struck;
  destroyed_sum += o.n_destroyed;
  intercepted_sum += o.n_intercepted;
  overloaded_first_sum += o.n_overloaded_first;
  tripped_sum += o.n_tripped;
  steps_sum += o.cascade_steps;
  cap_hits += o.cap_hit;
  redispatch_sum += to_fixed(o.redispatch_mw);
  if (!std::isnan(o.max_loading_first)) {
    const std::int64_t l = to_fixed(o.max_loading_first);
    ++loading_n;
    loading_sum += l;
    loading_max = std::max(loading_max, l);
  }
  const double total = shape.total_demand_mw;
  for (std::size_t j = 0; j < kExceedanceLevels.size(); ++j) exceed_count[j] += o.shed_mw > kExceedanceLevels[j] * total;
  const int h = std::clamp(static_cast<int>(o.shed_fraction * kHistogramBins), 0, kHistogramBins - 1);
  ++histogram[h];

  const int b = fine_bin(q);
  ++bin_count[b];
  bin_sum[b] += q;
  bin_min[b] = std::min(bin_min[b], q);
  bin_max[b] = std::max(bin_max[b], q);

  for (int t : d.struck_targets) ++target_struck[t];
  for (int t : d.destroyed_targets) {
    ++target_destroyed[t];
    target_shed_sum[t] += q;
    target_shed_sumsq[t] += q2;
  }

  // Unserved fractions: destroyed buses lose everything; buses of islands that
  // shed lose 1 - served ratio. Buses without positive demand are not tallied.
  const auto full = static_cast<std::int64_t>(kFractionScale);
  const std::vector<double>& dpos = *d.bus_demand_pos;
  for (int i : d.destroyed_buses)
    if (dpos[i] > 0.0) bus_unserved_sum[i] += full;
  const GridState& s = *d.state;
  for (int k = 0; k < s.n_islands; ++k) {
    if (s.any_redispatched && s.island_redispatched[k]) {
      // The LP chose where to shed: each bus's own fraction.
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        if (dpos[i] > 0.0 && s.bus_served_ratio[i] < 1.0)
          bus_unserved_sum[i] += static_cast<std::int64_t>(std::llround((1.0 - s.bus_served_ratio[i]) * kFractionScale));
      }
      continue;
    }
    if (s.island_served_ratio[k] >= 1.0) continue;
    const auto u = static_cast<std::int64_t>(std::llround((1.0 - s.island_served_ratio[k]) * kFractionScale));
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      if (dpos[i] > 0.0) bus_unserved_sum[i] += u;
    }
  }
  for (int e : d.overloaded_first) ++branch_overloaded[e];
  for (int e : s.removed_branches)
    if (s.branch_tripped[e]) ++branch_tripped[e];

  const int cb = std::bit_width(index);
  ++conv_n[cb];
  conv_sum[cb] += q;
  conv_sumsq[cb] += q2;
}

void Tally::merge(const Tally& o) {
  if (o.shape.n_targets != shape.n_targets || o.shape.n_buses != shape.n_buses ||
      o.shape.n_branches != shape.n_branches || o.shape.total_demand_mw != shape.total_demand_mw)
    throw std::invalid_argument("cannot merge tallies of different studies");
  for_each_field_pair(*this, o, [](const TallyField& f, auto& mine, const auto& theirs) {
    if constexpr (Sequence<std::remove_cvref_t<decltype(mine)>>) {
      for (std::size_t i = 0; i < mine.size(); ++i) mine[i] = combine_one(f.combine, mine[i], theirs[i]);
    } else {
      mine = combine_one(f.combine, mine, theirs);
    }
  });
}

}  // namespace sre
