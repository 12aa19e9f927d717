#pragma once
// How the grid responds to a strike (model section 6), chosen per study.
#include <limits>
#include <string>

namespace sre {

// kOpf: the least-shed re-dispatch LP on the state the strike leaves. kOperator (the
// default, model 1.4): protection rounds as kCascade, then that LP on what is left.
enum class ResponseKind { kTopology, kDc, kCascade, kOpf, kOperator };
enum class CascadeRule { kAll, kWorst };

struct ResponseOptions {
  ResponseKind kind = ResponseKind::kOperator;
  CascadeRule rule = CascadeRule::kAll;
  double tol = 0.5;  // protection trips above L (1 + tol): 150 % of the rating (model 1.4)
  int max_steps = 100;
  // The re-dispatch LP (opf, operator) as the whole network's B-theta LP built from
  // scratch (the simple reference path, --solver reference) instead of the reduced LP
  // over the islands that need it (src/response/redispatch.hpp). The same shed either way.
  bool full_lp = false;
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
  // Responses opf and operator: sum over surviving supplies of |output - base output| (MW),
  // per bus. 0 otherwise.
  double redispatch_mw = 0.0;
};

}  // namespace sre
