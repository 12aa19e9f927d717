#include "response/response.hpp"

#include "io/input_error.hpp"

namespace sre {

ResponseKind parse_response(const std::string& name) {
  if (name == "topology") return ResponseKind::kTopology;
  if (name == "dc") return ResponseKind::kDc;
  if (name == "cascade") return ResponseKind::kCascade;
  if (name == "opf") return ResponseKind::kOpf;
  if (name == "operator") return ResponseKind::kOperator;
  throw InputError("--response '" + name + "': allowed values are topology, dc, cascade, opf, operator");
}

CascadeRule parse_cascade_rule(const std::string& name) {
  if (name == "all") return CascadeRule::kAll;
  if (name == "worst") return CascadeRule::kWorst;
  throw InputError("--rule '" + name + "': allowed values are all, worst");
}

std::string to_string(ResponseKind k) {
  switch (k) {
    case ResponseKind::kTopology: return "topology";
    case ResponseKind::kDc: return "dc";
    case ResponseKind::kCascade: return "cascade";
    case ResponseKind::kOpf: return "opf";
    case ResponseKind::kOperator: return "operator";
  }
  return "?";
}

std::string to_string(CascadeRule r) { return r == CascadeRule::kAll ? "all" : "worst"; }

}  // namespace sre
