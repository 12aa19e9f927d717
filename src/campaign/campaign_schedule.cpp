#include "campaign/campaign_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sampling/sample_rng.hpp"

namespace sre {

void CampaignSchedule::clear() {
  wave_hour.clear();
  struck_offset.assign(1, 0);
  struck.clear();
  destroyed_offset.assign(1, 0);
  destroyed.clear();
  destructions.clear();
  epoch_hour.clear();
  epoch_offset.assign(1, 0);
  epoch_targets.clear();
}

ScheduleDrawer::ScheduleDrawer(const CampaignConfig& config, const WaveStrikeModel& strikes, int n_targets)
    : config_(config), strikes_(strikes), n_targets_(n_targets) {
  if (strikes_.model == StrikeModel::kExhaustive)
    throw std::invalid_argument("ScheduleDrawer: waves are sampled; exhaustive enumeration has no campaign form");
  destroyed_.assign(n_targets_, 0);
  eligible_.reserve(n_targets_);
  picks_.reserve(n_targets_);
}

int ScheduleDrawer::repair_hours(double median_days, double sigma, double z) {
  const double hours = std::ceil(24.0 * median_days * std::exp(sigma * z));
  // Far beyond any campaign: keeps the hour arithmetic in int whatever the draw.
  return static_cast<int>(std::clamp(hours, 1.0, 1e9));
}

void ScheduleDrawer::wave_hours(std::uint64_t seed, std::uint64_t index, std::vector<int>& hours) const {
  hours.clear();
  const int H = config_.hours;
  switch (config_.wave_kind) {
    case WaveKind::kReplay:
      for (const ReplayWave& w : config_.replay) hours.push_back(w.hour);
      return;
    case WaveKind::kEvery:
      for (long w = 0;; ++w) {
        const double h = std::floor(24.0 * config_.wave_days * static_cast<double>(w));
        if (h >= H) break;
        if (hours.empty() || hours.back() != static_cast<int>(h)) hours.push_back(static_cast<int>(h));
      }
      return;
    case WaveKind::kPoisson: {
      SampleRng rng(seed, index, RngStream::kWaveTime);
      double t = 0.0;  // hours; the first wave at hour 0
      while (t < H) {
        const int h = static_cast<int>(std::floor(t));
        if (hours.empty() || hours.back() != h) hours.push_back(h);
        t += -std::log1p(-rng.uniform()) * 24.0 * config_.wave_days;
      }
      return;
    }
  }
}

// The targets a sampled wave strikes among those not destroyed (model.md 4 on the
// eligible targets; fewer eligible than k: all of them), ascending, into `struck`.
void ScheduleDrawer::strike(SampleRng& rng, int wave, std::vector<int>& struck) {
  const std::size_t wave_begin = struck.size();  // this wave's targets follow the earlier waves'
  if (config_.wave_kind == WaveKind::kReplay) {
    for (int t : config_.replay[wave].targets)
      if (!destroyed_[t]) struck.push_back(t);
    return;
  }
  const auto draw_uniform = [&](int first, int count, int k) {
    eligible_.clear();
    for (int t = first; t < first + count; ++t)
      if (!destroyed_[t]) eligible_.push_back(t);
    const int m = static_cast<int>(eligible_.size());
    const int take = std::min(k, m);
    for (int j = 0; j < take; ++j) {  // partial Fisher-Yates
      const int r = j + static_cast<int>(rng.below(static_cast<std::uint64_t>(m - j)));
      std::swap(eligible_[j], eligible_[r]);
      struck.push_back(eligible_[j]);
    }
  };
  const auto draw_weighted = [&](int first, int count, int k) {
    const std::vector<double>& w = strikes_.weights;
    picks_.clear();
    for (int t = first; t < first + count; ++t)
      if (!destroyed_[t] && w[t] > 0.0) picks_.push_back(t);
    for (int j = 0; j < k && !picks_.empty(); ++j) {  // sequential draws without replacement
      double total = 0.0;
      for (int t : picks_) total += w[t];
      double u = rng.uniform() * total;
      std::size_t at = picks_.size() - 1;
      for (std::size_t p = 0; p < picks_.size(); ++p) {
        if (u < w[picks_[p]]) {
          at = p;
          break;
        }
        u -= w[picks_[p]];
      }
      struck.push_back(picks_[at]);
      picks_.erase(picks_.begin() + static_cast<long>(at));
    }
  };
  const auto draw = [&](int first, int count, int k) {
    if (strikes_.model == StrikeModel::kWeighted)
      draw_weighted(first, count, k);
    else
      draw_uniform(first, count, k);
  };
  if (strikes_.model == StrikeModel::kIndependent) {
    for (int t = 0; t < n_targets_; ++t) {
      const double p = strikes_.probabilities[t];
      if (p > 0.0 && rng.uniform() < p && !destroyed_[t]) struck.push_back(t);
    }
  } else if (strikes_.budgets.empty()) {
    draw(0, n_targets_, strikes_.k);
  } else {
    for (const StrikeBudget& b : strikes_.budgets) draw(b.first, b.count, b.k);
  }
  std::sort(struck.begin() + static_cast<long>(wave_begin), struck.end());
}

void ScheduleDrawer::draw(std::uint64_t seed, std::uint64_t index, CampaignSchedule& out) {
  out.clear();
  wave_hours(seed, index, hours_);
  SampleRng strike_rng(seed, index, RngStream::kWaveStrike);
  SampleRng intercept_rng(seed, index, RngStream::kWaveInterception);
  SampleRng repair_rng(seed, index, RngStream::kRepairTime);
  std::fill(destroyed_.begin(), destroyed_.end(), 0);
  const int H = config_.hours;
  const int crews = config_.crews;
  const std::vector<double>& q = strikes_.intercept;

  // Repairs: waiting in order of destruction (a queue over out.destructions), and active.
  std::size_t next_waiting = 0;
  active_.clear();  // destructions whose repair runs
  const auto start_waiting = [&](int h) {
    while (next_waiting < out.destructions.size() && (crews == 0 || static_cast<int>(active_.size()) < crews)) {
      CampaignSchedule::Destruction& d = out.destructions[next_waiting];
      d.start = h;
      d.end = h + d.repair_hours;  // R <= 1e9 and h < H: no overflow
      active_.push_back(static_cast<int>(next_waiting++));
    }
  };
  const auto record_epoch = [&](int h) {
    if (!out.epoch_hour.empty() && out.epoch_hour.back() == h) {  // replace this hour's set
      out.epoch_targets.resize(out.epoch_offset[out.epoch_offset.size() - 2]);
      out.epoch_offset.pop_back();
      out.epoch_hour.pop_back();
    }
    out.epoch_hour.push_back(h);
    for (int t = 0; t < n_targets_; ++t)
      if (destroyed_[t]) out.epoch_targets.push_back(t);
    out.epoch_offset.push_back(static_cast<int>(out.epoch_targets.size()));
  };
  record_epoch(0);

  std::size_t wave = 0;
  for (;;) {
    // The next event: a wave, or the earliest end among started repairs.
    int h = wave < hours_.size() ? hours_[wave] : H;
    for (int j : active_) h = std::min(h, out.destructions[j].end);
    if (h >= H) break;
    bool changed = false;
    // Repairs ending now: back in service from this hour, crews freed.
    std::size_t kept = 0;
    for (int j : active_) {
      const CampaignSchedule::Destruction& d = out.destructions[j];
      if (d.end == h) {
        destroyed_[d.target] = 0;
        changed = true;
      } else {
        active_[kept++] = j;
      }
    }
    active_.resize(kept);
    start_waiting(h);
    if (wave < hours_.size() && hours_[wave] == h) {
      out.wave_hour.push_back(h);
      const std::size_t first_struck = out.struck.size();
      strike(strike_rng, static_cast<int>(wave), out.struck);
      out.struck_offset.push_back(static_cast<int>(out.struck.size()));
      for (std::size_t j = first_struck; j < out.struck.size(); ++j) {
        const int t = out.struck[j];
        // One interception draw per struck target, defended or not: the stream stays
        // aligned across defence plans (common random numbers for sre defend --campaign).
        const double u = intercept_rng.uniform();
        if (q[t] > 0.0 && u < q[t]) continue;
        destroyed_[t] = 1;
        out.destroyed.push_back(t);
        const double sigma = config_.repair_sigma[t];
        const double z = repair_rng.normal();
        out.destructions.push_back({t, h, repair_hours(config_.repair_median_days[t], sigma, z), -1, -1});
        changed = true;
      }
      out.destroyed_offset.push_back(static_cast<int>(out.destroyed.size()));
      start_waiting(h);
      ++wave;
    }
    if (changed) record_epoch(h);
  }
}

}  // namespace sre
