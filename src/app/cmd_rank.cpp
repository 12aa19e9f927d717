// sre rank: targets ranked with 95% confidence intervals, from a results file
// (/targets/*) or from a study run in-process; flags neighbours whose intervals
// overlap (their order is not yet resolved: more samples needed).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "app/option_values.hpp"
#include "app/study_options.hpp"
#include "planning/defence_planner.hpp"
#include "io/csv_table.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "results/results_file.hpp"
#include "stats/summary.hpp"

namespace sre::cli {
namespace {

constexpr double kZ = 1.959963984540054;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What ranking needs per target.
struct TargetStats {
  std::uint64_t samples = 0;
  std::vector<std::string> name, target_class;
  std::vector<double> destroyed, shed_when_destroyed, criticality, criticality_low, criticality_high;
  std::vector<double> swd_low, swd_high;  // NaN when unknown
};

// Shed-when-destroyed CI from the tally sums: mean ± 1.96 sd / sqrt(n destroyed).
void swd_interval(const Tally& t, TargetStats& s) {
  const int nt = t.shape.n_targets;
  s.swd_low.assign(nt, kNaN);
  s.swd_high.assign(nt, kNaN);
  for (int k = 0; k < nt && k < static_cast<int>(s.name.size()); ++k) {
    const auto nd = static_cast<std::uint64_t>(t.target_destroyed[k]);
    if (nd < 2) continue;
    double m, sd;
    mean_and_std(nd, t.target_shed_sum[k], t.target_shed_sumsq[k], m, sd);
    const double h = kZ * sd / std::sqrt(static_cast<double>(nd));
    s.swd_low[k] = m - h;
    s.swd_high[k] = m + h;
  }
}

TargetStats from_file(const std::string& path) {
  TargetTable t = read_target_table(path);
  // An sre file's metadata and exact sums: a checkpoint is refused. (A file without sre's
  // metadata, such as a hand-made one, is ranked from its /targets alone.)
  const std::optional<StoredTally>& stored = t.stored;
  if (stored && !stored->meta.complete)
    throw InputError(path, 0, "is a checkpoint, not finished results (partial: " +
                                  std::to_string(stored->meta.sample_end - stored->meta.sample_begin) + " of " +
                                  std::to_string(stored->meta.samples) + " samples); finish it with `sre run ... --resume " +
                                  path + "` and rank the results file it writes");
  TargetStats s;
  s.samples = t.samples;
  s.name = std::move(t.name);
  s.target_class = std::move(t.target_class);
  s.destroyed = std::move(t.destroyed);
  s.shed_when_destroyed = std::move(t.shed_mean_when_destroyed);
  s.criticality = std::move(t.criticality);
  s.criticality_low = std::move(t.criticality_ci95_low);
  s.criticality_high = std::move(t.criticality_ci95_high);
  const std::size_t nt = s.name.size();
  if (stored && stored->tally.shape.n_targets == static_cast<int>(nt)) {
    swd_interval(stored->tally, s);  // exact sums, for the shed-when-destroyed interval
  } else {
    s.swd_low.assign(nt, kNaN);
    s.swd_high.assign(nt, kNaN);
  }
  return s;
}

}  // namespace

int cmd_rank(const std::vector<std::string>& args) {
  po::options_description study_desc("study options, to run a study in-process instead of reading --results");
  StudyOptions o;
  add_study_options(study_desc, o);
  po::options_description rank_desc("rank options");
  std::string results, by = "criticality", csv, config;
  int top = 20, threads = 0;
  rank_desc.add_options()
      ("results", po::value(&results), "results file of `sre run` (HDF5)")
      ("config", po::value(&config), "INI file of study options (with --case instead of --results)")
      ("threads", whole(&threads, "threads", 0, 4096), "worker threads for an in-process study (0 = all cores)")
      ("top", whole(&top, "top", 0, kMaxWhole), "targets to print (0: all)")
      ("by", po::value(&by)->default_value(by),
       "criticality (mean shed when destroyed minus when not, MW), shed_when_destroyed (MW), or\n"
       "destroyed (probability that the target is destroyed)")
      ("csv", po::value(&csv), "also write the full ranking to this CSV file");
  po::options_description desc;
  desc.add(rank_desc).add(study_desc);
  po::variables_map vm;
  if (!parse_command_line("rank", "(--results FILE.h5 | --case FILE [study options] | --config C.ini) [options]",
                          "Rank targets with 95% confidence intervals. `overlap` marks neighbours whose intervals\n"
                          "overlap: their order is not resolved yet (more samples needed).",
                          desc, args, vm))
    return 0;
  apply_config_file(study_desc, vm, config);
  if (by != "criticality" && by != "shed_when_destroyed" && by != "destroyed")
    throw UsageError("--by must be criticality, shed_when_destroyed or destroyed");
  if (top < 0) throw UsageError("--top must be >= 0");
  if (results.empty() == o.case_path.empty()) throw UsageError("give exactly one of --results FILE.h5 or --case FILE (or --config)");

  TargetStats s;
  if (!results.empty()) {
    s = from_file(results);
  } else {
    const Study study(resolve(o));
    const RunOutput run = run_samples(study, 0, study.samples(), threads, false, nullptr, nullptr);
    const Summary sum = summarize(run.tally, study.network().bus_demand_pos);
    s.samples = run.tally.n;
    s.name = study.targets().name;
    for (TargetClass c : study.targets().target_class) s.target_class.emplace_back(to_string(c));
    s.destroyed.assign(sum.target_destroyed.begin(), sum.target_destroyed.end());
    s.shed_when_destroyed = sum.shed_mean_when_destroyed;
    s.criticality = sum.criticality;
    s.criticality_low = sum.criticality_ci95_low;
    s.criticality_high = sum.criticality_ci95_high;
    swd_interval(run.tally, s);
  }
  if (!csv.empty()) check_output_path(csv);

  std::vector<double> value, lo, hi;
  std::string unit;
  if (by == "criticality") {
    value = s.criticality, lo = s.criticality_low, hi = s.criticality_high, unit = "MW";
  } else if (by == "shed_when_destroyed") {
    value = s.shed_when_destroyed, lo = s.swd_low, hi = s.swd_high, unit = "MW";
  } else {
    unit = "probability";
    const double n = static_cast<double>(s.samples);
    for (double c : s.destroyed) {
      const double p = n > 0 ? c / n : kNaN;
      const double h = n > 0 ? kZ * std::sqrt(p * (1 - p) / n) : kNaN;
      value.push_back(p), lo.push_back(p - h), hi.push_back(p + h);
    }
  }
  const std::vector<RankRow> rows = rank_targets(s.name, value, lo, hi);
  std::unordered_map<std::string, std::string> class_of;  // target names are unique
  for (std::size_t t = 0; t < s.name.size(); ++t) class_of.emplace(s.name[t], s.target_class[t]);

  if (!csv.empty()) {
    std::ostringstream out;
    out.precision(10);
    auto text = [&out](const auto& v) {  // a number as the stream prints it (10 significant digits; bools 0/1)
      out.str("");
      out << v;
      return out.str();
    };
    std::string body =
        csv_row({"rank", "target", by, "ci95_low", "ci95_high", "overlap_above", "overlap_below", "class"});
    for (std::size_t i = 0; i < rows.size(); ++i)
      body += csv_row({text(i + 1), rows[i].name, text(rows[i].value), text(rows[i].ci95_low), text(rows[i].ci95_high),
                       text(rows[i].overlap_above), text(rows[i].overlap_below), class_of[rows[i].name]});
    write_file_atomically(csv, body, "ranking CSV");
  }
  std::printf("targets ranked by %s (%s), %llu samples; %zu of %zu targets have a value\n", by.c_str(), unit.c_str(),
              static_cast<unsigned long long>(s.samples), rows.size(), s.name.size());
  std::printf("  %4s  %-16s  %-9s  %12s  %-27s  %s\n", "rank", "target", "class", by == "destroyed" ? "p" : "MW", "95% CI",
              "order vs next");
  const std::size_t shown = top == 0 ? rows.size() : std::min<std::size_t>(rows.size(), static_cast<std::size_t>(top));
  int unresolved = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) unresolved += rows[i].overlap_below;
  for (std::size_t i = 0; i < shown; ++i) {
    char ci[64];
    std::snprintf(ci, sizeof ci, "[%.4f, %.4f]", rows[i].ci95_low, rows[i].ci95_high);
    std::printf("  %4zu  %-16s  %-9s  %12.4f  %-27s  %s\n", i + 1, rows[i].name.c_str(), class_of[rows[i].name].c_str(),
                rows[i].value, ci,
                i + 1 == rows.size() ? "" : rows[i].overlap_below ? "OVERLAP (unresolved)" : "resolved");
  }
  std::printf("\n  %d of %zu neighbouring pairs overlap: more samples would be needed to order them\n", unresolved,
              rows.empty() ? std::size_t{0} : rows.size() - 1);
  return 0;
}

}  // namespace sre::cli
