#pragma once
// Number options checked against their range, each refusal naming the option. Whole
// numbers are parsed as signed values, so "-5" is refused instead of wrapping to
// 2^64 - 5 as Boost's unsigned parsing does; reals must be finite. The value reaches
// its variable through the option's notifier, after the check.
#include <boost/program_options.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace sre::cli {

namespace po = boost::program_options;

// A value out of range; `option` is the option's long name (for the config file's line).
struct OptionValueError : po::error {
  OptionValueError(std::string name, const std::string& what) : po::error(what), option(std::move(name)) {}
  std::string option;
};

inline constexpr long long kMaxWhole = std::numeric_limits<long long>::max();

inline std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// --NAME, a whole number in [lo, hi], into *target (which also gives the default shown,
// unless with_default is false: then the option has none and *target is left alone).
template <class T>
po::typed_value<long long>* whole(T* target, const std::string& name, long long lo, long long hi,
                                  bool with_default = true) {
  auto* v = po::value<long long>()->notifier([target, name, lo, hi](const long long& x) {
    if (x < lo || x > hi) {
      const std::string range = hi == kMaxWhole ? "at least " + std::to_string(lo)
                                                : "from " + std::to_string(lo) + " to " + std::to_string(hi);
      throw OptionValueError(name, "--" + name + " " + std::to_string(x) + ": must be a whole number " + range);
    }
    *target = static_cast<T>(x);
  });
  if (with_default) v->default_value(static_cast<long long>(*target));
  return v;
}

// --NAME, a finite real in [lo, hi], into *target (default as for whole()).
inline po::typed_value<double>* real(double* target, const std::string& name, double lo, double hi,
                                     bool with_default = true) {
  auto* v = po::value<double>()->notifier([target, name, lo, hi](const double& x) {
    if (!std::isfinite(x) || x < lo || x > hi) {
      const std::string range =
          std::isinf(hi) ? "at least " + format_number(lo) : "from " + format_number(lo) + " to " + format_number(hi);
      throw OptionValueError(name, "--" + name + " " + format_number(x) + ": must be a finite number " + range);
    }
    *target = x;
  });
  if (with_default) v->default_value(*target);
  return v;
}

}  // namespace sre::cli
