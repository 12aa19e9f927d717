// sre campaign: the winter campaign study (docs/campaign.md). Each Monte Carlo sample is
// one winter of strike waves, repairs and hourly demand; the statistics go to an HDF5
// file (format sre-campaign). Threads, --shard I/N with `sre merge`, mpirun ranks and
// --checkpoint/--resume give the same bits as one uninterrupted process (campaign.md 7).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>

#include "app/campaign_options.hpp"
#include "app/json_output.hpp"
#include "app/option_values.hpp"
#include "app/run_control.hpp"
#include "app/run_report.hpp"
#include "app/study_options.hpp"
#include "campaign/campaign_results.hpp"
#include "campaign/campaign_run.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "study/cluster.hpp"
#include "study/study_identity.hpp"
#ifdef SRE_HAVE_MPI
#include "study/mpi_runner.hpp"
#endif

namespace sre::cli {
namespace {

// Campaigns when --samples is not given: a winter is ~100 single-strike evaluations.
constexpr std::uint64_t kDefaultCampaigns = 1000;

struct Plan {
  StudyOptions options;
  CampaignOptions campaign;
  std::unique_ptr<Study> study;
  std::unique_ptr<CampaignStudy> cs;
  RunMetadata meta;
  SampleRange range, mine;
  std::uint64_t start = 0;
  CampaignTally resumed;
  std::string out_path, checkpoint_path, resume_path;
  double checkpoint_every = 60.0;
  int n_threads = 1;
  bool save_samples = false, quiet = false, json = false;
  Shard shard;
};

void check_resume(const Plan& p, const StoredCampaign& ck, const std::string& path) {
  check_resume_prefix(p.meta, ck.meta, p.range, p.shard, path, "campaign");
  const RunMetadata& m = ck.meta;
  const auto refuse = [&](const std::string& why) {
    throw InputError(path, 0, "cannot resume from this checkpoint: " + why);
  };
  if (!(ck.tally.shape == campaign_shape(*p.cs))) refuse("its tally has a different shape");
  if (ck.tally.n != m.sample_end - m.sample_begin) refuse("its tally count does not match its campaign range");
}

bool make_plan(const std::vector<std::string>& args, Plan& p, int rank, int ranks) {
  po::options_description study_desc("study options (also in --config FILE.ini as `name = value`)");
  StudyOptions& o = p.options;
  add_study_options(study_desc, o);
  po::options_description campaign_desc("campaign options (docs/campaign.md; also in --config)");
  add_campaign_options(campaign_desc, p.campaign);
  po::options_description config_desc;
  config_desc.add(study_desc).add(campaign_desc);
  po::options_description run_desc("run options");
  std::string config, shard;
  int threads = 0;
  run_desc.add_options()
      ("config", po::value(&config), "INI file of study and campaign options (configs/winter_campaign.ini); the command line wins")
      ("threads", whole(&threads, "threads", 0, 4096), "worker threads (0 = all cores); results do not depend on it")
      ("out", po::value(&p.out_path)->default_value("campaign.h5"), "HDF5 results file (docs/results-format.md, Campaign results)")
      ("save-samples", po::bool_switch(&p.save_samples), "also store every campaign's figures (/campaign/samples)")
      ("json", po::bool_switch(&p.json), "print the figures' means and 95 % intervals as JSON instead of the table")
      ("quiet", po::bool_switch(&p.quiet), "no progress on stderr");
  po::options_description cluster_desc("cluster options (docs/cluster.md)");
  cluster_desc.add_options()
      ("shard", po::value(&shard), "I/N: evaluate only slice I (0-based) of N slices of the campaigns; combine with `sre merge`")
      ("checkpoint", po::value(&p.checkpoint_path),
       "FILE: save the tally every --checkpoint-every seconds and on SIGTERM/SIGINT (then exit with status 75)")
      ("checkpoint-every", real(&p.checkpoint_every, "checkpoint-every", 0.0, 1e9), "seconds between checkpoints")
      ("resume", po::value(&p.resume_path), "FILE: continue the same campaign study from this checkpoint");
  po::options_description desc;
  desc.add(config_desc).add(run_desc).add(cluster_desc);
  po::variables_map vm;
  if (!parse_command_line("campaign", "--case FILE [options]",
                          "Sample winter campaigns (docs/campaign.md): strike waves, destroyed targets waiting for\n"
                          "repair, demand by the hour; the grid serves what it can each hour (the transient response\n"
                          "--response for --transient-hours after each wave, else --steady-response). Reports energy\n"
                          "not served, hours without power and heating-drain risk per bus, with 95 % intervals.\n"
                          "Same seed, same bits, on any thread count, --shard split, MPI rank count, and after --resume.\n"
                          "example: sre campaign --config configs/winter_campaign.ini --samples 200 --out winter.h5",
                          desc, args, vm))
    return false;
  apply_config_file(config_desc, vm, config);
  if (o.case_path.empty()) throw UsageError("--case is required (on the command line or in --config)");
  if (!shard.empty()) p.shard = parse_shard(shard);
  if (ranks > 1 || launched_under_mpi()) {
    if (!p.checkpoint_path.empty() || !p.resume_path.empty())
      throw UsageError("--checkpoint and --resume are not supported under mpirun; use --shard I/N with --checkpoint each");
  }
  if (p.save_samples && !p.resume_path.empty())
    throw UsageError("--save-samples cannot be combined with --resume (the checkpoint holds no samples); rerun without");
  if (o.samples == 0) o.samples = kDefaultCampaigns;
  p.study = std::make_unique<Study>(resolve(o));
  p.cs = std::make_unique<CampaignStudy>(*p.study, resolve_campaign(p.campaign, p.study->targets(), p.study->response()));
  if (rank == 0) check_output_path(p.out_path);
  if (!p.checkpoint_path.empty()) check_output_path(p.checkpoint_path);
  p.n_threads = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  if (const int cpus = usable_cpus(); cpus > 0 && cpus < p.n_threads && !p.quiet)
    std::fprintf(stderr, "note: %d threads asked for, but this process may run on %d CPU%s only (its CPU affinity)\n",
                 p.n_threads, cpus, cpus == 1 ? "" : "s");

  StudyOptions resolved = o;
  resolved.samples = p.study->samples();
  p.meta = run_metadata(*p.study, resolved, study_to_ini(resolved) + "# campaign (sre campaign --config FILE.ini)\n" +
                                               campaign_to_ini(p.campaign),
                        p.shard, p.n_threads);

  const SampleRange all{0, p.study->samples()};
  p.range = p.shard.count > 0 ? split_range(all, p.shard.index, p.shard.count) : all;
  p.mine = split_range(p.range, rank, ranks);
  p.start = p.mine.begin;
  p.resumed.reset(campaign_shape(*p.cs));
  if (!p.resume_path.empty()) {
    StoredCampaign ck = read_campaign_file(p.resume_path);
    check_resume(p, ck, p.resume_path);
    p.start = ck.meta.sample_end;
    p.resumed = std::move(ck.tally);
  }
  return true;
}

void write_output(const Plan& p, const std::string& path, CampaignTally tally, std::uint64_t end, double seconds,
                  bool save_samples) {
  tally.sort_by_index();
  RunMetadata m = p.meta;
  m.sample_begin = p.range.begin;
  m.sample_end = end;
  m.complete = end == p.range.end;
  m.sampling_seconds = seconds;
  m.samples_per_second = seconds > 0 ? static_cast<double>(tally.n) / seconds : 0.0;
  m.peak_rss_mb = peak_rss_mb();
  const CampaignSummary summary = summarize_campaigns(tally, p.study->network().bus_demand_pos);
  write_campaign_file(path, CampaignFileContent{m, p.cs->assumptions(), p.study->network(), p.study->targets(),
                                                p.study->base().limit_mw, p.cs->config(), tally, summary,
                                                save_samples});
}

// {"samples": N, "<figure>": {"mean": x, "ci95": [lo, hi]}, ...} on one line (NaN: null).
void print_json(const CampaignSummary& s) {
  Json j;
  j["samples"] = s.samples;
  for (int k = 0; k < kCampaignFigures; ++k) {
    const FigureSummary& f = s.figure[k];
    j[kCampaignFigureNames[k]] = {{"mean", f.mean}, {"ci95", {f.ci95_low, f.ci95_high}}};
  }
  std::cout << json_text(j) << "\n";
}

void print_table(const Plan& p, const CampaignSummary& s, double seconds, std::uint64_t evaluated, int ranks) {
  const Network& net = p.study->network();
  std::printf("sre campaign: %s\n  %s\n", p.options.case_path.c_str(), p.cs->assumptions().c_str());
  std::printf("  %llu campaigns of %d days (%llu evaluated here in %.1f s, %.2f campaigns/s, %d rank%s x %d threads)\n\n",
              static_cast<unsigned long long>(s.samples), p.campaign.days, static_cast<unsigned long long>(evaluated),
              seconds, seconds > 0 ? static_cast<double>(evaluated) / seconds : 0.0, ranks, ranks == 1 ? "" : "s",
              p.n_threads);
  std::printf("  %-18s %14s %27s %12s %12s %12s\n", "figure", "mean", "95% interval", "median", "q95", "max");
  for (int k = 0; k < kCampaignFigures; ++k) {
    const FigureSummary& f = s.figure[k];
    std::printf("  %-18s %14.4g   [%11.4g, %11.4g] %12.4g %12.4g %12.4g\n", kCampaignFigureNames[k], f.mean,
                f.ci95_low, f.ci95_high, f.q50, f.q95, f.max);
  }
  std::vector<int> order(net.n_bus());
  std::iota(order.begin(), order.end(), 0);
  const auto top = [&](const std::vector<double>& v, const char* title, const char* unit) {
    std::vector<int> o = order;
    o.erase(std::remove_if(o.begin(), o.end(), [&](int i) { return !(v[i] > 0.0); }), o.end());
    std::stable_sort(o.begin(), o.end(), [&](int a, int b) { return v[a] > v[b]; });
    std::printf("\n  %s:", title);
    if (o.empty()) std::printf(" none");
    for (std::size_t j = 0; j < o.size() && j < 5; ++j)
      std::printf("%s bus %lld %.3g%s", j ? "," : "", static_cast<long long>(net.bus_id[o[j]]), v[o[j]], unit);
    std::printf("\n");
  };
  top(s.bus_hours_without_power_mean, "most hours without power (mean per campaign)", " h");
  top(s.bus_drain_probability, "highest heating-drain probability", "");
  const TargetSet& ts = p.study->targets();
  std::vector<int> t(ts.size());
  std::iota(t.begin(), t.end(), 0);
  const std::vector<double>& hd = s.target_hours_destroyed_mean;
  std::stable_sort(t.begin(), t.end(), [&](int a, int b) { return hd[a] > hd[b]; });
  std::printf("\n  targets destroyed longest (mean hours per campaign):");
  for (std::size_t j = 0; j < t.size() && j < 5 && hd[t[j]] > 0.0; ++j)
    std::printf("%s %s %.3g h", j ? "," : "", ts.name[t[j]].c_str(), hd[t[j]]);
  std::printf("\n");
}

int run_single(Plan& p) {
  std::optional<StopSignals> signals;
  if (!p.checkpoint_path.empty()) signals.emplace();
  RunProgress progress;
  progress.done.store(p.start - p.range.begin);
  ProgressReporter reporter(progress, p.range.size(), !p.quiet && isatty(STDERR_FILENO), "campaigns", "ENS MWh");
  using Clock = std::chrono::steady_clock;
  auto last = Clock::now();
  CampaignChunkHook on_chunk;
  if (!p.checkpoint_path.empty())
    on_chunk = [&](std::uint64_t end, double seconds, const std::function<CampaignTally()>& tally) {
      if (stop_requested()) return;  // written below
      if (std::chrono::duration<double>(Clock::now() - last).count() < p.checkpoint_every) return;
      CampaignTally t = p.resumed;
      t.merge(tally());
      write_output(p, p.checkpoint_path, std::move(t), end, seconds, false);
      last = Clock::now();
    };
  const CampaignRunOutput run = run_campaigns(*p.cs, p.start, p.range.end, p.n_threads, &progress,
                                              p.checkpoint_path.empty() ? nullptr : stop_flag(), on_chunk);
  reporter.stop();
  CampaignTally tally = p.resumed;
  tally.merge(run.tally);
  if (run.end < p.range.end) {
    write_output(p, p.checkpoint_path, std::move(tally), run.end, run.seconds, false);
    std::fprintf(stderr,
                 "sre campaign: stopped by signal %d after campaigns [%llu, %llu) of [%llu, %llu); checkpoint written "
                 "to %s\n             continue with the same options plus --resume %s (exit status %d)\n",
                 stop_signal(), static_cast<unsigned long long>(p.range.begin),
                 static_cast<unsigned long long>(run.end), static_cast<unsigned long long>(p.range.begin),
                 static_cast<unsigned long long>(p.range.end), p.checkpoint_path.c_str(), p.checkpoint_path.c_str(),
                 kExitInterrupted);
    return kExitInterrupted;
  }
  tally.sort_by_index();
  write_output(p, p.out_path, tally, run.end, run.seconds, p.save_samples);
  const CampaignSummary s = summarize_campaigns(tally, p.study->network().bus_demand_pos);
  if (p.json) {
    print_json(s);
  } else {
    print_table(p, s, run.seconds, run.tally.n, 1);
    if (p.shard.count > 0)
      std::printf("\n  shard %d/%d: %s\n  combine all %d shards with: sre merge SHARD... -o OUT.h5\n", p.shard.index,
                  p.shard.count, p.out_path.c_str(), p.shard.count);
    else
      std::printf("\n  results: %s (report: scripts/report.py %s)\n", p.out_path.c_str(), p.out_path.c_str());
  }
  return 0;
}


#ifdef SRE_HAVE_MPI
int run_mpi(const std::vector<std::string>& args) {
  mpi::Session session;
  const int rank = session.rank(), ranks = session.size();
  Plan p;
  std::exception_ptr error;
  bool help = false;
  if (!all_ok(session, [&] { help = !make_plan(args, p, rank, ranks); }, error)) return 1;
  if (help) return 0;
  const std::string identity = StudyIdentity::of(p.meta).key();
  const std::string root_identity = session.broadcast(identity);
  if (!all_ok(session, [&] {
        if (identity != root_identity)
          throw InputError("MPI rank " + std::to_string(rank) +
                           " sees a different study than rank 0 (case file bytes or options differ)");
      }, error))
    return 1;
  RunProgress progress;
  std::optional<ProgressReporter> reporter;
  reporter.emplace(progress, p.mine.size(), rank == 0 && !p.quiet && isatty(STDERR_FILENO), "campaigns", "ENS MWh");
  CampaignRunOutput run;
  if (!all_ok(session, [&] { run = run_campaigns(*p.cs, p.mine.begin, p.mine.end, p.n_threads, &progress, nullptr); },
              error))
    return 1;
  reporter->stop();
  const double seconds = session.max(run.seconds);
  CampaignTally tally;
  tally.reset(run.tally.shape);
  const std::vector<std::int64_t> sums = session.sum_to_root(run.tally.sum_words());
  std::vector<std::uint64_t> index = session.gather_to_root(run.tally.index);
  std::vector<double> figures = session.gather_to_root(run.tally.figures);
  if (rank != 0) return 0;
  tally.set_sum_words(sums);
  tally.n = index.size();
  tally.index = std::move(index);
  tally.figures = std::move(figures);
  tally.sort_by_index();
  p.meta.threads = p.n_threads * ranks;
  write_output(p, p.out_path, tally, p.range.end, seconds, p.save_samples);
  const CampaignSummary s = summarize_campaigns(tally, p.study->network().bus_demand_pos);
  if (p.json)
    print_json(s);
  else
    print_table(p, s, seconds, tally.n, ranks);
  return 0;
}
#endif

}  // namespace

int cmd_campaign(const std::vector<std::string>& args) {
  if (launched_under_mpi()) {
#ifdef SRE_HAVE_MPI
    return run_mpi(args);
#else
    throw UsageError("started by mpirun, but this sre was built without MPI (configure with -DSRE_MPI=ON); run it "
                     "without mpirun, or split the work with --shard I/N and `sre merge`");
#endif
  }
  Plan p;
  if (!make_plan(args, p, 0, 1)) return 0;
  return run_single(p);
}

}  // namespace sre::cli
