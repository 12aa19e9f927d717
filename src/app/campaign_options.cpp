#include "app/campaign_options.hpp"

#include "app/option_values.hpp"

namespace sre::cli {

void add_campaign_options(po::options_description& desc, CampaignOptions& o) {
  desc.add_options()
      ("days", whole(&o.days, "days", 1, 3660), "length of the campaign in days (hours H = 24 days)")
      ("demand-profile", po::value(&o.demand_profile)->default_value(o.demand_profile),
       "demand factor by hour: flat (1), winter (built-in weekday shape, the case's demand is the evening\n"
       "peak), or FILE.csv with a column `factor` of H, 24 (daily) or 168 (weekly) rows")
      ("waves", po::value(&o.waves)->default_value(o.waves),
       "strike waves: every:D (every D days from hour 0), poisson:D (first at hour 0, then gaps\n"
       "exponential with mean D days), or FILE.csv with columns hour,target (replays real waves: the targets\n"
       "listed with one hour form that wave, struck without sampling; names as in results files)")
      ("repair-days", po::value(&o.repair_days)->default_value(o.repair_days),
       "repair time of a destroyed target, MEDIAN_DAYS[:SIGMA]: R = max(1, ceil(24 m exp(sigma Z))) hours,\n"
       "Z standard normal (sigma 0: deterministic)")
      ("repair", po::value(&o.repair),
       "FILE.csv with columns target,median_days,sigma: per-target repair times (others: --repair-days),\n"
       "e.g. 300 days for an autotransformer without a spare")
      ("crews", whole(&o.crews, "crews", 0, 1000000),
       "repairs that progress at once (0: unlimited); waiting targets start in order of destruction")
      ("transient-hours", whole(&o.transient_hours, "transient-hours", 0, 1000000),
       "hours from a wave in which the grid is in the state --response gives (protection trips stand)")
      ("steady-response", po::value(&o.steady_response)->default_value(o.steady_response),
       "response in the other hours, once trips are reclosed and the operator has re-dispatched:\n"
       "topology (islands and balancing; evaluated in closed form), opf (least shed by re-dispatch), or any\n"
       "--response")
      ("heat-deadline-hours", real(&o.heat_deadline_hours, "heat-deadline-hours", 0.0, 1e6),
       "district heating must be drained when a bus has been dark longer than this")
      ("rotation-cycle-hours", real(&o.rotation_cycle_hours, "rotation-cycle-hours", 0.0, 1e6),
       "rotating outages: a bus served at fraction f leaves its consumers dark (1 - f) x this at a stretch")
      ("split-share", real(&o.split_share, "split-share", 0.0, 1.0),
       "an hour is split when two islands each hold at least this share of the system's demand");
}

}  // namespace sre::cli
