// sre run: the Monte Carlo (or exhaustive) strike study.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "engine/cli/study_options.hpp"
#include "engine/input_error.hpp"
#include "engine/results_file.hpp"
#include "engine/run_report.hpp"
#include "engine/summary.hpp"

namespace sre::cli {

int cmd_run(const std::vector<std::string>& args) {
  po::options_description study_desc("study options (also accepted in --config FILE.ini as `name = value`)");
  StudyOptions o;
  add_study_options(study_desc, o);
  po::options_description run_desc("run options");
  std::string config, out_path;
  int threads = 0;
  bool save_samples = false, quiet = false;
  run_desc.add_options()
      ("config", po::value(&config), "INI file of study options (configs/*.ini); the command line wins")
      ("threads", po::value(&threads)->default_value(0), "worker threads (0 = all cores); results do not depend on it")
      ("out", po::value(&out_path)->default_value("results.h5"), "HDF5 results file (docs/results-format.md)")
      ("save-samples", po::bool_switch(&save_samples), "also store every sample (shed, counts, destroyed targets)")
      ("quiet", po::bool_switch(&quiet), "no progress on stderr");
  po::options_description desc;
  desc.add(study_desc).add(run_desc);
  po::variables_map vm;
  if (!parse_command_line("run", "--case FILE [options]",
                          "Sample (or enumerate) strike scenarios against a network, evaluate each, and\n"
                          "write resilience statistics to an HDF5 file. Same seed, same bits, on any thread count.",
                          desc, args, vm))
    return 0;
  apply_config_file(study_desc, vm, config);
  if (o.case_path.empty()) throw UsageError("--case is required (on the command line or in --config)");
  if (threads < 0) throw UsageError("--threads must be >= 0");

  const Study study(o);
  check_writable(out_path);
  StudyOptions resolved = o;
  resolved.samples = study.samples();
  const int n_threads = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());

  RunProgress progress;
  ProgressReporter reporter(progress, study.samples(), study.network().total_demand_pos, !quiet && isatty(STDERR_FILENO));
  const RunOutput run = run_samples(study, 0, study.samples(), n_threads, save_samples, &progress, nullptr);
  reporter.stop();

  const Summary summary = summarize(run.tally, study.network().bus_demand_pos);
  RunMetadata meta;
  meta.command_line = full_command_line();
  meta.config_ini = study_to_ini(resolved);
  meta.case_path = o.case_path;
  meta.seed = o.seed;
  meta.samples = study.samples();
  meta.sample_begin = 0;
  meta.sample_end = run.end;
  meta.response = o.response;
  meta.strike = o.strike;
  meta.rule = o.rule;
  meta.solver = o.solver;
  meta.k = o.k;
  meta.n_grandfathered = study.base().n_grandfathered;
  meta.base_shed_mw = study.base().shed_mw;
  meta.sampling_seconds = run.seconds;
  meta.samples_per_second = run.seconds > 0 ? static_cast<double>(run.tally.n) / run.seconds : 0.0;
  meta.threads = n_threads;
  meta.peak_rss_mb = peak_rss_mb();
  write_results_file(out_path, meta, study.network(), study.targets(), study.base().limit_mw, run.tally, summary,
                     save_samples ? &run.samples : nullptr);
  print_summary_table(stdout, study, summary, run.seconds, n_threads);
  std::printf("\n  results: %s\n", out_path.c_str());
  return 0;
}

}  // namespace sre::cli
