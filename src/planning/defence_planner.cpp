#include "planning/defence_planner.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "io/csv_table.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "sampling/sample_rng.hpp"
#include "stats/summary.hpp"

namespace sre {
namespace {

constexpr double kZ = 1.959963984540054;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(std::span<const double> x) {
  long double s = 0;
  for (double v : x) s += v;
  return x.empty() ? 0.0 : static_cast<double>(s / x.size());
}
double sd_of(std::span<const double> x, double m) {
  if (x.size() < 2) return 0.0;
  long double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(static_cast<double>(s / (x.size() - 1)));
}

// The attacker's base weights for --attacker weighted.
std::vector<double> attacker_weights(const Study& study) {
  if (study.config().strike == StrikeModel::kWeighted) return study.weights();
  return std::vector<double>(study.targets().size(), 1.0);
}

}  // namespace

Objective parse_objective(const std::string& spec) {
  Objective o;
  o.name = spec;
  if (spec == "mean") {
    o.kind = ObjectiveKind::kMean;
  } else if (spec == "cvar90" || spec == "cvar99") {
    o.kind = ObjectiveKind::kCvar;
    o.alpha = spec == "cvar90" ? 0.90 : 0.99;
  } else if (spec.rfind("p_exceed:", 0) == 0) {
    o.kind = ObjectiveKind::kExceed;
    try {
      std::size_t used = 0;
      o.threshold = std::stod(spec.substr(9), &used);
      if (used != spec.size() - 9) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw InputError("--objective '" + spec + "': p_exceed:X needs a number X (fraction of total demand shed)");
    }
    if (!(o.threshold >= 0.0 && o.threshold < 1.0))
      throw InputError("--objective '" + spec + "': X is a fraction of total demand in [0, 1)");
  } else {
    throw InputError("--objective '" + spec + "': allowed values are mean, cvar90, cvar99, p_exceed:X");
  }
  return o;
}

ObjectiveValue evaluate_objective(const Objective& obj, std::span<const double> shed, double total_demand_mw) {
  ObjectiveValue r;
  const std::size_t n = shed.size();
  if (n == 0) return {kNaN, kNaN, kNaN};
  switch (obj.kind) {
    case ObjectiveKind::kMean: {
      i128 sum = 0, sumsq = 0;
      for (double x : shed) {
        const i128 q = Tally::to_fixed(x);
        sum += q;
        sumsq += q * q;
      }
      double m, sd;
      mean_and_std(n, sum, sumsq, m, sd);
      const double h = kZ * sd / std::sqrt(static_cast<double>(n));
      return {m, m - h, m + h};
    }
    case ObjectiveKind::kCvar: {
      std::vector<double> s(shed.begin(), shed.end());
      const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(obj.alpha * static_cast<double>(n) - 1e-9)));
      std::nth_element(s.begin(), s.begin() + (std::min(rank, n) - 1), s.end());
      const double var = s[std::min(rank, n) - 1];
      for (std::size_t i = 0; i < n; ++i) s[i] = var + std::max(shed[i] - var, 0.0) / (1.0 - obj.alpha);
      const double m = mean_of(s), h = kZ * sd_of(s, m) / std::sqrt(static_cast<double>(n));
      return {m, m - h, m + h};
    }
    case ObjectiveKind::kExceed: {
      const double limit = obj.threshold * total_demand_mw;
      std::size_t c = 0;
      for (double x : shed) c += x > limit;
      const double p = static_cast<double>(c) / static_cast<double>(n);
      const double h = kZ * std::sqrt(p * (1.0 - p) / static_cast<double>(n));
      return {p, p - h, p + h};
    }
  }
  return r;
}

std::vector<RankRow> rank_targets(const std::vector<std::string>& names, const std::vector<double>& value,
                                  const std::vector<double>& lo, const std::vector<double>& hi) {
  std::vector<RankRow> rows;
  for (std::size_t t = 0; t < names.size(); ++t) {
    if (std::isnan(value[t])) continue;
    rows.push_back({static_cast<int>(t), names[t], value[t], t < lo.size() ? lo[t] : kNaN, t < hi.size() ? hi[t] : kNaN,
                    false, false});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const RankRow& a, const RankRow& b) { return a.value > b.value; });
  for (std::size_t j = 0; j + 1 < rows.size(); ++j) {
    const RankRow &a = rows[j], &b = rows[j + 1];
    const bool known = !std::isnan(a.ci95_low) && !std::isnan(a.ci95_high) && !std::isnan(b.ci95_low) && !std::isnan(b.ci95_high);
    const bool overlap = !known || (a.ci95_low <= b.ci95_high && b.ci95_low <= a.ci95_high);
    rows[j].overlap_below = rows[j + 1].overlap_above = overlap;
  }
  return rows;
}

std::vector<int> top_targets(const std::vector<double>& value, int count) {
  std::vector<int> idx(value.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return value[a] > value[b]; });
  idx.resize(std::min<std::size_t>(idx.size(), static_cast<std::size_t>(std::max(count, 0))));
  return idx;
}

void write_defence_csv(const std::string& path, const TargetSet& targets, const std::vector<int>& defended, double q) {
  char qs[64];
  const auto end = std::to_chars(qs, qs + sizeof qs, q).ptr;  // shortest text that reads back as q
  std::string text = csv_row({"target", "intercept"});
  for (int t : defended) text += csv_row({targets.name[t], std::string(qs, end)});
  write_file_atomically(path, text, "defence plan");
}

std::vector<double> evaluate_defence_full(const StudyConfig& config, const std::vector<int>& defended, double q,
                                          bool weighted_attacker, int threads) {
  StudyConfig c = config;
  c.intercept.assign(c.targets.size(), 0.0);
  for (int t : defended) c.intercept[t] = q;
  if (weighted_attacker) {
    std::vector<double> w = attacker_weights(Study(config));
    for (int t : defended) w[t] *= (1.0 - q);
    c.strike = StrikeModel::kWeighted;
    c.weight_kind = WeightKind::kPerTarget;
    c.weights = std::move(w);
  }
  const Study study(std::move(c));
  const RunOutput run = run_samples(study, 0, study.samples(), threads, true, nullptr, nullptr);
  return run.samples.shed_mw;
}

DefencePlan plan_defence(const Study& study, const DefenceOptions& d) {
  const auto t0 = std::chrono::steady_clock::now();
  const StudyConfig& config = study.config();
  if (!config.given.defence.empty())
    throw InputError("sre defend plans the defence itself: remove `defence` from the study options");
  if (d.budget < 1) throw InputError("--budget must be >= 1");
  if (!(d.intercept > 0.0 && d.intercept <= 1.0)) throw InputError("--intercept must be in (0, 1]");
  if (d.threads < 0) throw InputError("--threads must be >= 0");
  if (d.weighted_attacker && config.strike != StrikeModel::kUniform && config.strike != StrikeModel::kWeighted)
    throw InputError("--attacker weighted needs --strike uniform or weighted (the attacker picks k targets)");

  const TargetSet& ts = study.targets();
  const int nt = ts.size();
  const double total = study.network().total_demand_pos;
  const int n_threads = d.threads > 0 ? d.threads : tbb::this_task_arena::max_concurrency();
  const std::uint64_t N = study.samples();
  const std::uint64_t seed = config.seed;
  const double q = d.intercept;

  DefencePlan plan;
  plan.selection_samples = N;
  plan.selection_seed = seed;

  // Baseline: every sample once, keeping its struck targets and its shed.
  const RunOutput base = run_samples(study, 0, N, n_threads, true, nullptr, nullptr);
  plan.evaluations += N;
  const SavedSamples& rec = base.samples;
  std::vector<double> cur = rec.shed_mw;
  std::vector<std::vector<std::uint64_t>> samples_of(nt);  // sample indices (64-bit: any study size)
  for (std::uint64_t j = 0; j < N; ++j)
    for (std::uint64_t p = rec.struck_offset[j]; p < rec.struck_offset[j + 1]; ++p) samples_of[rec.struck_targets[p]].push_back(j);

  std::vector<double> qv(nt, 0.0);  // interception probability of the current plan
  std::vector<char> chosen(nt, 0);
  tbb::task_arena arena(n_threads);

  struct Ctx {
    explicit Ctx(const Study& s) : worker(s), a(s.targets().size()), b(s.targets().size()) {}
    SampleWorker worker;
    std::vector<int> a, b;
  };
  tbb::enumerable_thread_specific<Ctx> contexts([&] { return Ctx(study); });

  // Destroyed targets of sample j when `extra` (may be -1) is defended too, exactly as SampleWorker::run draws.
  auto destroyed_of = [&](std::uint64_t j, int extra, int* out) {
    SampleRng rng(seed, j, RngStream::kInterception);
    int n = 0;
    for (std::uint64_t p = rec.struck_offset[j]; p < rec.struck_offset[j + 1]; ++p) {
      const int t = rec.struck_targets[p];
      const double qt = t == extra ? q : qv[t];
      if (qt > 0.0 && rng.uniform() < qt) continue;
      out[n++] = t;
    }
    return n;
  };

  // Without defences the weighted attacker strikes in proportion to the base weights.
  if (d.weighted_attacker) cur = evaluate_defence_full(config, {}, q, true, n_threads);
  ObjectiveValue current = evaluate_objective(d.objective, cur, total);
  for (int step = 0; step < d.budget; ++step) {
    std::vector<int> candidates;
    for (int t = 0; t < nt; ++t)
      if (!chosen[t] && !samples_of[t].empty()) candidates.push_back(t);
    if (candidates.empty()) break;
    if (d.progress) {
      d.progress->step.store(step);
      d.progress->candidates.store(static_cast<int>(candidates.size()));
      d.progress->candidates_done.store(0);
    }
    std::vector<ObjectiveValue> score(candidates.size());
    std::vector<std::uint64_t> evals(candidates.size(), 0);

    if (!d.weighted_attacker) {
      // Sample changes of each candidate: (sample, new shed).
      std::vector<std::vector<std::pair<std::uint64_t, double>>> changes(candidates.size());
      arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, candidates.size(), 1), [&](const tbb::blocked_range<std::size_t>& r) {
          Ctx& ctx = contexts.local();
          for (std::size_t c = r.begin(); c < r.end(); ++c) {
            const int t = candidates[c];
            for (std::uint64_t j : samples_of[t]) {
              const int na = destroyed_of(j, t, ctx.a.data());
              const int nb = destroyed_of(j, -1, ctx.b.data());
              if (na == nb && std::equal(ctx.a.begin(), ctx.a.begin() + na, ctx.b.begin())) continue;  // unchanged
              const SampleOutcome& o = ctx.worker.run_targets({ctx.a.data(), static_cast<std::size_t>(na)});
              ++evals[c];
              if (o.shed_mw != cur[j]) changes[c].push_back({j, o.shed_mw});
            }
            std::vector<double> v = cur;  // the whole vector: the objective equals a full run's bit for bit
            for (auto [j, x] : changes[c]) v[j] = x;
            score[c] = evaluate_objective(d.objective, v, total);
            if (d.progress) d.progress->candidates_done.fetch_add(1);
          }
        });
      });
      std::size_t best = 0;
      for (std::size_t c = 1; c < candidates.size(); ++c)
        if (score[c].value < score[best].value) best = c;
      const int t = candidates[best];
      qv[t] = q;
      chosen[t] = 1;
      DefenceStep s{t, ts.name[t], current, score[best], current.value - score[best].value, kNaN, 0};
      for (auto e : evals) s.reevaluated += e;
      {
        long double sd = 0, sd2 = 0;  // differences are zero outside the changed samples
        for (auto [j, x] : changes[best]) {
          const long double diff = static_cast<long double>(x) - cur[j];
          sd += diff, sd2 += diff * diff;
        }
        const long double n = static_cast<long double>(N);
        const long double var = N > 1 ? (sd2 - sd * sd / n) / (n - 1) : 0.0L;
        s.mean_gain_ci95_halfwidth = kZ * std::sqrt(static_cast<double>(std::max(var, 0.0L) / n));
      }
      for (auto [j, x] : changes[best]) cur[j] = x;
      plan.evaluations += s.reevaluated;
      current = score[best];
      plan.targets.push_back(t);
      plan.steps.push_back(s);
    } else {
      // The attacker sees the defences: judge each candidate by a full run on the same seed.
      std::vector<std::vector<double>> shed(candidates.size());
      for (std::size_t c = 0; c < candidates.size(); ++c) {
        std::vector<int> trial = plan.targets;
        trial.push_back(candidates[c]);
        shed[c] = evaluate_defence_full(config, trial, q, true, n_threads);
        score[c] = evaluate_objective(d.objective, shed[c], total);
        plan.evaluations += N;
        if (d.progress) d.progress->candidates_done.fetch_add(1);
      }
      std::size_t best = 0;
      for (std::size_t c = 1; c < candidates.size(); ++c)
        if (score[c].value < score[best].value) best = c;
      const int t = candidates[best];
      cur = shed[best];
      chosen[t] = 1;
      DefenceStep s{t, ts.name[t], current, score[best], current.value - score[best].value, kNaN, N * candidates.size()};
      current = score[best];
      plan.targets.push_back(t);
      plan.steps.push_back(s);
    }
    if (d.on_step) d.on_step(plan.steps.back());
  }
  plan.selection_shed_mw = cur;

  if (d.validate) {
    StudyConfig fresh = config;
    fresh.seed = fresh.given.seed = seed + kValidationSeedOffset;
    plan.validation_seed = fresh.seed;
    plan.validation_samples = N;
    const int b = static_cast<int>(plan.targets.size());
    const std::vector<double> degree = target_weights(study.network(), ts, WeightKind::kDegree, study.base().state.flow_mw);
    const std::vector<double> demand = target_weights(study.network(), ts, WeightKind::kDemand, study.base().state.flow_mw);
    std::vector<std::pair<std::string, std::vector<int>>> plans = {
        {"none", {}}, {"greedy", plan.targets}, {"degree", top_targets(degree, b)}, {"demand", top_targets(demand, b)}};
    std::vector<std::vector<double>> sheds;
    for (auto& [name, targets] : plans) {
      sheds.push_back(evaluate_defence_full(fresh, targets, q, d.weighted_attacker, n_threads));
      plan.evaluations += sheds.back().size();
    }
    for (std::size_t p = 0; p < plans.size(); ++p) {
      PlanScore s;
      s.plan = plans[p].first;
      s.targets = plans[p].second;
      s.value = evaluate_objective(d.objective, sheds[p], total);
      s.mean_shed_mw = mean_of(sheds[p]);
      std::vector<double> diff(sheds[p].size());
      for (std::size_t j = 0; j < diff.size(); ++j) diff[j] = sheds[p][j] - sheds[1][j];
      s.mean_diff_vs_greedy = mean_of(diff);
      s.mean_diff_ci95_halfwidth = diff.empty() ? 0.0 : kZ * sd_of(diff, s.mean_diff_vs_greedy) / std::sqrt(static_cast<double>(diff.size()));
      plan.validation.push_back(s);
    }
  }
  plan.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return plan;
}

}  // namespace sre
