#pragma once
// What one campaign yields (docs/campaign.md 5): THE one list of its figures, from which
// the record, the tally, the summary, the results file and --json are generated.
#include <array>
#include <cstdint>
#include <vector>

namespace sre {

// X(name): one figure per campaign (double; counts are whole numbers).
#define SRE_CAMPAIGN_FIGURES(X) \
  X(ens_mwh)                    \
  X(ens_fraction)               \
  X(peak_shed_mw)               \
  X(hours_shed)                 \
  X(hours_shed_10)              \
  X(drain_events)               \
  X(buses_drained)              \
  X(hours_split)                \
  X(targets_destroyed)          \
  X(restored_hour)

enum class CampaignFigure {
#define SRE_CAMPAIGN_FIGURE_ENUM(name) name,
  SRE_CAMPAIGN_FIGURES(SRE_CAMPAIGN_FIGURE_ENUM)
#undef SRE_CAMPAIGN_FIGURE_ENUM
};
inline constexpr int kCampaignFigures = 0
#define SRE_CAMPAIGN_FIGURE_COUNT(name) +1
    SRE_CAMPAIGN_FIGURES(SRE_CAMPAIGN_FIGURE_COUNT)
#undef SRE_CAMPAIGN_FIGURE_COUNT
    ;
inline constexpr std::array<const char*, kCampaignFigures> kCampaignFigureNames = {
#define SRE_CAMPAIGN_FIGURE_NAME(name) #name,
    SRE_CAMPAIGN_FIGURES(SRE_CAMPAIGN_FIGURE_NAME)
#undef SRE_CAMPAIGN_FIGURE_NAME
};

struct CampaignRecord {
  std::array<double, kCampaignFigures> figure{};
  double& operator[](CampaignFigure f) { return figure[static_cast<int>(f)]; }
  double operator[](CampaignFigure f) const { return figure[static_cast<int>(f)]; }
  // Per bus (every bus of the network; 0 for buses without positive demand).
  std::vector<double> bus_hours_without_power;
  std::vector<int> bus_drain_events;
  // Per hour: the served fraction of the system's demand, and whether a wave came.
  std::vector<double> hour_served_fraction;
  std::vector<std::uint8_t> hour_wave;
  // Per target: destructions and hours destroyed (within the campaign's H hours).
  std::vector<int> target_destroyed, target_hours_destroyed;
};

}  // namespace sre
