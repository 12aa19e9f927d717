#pragma once
// How the grid responds to a strike (model section 6), chosen per study.
#include <limits>
#include <string>

namespace sre {

enum class ResponseKind { kTopology, kDc, kCascade, kOpf };
enum class CascadeRule { kAll, kWorst };

struct ResponseOptions {
  ResponseKind kind = ResponseKind::kCascade;
  CascadeRule rule = CascadeRule::kAll;
  double tol = 0.0;
  int max_steps = 100;
};

ResponseKind parse_response(const std::string& name);  // throws InputError
CascadeRule parse_cascade_rule(const std::string& name);
std::string to_string(ResponseKind k);
std::string to_string(CascadeRule r);

// What one sample yields (model section 7).
struct SampleOutcome {
  double shed_mw = 0.0;
  double shed_fraction = 0.0;
  int n_islands = 0;
  int n_dead_islands = 0;
  int n_struck = 0;
  int n_destroyed = 0;
  int n_intercepted = 0;
  int n_overloaded_first = 0;
  int n_tripped = 0;
  int cascade_steps = 0;
  bool cap_hit = false;
  double max_loading_first = std::numeric_limits<double>::quiet_NaN();
  // Response opf: sum over surviving supplies of |output - base output| (MW), per bus. 0 otherwise.
  double redispatch_mw = 0.0;
};

}  // namespace sre
