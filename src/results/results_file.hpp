#pragma once
// The HDF5 results file of a study (layout: docs/results-format.md).
// Written atomically: to a temporary name beside the target, then renamed, so a
// killed run never leaves a half-written file under the final name.
#include <cstdint>
#include <string>
#include <vector>

#include "model/network.hpp"
#include "stats/summary.hpp"
#include "stats/tally.hpp"
#include "model/targets.hpp"

namespace sre {

inline constexpr const char* kResultsFormat = "sre-results";
inline constexpr int kResultsFormatVersion = 1;

struct RunMetadata {
  std::string command_line;
  std::string config_ini;  // resolved configuration, accepted by `sre run --config`
  std::string case_path;
  std::string case_sha256;  // hash of the case file's bytes (study identity for merges)
  std::uint64_t seed = 0;
  std::uint64_t samples = 0;        // samples of the whole study
  std::uint64_t sample_begin = 0;   // this file covers [sample_begin, sample_end)
  std::uint64_t sample_end = 0;
  int shard_index = -1, shard_count = 0;  // -1: not a shard
  // The file holds every sample of its range (the study's, or its shard's); false for a
  // checkpoint, which holds [sample_begin, sample_end) of a longer range.
  bool complete = true;
  std::string response, strike, rule, solver;
  int k = 0;
  // Base dispatch: as asked and as used (they differ when the OPF fell back to the case's
  // set-points, `dispatch_note` says why), the protection tolerance, and the single-branch
  // contingencies a scopf dispatch left insecure (rows 0-based; worst post-contingency
  // loading; the branch that reaches it).
  std::string dispatch, dispatch_used, dispatch_note;
  double tol = 0.0;
  std::vector<std::int32_t> insecure_branch, insecure_worst_branch;
  std::vector<double> insecure_max_loading;
  // base state
  int n_grandfathered = 0;
  double base_shed_mw = 0.0;
  // runtime
  double sampling_seconds = 0.0;
  double samples_per_second = 0.0;
  int threads = 0;
  double peak_rss_mb = 0.0;
};

// Per-sample records (only with --save-samples), in sample order.
struct SavedSamples {
  std::vector<std::uint64_t> index;
  std::vector<double> shed_mw, shed_fraction, max_loading_first, redispatch_mw;
  std::vector<std::int32_t> n_islands, n_dead_islands, n_struck, n_destroyed, n_intercepted, n_overloaded_first,
      n_tripped, cascade_steps;
  std::vector<std::uint8_t> cap_hit;
  // Destroyed targets in CSR form: targets of sample j are destroyed_targets[destroyed_offset[j] .. destroyed_offset[j+1]).
  std::vector<std::uint64_t> destroyed_offset{0};
  std::vector<std::int32_t> destroyed_targets;
  std::vector<std::uint64_t> struck_offset{0};
  std::vector<std::int32_t> struck_targets;
  std::size_t size() const { return index.size(); }
};

// Writes everything: metadata, config, network, summary, targets, buses, branches,
// runtime, the raw tally (/tally, so files can be merged and resumed) and, when
// `samples` is not null, the per-sample records.
void write_results_file(const std::string& path, const RunMetadata& meta, const Network& net, const TargetSet& targets,
                        const std::vector<double>& limit_mw, const Tally& tally, const Summary& summary,
                        const SavedSamples* samples);

// What `sre merge` and `--resume` read back.
struct StoredTally {
  RunMetadata meta;
  Tally tally;
};
// Throws InputError when the file is not an sre results/shard/checkpoint file or its
// format_version is unknown.
StoredTally read_tally_file(const std::string& path);

// Checks that `path` can be created (its directory exists and is writable); throws InputError.
void check_writable(const std::string& path);

}  // namespace sre
