#pragma once
// Human-facing output of a study: live progress on a terminal, and the summary
// table printed at the end.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <thread>

#include "study/study.hpp"
#include "stats/summary.hpp"

namespace sre {

// Prints samples done, rate, time left and the running mean shed to stderr
// about twice a second, from its own thread, until stopped.
class ProgressReporter {
 public:
  ProgressReporter(const RunProgress& progress, std::uint64_t total, double total_demand_mw, bool enabled);
  // Campaigns: `unit` counted, and the running mean of progress.shed_sum_q (fixed point,
  // Tally::kShedScale) shown as "mean <value_label>".
  ProgressReporter(const RunProgress& progress, std::uint64_t total, bool enabled, const char* unit,
                   const char* value_label);
  ~ProgressReporter();
  void stop();

 private:
  void loop();
  const RunProgress& progress_;
  std::uint64_t total_;
  double total_demand_;
  const char* unit_ = "samples";
  const char* value_label_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Who evaluated the samples of a summary: MPI ranks and threads per rank, and how many of
// the samples were evaluated by this run (the rest came from a checkpoint it resumed).
struct RunShape {
  int ranks = 1, threads = 1;
  std::uint64_t evaluated = 0;
};
void print_summary_table(std::FILE* out, const Study& study, const Summary& s, double seconds, const RunShape& shape);

// Peak resident memory of this process, MB.
double peak_rss_mb();

}  // namespace sre
