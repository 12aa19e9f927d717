#include "app/study_options.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/option_values.hpp"
#include "io/input_error.hpp"

namespace sre::cli {

void add_study_options(po::options_description& desc, StudyOptions& o) {
  desc.add_options()
      ("case", po::value(&o.case_path), "case file: MATPOWER (format version 2, .m), PSS/E RAW (revision 33 or 35, .raw) or RAWX (.rawx), told by its content; required")
      ("targets", po::value(&o.targets)->default_value(o.targets),
       "what a strike destroys, a comma-separated union of: bus (each in-service bus), transformer-groups\n"
       "(buses joined by transformers form one substation), substations (the case's own: PSS/E revision 35\n"
       "substation data, each named by the case) or FILE.csv with columns bus_id,substation (the\n"
       "substations: one of these four); branch (each in-service branch, named branch:ROW); generator (each\n"
       "in-service unit with Pg >= 0, named gen:ROW); FILE.csv with columns element,target (elements bus:ID,\n"
       "branch:ROW, gen:ROW grouped into named targets, e.g. a plant with its units and step-up transformer).\n"
       "ROW is the 1-based row of mpc.branch or mpc.gen (PSS/E: lines, then two-winding transformers, then\n"
       "three windings per three-winding transformer; generators in file order). E.g. --targets bus,generator")
      ("strike", po::value(&o.strike)->default_value(o.strike),
       "strike model: uniform (k distinct targets), weighted (k targets drawn in proportion to\n"
       "--weights), independent (each target with probability p), exhaustive (every k-subset once)")
      ("k", po::value<std::string>()->default_value(std::to_string(o.k))->notifier([&o](const std::string& v) { parse_k(v, o); }),
       "targets struck per sample (uniform, weighted, exhaustive): one k over all targets, or a budget per\n"
       "class, e.g. bus:2,branch:1 (each class drawn within itself; exhaustive enumerates the product of the\n"
       "classes' combinations)")
      ("weights", po::value(&o.weights)->default_value(o.weights),
       "weights for --strike weighted: degree, demand, generation, throughput, or FILE.csv:COLUMN\n"
       "(CSV with a `target` column)")
      ("probability", real(&o.probability, "probability", 0.0, 1.0, false), "strike probability of every target (--strike independent)")
      ("probabilities", po::value(&o.probabilities), "per-target strike probabilities FILE.csv:COLUMN (--strike independent)")
      ("defence", po::value(&o.defence),
       "defence plan FILE.csv with columns target,intercept: a struck target survives with that probability")
      ("response", po::value(&o.response)->default_value(o.response),
       "grid response: operator (protection trips branches above (1 + tol) x their rating, round\n"
       "after round, then the operator re-dispatches: in every island with a branch above its rating, the\n"
       "least load shed by moving generation, within the ratings; the credible default), cascade\n"
       "(protection only), opf (the re-dispatch only, on the state the strike leaves), dc (flows;\n"
       "overloads counted, nothing trips), topology (islands and balancing only)")
      ("dispatch", po::value(&o.dispatch)->default_value(o.dispatch),
       "base dispatch: scopf (DC optimal power flow with preventive N-1 security: no single branch loss\n"
       "takes another branch above (1 + tol) x its rating; contingencies that no dispatch secures are\n"
       "reported), dcopf (the DC OPF alone), or case (generator outputs from the file). An OPF that cannot\n"
       "be had (no gencost, infeasible) falls back to case with a note")
      ("rule", po::value(&o.rule)->default_value(o.rule), "cascade rule: all (trip every overloaded branch) or worst (only the worst)")
      ("tol", real(&o.tol, "tol", 0.0, 1e6),
       "protection: a branch trips above its limit x (1 + tol); 0.5 is a relay acting at 150 %; also the\n"
       "post-contingency limit of --dispatch scopf")
      ("max-steps", whole(&o.max_steps, "max-steps", 0, 1000000), "cascade rounds at most")
      ("solver", po::value(&o.solver)->default_value(o.solver), "flow solver: fast (low-rank updates of one base factor) or reference (refactorise per island)")
      ("samples", whole(&o.samples, "samples", 1, kMaxWhole, false), "samples to evaluate (default 100000; exhaustive: all C(n, k))")
      ("seed", whole(&o.seed, "seed", 0, kMaxWhole), "random seed: the same seed gives the same results on any thread count");
}

namespace {
// The 1-based line of `key = ...` in the config file, 0 when not found.
int config_line(const std::string& path, std::string key) {
  while (!key.empty() && key.front() == '-') key.erase(key.begin());
  std::ifstream in(path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#' || line[start] == ';') continue;
    const auto eq = line.find('=', start);
    if (eq == std::string::npos) continue;
    std::string name = line.substr(start, eq - start);
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name == key) return n;
  }
  return 0;
}
}  // namespace

// File paths in a config file are relative to the config file's folder (as a Slurm job
// that runs elsewhere needs), made absolute here; keywords (targets = bus, weights =
// degree, ...) stay as they are. For FILE.csv:COLUMN values the FILE part is resolved; in a
// targets union (targets = plants.csv,bus,branch) each file is.
void resolve_config_paths(po::parsed_options& parsed, const std::string& config_path) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::absolute(fs::path(config_path)).parent_path();
  auto resolve = [&](const std::string& v) {
    const fs::path p(v);
    return p.is_absolute() ? v : (dir / p).lexically_normal().string();
  };
  auto resolve_file_column = [&](const std::string& v) {
    const auto colon = v.rfind(':');
    return colon == std::string::npos ? resolve(v) : resolve(v.substr(0, colon)) + v.substr(colon);
  };
  // targets: a comma-separated union of class keywords and files; only the files resolve.
  auto resolve_targets = [&](const std::string& v) {
    std::string out;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = v.find(',', start);
      const std::string item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const auto a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
      const std::string token = a == std::string::npos ? std::string() : item.substr(a, b - a + 1);
      const bool keyword = token.empty() || token == "bus" || token == "transformer-groups" || token == "substations" ||
                           token == "branch" ||
                           token == "generator";
      out += (start ? "," : "") + (keyword ? item : resolve(token));
      if (comma == std::string::npos) return out;
      start = comma + 1;
    }
  };
  for (po::option& opt : parsed.options) {
    if (opt.value.empty() || opt.value.front().empty()) continue;
    std::string& v = opt.value.front();
    const std::string& key = opt.string_key;
    const bool a_file = key == "case" || key == "defence";
    const bool a_file_column =
        key == "probabilities" ||
        (key == "weights" && v != "degree" && v != "demand" && v != "generation" && v != "throughput");
    // Campaign options (sre campaign, sre defend --campaign): files where they name one.
    const bool a_campaign_file =
        key == "repair" || ((key == "waves" || key == "demand-profile") && v.size() > 4 && v.ends_with(".csv"));
    if (a_file || a_campaign_file) v = resolve(v);
    if (key == "targets") v = resolve_targets(v);
    if (a_file_column) v = resolve_file_column(v);
  }
}

void apply_config_file(const po::options_description& desc, po::variables_map& vm, const std::string& config_path) {
  if (config_path.empty()) return;
  std::ifstream in(config_path);
  if (!in) throw InputError(config_path, 0, "cannot open the config file; check the path");
  try {
    po::parsed_options parsed = po::parse_config_file(in, desc, false);
    resolve_config_paths(parsed, config_path);
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const OptionValueError& e) {
    throw InputError(config_path, config_line(config_path, e.option), e.what());
  } catch (const po::error_with_option_name& e) {
    throw InputError(config_path, config_line(config_path, e.get_option_name()),
                     std::string(e.what()) + " (a config file holds `option = value` lines with the long option names "
                                             "of `sre run --help`)");
  } catch (const po::error& e) {
    throw InputError(config_path, 0, std::string(e.what()) + " (a config file holds `option = value` lines with the "
                                                             "long option names of `sre run --help`)");
  }
}

std::string study_to_ini(const StudyOptions& o) {
  std::ostringstream s;
  s.precision(17);
  s << "# sre study configuration (sre run --config FILE.ini)\n";
  s << "case = " << o.case_path << "\n";
  s << "targets = " << o.targets << "\n";
  s << "strike = " << o.strike << "\n";
  s << "k = " << (o.k_classes.empty() ? std::to_string(o.k) : o.k_classes) << "\n";
  if (o.strike == "weighted") s << "weights = " << o.weights << "\n";
  if (!std::isnan(o.probability)) s << "probability = " << o.probability << "\n";
  if (!o.probabilities.empty()) s << "probabilities = " << o.probabilities << "\n";
  if (!o.defence.empty()) s << "defence = " << o.defence << "\n";
  s << "dispatch = " << o.dispatch << "\n";
  s << "response = " << o.response << "\n";
  s << "rule = " << o.rule << "\n";
  s << "tol = " << o.tol << "\n";
  s << "max-steps = " << o.max_steps << "\n";
  s << "solver = " << o.solver << "\n";
  s << "samples = " << o.samples << "\n";
  s << "seed = " << o.seed << "\n";
  return s.str();
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace sre::cli
