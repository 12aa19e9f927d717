#pragma once
// Worst-case strike search (sre worst): sets of K targets with the largest shed.
//
// When C(n, K) <= exhaustive_limit every K-subset is evaluated (the answer is
// then exact: it equals the maximum of `sre run --strike exhaustive --k K`).
// Otherwise: greedy construction (add the target that raises the shed most)
// followed by best-improvement local search (swap one member for one
// non-member) from `restarts` starts: start 0 is pure greedy, the others begin
// from a random target (seeded) and continue greedily. Stops at the time limit.
#include <atomic>
#include <cstdint>
#include <vector>

#include "study/study.hpp"

namespace sre {

struct WorstCaseOptions {
  int k = 3;
  int restarts = 8;
  double time_limit_s = 60.0;
  std::uint64_t seed = 1;
  int keep = 5;  // best distinct sets reported
  std::uint64_t exhaustive_limit = 200000;
  int threads = 0;  // 0: all cores
  std::atomic<std::uint64_t>* evaluations = nullptr;  // counted as they finish, for a progress display
};

struct WorstSet {
  std::vector<int> targets;  // ascending
  double shed_mw = 0.0;
};

struct WorstCaseResult {
  std::vector<WorstSet> best;  // best first
  std::uint64_t evaluations = 0;
  bool exhaustive = false;
  bool time_limit_hit = false;
  double seconds = 0.0;
};

// `study` gives the network, targets and response (its strike options are not used).
WorstCaseResult find_worst_strikes(const Study& study, const WorstCaseOptions& options);

}  // namespace sre
