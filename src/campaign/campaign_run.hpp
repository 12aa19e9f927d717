#pragma once
// The batch loop of a campaign study: campaigns [begin, end) on `threads` threads, in
// chunks of whole 256-campaign blocks (aligned in the global index space, as sre run's
// samples are, so shards and resumes split on the same boundaries). Each thread keeps one
// CampaignWorker and one tally; `stop` is checked between chunks, and `on_chunk` runs on
// the calling thread after each with the campaigns done so far.
#include <atomic>
#include <cstdint>
#include <functional>

#include "campaign/campaign_tally.hpp"
#include "campaign/campaign_worker.hpp"

namespace sre {

struct CampaignRunOutput {
  CampaignTally tally;   // rows in campaign order
  double seconds = 0.0;
  std::uint64_t end = 0;  // campaigns [begin, end) were evaluated
};

CampaignShape campaign_shape(const CampaignStudy& cs);

// on_chunk(end, seconds, tally): campaigns [begin, end) are done; tally() combines the
// threads' tallies (called only when a checkpoint is due: it copies them all).
using CampaignChunkHook =
    std::function<void(std::uint64_t end, double seconds, const std::function<CampaignTally()>& tally)>;

CampaignRunOutput run_campaigns(const CampaignStudy& cs, std::uint64_t begin, std::uint64_t end, int threads,
                                RunProgress* progress, const std::atomic<bool>* stop,
                                const CampaignChunkHook& on_chunk = {});

}  // namespace sre
