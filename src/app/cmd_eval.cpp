// sre eval: one strike scenario, evaluated and reported (JSON with --json).
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "app/json_output.hpp"
#include "app/study_options.hpp"
#include "app/option_values.hpp"
#include "io/input_error.hpp"
#include "results/results_file.hpp"

namespace sre::cli {

int cmd_eval(const std::vector<std::string>& args) {
  po::options_description desc("options");
  StudyOptions o;
  std::string destroy, outage;
  bool json = false;
  desc.add_options()
      ("case", po::value(&o.case_path)->required(), "case file: MATPOWER (format version 2, .m), PSS/E RAW (revision 33 or 35, .raw) or RAWX (.rawx), told by its content")
      ("destroy", po::value(&destroy),
       "comma-separated target names to destroy (bus ids by default; substation names with --targets FILE.csv or substations;\n"
       "group names such as 8+9+30 with --targets transformer-groups; branch:ROW and gen:ROW with --targets\n"
       "branch or generator)")
      ("outage", po::value(&outage),
       "comma-separated elements to take out, whatever --targets: bus:ID (a bus with its branches, units and\n"
       "demand), branch:ROW (a cut), gen:ROW (a lost unit); ROW is the 1-based row of mpc.branch, mpc.gen")
      ("targets", po::value(&o.targets)->default_value(o.targets),
       "what --destroy names: bus | transformer-groups | substations | branch | generator | FILE.csv, or a comma-separated union\n"
       "(see sre run --help)")
      ("response", po::value(&o.response)->default_value(o.response), "operator | cascade | opf | dc | topology (see sre run --help)")
      ("dispatch", po::value(&o.dispatch)->default_value(o.dispatch), "base dispatch: scopf | dcopf | case")
      ("rule", po::value(&o.rule)->default_value(o.rule), "cascade rule: all | worst")
      ("tol", real(&o.tol, "tol", 0.0, 1e6), "protection trips above limit x (1 + tol)")
      ("max-steps", whole(&o.max_steps, "max-steps", 0, 1000000), "cascade rounds at most")
      ("solver", po::value(&o.solver)->default_value(o.solver), "flow solver: fast (low-rank updates of one base factor) or reference (refactorise per island)")
      ("json", po::bool_switch(&json), "print the results as one JSON object");
  po::variables_map vm;
  if (!parse_command_line("eval", "--case FILE (--destroy NAME[,NAME...] | --outage ELEMENT[,ELEMENT...]) [options] [--json]",
                          "Evaluate one strike scenario: the targets destroyed (or the elements taken out),\n"
                          "the islands left, the balancing, flows and cascade, and the load shed (model.md\n"
                          "section 7). E.g. --outage bus:5,branch:12,gen:3.",
                          desc, args, vm))
    return 0;
  if (destroy.empty() == outage.empty())
    throw UsageError("give exactly one of --destroy (target names) and --outage (elements bus:ID,branch:ROW,gen:ROW)");
  o.strike = "uniform";
  o.k = 1;
  o.samples = 1;
  const Study study(resolve(o));
  const TargetSet& ts = study.targets();
  const Network& net = study.network();
  SampleWorker worker(study);
  std::vector<std::string> names;
  const SampleOutcome& r = [&]() -> const SampleOutcome& {
    if (!outage.empty()) {
      std::vector<int> el[kTargetClasses];
      for (const std::string& text : split_list(outage)) {
        // Elements as targets are (the case as read: a unit the dispatch runs below 0 MW is
        // accepted, and losing it changes nothing, docs/model.md section 3).
        const ElementRef ref = parse_element(*study.config().case_net, text, "", 0);
        std::vector<int>& list = el[static_cast<int>(ref.kind)];
        if (std::find(list.begin(), list.end(), ref.index) != list.end())
          throw InputError("--outage: element '" + text + "' is given twice");
        list.push_back(ref.index);
      }
      for (auto& list : el) std::sort(list.begin(), list.end());
      for (int i : el[0]) names.push_back("bus:" + std::to_string(net.bus_id[i]));
      for (int e : el[1]) names.push_back("branch:" + std::to_string(e + 1));
      for (int g : el[2]) names.push_back("gen:" + std::to_string(g + 1));
      return worker.run_outages(Outages{el[0], el[1], el[2]});
    }
    std::vector<int> chosen;
    for (const std::string& id : split_list(destroy)) {
      const int t = ts.find(id);
      if (t < 0) throw InputError("--destroy: '" + id + "' is not a target of this study (targets are " + ts.kind + ")");
      chosen.push_back(t);
    }
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    for (int t : chosen) names.push_back(ts.name[t]);
    return worker.run_targets(chosen);
  }();
  const GridState& s = worker.evaluator().state();
  std::vector<long long> tripped, overloaded;
  for (int e : s.removed_branches)
    if (s.branch_tripped[e]) tripped.push_back(e + 1);
  for (int e : worker.evaluator().overloaded_first()) overloaded.push_back(e + 1);

  if (json) {
    Json j;
    j["destroyed"] = names;
    // The sample's figures under the names and in the order of the saved samples' columns
    // (one field list: a column added there is reported here too).
#define SRE_EVAL_COLUMN(name, type) j[#name] = r.name;
    SRE_SAMPLE_COLUMNS(SRE_EVAL_COLUMN)
#undef SRE_EVAL_COLUMN
    j["overloaded_first_branches"] = overloaded;
    j["tripped_branches"] = tripped;
    j["total_demand_mw"] = net.total_demand_pos;
    j["response"] = o.response;
    j["tol"] = o.tol;
    j["dispatch"] = o.dispatch;
    j["dispatch_used"] = to_string(study.dispatch_used());
    j["assumptions"] = study.assumptions();
    std::cout << json_text(j) << "\n";
    return 0;
  }
  std::printf("destroyed           ");
  for (std::size_t i = 0; i < names.size(); ++i) std::printf("%s%s", i ? ", " : "", names[i].c_str());
  std::printf("\nshed                %.6f MW (%.4f %% of %.3f MW)\n", r.shed_mw, 100.0 * r.shed_fraction, net.total_demand_pos);
  std::printf("islands             %d (%d dead: demand and no supply)\n", r.n_islands, r.n_dead_islands);
  std::printf("max loading (first) %.4f\n", r.max_loading_first);
  std::printf("overloaded (first)  %d\n", r.n_overloaded_first);
  std::printf("tripped             %d in %d rounds%s\n", r.n_tripped, r.cascade_steps, r.cap_hit ? " (step cap hit)" : "");
  if (study.response().kind == ResponseKind::kOpf || study.response().kind == ResponseKind::kOperator)
    std::printf("redispatch          %.6f MW\n", r.redispatch_mw);
  std::printf("assumptions         %s\n", study.assumptions().c_str());
  return 0;
}

}  // namespace sre::cli
