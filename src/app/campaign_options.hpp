#pragma once
// The options of a winter campaign (docs/campaign.md), shared by `sre campaign` and
// `sre defend --campaign`; INI names are the long option names.
#include "app/cli.hpp"
#include "campaign/campaign_config.hpp"

namespace sre::cli {

void add_campaign_options(po::options_description& desc, CampaignOptions& o);

}  // namespace sre::cli
