// sre worst: strike sets of size K with the largest shed (exact by enumeration
// when C(n, K) is small, else greedy plus swap local search from several starts).
#include <cstdio>
#include <iostream>

#include "app/json_output.hpp"
#include "app/long_task.hpp"
#include "app/study_options.hpp"
#include "app/option_values.hpp"
#include "io/input_error.hpp"
#include "planning/worst_case_search.hpp"
#include "sampling/strike_sampler.hpp"

namespace sre::cli {

namespace {

// The study options a worst-case search does not use: it scores every set of --k targets
// it considers, whatever the strike model, and draws no samples.
constexpr const char* kUnusedStudyOptions[] = {"strike", "weights", "probability", "probabilities", "samples"};

}  // namespace

int cmd_worst(const std::vector<std::string>& args) {
  po::options_description study_desc(
      "study options (also accepted in --config FILE.ini as `name = value`; the command line wins).\n"
      "In sre worst --k is the number of targets per strike set (or per class, bus:2,branch:1) and\n"
      "--seed the seed of the random starts of the heuristic search. --strike, --weights, --probability, --probabilities and\n"
      "--samples are accepted, so that one config file serves sre run and sre worst, but not used\n"
      "(a note says so): the search scores every set of K targets it considers");
  StudyOptions o;
  add_study_options(study_desc, o);
  po::options_description worst_desc("search options");
  WorstCaseOptions w;
  std::string config;
  bool json = false;
  worst_desc.add_options()
      ("config", po::value(&config), "INI file of study options (configs/*.ini); the command line wins")
      ("restarts", whole(&w.restarts, "restarts", 1, 1000000),
       "local-search starts (start 0: pure greedy; others: a random first target, then greedy)")
      ("time-limit", real(&w.time_limit_s, "time-limit", 0.0, 1e9),
       "seconds for the heuristic search (checked between neighbourhood scans; not for enumeration)")
      ("keep", whole(&w.keep, "keep", 1, 1000000), "best distinct sets to report")
      ("exhaustive-limit", whole(&w.exhaustive_limit, "exhaustive-limit", 0, kMaxWhole),
       "enumerate every K-subset (exact answer) when C(n, K) is at most this")
      ("threads", whole(&w.threads, "threads", 0, 4096), "worker threads (0 = all cores); results do not depend on it")
      ("json", po::bool_switch(&json),
       "print {\"best\": [{\"targets\": [...], \"shed_mw\": ..., \"defended\": [...]}, ...], \"evaluations\": N,\n"
       "\"score\": \"shed\" | \"expected_shed\" (with --defence), ...}");
  po::options_description desc;
  desc.add(worst_desc).add(study_desc);
  po::variables_map vm;
  if (!parse_command_line("worst", "(--case FILE | --config C.ini) [--k K] [study options] [search options] [--json]",
                          "Find strike sets of K targets that shed the most load, under the study's targets,\n"
                          "dispatch, response (tol, rule, max-steps, solver) and defence. Exact (every K-subset\n"
                          "evaluated) when C(n, K) <= --exhaustive-limit; otherwise greedy construction and\n"
                          "one-swap local search from --restarts starts (a lower bound on the true worst).\n"
                          "With --defence PLAN.csv (target,intercept) a set's score is its expected shed over the\n"
                          "interception outcomes of its members: a member with intercept 1 is never destroyed, one\n"
                          "with 0 always is, and the 2^m outcomes of the m members with 0 < intercept < 1 are\n"
                          "enumerated exactly (m at most 16): the worst attack on the defended grid.",
                          desc, args, vm))
    return 0;
  apply_config_file(study_desc, vm, config);
  if (o.case_path.empty()) throw UsageError("--case is required (on the command line or in --config)");
  if (w.threads < 0) throw UsageError("--threads must be >= 0");
  parse_strike_model(o.strike);  // a misspelt strike model is refused even though the search does not use it
  std::string unused;
  for (const char* name : kUnusedStudyOptions)
    if (vm.count(name) && !vm[name].defaulted()) unused += (unused.empty() ? "--" : ", --") + std::string(name);
  if (!unused.empty())
    std::fprintf(stderr,
                 "note: sre worst does not use %s: it scores every set of %d targets it considers, whatever the "
                 "strike model, and draws no samples\n",
                 unused.c_str(), o.k);
  w.k = o.k;
  w.seed = o.seed;
  StudyOptions so = o;  // the search draws no strikes: a study of the same k with one uniform sample
  so.strike = "uniform";
  so.samples = 1;
  const Study study(resolve(so));
  std::atomic<std::uint64_t> evaluations{0};
  w.evaluations = &evaluations;
  const WorstCaseResult r = [&] {
    const LongTask task("worst", [&] {
      return "worst: " + std::to_string(evaluations.load()) + " strike sets evaluated";
    });
    return find_worst_strikes(study, w);
  }();
  const TargetSet& ts = study.targets();
  if (r.best.empty()) {
    // The time limit came before the greedy construction had a set of k targets.
    if (json) {
      Json j;
      j["best"] = Json::array();
      j["evaluations"] = r.evaluations;
      j["exhaustive"] = false;
      j["time_limit_hit"] = r.time_limit_hit;
      j["k"] = w.k;
      j["seconds"] = r.seconds;
      std::cout << json_text(j) << "\n";
    }
    std::fprintf(stderr,
                 "sre worst: the time limit (%g s) ended the search before any set of %d targets was complete "
                 "(%llu evaluations of smaller sets); raise --time-limit\n",
                 w.time_limit_s, w.k, static_cast<unsigned long long>(r.evaluations));
    return 1;
  }
  const bool defended = !o.defence.empty();
  if (json) {
    Json best = Json::array();
    for (const auto& b : r.best) {
      std::vector<std::string> names, defended_names;
      for (int t : b.targets) {
        names.push_back(ts.name[t]);
        if (study.intercept()[t] > 0.0) defended_names.push_back(ts.name[t]);
      }
      Json s;
      s["targets"] = names;
      s["shed_mw"] = b.shed_mw;
      s["defended"] = defended_names;
      best.push_back(std::move(s));
    }
    Json j;
    j["best"] = std::move(best);
    j["evaluations"] = r.evaluations;
    j["scenarios"] = r.scenarios;
    j["exhaustive"] = r.exhaustive;
    j["time_limit_hit"] = r.time_limit_hit;
    j["k"] = w.k;
    j["total_demand_mw"] = study.network().total_demand_pos;
    j["targets"] = o.targets;
    j["response"] = o.response;
    j["rule"] = o.rule;
    j["tol"] = o.tol;
    j["max_steps"] = o.max_steps;
    j["solver"] = o.solver;
    j["dispatch"] = o.dispatch;
    j["dispatch_used"] = to_string(study.dispatch_used());
    j["defence"] = o.defence;
    j["score"] = defended ? "expected_shed" : "shed";  // shed_mw: expected over the interception outcomes, or the shed
    j["assumptions"] = study.assumptions();
    j["seconds"] = r.seconds;
    std::cout << json_text(j) << "\n";
    return 0;
  }
  std::printf("worst strikes of %d targets (%s; %llu evaluations, %.2f s)%s\n", w.k,
              r.exhaustive ? "exhaustive: exact" : "greedy + local search: lower bound",
              static_cast<unsigned long long>(r.evaluations), r.seconds, r.time_limit_hit ? " [time limit hit]" : "");
  std::printf("  %s\n", study.assumptions().c_str());
  if (defended)
    std::printf("  defence %s: expected shed over the interception outcomes of each set's defended members "
                "(marked *; %llu scenarios)\n",
                o.defence.c_str(), static_cast<unsigned long long>(r.scenarios));
  std::printf("  %4s  %12s  %8s  %s\n", "rank", defended ? "E[shed] MW" : "shed MW", "% demand", "targets");
  for (std::size_t i = 0; i < r.best.size(); ++i) {
    std::printf("  %4zu  %12.4f  %8.3f  ", i + 1, r.best[i].shed_mw, 100.0 * r.best[i].shed_mw / study.network().total_demand_pos);
    for (std::size_t j = 0; j < r.best[i].targets.size(); ++j) {
      const int t = r.best[i].targets[j];
      std::printf("%s%s%s", j ? ", " : "", ts.name[t].c_str(), study.intercept()[t] > 0.0 ? "*" : "");
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace sre::cli
