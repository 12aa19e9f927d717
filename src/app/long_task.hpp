#pragma once
// What a long command shows while it works (sre defend, sre worst, sre pf --dispatch):
// a status line on stderr about twice a second, from its own thread, when stderr is a
// terminal; and Ctrl-C (or SIGTERM) ends it at once with a one-line message. These
// commands write their output only at the end, through the atomic writer, so stopping
// them leaves nothing half-written.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace sre::cli {

class LongTask {
 public:
  // `status` is called from the reporting thread: it must only read atomics.
  LongTask(const std::string& command, std::function<std::string()> status);
  ~LongTask();
  LongTask(const LongTask&) = delete;
  LongTask& operator=(const LongTask&) = delete;
  double seconds() const;

 private:
  void loop();
  std::function<std::string()> status_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace sre::cli
