#pragma once
// An error in something the user gave us: a case file, a CSV, an option.
// The message always names where (file and line when known) and what to do.
#include <stdexcept>
#include <string>
#include <utility>

namespace sre {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, const std::string& what)
      : std::runtime_error(format(file, line, what)), file_(std::move(file)), line_(line) {}
  explicit InputError(const std::string& what) : std::runtime_error(what), line_(0) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  static std::string format(const std::string& file, int line, const std::string& what) {
    std::string s;
    s.reserve(file.size() + what.size() + 16);
    s.append(file);
    if (line > 0) s.append(":").append(std::to_string(line));
    if (!s.empty()) s.append(": ");
    s.append(what);
    return s;
  }
  std::string file_;
  int line_;
};

}  // namespace sre
