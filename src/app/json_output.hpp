#pragma once
// The --json outputs: nlohmann::ordered_json keeps keys in insertion order; NaN and
// infinities print as null; numbers print in the shortest form that reads back the same double.
#include <nlohmann/json.hpp>

#include <string>

namespace sre::cli {

using Json = nlohmann::ordered_json;

// One line of JSON; bytes that are not UTF-8 (a name from a case file) become U+FFFD, not an exception.
inline std::string json_text(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace sre::cli
