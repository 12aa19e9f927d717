// The typed HDF5 layer (io/hdf5_file): every element type and strings round trip, in
// datasets and attributes; numbers convert on reading; compression follows Packing;
// missing paths and wrong shapes throw h5::Error naming the path.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"

namespace sre::h5 {
namespace {

namespace fs = std::filesystem;

class Hdf5FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    silence_errors();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("sre_hdf5_file_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

// The message of the h5::Error that `f` throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

template <class T>
std::vector<T> sample_values() {
  using L = std::numeric_limits<T>;
  return {L::lowest(), T{0}, T{1}, L::max(), static_cast<T>(42)};
}

template <class T>
void expect_round_trip(const std::string& file_path) {
  const std::vector<T> values = sample_values<T>();
  {
    File f = File::create(file_path);
    f.create_group("/g");
    f.write("/g/array", values);
    f.write("/g/empty", std::vector<T>{});
    f.write_scalar("/g/scalar", values[3]);
    f.set_attribute("/g", "attr", values[0]);
    f.set_attribute("/g/array", "attr", values[3]);
    f.close();
  }
  const File f = File::open(file_path);
  EXPECT_EQ(f.read<T>("/g/array"), values);
  EXPECT_EQ(f.read<T>("/g/array", values.size()), values);
  EXPECT_TRUE(f.read<T>("/g/empty").empty());
  EXPECT_EQ(f.read_scalar<T>("/g/scalar"), values[3]);
  EXPECT_EQ(f.attribute<T>("/g", "attr"), values[0]);
  EXPECT_EQ(f.attribute<T>("/g/array", "attr"), values[3]);
  EXPECT_FALSE(f.is_chunked("/g/array"));
}

TEST_F(Hdf5FileTest, EveryElementTypeRoundTrips) {
  expect_round_trip<double>(path("double.h5"));
  expect_round_trip<float>(path("float.h5"));
  expect_round_trip<std::int64_t>(path("int64.h5"));
  expect_round_trip<std::uint64_t>(path("uint64.h5"));
  expect_round_trip<std::int32_t>(path("int32.h5"));
  expect_round_trip<std::uint32_t>(path("uint32.h5"));
  expect_round_trip<std::uint8_t>(path("uint8.h5"));
}

TEST_F(Hdf5FileTest, StringsRoundTrip) {
  const std::vector<std::string> names = {"alpha", "", "ünïcödé", std::string(300, 'x')};
  {
    File f = File::create(path("s.h5"));
    f.write_strings("/names", names);
    f.write_strings("/none", {});
    f.write_scalar("/config", std::string("[study]\nseed = 1\n"));
    f.set_attribute("/", "format", std::string("sre-results"));
    f.set_attribute("/names", "note", "");
    f.close();
  }
  const File f = File::open(path("s.h5"));
  EXPECT_EQ(f.read_strings("/names"), names);
  EXPECT_TRUE(f.read_strings("/none").empty());
  EXPECT_EQ(f.read_string("/config"), "[study]\nseed = 1\n");
  EXPECT_EQ(f.string_attribute("/", "format"), "sre-results");
  EXPECT_EQ(f.string_attribute("/names", "note"), "");
  EXPECT_NE(error_of([&] { f.read_string("/names"); }).find("dataset /names is not a single string"),
            std::string::npos);
  EXPECT_NE(error_of([&] { f.read<double>("/names"); }).find("read dataset /names"), std::string::npos);
}

TEST_F(Hdf5FileTest, ContainersAndConversions) {
  const std::array<std::int32_t, 3> a = {3, -1, 7};
  const std::vector<std::int64_t> v = {10, 20, 30};
  {
    File f = File::create(path("c.h5"));
    f.write("/array", a);
    f.write("/span", std::span<const std::int64_t>(v).subspan(1));
    f.close();
  }
  const File f = File::open(path("c.h5"));
  EXPECT_EQ(f.read<std::int32_t>("/array"), (std::vector<std::int32_t>{3, -1, 7}));
  EXPECT_EQ(f.read<double>("/array"), (std::vector<double>{3.0, -1.0, 7.0}));  // converted on reading
  EXPECT_EQ(f.read<std::int64_t>("/span"), (std::vector<std::int64_t>{20, 30}));
}

TEST_F(Hdf5FileTest, PackingChoosesTheLayout) {
  const std::vector<double> small(10, 1.5), large(kCompressFrom, 2.5);
  {
    File f = File::create(path("p.h5"));
    f.write("/small", small);
    f.write("/small_compressed", small, Packing::kCompressed);
    f.write("/large", large);
    f.write("/empty_compressed", std::vector<double>{}, Packing::kCompressed);
    f.close();
  }
  const File f = File::open(path("p.h5"));
  EXPECT_FALSE(f.is_chunked("/small"));
  EXPECT_TRUE(f.is_chunked("/small_compressed"));
  EXPECT_TRUE(f.is_chunked("/large"));
  EXPECT_FALSE(f.is_chunked("/empty_compressed"));
  EXPECT_EQ(f.read<double>("/small_compressed"), small);
  EXPECT_EQ(f.read<double>("/large"), large);
}

TEST_F(Hdf5FileTest, ExistsAndAttributesOverwrite) {
  {
    File f = File::create(path("e.h5"));
    f.create_group("/a");
    f.create_group("/a/b");
    f.write_scalar("/a/b/x", 1.0);
    f.set_attribute("/", "version", std::int32_t{1});
    f.close();
  }
  {
    File f = File::open(path("e.h5"), File::Mode::kReadWrite);
    f.set_attribute("/", "version", std::int32_t{2});  // overwritten in place
    f.close();
  }
  const File f = File::open(path("e.h5"));
  EXPECT_TRUE(f.exists("/a"));
  EXPECT_TRUE(f.exists("/a/b/x"));
  EXPECT_FALSE(f.exists("/a/c"));
  EXPECT_FALSE(f.exists("/missing/deeper/x"));  // a missing parent is no error
  EXPECT_TRUE(f.has_attribute("/", "version"));
  EXPECT_FALSE(f.has_attribute("/", "other"));
  EXPECT_FALSE(f.has_attribute("/missing", "version"));
  EXPECT_EQ(f.attribute<std::int32_t>("/", "version"), 2);
  EXPECT_EQ(f.attribute<std::int64_t>("/", "version"), 2);
}

TEST_F(Hdf5FileTest, MissingPathsAndWrongShapesThrow) {
  {
    File f = File::create(path("m.h5"));
    f.write("/pair", std::vector<double>{1, 2});
    f.close();
  }
  const File f = File::open(path("m.h5"));
  EXPECT_EQ(error_of([&] { f.read<double>("/nope"); }), "missing dataset /nope");
  EXPECT_EQ(error_of([&] { f.read<double>("/no/such/thing"); }), "missing dataset /no/such/thing");
  EXPECT_EQ(error_of([&] { f.read_strings("/nope"); }), "missing dataset /nope");
  EXPECT_EQ(error_of([&] { f.read_string("/nope"); }), "missing dataset /nope");
  EXPECT_EQ(error_of([&] { f.is_chunked("/nope"); }), "missing dataset /nope");
  EXPECT_EQ(error_of([&] { f.attribute<double>("/", "nope"); }), "missing attribute nope of /");
  EXPECT_EQ(error_of([&] { f.string_attribute("/pair", "nope"); }), "missing attribute nope of /pair");
  EXPECT_EQ(error_of([&] { f.read_scalar<double>("/pair"); }), "dataset /pair has 2 elements, expected 1");
  EXPECT_EQ(error_of([&] { f.read<double>("/pair", 3); }), "dataset /pair has 2 elements, expected 3");
  EXPECT_NE(error_of([&] { f.string_attribute("/", "nope"); }), "");
}

TEST_F(Hdf5FileTest, FilesThatCannotBeOpenedOrCreated) {
  const std::string text = path("notes.txt");
  std::ofstream(text) << "not an HDF5 file\n";
  EXPECT_FALSE(is_hdf5(text));
  EXPECT_FALSE(is_hdf5(path("missing.h5")));
  EXPECT_EQ(error_of([&] { File::open(path("missing.h5")); }).rfind("open " + path("missing.h5"), 0), 0u);
  EXPECT_EQ(error_of([&] { File::open(text, File::Mode::kReadOnly, "HDF5 could not open it"); })
                .rfind("HDF5 could not open it", 0),
            0u);
  EXPECT_EQ(error_of([&] { File::create(path("no_dir/x.h5")); }).rfind("create " + path("no_dir/x.h5"), 0), 0u);

  File f = File::create(path("ok.h5"));
  EXPECT_TRUE(is_hdf5(path("ok.h5")));
  EXPECT_NE(error_of([&] { f.create_group("/no/parent"); }).find("create group /no/parent"), std::string::npos);
  EXPECT_NE(error_of([&] { f.write_scalar("/no/parent", 1.0); }).find("create dataset /no/parent"), std::string::npos);
  f.write_scalar("/x", 1.0);
  EXPECT_NE(error_of([&] { f.write_scalar("/x", 2.0); }).find("create dataset /x"), std::string::npos);
  EXPECT_NE(error_of([&] { f.set_attribute("/none", "a", 1.0); }).find("attribute a of /none"), std::string::npos);
  File moved = std::move(f);
  EXPECT_EQ(moved.path(), path("ok.h5"));
  moved.flush();
  moved.close();
  moved.close();  // a second close does nothing
  EXPECT_EQ(File::open(path("ok.h5")).read_scalar<double>("/x"), 1.0);
}

}  // namespace
}  // namespace sre::h5
