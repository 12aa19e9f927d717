#include "study/study_identity.hpp"

#include <sstream>
#include <utility>
#include <vector>

namespace sre {

StudyIdentity StudyIdentity::of(const RunMetadata& meta) {
  return StudyIdentity{meta.case_sha256, meta.config_ini, meta.seed, meta.samples};
}

StudyIdentity::Part StudyIdentity::first_difference(const StudyIdentity& other) const {
  if (case_sha256 != other.case_sha256) return Part::kCase;
  if (config_ini != other.config_ini) return Part::kConfig;
  if (seed != other.seed) return Part::kSeed;
  if (samples != other.samples) return Part::kSamples;
  return Part::kNone;
}

std::string StudyIdentity::config_difference(const StudyIdentity& other, const std::string& this_label,
                                             const std::string& other_label) const {
  auto parse = [](const std::string& text) {
    std::vector<std::pair<std::string, std::string>> kv;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      const auto eq = line.find(" = ");
      if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
      kv.emplace_back(line.substr(0, eq), line.substr(eq + 3));
    }
    return kv;
  };
  const auto a = parse(config_ini), b = parse(other.config_ini);
  auto find = [](const auto& kv, const std::string& key) -> std::string {
    for (const auto& [k, v] : kv)
      if (k == key) return v;
    return "(not set)";
  };
  for (const auto& [k, v] : a)
    if (find(b, k) != v) return k + " = " + v + " " + this_label + ", " + find(b, k) + " " + other_label;
  for (const auto& [k, v] : b)
    if (find(a, k) != v) return k + " = " + find(a, k) + " " + this_label + ", " + v + " " + other_label;
  return "";
}

}  // namespace sre
