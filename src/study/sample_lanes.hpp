#pragma once
// A worker thread's sample lanes: several SampleWorkers evaluating consecutive samples
// together, so that their first solves share one pass of the backward solve over the
// shared base factor (kernels::BaseFactor::backward_multi). Each sample's numbers are
// the same as when evaluated alone: the lanes' arithmetic is the scalar one.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "study/study.hpp"

namespace sre {

class SampleLanes {
 public:
  static constexpr int kMaxLanes = 8;
  // Lanes: SRE_BATCH_LANES (1 to kMaxLanes) for measurements, else 4, the measured best
  // on case2383wp_k and case9241pegase (docs/decisions/006-dc-sample-passes.md).
  static int default_count();

  explicit SampleLanes(const Study& study, int count = default_count());

  int size() const { return static_cast<int>(lanes_.size()); }

  // Evaluates samples [first, end) in groups of size() and calls
  // visit(index, outcome, worker) for each in index order; the outcome and the worker's
  // details stay readable during the call only.
  template <class Visit>
  void evaluate(std::uint64_t first, std::uint64_t end, Visit&& visit) {
    for (std::uint64_t i = first; i < end; i += lanes_.size()) {
      const int m = static_cast<int>(std::min<std::uint64_t>(lanes_.size(), end - i));
      bool backward_done[kMaxLanes];
      begin_group(i, m, backward_done);
      for (int w = 0; w < m; ++w) {
        SampleWorker& worker = *lanes_[w];
        visit(i + w, worker.finish(backward_done[w]), static_cast<const SampleWorker&>(worker));
      }
    }
  }

 private:
  // Draws samples first .. first + m - 1 and evaluates each up to its first solve's
  // backward solve, then runs those backward solves in one pass; backward_done[w] says
  // whether lane w's was run here.
  void begin_group(std::uint64_t first, int m, bool* backward_done);

  const kernels::BaseFactor* factor_;  // null: no shared factor (--solver reference)
  std::vector<std::unique_ptr<SampleWorker>> lanes_;
};

}  // namespace sre
