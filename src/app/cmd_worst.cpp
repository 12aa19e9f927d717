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

namespace sre::cli {

int cmd_worst(const std::vector<std::string>& args) {
  po::options_description desc("options");
  StudyOptions o;
  WorstCaseOptions w;
  bool json = false;
  desc.add_options()
      ("case", po::value(&o.case_path)->required(), "MATPOWER case file (format version 2, .m)")
      ("k", whole(&w.k, "k", 1, 1000000, false)->required(), "targets per strike set")
      ("targets", po::value(&o.targets)->default_value(o.targets), "bus | transformer-groups | FILE.csv (bus_id,substation)")
      ("response", po::value(&o.response)->default_value(o.response), "operator | cascade | opf | dc | topology (see sre run --help)")
      ("dispatch", po::value(&o.dispatch)->default_value(o.dispatch), "base dispatch: scopf | dcopf | case")
      ("rule", po::value(&o.rule)->default_value(o.rule), "cascade rule: all | worst")
      ("tol", real(&o.tol, "tol", 0.0, 1e6), "protection trips above limit x (1 + tol)")
      ("solver", po::value(&o.solver)->default_value(o.solver), "flow solver: fast or reference")
      ("max-steps", whole(&o.max_steps, "max-steps", 0, 1000000), "cascade rounds at most")
      ("restarts", whole(&w.restarts, "restarts", 1, 1000000),
       "local-search starts (start 0: pure greedy; others: a random first target, then greedy)")
      ("time-limit", real(&w.time_limit_s, "time-limit", 0.0, 1e9),
       "seconds for the heuristic search (checked between neighbourhood scans; not for enumeration)")
      ("seed", whole(&w.seed, "seed", 0, kMaxWhole), "seed of the random starts")
      ("keep", whole(&w.keep, "keep", 1, 1000000), "best distinct sets to report")
      ("exhaustive-limit", whole(&w.exhaustive_limit, "exhaustive-limit", 0, kMaxWhole),
       "enumerate every K-subset (exact answer) when C(n, K) is at most this")
      ("threads", whole(&w.threads, "threads", 0, 4096), "worker threads (0 = all cores)")
      ("json", po::bool_switch(&json), "print {\"best\": [{\"targets\": [...], \"shed_mw\": ...}, ...], \"evaluations\": N}");
  po::variables_map vm;
  if (!parse_command_line("worst", "--case FILE --k K [options] [--json]",
                          "Find strike sets of K targets that shed the most load. Exact (every K-subset\n"
                          "evaluated) when C(n, K) <= --exhaustive-limit; otherwise greedy construction and\n"
                          "one-swap local search from --restarts starts (a lower bound on the true worst).",
                          desc, args, vm))
    return 0;
  if (w.threads < 0) throw UsageError("--threads must be >= 0");
  o.strike = "uniform";
  o.k = 1;
  o.samples = 1;
  const Study study(resolve(o));
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
  if (json) {
    Json best = Json::array();
    for (const auto& b : r.best) {
      std::vector<std::string> names;
      for (int t : b.targets) names.push_back(ts.name[t]);
      Json s;
      s["targets"] = names;
      s["shed_mw"] = b.shed_mw;
      best.push_back(std::move(s));
    }
    Json j;
    j["best"] = std::move(best);
    j["evaluations"] = r.evaluations;
    j["exhaustive"] = r.exhaustive;
    j["time_limit_hit"] = r.time_limit_hit;
    j["k"] = w.k;
    j["total_demand_mw"] = study.network().total_demand_pos;
    j["response"] = o.response;
    j["tol"] = o.tol;
    j["dispatch_used"] = to_string(study.dispatch_used());
    j["seconds"] = r.seconds;
    std::cout << json_text(j) << "\n";
    return 0;
  }
  std::printf("worst strikes of %d targets (%s; %llu evaluations, %.2f s)%s\n", w.k,
              r.exhaustive ? "exhaustive: exact" : "greedy + local search: lower bound",
              static_cast<unsigned long long>(r.evaluations), r.seconds, r.time_limit_hit ? " [time limit hit]" : "");
  std::printf("  %s\n", study.assumptions().c_str());
  std::printf("  %4s  %12s  %8s  %s\n", "rank", "shed MW", "% demand", "targets");
  for (std::size_t i = 0; i < r.best.size(); ++i) {
    std::printf("  %4zu  %12.4f  %8.3f  ", i + 1, r.best[i].shed_mw, 100.0 * r.best[i].shed_mw / study.network().total_demand_pos);
    for (std::size_t j = 0; j < r.best[i].targets.size(); ++j) std::printf("%s%s", j ? ", " : "", ts.name[r.best[i].targets[j]].c_str());
    std::printf("\n");
  }
  return 0;
}

}  // namespace sre::cli
