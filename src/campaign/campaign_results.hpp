#pragma once
// The HDF5 file of a campaign study (format sre-campaign; docs/results-format.md,
// "Campaign results"): the study sections a run file has (root metadata, /config,
// /network, /dispatch, /runtime, /targets' identity), then /campaign with the statistics
// and the raw tally (/campaign/tally) that shards merge and checkpoints resume from.
// Written atomically (temporary name, then rename).
#include <string>

#include "campaign/campaign_config.hpp"
#include "campaign/campaign_tally.hpp"
#include "model/network.hpp"
#include "model/targets.hpp"
#include "results/results_file.hpp"

namespace sre {

inline constexpr const char* kCampaignFormat = "sre-campaign";
inline constexpr int kCampaignFormatVersion = 1;

struct CampaignFileContent {
  const RunMetadata& meta;
  std::string assumptions;
  const Network& net;
  const TargetSet& targets;
  const std::vector<double>& limit_mw;
  const CampaignConfig& config;
  const CampaignTally& tally;  // rows in campaign order (sort_by_index)
  const CampaignSummary& summary;
  bool save_samples = false;
};

void write_campaign_file(const std::string& path, const CampaignFileContent& content);

struct StoredCampaign {
  RunMetadata meta;
  CampaignTally tally;
};
// Throws InputError when the file is not a campaign file or cannot be read.
StoredCampaign read_campaign_file(const std::string& path);
// Whether an HDF5 file's format attribute says sre-campaign (false when unreadable).
bool is_campaign_file(const std::string& path);

}  // namespace sre
