#include "study/sample_lanes.hpp"

#include <cstdlib>

#include "kernels/base_factor.hpp"

namespace sre {

int SampleLanes::default_count() {
  static const int lanes = [] {
    const char* v = std::getenv("SRE_BATCH_LANES");
    const int n = v ? std::atoi(v) : 0;
    return n >= 1 && n <= kMaxLanes ? n : 4;
  }();
  return lanes;
}

SampleLanes::SampleLanes(const Study& study, int count) : factor_(study.base_factor()) {
  for (int w = 0; w < count; ++w) lanes_.push_back(std::make_unique<SampleWorker>(study));
}

void SampleLanes::begin_group(std::uint64_t first, int m, bool* backward_done) {
  double* pending[kMaxLanes];
  int lane_of[kMaxLanes], n_pending = 0;
  for (int w = 0; w < m; ++w) {
    backward_done[w] = false;
    if (double* x = lanes_[w]->begin(first + w)) pending[n_pending] = x, lane_of[n_pending++] = w;
  }
  // One vector gains nothing from the batched pass: its lane runs its own.
  if (!factor_ || n_pending < 2) return;
  factor_->backward_multi(pending, n_pending);
  for (int q = 0; q < n_pending; ++q) backward_done[lane_of[q]] = true;
}

}  // namespace sre
