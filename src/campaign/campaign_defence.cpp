#include "campaign/campaign_defence.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>
#include <optional>

#include "campaign/campaign_worker.hpp"
#include "io/input_error.hpp"

namespace sre {

namespace {
constexpr double kZ95 = 1.959963984540054;

ObjectiveValue mean_ci(const std::vector<double>& v) {
  ObjectiveValue o;
  const double n = static_cast<double>(v.size());
  if (v.empty()) return o;
  long double s = 0;
  for (double x : v) s += x;
  const double m = static_cast<double>(s / v.size());
  long double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  const double sd = v.size() > 1 ? static_cast<double>(std::sqrt(ss / (v.size() - 1))) : 0.0;
  o.value = m;
  o.ci95_low = m - kZ95 * sd / std::sqrt(n);
  o.ci95_high = m + kZ95 * sd / std::sqrt(n);
  return o;
}

// Mean and 95 % half-width of a - b, pairwise.
std::pair<double, double> paired(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) d[j] = a[j] - b[j];
  const ObjectiveValue o = mean_ci(d);
  return {o.value, o.ci95_high - o.value};
}

// Evaluates campaigns `which` of seed `seed` under the interceptions of `cs`, on `threads`.
class Evaluator {
 public:
  Evaluator(const CampaignStudy& cs, CampaignObjective objective, int threads)
      : cs_(cs), objective_(objective), arena_(threads > 0 ? threads : tbb::this_task_arena::max_concurrency()) {}
  // value[j] and the targets struck (ascending, deduplicated) in campaign which[j].
  void run(const std::vector<std::uint64_t>& which, std::uint64_t seed, std::vector<double>& value,
           std::vector<std::vector<int>>* struck) {
    value.assign(which.size(), 0.0);
    if (struck) struck->assign(which.size(), {});
    arena_.execute([&] {
      tbb::parallel_for(std::size_t{0}, which.size(), [&](std::size_t j) {
        auto& w = workers_.local();
        if (!w) w = std::make_unique<CampaignWorker>(cs_);
        value[j] = campaign_objective_value(objective_, w->run(which[j], seed));
        if (struck) {
          std::vector<int> s = w->schedule().struck;
          std::sort(s.begin(), s.end());
          s.erase(std::unique(s.begin(), s.end()), s.end());
          (*struck)[j] = std::move(s);
        }
      });
    });
    evaluations += which.size();
  }
  std::uint64_t evaluations = 0;

 private:
  const CampaignStudy& cs_;
  CampaignObjective objective_;
  tbb::task_arena arena_;
  tbb::enumerable_thread_specific<std::unique_ptr<CampaignWorker>> workers_;
};

}  // namespace

CampaignObjective parse_campaign_objective(const std::string& name) {
  if (name == "ens") return CampaignObjective::kEns;
  if (name == "drains") return CampaignObjective::kDrains;
  if (name == "hours_without_power") return CampaignObjective::kHoursWithoutPower;
  throw InputError("--objective with --campaign must be ens (energy not served, MWh), drains (heating-drain events) "
                   "or hours_without_power (summed over buses); got '" + name + "'");
}

double campaign_objective_value(CampaignObjective objective, const CampaignRecord& r) {
  switch (objective) {
    case CampaignObjective::kEns: return r[CampaignFigure::ens_mwh];
    case CampaignObjective::kDrains: return r[CampaignFigure::drain_events];
    case CampaignObjective::kHoursWithoutPower:
      return std::accumulate(r.bus_hours_without_power.begin(), r.bus_hours_without_power.end(), 0.0);
  }
  return 0.0;
}

CampaignDefencePlan plan_campaign_defence(const Study& study, const CampaignConfig& config,
                                          const CampaignDefenceOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const TargetSet& ts = study.targets();
  const int nt = ts.size();
  if (o.budget > nt)
    throw InputError("--budget " + std::to_string(o.budget) + " is more than the " + std::to_string(nt) + " targets");
  CampaignStudy cs(study, config);
  std::vector<double> q(nt, 0.0);
  cs.set_intercept(q);
  Evaluator eval(cs, o.objective, o.threads);
  CampaignDefencePlan plan;
  plan.selection_campaigns = study.samples();
  plan.selection_seed = study.seed();
  const std::uint64_t N = study.samples();
  std::vector<std::uint64_t> all(N);
  std::iota(all.begin(), all.end(), 0);
  std::vector<double> value;
  std::vector<std::vector<int>> struck;
  eval.run(all, study.seed(), value, &struck);

  std::vector<std::uint8_t> chosen(nt, 0);
  for (int step = 0; step < o.budget; ++step) {
    // Campaigns in which each target is struck under the plan so far.
    std::vector<std::vector<std::uint64_t>> hit(nt);
    for (std::uint64_t j = 0; j < N; ++j)
      for (int t : struck[j]) hit[t].push_back(j);
    const ObjectiveValue before = mean_ci(value);
    int best = -1;
    double best_mean = 0.0;
    std::vector<double> best_value, trial;
    std::uint64_t reevaluated = 0;
    if (o.progress) {
      int n = 0;
      for (int t = 0; t < nt; ++t) n += !chosen[t] && !hit[t].empty();
      o.progress->candidates = n;
      o.progress->candidates_done = 0;
    }
    for (int t = 0; t < nt; ++t) {
      if (chosen[t] || hit[t].empty()) continue;
      if (o.progress) ++o.progress->candidates_done;
      q[t] = o.intercept;
      cs.set_intercept(q);
      eval.run(hit[t], study.seed(), trial, nullptr);
      q[t] = 0.0;
      reevaluated += hit[t].size();
      std::vector<double> v = value;
      for (std::size_t j = 0; j < hit[t].size(); ++j) v[hit[t][j]] = trial[j];
      const double m = mean_ci(v).value;
      if (best < 0 || m < best_mean) best = t, best_mean = m, best_value = std::move(v);
    }
    if (best < 0) {  // nothing is ever struck: any target does as well
      for (int t = 0; t < nt && best < 0; ++t)
        if (!chosen[t]) best = t;
      best_value = value;
    }
    chosen[best] = 1;
    q[best] = o.intercept;
    cs.set_intercept(q);
    // The chosen plan's struck sets, where they changed.
    std::vector<double> v2;
    std::vector<std::vector<int>> s2;
    eval.run(hit[best], study.seed(), v2, &s2);
    for (std::size_t j = 0; j < hit[best].size(); ++j) struck[hit[best][j]] = std::move(s2[j]);
    DefenceStep s;
    s.target = best;
    s.name = ts.name[best];
    s.before = before;
    s.after = mean_ci(best_value);
    s.gain = before.value - s.after.value;
    s.mean_gain_ci95_halfwidth = paired(value, best_value).second;
    s.reevaluated = reevaluated;
    value = std::move(best_value);
    plan.targets.push_back(best);
    plan.steps.push_back(s);
    if (o.on_step) o.on_step(s);
    if (o.progress) ++o.progress->step;
  }

  // Validation on fresh campaigns.
  plan.validation_seed = study.seed() + kValidationSeedOffset;
  plan.validation_campaigns = N;
  const std::vector<double> degree =
      target_weights(study.network(), ts, WeightKind::kDegree, study.base().state.flow_mw);
  const std::vector<double> demand =
      target_weights(study.network(), ts, WeightKind::kDemand, study.base().state.flow_mw);
  const int b = static_cast<int>(plan.targets.size());
  const std::vector<std::pair<std::string, std::vector<int>>> plans = {
      {"none", {}}, {"greedy", plan.targets}, {"degree", top_targets(degree, b)}, {"demand", top_targets(demand, b)}};
  std::vector<std::vector<double>> values(plans.size());
  for (std::size_t p = 0; p < plans.size(); ++p) {
    std::fill(q.begin(), q.end(), 0.0);
    for (int t : plans[p].second) q[t] = o.intercept;
    cs.set_intercept(q);
    eval.run(all, plan.validation_seed, values[p], nullptr);
  }
  for (std::size_t p = 0; p < plans.size(); ++p) {
    PlanScore s;
    s.plan = plans[p].first;
    s.targets = plans[p].second;
    s.value = mean_ci(values[p]);
    s.mean_shed_mw = s.value.value;
    std::tie(s.mean_diff_vs_greedy, s.mean_diff_ci95_halfwidth) = paired(values[p], values[1]);
    plan.validation.push_back(std::move(s));
  }
  plan.evaluations = eval.evaluations;
  plan.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return plan;
}

}  // namespace sre
