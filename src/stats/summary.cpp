#include "stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sre {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ95 = 1.959963984540054;

// The value of rank r (1-based) in the sorted samples, from the fine bins: exact
// when the bin holds one distinct value or r is its first or last element,
// otherwise the bin's mean (within the bin's relative width of the truth).
double value_at_rank(const Tally& t, std::uint64_t r) {
  std::uint64_t below = 0;
  for (std::size_t b = 0; b < t.bin_count.size(); ++b) {
    const auto c = static_cast<std::uint64_t>(t.bin_count[b]);
    if (c == 0) continue;
    if (r <= below + c) {
      if (t.bin_min[b] == t.bin_max[b] || r == below + 1) return Tally::from_fixed(t.bin_min[b]);
      if (r == below + c) return Tally::from_fixed(t.bin_max[b]);
      const double mean = Tally::from_fixed(t.bin_sum[b]) / static_cast<double>(c);
      return std::clamp(mean, Tally::from_fixed(t.bin_min[b]), Tally::from_fixed(t.bin_max[b]));
    }
    below += c;
  }
  return Tally::from_fixed(t.shed_max);
}

// Lower quantile: the smallest x with F(x) >= p.
double quantile(const Tally& t, double p) {
  const auto r = static_cast<std::uint64_t>(std::max(1.0, std::ceil(p * static_cast<double>(t.n) - 1e-9)));
  return value_at_rank(t, std::min<std::uint64_t>(r, t.n));
}

// CVaR_alpha = VaR + E[(X - VaR)+] / (1 - alpha) (Rockafellar and Uryasev).
double cvar(const Tally& t, double alpha) {
  const double var = quantile(t, alpha);
  long double excess = 0.0L;
  for (std::size_t b = 0; b < t.bin_count.size(); ++b) {
    if (t.bin_count[b] == 0 || Tally::from_fixed(t.bin_max[b]) <= var) continue;
    const long double sum = static_cast<long double>(t.bin_sum[b]) / Tally::kShedScale;
    const long double part = sum - static_cast<long double>(t.bin_count[b]) * var;
    if (part > 0) excess += part;
  }
  return var + static_cast<double>(excess / ((1.0L - alpha) * static_cast<long double>(t.n)));
}

DistributionSummary distribution(const Tally& t, double scale) {
  DistributionSummary d;
  if (t.n == 0) return d;
  mean_and_std(t.n, t.shed_sum, t.shed_sumsq, d.mean, d.std);
  d.mean *= scale;
  d.std *= scale;
  d.stderr_ = d.std / std::sqrt(static_cast<double>(t.n));
  d.ci95_low = d.mean - kZ95 * d.stderr_;
  d.ci95_high = d.mean + kZ95 * d.stderr_;
  d.max = Tally::from_fixed(t.shed_max) * scale;
  d.quantile_levels = {0.5, 0.9, 0.95, 0.99, 0.999};
  for (double p : d.quantile_levels) d.quantiles.push_back(quantile(t, p) * scale);
  d.cvar90 = cvar(t, 0.90) * scale;
  d.cvar99 = cvar(t, 0.99) * scale;
  return d;
}

double ratio(std::int64_t a, std::uint64_t n) { return n ? static_cast<double>(a) / static_cast<double>(n) : kNaN; }

}  // namespace

void mean_and_std(std::uint64_t n, i128 sum, i128 sumsq, double& mean, double& std) {
  if (n == 0) {
    mean = std = kNaN;
    return;
  }
  const long double s = static_cast<long double>(sum) / Tally::kShedScale;
  const long double s2 = static_cast<long double>(sumsq) / (static_cast<long double>(Tally::kShedScale) * Tally::kShedScale);
  const long double m = s / n;
  mean = static_cast<double>(m);
  if (n < 2) {
    std = kNaN;
    return;
  }
  const long double var = (s2 - s * m) / (n - 1);
  std = var > 0 ? static_cast<double>(std::sqrt(var)) : 0.0;
}

Summary summarize(const Tally& t, const std::vector<double>& bus_demand_pos) {
  Summary s;
  const std::uint64_t n = t.n;
  s.samples = n;
  const double total = t.shape.total_demand_mw;
  s.shed_mw = distribution(t, 1.0);
  s.shed_fraction = distribution(t, total > 0 ? 1.0 / total : 0.0);
  for (std::size_t j = 0; j < Tally::kExceedanceLevels.size(); ++j) {
    s.exceedance_levels.push_back(Tally::kExceedanceLevels[j]);
    s.exceedance_probability.push_back(ratio(t.exceed_count[j], n));
  }
  for (int b = 0; b <= Tally::kHistogramBins; ++b) s.histogram_edges.push_back(static_cast<double>(b) / Tally::kHistogramBins);
  s.histogram_counts = t.histogram;

  s.islands_mean = ratio(t.islands_sum, n);
  s.dead_islands_mean = ratio(t.dead_islands_sum, n);
  s.struck_mean = ratio(t.struck_sum, n);
  s.destroyed_mean = ratio(t.destroyed_sum, n);
  s.intercepted_mean = ratio(t.intercepted_sum, n);
  s.overloaded_first_mean = ratio(t.overloaded_first_sum, n);
  s.tripped_mean = ratio(t.tripped_sum, n);
  s.cascade_steps_mean = ratio(t.steps_sum, n);
  s.cap_hit_probability = ratio(t.cap_hits, n);
  s.max_loading_first_mean = t.loading_n ? static_cast<double>(static_cast<long double>(t.loading_sum) / Tally::kShedScale / t.loading_n) : kNaN;
  s.max_loading_first_max = t.loading_n ? Tally::from_fixed(t.loading_max) : kNaN;
  s.redispatch_mean_mw = n ? static_cast<double>(static_cast<long double>(t.redispatch_sum) / Tally::kShedScale / n) : kNaN;

  const int nt = t.shape.n_targets;
  s.target_struck = t.target_struck;
  s.target_destroyed = t.target_destroyed;
  s.shed_mean_when_destroyed.assign(nt, kNaN);
  s.criticality.assign(nt, kNaN);
  s.criticality_ci95_low.assign(nt, kNaN);
  s.criticality_ci95_high.assign(nt, kNaN);
  for (int k = 0; k < nt; ++k) {
    const auto nd = static_cast<std::uint64_t>(t.target_destroyed[k]);
    const std::uint64_t nn = n - nd;
    double md, sd, mn, sn;
    mean_and_std(nd, t.target_shed_sum[k], t.target_shed_sumsq[k], md, sd);
    mean_and_std(nn, t.shed_sum - t.target_shed_sum[k], t.shed_sumsq - t.target_shed_sumsq[k], mn, sn);
    if (nd == 0) continue;
    s.shed_mean_when_destroyed[k] = md;
    if (nn == 0) continue;
    s.criticality[k] = md - mn;
    if (nd >= 2 && nn >= 2) {
      const double se = std::sqrt(sd * sd / static_cast<double>(nd) + sn * sn / static_cast<double>(nn));
      s.criticality_ci95_low[k] = s.criticality[k] - kZ95 * se;
      s.criticality_ci95_high[k] = s.criticality[k] + kZ95 * se;
    }
  }
  s.bus_served_fraction_mean.assign(t.shape.n_buses, kNaN);
  for (int i = 0; i < t.shape.n_buses; ++i)
    if (bus_demand_pos[i] > 0.0 && n > 0)
      s.bus_served_fraction_mean[i] =
          1.0 - static_cast<double>(static_cast<long double>(t.bus_unserved_sum[i]) / Tally::kFractionScale / n);
  s.branch_overload_probability.resize(t.shape.n_branches);
  s.branch_trip_probability.resize(t.shape.n_branches);
  for (int e = 0; e < t.shape.n_branches; ++e) {
    s.branch_overload_probability[e] = ratio(t.branch_overloaded[e], n);
    s.branch_trip_probability[e] = ratio(t.branch_tripped[e], n);
  }

  // Prefix [0, 2^b) is complete when every bucket up to b holds all its indices.
  std::uint64_t cum_n = 0;
  i128 cum_sum = 0, cum_sumsq = 0;
  for (int b = 0; b < static_cast<int>(t.conv_n.size()); ++b) {
    const std::uint64_t full = b == 0 ? 1 : (std::uint64_t{1} << (b - 1));
    cum_n += static_cast<std::uint64_t>(t.conv_n[b]);
    cum_sum += t.conv_sum[b];
    cum_sumsq += t.conv_sumsq[b];
    if (static_cast<std::uint64_t>(t.conv_n[b]) != full) break;
    double m, sd;
    mean_and_std(cum_n, cum_sum, cum_sumsq, m, sd);
    s.convergence_samples.push_back(cum_n);
    s.convergence_mean.push_back(m);
    s.convergence_ci95_halfwidth.push_back(cum_n >= 2 ? kZ95 * sd / std::sqrt(static_cast<double>(cum_n)) : kNaN);
  }
  if (s.convergence_samples.empty() || s.convergence_samples.back() != n) {
    // Append the whole run when its samples are exactly [0, n).
    if (cum_n == n && n > 0 && t.conv_n[0] == 1) {
      double m, sd;
      mean_and_std(n, t.shed_sum, t.shed_sumsq, m, sd);
      s.convergence_samples.push_back(n);
      s.convergence_mean.push_back(m);
      s.convergence_ci95_halfwidth.push_back(n >= 2 ? kZ95 * sd / std::sqrt(static_cast<double>(n)) : kNaN);
    }
  }
  return s;
}

}  // namespace sre
