// The strike models: uniform, exhaustive (every subset once, by index), weighted and
// independent draws, against their definitions (model section 4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "io/input_error.hpp"
#include "sampling/sample_rng.hpp"
#include "sampling/strike_sampler.hpp"

namespace sre {
namespace {

TEST(StrikeSampler, UniformDrawsKDistinctTargets) {
  const StrikeSampler s(StrikeModel::kUniform, 50, 7, {}, {});
  auto scratch = s.make_scratch();
  std::vector<int> out(50);
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const int m = s.sample(9, i, scratch, out.data());
    ASSERT_EQ(m, 7);
    for (int j = 1; j < m; ++j) ASSERT_LT(out[j - 1], out[j]);
    ASSERT_GE(out[0], 0);
    ASSERT_LT(out[m - 1], 50);
  }
}

TEST(StrikeSampler, UniformIsUniformOverTargets) {
  const int n = 10, k = 3, draws = 200000;
  const StrikeSampler s(StrikeModel::kUniform, n, k, {}, {});
  auto scratch = s.make_scratch();
  std::vector<int> out(n), count(n, 0);
  for (int i = 0; i < draws; ++i) {
    s.sample(3, i, scratch, out.data());
    for (int j = 0; j < k; ++j) ++count[out[j]];
  }
  const double expect = draws * k / double(n), sd = std::sqrt(expect * (1 - k / double(n)));
  for (int t = 0; t < n; ++t) EXPECT_NEAR(count[t], expect, 5 * sd) << "target " << t;
}

TEST(StrikeSampler, ExhaustiveEnumeratesEverySubsetOnce) {
  for (int k : {1, 2, 3, 9, 11}) {
    const StrikeSampler s(StrikeModel::kExhaustive, 12, k, {}, {});
    ASSERT_EQ(s.combinations(), binomial_saturated(12, k));
    auto scratch = s.make_scratch();
    std::vector<int> out(12);
    std::set<std::vector<int>> seen;
    for (std::uint64_t r = 0; r < s.combinations(); ++r) {
      const int m = s.sample(0, r, scratch, out.data());
      ASSERT_EQ(m, k);
      ASSERT_TRUE(std::is_sorted(out.begin(), out.begin() + m));
      seen.emplace(out.begin(), out.begin() + m);
    }
    EXPECT_EQ(seen.size(), s.combinations());
  }
}

TEST(StrikeSampler, ExhaustiveRefusesCombinationsBeyond64Bits) {
  EXPECT_THROW(StrikeSampler(StrikeModel::kExhaustive, 9241, 10, {}, {}), InputError);
}

TEST(StrikeSampler, WeightedNeverStrikesWeightZeroAndFollowsWeights) {
  const std::vector<double> w = {0, 1, 2, 0, 4, 1};
  const StrikeSampler s(StrikeModel::kWeighted, 6, 1, w, {});
  auto scratch = s.make_scratch();
  std::vector<int> out(6), count(6, 0);
  const int draws = 80000;
  for (int i = 0; i < draws; ++i) {
    s.sample(5, i, scratch, out.data());
    ++count[out[0]];
  }
  EXPECT_EQ(count[0], 0);
  EXPECT_EQ(count[3], 0);
  for (int t : {1, 2, 4, 5}) EXPECT_NEAR(count[t] / double(draws), w[t] / 8.0, 0.01);
  // k = 4 of the 4 positive targets: always exactly those.
  const StrikeSampler all(StrikeModel::kWeighted, 6, 4, w, {});
  auto sc = all.make_scratch();
  for (int i = 0; i < 100; ++i) {
    all.sample(1, i, sc, out.data());
    EXPECT_EQ(std::vector<int>(out.begin(), out.begin() + 4), (std::vector<int>{1, 2, 4, 5}));
  }
  EXPECT_THROW(StrikeSampler(StrikeModel::kWeighted, 6, 5, w, {}), InputError);
}

TEST(StrikeSampler, WeightedHandlesHundredsOfStrikes) {
  std::vector<double> w(9000);
  for (int t = 0; t < 9000; ++t) w[t] = 1 + t % 17;
  const StrikeSampler s(StrikeModel::kWeighted, 9000, 300, w, {});
  auto scratch = s.make_scratch();
  std::vector<int> out(9000);
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(s.sample(2, i, scratch, out.data()), 300);
    ASSERT_EQ(std::adjacent_find(out.begin(), out.begin() + 300), out.begin() + 300);  // distinct
  }
}

TEST(StrikeSampler, IndependentExtremes) {
  const StrikeSampler none(StrikeModel::kIndependent, 5, 0, {}, {0, 0, 0, 0, 0});
  const StrikeSampler all(StrikeModel::kIndependent, 5, 0, {}, {1, 1, 1, 1, 1});
  std::vector<int> out(5);
  auto a = none.make_scratch(), b = all.make_scratch();
  EXPECT_EQ(none.sample(1, 7, a, out.data()), 0);
  EXPECT_EQ(all.sample(1, 7, b, out.data()), 5);
}

}  // namespace
}  // namespace sre
