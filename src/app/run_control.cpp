#include "app/run_control.hpp"

#include <sched.h>

#include <stdexcept>

#include "app/cli.hpp"

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

}  // namespace sre::cli
