#include "results/results_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iterator>
#include <span>
#include <system_error>
#include <type_traits>

#include "io/hdf5_handles.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "io/version.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;
using u128 = unsigned __int128;

template <class T>
concept Number = std::is_arithmetic_v<T>;

// Arrays at least this long, and every per-sample array, are stored chunked and compressed.
constexpr hsize_t kCompressFrom = 4096;
constexpr hsize_t kChunkMax = 65536;
constexpr unsigned kDeflateLevel = 4;

enum class Packing { kAuto, kCompressed };

// ---------------------------------------------------------------------------
// 128-bit sums as (signed high word, unsigned low word).

std::int64_t high_word(i128 v) { return static_cast<std::int64_t>(v >> 64); }
std::uint64_t low_word(i128 v) { return static_cast<std::uint64_t>(v); }
i128 join_words(std::int64_t hi, std::uint64_t lo) {
  return static_cast<i128>((static_cast<u128>(static_cast<std::uint64_t>(hi)) << 64) | lo);
}

// ---------------------------------------------------------------------------
// Writing primitives. Every path is absolute within the file.

h5::PropList creation_props(hid_t cls) {
  h5::PropList p(H5Pcreate(cls), "create property list");
  // No modification times in object headers: equal inputs give equal bytes
  // (apart from created_utc and the runtime figures).
  h5::check(H5Pset_obj_track_times(p.get(), false), "disable object time tracking");
  return p;
}

void make_group(hid_t file, const std::string& path) {
  h5::PropList gcpl = creation_props(H5P_GROUP_CREATE);
  h5::Group g(H5Gcreate2(file, path.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "create group " + path);
}

h5::Dataspace scalar_space() { return h5::Dataspace(H5Screate(H5S_SCALAR), "create scalar dataspace"); }

h5::Dataspace vector_space(hsize_t n) { return h5::Dataspace(H5Screate_simple(1, &n, nullptr), "create dataspace"); }

bool deflate_available() {
  static const bool available = H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
  return available;
}

h5::PropList dataset_props(hsize_t n, Packing packing) {
  h5::PropList dcpl = creation_props(H5P_DATASET_CREATE);
  const bool compress = n > 0 && (packing == Packing::kCompressed || n >= kCompressFrom) && deflate_available();
  if (compress) {
    const hsize_t chunk = std::min(n, kChunkMax);
    h5::check(H5Pset_chunk(dcpl.get(), 1, &chunk), "set chunk size");
    h5::check(H5Pset_shuffle(dcpl.get()), "set shuffle filter");
    h5::check(H5Pset_deflate(dcpl.get(), kDeflateLevel), "set deflate filter");
  }
  return dcpl;
}

h5::Dataset create_dataset(hid_t file, const std::string& path, hid_t type, const h5::Dataspace& space,
                           const h5::PropList& dcpl) {
  return h5::Dataset(H5Dcreate2(file, path.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                     "create dataset " + path);
}

void write_whole(const h5::Dataset& ds, const std::string& path, hid_t type, const void* data) {
  h5::check(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset " + path);
}

template <Number T>
void write_scalar(hid_t file, const std::string& path, T value) {
  const hid_t type = h5::native_type<T>();
  h5::Dataset ds = create_dataset(file, path, type, scalar_space(), creation_props(H5P_DATASET_CREATE));
  write_whole(ds, path, type, &value);
}

void write_scalar(hid_t file, const std::string& path, const std::string& value) {
  h5::Datatype type = h5::string_type();
  h5::Dataset ds = create_dataset(file, path, type.get(), scalar_space(), creation_props(H5P_DATASET_CREATE));
  const char* p = value.c_str();
  write_whole(ds, path, type.get(), &p);
}

// A 1-D dataset from any contiguous container of numbers (vector, array, span).
template <class Container>
void write_array(hid_t file, const std::string& path, const Container& values, Packing packing = Packing::kAuto) {
  using T = std::remove_cvref_t<decltype(*std::data(values))>;
  const hid_t type = h5::native_type<T>();
  const auto n = static_cast<hsize_t>(std::size(values));
  h5::Dataset ds = create_dataset(file, path, type, vector_space(n), dataset_props(n, packing));
  if (n > 0) write_whole(ds, path, type, std::data(values));
}

void write_strings(hid_t file, const std::string& path, const std::vector<std::string>& values) {
  h5::Datatype type = h5::string_type();
  const auto n = static_cast<hsize_t>(values.size());
  h5::Dataset ds = create_dataset(file, path, type.get(), vector_space(n), dataset_props(n, Packing::kAuto));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const std::string& s : values) ptrs.push_back(s.c_str());
  if (n > 0) write_whole(ds, path, type.get(), ptrs.data());
}

void write_attribute(hid_t file, const std::string& object, const char* name, hid_t type, const void* value) {
  const std::string what = "attribute " + std::string(name) + " of " + object;
  h5::Attribute a(
      H5Acreate_by_name(file, object.c_str(), name, type, scalar_space().get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      "create " + what);
  h5::check(H5Awrite(a.get(), type, value), "write " + what);
}

template <Number T>
void set_attribute(hid_t file, const std::string& object, const char* name, T value) {
  write_attribute(file, object, name, h5::native_type<T>(), &value);
}

void set_attribute(hid_t file, const std::string& object, const char* name, const std::string& value) {
  h5::Datatype type = h5::string_type();
  const char* p = value.c_str();
  write_attribute(file, object, name, type.get(), &p);
}

// ---------------------------------------------------------------------------
// Reading primitives.

// Whether `path` (absolute) names an object; H5Lexists needs every parent to exist.
bool exists(hid_t file, const std::string& path) {
  for (std::size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1))
    if (H5Lexists(file, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  return H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0;
}

h5::Dataset open_dataset(hid_t file, const std::string& path) {
  if (!exists(file, path)) throw h5::Error("missing dataset " + path);
  return h5::Dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open dataset " + path);
}

h5::Attribute open_attribute(hid_t file, const std::string& object, const char* name) {
  if (H5Aexists_by_name(file, object.c_str(), name, H5P_DEFAULT) <= 0)
    throw h5::Error("missing attribute " + std::string(name) + " of " + object);
  return h5::Attribute(H5Aopen_by_name(file, object.c_str(), name, H5P_DEFAULT, H5P_DEFAULT),
                       "open attribute " + std::string(name) + " of " + object);
}

hssize_t element_count(hid_t space, const std::string& what) {
  h5::Dataspace s(space, "get dataspace of " + what);
  if (H5Sget_simple_extent_ndims(s.get()) > 1) throw h5::Error(what + " is not one-dimensional");
  return h5::check(H5Sget_simple_extent_npoints(s.get()), "count elements of " + what);
}

// One string, fixed or variable length; `read(memory_type, buffer)` reads it.
template <class ReadFn>
std::string read_string(hid_t file_type, const std::string& what, ReadFn read) {
  if (H5Tget_class(file_type) != H5T_STRING) throw h5::Error(what + " is not a string");
  if (H5Tis_variable_str(file_type) > 0) {
    h5::Datatype mem = h5::string_type();
    char* p = nullptr;
    h5::check(read(mem.get(), static_cast<void*>(&p)), "read " + what);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  const std::size_t n = H5Tget_size(file_type);
  h5::Datatype mem(H5Tcopy(H5T_C_S1), "copy string type");
  h5::check(H5Tset_size(mem.get(), n + 1), "set string size");
  std::string s(n + 1, '\0');
  h5::check(read(mem.get(), static_cast<void*>(s.data())), "read " + what);
  s.resize(std::strlen(s.c_str()));
  return s;
}

template <Number T>
T get_attribute(hid_t file, const std::string& object, const char* name) {
  const std::string what = "attribute " + std::string(name) + " of " + object;
  h5::Attribute a = open_attribute(file, object, name);
  if (element_count(H5Aget_space(a.get()), what) != 1) throw h5::Error(what + " is not a single value");
  T value{};
  h5::check(H5Aread(a.get(), h5::native_type<T>(), &value), "read " + what);
  return value;
}

std::string get_string_attribute(hid_t file, const std::string& object, const char* name) {
  const std::string what = "attribute " + std::string(name) + " of " + object;
  h5::Attribute a = open_attribute(file, object, name);
  h5::Datatype type(H5Aget_type(a.get()), "get type of " + what);
  return read_string(type.get(), what, [&](hid_t mem, void* buf) { return H5Aread(a.get(), mem, buf); });
}

template <Number T>
std::vector<T> read_array(hid_t file, const std::string& path) {
  h5::Dataset ds = open_dataset(file, path);
  const auto n = static_cast<std::size_t>(element_count(H5Dget_space(ds.get()), "dataset " + path));
  std::vector<T> values(n);
  if (n > 0)
    h5::check(H5Dread(ds.get(), h5::native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              "read dataset " + path);
  return values;
}

template <Number T>
std::vector<T> read_array(hid_t file, const std::string& path, std::size_t expected) {
  std::vector<T> values = read_array<T>(file, path);
  if (values.size() != expected)
    throw h5::Error("dataset " + path + " has " + std::to_string(values.size()) + " elements, expected " +
                    std::to_string(expected));
  return values;
}

template <Number T>
T read_scalar(hid_t file, const std::string& path) {
  return read_array<T>(file, path, 1).front();
}

std::string read_string_scalar(hid_t file, const std::string& path) {
  h5::Dataset ds = open_dataset(file, path);
  if (element_count(H5Dget_space(ds.get()), "dataset " + path) != 1)
    throw h5::Error("dataset " + path + " is not a single string");
  h5::Datatype type(H5Dget_type(ds.get()), "get type of dataset " + path);
  return read_string(type.get(), "dataset " + path,
                     [&](hid_t mem, void* buf) { return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
}

// ---------------------------------------------------------------------------
// The raw tally: one dataset per field of SRE_TALLY_FIELDS (stats/tally.hpp), in list
// order; a 128-bit field as NAME_hi and NAME_lo. Writer and reader walk that list, so a
// field added there is written and read with no change here.

class TallyWriter {
 public:
  TallyWriter(hid_t file, std::string group) : file_(file), group_(std::move(group)) {}

  template <Number T>
  void operator()(const char* name, T value) {
    write_scalar(file_, path(name), value);
  }
  void operator()(const char* name, i128 value) {
    write_scalar(file_, path(name) + "_hi", high_word(value));
    write_scalar(file_, path(name) + "_lo", low_word(value));
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
      write_array(file_, path(name) + "_hi", hi);
      write_array(file_, path(name) + "_lo", lo);
    } else {
      write_array(file_, path(name), values);
    }
  }
  std::string path(const char* name) const { return group_ + "/" + name; }

  hid_t file_;
  std::string group_;
};

// Fills a Tally already reset to the stored shape; every array must have the size reset gave it.
class TallyReader {
 public:
  TallyReader(hid_t file, std::string group) : file_(file), group_(std::move(group)) {}

  template <Number T>
  void operator()(const char* name, T& value) {
    value = read_scalar<T>(file_, path(name));
  }
  void operator()(const char* name, i128& value) {
    value = join_words(read_scalar<std::int64_t>(file_, path(name) + "_hi"),
                       read_scalar<std::uint64_t>(file_, path(name) + "_lo"));
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
      const auto hi = read_array<std::int64_t>(file_, path(name) + "_hi", out.size());
      const auto lo = read_array<std::uint64_t>(file_, path(name) + "_lo", out.size());
      std::transform(hi.begin(), hi.end(), lo.begin(), out.begin(), join_words);
    } else {
      const auto values = read_array<T>(file_, path(name), out.size());
      std::copy(values.begin(), values.end(), out.begin());
    }
  }
  std::string path(const char* name) const { return group_ + "/" + name; }

  hid_t file_;
  std::string group_;
};

void write_tally(hid_t file, const Tally& t) {
  make_group(file, "/tally");
  write_scalar(file, "/tally/n_targets", t.shape.n_targets);
  write_scalar(file, "/tally/n_buses", t.shape.n_buses);
  write_scalar(file, "/tally/n_branches", t.shape.n_branches);
  write_scalar(file, "/tally/total_demand_mw", t.shape.total_demand_mw);
  TallyWriter writer(file, "/tally");
  Tally::for_each_field(t, [&](const TallyField& f, const auto& value) { writer(f.name, value); });
}

Tally read_tally(hid_t file) {
  if (!exists(file, "/tally")) throw h5::Error("missing group /tally (the file holds no raw tally)");
  TallyShape shape;
  shape.n_targets = read_scalar<int>(file, "/tally/n_targets");
  shape.n_buses = read_scalar<int>(file, "/tally/n_buses");
  shape.n_branches = read_scalar<int>(file, "/tally/n_branches");
  shape.total_demand_mw = read_scalar<double>(file, "/tally/total_demand_mw");
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

void write_root(hid_t file, const RunMetadata& m) {
  set_attribute(file, "/", "format", std::string(kResultsFormat));
  set_attribute(file, "/", "format_version", kResultsFormatVersion);
  set_attribute(file, "/", "sre_version", std::string(kVersion));
  set_attribute(file, "/", "created_utc", utc_now());
  set_attribute(file, "/", "command_line", m.command_line);
  set_attribute(file, "/", "seed", m.seed);
  set_attribute(file, "/", "samples", m.samples);
  set_attribute(file, "/", "sample_begin", m.sample_begin);
  set_attribute(file, "/", "sample_end", m.sample_end);
  set_attribute(file, "/", "shard_index", m.shard_index);
  set_attribute(file, "/", "shard_count", m.shard_count);
  set_attribute(file, "/", "complete", static_cast<int>(m.complete));
  set_attribute(file, "/", "case_path", m.case_path);
  set_attribute(file, "/", "case_sha256", m.case_sha256);
  set_attribute(file, "/", "response", m.response);
  set_attribute(file, "/", "strike", m.strike);
  set_attribute(file, "/", "rule", m.rule);
  set_attribute(file, "/", "solver", m.solver);
  set_attribute(file, "/", "k", m.k);
  set_attribute(file, "/", "tol", m.tol);
  set_attribute(file, "/", "dispatch", m.dispatch);
  write_scalar(file, "/config", m.config_ini);
}

std::vector<std::int64_t> bus_ids(const Network& net, std::span<const int> buses) {
  std::vector<std::int64_t> ids(buses.size());
  std::transform(buses.begin(), buses.end(), ids.begin(), [&](int i) { return net.bus_id[i]; });
  return ids;
}

void write_network(hid_t file, const RunMetadata& m, const Network& net, const TargetSet& targets,
                   const std::vector<double>& limit_mw) {
  make_group(file, "/network");
  write_array(file, "/network/bus_id", net.bus_id);
  write_array(file, "/network/bus_demand_mw", net.bus_demand_pos);
  write_array(file, "/network/branch_from_bus_id", bus_ids(net, net.br_from));
  write_array(file, "/network/branch_to_bus_id", bus_ids(net, net.br_to));
  write_array(file, "/network/branch_limit_mw", limit_mw);
  write_array(file, "/network/branch_rate_a_mw", net.br_rate_a);
  write_strings(file, "/network/target_name", targets.name);
  write_array(file, "/network/target_bus_offset", std::vector<std::int64_t>(targets.offset.begin(), targets.offset.end()));
  write_array(file, "/network/target_bus_id", bus_ids(net, targets.buses));
  set_attribute(file, "/network", "base_mva", net.base_mva);
  set_attribute(file, "/network", "total_demand_mw", net.total_demand_pos);
  set_attribute(file, "/network", "n_grandfathered", m.n_grandfathered);
  set_attribute(file, "/network", "base_shed_mw", m.base_shed_mw);
}

// /dispatch: the base dispatch asked for and used, and the contingencies left insecure
// (1-based branch rows, as in the case file and `sre pf --dispatch scopf`).
void write_dispatch(hid_t file, const RunMetadata& m) {
  make_group(file, "/dispatch");
  set_attribute(file, "/dispatch", "asked", m.dispatch);
  set_attribute(file, "/dispatch", "used", m.dispatch_used);
  set_attribute(file, "/dispatch", "note", m.dispatch_note);
  set_attribute(file, "/dispatch", "tol", m.tol);
  auto rows = [](const std::vector<std::int32_t>& v) {
    std::vector<std::int64_t> r(v.begin(), v.end());
    for (auto& x : r) x += 1;
    return r;
  };
  write_array(file, "/dispatch/insecure_branch_row", rows(m.insecure_branch));
  write_array(file, "/dispatch/insecure_max_loading", m.insecure_max_loading);
  write_array(file, "/dispatch/insecure_worst_branch_row", rows(m.insecure_worst_branch));
}

void write_distribution(hid_t file, const std::string& group, const DistributionSummary& d) {
  make_group(file, group);
  write_scalar(file, group + "/mean", d.mean);
  write_scalar(file, group + "/std", d.std);
  write_scalar(file, group + "/stderr", d.stderr_);
  write_scalar(file, group + "/ci95_low", d.ci95_low);
  write_scalar(file, group + "/ci95_high", d.ci95_high);
  write_scalar(file, group + "/max", d.max);
  write_array(file, group + "/quantiles", d.quantiles);
  write_array(file, group + "/quantile_levels", d.quantile_levels);
  write_scalar(file, group + "/cvar90", d.cvar90);
  write_scalar(file, group + "/cvar99", d.cvar99);
}

void write_summary(hid_t file, const Summary& s) {
  make_group(file, "/summary");
  set_attribute(file, "/summary", "samples", s.samples);
  write_distribution(file, "/summary/shed_mw", s.shed_mw);
  write_distribution(file, "/summary/shed_fraction", s.shed_fraction);
  write_array(file, "/summary/shed_fraction/exceedance_levels", s.exceedance_levels);
  write_array(file, "/summary/shed_fraction/exceedance_probability", s.exceedance_probability);

  make_group(file, "/summary/histogram");
  write_array(file, "/summary/histogram/edges", s.histogram_edges);
  write_array(file, "/summary/histogram/counts", s.histogram_counts);

  make_group(file, "/summary/means");
  write_scalar(file, "/summary/means/islands", s.islands_mean);
  write_scalar(file, "/summary/means/dead_islands", s.dead_islands_mean);
  write_scalar(file, "/summary/means/struck", s.struck_mean);
  write_scalar(file, "/summary/means/destroyed", s.destroyed_mean);
  write_scalar(file, "/summary/means/intercepted", s.intercepted_mean);
  write_scalar(file, "/summary/means/overloaded_first", s.overloaded_first_mean);
  write_scalar(file, "/summary/means/tripped", s.tripped_mean);
  write_scalar(file, "/summary/means/cascade_steps", s.cascade_steps_mean);
  write_scalar(file, "/summary/means/cap_hit_probability", s.cap_hit_probability);
  write_scalar(file, "/summary/means/max_loading_first", s.max_loading_first_mean);
  write_scalar(file, "/summary/means/max_loading_first_max", s.max_loading_first_max);
  write_scalar(file, "/summary/means/redispatch_mw", s.redispatch_mean_mw);

  make_group(file, "/convergence");
  write_array(file, "/convergence/samples", s.convergence_samples);
  write_array(file, "/convergence/shed_mean", s.convergence_mean);
  write_array(file, "/convergence/shed_ci95_halfwidth", s.convergence_ci95_halfwidth);
}

void write_elements(hid_t file, const Network& net, const TargetSet& targets, const Summary& s) {
  make_group(file, "/targets");
  write_strings(file, "/targets/name", targets.name);
  write_array(file, "/targets/struck", s.target_struck);
  write_array(file, "/targets/destroyed", s.target_destroyed);
  write_array(file, "/targets/shed_mean_when_destroyed", s.shed_mean_when_destroyed);
  write_array(file, "/targets/criticality", s.criticality);
  write_array(file, "/targets/criticality_ci95_low", s.criticality_ci95_low);
  write_array(file, "/targets/criticality_ci95_high", s.criticality_ci95_high);

  make_group(file, "/buses");
  write_array(file, "/buses/bus_id", net.bus_id);
  write_array(file, "/buses/served_fraction_mean", s.bus_served_fraction_mean);

  make_group(file, "/branches");
  std::vector<std::int64_t> row(net.n_branch());
  for (std::size_t e = 0; e < row.size(); ++e) row[e] = static_cast<std::int64_t>(e) + 1;
  write_array(file, "/branches/index", row);
  write_array(file, "/branches/overload_probability", s.branch_overload_probability);
  write_array(file, "/branches/trip_probability", s.branch_trip_probability);
}

void write_runtime(hid_t file, const RunMetadata& m) {
  make_group(file, "/runtime");
  write_scalar(file, "/runtime/sampling_seconds", m.sampling_seconds);
  write_scalar(file, "/runtime/samples_per_second", m.samples_per_second);
  write_scalar(file, "/runtime/threads", m.threads);
  write_scalar(file, "/runtime/peak_rss_mb", m.peak_rss_mb);
}

void write_samples(hid_t file, const SavedSamples& s) {
  make_group(file, "/samples");
  SavedSamples::for_each_array(s, [&](const char* name, const auto& values) {
    write_array(file, std::string("/samples/") + name, values, Packing::kCompressed);
  });
}

SavedSamples read_samples(hid_t file) {
  if (!exists(file, "/samples")) throw h5::Error("missing group /samples (run with --save-samples)");
  SavedSamples s;
  SavedSamples::for_each_array(s, [&](const char* name, auto& values) {
    using T = typename std::remove_cvref_t<decltype(values)>::value_type;
    values = read_array<T>(file, std::string("/samples/") + name);
  });
  return s;
}

// ---------------------------------------------------------------------------
// Reading the metadata and checking the format.

void check_format(hid_t file, const std::string& path) {
  if (H5Aexists_by_name(file, "/", "format", H5P_DEFAULT) <= 0)
    throw InputError(path, 0, "is an HDF5 file but not an sre results file (no 'format' attribute)");
  const std::string format = get_string_attribute(file, "/", "format");
  if (format != kResultsFormat)
    throw InputError(path, 0, "is not an sre results file (its format is '" + format + "', expected '" +
                                  kResultsFormat + "')");
  const auto version = get_attribute<std::int64_t>(file, "/", "format_version");
  if (version > kResultsFormatVersion)
    throw InputError(path, 0, "was written by a newer sre; format_version " + std::to_string(version) +
                                  " is not known (this sre reads up to " + std::to_string(kResultsFormatVersion) +
                                  "); use a newer sre");
  if (version < 1) throw InputError(path, 0, "format_version " + std::to_string(version) + " is not known");
}

RunMetadata read_meta(hid_t file) {
  RunMetadata m;
  m.command_line = get_string_attribute(file, "/", "command_line");
  m.config_ini = read_string_scalar(file, "/config");
  m.case_path = get_string_attribute(file, "/", "case_path");
  m.case_sha256 = get_string_attribute(file, "/", "case_sha256");
  m.seed = get_attribute<std::uint64_t>(file, "/", "seed");
  m.samples = get_attribute<std::uint64_t>(file, "/", "samples");
  m.sample_begin = get_attribute<std::uint64_t>(file, "/", "sample_begin");
  m.sample_end = get_attribute<std::uint64_t>(file, "/", "sample_end");
  m.shard_index = get_attribute<int>(file, "/", "shard_index");
  m.shard_count = get_attribute<int>(file, "/", "shard_count");
  // Files written before the attribute existed: a study's file is complete when it covers
  // every sample (a shard's range is not stored, so a shard counts as complete).
  m.complete = H5Aexists(file, "complete") > 0 ? get_attribute<int>(file, "/", "complete") != 0
                                                : m.shard_index >= 0 || (m.sample_begin == 0 && m.sample_end == m.samples);
  m.response = get_string_attribute(file, "/", "response");
  m.strike = get_string_attribute(file, "/", "strike");
  m.rule = get_string_attribute(file, "/", "rule");
  m.solver = get_string_attribute(file, "/", "solver");
  m.k = get_attribute<int>(file, "/", "k");
  if (exists(file, "/dispatch")) {
    m.dispatch = get_string_attribute(file, "/dispatch", "asked");
    m.dispatch_used = get_string_attribute(file, "/dispatch", "used");
    m.dispatch_note = get_string_attribute(file, "/dispatch", "note");
    m.tol = get_attribute<double>(file, "/dispatch", "tol");
    for (auto v : read_array<std::int64_t>(file, "/dispatch/insecure_branch_row"))
      m.insecure_branch.push_back(static_cast<std::int32_t>(v - 1));
    for (auto v : read_array<std::int64_t>(file, "/dispatch/insecure_worst_branch_row"))
      m.insecure_worst_branch.push_back(static_cast<std::int32_t>(v - 1));
    m.insecure_max_loading = read_array<double>(file, "/dispatch/insecure_max_loading");
  }
  m.n_grandfathered = get_attribute<int>(file, "/network", "n_grandfathered");
  m.base_shed_mw = get_attribute<double>(file, "/network", "base_shed_mw");
  m.sampling_seconds = read_scalar<double>(file, "/runtime/sampling_seconds");
  m.samples_per_second = read_scalar<double>(file, "/runtime/samples_per_second");
  m.threads = read_scalar<int>(file, "/runtime/threads");
  m.peak_rss_mb = read_scalar<double>(file, "/runtime/peak_rss_mb");
  return m;
}

// ---------------------------------------------------------------------------
// Files and directories.

h5::File create_file(const std::string& path) {
  h5::PropList fapl(H5Pcreate(H5P_FILE_ACCESS), "create file access properties");
  // Closing the file closes every object in it, so the bytes are complete before the rename.
  h5::check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "set file close degree");
  return h5::File(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), "create " + path);
}

}  // namespace

void write_results_file(const std::string& path, const RunMetadata& meta, const Network& net, const TargetSet& targets,
                        const std::vector<double>& limit_mw, const Tally& tally, const Summary& summary,
                        const SavedSamples* samples) {
  h5::silence_errors();
  check_output_path(path);
  const std::string tmp = temporary_path(path);
  try {
    h5::File file = create_file(tmp);
    const hid_t f = file.get();
    write_root(f, meta);
    write_network(f, meta, net, targets, limit_mw);
    write_dispatch(f, meta);
    write_summary(f, summary);
    write_elements(f, net, targets, summary);
    write_runtime(f, meta);
    write_tally(f, tally);
    if (samples) write_samples(f, *samples);
    h5::check(H5Fflush(f, H5F_SCOPE_GLOBAL), "flush " + tmp);
    file.close("close " + tmp);
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
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw InputError(path, 0, "is not an HDF5 file; expected an sre results, shard or checkpoint file");
  try {
    h5::File file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "HDF5 could not open it");
    check_format(file.get(), path);
    StoredTally stored;
    stored.meta = read_meta(file.get());
    stored.tally = read_tally(file.get());
    return stored;
  } catch (const h5::Error& e) {
    throw InputError(path, 0, std::string("cannot read the sre results file: ") + e.what());
  }
}

SavedSamples read_saved_samples(const std::string& path) {
  h5::silence_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, 0, "is not an HDF5 file; expected an sre results file");
  try {
    h5::File file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "HDF5 could not open it");
    check_format(file.get(), path);
    return read_samples(file.get());
  } catch (const h5::Error& e) {
    throw InputError(path, 0, std::string("cannot read the sre results file: ") + e.what());
  }
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

void check_writable(const std::string& path) { check_output_path(path); }

}  // namespace sre
