#pragma once
// What makes two runs parts of one study: the case file's bytes (SHA-256), the resolved
// options as `name = value` lines (the /config a results file stores, seed and sample
// count included), the seed and the sample count. `sre run --resume` checks a checkpoint
// against it, `sre merge` checks the shards, and the MPI ranks check each other.
#include <cstdint>
#include <string>

#include "results/results_file.hpp"

namespace sre {

struct StudyIdentity {
  std::string case_sha256;
  std::string config_ini;
  std::uint64_t seed = 0;
  std::uint64_t samples = 0;

  static StudyIdentity of(const RunMetadata& meta);

  // The first part in which two identities differ (kNone: the same study).
  enum class Part { kNone, kCase, kConfig, kSeed, kSamples };
  Part first_difference(const StudyIdentity& other) const;
  // The first `name = value` line in which config_ini differs from other's, as
  // "NAME = A <this_label>, B <other_label>" (a line only one has shows as "(not set)");
  // empty when the same.
  std::string config_difference(const StudyIdentity& other, const std::string& this_label,
                                const std::string& other_label) const;
  // One text that is equal for equal case bytes and options (for comparing across processes).
  std::string key() const { return case_sha256 + "\n" + config_ini; }
};

}  // namespace sre
