#pragma once
// The HDF5 results file of a study (layout: docs/results-format.md).
// Written atomically: to a temporary name beside the target, then renamed, so a
// killed run never leaves a half-written file under the final name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
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
  int k = 0;                // targets struck per sample (the budgets' sum)
  std::string k_classes;    // per-class budgets ("bus:2,branch:1"), empty for one k
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

// Per-sample records (only with --save-samples), in sample order: THE one list of them.
// The struct below, append(), study.cpp's recording and the HDF5 writer and reader
// (/samples, docs/results-format.md) are generated from these two lists; to add a
// record, add a line here (and document it, raising kResultsFormatVersion).
//
// Columns of one value per sample, each copied from the SampleOutcome member of the same
// name and stored with this type, in file order (after /samples/index, uint64).
#define SRE_SAMPLE_COLUMNS(X)  \
  X(shed_mw, double)           \
  X(shed_fraction, double)     \
  X(max_loading_first, double) \
  X(redispatch_mw, double)     \
  X(n_islands, std::int32_t)   \
  X(n_dead_islands, std::int32_t) \
  X(n_struck, std::int32_t)    \
  X(n_destroyed, std::int32_t) \
  X(n_intercepted, std::int32_t) \
  X(n_overloaded_first, std::int32_t) \
  X(n_tripped, std::int32_t)   \
  X(cascade_steps, std::int32_t) \
  X(cap_hit, std::uint8_t)
// Lists of target indices per sample in CSR form, each from the SampleWorker method of
// the same name: NAME_targets[NAME_offset[j] .. NAME_offset[j+1]) are sample j's
// (offsets uint64, N+1 of them; targets int32, 0-based, ascending per sample).
#define SRE_SAMPLE_LISTS(X) \
  X(destroyed)              \
  X(struck)

struct SavedSamples {
  std::vector<std::uint64_t> index;  // global sample index
#define SRE_SAMPLE_COLUMN_MEMBER(name, T) std::vector<T> name;
  SRE_SAMPLE_COLUMNS(SRE_SAMPLE_COLUMN_MEMBER)
#undef SRE_SAMPLE_COLUMN_MEMBER
#define SRE_SAMPLE_LIST_MEMBER(name)         \
  std::vector<std::uint64_t> name##_offset{0}; \
  std::vector<std::int32_t> name##_targets;
  SRE_SAMPLE_LISTS(SRE_SAMPLE_LIST_MEMBER)
#undef SRE_SAMPLE_LIST_MEMBER

  std::size_t size() const { return index.size(); }
  // Appends the samples of `other` (which follow these ones).
  void append(const SavedSamples& other);
  bool operator==(const SavedSamples&) const = default;

  // Calls f(dataset name, vector) for every stored array, in file order.
  template <class Self, class F>
  static void for_each_array(Self& s, F&& f) {
    f("index", s.index);
#define SRE_SAMPLE_COLUMN_VISIT(name, T) f(#name, s.name);
    SRE_SAMPLE_COLUMNS(SRE_SAMPLE_COLUMN_VISIT)
#undef SRE_SAMPLE_COLUMN_VISIT
#define SRE_SAMPLE_LIST_VISIT(name)     \
  f(#name "_offset", s.name##_offset);  \
  f(#name "_targets", s.name##_targets);
    SRE_SAMPLE_LISTS(SRE_SAMPLE_LIST_VISIT)
#undef SRE_SAMPLE_LIST_VISIT
  }
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
// The per-sample records of a results file written with them (throws InputError when
// the file has none).
SavedSamples read_saved_samples(const std::string& path);

// The per-target statistics of a results file (/targets, and /summary's `samples`
// attribute): what `sre rank` orders. `stored` holds the metadata and raw tally of an sre
// file (its `format` attribute says so); a file without them, such as a hand-made one,
// gives /targets alone. Throws InputError when the file is missing, not HDF5, an sre file
// that cannot be read, or lacks a /targets dataset (or they differ in length).
struct TargetTable {
  std::uint64_t samples = 0;
  std::vector<std::string> name;
  std::vector<std::string> target_class;  // bus, branch or generator (all bus in files without /targets/class)
  std::vector<double> destroyed, shed_mean_when_destroyed, criticality, criticality_ci95_low, criticality_ci95_high;
  std::optional<StoredTally> stored;
};
TargetTable read_target_table(const std::string& path);

// For other file kinds built on the same layout (campaign files, src/campaign/): the root
// metadata, /config, /network, /dispatch and /runtime of a study; /targets' identity (name,
// class, elements); and the metadata read back (the caller checks the format first).
void write_study_sections(h5::File& file, const RunMetadata& meta, const Network& net, const TargetSet& targets,
                          const std::vector<double>& limit_mw);
void write_target_identity(h5::File& file, const Network& net, const TargetSet& targets);
RunMetadata read_run_metadata(const h5::File& file);


}  // namespace sre
