#include "app/long_task.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace sre::cli {
namespace {

char g_stop_message[160];

extern "C" void stop_now(int sig) {
  // Async-signal-safe: write(2) and _exit(2) only.
  const ssize_t ignored = ::write(STDERR_FILENO, g_stop_message, std::strlen(g_stop_message));
  (void)ignored;
  ::_exit(128 + sig);
}

}  // namespace

LongTask::LongTask(const std::string& command, std::function<std::string()> status)
    : status_(std::move(status)), start_(std::chrono::steady_clock::now()) {
  std::snprintf(g_stop_message, sizeof g_stop_message, "\nsre %s: stopped by a signal; nothing was written\n",
                command.c_str());
  struct sigaction sa {};
  sa.sa_handler = stop_now;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
}

LongTask::~LongTask() {
  stop_.store(true);
  if (thread_.joinable()) {
    thread_.join();
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

double LongTask::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void LongTask::loop() {
  while (!stop_.load()) {
    for (int i = 0; i < 5 && !stop_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop_.load()) break;
    std::fprintf(stderr, "\r\033[K%s (%.0f s)", status_().c_str(), seconds());
    std::fflush(stderr);
  }
}

}  // namespace sre::cli
