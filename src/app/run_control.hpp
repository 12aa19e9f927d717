#pragma once
// What long batch commands (sre run, sre campaign) share: the stop signals that make them
// checkpoint and exit, the --shard I/N option, and the CPUs a process may run on.
#include <atomic>
#include <csignal>
#include <exception>
#include <string>

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
