#pragma once
// SHA-256 (FIPS 180-4) through nettle, for the case-file identity stored in results files
// (case_sha256: shards, checkpoints and merges must come from the same case bytes).
// Digests are lowercase hex, 64 characters.
#include <string>
#include <string_view>

namespace sre {

std::string sha256_hex(std::string_view data);
// Hash of a file's bytes, lowercase hex; throws InputError when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace sre
