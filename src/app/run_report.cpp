#include "app/run_report.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace sre {

ProgressReporter::ProgressReporter(const RunProgress& progress, std::uint64_t total, double total_demand_mw,
                                   bool enabled)
    : progress_(progress), total_(total), total_demand_(total_demand_mw) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressReporter::ProgressReporter(const RunProgress& progress, std::uint64_t total, bool enabled, const char* unit,
                                   const char* value_label)
    : progress_(progress), total_(total), total_demand_(0.0), unit_(unit), value_label_(value_label) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressReporter::~ProgressReporter() { stop(); }

void ProgressReporter::stop() {
  stop_ = true;
  if (thread_.joinable()) {
    thread_.join();
    std::fprintf(stderr, "\n");
  }
}

void ProgressReporter::loop() {
  const auto t0 = std::chrono::steady_clock::now();
  while (!stop_) {
    for (int i = 0; i < 5 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::uint64_t done = progress_.done.load(std::memory_order_relaxed);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
    const double left = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0.0;
    const double mean = done ? Tally::from_fixed(progress_.shed_sum_q.load(std::memory_order_relaxed)) / static_cast<double>(done) : 0.0;
    const double pct = total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0;
    if (value_label_)
      std::fprintf(stderr, "\r%12llu / %llu %s (%5.1f%%)  %10.1f/s  %6.0f s left  mean %s %.1f   ",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), unit_, pct, rate,
                   left, value_label_, mean);
    else
      std::fprintf(stderr, "\r%12llu / %llu %s (%5.1f%%)  %10.0f/s  %6.0f s left  mean shed %.3f MW (%.4f%%)   ",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), unit_, pct, rate,
                   left, mean, total_demand_ > 0 ? 100.0 * mean / total_demand_ : 0.0);
    std::fflush(stderr);
  }
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void print_summary_table(std::FILE* out, const Study& study, const Summary& s, double seconds, const RunShape& shape) {
  const auto& o = study.options();
  const auto& mw = s.shed_mw;
  const double total = study.network().total_demand_pos;
  std::fprintf(out, "sre study: %s\n", o.case_path.c_str());
  const std::string k = o.k_classes.empty() ? std::to_string(o.k) : o.k_classes;
  std::fprintf(out, "  strike %s, k=%s, targets %s (%d), seed %llu\n", o.strike.c_str(), k.c_str(), o.targets.c_str(),
               study.targets().size(), static_cast<unsigned long long>(o.seed));
  std::fprintf(out, "  %s\n", study.assumptions().c_str());
  std::string who = std::to_string(shape.threads) + (shape.threads == 1 ? " thread" : " threads");
  if (shape.ranks > 1) who = std::to_string(shape.ranks) + " MPI ranks x " + who;
  const double rate = seconds > 0 ? static_cast<double>(shape.evaluated) / seconds : 0.0;
  if (shape.evaluated == s.samples) {
    std::fprintf(out, "  samples %llu in %.2f s on %s (%.0f samples/s)\n", static_cast<unsigned long long>(s.samples),
                 seconds, who.c_str(), rate);
  } else {
    std::fprintf(out, "  samples %llu in all: %llu evaluated by this run in %.2f s on %s (%.0f samples/s), %llu from the checkpoint\n",
                 static_cast<unsigned long long>(s.samples), static_cast<unsigned long long>(shape.evaluated), seconds,
                 who.c_str(), rate, static_cast<unsigned long long>(s.samples - shape.evaluated));
  }
  std::fprintf(out, "\n  load shed                      MW       %% of demand\n");
  auto row = [&](const char* name, double v) { std::fprintf(out, "  %-22s %14.3f  %10.4f\n", name, v, 100.0 * v / total); };
  row("mean", mw.mean);
  std::fprintf(out, "  %-22s [%.3f, %.3f]\n", "mean 95% CI", mw.ci95_low, mw.ci95_high);
  row("std", mw.std);
  for (std::size_t q = 0; q < mw.quantiles.size(); ++q) {
    char name[32];
    std::snprintf(name, sizeof name, "quantile %g%%", 100.0 * mw.quantile_levels[q]);
    row(name, mw.quantiles[q]);
  }
  row("CVaR 90%", mw.cvar90);
  row("CVaR 99%", mw.cvar99);
  row("max", mw.max);
  std::fprintf(out, "\n  P(shed > x%% of demand):");
  for (std::size_t j = 0; j < s.exceedance_levels.size(); ++j)
    std::fprintf(out, "  %g%%: %.4f", 100.0 * s.exceedance_levels[j], s.exceedance_probability[j]);
  std::fprintf(out, "\n  per sample: islands %.2f, dead islands %.2f, overloaded (first) %.2f, tripped %.2f, step cap hit %.4f\n",
               s.islands_mean, s.dead_islands_mean, s.overloaded_first_mean, s.tripped_mean, s.cap_hit_probability);

  std::vector<int> order(study.targets().size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](int t) { return std::isnan(s.criticality[t]) ? -INFINITY : s.criticality[t]; };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) > key(b); });
  std::fprintf(out, "\n  most critical targets (mean shed when destroyed minus when not, MW)\n");
  std::fprintf(out, "  %-16s %12s %24s %10s\n", "target", "criticality", "95% CI", "destroyed");
  for (std::size_t r = 0; r < std::min<std::size_t>(10, order.size()); ++r) {
    const int t = order[r];
    if (std::isnan(s.criticality[t])) break;
    std::fprintf(out, "  %-16s %12.3f   [%9.3f, %9.3f] %10lld\n", study.targets().name[t].c_str(), s.criticality[t],
                 s.criticality_ci95_low[t], s.criticality_ci95_high[t], static_cast<long long>(s.target_destroyed[t]));
  }
}

}  // namespace sre
