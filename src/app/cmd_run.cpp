// sre run: the Monte Carlo (or exhaustive) strike study.
//
// Cluster runs (docs/cluster.md): `--shard I/N` evaluates slice I of N and writes a
// shard file for `sre merge`; under `mpirun -np N` (build with SRE_MPI) the ranks
// split the range and rank 0 writes the one results file; `--checkpoint FILE`
// saves the tally and the completed range now and then and on SIGTERM/SIGINT
// (exit status 75), and `--resume FILE` continues from it. Every way gives the
// statistics of one uninterrupted process, bit for bit (model section 8).
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "app/run_control.hpp"
#include "app/study_options.hpp"
#include "study/cluster.hpp"
#include "app/option_values.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "results/results_file.hpp"
#include "app/run_report.hpp"
#include "study/study_identity.hpp"
#include "stats/summary.hpp"
#ifdef SRE_HAVE_MPI
#include "study/mpi_runner.hpp"
#endif

namespace sre::cli {
namespace {

// Everything the ranks agree on before sampling.
struct Plan {
  StudyOptions options;
  std::unique_ptr<Study> study;
  RunMetadata meta;  // study identity; range and runtime filled in later
  SampleRange range;  // this process's (shard's) whole range
  SampleRange mine;   // the part this rank evaluates
  std::uint64_t start = 0;  // where sampling starts (after a resume)
  Tally resumed;            // the checkpoint's tally (empty without --resume)
  std::string out_path, checkpoint_path, resume_path;
  double checkpoint_every = 60.0;
  int n_threads = 1;
  bool save_samples = false, quiet = false;
  Shard shard;
};

void check_resume(const Plan& p, const StoredTally& ck, const std::string& path) {
  check_resume_prefix(p.meta, ck.meta, p.range, p.shard, path, "sample");
  const RunMetadata& m = ck.meta;
  const auto refuse = [&](const std::string& why) {
    throw InputError(path, 0, "cannot resume from this checkpoint: " + why);
  };
  const TallyShape& a = ck.tally.shape;
  const TallyShape b = p.study->tally_shape();
  if (a.n_targets != b.n_targets || a.n_buses != b.n_buses || a.n_branches != b.n_branches ||
      a.total_demand_mw != b.total_demand_mw)
    refuse("its tally has a different shape");
  if (ck.tally.n != m.sample_end - m.sample_begin) refuse("its tally count does not match its sample range");
}

// Parses and validates everything; throws UsageError/InputError. Returns false after --help.
bool make_plan(const std::vector<std::string>& args, Plan& p, int rank, int ranks) {
  po::options_description study_desc("study options (also accepted in --config FILE.ini as `name = value`)");
  StudyOptions& o = p.options;
  add_study_options(study_desc, o);
  po::options_description run_desc("run options");
  std::string config, shard;
  int threads = 0;
  run_desc.add_options()
      ("config", po::value(&config), "INI file of study options (configs/*.ini); the command line wins")
      ("threads", whole(&threads, "threads", 0, 4096), "worker threads (0 = all cores); results do not depend on it")
      ("out", po::value(&p.out_path)->default_value("results.h5"), "HDF5 results file (docs/results-format.md)")
      ("save-samples", po::bool_switch(&p.save_samples), "also store every sample (shed, counts, destroyed targets)")
      ("quiet", po::bool_switch(&p.quiet), "no progress on stderr");
  po::options_description cluster_desc("cluster options (docs/cluster.md)");
  cluster_desc.add_options()
      ("shard", po::value(&shard),
       "I/N: evaluate only slice I (0-based) of N contiguous slices of the samples and write a\n"
       "shard file to --out; combine all N with `sre merge`")
      ("checkpoint", po::value(&p.checkpoint_path),
       "FILE: save the tally and the completed sample range to FILE every --checkpoint-every\n"
       "seconds, and on SIGTERM/SIGINT (then exit with status 75)")
      ("checkpoint-every", real(&p.checkpoint_every, "checkpoint-every", 0.0, 1e9), "seconds between checkpoints")
      ("resume", po::value(&p.resume_path), "FILE: continue the same study from this checkpoint");
  po::options_description desc;
  desc.add(study_desc).add(run_desc).add(cluster_desc);
  po::variables_map vm;
  if (!parse_command_line("run", "--case FILE [options]",
                          "Sample (or enumerate) strike scenarios against a network, evaluate each, and\n"
                          "write resilience statistics to an HDF5 file. Same seed, same bits, on any thread count,\n"
                          "any --shard split, any number of MPI ranks, and after --resume.",
                          desc, args, vm))
    return false;
  apply_config_file(study_desc, vm, config);
  if (o.case_path.empty()) throw UsageError("--case is required (on the command line or in --config)");
  if (threads < 0) throw UsageError("--threads must be >= 0");
  if (!shard.empty()) p.shard = parse_shard(shard);
  if (!(p.checkpoint_every >= 0)) throw UsageError("--checkpoint-every must be >= 0 seconds");
  if (ranks > 1 || launched_under_mpi()) {
    if (!p.checkpoint_path.empty() || !p.resume_path.empty())
      throw UsageError("--checkpoint and --resume are not supported under mpirun; use Slurm array shards "
                       "(--shard I/N) with --checkpoint each, or run without mpirun");
  }
  if (p.save_samples && (ranks > 1 || p.shard.count > 0 || !p.resume_path.empty()))
    throw UsageError("--save-samples works only in a single-process run without --shard or --resume");

  p.study = std::make_unique<Study>(resolve(o));
  if (rank == 0) check_output_path(p.out_path);
  if (!p.checkpoint_path.empty()) check_output_path(p.checkpoint_path);
  p.n_threads = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  // Launchers bind processes to cores (Open MPI binds each rank to one core by default), and
  // oneTBB then runs fewer threads than asked: say so rather than run slow in silence.
  if (const int cpus = usable_cpus(); cpus > 0 && cpus < p.n_threads && !p.quiet)
    std::fprintf(stderr,
                 "note: %d threads asked for, but this process may run on %d CPU%s only (its CPU affinity); under "
                 "mpirun use --bind-to none, or --map-by ...:PE=%d (docs/cluster.md)\n",
                 p.n_threads, cpus, cpus == 1 ? "" : "s", p.n_threads);

  StudyOptions resolved = o;
  resolved.samples = p.study->samples();
  p.meta = run_metadata(*p.study, resolved, study_to_ini(resolved), p.shard, p.n_threads);

  const SampleRange all{0, p.study->samples()};
  p.range = p.shard.count > 0 ? split_range(all, p.shard.index, p.shard.count) : all;
  p.mine = split_range(p.range, rank, ranks);
  p.start = p.mine.begin;
  p.resumed.reset(p.study->tally_shape());
  if (!p.resume_path.empty()) {
    StoredTally ck = read_tally_file(p.resume_path);
    check_resume(p, ck, p.resume_path);
    p.start = ck.meta.sample_end;
    p.resumed = std::move(ck.tally);
  }
  return true;
}

void write_output(const Plan& p, const std::string& path, const Tally& tally, std::uint64_t end, double seconds,
                  const SavedSamples* samples) {
  RunMetadata m = p.meta;
  m.sample_begin = p.range.begin;
  m.sample_end = end;
  m.complete = end == p.range.end;
  m.sampling_seconds = seconds;
  m.samples_per_second = seconds > 0 ? static_cast<double>(tally.n) / seconds : 0.0;
  m.peak_rss_mb = peak_rss_mb();
  const Summary summary = summarize(tally, p.study->network().bus_demand_pos);
  write_results_file(path, m, p.study->network(), p.study->targets(), p.study->base().limit_mw, tally, summary,
                     samples);
}

void print_done(const Plan& p, const Tally& tally, double seconds, int ranks = 1) {
  const Summary summary = summarize(tally, p.study->network().bus_demand_pos);
  print_summary_table(stdout, *p.study, summary, seconds, RunShape{ranks, p.n_threads, tally.n - p.resumed.n});
  if (p.shard.count > 0)
    std::printf("\n  shard %d/%d (samples [%llu, %llu)): %s\n  combine all %d shards with: sre merge SHARD... -o OUT.h5\n",
                p.shard.index, p.shard.count, static_cast<unsigned long long>(p.range.begin),
                static_cast<unsigned long long>(p.range.end), p.out_path.c_str(), p.shard.count);
  else
    std::printf("\n  results: %s\n", p.out_path.c_str());
}

// One process (possibly one shard), with optional checkpoint and resume.
int run_single(Plan& p) {
  std::optional<StopSignals> signals;
  if (!p.checkpoint_path.empty()) signals.emplace();

  RunProgress progress;
  progress.done.store(p.start - p.range.begin);
  ProgressReporter reporter(progress, p.range.size(), p.study->network().total_demand_pos,
                            !p.quiet && isatty(STDERR_FILENO));
  using Clock = std::chrono::steady_clock;
  auto last = Clock::now();
  std::function<void(const RunOutput&)> on_chunk;
  if (!p.checkpoint_path.empty())
    on_chunk = [&](const RunOutput& out) {
      if (stop_requested() || out.end >= p.range.end) return;  // written below
      if (std::chrono::duration<double>(Clock::now() - last).count() < p.checkpoint_every) return;
      Tally t = p.resumed;
      t.merge(out.tally);
      write_output(p, p.checkpoint_path, t, out.end, out.seconds, nullptr);
      last = Clock::now();
    };
  const RunOutput run = run_samples(*p.study, p.start, p.range.end, p.n_threads, p.save_samples, &progress,
                                    p.checkpoint_path.empty() ? nullptr : stop_flag(), on_chunk);
  reporter.stop();
  Tally tally = p.resumed;
  tally.merge(run.tally);

  if (run.end < p.range.end) {  // stopped by a signal
    write_output(p, p.checkpoint_path, tally, run.end, run.seconds, nullptr);
    std::fprintf(stderr,
                 "sre run: stopped by signal %d after samples [%llu, %llu) of [%llu, %llu); checkpoint written to %s\n"
                 "         continue with the same options plus --resume %s (exit status %d)\n",
                 stop_signal(), static_cast<unsigned long long>(p.range.begin),
                 static_cast<unsigned long long>(run.end), static_cast<unsigned long long>(p.range.begin),
                 static_cast<unsigned long long>(p.range.end), p.checkpoint_path.c_str(), p.checkpoint_path.c_str(),
                 kExitInterrupted);
    return kExitInterrupted;
  }
  write_output(p, p.out_path, tally, run.end, run.seconds, p.save_samples ? &run.samples : nullptr);
  print_done(p, tally, run.seconds);
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
  // Every rank must see the same study (same case bytes and options) as rank 0.
  const std::string identity = StudyIdentity::of(p.meta).key();
  const std::string root_identity = session.broadcast(identity);
  if (!all_ok(session, [&] {
        if (identity != root_identity)
          throw InputError("MPI rank " + std::to_string(rank) +
                           " sees a different study than rank 0 (case file bytes or options differ); every rank "
                           "must read the same case file and options");
      }, error))
    return 1;

  RunProgress progress;
  std::optional<ProgressReporter> reporter;
  reporter.emplace(progress, p.mine.size(), p.study->network().total_demand_pos,
                   rank == 0 && !p.quiet && isatty(STDERR_FILENO));
  RunOutput run;
  if (!all_ok(session, [&] {
        run = run_samples(*p.study, p.mine.begin, p.mine.end, p.n_threads, false, &progress, nullptr);
      }, error))
    return 1;
  reporter->stop();
  const double seconds = session.max(run.seconds);
  const Tally tally = session.reduce_tally(run.tally);
  if (rank != 0) return 0;
  p.meta.threads = p.n_threads * ranks;
  write_output(p, p.out_path, tally, p.range.end, seconds, nullptr);
  print_done(p, tally, seconds, ranks);
  return 0;
}
#endif

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
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
