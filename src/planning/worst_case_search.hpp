#pragma once
// Worst-case strike search (sre worst): sets of K targets with the largest shed.
//
// When C(n, K) <= exhaustive_limit every K-subset is evaluated (the answer is
// then exact: it equals the maximum of `sre run --strike exhaustive --k K`).
// Otherwise: greedy construction (add the target that raises the shed most)
// followed by best-improvement local search (swap one member for one
// non-member) from `restarts` starts: start 0 is pure greedy, the others begin
// from a random target (seeded) and continue greedily. Stops at the time limit.
// With the study's per-class budgets (--k bus:2,branch:1) a set holds each class's k
// targets: the enumeration is that of the exhaustive study (the product of the classes'
// combinations), and the heuristic adds only to a class with room and swaps within a class.
//
// Against a defence (the study's --defence plan, Study::intercept()) a set's score is
// its expected shed over the interception outcomes of its members: a member with
// intercept 1 is never destroyed, one with 0 always is, and the 2^m outcomes of the m
// members with 0 < q < 1 are enumerated exactly (StrikeSetScorer). Without a defence
// the score is the set's shed.
#include <atomic>
#include <cstdint>
#include <span>
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
  std::vector<int> targets;  // ascending (the struck set, defended members included)
  double shed_mw = 0.0;      // expected shed over the interception outcomes (the shed without a defence)
};

// Members with 0 < intercept < 1 a strike set may hold: each set's score takes 2^m scenarios.
inline constexpr int kMaxPartlyDefendedMembers = 16;

// One thread's scorer of strike sets (not thread-safe: one per thread).
class StrikeSetScorer {
 public:
  explicit StrikeSetScorer(const Study& study);
  // The expected shed when every target of `set` (distinct target indices) is struck.
  double score(std::span<const int> set);
  // Scenarios evaluated so far: one per interception outcome (2^m for a set with m
  // members with 0 < intercept < 1, one without).
  std::uint64_t scenarios() const { return scenarios_; }

 private:
  SampleWorker worker_;
  const std::vector<double>& intercept_;
  std::vector<int> partly_, destroyed_;
  std::uint64_t scenarios_ = 0;
};

struct WorstCaseResult {
  std::vector<WorstSet> best;  // best first
  std::uint64_t evaluations = 0;  // strike sets scored
  std::uint64_t scenarios = 0;    // scenarios evaluated (more than the sets under a partial defence)
  bool exhaustive = false;
  bool time_limit_hit = false;
  double seconds = 0.0;
};

// `study` gives the network, targets, dispatch, response and defence (its strike model,
// weights, probabilities and samples are not used). Throws InputError when K is out of
// range or a set could hold more than kMaxPartlyDefendedMembers partly defended targets.
WorstCaseResult find_worst_strikes(const Study& study, const WorstCaseOptions& options);

}  // namespace sre
