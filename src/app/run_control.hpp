#pragma once
// What long batch commands (sre run, sre campaign) share: the stop signals that make them
// checkpoint and exit, the --shard I/N option, and the CPUs a process may run on.
#include <atomic>
#include <csignal>
#include <exception>
#include <string>

#include "results/results_file.hpp"
#include "study/cluster.hpp"
#include "study/study.hpp"

#ifdef SRE_HAVE_MPI
#include "study/mpi_runner.hpp"
#endif

namespace sre::cli {

// While alive, SIGTERM and SIGINT set the stop flag (and nothing else: a lock-free atomic
// store and a sig_atomic_t write are async-signal-safe); the previous handlers come back
// after.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_term_ {}, old_int_ {};
};
bool stop_requested();
const std::atomic<bool>* stop_flag();
int stop_signal();  // the signal that set it

struct Shard {
  int index = -1, count = 0;  // -1: not a shard
};
// "I/N" (throws UsageError).
Shard parse_shard(const std::string& s);

// CPUs this process may run on (its affinity mask); 0 when unknown.
int usable_cpus();

// The metadata of a run of `study` (identity, options, base dispatch and state, shard,
// threads); its sample range and runtime are filled in when it is written. `options` are
// the resolved options, `config_ini` their INI form.
RunMetadata run_metadata(const Study& study, const StudyOptions& options, const std::string& config_ini,
                         const Shard& shard, int threads);

// Refuses (InputError naming `path`) a checkpoint that is not a prefix of this run's
// `range`: another study, shard or range, or a cut off a block boundary. `unit` names what
// is counted ("sample", "campaign"); the caller checks its tally's shape.
void check_resume_prefix(const RunMetadata& mine, const RunMetadata& checkpoint, const SampleRange& range,
                         const Shard& shard, const std::string& path, const std::string& unit);

#ifdef SRE_HAVE_MPI
// Runs `step` on every rank; if it threw anywhere, the lowest failing rank rethrows (main
// prints its one message) and the others return false quietly.
template <class F>
bool all_ok(const mpi::Session& s, F&& step, std::exception_ptr& error) {
  try {
    step();
  } catch (...) {
    error = std::current_exception();
  }
  const int first = s.first_failure(error != nullptr);
  if (first < 0) return true;
  if (first == s.rank()) std::rethrow_exception(error);
  return false;
}
#endif

}  // namespace sre::cli
