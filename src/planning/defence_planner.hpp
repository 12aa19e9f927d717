#pragma once
// Planner toolkit: objectives over per-sample shed, target ranking with
// confidence intervals, and the greedy defence planner behind `sre defend`.
//
// Defence planning (fixed attacker) uses common random numbers: the strikes of
// samples [0, N) are drawn once with the study seed, and every candidate plan
// is judged on those same strikes and on the same interception draws that
// `sre run --defence` would make (stream RngStream::kInterception of each
// sample, one uniform per struck defended target in ascending target order).
// Defending target t only changes samples in which t was struck, so only those
// are re-evaluated. The greedy selection is then checked on fresh samples
// (seed + kValidationSeedOffset) against two baselines: the B targets of
// highest degree and the B targets of highest demand.
//
// Weighted attacker (`--attacker weighted`): the attacker strikes k targets
// drawn in proportion to weights (the study's --weights under --strike
// weighted, else 1 per target), and the weight of a defended target is
// multiplied by (1 - q): an attacker who sees the defences avoids them. Since
// the strike distribution itself changes, every candidate is judged by a full
// re-evaluation of all N samples (same seed), which is much slower.
#include <cstdint>
#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "study/study.hpp"

namespace sre {

// ---------------------------------------------------------------------------
// Objectives over per-sample shed (MW).

enum class ObjectiveKind { kMean, kCvar, kExceed };

struct Objective {
  ObjectiveKind kind = ObjectiveKind::kMean;
  double alpha = 0.0;      // kCvar: 0.90 or 0.99
  double threshold = 0.0;  // kExceed: shed fraction of total demand, in [0, 1)
  std::string name = "mean";
};
// mean | cvar90 | cvar99 | p_exceed:X (X: fraction of total demand shed, as in
// /summary/shed_fraction/exceedance_*). Throws InputError.
Objective parse_objective(const std::string& spec);

struct ObjectiveValue {
  double value = 0.0, ci95_low = 0.0, ci95_high = 0.0;
};

// Value and 95% confidence interval (normal approximation):
//  mean:      mean ± 1.96 sd/sqrt(n); the mean is computed from the same
//             fixed-point sums as the Tally, so it equals /summary/shed_mw/mean.
//  cvarA:     Rockafellar-Uryasev estimate VaR + sum (x - VaR)+ / ((1 - A) n) with
//             VaR the lower A-quantile; its CI is mean ± 1.96 sd/sqrt(n) of the
//             per-sample terms Z_i = VaR + (x_i - VaR)+ / (1 - A) (their mean is
//             the estimate; VaR held fixed).
//  p_exceed:  p = share of samples with shed > X * total demand; p ± 1.96 sqrt(p(1-p)/n).
ObjectiveValue evaluate_objective(const Objective& objective, std::span<const double> shed_mw, double total_demand_mw);

// ---------------------------------------------------------------------------
// Ranking of targets (sre rank).

struct RankRow {
  int target = -1;
  std::string name;
  double value = 0.0, ci95_low = 0.0, ci95_high = 0.0;
  // This row's interval overlaps the one ranked just above / just below it (or
  // an interval is unknown): the order between them is not yet resolved.
  bool overlap_above = false, overlap_below = false;
};
// Sorts by value descending (NaN values are left out), ties by target index.
std::vector<RankRow> rank_targets(const std::vector<std::string>& names, const std::vector<double>& value,
                                  const std::vector<double>& ci95_low, const std::vector<double>& ci95_high);

// ---------------------------------------------------------------------------
// Defence planning (sre defend).

inline constexpr std::uint64_t kValidationSeedOffset = 1000003;

struct DefenceOptions {
  int budget = 1;
  double intercept = 0.9;  // probability that a defended, struck target survives
  Objective objective;
  bool weighted_attacker = false;
  int threads = 0;    // 0: all cores
  bool validate = true;  // compare with the baselines on fresh samples
  std::function<void(const struct DefenceStep&)> on_step;  // called after each greedy step
  struct DefenceProgress* progress = nullptr;  // counters for a progress display (may be null)
};

// How far planning has got, for a display thread (atomics only).
struct DefenceProgress {
  std::atomic<int> step{0};            // greedy steps done
  std::atomic<int> candidates{0};      // candidates of the current step
  std::atomic<int> candidates_done{0}; // of them judged
};

struct DefenceStep {
  int target = -1;
  std::string name;
  ObjectiveValue before, after;
  double gain = 0.0;              // before.value - after.value
  // Paired 95% CI half-width of the gain in mean shed (per-sample differences on the
  // same samples; fixed attacker only, else NaN). For --objective mean it is the gain's CI.
  double mean_gain_ci95_halfwidth = 0.0;
  std::uint64_t reevaluated = 0;  // samples re-evaluated for this step (all candidates)
};

struct PlanScore {
  std::string plan;  // "none", "greedy", "degree", "demand"
  std::vector<int> targets;
  ObjectiveValue value;
  double mean_shed_mw = 0.0;
  // Paired difference in mean shed against the greedy plan (this - greedy), with
  // its 95% CI from the per-sample differences (same samples for every plan).
  double mean_diff_vs_greedy = 0.0, mean_diff_ci95_halfwidth = 0.0;
};

struct DefencePlan {
  std::vector<int> targets;  // in the order chosen
  std::vector<DefenceStep> steps;
  std::vector<double> selection_shed_mw;  // per selection sample, under the final plan
  std::uint64_t selection_samples = 0, selection_seed = 0;
  std::uint64_t validation_samples = 0, validation_seed = 0;
  std::vector<PlanScore> validation;  // none, greedy, degree, demand
  std::uint64_t evaluations = 0;
  double seconds = 0.0;
};

// `study` is what every candidate is judged on (its strike model, k, samples, seed); it
// must have no defence of its own. Throws InputError.
DefencePlan plan_defence(const Study& study, const DefenceOptions& defence);

// Writes FILE.csv with header target,intercept (accepted by `sre run --defence`).
void write_defence_csv(const std::string& path, const TargetSet& targets, const std::vector<int>& defended, double q);

// Per-sample shed of samples [0, config.samples) with `defended` defended at q (and the
// rest undefended), by a full study run (run_samples) of `config` with its interception
// probabilities set so (and, for a weighted attacker, its strike weights: the attacker's
// base weights, times 1 - q for the defended targets).
std::vector<double> evaluate_defence_full(const StudyConfig& config, const std::vector<int>& defended, double q,
                                          bool weighted_attacker, int threads);

// The B targets with the largest value (ties: lower index first).
std::vector<int> top_targets(const std::vector<double>& value, int count);

}  // namespace sre
