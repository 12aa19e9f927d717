#include "io/hdf5_file.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>

#include "io/hdf5_handles.hpp"

namespace sre::h5 {

static_assert(std::is_same_v<hid_t, std::int64_t>, "File keeps its hid_t as std::int64_t");

namespace {

hid_t native(Type type) {
  switch (type) {
    case Type::kDouble: return H5T_NATIVE_DOUBLE;
    case Type::kFloat: return H5T_NATIVE_FLOAT;
    case Type::kInt64: return H5T_NATIVE_INT64;
    case Type::kUInt64: return H5T_NATIVE_UINT64;
    case Type::kInt32: return H5T_NATIVE_INT32;
    case Type::kUInt32: return H5T_NATIVE_UINT32;
    case Type::kUInt8: return H5T_NATIVE_UINT8;
  }
  throw Error("unknown element type");
}

// ---------------------------------------------------------------------------
// Writing.

PropList creation_props(hid_t cls) {
  PropList p(H5Pcreate(cls), "create property list");
  // No modification times in object headers: equal inputs give equal bytes.
  check(H5Pset_obj_track_times(p.get(), false), "disable object time tracking");
  return p;
}

Dataspace scalar_space() { return Dataspace(H5Screate(H5S_SCALAR), "create scalar dataspace"); }

Dataspace vector_space(hsize_t n) { return Dataspace(H5Screate_simple(1, &n, nullptr), "create dataspace"); }

bool deflate_available() {
  static const bool available = H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
  return available;
}

PropList dataset_props(hsize_t n, Packing packing) {
  PropList dcpl = creation_props(H5P_DATASET_CREATE);
  const bool compress = n > 0 && (packing == Packing::kCompressed || n >= kCompressFrom) && deflate_available();
  if (compress) {
    const hsize_t chunk = std::min<hsize_t>(n, kChunkMax);
    check(H5Pset_chunk(dcpl.get(), 1, &chunk), "set chunk size");
    check(H5Pset_shuffle(dcpl.get()), "set shuffle filter");
    check(H5Pset_deflate(dcpl.get(), kDeflateLevel), "set deflate filter");
  }
  return dcpl;
}

Dataset create_dataset(hid_t file, const std::string& path, hid_t type, const Dataspace& space, const PropList& dcpl) {
  return Dataset(H5Dcreate2(file, path.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                 "create dataset " + path);
}

void write_whole(const Dataset& ds, const std::string& path, hid_t type, const void* data) {
  check(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset " + path);
}

std::string attribute_what(const std::string& object, const std::string& name) {
  return "attribute " + name + " of " + object;
}

void write_attribute(hid_t file, const std::string& object, const std::string& name, hid_t type, const void* value) {
  const std::string what = attribute_what(object, name);
  if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) > 0) {
    Attribute a(H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), "open " + what);
    check(H5Awrite(a.get(), type, value), "write " + what);
    return;
  }
  Attribute a(H5Acreate_by_name(file, object.c_str(), name.c_str(), type, scalar_space().get(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
              "create " + what);
  check(H5Awrite(a.get(), type, value), "write " + what);
}

// ---------------------------------------------------------------------------
// Reading.

Dataset open_dataset(hid_t file, const std::string& path, bool exists) {
  if (!exists) throw Error("missing dataset " + path);
  return Dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open dataset " + path);
}

Attribute open_attribute(hid_t file, const std::string& object, const std::string& name) {
  if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
    throw Error("missing " + attribute_what(object, name));
  return Attribute(H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                   "open " + attribute_what(object, name));
}

hssize_t element_count(hid_t space, const std::string& what) {
  Dataspace s(space, "get dataspace of " + what);
  if (H5Sget_simple_extent_ndims(s.get()) > 1) throw Error(what + " is not one-dimensional");
  return check(H5Sget_simple_extent_npoints(s.get()), "count elements of " + what);
}

void require_string(hid_t file_type, const std::string& what) {
  if (H5Tget_class(file_type) != H5T_STRING) throw Error(what + " is not a string");
}

// A fixed-length memory string type one byte longer than the file's (room for the NUL).
Datatype fixed_string_type(hid_t file_type) {
  Datatype mem(H5Tcopy(H5T_C_S1), "copy string type");
  check(H5Tset_size(mem.get(), H5Tget_size(file_type) + 1), "set string size");
  return mem;
}

// One string, fixed or variable length; `read(memory_type, buffer)` reads it.
template <class ReadFn>
std::string read_one_string(hid_t file_type, const std::string& what, ReadFn read) {
  require_string(file_type, what);
  if (H5Tis_variable_str(file_type) > 0) {
    Datatype mem = string_type();
    char* p = nullptr;
    check(read(mem.get(), static_cast<void*>(&p)), "read " + what);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  Datatype mem = fixed_string_type(file_type);
  std::string s(H5Tget_size(file_type) + 1, '\0');
  check(read(mem.get(), static_cast<void*>(s.data())), "read " + what);
  s.resize(std::strlen(s.c_str()));
  return s;
}

}  // namespace

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

bool is_hdf5(const std::string& path) { return H5Fis_hdf5(path.c_str()) > 0; }

// ---------------------------------------------------------------------------
// The file.

File File::create(const std::string& path) {
  PropList fapl(H5Pcreate(H5P_FILE_ACCESS), "create file access properties");
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "set file close degree");
  const hid_t id = check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), "create " + path);
  return File(id, path);
}

File File::open(const std::string& path, Mode mode, const std::string& what) {
  const unsigned flags = mode == Mode::kReadWrite ? H5F_ACC_RDWR : H5F_ACC_RDONLY;
  const hid_t id = check(H5Fopen(path.c_str(), flags, H5P_DEFAULT), what.empty() ? "open " + path : what);
  return File(id, path);
}

File::File(File&& o) noexcept : id_(std::exchange(o.id_, -1)), path_(std::move(o.path_)) {}

File& File::operator=(File&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0) H5Fclose(id_);
    id_ = std::exchange(o.id_, -1);
    path_ = std::move(o.path_);
  }
  return *this;
}

File::~File() {
  if (id_ >= 0) H5Fclose(id_);
}

void File::flush() { check(H5Fflush(id_, H5F_SCOPE_GLOBAL), "flush " + path_); }

void File::close() {
  const hid_t id = std::exchange(id_, -1);
  if (id >= 0) check(H5Fclose(id), "close " + path_);
}

// H5Lexists needs every parent to exist.
bool File::exists(const std::string& path) const {
  for (std::size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1))
    if (H5Lexists(id_, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  return H5Lexists(id_, path.c_str(), H5P_DEFAULT) > 0;
}

bool File::has_attribute(const std::string& object, const std::string& name) const {
  return H5Aexists_by_name(id_, object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

bool File::is_chunked(const std::string& path) const {
  Dataset ds = open_dataset(id_, path, exists(path));
  PropList dcpl(H5Dget_create_plist(ds.get()), "get creation properties of dataset " + path);
  return H5Pget_layout(dcpl.get()) == H5D_CHUNKED;
}

void File::create_group(const std::string& path) {
  PropList gcpl = creation_props(H5P_GROUP_CREATE);
  Group g(H5Gcreate2(id_, path.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "create group " + path);
}

void File::write_scalar_raw(const std::string& path, Type type, const void* value) {
  const hid_t t = native(type);
  Dataset ds = create_dataset(id_, path, t, scalar_space(), creation_props(H5P_DATASET_CREATE));
  write_whole(ds, path, t, value);
}

void File::write_scalar(const std::string& path, const std::string& value) {
  Datatype type = string_type();
  Dataset ds = create_dataset(id_, path, type.get(), scalar_space(), creation_props(H5P_DATASET_CREATE));
  const char* p = value.c_str();
  write_whole(ds, path, type.get(), &p);
}

void File::write_array_raw(const std::string& path, Type type, const void* data, std::size_t size, Packing packing) {
  const hid_t t = native(type);
  const auto n = static_cast<hsize_t>(size);
  Dataset ds = create_dataset(id_, path, t, vector_space(n), dataset_props(n, packing));
  if (n > 0) write_whole(ds, path, t, data);
}

void File::write_strings(const std::string& path, const std::vector<std::string>& values) {
  Datatype type = string_type();
  const auto n = static_cast<hsize_t>(values.size());
  Dataset ds = create_dataset(id_, path, type.get(), vector_space(n), dataset_props(n, Packing::kAuto));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const std::string& s : values) ptrs.push_back(s.c_str());
  if (n > 0) write_whole(ds, path, type.get(), ptrs.data());
}

void File::set_attribute_raw(const std::string& object, const std::string& name, Type type, const void* value) {
  write_attribute(id_, object, name, native(type), value);
}

void File::set_attribute(const std::string& object, const std::string& name, const std::string& value) {
  Datatype type = string_type();
  const char* p = value.c_str();
  write_attribute(id_, object, name, type.get(), &p);
}

void File::read_array_raw(const std::string& path, Type type, void* out, void* (*resize)(void*, std::size_t)) const {
  Dataset ds = open_dataset(id_, path, exists(path));
  const auto n = static_cast<std::size_t>(element_count(H5Dget_space(ds.get()), "dataset " + path));
  void* data = resize(out, n);
  if (n > 0) check(H5Dread(ds.get(), native(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "read dataset " + path);
}

void File::check_length(const std::string& path, std::size_t size, std::size_t expected) {
  if (size != expected)
    throw Error("dataset " + path + " has " + std::to_string(size) + " elements, expected " + std::to_string(expected));
}

std::string File::read_string(const std::string& path) const {
  Dataset ds = open_dataset(id_, path, exists(path));
  if (element_count(H5Dget_space(ds.get()), "dataset " + path) != 1)
    throw Error("dataset " + path + " is not a single string");
  Datatype type(H5Dget_type(ds.get()), "get type of dataset " + path);
  return read_one_string(type.get(), "dataset " + path,
                         [&](hid_t mem, void* buf) { return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); });
}

std::vector<std::string> File::read_strings(const std::string& path) const {
  const std::string what = "dataset " + path;
  Dataset ds = open_dataset(id_, path, exists(path));
  const auto n = static_cast<std::size_t>(element_count(H5Dget_space(ds.get()), what));
  Datatype type(H5Dget_type(ds.get()), "get type of " + what);
  require_string(type.get(), what);
  std::vector<std::string> out;
  if (n == 0) return out;
  out.reserve(n);
  if (H5Tis_variable_str(type.get()) > 0) {
    Datatype mem = string_type();
    std::vector<char*> p(n, nullptr);
    check(H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "read " + what);
    for (char* s : p) out.emplace_back(s ? s : "");
    Dataspace space(H5Dget_space(ds.get()), "get dataspace of " + what);
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, p.data());
  } else {
    Datatype mem = fixed_string_type(type.get());
    const std::size_t len = H5Tget_size(mem.get());
    std::vector<char> buf(n * len, '\0');
    check(H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read " + what);
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(buf.data() + i * len);
  }
  return out;
}

void File::attribute_raw(const std::string& object, const std::string& name, Type type, void* value) const {
  const std::string what = attribute_what(object, name);
  Attribute a = open_attribute(id_, object, name);
  if (element_count(H5Aget_space(a.get()), what) != 1) throw Error(what + " is not a single value");
  check(H5Aread(a.get(), native(type), value), "read " + what);
}

std::string File::string_attribute(const std::string& object, const std::string& name) const {
  const std::string what = attribute_what(object, name);
  Attribute a = open_attribute(id_, object, name);
  Datatype type(H5Aget_type(a.get()), "get type of " + what);
  return read_one_string(type.get(), what, [&](hid_t mem, void* buf) { return H5Aread(a.get(), mem, buf); });
}

}  // namespace sre::h5
