#include "io/sha256.hpp"

#include <nettle/sha2.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <vector>

#include "io/input_error.hpp"

namespace sre {
namespace {

std::string hex(const sha256_ctx& ctx_in) {
  sha256_ctx ctx = ctx_in;
  std::array<std::uint8_t, SHA256_DIGEST_SIZE> d{};
  sha256_digest(&ctx, d.size(), d.data());
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(2 * d.size());
  for (std::uint8_t b : d) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  return hex(ctx);
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "cannot open the file to hash it; check the path");
  sha256_ctx ctx;
  sha256_init(&ctx);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha256_update(&ctx, static_cast<std::size_t>(in.gcount()), reinterpret_cast<const std::uint8_t*>(buf.data()));
  }
  if (in.bad()) throw InputError(path, 0, "read error while hashing the file");
  return hex(ctx);
}

}  // namespace sre
