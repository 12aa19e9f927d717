#pragma once
// A Tally as one contiguous buffer of 64-bit words (each 128-bit sum as two
// words), for sending between MPI ranks. Exact: from_words(to_words(t)) == t.
#include <cstdint>
#include <vector>

#include "stats/tally.hpp"

namespace sre {

std::vector<std::int64_t> tally_to_words(const Tally& t);
// Throws std::invalid_argument when the buffer is malformed.
Tally tally_from_words(const std::int64_t* words, std::size_t n);

}  // namespace sre
