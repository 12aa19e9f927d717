// Tests for the HDF5 results file: a synthetic tally survives the round trip bit
// for bit, the documented paths hold the summary, per-sample records appear only
// when asked for, and failures leave no temporary file behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "flow/base_case.hpp"
#include "io/hdf5_file.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "model/network.hpp"
#include "results/results_file.hpp"
#include "stats/summary.hpp"
#include "stats/tally.hpp"
#include "stats/tally_buffer.hpp"
#include "model/targets.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;

// A study on case9 with bus targets and a few hundred synthetic samples.
struct Study {
  Network net = load_network(std::string(SRE_DATA_DIR) + "/cases/case9.m");
  TargetSet targets = make_bus_targets(net);
  BaseCase base = make_base_case(net);
  Tally tally;
  SavedSamples samples;
  Summary summary;
  RunMetadata meta;

  Study() {
    tally.reset({targets.size(), net.n_bus(), net.n_branch(), net.total_demand_pos});
    fill(300);
    summary = summarize(tally, net.bus_demand_pos);
    meta.command_line = "sre run case9.m --samples 300";
    meta.config_ini = "[study]\ncase = case9.m\nsamples = 300\n";
    meta.case_path = "case9.m";
    meta.case_sha256 = std::string(64, 'a');
    meta.seed = 0xFEEDFACECAFEBEEFull;
    meta.samples = 1000;
    meta.sample_begin = 0;
    meta.sample_end = 300;
    meta.shard_index = 0;
    meta.shard_count = 3;
    meta.response = "cascade";
    meta.strike = "uniform";
    meta.rule = "all";
    meta.solver = "reference";
    meta.k = 2;
    meta.n_grandfathered = base.n_grandfathered;
    meta.base_shed_mw = base.shed_mw;
    meta.sampling_seconds = 1.25;
    meta.samples_per_second = 240.0;
    meta.threads = 4;
    meta.peak_rss_mb = 17.5;
  }

  void fill(int n) {
    std::mt19937_64 rng(12345);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double total = net.total_demand_pos;
    for (int j = 0; j < n; ++j) {
      std::vector<int> struck, destroyed, destroyed_buses, overloaded;
      for (int t = 0; t < targets.size(); ++t)
        if (unit(rng) < 0.25) {
          struck.push_back(t);
          if (unit(rng) < 0.7) {
            destroyed.push_back(t);
            for (int p = targets.offset[t]; p < targets.offset[t + 1]; ++p) destroyed_buses.push_back(targets.buses[p]);
          }
        }
      for (int e = 0; e < net.n_branch(); ++e)
        if (unit(rng) < 0.1) overloaded.push_back(e);

      SampleOutcome o;
      o.shed_mw = destroyed.empty() ? 0.0 : total * unit(rng);
      o.shed_fraction = o.shed_mw / total;
      o.n_islands = 1 + static_cast<int>(destroyed.size());
      o.n_dead_islands = static_cast<int>(unit(rng) * 2);
      o.n_struck = static_cast<int>(struck.size());
      o.n_destroyed = static_cast<int>(destroyed.size());
      o.n_intercepted = o.n_struck - o.n_destroyed;
      o.n_overloaded_first = static_cast<int>(overloaded.size());
      o.n_tripped = o.n_overloaded_first;
      o.cascade_steps = o.n_tripped > 0 ? 1 : 0;
      o.cap_hit = unit(rng) < 0.05;
      o.max_loading_first = unit(rng) < 0.1 ? std::numeric_limits<double>::quiet_NaN() : 2.0 * unit(rng);

      SampleDetail d;
      d.struck_targets = struck;
      d.destroyed_targets = destroyed;
      d.destroyed_buses = destroyed_buses;
      d.overloaded_first = overloaded;
      d.state = &base.state;
      d.bus_demand_pos = &net.bus_demand_pos;
      tally.add(static_cast<std::uint64_t>(j), o, d);
      record(static_cast<std::uint64_t>(j), o, struck, destroyed);
    }
  }

  void record(std::uint64_t index, const SampleOutcome& o, const std::vector<int>& struck,
              const std::vector<int>& destroyed) {
    samples.index.push_back(index);
    samples.shed_mw.push_back(o.shed_mw);
    samples.shed_fraction.push_back(o.shed_fraction);
    samples.max_loading_first.push_back(o.max_loading_first);
    samples.n_islands.push_back(o.n_islands);
    samples.n_dead_islands.push_back(o.n_dead_islands);
    samples.n_struck.push_back(o.n_struck);
    samples.n_destroyed.push_back(o.n_destroyed);
    samples.n_intercepted.push_back(o.n_intercepted);
    samples.n_overloaded_first.push_back(o.n_overloaded_first);
    samples.n_tripped.push_back(o.n_tripped);
    samples.cascade_steps.push_back(o.cascade_steps);
    samples.cap_hit.push_back(o.cap_hit);
    samples.destroyed_targets.insert(samples.destroyed_targets.end(), destroyed.begin(), destroyed.end());
    samples.destroyed_offset.push_back(samples.destroyed_targets.size());
    samples.struck_targets.insert(samples.struck_targets.end(), struck.begin(), struck.end());
    samples.struck_offset.push_back(samples.struck_targets.size());
  }

  void write(const std::string& path, const SavedSamples* saved = nullptr) const {
    write_results_file(path, meta, net, targets, base.limit_mw, tally, summary, saved);
  }
};

class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("sre_results_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    return names;
  }

  fs::path dir_;
};

// Field by field (from the field list), so a failure names the field.
void expect_same_tally(const Tally& a, const Tally& b) {
  EXPECT_TRUE(a.shape == b.shape);
  Tally::for_each_field_pair(a, b, [](const TallyField& f, const auto& x, const auto& y) {
    EXPECT_TRUE(x == y) << f.name;
  });
}

h5::File open_read_only(const std::string& path) { return h5::File::open(path); }

bool has(const h5::File& f, const char* path) { return f.exists(path); }

double read_double(const h5::File& f, const char* path) { return f.read_scalar<double>(path); }

std::vector<double> read_doubles(const h5::File& f, const char* path) { return f.read<double>(path); }

std::string read_string_attribute(const h5::File& f, const char* name) { return f.string_attribute("/", name); }

void set_format_version(const std::string& path, int version) {
  h5::File::open(path, h5::File::Mode::kReadWrite).set_attribute("/", "format_version", version);
}

TEST_F(ResultsFileTest, TallyAndMetadataSurviveTheRoundTrip) {
  const Study s;
  ASSERT_EQ(s.tally.n, 300u);
  ASSERT_GT(s.tally.target_destroyed[0], 0);
  s.write(path("results.h5"));

  const StoredTally stored = read_tally_file(path("results.h5"));
  expect_same_tally(stored.tally, s.tally);
  EXPECT_EQ(stored.meta.command_line, s.meta.command_line);
  EXPECT_EQ(stored.meta.config_ini, s.meta.config_ini);
  EXPECT_EQ(stored.meta.case_path, s.meta.case_path);
  EXPECT_EQ(stored.meta.case_sha256, s.meta.case_sha256);
  EXPECT_EQ(stored.meta.seed, s.meta.seed);
  EXPECT_EQ(stored.meta.samples, s.meta.samples);
  EXPECT_EQ(stored.meta.sample_begin, s.meta.sample_begin);
  EXPECT_EQ(stored.meta.sample_end, s.meta.sample_end);
  EXPECT_EQ(stored.meta.shard_index, s.meta.shard_index);
  EXPECT_EQ(stored.meta.shard_count, s.meta.shard_count);
  EXPECT_EQ(stored.meta.response, s.meta.response);
  EXPECT_EQ(stored.meta.strike, s.meta.strike);
  EXPECT_EQ(stored.meta.rule, s.meta.rule);
  EXPECT_EQ(stored.meta.solver, s.meta.solver);
  EXPECT_EQ(stored.meta.k, s.meta.k);
  EXPECT_EQ(stored.meta.n_grandfathered, s.meta.n_grandfathered);
  EXPECT_EQ(stored.meta.base_shed_mw, s.meta.base_shed_mw);
  EXPECT_EQ(stored.meta.sampling_seconds, s.meta.sampling_seconds);
  EXPECT_EQ(stored.meta.samples_per_second, s.meta.samples_per_second);
  EXPECT_EQ(stored.meta.threads, s.meta.threads);
  EXPECT_EQ(stored.meta.peak_rss_mb, s.meta.peak_rss_mb);
}

TEST_F(ResultsFileTest, NegativeAndHugeWideSumsRoundTrip) {
  Study s;
  s.tally.shed_sum = -(static_cast<i128>(1) << 100) - 7;
  s.tally.shed_sumsq = (static_cast<i128>(1) << 126) + 12345;
  s.tally.bin_sum[3] = -1;
  s.write(path("wide.h5"));
  expect_same_tally(read_tally_file(path("wide.h5")).tally, s.tally);
}

TEST_F(ResultsFileTest, EmptyTallyRoundTrips) {
  Study s;
  s.tally.reset(s.tally.shape);
  s.summary = summarize(s.tally, s.net.bus_demand_pos);
  const SavedSamples none;
  s.write(path("empty.h5"), &none);
  expect_same_tally(read_tally_file(path("empty.h5")).tally, s.tally);
}

TEST_F(ResultsFileTest, DocumentedPathsHoldTheSummary) {
  const Study s;
  s.write(path("results.h5"));
  const h5::File f = open_read_only(path("results.h5"));
  EXPECT_EQ(read_string_attribute(f, "format"), "sre-results");
  EXPECT_EQ(read_double(f, "/summary/shed_mw/mean"), s.summary.shed_mw.mean);
  EXPECT_EQ(read_double(f, "/summary/shed_fraction/cvar99"), s.summary.shed_fraction.cvar99);
  EXPECT_EQ(read_doubles(f, "/summary/shed_mw/quantiles"), s.summary.shed_mw.quantiles);
  EXPECT_EQ(read_doubles(f, "/targets/criticality").size(), static_cast<std::size_t>(s.targets.size()));
  EXPECT_EQ(read_doubles(f, "/network/bus_demand_mw"), s.net.bus_demand_pos);
  for (const char* p : {"/config", "/network/target_name", "/summary/histogram/counts", "/summary/means/islands",
                        "/convergence/shed_mean", "/buses/served_fraction_mean", "/branches/index",
                        "/runtime/threads", "/tally/bin_sum_hi", "/tally/bin_sum_lo"})
    EXPECT_TRUE(has(f, p)) << p;
  EXPECT_FALSE(has(f, "/samples"));
}

TEST_F(ResultsFileTest, SamplesAreWrittenOnlyWhenGiven) {
  const Study s;
  s.write(path("samples.h5"), &s.samples);
  const h5::File f = open_read_only(path("samples.h5"));
  ASSERT_TRUE(has(f, "/samples"));
  EXPECT_EQ(read_doubles(f, "/samples/shed_mw"), s.samples.shed_mw);
  EXPECT_EQ(read_doubles(f, "/samples/destroyed_offset").size(), s.samples.size() + 1);
  EXPECT_TRUE(f.is_chunked("/samples/shed_mw"));
}

TEST_F(ResultsFileTest, OverwritesAnExistingFileAndLeavesNoTemporary) {
  const Study s;
  s.write(path("results.h5"));
  s.write(path("results.h5"));
  EXPECT_EQ(files(), std::vector<std::string>{"results.h5"});
}

TEST_F(ResultsFileTest, MissingDirectoryThrowsAndLeavesNothing) {
  const Study s;
  const std::string target = path("no_such_dir/results.h5");
  EXPECT_THROW(s.write(target), InputError);
  EXPECT_THROW(check_output_path(target), InputError);
  EXPECT_TRUE(files().empty());
  EXPECT_NO_THROW(check_output_path(path("results.h5")));
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, RejectsFilesThatAreNotResults) {
  const std::string text = path("notes.txt");
  std::ofstream(text) << "not an HDF5 file\n";
  EXPECT_THROW(read_tally_file(text), InputError);
  EXPECT_THROW(read_tally_file(path("missing.h5")), InputError);

  h5::silence_errors();
  const std::string bare = path("bare.h5");
  h5::File::create(bare).close();
  EXPECT_THROW(read_tally_file(bare), InputError);
}

TEST_F(ResultsFileTest, RejectsANewerFormatVersion) {
  const Study s;
  s.write(path("results.h5"));
  set_format_version(path("results.h5"), kResultsFormatVersion + 1);
  try {
    read_tally_file(path("results.h5"));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("newer sre"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("results.h5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sre

namespace sre {
namespace {

// Every field of the list, whatever it is, is combined by merge() as its rule says,
// travels through the word buffer (and a reduction of buffers equals the merge), and
// through the results file: a field added to SRE_TALLY_FIELDS is covered here unchanged.
std::mt19937_64 field_rng(2024);

template <class T>
T random_element(Combine c) {
  if constexpr (std::is_same_v<T, i128>) {
    // Wide sums, negative too, far from overflow when two are added.
    const auto hi = static_cast<std::int64_t>(field_rng() >> 28) - (std::int64_t{1} << 35);
    return (static_cast<i128>(hi) << 64) | static_cast<i128>(field_rng());
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return field_rng() >> 2;
  } else {
    if (c == Combine::kSum) return static_cast<std::int64_t>(field_rng() >> 3) - (std::int64_t{1} << 60);
    return static_cast<std::int64_t>(field_rng());  // minima and maxima: any value
  }
}

template <class Sequence>
concept Iterable = requires(Sequence& s) { s.begin(); };

Tally random_tally(const TallyShape& shape) {
  Tally t;
  t.reset(shape);
  Tally::for_each_field(t, [](const TallyField& f, auto& value) {
    using T = tally_element_t<decltype(value)>;
    if constexpr (Iterable<std::remove_cvref_t<decltype(value)>>) {
      for (auto& x : value) x = random_element<T>(f.combine);
    } else {
      value = random_element<T>(f.combine);
    }
  });
  return t;
}

// Every element of every field, widened, in list order, with its field's rule.
struct FlatField {
  std::string name;
  Combine combine;
  std::vector<i128> values;
};
std::vector<FlatField> flatten(const Tally& t) {
  std::vector<FlatField> out;
  Tally::for_each_field(t, [&](const TallyField& f, const auto& value) {
    FlatField ff{f.name, f.combine, {}};
    if constexpr (Iterable<std::remove_cvref_t<decltype(value)>>) {
      for (const auto& x : value) ff.values.push_back(static_cast<i128>(x));
    } else {
      ff.values.push_back(static_cast<i128>(value));
    }
    out.push_back(std::move(ff));
  });
  return out;
}

#define SRE_COUNT_FIELD(...) +1
constexpr int kTallyFieldCount = 0 SRE_TALLY_FIELDS(SRE_COUNT_FIELD);
#undef SRE_COUNT_FIELD

TEST_F(ResultsFileTest, EveryTallyFieldIsMergedBufferedWrittenAndRead) {
  Study s;
  const TallyShape shape = s.tally.shape;
  const Tally a = random_tally(shape), b = random_tally(shape);

  // merge(): each element combined by its field's rule.
  Tally merged = a;
  merged.merge(b);
  const auto fa = flatten(a), fb = flatten(b), fm = flatten(merged);
  ASSERT_EQ(static_cast<int>(fm.size()), kTallyFieldCount);
  for (std::size_t i = 0; i < fm.size(); ++i) {
    ASSERT_EQ(fm[i].values.size(), fa[i].values.size()) << fm[i].name;
    EXPECT_GT(fm[i].values.size(), 0u) << fm[i].name;
    for (std::size_t k = 0; k < fm[i].values.size(); ++k) {
      const i128 x = fa[i].values[k], y = fb[i].values[k];
      const i128 want = fm[i].combine == Combine::kMin   ? std::min(x, y)
                        : fm[i].combine == Combine::kMax ? std::max(x, y)
                                                         : x + y;
      EXPECT_TRUE(fm[i].values[k] == want) << fm[i].name << "[" << k << "]";
    }
  }

  // The word buffer: exact both ways, and combining buffers (what the MPI reduction does
  // segment by segment) gives the merged tally's buffer.
  expect_same_tally(tally_from_words(tally_to_words(a).data(), tally_to_words(a).size()), a);
  std::vector<std::int64_t> words = tally_to_words(a);
  merge_words(words, tally_to_words(b));
  EXPECT_EQ(words, tally_to_words(merged));
  std::vector<std::int64_t> other_order = tally_to_words(b);
  merge_words(other_order, tally_to_words(a));
  EXPECT_EQ(other_order, words);
  const TallyLayout layout = tally_layout(shape);
  EXPECT_EQ(layout.size(), words.size());
  EXPECT_EQ(layout.words(WordSegment::kSum128) % 2, 0u);

  // The results file: written and read back field for field.
  for (const Tally* t : {&a, static_cast<const Tally*>(&merged)}) {
    write_results_file(path("fields.h5"), s.meta, s.net, s.targets, s.base.limit_mw, *t, s.summary, nullptr);
    const StoredTally back = read_tally_file(path("fields.h5"));
    expect_same_tally(back.tally, *t);
    EXPECT_TRUE(back.tally == *t);
  }
}

TEST_F(ResultsFileTest, EverySavedSampleArrayIsAppendedWrittenAndRead) {
  Study s;
  SavedSamples first = s.samples, second = s.samples;
  first.redispatch_mw.assign(first.size(), 1.5);
  second.redispatch_mw.assign(second.size(), 2.5);
  for (auto& i : second.index) i += first.size();
  SavedSamples all = first;
  all.append(second);
  ASSERT_EQ(all.size(), first.size() + second.size());
  SavedSamples::for_each_array(all, [&](const char* name, const auto& values) {
    const std::string n = name;
    if (n.ends_with("_offset")) {
      EXPECT_EQ(values.size(), all.size() + 1) << n;
    } else if (!n.ends_with("_targets")) {
      EXPECT_EQ(values.size(), all.size()) << n;
    }
  });
  EXPECT_EQ(all.struck_offset.back(), all.struck_targets.size());
  EXPECT_EQ(all.destroyed_offset.back(), all.destroyed_targets.size());
  EXPECT_EQ(all.destroyed_offset[first.size() + 1] - all.destroyed_offset[first.size()],
            second.destroyed_offset[1] - second.destroyed_offset[0]);

  s.write(path("samples.h5"), &all);
  const SavedSamples back = read_saved_samples(path("samples.h5"));
  // Bit for bit, array by array (max_loading_first holds NaNs).
  auto bytes = [](const SavedSamples& x) {
    std::vector<std::pair<std::string, std::string>> out;
    SavedSamples::for_each_array(x, [&](const char* name, const auto& v) {
      out.emplace_back(name, std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0])));
    });
    return out;
  };
  const auto want = bytes(all), got = bytes(back);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].first, want[i].first);
    EXPECT_TRUE(got[i].second == want[i].second) << want[i].first;
  }
  EXPECT_THROW(read_saved_samples(path("missing.h5")), InputError);
  s.write(path("none.h5"));
  EXPECT_THROW(read_saved_samples(path("none.h5")), InputError);
}

}  // namespace
}  // namespace sre
