#include "stats/tally_buffer.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <type_traits>

namespace sre {
namespace {

using u128 = unsigned __int128;

template <class T>
constexpr WordSegment segment_of(Combine c) {
  if constexpr (std::is_same_v<T, i128>) return WordSegment::kSum128;
  return c == Combine::kMin ? WordSegment::kMin : c == Combine::kMax ? WordSegment::kMax : WordSegment::kSum64;
}
template <class T>
constexpr std::size_t words_of() {
  return std::is_same_v<T, i128> ? 2 : 1;
}

template <class T>
concept Sequence = requires(T& t) { t.begin(); };

// Calls f(segment, element&) for every element of every field of t, in list order.
template <class Self, class F>
void for_each_element(Self& t, F&& f) {
  Tally::for_each_field(t, [&](const TallyField& field, auto& value) {
    using V = std::remove_cvref_t<decltype(value)>;
    if constexpr (Sequence<V>) {
      for (auto& x : value) f(segment_of<typename V::value_type>(field.combine), x);
    } else {
      f(segment_of<V>(field.combine), value);
    }
  });
}

std::int64_t lo_word(i128 x) { return static_cast<std::int64_t>(static_cast<std::uint64_t>(x)); }
std::int64_t hi_word(i128 x) { return static_cast<std::int64_t>(x >> 64); }
i128 join(std::int64_t lo, std::int64_t hi) {
  return static_cast<i128>((static_cast<u128>(static_cast<std::uint64_t>(hi)) << 64) | static_cast<std::uint64_t>(lo));
}

std::array<std::int64_t, TallyLayout::kHeaderWords> header(const TallyShape& s) {
  return {s.n_targets, s.n_buses, s.n_branches, std::bit_cast<std::int64_t>(s.total_demand_mw)};
}

TallyShape shape_of(const std::int64_t* words, std::size_t n);

}  // namespace

TallyLayout tally_layout(const TallyShape& shape) {
  std::array<std::size_t, 4> words{};
  const Tally empty;  // only the types of its fields matter
  Tally::for_each_field(empty, [&](const TallyField& f, const auto& value) {
    using T = tally_element_t<decltype(value)>;
    words[static_cast<int>(segment_of<T>(f.combine))] += words_of<T>() * Tally::extent_size(f.extent, shape);
  });
  TallyLayout l;
  l.begin[0] = TallyLayout::kHeaderWords;
  for (int s = 0; s < 4; ++s) l.begin[s + 1] = l.begin[s] + words[s];
  return l;
}

std::vector<std::int64_t> tally_to_words(const Tally& t) {
  const TallyLayout layout = tally_layout(t.shape);
  std::vector<std::int64_t> w(layout.size());
  const auto h = header(t.shape);
  std::copy(h.begin(), h.end(), w.begin());
  std::array<std::size_t, 4> at = {layout.begin[0], layout.begin[1], layout.begin[2], layout.begin[3]};
  for_each_element(t, [&](WordSegment s, const auto& x) {
    std::size_t& p = at[static_cast<int>(s)];
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(x)>, i128>) {
      w.at(p++) = lo_word(x);
      w.at(p++) = hi_word(x);
    } else {
      w.at(p++) = static_cast<std::int64_t>(x);
    }
  });
  return w;
}

namespace {

TallyShape shape_of(const std::int64_t* words, std::size_t n) {
  if (n < TallyLayout::kHeaderWords) throw std::invalid_argument("tally buffer too short");
  TallyShape shape;
  shape.n_targets = static_cast<int>(words[0]);
  shape.n_buses = static_cast<int>(words[1]);
  shape.n_branches = static_cast<int>(words[2]);
  shape.total_demand_mw = std::bit_cast<double>(words[3]);
  if (shape.n_targets < 0 || shape.n_buses < 0 || shape.n_branches < 0 || shape.n_targets != words[0] ||
      shape.n_buses != words[1] || shape.n_branches != words[2])
    throw std::invalid_argument("bad tally shape");
  return shape;
}

}  // namespace

Tally tally_from_words(const std::int64_t* words, std::size_t n) {
  const TallyShape shape = shape_of(words, n);
  const TallyLayout layout = tally_layout(shape);
  if (n < layout.size()) throw std::invalid_argument("tally buffer too short");
  if (n > layout.size()) throw std::invalid_argument("tally buffer too long");
  Tally t;
  t.reset(shape);
  std::array<std::size_t, 4> at = {layout.begin[0], layout.begin[1], layout.begin[2], layout.begin[3]};
  for_each_element(t, [&](WordSegment s, auto& x) {
    std::size_t& p = at[static_cast<int>(s)];
    using T = std::remove_cvref_t<decltype(x)>;
    if constexpr (std::is_same_v<T, i128>) {
      x = join(words[p], words[p + 1]);
      p += 2;
    } else {
      x = static_cast<T>(words[p++]);
    }
  });
  return t;
}

void combine_words(WordSegment s, const std::int64_t* in, std::int64_t* inout, std::size_t words) {
  switch (s) {
    case WordSegment::kSum128:
      for (std::size_t i = 0; i + 1 < words; i += 2) {
        // Modulo 2^128, as the tally's own additions.
        const u128 sum = static_cast<u128>(join(in[i], in[i + 1])) + static_cast<u128>(join(inout[i], inout[i + 1]));
        inout[i] = lo_word(static_cast<i128>(sum));
        inout[i + 1] = hi_word(static_cast<i128>(sum));
      }
      break;
    case WordSegment::kSum64:
      for (std::size_t i = 0; i < words; ++i)
        inout[i] = static_cast<std::int64_t>(static_cast<std::uint64_t>(inout[i]) + static_cast<std::uint64_t>(in[i]));
      break;
    case WordSegment::kMin:
      for (std::size_t i = 0; i < words; ++i) inout[i] = std::min(inout[i], in[i]);
      break;
    case WordSegment::kMax:
      for (std::size_t i = 0; i < words; ++i) inout[i] = std::max(inout[i], in[i]);
      break;
  }
}

void merge_words(std::vector<std::int64_t>& into, const std::vector<std::int64_t>& from) {
  if (into.size() < TallyLayout::kHeaderWords || from.size() != into.size() ||
      !std::equal(into.begin(), into.begin() + TallyLayout::kHeaderWords, from.begin()))
    throw std::invalid_argument("cannot merge tally buffers of different studies");
  const TallyLayout layout = tally_layout(shape_of(into.data(), into.size()));
  if (layout.size() != into.size()) throw std::invalid_argument("tally buffer has the wrong length");
  for (WordSegment s : kWordSegments)
    combine_words(s, from.data() + layout.offset(s), into.data() + layout.offset(s), layout.words(s));
}

}  // namespace sre
