#include "stats/tally.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace sre {

int Tally::fine_bin_count() {
  static const int n = 2 + static_cast<int>(std::ceil(std::log(1.0 / kBinFloor) / std::log1p(kBinRatio)));
  return n;
}

void Tally::reset(const TallyShape& s) {
  *this = Tally{};
  shape = s;
  histogram.assign(kHistogramBins, 0);
  const int nb = fine_bin_count();
  bin_count.assign(nb, 0);
  bin_min.assign(nb, INT64_MAX);
  bin_max.assign(nb, INT64_MIN);
  bin_sum.assign(nb, 0);
  target_struck.assign(s.n_targets, 0);
  target_destroyed.assign(s.n_targets, 0);
  target_shed_sum.assign(s.n_targets, 0);
  target_shed_sumsq.assign(s.n_targets, 0);
  bus_unserved_sum.assign(s.n_buses, 0);
  branch_overloaded.assign(s.n_branches, 0);
  branch_tripped.assign(s.n_branches, 0);
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

namespace {
template <class T>
void add_into(std::vector<T>& a, const std::vector<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
}
}  // namespace

void Tally::merge(const Tally& o) {
  if (o.shape.n_targets != shape.n_targets || o.shape.n_buses != shape.n_buses ||
      o.shape.n_branches != shape.n_branches || o.shape.total_demand_mw != shape.total_demand_mw)
    throw std::invalid_argument("cannot merge tallies of different studies");
  n += o.n;
  shed_sum += o.shed_sum;
  shed_sumsq += o.shed_sumsq;
  shed_min = std::min(shed_min, o.shed_min);
  shed_max = std::max(shed_max, o.shed_max);
  islands_sum += o.islands_sum;
  dead_islands_sum += o.dead_islands_sum;
  struck_sum += o.struck_sum;
  destroyed_sum += o.destroyed_sum;
  intercepted_sum += o.intercepted_sum;
  overloaded_first_sum += o.overloaded_first_sum;
  tripped_sum += o.tripped_sum;
  steps_sum += o.steps_sum;
  cap_hits += o.cap_hits;
  loading_n += o.loading_n;
  loading_sum += o.loading_sum;
  loading_max = std::max(loading_max, o.loading_max);
  redispatch_sum += o.redispatch_sum;
  for (std::size_t j = 0; j < exceed_count.size(); ++j) exceed_count[j] += o.exceed_count[j];
  add_into(histogram, o.histogram);
  add_into(bin_count, o.bin_count);
  add_into(bin_sum, o.bin_sum);
  for (std::size_t b = 0; b < bin_min.size(); ++b) {
    bin_min[b] = std::min(bin_min[b], o.bin_min[b]);
    bin_max[b] = std::max(bin_max[b], o.bin_max[b]);
  }
  add_into(target_struck, o.target_struck);
  add_into(target_destroyed, o.target_destroyed);
  add_into(target_shed_sum, o.target_shed_sum);
  add_into(target_shed_sumsq, o.target_shed_sumsq);
  add_into(bus_unserved_sum, o.bus_unserved_sum);
  add_into(branch_overloaded, o.branch_overloaded);
  add_into(branch_tripped, o.branch_tripped);
  for (std::size_t b = 0; b < conv_n.size(); ++b) {
    conv_n[b] += o.conv_n[b];
    conv_sum[b] += o.conv_sum[b];
    conv_sumsq[b] += o.conv_sumsq[b];
  }
}

}  // namespace sre
