#include "campaign_reference.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <stdexcept>

#include "campaign/demand_levels.hpp"
#include "flow/base_case.hpp"
#include "flow/flow_solver.hpp"
#include "model/outages.hpp"
#include "response/scenario_evaluator.hpp"

namespace sre::test {

struct ReferenceCampaignPath::Level {
  double alpha = 1.0;
  std::unique_ptr<Network> net;
  std::unique_ptr<BaseCase> base;
  std::unique_ptr<ScenarioEvaluator> transient, steady;
};

CampaignEvents events_from_config(const CampaignConfig& config) {
  if (config.wave_kind != WaveKind::kReplay) throw std::invalid_argument("events_from_config: not a replay");
  CampaignEvents e;
  e.replay = true;
  for (const ReplayWave& w : config.replay) {
    e.wave_hour.push_back(w.hour);
    e.wave_targets.push_back(w.targets);
  }
  for (std::size_t t = 0; t < config.repair_median_days.size(); ++t) {
    if (config.repair_sigma[t] != 0.0) throw std::invalid_argument("events_from_config: sigma must be 0");
    e.repair_hours.push_back(std::max(1, static_cast<int>(std::ceil(24.0 * config.repair_median_days[t]))));
  }
  return e;
}

CampaignEvents events_from_schedule(const CampaignSchedule& s) {
  CampaignEvents e;
  e.replay = false;
  for (int w = 0; w < s.n_waves(); ++w) {
    e.wave_hour.push_back(s.wave_hour[w]);
    e.wave_targets.emplace_back(s.destroyed.begin() + s.destroyed_offset[w],
                                s.destroyed.begin() + s.destroyed_offset[w + 1]);
  }
  for (const auto& d : s.destructions) e.repair_hours.push_back(d.repair_hours);
  return e;
}

ReferenceCampaignPath::ReferenceCampaignPath(const Study& study, const CampaignConfig& config)
    : study_(study), config_(config) {}

ReferenceCampaignPath::~ReferenceCampaignPath() {
  for (Level* l : levels_) delete l;
}

ReferenceCampaignPath::Level& ReferenceCampaignPath::level(double alpha) {
  for (Level* l : levels_)
    if (l->alpha == alpha) return *l;
  auto* l = new Level;
  levels_.push_back(l);
  l->alpha = alpha;
  l->net = std::make_unique<Network>(scaled_network(study_.network(), alpha));
  l->base = std::make_unique<BaseCase>(scaled_base_case(*l->net, study_.base()));
  l->transient = std::make_unique<ScenarioEvaluator>(*l->base, study_.response(), make_reference_flow_solver(*l->net));
  l->steady = std::make_unique<ScenarioEvaluator>(*l->base, config_.steady, make_reference_flow_solver(*l->net));
  return *l;
}

ReferenceCampaign ReferenceCampaignPath::run(const CampaignEvents& ev) {
  const Network& net = study_.network();
  const TargetSet& targets = study_.targets();
  const int H = config_.hours, nt = targets.size(), nb = net.n_bus();
  ReferenceCampaign out;
  auto err = [&](const std::string& s) { out.errors.push_back(s); };

  // ---- (a) the schedule, hour by hour ----
  std::vector<int> wave_at(H, -1);
  for (std::size_t w = 0; w < ev.wave_hour.size(); ++w) {
    const int h = ev.wave_hour[w];
    if (h < 0 || h >= H) {
      err("wave hour " + std::to_string(h) + " outside [0, H)");
      continue;
    }
    if (wave_at[h] >= 0) err("two waves at hour " + std::to_string(h));
    wave_at[h] = static_cast<int>(w);
  }
  std::vector<char> destroyed(nt, 0);
  std::vector<int> progress;       // per destruction: hours of repair done
  std::deque<int> waiting;         // destructions waiting for a crew, in order
  std::vector<int> active;         // destructions under repair
  std::size_t next_sampled_r = 0;  // sampled: next destruction's R
  auto start_waiting = [&](int t) {
    while (!waiting.empty() && (config_.crews == 0 || static_cast<int>(active.size()) < config_.crews)) {
      const int d = waiting.front();
      waiting.pop_front();
      out.destructions[d].start = t;
      out.destructions[d].end = t + out.destructions[d].repair_hours;
      active.push_back(d);
    }
  };
  out.destroyed_at.resize(H);
  for (int t = 0; t < H; ++t) {
    // Repairs completed by the end of the hour before: back in service from t.
    std::vector<int> still;
    for (int d : active) {
      auto& x = out.destructions[d];
      if (progress[d] >= x.repair_hours) {
        if (t != x.end) err("repair end mismatch");
        destroyed[x.target] = 0;
      } else {
        still.push_back(d);
      }
    }
    active = still;
    start_waiting(t);
    if (wave_at[t] >= 0) {
      for (int target : ev.wave_targets[wave_at[t]]) {
        if (destroyed[target]) {
          if (!ev.replay) err("hour " + std::to_string(t) + ": target " + std::to_string(target) + " destroyed while destroyed");
          continue;
        }
        destroyed[target] = 1;
        int r = 0;
        if (ev.replay) {
          r = ev.repair_hours[target];
        } else if (next_sampled_r < ev.repair_hours.size()) {
          r = ev.repair_hours[next_sampled_r++];
        } else {
          err("more destructions than repair times");
          r = 1;
        }
        out.destructions.push_back({target, t, r, -1, -1});
        progress.push_back(0);
        waiting.push_back(static_cast<int>(out.destructions.size()) - 1);
      }
      start_waiting(t);
    }
    for (int k = 0; k < nt; ++k)
      if (destroyed[k]) out.destroyed_at[t].push_back(k);
    for (int d : active) ++progress[d];
  }
  if (!ev.replay && next_sampled_r != ev.repair_hours.size()) err("fewer destructions than repair times");

  // ---- (b) every hour's grid ----
  std::vector<double> d(nb, 0.0);  // intact positive demand
  double D = 0.0;
  for (int i = 0; i < nb; ++i)
    if (net.bus_in_service[i] && net.bus_demand_pos[i] > 0.0) {
      d[i] = net.bus_demand_pos[i];
      D += d[i];
    }
  CampaignRecord& r = out.record;
  r.bus_hours_without_power.assign(nb, 0.0);
  r.bus_drain_events.assign(nb, 0);
  r.hour_served_fraction.assign(H, 0.0);
  r.hour_wave.assign(H, 0);
  r.target_destroyed.assign(nt, 0);
  r.target_hours_destroyed.assign(nt, 0);
  out.served.assign(H, std::vector<double>(nb, 1.0));

  double ens = 0.0, demanded = 0.0, peak = 0.0;
  int hours_shed = 0, hours_shed_10 = 0, hours_split = 0;
  std::vector<int> zero_run(nb, 0);
  std::vector<char> was_cold(nb, 0);
  std::vector<int> buses, branches, gens;
  for (int t = 0; t < H; ++t) {
    const double alpha = config_.alpha[t];
    bool transient = false;
    for (int h : ev.wave_hour)
      if (h <= t && t < h + config_.transient_hours) transient = true;
    r.hour_wave[t] = wave_at[t] >= 0;
    buses.clear(), branches.clear(), gens.clear();
    for (int k : out.destroyed_at[t]) {
      ++r.target_hours_destroyed[k];
      for (int j = targets.offset[k]; j < targets.offset[k + 1]; ++j) buses.push_back(targets.buses[j]);
      for (int j = targets.branch_offset[k]; j < targets.branch_offset[k + 1]; ++j) branches.push_back(targets.branches[j]);
      for (int j = targets.gen_offset[k]; j < targets.gen_offset[k + 1]; ++j) gens.push_back(targets.gens[j]);
    }
    for (auto* v : {&buses, &branches, &gens}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    Level& lv = level(alpha);
    ScenarioEvaluator& ev_ = transient ? *lv.transient : *lv.steady;
    ev_.evaluate(Outages{buses, branches, gens});
    const GridState& s = ev_.state();
    std::vector<double>& f = out.served[t];
    double shed = 0.0, dem = 0.0;
    for (int i = 0; i < nb; ++i) {
      if (d[i] <= 0.0) continue;
      double fi = 0.0;
      if (s.bus_alive[i]) {
        const int k = s.island_of[i];
        if (s.island_kind[k] == IslandKind::kDead)
          fi = 0.0;
        else if (s.any_redispatched && s.island_redispatched[k])
          fi = s.bus_served_ratio[i];
        else
          fi = s.island_served_ratio[k];
      }
      if (fi < 1e-9) fi = 0.0;  // below 1e-9 counts as none (docs/model.md section 11)
      f[i] = fi;
      shed += (1.0 - fi) * alpha * d[i];
      dem += alpha * d[i];
      r.bus_hours_without_power[i] += 1.0 - fi;
      // District heating (campaign.md 5).
      zero_run[i] = fi == 0.0 ? zero_run[i] + 1 : 0;
      const bool cold = (fi == 0.0 && zero_run[i] > config_.heat_deadline_hours) ||
                        (fi > 0.0 && fi < 1.0 - 1e-9 && (1.0 - fi) * config_.rotation_cycle_hours > config_.heat_deadline_hours);
      if (cold && !was_cold[i]) ++r.bus_drain_events[i];
      was_cold[i] = cold;
    }
    ens += shed;
    demanded += dem;
    peak = std::max(peak, shed);
    if (shed > 1e-6) ++hours_shed;
    if (shed > 0.1 * dem) ++hours_shed_10;
    r.hour_served_fraction[t] = 1.0 - shed / dem;
    int big = 0;
    for (int k = 0; k < s.n_islands; ++k) {
      double hold = 0.0;
      for (int j = s.island_offset[k]; j < s.island_offset[k + 1]; ++j) hold += d[s.island_buses[j]];
      if (hold >= config_.split_share * D) ++big;
    }
    if (big >= 2) ++hours_split;
  }
  for (const auto& x : out.destructions) ++r.target_destroyed[x.target];
  int drain_events = 0, buses_drained = 0;
  for (int i = 0; i < nb; ++i) {
    drain_events += r.bus_drain_events[i];
    buses_drained += r.bus_drain_events[i] > 0;
  }
  int restored = 0;
  if (!ev.wave_hour.empty()) {
    restored = H;
    for (int t = ev.wave_hour.back(); t < H; ++t)
      if (out.destroyed_at[t].empty()) {
        restored = t;
        break;
      }
  }
  r[CampaignFigure::ens_mwh] = ens;
  r[CampaignFigure::ens_fraction] = demanded > 0.0 ? ens / demanded : 0.0;
  r[CampaignFigure::peak_shed_mw] = peak;
  r[CampaignFigure::hours_shed] = hours_shed;
  r[CampaignFigure::hours_shed_10] = hours_shed_10;
  r[CampaignFigure::drain_events] = drain_events;
  r[CampaignFigure::buses_drained] = buses_drained;
  r[CampaignFigure::hours_split] = hours_split;
  r[CampaignFigure::targets_destroyed] = static_cast<double>(out.destructions.size());
  r[CampaignFigure::restored_hour] = restored;
  return out;
}

}  // namespace sre::test
