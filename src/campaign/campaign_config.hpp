#pragma once
// A winter campaign's options (docs/campaign.md) in two forms, as a study's are
// (study/study_config.hpp): CampaignOptions holds the strings as the command line and the
// INI file give them (stored in results files as part of /config); CampaignConfig is what
// they resolve to, with every file read and checked once by resolve_campaign().
#include <cstdint>
#include <string>
#include <vector>

#include "model/targets.hpp"
#include "response/response.hpp"

namespace sre {

struct CampaignOptions {
  int days = 90;
  std::string demand_profile = "winter";  // flat | winter | FILE.csv (column factor)
  std::string waves = "poisson:8.5";      // every:D | poisson:D | FILE.csv (hour,target)
  std::string repair_days = "14:0.5";     // MEDIAN[:SIGMA], days
  std::string repair;                     // FILE.csv (target,median_days,sigma); wins over repair_days
  int crews = 0;                          // 0: unlimited
  int transient_hours = 4;
  std::string steady_response = "topology";
  double heat_deadline_hours = 2.0;
  double rotation_cycle_hours = 4.0;
  double split_share = 0.1;
};

enum class WaveKind { kEvery, kPoisson, kReplay };

// One replayed wave (--waves FILE.csv): its hour and the targets it destroys.
struct ReplayWave {
  int hour = 0;
  std::vector<int> targets;  // ascending, distinct
};

struct CampaignConfig {
  CampaignOptions given;
  int hours = 0;              // H = 24 days
  std::vector<double> alpha;  // demand factor per hour, H values, > 0
  WaveKind wave_kind = WaveKind::kPoisson;
  double wave_days = 8.5;     // every / poisson: D
  std::vector<ReplayWave> replay;  // kReplay: ascending hours, merged, all < H
  // Per target: repair time's median (days) and log-spread (campaign.md 3).
  std::vector<double> repair_median_days, repair_sigma;
  int crews = 0;  // 0: unlimited
  int transient_hours = 4;
  ResponseOptions steady;  // the study's response options with the steady kind
  double heat_deadline_hours = 2.0, rotation_cycle_hours = 4.0, split_share = 0.1;
};

// The built-in winter profile (campaign.md 1), by hour of day.
extern const double kWinterProfile[24];

// Checks every campaign option and reads its files; `transient` is the study's response
// (tolerance, rule and steps carry over to the steady response). Throws InputError naming
// the option, or the file and line.
CampaignConfig resolve_campaign(const CampaignOptions& options, const TargetSet& targets,
                                const ResponseOptions& transient);

// The options as INI lines (`name = value`), for /config and --config.
std::string campaign_to_ini(const CampaignOptions& o);

}  // namespace sre
