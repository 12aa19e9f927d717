#include "study/study_config.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "io/csv_table.hpp"
#include "io/input_error.hpp"

namespace sre {

SolverKind parse_solver(const std::string& name) {
  if (name == "fast") return SolverKind::kFast;
  if (name == "reference") return SolverKind::kReference;
  throw InputError("--solver '" + name + "': allowed values are fast, reference");
}

void parse_k(const std::string& value, StudyOptions& o) {
  auto whole = [&](const std::string& text, const std::string& what) {
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < 1 || v > 1000000)
      throw InputError("--k " + value + ": " + what + " must be a whole number from 1 to 1000000");
    return static_cast<int>(v);
  };
  if (value.find(':') == std::string::npos) {
    o.k = whole(value, "k");
    o.k_classes.clear();
    return;
  }
  std::array<int, kTargetClasses> k{};
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t comma = std::min(value.find(',', start), value.size());
    const std::string item = value.substr(start, comma - start);
    const std::size_t colon = item.find(':');
    if (colon == std::string::npos)
      throw InputError("--k " + value + ": '" + item + "' is not CLASS:K; write e.g. --k bus:2,branch:1");
    const TargetClass c = parse_target_class(item.substr(0, colon), "--k " + value);
    if (k[static_cast<int>(c)] > 0)
      throw InputError("--k " + value + ": class " + std::string(to_string(c)) + " is given twice");
    k[static_cast<int>(c)] = whole(item.substr(colon + 1), std::string("the budget of class ") + to_string(c));
    start = comma + 1;
  }
  o.k = 0;
  o.k_classes.clear();
  for (int c = 0; c < kTargetClasses; ++c) {
    if (k[c] == 0) continue;
    o.k += k[c];
    o.k_classes += (o.k_classes.empty() ? "" : ",") + std::string(to_string(static_cast<TargetClass>(c))) + ":" +
                   std::to_string(k[c]);
  }
}

std::vector<StrikeBudget> class_budgets(const TargetSet& targets, const std::string& k_classes) {
  std::vector<StrikeBudget> out;
  if (k_classes.empty()) return out;
  StudyOptions parsed;
  parse_k(k_classes, parsed);  // canonical order: bus, branch, generator
  std::size_t start = 0;
  const std::string& canon = parsed.k_classes;
  while (start < canon.size()) {
    const std::size_t comma = std::min(canon.find(',', start), canon.size());
    const std::string item = canon.substr(start, comma - start);
    const std::size_t colon = item.find(':');
    const TargetClass c = parse_target_class(item.substr(0, colon), "--k");
    const int k = std::stoi(item.substr(colon + 1));
    const int n = targets.class_size(c);
    if (n == 0)
      throw InputError("--k " + k_classes + ": the targets (--targets " + targets.kind + ") have no " + to_string(c) +
                       " class; add it to --targets (e.g. --targets bus,branch,generator)");
    if (k > n)
      throw InputError("--k " + k_classes + ": class " + to_string(c) + " has " + std::to_string(n) +
                       " targets, fewer than its budget " + std::to_string(k));
    out.push_back(StrikeBudget{targets.class_begin[static_cast<int>(c)], n, k});
    start = comma + 1;
  }
  return out;
}

StrikeSampler make_strike_sampler(StrikeModel model, const TargetSet& targets, int k,
                                  const std::vector<StrikeBudget>& budgets, const std::vector<double>& weights,
                                  const std::vector<double>& probabilities) {
  if (budgets.empty()) return StrikeSampler(model, targets.size(), k, weights, probabilities);
  return StrikeSampler(model, targets.size(), budgets, weights);
}

namespace {

// The options that need no file, in the order they are checked.
StudyConfig resolve_words(const StudyOptions& o) {
  StudyConfig c;
  c.given = o;
  c.strike = parse_strike_model(o.strike);
  c.k = o.k;
  c.response.kind = parse_response(o.response);
  c.response.rule = parse_cascade_rule(o.rule);
  if (!(o.tol >= 0.0) || !std::isfinite(o.tol)) throw InputError("--tol must be a finite number >= 0");
  if (o.max_steps < 0) throw InputError("--max-steps must be >= 0");
  c.response.tol = o.tol;
  c.response.max_steps = o.max_steps;
  c.solver = parse_solver(o.solver);
  c.response.full_lp = c.solver == SolverKind::kReference;
  if (o.case_path.empty()) throw InputError("--case is required: a MATPOWER case file (.m)");
  c.seed = o.seed;
  return c;
}

// The options that need the network: targets first, then the strike budget (a bad --k is
// refused before any other file is read or an OPF run), then the files per target.
void resolve_network(StudyConfig& c, std::shared_ptr<const Network> case_net) {
  const StudyOptions& o = c.given;
  c.case_net = std::move(case_net);
  c.targets = make_targets(*c.case_net, o.targets);
  const int nt = c.targets.size();
  c.budgets = class_budgets(c.targets, o.k_classes);
  std::uint64_t combinations = 0;
  if (c.strike != StrikeModel::kIndependent)
    combinations = make_strike_sampler(c.strike == StrikeModel::kWeighted ? StrikeModel::kUniform : c.strike, c.targets,
                                       c.k, c.budgets, {}, {})
                       .combinations();
  else if (!c.budgets.empty())
    throw InputError("--k " + o.k_classes + ": --strike independent strikes each target with its own probability and takes no k");
  c.dispatch = parse_dispatch(o.dispatch);

  if (c.strike == StrikeModel::kWeighted) {
    c.weight_kind = parse_weight_kind(o.weights);
    if (c.weight_kind == WeightKind::kPerTarget) c.weights = read_target_weights(c.targets, o.weights);
  }
  if (c.strike == StrikeModel::kIndependent) {
    const bool one = !std::isnan(o.probability), file = !o.probabilities.empty();
    if (one == file) throw InputError("--strike independent needs exactly one of --probability P or --probabilities FILE.csv:COLUMN");
    if (one) {
      if (!(o.probability >= 0.0 && o.probability <= 1.0))
        throw InputError("--probability " + std::to_string(o.probability) + " is outside [0, 1]");
      c.probabilities.assign(nt, o.probability);
    } else {
      const auto [path, column] = split_file_column(o.probabilities, "--probabilities");
      c.probabilities = read_target_column(c.targets, path, column, 0.0, "--probabilities");
      for (int t = 0; t < nt; ++t)
        if (!(c.probabilities[t] >= 0.0 && c.probabilities[t] <= 1.0))
          throw InputError(path, 0, "--probabilities: probability of target '" + c.targets.name[t] + "' is outside [0, 1]");
    }
  }

  c.intercept.assign(nt, 0.0);
  if (!o.defence.empty()) {
    c.intercept = read_target_column(c.targets, o.defence, "intercept", 0.0, "--defence");
    for (int t = 0; t < nt; ++t)
      if (!(c.intercept[t] >= 0.0 && c.intercept[t] <= 1.0))
        throw InputError(o.defence, 0, "--defence: interception probability of target '" + c.targets.name[t] +
                                           "' is outside [0, 1]");
  }

  if (c.strike == StrikeModel::kExhaustive) {
    c.samples = o.samples ? o.samples : combinations;
    if (c.samples > combinations)
      throw InputError("--samples " + std::to_string(c.samples) + " exceeds the " + std::to_string(combinations) +
                       " combinations of the exhaustive study");
  } else {
    c.samples = o.samples ? o.samples : 100000;
  }
}

}  // namespace

StudyConfig resolve(const StudyOptions& options) {
  StudyConfig c = resolve_words(options);
  auto net = std::make_shared<const Network>(load_network(options.case_path));
  // What the reader skipped or could not model (a PSS/E file's DC lines, sections it does
  // not read; self-loops): said once by every command that reads a case, never silent.
  for (const std::string& w : net->warnings) std::cerr << "warning: " << w << "\n";
  resolve_network(c, std::move(net));
  return c;
}

StudyConfig resolve(const StudyOptions& options, std::shared_ptr<const Network> case_net) {
  StudyConfig c = resolve_words(options);
  resolve_network(c, std::move(case_net));
  return c;
}

}  // namespace sre
