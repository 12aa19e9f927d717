#include "planning/worst_case_search.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>

#include "io/input_error.hpp"
#include "sampling/sample_rng.hpp"

namespace sre {
namespace {

// Larger shed first; equal shed: lexicographically smaller set first (deterministic).
bool better(const WorstSet& a, const WorstSet& b) {
  if (a.shed_mw != b.shed_mw) return a.shed_mw > b.shed_mw;
  return a.targets < b.targets;
}

// Keeps the `keep` best distinct sets.
struct TopList {
  int keep = 5;
  std::vector<WorstSet> sets;
  void offer(const WorstSet& s) {
    if (static_cast<int>(sets.size()) == keep && !better(s, sets.back())) return;
    for (const auto& x : sets)
      if (x.targets == s.targets) return;
    sets.insert(std::upper_bound(sets.begin(), sets.end(), s, better), s);
    if (static_cast<int>(sets.size()) > keep) sets.pop_back();
  }
};

}  // namespace

StrikeSetScorer::StrikeSetScorer(const Study& study) : worker_(study), intercept_(study.intercept()) {
  const auto nt = static_cast<std::size_t>(study.targets().size());
  partly_.reserve(nt);
  destroyed_.reserve(nt);
}

double StrikeSetScorer::score(std::span<const int> set) {
  partly_.clear();
  for (int t : set)
    if (intercept_[t] > 0.0 && intercept_[t] < 1.0) partly_.push_back(t);
  const int m = static_cast<int>(partly_.size());
  if (m > kMaxPartlyDefendedMembers)
    throw InputError("a strike set holds " + std::to_string(m) + " targets with 0 < intercept < 1; at most " +
                     std::to_string(kMaxPartlyDefendedMembers) + " are supported");
  // Outcome `mask`: bit j set when partly_[j] is destroyed (its probability 1 - q), clear
  // when intercepted (q). The destroyed targets keep the set's order, as in a study's sample.
  double expected = 0.0;
  for (std::uint32_t mask = 0; mask < (std::uint32_t{1} << m); ++mask) {
    double p = 1.0;
    destroyed_.clear();
    int j = 0;
    for (int t : set) {
      const double q = intercept_[t];
      if (q <= 0.0) {
        destroyed_.push_back(t);
      } else if (q < 1.0) {
        const bool destroyed = (mask >> j++) & 1u;
        p *= destroyed ? 1.0 - q : q;
        if (destroyed) destroyed_.push_back(t);
      }
    }
    expected += p * worker_.run_targets(destroyed_).shed_mw;
    ++scenarios_;
  }
  return expected;
}

WorstCaseResult find_worst_strikes(const Study& study, const WorstCaseOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const int nt = study.targets().size();
  if (o.k < 1 || o.k > nt) throw InputError("--k must be between 1 and the " + std::to_string(nt) + " targets");
  if (o.restarts < 1) throw InputError("--restarts must be >= 1");
  if (o.keep < 1) throw InputError("--keep must be >= 1");
  if (!(o.time_limit_s > 0)) throw InputError("--time-limit must be > 0 seconds");
  const std::vector<double>& q = study.intercept();
  const auto partly = std::count_if(q.begin(), q.end(), [](double x) { return x > 0.0 && x < 1.0; });
  if (const auto m = std::min<std::ptrdiff_t>(partly, o.k); m > kMaxPartlyDefendedMembers)
    throw InputError("--defence: " + std::to_string(partly) + " targets have 0 < intercept < 1, so a set of --k " +
                     std::to_string(o.k) + " targets can hold " + std::to_string(m) +
                     " of them, and its expected shed would take 2^" + std::to_string(m) + " scenarios (at most " +
                     std::to_string(kMaxPartlyDefendedMembers) +
                     " such members are supported); use intercept 0 or 1 for more targets, or a smaller --k");
  // The budgets a set fills: the study's per-class ones (--k bus:2,branch:1), else one over
  // every target. Only targets in a budget's range can be struck.
  std::vector<StrikeBudget> budgets = study.config().budgets;
  if (budgets.empty()) budgets.push_back({0, nt, o.k});
  std::vector<int> budget_of(nt, -1), eligible;
  int budget_sum = 0;
  for (std::size_t b = 0; b < budgets.size(); ++b) {
    budget_sum += budgets[b].k;
    for (int t = budgets[b].first; t < budgets[b].first + budgets[b].count; ++t) budget_of[t] = static_cast<int>(b);
  }
  if (budget_sum != o.k)
    throw InputError("--k " + std::to_string(o.k) + ": the study's per-class budgets (" + study.options().k_classes +
                     ") strike " + std::to_string(budget_sum) + " targets; give the same --k to the search");
  for (int t = 0; t < nt; ++t)
    if (budget_of[t] >= 0) eligible.push_back(t);
  const int n_threads = o.threads > 0 ? o.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(n_threads);
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  WorstCaseResult result;
  struct Ctx {
    explicit Ctx(const Study& s, int keep) : scorer(s) { top.keep = keep; }
    StrikeSetScorer scorer;
    TopList top;
    std::uint64_t evaluations = 0;
  };
  tbb::enumerable_thread_specific<Ctx> contexts([&] { return Ctx(study, o.keep); });
  std::atomic<bool> timed_out{false};

  std::uint64_t combos = 1;  // the product of the budgets' C(count, k), saturated
  for (const StrikeBudget& b : budgets) {
    const std::uint64_t c = binomial_saturated(static_cast<std::uint64_t>(b.count), static_cast<std::uint64_t>(b.k));
    combos = c != 0 && combos > std::numeric_limits<std::uint64_t>::max() / c ? std::numeric_limits<std::uint64_t>::max()
                                                                                 : combos * c;
  }
  if (combos <= o.exhaustive_limit) {
    result.exhaustive = true;
    // The enumeration of `sre run --strike exhaustive` with the same --k: set i is its sample i.
    const StrikeSampler sampler =
        make_strike_sampler(StrikeModel::kExhaustive, study.targets(), o.k, study.config().budgets, {}, {});
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, combos, 256), [&](const tbb::blocked_range<std::uint64_t>& r) {
        Ctx& ctx = contexts.local();
        StrikeSampler::Scratch scratch = sampler.make_scratch();
        std::vector<int> set(nt);
        for (std::uint64_t i = r.begin(); i < r.end(); ++i) {
          const int n = sampler.sample(0, i, scratch, set.data());
          const double shed = ctx.scorer.score({set.data(), static_cast<std::size_t>(n)});
          ++ctx.evaluations;
          if (o.evaluations) o.evaluations->fetch_add(1, std::memory_order_relaxed);
          ctx.top.offer({std::vector<int>(set.begin(), set.begin() + n), shed});
        }
      });
    });
  } else {
    // Evaluate every set in `sets` in parallel; returns their shed.
    auto evaluate_all = [&](const std::vector<std::vector<int>>& sets) {
      std::vector<double> shed(sets.size());
      arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, sets.size(), 4), [&](const tbb::blocked_range<std::size_t>& r) {
          Ctx& ctx = contexts.local();
          for (std::size_t j = r.begin(); j < r.end(); ++j) {
            shed[j] = ctx.scorer.score(sets[j]);
            ++ctx.evaluations;
            if (o.evaluations) o.evaluations->fetch_add(1, std::memory_order_relaxed);
            // Only complete sets are candidates: the greedy construction's partial sets
            // (fewer than k targets) are steps, not answers.
            if (static_cast<int>(sets[j].size()) == o.k) ctx.top.offer({sets[j], shed[j]});
          }
        });
      });
      return shed;
    };
    for (int start = 0; start < o.restarts && !timed_out; ++start) {
      std::vector<int> cur;
      double cur_shed = 0.0;
      if (start > 0) {
        SampleRng rng(o.seed, static_cast<std::uint64_t>(start), RngStream::kStrike);
        cur.push_back(eligible[rng.below(static_cast<std::uint64_t>(eligible.size()))]);
      }
      // Greedy construction: add a target whose budget has room.
      while (static_cast<int>(cur.size()) < o.k && !timed_out) {
        std::vector<std::vector<int>> trial;
        std::vector<int> filled(budgets.size(), 0);
        for (int t : cur) ++filled[budget_of[t]];
        for (int t : eligible) {
          if (std::find(cur.begin(), cur.end(), t) != cur.end()) continue;
          if (filled[budget_of[t]] >= budgets[budget_of[t]].k) continue;
          std::vector<int> s = cur;
          s.insert(std::upper_bound(s.begin(), s.end(), t), t);
          trial.push_back(std::move(s));
        }
        const std::vector<double> shed = evaluate_all(trial);
        const std::size_t best = std::max_element(shed.begin(), shed.end()) - shed.begin();
        cur = trial[best];
        cur_shed = shed[best];
        if (elapsed() > o.time_limit_s) timed_out = true;
      }
      if (static_cast<int>(cur.size()) < o.k) break;
      // Local search: best improving single swap (within a budget) until none improves.
      while (!timed_out) {
        std::vector<std::vector<int>> trial;
        std::vector<char> in(nt, 0);
        for (int t : cur) in[t] = 1;
        for (std::size_t p = 0; p < cur.size(); ++p)
          for (int t : eligible) {
            if (in[t] || budget_of[t] != budget_of[cur[p]]) continue;
            std::vector<int> s = cur;
            s[p] = t;
            std::sort(s.begin(), s.end());
            trial.push_back(std::move(s));
          }
        if (trial.empty()) break;
        const std::vector<double> shed = evaluate_all(trial);
        const std::size_t best = std::max_element(shed.begin(), shed.end()) - shed.begin();
        if (elapsed() > o.time_limit_s) timed_out = true;
        if (!(shed[best] > cur_shed)) break;
        cur = trial[best];
        cur_shed = shed[best];
      }
    }
  }
  TopList all;
  all.keep = o.keep;
  for (const Ctx& ctx : contexts) {
    result.evaluations += ctx.evaluations;
    result.scenarios += ctx.scorer.scenarios();
    for (const WorstSet& s : ctx.top.sets) all.offer(s);
  }
  result.best = all.sets;
  result.time_limit_hit = timed_out;
  result.seconds = elapsed();
  return result;
}

}  // namespace sre
