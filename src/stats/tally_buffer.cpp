#include "stats/tally_buffer.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace sre {
namespace {

// Same field list as the /tally group of results files (results_file.cpp).
template <class T, class V>
void visit(T& t, V& v) {
  v(t.n); v(t.shed_sum); v(t.shed_sumsq); v(t.shed_min); v(t.shed_max);
  v(t.islands_sum); v(t.dead_islands_sum); v(t.struck_sum); v(t.destroyed_sum); v(t.intercepted_sum);
  v(t.overloaded_first_sum); v(t.tripped_sum); v(t.steps_sum); v(t.cap_hits);
  v(t.loading_n); v(t.loading_sum); v(t.loading_max); v(t.redispatch_sum);
  v(t.exceed_count); v(t.histogram);
  v(t.bin_count); v(t.bin_min); v(t.bin_max); v(t.bin_sum);
  v(t.target_struck); v(t.target_destroyed); v(t.target_shed_sum); v(t.target_shed_sumsq);
  v(t.bus_unserved_sum); v(t.branch_overloaded); v(t.branch_tripped);
  v(t.conv_n); v(t.conv_sum); v(t.conv_sumsq);
}

struct Writer {
  std::vector<std::int64_t>& w;
  void operator()(std::int64_t x) { w.push_back(x); }
  void operator()(std::uint64_t x) { w.push_back(static_cast<std::int64_t>(x)); }
  void operator()(i128 x) {
    w.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(x)));
    w.push_back(static_cast<std::int64_t>(x >> 64));
  }
  template <class C>
  void operator()(const C& c) requires requires { c.begin(); } {
    for (const auto& x : c) (*this)(x);
  }
};

struct Reader {
  const std::int64_t* p;
  const std::int64_t* end;
  std::int64_t next() {
    if (p == end) throw std::invalid_argument("tally buffer too short");
    return *p++;
  }
  void operator()(std::int64_t& x) { x = next(); }
  void operator()(std::uint64_t& x) { x = static_cast<std::uint64_t>(next()); }
  void operator()(i128& x) {
    const auto lo = static_cast<std::uint64_t>(next());
    const auto hi = next();
    x = (static_cast<i128>(hi) << 64) | static_cast<i128>(lo);
  }
  template <class C>
  void operator()(C& c) requires requires { c.begin(); } {
    for (auto& x : c) (*this)(x);
  }
};

}  // namespace

std::vector<std::int64_t> tally_to_words(const Tally& t) {
  std::vector<std::int64_t> w;
  w.push_back(t.shape.n_targets);
  w.push_back(t.shape.n_buses);
  w.push_back(t.shape.n_branches);
  w.push_back(std::bit_cast<std::int64_t>(t.shape.total_demand_mw));
  Writer writer{w};
  visit(t, writer);
  return w;
}

Tally tally_from_words(const std::int64_t* words, std::size_t n) {
  if (n < 4) throw std::invalid_argument("tally buffer too short");
  TallyShape shape;
  shape.n_targets = static_cast<int>(words[0]);
  shape.n_buses = static_cast<int>(words[1]);
  shape.n_branches = static_cast<int>(words[2]);
  shape.total_demand_mw = std::bit_cast<double>(words[3]);
  if (shape.n_targets < 0 || shape.n_buses < 0 || shape.n_branches < 0) throw std::invalid_argument("bad tally shape");
  Tally t;
  t.reset(shape);
  Reader reader{words + 4, words + n};
  visit(t, reader);
  if (reader.p != reader.end) throw std::invalid_argument("tally buffer too long");
  return t;
}

}  // namespace sre
