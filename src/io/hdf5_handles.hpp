#pragma once
// Minimal RAII over the HDF5 C API: one owning handle type per kind of object,
// and a check that turns a negative HDF5 return into an exception carrying the
// most specific message of HDF5's error stack. Private to io/ (scripts/check_layers.py):
// the other layers use the typed layer of io/hdf5_file.hpp.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "io/hdf5_file.hpp"

namespace sre::h5 {

// Innermost description on HDF5's default error stack (empty when there is none).
inline std::string last_error_message() {
  std::string msg;
  auto walk = [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
    if (n == 0 && err->desc) *static_cast<std::string*>(data) = err->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &msg);
  H5Eclear2(H5E_DEFAULT);
  return msg;
}

// Throws Error("<what>: <HDF5 reason>") when `status` is negative; returns it otherwise.
template <class T>
T check(T status, const std::string& what) {
  if (status < 0) {
    const std::string reason = last_error_message();
    throw Error(reason.empty() ? what : what + ": " + reason);
  }
  return status;
}

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  // Takes ownership of `id`; throws Error("<what>: ...") when id is invalid (negative).
  Handle(hid_t id, const std::string& what) : id_(check(id, what)) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }

  // Closes now, reporting failure (a file's close is where buffered data is written).
  void close(const std::string& what) {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    if (id >= 0) check(Close(id), what);
  }

 private:
  void reset() noexcept {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
};

using FileHandle = Handle<H5Fclose>;  // (h5::File, the typed file, is io/hdf5_file.hpp)
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Attribute = Handle<H5Aclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using PropList = Handle<H5Pclose>;

// The native HDF5 memory type of an arithmetic C++ type.
template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else static_assert(sizeof(T) == 0, "no HDF5 native type for this C++ type");
}

// A variable-length UTF-8 string type.
inline Datatype string_type() {
  Datatype t(H5Tcopy(H5T_C_S1), "copy string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), "set string size");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "set string character set");
  return t;
}

}  // namespace sre::h5
