#pragma once
// A typed HDF5 layer: files, groups, 1-D and scalar datasets of numbers and strings, and
// scalar attributes, addressed by absolute paths. Callers describe a file's layout with
// it and never see the HDF5 C API (<hdf5.h> and the handles of io/hdf5_handles.hpp stay
// inside io/). Every failure is an h5::Error whose message names the operation and the
// path, followed by HDF5's own reason when it gave one.
//
// Numbers are stored with the native HDF5 type of their C++ type and read back with
// conversion (an int64 dataset can be read as double). Strings are variable-length UTF-8;
// reading also accepts fixed-length strings.
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <stdexcept>
#include <utility>
#include <string>
#include <type_traits>
#include <vector>

namespace sre::h5 {

// An HDF5 call failed; `what()` says which operation and HDF5's own reason.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stops HDF5 printing its error stack to stderr; errors reach the caller as exceptions.
void silence_errors();

// Whether `path` is an HDF5 file (false when it is missing, unreadable or something else).
bool is_hdf5(const std::string& path);

// The element types a dataset or attribute can hold.
enum class Type { kDouble, kFloat, kInt64, kUInt64, kInt32, kUInt32, kUInt8 };

template <class T>
inline constexpr bool is_element_v =
    std::is_same_v<T, double> || std::is_same_v<T, float> || std::is_same_v<T, std::int64_t> ||
    std::is_same_v<T, std::uint64_t> || std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::uint32_t> ||
    std::is_same_v<T, std::uint8_t>;

template <class T>
concept Element = is_element_v<T>;

template <Element T>
constexpr Type type_of() {
  if constexpr (std::is_same_v<T, double>) return Type::kDouble;
  else if constexpr (std::is_same_v<T, float>) return Type::kFloat;
  else if constexpr (std::is_same_v<T, std::int64_t>) return Type::kInt64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return Type::kUInt64;
  else if constexpr (std::is_same_v<T, std::int32_t>) return Type::kInt32;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return Type::kUInt32;
  else return Type::kUInt8;
}

// How a 1-D dataset is laid out. kAuto: contiguous, unless it has at least
// kCompressFrom elements; kCompressed: always (when not empty). A compressed dataset is
// chunked (chunks of up to kChunkMax elements), byte-shuffled and deflated at
// kDeflateLevel, when this HDF5 has the deflate filter (contiguous otherwise).
enum class Packing { kAuto, kCompressed };
inline constexpr std::uint64_t kCompressFrom = 4096;
inline constexpr std::uint64_t kChunkMax = 65536;
inline constexpr unsigned kDeflateLevel = 4;

// One open HDF5 file. Paths are absolute within the file ("/group/dataset"); attributes
// belong to an object (a group, "/" included, or a dataset). Objects are created without
// modification times, so equal contents give equal bytes.
class File {
 public:
  enum class Mode { kReadOnly, kReadWrite };

  // Creates (truncates) `path`; closing the file closes every object in it.
  // Error: "create <path>: ...".
  static File create(const std::string& path);
  // Opens an existing file. Error: "<what>: ..." (what defaults to "open <path>").
  static File open(const std::string& path, Mode mode = Mode::kReadOnly, const std::string& what = {});

  File(const File&) = delete;
  File& operator=(const File&) = delete;
  File(File&& o) noexcept;
  File& operator=(File&& o) noexcept;
  ~File();  // closes quietly; call close() to learn of a failure

  const std::string& path() const { return path_; }
  // Writes every buffered byte to disk. Error: "flush <path>: ...".
  void flush();
  // Closes now (where buffered data is written). Error: "close <path>: ...".
  void close();

  // Whether `path` names an object (false when any parent is missing).
  bool exists(const std::string& path) const;
  // Whether object `object` has attribute `name`.
  bool has_attribute(const std::string& object, const std::string& name) const;
  // Whether dataset `path` is stored chunked (compressed).
  bool is_chunked(const std::string& path) const;

  // --- writing ---
  void create_group(const std::string& path);
  template <Element T>
  void write_scalar(const std::string& path, T value) {
    write_scalar_raw(path, type_of<T>(), &value);
  }
  void write_scalar(const std::string& path, const std::string& value);
  // A 1-D dataset from a contiguous range of numbers (vector, array, span).
  template <std::ranges::contiguous_range R>
    requires Element<std::ranges::range_value_t<R>>
  void write(const std::string& path, const R& values, Packing packing = Packing::kAuto) {
    write_array_raw(path, type_of<std::ranges::range_value_t<R>>(), std::ranges::data(values),
                    std::ranges::size(values), packing);
  }
  void write_strings(const std::string& path, const std::vector<std::string>& values);
  // A scalar attribute; an existing one is overwritten (keeping its stored type).
  template <Element T>
  void set_attribute(const std::string& object, const std::string& name, T value) {
    set_attribute_raw(object, name, type_of<T>(), &value);
  }
  void set_attribute(const std::string& object, const std::string& name, const std::string& value);

  // --- reading --- (errors: "missing dataset <path>", "read dataset <path>: ...", ...)
  // The elements of a dataset of at most one dimension, converted to T.
  template <Element T>
  std::vector<T> read(const std::string& path) const {
    std::vector<T> values;
    read_array_raw(path, type_of<T>(), &values, [](void* v, std::size_t n) -> void* {
      auto& vec = *static_cast<std::vector<T>*>(v);
      vec.resize(n);
      return vec.data();
    });
    return values;
  }
  // As read(), checking the length. Error: "dataset <path> has N elements, expected M".
  template <Element T>
  std::vector<T> read(const std::string& path, std::size_t expected) const {
    std::vector<T> values = read<T>(path);
    check_length(path, values.size(), expected);
    return values;
  }
  // A dataset of exactly one element.
  template <Element T>
  T read_scalar(const std::string& path) const {
    return read<T>(path, 1).front();
  }
  // A dataset of one string ("dataset <path> is not a single string").
  std::string read_string(const std::string& path) const;
  std::vector<std::string> read_strings(const std::string& path) const;
  // A scalar attribute ("missing attribute <name> of <object>", "... is not a single value").
  template <Element T>
  T attribute(const std::string& object, const std::string& name) const {
    T value{};
    attribute_raw(object, name, type_of<T>(), &value);
    return value;
  }
  std::string string_attribute(const std::string& object, const std::string& name) const;

 private:
  File(std::int64_t id, std::string path) : id_(id), path_(std::move(path)) {}
  void write_scalar_raw(const std::string& path, Type type, const void* value);
  void write_array_raw(const std::string& path, Type type, const void* data, std::size_t n, Packing packing);
  void set_attribute_raw(const std::string& object, const std::string& name, Type type, const void* value);
  void read_array_raw(const std::string& path, Type type, void* out, void* (*resize)(void*, std::size_t)) const;
  void attribute_raw(const std::string& object, const std::string& name, Type type, void* value) const;
  static void check_length(const std::string& path, std::size_t size, std::size_t expected);

  std::int64_t id_ = -1;  // the HDF5 file identifier (hid_t)
  std::string path_;
};

}  // namespace sre::h5
