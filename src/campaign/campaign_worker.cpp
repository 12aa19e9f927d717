#include "campaign/campaign_worker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/input_error.hpp"

namespace sre {

namespace {
// A served fraction at or above this is whole for the heating rule (campaign.md 5).
constexpr double kWhole = 1.0 - 1e-9;
// One below this is none: the re-dispatch LP's two forms (reduced, full) can leave 1e-15
// where the other has 0, and the heating rule's dark run must not hang on that
// (docs/model.md section 11).
constexpr double kDark = 1e-9;
double snap_dark(double f) { return f < kDark ? 0.0 : f; }
}  // namespace

CampaignStudy::CampaignStudy(const Study& study, CampaignConfig config)
    : study_(study), config_(std::move(config)), levels_(study, config_.alpha) {
  const StudyConfig& c = study.config();
  if (c.strike == StrikeModel::kExhaustive)
    throw InputError("--strike exhaustive enumerates single strikes; a campaign samples its waves: use --strike "
                     "uniform, weighted or independent (or replay waves with --waves FILE.csv)");
  strikes_.model = c.strike;
  strikes_.k = c.k;
  strikes_.budgets = c.budgets;
  strikes_.weights = study.weights();
  strikes_.probabilities = c.probabilities;
  strikes_.intercept = c.intercept;
}

std::string CampaignStudy::assumptions() const {
  const CampaignOptions& c = config_.given;
  const StudyOptions& o = study_.options();
  char buf[160];
  std::string r = study_.assumptions() + "; campaign: " + std::to_string(c.days) + " days, demand " +
                  c.demand_profile + ", waves " + c.waves + ", k " + (o.k_classes.empty() ? std::to_string(o.k) : o.k_classes) +
                  " per wave, repairs " + c.repair_days + (c.repair.empty() ? "" : " (per target: " + c.repair + ")") +
                  ", crews " + (c.crews == 0 ? std::string("unlimited") : std::to_string(c.crews)) + ", transient " +
                  std::to_string(c.transient_hours) + " h, steady response " + c.steady_response;
  std::snprintf(buf, sizeof buf, ", heating drained after %g h dark (rotation cycle %g h), split at %g of demand",
                c.heat_deadline_hours, c.rotation_cycle_hours, c.split_share);
  return r + buf;
}

CampaignWorker::CampaignWorker(const CampaignStudy& cs)
    : cs_(cs),
      net_(cs.study().network()),
      drawer_(cs.config(), cs.strikes(), cs.study().targets().size()),
      transient_eval_(cs.levels().n_levels()),
      steady_eval_(cs.levels().n_levels()) {
  const Study& st = cs.study();
  const int nb = net_.n_bus();
  closed_form_steady_ = cs.config().steady.kind == ResponseKind::kTopology;
  if (closed_form_steady_) {
    ResponseOptions topo = cs.config().steady;
    topology_eval_ = std::make_unique<ScenarioEvaluator>(st.base(), topo, st.make_flow_solver(), st.intact_topology());
  }
  buses_.resize(nb);
  branches_.resize(net_.n_branch());
  gens_.resize(net_.n_gen());
  slot_of_level_.assign(cs.levels().n_levels(), -1);
  zero_run_.assign(nb, 0);
  cold_.assign(nb, 0);
  compact_.assign(nb, -1);
  total_demand_ = net_.total_demand_pos;
  const int H = cs.config().hours;
  record_.bus_hours_without_power.assign(nb, 0.0);
  record_.bus_drain_events.assign(nb, 0);
  record_.hour_served_fraction.assign(H, 1.0);
  record_.hour_wave.assign(H, 0);
  record_.target_destroyed.assign(st.targets().size(), 0);
  record_.target_hours_destroyed.assign(st.targets().size(), 0);
}

const CampaignRecord& CampaignWorker::run(std::uint64_t index, std::uint64_t seed) {
  drawer_.draw(seed, index, schedule_);
  return evaluate(schedule_);
}

ScenarioEvaluator& CampaignWorker::evaluator(int l, bool transient) {
  std::unique_ptr<ScenarioEvaluator>& ev = transient ? transient_eval_[l] : steady_eval_[l];
  if (!ev) {
    const DemandLevel& lv = cs_.levels().level(l);
    ev = std::make_unique<ScenarioEvaluator>(*lv.base, transient ? cs_.study().response() : cs_.config().steady,
                                             cs_.levels().make_flow_solver(lv), lv.intact);
    ev->solve_limited_flows_only();
  }
  return *ev;
}

void CampaignWorker::outages_of_epoch(const CampaignSchedule& s, int epoch) {
  const TargetSet& ts = cs_.study().targets();
  n_buses_ = n_branches_ = n_gens_ = 0;
  for (int p = s.epoch_offset[epoch]; p < s.epoch_offset[epoch + 1]; ++p) {
    const int t = s.epoch_targets[p];
    for (int q = ts.offset[t]; q < ts.offset[t + 1]; ++q) buses_[n_buses_++] = ts.buses[q];
    for (int q = ts.branch_offset[t]; q < ts.branch_offset[t + 1]; ++q) branches_[n_branches_++] = ts.branches[q];
    for (int q = ts.gen_offset[t]; q < ts.gen_offset[t + 1]; ++q) gens_[n_gens_++] = ts.gens[q];
  }
}

Outages CampaignWorker::epoch_outages() const {
  return Outages{{buses_.data(), static_cast<std::size_t>(n_buses_)},
                 {branches_.data(), static_cast<std::size_t>(n_branches_)},
                 {gens_.data(), static_cast<std::size_t>(n_gens_)}};
}

// Segments: maximal runs of hours with one destroyed set (epoch) and one mode.
void CampaignWorker::make_segments(const CampaignSchedule& s) {
  const int H = cs_.config().hours, T = cs_.config().transient_hours;
  cut_.clear();
  cut_.push_back(0);
  for (int h : s.epoch_hour) cut_.push_back(h);
  for (int w : s.wave_hour) {
    cut_.push_back(w);
    if (w + T < H) cut_.push_back(w + T);
  }
  std::sort(cut_.begin(), cut_.end());
  cut_.erase(std::unique(cut_.begin(), cut_.end()), cut_.end());
  segments_.clear();
  int epoch = 0, wave = -1;
  for (std::size_t j = 0; j < cut_.size(); ++j) {
    const int a = cut_[j], b = j + 1 < cut_.size() ? cut_[j + 1] : H;
    while (epoch + 1 < s.n_epochs() && s.epoch_hour[epoch + 1] <= a) ++epoch;
    while (wave + 1 < s.n_waves() && s.wave_hour[wave + 1] <= a) ++wave;
    const bool transient = wave >= 0 && a < s.wave_hour[wave] + T;
    segments_.push_back({a, b, epoch, transient});
  }
}

const CampaignRecord& CampaignWorker::evaluate(const CampaignSchedule& s) {
  const int H = cs_.config().hours;
  CampaignRecord& r = record_;
  r.figure.fill(0.0);
  std::fill(r.bus_hours_without_power.begin(), r.bus_hours_without_power.end(), 0.0);
  std::fill(r.bus_drain_events.begin(), r.bus_drain_events.end(), 0);
  std::fill(r.hour_wave.begin(), r.hour_wave.end(), 0);
  std::fill(r.target_destroyed.begin(), r.target_destroyed.end(), 0);
  std::fill(r.target_hours_destroyed.begin(), r.target_hours_destroyed.end(), 0);
  for (int i : dirty_) zero_run_[i] = 0, cold_[i] = 0;
  dirty_.clear();

  make_segments(s);
  for (const Segment& seg : segments_) evaluate_segment(s, seg);

  for (int i = 0; i < net_.n_bus(); ++i) {
    r[CampaignFigure::drain_events] += r.bus_drain_events[i];
    r[CampaignFigure::buses_drained] += r.bus_drain_events[i] > 0;
  }
  double demanded = 0.0;
  for (int t = 0; t < H; ++t) demanded += cs_.config().alpha[t] * total_demand_;
  r[CampaignFigure::ens_fraction] = demanded > 0.0 ? r[CampaignFigure::ens_mwh] / demanded : 0.0;
  for (int w : s.wave_hour) r.hour_wave[w] = 1;
  for (const CampaignSchedule::Destruction& d : s.destructions) {
    ++r.target_destroyed[d.target];
    r.target_hours_destroyed[d.target] += (d.end < 0 || d.end > H ? H : d.end) - d.hour;
  }
  r[CampaignFigure::targets_destroyed] = static_cast<double>(s.destructions.size());
  // Restored: the first hour at or after the last wave with nothing destroyed.
  double restored = 0.0;
  if (s.n_waves() > 0) {
    const int last = s.wave_hour.back();
    restored = H;
    for (int j = 0; j < s.n_epochs(); ++j) {
      const int next = j + 1 < s.n_epochs() ? s.epoch_hour[j + 1] : H;
      if (next <= last || s.epoch_offset[j + 1] != s.epoch_offset[j]) continue;
      restored = std::max(s.epoch_hour[j], last);
      break;
    }
  }
  r[CampaignFigure::restored_hour] = restored;
  return r;
}

void CampaignWorker::evaluate_segment(const CampaignSchedule& s, const Segment& seg) {
  const DemandLevels& levels = cs_.levels();
  const std::vector<double>& alpha = cs_.config().alpha;
  seg_levels_.clear();
  for (int t = seg.begin; t < seg.end; ++t) {
    const int l = levels.level_of_hour(t);
    if (slot_of_level_[l] < 0) {
      slot_of_level_[l] = static_cast<int>(seg_levels_.size());
      seg_levels_.push_back(l);
    }
  }
  const int n_slots = static_cast<int>(seg_levels_.size());
  short_offset_.assign(1, 0);
  short_bus_.clear();
  short_f_.clear();
  unserved_d_.assign(n_slots, 0.0);
  split_.assign(n_slots, 0);
  outages_of_epoch(s, seg.epoch);
  if (!seg.transient && closed_form_steady_) {
    closed_form_slots();
  } else {
    for (int slot = 0; slot < n_slots; ++slot) evaluate_level(seg_levels_[slot], slot, seg.transient);
  }

  // The system's hours.
  CampaignRecord& r = record_;
  for (int t = seg.begin; t < seg.end; ++t) {
    const int slot = slot_of_level_[levels.level_of_hour(t)];
    const double shed = alpha[t] * unserved_d_[slot];
    const double demand = alpha[t] * total_demand_;
    r[CampaignFigure::ens_mwh] += shed;
    r[CampaignFigure::peak_shed_mw] = std::max(r[CampaignFigure::peak_shed_mw], shed);
    r[CampaignFigure::hours_shed] += shed > 1e-6;
    r[CampaignFigure::hours_shed_10] += shed > 0.1 * demand;
    r[CampaignFigure::hours_split] += split_[slot];
    r.hour_served_fraction[t] = demand > 0.0 ? 1.0 - shed / demand : 1.0;
  }
  bus_hours(seg);
  for (int l : seg_levels_) slot_of_level_[l] = -1;
}

// Buses short of demand in the evaluated state, as the tally reads them (model.md 7):
// destroyed buses 0; in an island the LP re-dispatched, each bus's own fraction; else the
// island's served ratio (0 when dead).
void CampaignWorker::evaluate_level(int level, int slot, bool transient) {
  ScenarioEvaluator& ev = evaluator(level, transient);
  ++evaluations_;
  ev.evaluate(epoch_outages());
  const GridState& st = ev.state();
  const std::vector<double>& d = net_.bus_demand_pos;  // alpha = 1
  double unserved = 0.0;
  const auto add = [&](int i, double f) { unserved += add_short(i, f); };
  for (int i : st.destroyed_buses)
    if (d[i] > 0.0) add(i, 0.0);
  const double split_mw = cs_.config().split_share * total_demand_;
  int big = 0;
  for (int k = 0; k < st.n_islands; ++k) {
    const bool own = st.any_redispatched && st.island_redispatched[k];
    const double ratio = st.island_served_ratio[k];
    double island_d = 0.0;
    for (int p = st.island_offset[k]; p < st.island_offset[k + 1]; ++p) {
      const int i = st.island_buses[p];
      if (!(d[i] > 0.0)) continue;
      island_d += d[i];
      const double f = own ? st.bus_served_ratio[i] : ratio;
      if (f < 1.0) add(i, snap_dark(f));
    }
    big += island_d >= split_mw;
  }
  unserved_d_[slot] = unserved;
  split_[slot] = big >= 2;
  short_offset_.push_back(static_cast<int>(short_bus_.size()));
}

double CampaignWorker::add_short(int bus, double f) {
  short_bus_.push_back(bus);
  short_f_.push_back(f);
  return (1.0 - f) * net_.bus_demand_pos[bus];
}

// Steady topology: islands do not depend on alpha; a live island serves min(1, C / (alpha D)).
void CampaignWorker::closed_form_slots() {
  ScenarioEvaluator& ev = *topology_eval_;
  ++evaluations_;
  ev.evaluate(epoch_outages());
  const GridState& st = ev.state();
  const std::vector<double>& d = net_.bus_demand_pos;
  const double split_mw = cs_.config().split_share * total_demand_;
  int big = 0;
  for (int k = 0; k < st.n_islands; ++k) {
    double island_d = 0.0;
    for (int p = st.island_offset[k]; p < st.island_offset[k + 1]; ++p) island_d += d[st.island_buses[p]];
    big += island_d >= split_mw;
  }
  const int n_slots = static_cast<int>(seg_levels_.size());
  for (int slot = 0; slot < n_slots; ++slot) {
    const double a = cs_.levels().alpha(seg_levels_[slot]);
    double unserved = 0.0;
    const auto add = [&](int i, double f) { unserved += add_short(i, f); };
    for (int i : st.destroyed_buses)
      if (d[i] > 0.0) add(i, 0.0);
    for (int k = 0; k < st.n_islands; ++k) {
      const double D = a * st.island_demand[k], C = st.island_supply_cap[k];
      double f = 1.0;
      if (st.island_kind[k] == IslandKind::kDead)
        f = 0.0;
      else if (D > C)
        f = snap_dark(C / D);
      if (f >= 1.0) continue;
      for (int p = st.island_offset[k]; p < st.island_offset[k + 1]; ++p) {
        const int i = st.island_buses[p];
        if (d[i] > 0.0) add(i, f);
      }
    }
    unserved_d_[slot] = unserved;
    split_[slot] = big >= 2;
    short_offset_.push_back(static_cast<int>(short_bus_.size()));
  }
}

// Per bus: hours without power and drain events over the segment's hours (campaign.md 5).
void CampaignWorker::bus_hours(const Segment& seg) {
  const int n_slots = static_cast<int>(seg_levels_.size());
  seg_buses_.clear();
  for (int i : short_bus_)
    if (compact_[i] < 0) {
      compact_[i] = static_cast<int>(seg_buses_.size());
      seg_buses_.push_back(i);
    }
  fmat_.assign(seg_buses_.size() * n_slots, 1.0);
  for (int slot = 0; slot < n_slots; ++slot)
    for (int p = short_offset_[slot]; p < short_offset_[slot + 1]; ++p)
      fmat_[static_cast<std::size_t>(compact_[short_bus_[p]]) * n_slots + slot] = short_f_[p];
  // Buses served in full through the segment: their zero run and cold spell end.
  for (int i : dirty_)
    if (compact_[i] < 0) zero_run_[i] = 0, cold_[i] = 0;
  next_dirty_.clear();

  const CampaignConfig& c = cs_.config();
  const double deadline = c.heat_deadline_hours, cycle = c.rotation_cycle_hours;
  // The first whole run length that exceeds the deadline.
  const double first_cold_run = std::floor(deadline) + 1.0;
  const int n = seg.end - seg.begin;
  CampaignRecord& r = record_;
  for (std::size_t u = 0; u < seg_buses_.size(); ++u) {
    const int i = seg_buses_[u];
    const double* f = fmat_.data() + u * n_slots;
    bool constant = true;
    for (int slot = 1; slot < n_slots; ++slot) constant &= f[slot] == f[0];
    if (constant) {
      const double v = f[0];
      if (v <= 0.0) {
        // Cold from the hour whose zero run first exceeds the deadline.
        const double j0 = std::max(0.0, first_cold_run - 1.0 - zero_run_[i]);
        if (j0 < n) {
          if (j0 > 0.0 || !cold_[i]) ++r.bus_drain_events[i];
          cold_[i] = 1;
        } else {
          cold_[i] = 0;
        }
        zero_run_[i] += n;
        r.bus_hours_without_power[i] += n;
      } else {
        zero_run_[i] = 0;
        const bool cold = v < kWhole && (1.0 - v) * cycle > deadline;
        if (cold && !cold_[i]) ++r.bus_drain_events[i];
        cold_[i] = cold;
        r.bus_hours_without_power[i] += n * (1.0 - v);
      }
    } else {
      const DemandLevels& levels = cs_.levels();
      for (int t = seg.begin; t < seg.end; ++t) {
        const double v = f[slot_of_level_[levels.level_of_hour(t)]];
        bool cold;
        if (v <= 0.0) {
          ++zero_run_[i];
          cold = zero_run_[i] > deadline;
        } else {
          zero_run_[i] = 0;
          cold = v < kWhole && (1.0 - v) * cycle > deadline;
        }
        if (cold && !cold_[i]) ++r.bus_drain_events[i];
        cold_[i] = cold;
        r.bus_hours_without_power[i] += 1.0 - v;
      }
    }
    if (zero_run_[i] > 0 || cold_[i]) next_dirty_.push_back(i);
  }
  for (int i : seg_buses_) compact_[i] = -1;
  dirty_.swap(next_dirty_);
}

}  // namespace sre
