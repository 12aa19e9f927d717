#include "campaign/campaign_run.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <optional>

#include "study/study.hpp"

namespace sre {

CampaignShape campaign_shape(const CampaignStudy& cs) {
  return CampaignShape{cs.study().network().n_bus(), cs.study().targets().size(), cs.config().hours};
}

namespace {
struct ThreadState {
  explicit ThreadState(const CampaignStudy& cs) : worker(cs) { tally.reset(campaign_shape(cs)); }
  CampaignWorker worker;
  CampaignTally tally;
};
}  // namespace

CampaignRunOutput run_campaigns(const CampaignStudy& cs, std::uint64_t begin, std::uint64_t end, int threads,
                                RunProgress* progress, const std::atomic<bool>* stop,
                                const CampaignChunkHook& on_chunk) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const int n_threads = threads > 0 ? threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(n_threads);
  tbb::enumerable_thread_specific<std::optional<ThreadState>> local;
  CampaignRunOutput out;
  out.tally.reset(campaign_shape(cs));
  const std::function<CampaignTally()> combine = [&] {
    CampaignTally t;
    t.reset(campaign_shape(cs));
    for (auto& s : local)
      if (s) t.merge(s->tally);
    t.sort_by_index();
    return t;
  };
  std::uint64_t at = begin;
  while (at < end) {
    if (stop && stop->load()) break;
    // A chunk: up to the end of the block after next, so chunks stay block-aligned.
    const std::uint64_t chunk_end = std::min(end, (at / kSampleBlock + 1) * kSampleBlock);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::uint64_t>(at, chunk_end, 1),
                        [&](const tbb::blocked_range<std::uint64_t>& r) {
                          std::optional<ThreadState>& s = local.local();
                          if (!s) s.emplace(cs);
                          for (std::uint64_t i = r.begin(); i != r.end(); ++i) {
                            s->tally.add(i, s->worker.run(i));
                            if (progress) {
                              progress->done.fetch_add(1, std::memory_order_relaxed);
                              progress->shed_sum_q.fetch_add(
                                  Tally::to_fixed(s->tally.figures[s->tally.figures.size() - kCampaignFigures]),
                                  std::memory_order_relaxed);
                            }
                          }
                        });
    });
    at = chunk_end;
    if (on_chunk && at < end) on_chunk(at, std::chrono::duration<double>(Clock::now() - t0).count(), combine);
  }
  out.tally = combine();
  out.end = at;
  out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return out;
}

}  // namespace sre
