// Tests for the HDF5 results file: a synthetic tally survives the round trip bit
// for bit, the documented paths hold the summary, per-sample records appear only
// when asked for, and failures leave no temporary file behind.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "flow/base_case.hpp"
#include "io/hdf5_handles.hpp"
#include "io/input_error.hpp"
#include "model/network.hpp"
#include "results/results_file.hpp"
#include "stats/summary.hpp"
#include "stats/tally.hpp"
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

// Tally::operator== is defaulted, but it is deleted while TallyShape has no
// operator==, so compare field by field.
#define SRE_EXPECT_SAME_FIELD(field) EXPECT_TRUE(a.field == b.field) << #field
void expect_same_tally(const Tally& a, const Tally& b) {
  SRE_EXPECT_SAME_FIELD(shape.n_targets);
  SRE_EXPECT_SAME_FIELD(shape.n_buses);
  SRE_EXPECT_SAME_FIELD(shape.n_branches);
  SRE_EXPECT_SAME_FIELD(shape.total_demand_mw);
  SRE_EXPECT_SAME_FIELD(n);
  SRE_EXPECT_SAME_FIELD(shed_sum);
  SRE_EXPECT_SAME_FIELD(shed_sumsq);
  SRE_EXPECT_SAME_FIELD(shed_min);
  SRE_EXPECT_SAME_FIELD(shed_max);
  SRE_EXPECT_SAME_FIELD(islands_sum);
  SRE_EXPECT_SAME_FIELD(dead_islands_sum);
  SRE_EXPECT_SAME_FIELD(struck_sum);
  SRE_EXPECT_SAME_FIELD(destroyed_sum);
  SRE_EXPECT_SAME_FIELD(intercepted_sum);
  SRE_EXPECT_SAME_FIELD(overloaded_first_sum);
  SRE_EXPECT_SAME_FIELD(tripped_sum);
  SRE_EXPECT_SAME_FIELD(steps_sum);
  SRE_EXPECT_SAME_FIELD(cap_hits);
  SRE_EXPECT_SAME_FIELD(loading_n);
  SRE_EXPECT_SAME_FIELD(loading_sum);
  SRE_EXPECT_SAME_FIELD(loading_max);
  SRE_EXPECT_SAME_FIELD(exceed_count);
  SRE_EXPECT_SAME_FIELD(histogram);
  SRE_EXPECT_SAME_FIELD(bin_count);
  SRE_EXPECT_SAME_FIELD(bin_min);
  SRE_EXPECT_SAME_FIELD(bin_max);
  SRE_EXPECT_SAME_FIELD(bin_sum);
  SRE_EXPECT_SAME_FIELD(target_struck);
  SRE_EXPECT_SAME_FIELD(target_destroyed);
  SRE_EXPECT_SAME_FIELD(target_shed_sum);
  SRE_EXPECT_SAME_FIELD(target_shed_sumsq);
  SRE_EXPECT_SAME_FIELD(bus_unserved_sum);
  SRE_EXPECT_SAME_FIELD(branch_overloaded);
  SRE_EXPECT_SAME_FIELD(branch_tripped);
  SRE_EXPECT_SAME_FIELD(conv_n);
  SRE_EXPECT_SAME_FIELD(conv_sum);
  SRE_EXPECT_SAME_FIELD(conv_sumsq);
}
#undef SRE_EXPECT_SAME_FIELD

h5::File open_read_only(const std::string& path) {
  return h5::File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + path);
}

bool has(const h5::File& f, const char* path) { return H5Lexists(f.get(), path, H5P_DEFAULT) > 0; }

double read_double(const h5::File& f, const char* path) {
  h5::Dataset ds(H5Dopen2(f.get(), path, H5P_DEFAULT), path);
  double v = 0.0;
  h5::check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v), path);
  return v;
}

std::vector<double> read_doubles(const h5::File& f, const char* path) {
  h5::Dataset ds(H5Dopen2(f.get(), path, H5P_DEFAULT), path);
  h5::Dataspace space(H5Dget_space(ds.get()), path);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!v.empty()) h5::check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), path);
  return v;
}

std::string read_string_attribute(const h5::File& f, const char* name) {
  h5::Attribute a(H5Aopen_by_name(f.get(), "/", name, H5P_DEFAULT, H5P_DEFAULT), name);
  h5::Datatype type = h5::string_type();
  char* p = nullptr;
  h5::check(H5Aread(a.get(), type.get(), &p), name);
  std::string s = p;
  H5free_memory(p);
  return s;
}

void set_format_version(const std::string& path, int version) {
  h5::File f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open " + path);
  h5::Attribute a(H5Aopen_by_name(f.get(), "/", "format_version", H5P_DEFAULT, H5P_DEFAULT), "format_version");
  h5::check(H5Awrite(a.get(), H5T_NATIVE_INT, &version), "write format_version");
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
  h5::Dataset ds(H5Dopen2(f.get(), "/samples/shed_mw", H5P_DEFAULT), "shed_mw");
  h5::PropList dcpl(H5Dget_create_plist(ds.get()), "plist");
  EXPECT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED);
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
  EXPECT_THROW(check_writable(target), InputError);
  EXPECT_TRUE(files().empty());
  EXPECT_NO_THROW(check_writable(path("results.h5")));
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, RejectsFilesThatAreNotResults) {
  const std::string text = path("notes.txt");
  std::ofstream(text) << "not an HDF5 file\n";
  EXPECT_THROW(read_tally_file(text), InputError);
  EXPECT_THROW(read_tally_file(path("missing.h5")), InputError);

  h5::silence_errors();
  const std::string bare = path("bare.h5");
  h5::File(H5Fcreate(bare.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create").close("close");
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
