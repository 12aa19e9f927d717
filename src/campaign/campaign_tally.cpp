#include "campaign/campaign_tally.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace sre {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ95 = 1.959963984540054;

std::int64_t fixed(double v, double scale) { return static_cast<std::int64_t>(std::llround(v * scale)); }
}  // namespace

void CampaignTally::reset(const CampaignShape& s) {
  shape = s;
  n = 0;
  index.clear();
  figures.clear();
  bus_hours_q.assign(s.n_buses, 0);
  bus_drained.assign(s.n_buses, 0);
  bus_events.assign(s.n_buses, 0);
  hour_served_q.assign(s.hours, 0);
  hour_waves.assign(s.hours, 0);
  hour_histogram.assign(static_cast<std::size_t>(s.hours) * (kServedBins + 1), 0);
  target_destroyed.assign(s.n_targets, 0);
  target_hours.assign(s.n_targets, 0);
}

int CampaignTally::served_bin(double f) {
  if (f >= 1.0) return kServedBins;
  if (!(f > 0.0)) return 0;
  return std::min(kServedBins - 1, static_cast<int>(f * kServedBins));
}

void CampaignTally::add(std::uint64_t campaign, const CampaignRecord& r) {
  ++n;
  index.push_back(campaign);
  figures.insert(figures.end(), r.figure.begin(), r.figure.end());
  for (int i = 0; i < shape.n_buses; ++i) {
    if (r.bus_hours_without_power[i] != 0.0) bus_hours_q[i] += fixed(r.bus_hours_without_power[i], kHourScale);
    bus_events[i] += r.bus_drain_events[i];
    bus_drained[i] += r.bus_drain_events[i] > 0;
  }
  for (int t = 0; t < shape.hours; ++t) {
    const double f = r.hour_served_fraction[t];
    hour_served_q[t] += fixed(f, kFractionScale);
    hour_waves[t] += r.hour_wave[t];
    ++hour_histogram[static_cast<std::size_t>(t) * (kServedBins + 1) + served_bin(f)];
  }
  for (int k = 0; k < shape.n_targets; ++k) {
    target_destroyed[k] += r.target_destroyed[k];
    target_hours[k] += r.target_hours_destroyed[k];
  }
}

std::vector<std::int64_t> CampaignTally::sum_words() const {
  std::vector<std::int64_t> w;
  for (const auto* v : {&bus_hours_q, &bus_drained, &bus_events, &hour_served_q, &hour_waves, &hour_histogram,
                        &target_destroyed, &target_hours})
    w.insert(w.end(), v->begin(), v->end());
  return w;
}

void CampaignTally::set_sum_words(const std::vector<std::int64_t>& w) {
  std::size_t at = 0;
  for (auto* v : {&bus_hours_q, &bus_drained, &bus_events, &hour_served_q, &hour_waves, &hour_histogram,
                  &target_destroyed, &target_hours}) {
    if (at + v->size() > w.size()) throw std::invalid_argument("CampaignTally: word count does not match the shape");
    std::copy(w.begin() + static_cast<long>(at), w.begin() + static_cast<long>(at + v->size()), v->begin());
    at += v->size();
  }
  if (at != w.size()) throw std::invalid_argument("CampaignTally: word count does not match the shape");
}

void CampaignTally::merge(const CampaignTally& o) {
  if (!(o.shape == shape)) throw std::invalid_argument("CampaignTally::merge: shapes differ");
  n += o.n;
  index.insert(index.end(), o.index.begin(), o.index.end());
  figures.insert(figures.end(), o.figures.begin(), o.figures.end());
  std::vector<std::int64_t> a = sum_words();
  const std::vector<std::int64_t> b = o.sum_words();
  for (std::size_t j = 0; j < a.size(); ++j) a[j] += b[j];
  set_sum_words(a);
}

void CampaignTally::sort_by_index() {
  std::vector<std::size_t> order(index.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return index[a] < index[b]; });
  std::vector<std::uint64_t> idx(index.size());
  std::vector<double> fig(figures.size());
  for (std::size_t j = 0; j < order.size(); ++j) {
    idx[j] = index[order[j]];
    std::copy_n(figures.begin() + static_cast<long>(order[j] * kCampaignFigures), kCampaignFigures,
                fig.begin() + static_cast<long>(j * kCampaignFigures));
  }
  index.swap(idx);
  figures.swap(fig);
}

FigureSummary summarize_values(std::vector<double> v) {
  FigureSummary s{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  const std::size_t n = v.size();
  if (n == 0) return s;
  // Sorted by value, every sum runs in one order whatever order the campaigns came in.
  std::sort(v.begin(), v.end());
  long double sum = 0;
  for (double x : v) sum += x;
  const long double mean = sum / n;
  s.mean = static_cast<double>(mean);
  if (n >= 2) {
    long double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    s.std = static_cast<double>(std::sqrt(ss / (n - 1)));
    s.stderr_ = s.std / std::sqrt(static_cast<double>(n));
    s.ci95_low = s.mean - kZ95 * s.stderr_;
    s.ci95_high = s.mean + kZ95 * s.stderr_;
  }
  const auto quantile_at = [&](double p) {
    const double r = std::ceil(p * static_cast<double>(n) - 1e-9);
    return static_cast<std::size_t>(std::clamp(r, 1.0, static_cast<double>(n))) - 1;
  };
  s.q50 = v[quantile_at(0.50)];
  s.q90 = v[quantile_at(0.90)];
  s.q95 = v[quantile_at(0.95)];
  s.q99 = v[quantile_at(0.99)];
  const auto cvar = [&](double p) {
    const double q = v[quantile_at(p)];
    const auto first = std::lower_bound(v.begin(), v.end(), q);
    long double tail = 0;
    for (auto it = first; it != v.end(); ++it) tail += *it;
    return static_cast<double>(tail / static_cast<long double>(v.end() - first));
  };
  s.cvar90 = cvar(0.90);
  s.cvar99 = cvar(0.99);
  s.max = v.back();
  return s;
}

CampaignSummary summarize_campaigns(const CampaignTally& t, const std::vector<double>& bus_demand_pos) {
  CampaignSummary s;
  s.samples = t.n;
  const double n = static_cast<double>(t.n);
  for (int f = 0; f < kCampaignFigures; ++f) {
    std::vector<double> v(t.n);
    for (std::uint64_t j = 0; j < t.n; ++j) v[j] = t.figures[j * kCampaignFigures + f];
    s.figure[f] = summarize_values(std::move(v));
  }
  const int nb = t.shape.n_buses, H = t.shape.hours, nt = t.shape.n_targets;
  const auto mean = [&](std::int64_t sum, double scale) { return t.n ? static_cast<double>(sum) / scale / n : kNaN; };
  s.bus_hours_without_power_mean.assign(nb, kNaN);
  s.bus_drain_probability.assign(nb, kNaN);
  s.bus_drain_events_mean.assign(nb, kNaN);
  for (int i = 0; i < nb; ++i) {
    if (!(bus_demand_pos[i] > 0.0)) continue;
    s.bus_hours_without_power_mean[i] = mean(t.bus_hours_q[i], CampaignTally::kHourScale);
    s.bus_drain_probability[i] = mean(t.bus_drained[i], 1.0);
    s.bus_drain_events_mean[i] = mean(t.bus_events[i], 1.0);
  }
  s.hour_served_fraction_mean.resize(H);
  s.hour_served_q05.resize(H);
  s.hour_served_q50.resize(H);
  s.hour_served_q95.resize(H);
  s.hour_wave_probability.resize(H);
  constexpr int B = CampaignTally::kServedBins;
  for (int h = 0; h < H; ++h) {
    s.hour_served_fraction_mean[h] = mean(t.hour_served_q[h], CampaignTally::kFractionScale);
    s.hour_wave_probability[h] = mean(t.hour_waves[h], 1.0);
    const std::int64_t* hist = t.hour_histogram.data() + static_cast<std::size_t>(h) * (B + 1);
    // The upper edge of the first bin whose cumulative count reaches p (the exact bin: 1).
    const auto q = [&](double p) {
      if (t.n == 0) return kNaN;
      const double need = std::ceil(p * n - 1e-9);
      std::int64_t cum = 0;
      for (int b = 0; b <= B; ++b) {
        cum += hist[b];
        if (static_cast<double>(cum) >= std::max(need, 1.0)) return b == B ? 1.0 : static_cast<double>(b + 1) / B;
      }
      return 1.0;
    };
    s.hour_served_q05[h] = q(0.05);
    s.hour_served_q50[h] = q(0.50);
    s.hour_served_q95[h] = q(0.95);
  }
  s.target_destroyed_mean.resize(nt);
  s.target_hours_destroyed_mean.resize(nt);
  for (int k = 0; k < nt; ++k) {
    s.target_destroyed_mean[k] = mean(t.target_destroyed[k], 1.0);
    s.target_hours_destroyed_mean[k] = mean(t.target_hours[k], 1.0);
  }
  return s;
}

}  // namespace sre
