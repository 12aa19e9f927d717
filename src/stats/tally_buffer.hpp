#pragma once
// A Tally as one contiguous buffer of 64-bit words, for combining between MPI ranks.
// Exact: from_words(to_words(t)) == t, and combining two buffers segment by segment
// gives the buffer of the merged tally, bit for bit.
//
// Layout (generated from SRE_TALLY_FIELDS, stats/tally.hpp): 4 header words (the
// shape: n_targets, n_buses, n_branches, total_demand_mw's bits), then four segments,
// each holding the elements of the fields of one kind in list order:
//   kSum128  128-bit sums, two words each (low, then high)
//   kSum64   64-bit sums (int64 and uint64, added modulo 2^64)
//   kMin     minima
//   kMax     maxima
// so a reduction is one operation per segment (MPI_SUM / MPI_MIN / MPI_MAX on the
// 64-bit segments, a 128-bit add with carry on the first).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "stats/tally.hpp"

namespace sre {

enum class WordSegment { kSum128 = 0, kSum64 = 1, kMin = 2, kMax = 3 };
inline constexpr std::array<WordSegment, 4> kWordSegments = {WordSegment::kSum128, WordSegment::kSum64,
                                                             WordSegment::kMin, WordSegment::kMax};

struct TallyLayout {
  static constexpr std::size_t kHeaderWords = 4;
  std::array<std::size_t, 5> begin{};  // segment s holds words [begin[s], begin[s + 1])
  std::size_t offset(WordSegment s) const { return begin[static_cast<int>(s)]; }
  std::size_t words(WordSegment s) const { return begin[static_cast<int>(s) + 1] - begin[static_cast<int>(s)]; }
  std::size_t size() const { return begin[4]; }
};

TallyLayout tally_layout(const TallyShape& shape);

std::vector<std::int64_t> tally_to_words(const Tally& t);
// Throws std::invalid_argument when the buffer is malformed.
Tally tally_from_words(const std::int64_t* words, std::size_t n);

// inout[i] = inout[i] (op) in[i] over `words` words of segment s (for kSum128, `words` is
// even and each pair is one 128-bit number). Commutative and associative: exact integers.
void combine_words(WordSegment s, const std::int64_t* in, std::int64_t* inout, std::size_t words);

// Combines the buffer `from` into `into` (equal shapes, else std::invalid_argument):
// the buffer of the merged tally.
void merge_words(std::vector<std::int64_t>& into, const std::vector<std::int64_t>& from);

}  // namespace sre
