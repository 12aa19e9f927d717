#include "results/results_file.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <span>
#include <system_error>
#include <type_traits>

#include "io/hdf5_file.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "io/version.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;
using u128 = unsigned __int128;

template <class T>
concept Number = std::is_arithmetic_v<T>;

// ---------------------------------------------------------------------------
// 128-bit sums as (signed high word, unsigned low word).

std::int64_t high_word(i128 v) { return static_cast<std::int64_t>(v >> 64); }
std::uint64_t low_word(i128 v) { return static_cast<std::uint64_t>(v); }
i128 join_words(std::int64_t hi, std::uint64_t lo) {
  return static_cast<i128>((static_cast<u128>(static_cast<std::uint64_t>(hi)) << 64) | lo);
}

// ---------------------------------------------------------------------------
// The raw tally: one dataset per field of SRE_TALLY_FIELDS (stats/tally.hpp), in list
// order; a 128-bit field as NAME_hi and NAME_lo. Writer and reader walk that list, so a
// field added there is written and read with no change here.

class TallyWriter {
 public:
  TallyWriter(h5::File& file, std::string group) : file_(file), group_(std::move(group)) {}

  template <Number T>
  void operator()(const char* name, T value) {
    file_.write_scalar(path(name), value);
  }
  void operator()(const char* name, i128 value) {
    file_.write_scalar(path(name) + "_hi", high_word(value));
    file_.write_scalar(path(name) + "_lo", low_word(value));
  }
  template <class T>
  void operator()(const char* name, const std::vector<T>& values) {
    array(name, std::span<const T>(values));
  }
  template <class T, std::size_t N>
  void operator()(const char* name, const std::array<T, N>& values) {
    array(name, std::span<const T>(values));
  }

 private:
  template <class T>
  void array(const char* name, std::span<const T> values) {
    if constexpr (std::is_same_v<T, i128>) {
      std::vector<std::int64_t> hi(values.size());
      std::vector<std::uint64_t> lo(values.size());
      std::transform(values.begin(), values.end(), hi.begin(), high_word);
      std::transform(values.begin(), values.end(), lo.begin(), low_word);
      file_.write(path(name) + "_hi", hi);
      file_.write(path(name) + "_lo", lo);
    } else {
      file_.write(path(name), values);
    }
  }
  std::string path(const char* name) const { return group_ + "/" + name; }

  h5::File& file_;
  std::string group_;
};

// Fills a Tally already reset to the stored shape; every array must have the size reset gave it.
class TallyReader {
 public:
  TallyReader(const h5::File& file, std::string group) : file_(file), group_(std::move(group)) {}

  template <Number T>
  void operator()(const char* name, T& value) {
    value = file_.read_scalar<T>(path(name));
  }
  void operator()(const char* name, i128& value) {
    value = join_words(file_.read_scalar<std::int64_t>(path(name) + "_hi"),
                       file_.read_scalar<std::uint64_t>(path(name) + "_lo"));
  }
  template <class T>
  void operator()(const char* name, std::vector<T>& values) {
    array(name, std::span<T>(values));
  }
  template <class T, std::size_t N>
  void operator()(const char* name, std::array<T, N>& values) {
    array(name, std::span<T>(values));
  }

 private:
  template <class T>
  void array(const char* name, std::span<T> out) {
    if constexpr (std::is_same_v<T, i128>) {
      const auto hi = file_.read<std::int64_t>(path(name) + "_hi", out.size());
      const auto lo = file_.read<std::uint64_t>(path(name) + "_lo", out.size());
      std::transform(hi.begin(), hi.end(), lo.begin(), out.begin(), join_words);
    } else {
      const auto values = file_.read<T>(path(name), out.size());
      std::copy(values.begin(), values.end(), out.begin());
    }
  }
  std::string path(const char* name) const { return group_ + "/" + name; }

  const h5::File& file_;
  std::string group_;
};

void write_tally(h5::File& file, const Tally& t) {
  file.create_group("/tally");
  file.write_scalar("/tally/n_targets", t.shape.n_targets);
  file.write_scalar("/tally/n_buses", t.shape.n_buses);
  file.write_scalar("/tally/n_branches", t.shape.n_branches);
  file.write_scalar("/tally/total_demand_mw", t.shape.total_demand_mw);
  TallyWriter writer(file, "/tally");
  Tally::for_each_field(t, [&](const TallyField& f, const auto& value) { writer(f.name, value); });
}

Tally read_tally(const h5::File& file) {
  if (!file.exists("/tally")) throw h5::Error("missing group /tally (the file holds no raw tally)");
  TallyShape shape;
  shape.n_targets = file.read_scalar<int>("/tally/n_targets");
  shape.n_buses = file.read_scalar<int>("/tally/n_buses");
  shape.n_branches = file.read_scalar<int>("/tally/n_branches");
  shape.total_demand_mw = file.read_scalar<double>("/tally/total_demand_mw");
  if (shape.n_targets < 0 || shape.n_buses < 0 || shape.n_branches < 0)
    throw h5::Error("the tally shape in /tally is negative");
  Tally t;
  t.reset(shape);
  TallyReader reader(file, "/tally");
  Tally::for_each_field(t, [&](const TallyField& f, auto& value) { reader(f.name, value); });
  return t;
}

// ---------------------------------------------------------------------------
// The sections of a results file.

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_root(h5::File& file, const RunMetadata& m) {
  file.set_attribute("/", "format", std::string(kResultsFormat));
  file.set_attribute("/", "format_version", kResultsFormatVersion);
  file.set_attribute("/", "sre_version", std::string(kVersion));
  file.set_attribute("/", "created_utc", utc_now());
  file.set_attribute("/", "command_line", m.command_line);
  file.set_attribute("/", "seed", m.seed);
  file.set_attribute("/", "samples", m.samples);
  file.set_attribute("/", "sample_begin", m.sample_begin);
  file.set_attribute("/", "sample_end", m.sample_end);
  file.set_attribute("/", "shard_index", m.shard_index);
  file.set_attribute("/", "shard_count", m.shard_count);
  file.set_attribute("/", "complete", static_cast<int>(m.complete));
  file.set_attribute("/", "case_path", m.case_path);
  file.set_attribute("/", "case_sha256", m.case_sha256);
  file.set_attribute("/", "response", m.response);
  file.set_attribute("/", "strike", m.strike);
  file.set_attribute("/", "rule", m.rule);
  file.set_attribute("/", "solver", m.solver);
  file.set_attribute("/", "k", m.k);
  file.set_attribute("/", "k_classes", m.k_classes);
  file.set_attribute("/", "tol", m.tol);
  file.set_attribute("/", "dispatch", m.dispatch);
  file.write_scalar("/config", m.config_ini);
}

std::vector<std::int64_t> bus_ids(const Network& net, std::span<const int> buses) {
  std::vector<std::int64_t> ids(buses.size());
  std::transform(buses.begin(), buses.end(), ids.begin(), [&](int i) { return net.bus_id[i]; });
  return ids;
}

void write_network(h5::File& file, const RunMetadata& m, const Network& net, const TargetSet& targets,
                   const std::vector<double>& limit_mw) {
  file.create_group("/network");
  file.write("/network/bus_id", net.bus_id);
  file.write("/network/bus_demand_mw", net.bus_demand_pos);
  file.write("/network/branch_from_bus_id", bus_ids(net, net.br_from));
  file.write("/network/branch_to_bus_id", bus_ids(net, net.br_to));
  file.write("/network/branch_limit_mw", limit_mw);
  file.write("/network/branch_rate_a_mw", net.br_rate_a);
  file.write("/network/gen_bus_id", bus_ids(net, net.gen_bus));
  file.write_strings("/network/target_name", targets.name);
  file.write("/network/target_bus_offset", std::vector<std::int64_t>(targets.offset.begin(), targets.offset.end()));
  file.write("/network/target_bus_id", bus_ids(net, targets.buses));
  file.set_attribute("/network", "base_mva", net.base_mva);
  file.set_attribute("/network", "total_demand_mw", net.total_demand_pos);
  file.set_attribute("/network", "n_grandfathered", m.n_grandfathered);
  file.set_attribute("/network", "base_shed_mw", m.base_shed_mw);
}

// /dispatch: the base dispatch asked for and used, and the contingencies left insecure
// (1-based branch rows, as in the case file and `sre pf --dispatch scopf`).
void write_dispatch(h5::File& file, const RunMetadata& m) {
  file.create_group("/dispatch");
  file.set_attribute("/dispatch", "asked", m.dispatch);
  file.set_attribute("/dispatch", "used", m.dispatch_used);
  file.set_attribute("/dispatch", "note", m.dispatch_note);
  file.set_attribute("/dispatch", "tol", m.tol);
  auto rows = [](const std::vector<std::int32_t>& v) {
    std::vector<std::int64_t> r(v.begin(), v.end());
    for (auto& x : r) x += 1;
    return r;
  };
  file.write("/dispatch/insecure_branch_row", rows(m.insecure_branch));
  file.write("/dispatch/insecure_max_loading", m.insecure_max_loading);
  file.write("/dispatch/insecure_worst_branch_row", rows(m.insecure_worst_branch));
}

void write_distribution(h5::File& file, const std::string& group, const DistributionSummary& d) {
  file.create_group(group);
  file.write_scalar(group + "/mean", d.mean);
  file.write_scalar(group + "/std", d.std);
  file.write_scalar(group + "/stderr", d.stderr_);
  file.write_scalar(group + "/ci95_low", d.ci95_low);
  file.write_scalar(group + "/ci95_high", d.ci95_high);
  file.write_scalar(group + "/max", d.max);
  file.write(group + "/quantiles", d.quantiles);
  file.write(group + "/quantile_levels", d.quantile_levels);
  file.write_scalar(group + "/cvar90", d.cvar90);
  file.write_scalar(group + "/cvar99", d.cvar99);
}

void write_summary(h5::File& file, const Summary& s) {
  file.create_group("/summary");
  file.set_attribute("/summary", "samples", s.samples);
  write_distribution(file, "/summary/shed_mw", s.shed_mw);
  write_distribution(file, "/summary/shed_fraction", s.shed_fraction);
  file.write("/summary/shed_fraction/exceedance_levels", s.exceedance_levels);
  file.write("/summary/shed_fraction/exceedance_probability", s.exceedance_probability);

  file.create_group("/summary/histogram");
  file.write("/summary/histogram/edges", s.histogram_edges);
  file.write("/summary/histogram/counts", s.histogram_counts);

  file.create_group("/summary/means");
  file.write_scalar("/summary/means/islands", s.islands_mean);
  file.write_scalar("/summary/means/dead_islands", s.dead_islands_mean);
  file.write_scalar("/summary/means/struck", s.struck_mean);
  file.write_scalar("/summary/means/destroyed", s.destroyed_mean);
  file.write_scalar("/summary/means/intercepted", s.intercepted_mean);
  file.write_scalar("/summary/means/overloaded_first", s.overloaded_first_mean);
  file.write_scalar("/summary/means/tripped", s.tripped_mean);
  file.write_scalar("/summary/means/cascade_steps", s.cascade_steps_mean);
  file.write_scalar("/summary/means/cap_hit_probability", s.cap_hit_probability);
  file.write_scalar("/summary/means/max_loading_first", s.max_loading_first_mean);
  file.write_scalar("/summary/means/max_loading_first_max", s.max_loading_first_max);
  file.write_scalar("/summary/means/redispatch_mw", s.redispatch_mean_mw);

  file.create_group("/convergence");
  file.write("/convergence/samples", s.convergence_samples);
  file.write("/convergence/shed_mean", s.convergence_mean);
  file.write("/convergence/shed_ci95_halfwidth", s.convergence_ci95_halfwidth);
}

}  // namespace

void write_target_identity(h5::File& file, const Network& net, const TargetSet& targets) {
  file.create_group("/targets");
  file.write_strings("/targets/name", targets.name);
  // Each target's class and elements (bus:ID, branch:ROW, gen:ROW; CSR by element_offset).
  std::vector<std::string> cls, elements;
  std::vector<std::int64_t> element_offset{0};
  for (int t = 0; t < targets.size(); ++t) {
    cls.emplace_back(to_string(targets.target_class[t]));
    for (std::string& e : targets.element_names(net, t)) elements.push_back(std::move(e));
    element_offset.push_back(static_cast<std::int64_t>(elements.size()));
  }
  file.write_strings("/targets/class", cls);
  file.write("/targets/element_offset", element_offset);
  file.write_strings("/targets/element", elements);
}

namespace {

void write_elements(h5::File& file, const Network& net, const TargetSet& targets, const Summary& s) {
  write_target_identity(file, net, targets);
  file.write("/targets/struck", s.target_struck);
  file.write("/targets/destroyed", s.target_destroyed);
  file.write("/targets/shed_mean_when_destroyed", s.shed_mean_when_destroyed);
  file.write("/targets/criticality", s.criticality);
  file.write("/targets/criticality_ci95_low", s.criticality_ci95_low);
  file.write("/targets/criticality_ci95_high", s.criticality_ci95_high);

  file.create_group("/buses");
  file.write("/buses/bus_id", net.bus_id);
  file.write("/buses/served_fraction_mean", s.bus_served_fraction_mean);

  file.create_group("/branches");
  std::vector<std::int64_t> row(net.n_branch());
  for (std::size_t e = 0; e < row.size(); ++e) row[e] = static_cast<std::int64_t>(e) + 1;
  file.write("/branches/index", row);
  file.write("/branches/overload_probability", s.branch_overload_probability);
  file.write("/branches/trip_probability", s.branch_trip_probability);
}

void write_runtime(h5::File& file, const RunMetadata& m) {
  file.create_group("/runtime");
  file.write_scalar("/runtime/sampling_seconds", m.sampling_seconds);
  file.write_scalar("/runtime/samples_per_second", m.samples_per_second);
  file.write_scalar("/runtime/threads", m.threads);
  file.write_scalar("/runtime/peak_rss_mb", m.peak_rss_mb);
}

void write_samples(h5::File& file, const SavedSamples& s) {
  file.create_group("/samples");
  SavedSamples::for_each_array(s, [&](const char* name, const auto& values) {
    file.write(std::string("/samples/") + name, values, h5::Packing::kCompressed);
  });
}

SavedSamples read_samples(const h5::File& file) {
  if (!file.exists("/samples")) throw h5::Error("missing group /samples (run with --save-samples)");
  SavedSamples s;
  SavedSamples::for_each_array(s, [&](const char* name, auto& values) {
    using T = typename std::remove_cvref_t<decltype(values)>::value_type;
    values = file.read<T>(std::string("/samples/") + name);
  });
  return s;
}

// ---------------------------------------------------------------------------
// Reading the metadata and checking the format.

void check_format(const h5::File& file, const std::string& path) {
  if (!file.has_attribute("/", "format"))
    throw InputError(path, 0, "is an HDF5 file but not an sre results file (no 'format' attribute)");
  const std::string format = file.string_attribute("/", "format");
  if (format == "sre-campaign")
    throw InputError(path, 0, "is a campaign file (sre campaign), not an sre run results file; its districts and "
                              "targets are ranked by scripts/report.py FILE, its shards merged by sre merge");
  if (format != kResultsFormat)
    throw InputError(path, 0, "is not an sre results file (its format is '" + format + "', expected '" +
                                  kResultsFormat + "')");
  const auto version = file.attribute<std::int64_t>("/", "format_version");
  if (version > kResultsFormatVersion)
    throw InputError(path, 0, "was written by a newer sre; format_version " + std::to_string(version) +
                                  " is not known (this sre reads up to " + std::to_string(kResultsFormatVersion) +
                                  "); use a newer sre");
  if (version < 1) throw InputError(path, 0, "format_version " + std::to_string(version) + " is not known");
}

}  // namespace

RunMetadata read_run_metadata(const h5::File& file) {
  RunMetadata m;
  m.command_line = file.string_attribute("/", "command_line");
  m.config_ini = file.read_string("/config");
  m.case_path = file.string_attribute("/", "case_path");
  m.case_sha256 = file.string_attribute("/", "case_sha256");
  m.seed = file.attribute<std::uint64_t>("/", "seed");
  m.samples = file.attribute<std::uint64_t>("/", "samples");
  m.sample_begin = file.attribute<std::uint64_t>("/", "sample_begin");
  m.sample_end = file.attribute<std::uint64_t>("/", "sample_end");
  m.shard_index = file.attribute<int>("/", "shard_index");
  m.shard_count = file.attribute<int>("/", "shard_count");
  // Files written before the attribute existed: a study's file is complete when it covers
  // every sample (a shard's range is not stored, so a shard counts as complete).
  m.complete = file.has_attribute("/", "complete") ? file.attribute<int>("/", "complete") != 0
                                                : m.shard_index >= 0 || (m.sample_begin == 0 && m.sample_end == m.samples);
  m.response = file.string_attribute("/", "response");
  m.strike = file.string_attribute("/", "strike");
  m.rule = file.string_attribute("/", "rule");
  m.solver = file.string_attribute("/", "solver");
  m.k = file.attribute<int>("/", "k");
  if (file.has_attribute("/", "k_classes")) m.k_classes = file.string_attribute("/", "k_classes");
  if (file.exists("/dispatch")) {
    m.dispatch = file.string_attribute("/dispatch", "asked");
    m.dispatch_used = file.string_attribute("/dispatch", "used");
    m.dispatch_note = file.string_attribute("/dispatch", "note");
    m.tol = file.attribute<double>("/dispatch", "tol");
    for (auto v : file.read<std::int64_t>("/dispatch/insecure_branch_row"))
      m.insecure_branch.push_back(static_cast<std::int32_t>(v - 1));
    for (auto v : file.read<std::int64_t>("/dispatch/insecure_worst_branch_row"))
      m.insecure_worst_branch.push_back(static_cast<std::int32_t>(v - 1));
    m.insecure_max_loading = file.read<double>("/dispatch/insecure_max_loading");
  }
  m.n_grandfathered = file.attribute<int>("/network", "n_grandfathered");
  m.base_shed_mw = file.attribute<double>("/network", "base_shed_mw");
  m.sampling_seconds = file.read_scalar<double>("/runtime/sampling_seconds");
  m.samples_per_second = file.read_scalar<double>("/runtime/samples_per_second");
  m.threads = file.read_scalar<int>("/runtime/threads");
  m.peak_rss_mb = file.read_scalar<double>("/runtime/peak_rss_mb");
  return m;
}

void write_study_sections(h5::File& f, const RunMetadata& meta, const Network& net, const TargetSet& targets,
                          const std::vector<double>& limit_mw) {
  write_root(f, meta);
  write_network(f, meta, net, targets, limit_mw);
  write_dispatch(f, meta);
  write_runtime(f, meta);
}

void write_results_file(const std::string& path, const RunMetadata& meta, const Network& net, const TargetSet& targets,
                        const std::vector<double>& limit_mw, const Tally& tally, const Summary& summary,
                        const SavedSamples* samples) {
  h5::silence_errors();
  check_output_path(path);
  const std::string tmp = temporary_path(path);
  try {
    h5::File f = h5::File::create(tmp);
    write_root(f, meta);
    write_network(f, meta, net, targets, limit_mw);
    write_dispatch(f, meta);
    write_summary(f, summary);
    write_elements(f, net, targets, summary);
    write_runtime(f, meta);
    write_tally(f, tally);
    if (samples) write_samples(f, *samples);
    f.flush();
    f.close();
  } catch (const h5::Error& e) {
    remove_quietly(tmp);
    throw InputError(path, 0, std::string("cannot write the results file: ") + e.what());
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
  commit_file(tmp, path, "results file");
}

StoredTally read_tally_file(const std::string& path) {
  h5::silence_errors();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, 0, "no such file; give an sre results, shard or checkpoint file");
  if (fs::is_directory(path, ec)) throw InputError(path, 0, "is a directory, not an sre results file");
  if (!h5::is_hdf5(path))
    throw InputError(path, 0, "is not an HDF5 file; expected an sre results, shard or checkpoint file");
  try {
    const h5::File file = h5::File::open(path, h5::File::Mode::kReadOnly, "HDF5 could not open it");
    check_format(file, path);
    StoredTally stored;
    stored.meta = read_run_metadata(file);
    stored.tally = read_tally(file);
    return stored;
  } catch (const h5::Error& e) {
    throw InputError(path, 0, std::string("cannot read the sre results file: ") + e.what());
  }
}

SavedSamples read_saved_samples(const std::string& path) {
  h5::silence_errors();
  if (!h5::is_hdf5(path)) throw InputError(path, 0, "is not an HDF5 file; expected an sre results file");
  try {
    const h5::File file = h5::File::open(path, h5::File::Mode::kReadOnly, "HDF5 could not open it");
    check_format(file, path);
    return read_samples(file);
  } catch (const h5::Error& e) {
    throw InputError(path, 0, std::string("cannot read the sre results file: ") + e.what());
  }
}

TargetTable read_target_table(const std::string& path) {
  h5::silence_errors();
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw InputError(path, 0, "does not exist; give the results file of `sre run` (--results FILE.h5)");
  if (!h5::is_hdf5(path)) throw InputError(path, 0, "not an HDF5 file (expected an `sre run` results file)");
  TargetTable t;
  if (h5::File::open(path).has_attribute("/", "format")) t.stored = read_tally_file(path);
  try {
    const h5::File file = h5::File::open(path);
    t.name = file.read_strings("/targets/name");
    t.destroyed = file.read<double>("/targets/destroyed");
    t.shed_mean_when_destroyed = file.read<double>("/targets/shed_mean_when_destroyed");
    t.criticality = file.read<double>("/targets/criticality");
    t.criticality_ci95_low = file.read<double>("/targets/criticality_ci95_low");
    t.criticality_ci95_high = file.read<double>("/targets/criticality_ci95_high");
    t.samples = file.attribute<std::uint64_t>("/summary", "samples");
    t.target_class = file.exists("/targets/class") ? file.read_strings("/targets/class")
                                                   : std::vector<std::string>(t.name.size(), "bus");
  } catch (const h5::Error& e) {
    throw InputError(path, 0, std::string("not a complete sre results file: ") + e.what());
  }
  const std::size_t nt = t.name.size();
  for (const auto* v : {&t.destroyed, &t.shed_mean_when_destroyed, &t.criticality, &t.criticality_ci95_low,
                        &t.criticality_ci95_high})
    if (v->size() != nt) throw InputError(path, 0, "/targets/* datasets differ in length");
  if (t.target_class.size() != nt) throw InputError(path, 0, "/targets/class and /targets/name differ in length");
  return t;
}

void SavedSamples::append(const SavedSamples& from) {
  auto cat = [](auto& a, const auto& b) { a.insert(a.end(), b.begin(), b.end()); };
  cat(index, from.index);
#define SRE_SAMPLE_COLUMN_APPEND(name, T) cat(name, from.name);
  SRE_SAMPLE_COLUMNS(SRE_SAMPLE_COLUMN_APPEND)
#undef SRE_SAMPLE_COLUMN_APPEND
#define SRE_SAMPLE_LIST_APPEND(name)                                                  \
  {                                                                                   \
    const std::uint64_t base = name##_targets.size();                                 \
    cat(name##_targets, from.name##_targets);                                         \
    for (std::size_t j = 1; j < from.name##_offset.size(); ++j)                       \
      name##_offset.push_back(base + from.name##_offset[j]);                          \
  }
  SRE_SAMPLE_LISTS(SRE_SAMPLE_LIST_APPEND)
#undef SRE_SAMPLE_LIST_APPEND
}

}  // namespace sre
