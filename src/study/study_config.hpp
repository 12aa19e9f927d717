#pragma once
// A study's options in two forms. StudyOptions holds the strings as the command line and
// the INI file give them (stored in results files as /config, and quoted in messages);
// StudyConfig is what they resolve to: enums, per-target vectors and numbers, with every
// file read and checked once, by resolve(). Everything below the command line (Study, the
// planner) works from a StudyConfig, and may set its vectors directly (a planner's
// interception probabilities, an attacker's weights) without going through files.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "dispatch/dc_opf.hpp"
#include "model/network.hpp"
#include "model/targets.hpp"
#include "response/response.hpp"
#include "sampling/strike_sampler.hpp"

namespace sre {

struct StudyOptions {
  std::string case_path;
  std::string strike = "uniform";
  int k = 3;  // one k over all targets; with k_classes, their sum
  // Per-class budgets as given, "bus:2,branch:1" (empty: one k over all targets).
  std::string k_classes;
  std::string weights = "degree";
  double probability = std::numeric_limits<double>::quiet_NaN();
  std::string probabilities;  // FILE.csv:COLUMN
  std::string targets = "bus";
  std::string defence;  // FILE.csv with columns target,intercept
  std::string response = "operator";
  std::string rule = "all";
  double tol = 0.5;
  int max_steps = 100;
  std::string solver = "fast";  // fast | reference
  std::string dispatch = "scopf";  // base dispatch: scopf | dcopf (both fall back to case without gencost) | case
  std::uint64_t samples = 0;  // 0: default (C(n, k) for exhaustive, else 100000)
  std::uint64_t seed = 1;
};

enum class SolverKind { kFast, kReference };
SolverKind parse_solver(const std::string& name);  // "fast" | "reference", throws InputError

struct StudyConfig {
  // The strings it was resolved from (for /config and the assumptions line); vectors set
  // directly afterwards (a planner's interceptions) are not reflected in them.
  StudyOptions given;
  std::shared_ptr<const Network> case_net;  // the case as read, before the base dispatch
  TargetSet targets;
  StrikeModel strike = StrikeModel::kUniform;
  int k = 3;  // targets struck per sample (the budgets' sum)
  // Per-class budgets (--k bus:2,branch:1), in class order; empty: one k over all targets.
  std::vector<StrikeBudget> budgets;
  // kWeighted: the weights' kind; kPerTarget's values (one per target) are in `weights`,
  // the other kinds are computed by Study from the dispatched network.
  WeightKind weight_kind = WeightKind::kDegree;
  std::vector<double> weights;
  std::vector<double> probabilities;  // kIndependent: one per target, in [0, 1]
  std::vector<double> intercept;      // one per target, in [0, 1] (0: undefended)
  ResponseOptions response;           // kind, rule, tol, max_steps, full_lp (= solver reference)
  SolverKind solver = SolverKind::kFast;
  Dispatch dispatch = Dispatch::kScopf;
  std::uint64_t samples = 0;  // resolved: never 0
  std::uint64_t seed = 1;
};

// --k's value: a whole number (one budget over all targets) or per class,
// "bus:2,branch:1" (classes bus, branch, generator, each at most once). Sets o.k (the sum)
// and o.k_classes; throws InputError.
void parse_k(const std::string& value, StudyOptions& o);
// The per-class budgets of o.k_classes over the targets (empty when it is empty); throws
// InputError when a class has no targets or fewer than its k.
std::vector<StrikeBudget> class_budgets(const TargetSet& targets, const std::string& k_classes);
// The study's strike sampler (Study builds it; resolve() counts combinations with it).
StrikeSampler make_strike_sampler(StrikeModel model, const TargetSet& targets, int k,
                                  const std::vector<StrikeBudget>& budgets, const std::vector<double>& weights,
                                  const std::vector<double>& probabilities);

// Checks every option and reads every file (case, targets, weights, probabilities,
// defence), in that order; throws InputError naming the option, or the file and line.
StudyConfig resolve(const StudyOptions& options);
// The same with the case already read (`case_net` is the network of options.case_path).
StudyConfig resolve(const StudyOptions& options, std::shared_ptr<const Network> case_net);

}  // namespace sre
