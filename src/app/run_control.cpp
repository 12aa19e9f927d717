#include "app/run_control.hpp"

#include <sched.h>

#include <stdexcept>

#include "app/cli.hpp"
#include "io/input_error.hpp"
#include "io/sha256.hpp"
#include "study/study_identity.hpp"

namespace sre::cli {
namespace {

std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
  g_signal = sig;
  g_stop.store(true);
}

}  // namespace

StopSignals::StopSignals() {
  g_stop.store(false);
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, &old_term_);
  sigaction(SIGINT, &sa, &old_int_);
}

StopSignals::~StopSignals() {
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGINT, &old_int_, nullptr);
}

bool stop_requested() { return g_stop.load(); }
const std::atomic<bool>* stop_flag() { return &g_stop; }
int stop_signal() { return static_cast<int>(g_signal); }

Shard parse_shard(const std::string& s) {
  const auto slash = s.find('/');
  Shard sh;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t p1 = 0, p2 = 0;
    sh.index = std::stoi(s.substr(0, slash), &p1);
    sh.count = std::stoi(s.substr(slash + 1), &p2);
    if (p1 != slash || p2 != s.size() - slash - 1) throw std::invalid_argument("junk");
  } catch (const std::exception&) {
    throw UsageError("--shard takes I/N (slice I of N, 0-based), e.g. --shard 3/100; got '" + s + "'");
  }
  if (sh.count < 1 || sh.index < 0 || sh.index >= sh.count)
    throw UsageError("--shard " + s + ": need 0 <= I < N (I is 0-based)");
  return sh;
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
}

RunMetadata run_metadata(const Study& study, const StudyOptions& o, const std::string& config_ini, const Shard& shard,
                         int threads) {
  RunMetadata m;
  m.command_line = full_command_line();
  m.config_ini = config_ini;
  m.case_path = o.case_path;
  m.case_sha256 = sha256_file(o.case_path);
  m.seed = o.seed;
  m.samples = study.samples();
  m.shard_index = shard.index;
  m.shard_count = shard.count;
  m.response = o.response;
  m.tol = o.tol;
  m.dispatch = o.dispatch;
  m.dispatch_used = to_string(study.dispatch_used());
  m.dispatch_note = study.dispatch_note();
  for (const InsecureContingency& c : study.dispatch().insecure) {
    m.insecure_branch.push_back(c.branch);
    m.insecure_worst_branch.push_back(c.worst_branch);
    m.insecure_max_loading.push_back(c.max_loading);
  }
  m.strike = o.strike;
  m.rule = o.rule;
  m.solver = o.solver;
  m.k = o.k;
  m.k_classes = o.k_classes;
  m.n_grandfathered = study.base().n_grandfathered;
  m.base_shed_mw = study.base().shed_mw;
  m.threads = threads;
  return m;
}

void check_resume_prefix(const RunMetadata& mine, const RunMetadata& m, const SampleRange& range, const Shard& shard,
                         const std::string& path, const std::string& unit) {
  const auto refuse = [&](const std::string& why) {
    throw InputError(path, 0, "cannot resume from this checkpoint: " + why +
                                  "; it belongs to a different study (resume with the options of the run that wrote "
                                  "it, or start afresh without --resume)");
  };
  const StudyIdentity a = StudyIdentity::of(mine), b = StudyIdentity::of(m);
  switch (a.first_difference(b)) {
    case StudyIdentity::Part::kNone: break;
    case StudyIdentity::Part::kCase: refuse("the case file's SHA-256 differs"); break;
    case StudyIdentity::Part::kConfig:
      refuse("the study configuration differs: " + a.config_difference(b, "in this run", "in the checkpoint"));
      break;
    case StudyIdentity::Part::kSeed:
    case StudyIdentity::Part::kSamples: refuse("the seed or " + unit + " count differs"); break;
  }
  if (m.shard_index != shard.index || m.shard_count != shard.count) refuse("the shard (--shard I/N) differs");
  if (m.sample_begin != range.begin || m.sample_end < range.begin || m.sample_end > range.end)
    refuse("its " + unit + " range [" + std::to_string(m.sample_begin) + ", " + std::to_string(m.sample_end) +
           ") is not a prefix of this run's [" + std::to_string(range.begin) + ", " + std::to_string(range.end) + ")");
  if (m.sample_end != range.end && m.sample_end % kSampleBlock != 0)
    refuse("its completed range does not end on a block of " + std::to_string(kSampleBlock) + " " + unit + "s");
}

}  // namespace sre::cli
