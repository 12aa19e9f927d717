// Per-class strike budgets (model sections 3 and 4): each class draws exactly its k within
// its own range of targets, ascending, a function of (seed, index) alone; exhaustive
// enumerates the product of the classes' combinations, each once, with the first class's
// rank varying fastest; one budget over every target is the single-k sampler bit for bit;
// independent takes no budgets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "io/input_error.hpp"
#include "sampling/strike_sampler.hpp"

namespace sre {
namespace {

// Three classes over 16 targets: [0, 5) k 2, [5, 12) k 3, [12, 16) k 1.
const std::vector<StrikeBudget> kBudgets = {{0, 5, 2}, {5, 7, 3}, {12, 4, 1}};
constexpr int kTargets = 16;

std::vector<int> draw(const StrikeSampler& s, StrikeSampler::Scratch& scratch, std::uint64_t seed, std::uint64_t index) {
  std::vector<int> out(s.n_targets());
  const int m = s.sample(seed, index, scratch, out.data());
  out.resize(m);
  return out;
}

// Exactly b.k targets in each budget's range, nothing outside them, ascending and distinct.
void expect_budgets(const std::vector<int>& got, const std::vector<StrikeBudget>& budgets, const std::string& what) {
  int k = 0;
  for (const StrikeBudget& b : budgets) k += b.k;
  ASSERT_EQ(static_cast<int>(got.size()), k) << what;
  for (std::size_t j = 1; j < got.size(); ++j) ASSERT_LT(got[j - 1], got[j]) << what;
  for (const StrikeBudget& b : budgets) {
    const auto in = std::count_if(got.begin(), got.end(), [&](int t) { return t >= b.first && t < b.first + b.count; });
    ASSERT_EQ(in, b.k) << what << ": budget at " << b.first;
  }
}

TEST(StrikeBudgets, UniformDrawsEachClassBudgetWithinItsRange) {
  const StrikeSampler s(StrikeModel::kUniform, kTargets, kBudgets, {});
  EXPECT_EQ(s.k(), 6);
  auto scratch = s.make_scratch(), other = s.make_scratch();
  std::vector<int> count(kTargets, 0);
  const int draws = 60000;
  for (int i = 0; i < draws; ++i) {
    const std::vector<int> got = draw(s, scratch, 11, i);
    expect_budgets(got, kBudgets, "index " + std::to_string(i));
    for (int t : got) ++count[t];
    // A function of (seed, index): another scratch, and the same index again, give the same.
    if (i % 97 == 0) {
      ASSERT_EQ(draw(s, other, 11, i), got);
      ASSERT_EQ(draw(s, scratch, 11, i), got);
    }
  }
  // Uniform within each class: target t of a class of n with budget k is struck k/n of the time.
  for (const StrikeBudget& b : kBudgets)
    for (int t = b.first; t < b.first + b.count; ++t) {
      const double p = static_cast<double>(b.k) / b.count, expect = draws * p, sd = std::sqrt(draws * p * (1 - p));
      if (p == 1.0) EXPECT_EQ(count[t], draws);
      else EXPECT_NEAR(count[t], expect, 5 * sd) << "target " << t;
    }
  // Another seed draws other sets.
  auto sc = s.make_scratch();
  int differ = 0;
  for (int i = 0; i < 100; ++i) differ += draw(s, scratch, 11, i) != draw(s, sc, 12, i);
  EXPECT_GT(differ, 50);
}

TEST(StrikeBudgets, WeightedFollowsTheWeightsWithinEachClass) {
  // Class 0: weights 1, 3, 0, 4 (k 1); class 1: 5, 0, 5 (k 2: always its two positive ones);
  // class 2: 1000, 3000 (k 1).
  const std::vector<StrikeBudget> budgets = {{0, 4, 1}, {4, 3, 2}, {7, 2, 1}};
  const std::vector<double> w = {1, 3, 0, 4, 5, 0, 5, 1000, 3000};
  const StrikeSampler s(StrikeModel::kWeighted, 9, budgets, w);
  auto scratch = s.make_scratch();
  std::vector<int> count(9, 0);
  const int draws = 40000;
  for (int i = 0; i < draws; ++i) {
    const std::vector<int> got = draw(s, scratch, 4, i);
    expect_budgets(got, budgets, "index " + std::to_string(i));
    for (int t : got) ++count[t];
  }
  EXPECT_EQ(count[2], 0);
  EXPECT_EQ(count[5], 0);
  EXPECT_EQ(count[4], draws);
  EXPECT_EQ(count[6], draws);
  for (int t : {0, 1, 3}) EXPECT_NEAR(count[t] / double(draws), w[t] / 8.0, 0.01) << "target " << t;
  EXPECT_NEAR(count[7] / double(draws), 0.25, 0.01);
  EXPECT_NEAR(count[8] / double(draws), 0.75, 0.01);

  // Each class's weights are scaled to the class's own largest: scaling one class's weights
  // (by a power of two, exactly) changes no draw, while the same scaling applied to all
  // weights but one class's would if the scaling were over all targets.
  std::vector<double> scaled = w;
  for (int t = 7; t < 9; ++t) scaled[t] *= 1024.0;
  for (int t = 0; t < 4; ++t) scaled[t] /= 64.0;
  const StrikeSampler s2(StrikeModel::kWeighted, 9, budgets, scaled);
  auto scratch2 = s2.make_scratch();
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(draw(s, scratch, 4, i), draw(s2, scratch2, 4, i)) << "index " << i;

  // A class with fewer positive weights than its budget is refused.
  EXPECT_THROW(StrikeSampler(StrikeModel::kWeighted, 9, {{0, 4, 1}, {4, 3, 3}}, w), InputError);
}

// Each part's own colex rank, from the single-class exhaustive sampler's enumeration.
std::map<std::vector<int>, std::uint64_t> ranks(int n, int k) {
  const StrikeSampler s(StrikeModel::kExhaustive, n, k, {}, {});
  auto scratch = s.make_scratch();
  std::map<std::vector<int>, std::uint64_t> out;
  for (std::uint64_t r = 0; r < s.combinations(); ++r) out[draw(s, scratch, 0, r)] = r;
  return out;
}

TEST(StrikeBudgets, ExhaustiveEnumeratesTheProductOfTheClassesOnce) {
  // k = 5 of 7 in the middle class: its sampler enumerates complements.
  const std::vector<StrikeBudget> budgets = {{0, 5, 2}, {5, 7, 5}, {12, 4, 1}};
  const StrikeSampler s(StrikeModel::kExhaustive, kTargets, budgets, {});
  const std::uint64_t c0 = binomial_saturated(5, 2), c1 = binomial_saturated(7, 5), c2 = binomial_saturated(4, 1);
  ASSERT_EQ(s.combinations(), c0 * c1 * c2);  // 10 * 21 * 4 = 840
  const auto r0 = ranks(5, 2), r1 = ranks(7, 5), r2 = ranks(4, 1);
  auto scratch = s.make_scratch();
  std::set<std::vector<int>> seen;
  for (std::uint64_t index = 0; index < s.combinations(); ++index) {
    const std::vector<int> got = draw(s, scratch, 99, index);
    expect_budgets(got, budgets, "index " + std::to_string(index));
    ASSERT_TRUE(seen.insert(got).second) << "index " << index << " repeats a set";
    // index = r_0 + C_0 (r_1 + C_1 r_2), each r the rank within its class.
    std::vector<int> p0, p1, p2;
    for (int t : got) (t < 5 ? p0 : t < 12 ? p1 : p2).push_back(t < 5 ? t : t < 12 ? t - 5 : t - 12);
    ASSERT_EQ(index, r0.at(p0) + c0 * (r1.at(p1) + c1 * r2.at(p2))) << "index " << index;
  }
  EXPECT_EQ(seen.size(), s.combinations());
  // Any index range is a shard: a fresh sampler and scratch give the same sets for a range
  // starting anywhere, whatever the seed.
  const StrikeSampler again(StrikeModel::kExhaustive, kTargets, budgets, {});
  auto fresh = again.make_scratch();
  for (std::uint64_t index = 377; index < 521; ++index) {
    const std::vector<int> a = draw(again, fresh, 5, index);
    std::vector<int> b = draw(s, scratch, 99, index);
    ASSERT_EQ(a, b) << "index " << index;
  }
}

TEST(StrikeBudgets, ExhaustiveRefusesAProductBeyond64Bits) {
  // C(2000, 6) is about 8.8e16 (fits); C(300, 3) is about 4.5e6; their product does not fit.
  EXPECT_NO_THROW(StrikeSampler(StrikeModel::kExhaustive, 2300, {{0, 2000, 6}}, {}));
  EXPECT_THROW(StrikeSampler(StrikeModel::kExhaustive, 2300, {{0, 2000, 6}, {2000, 300, 3}}, {}), InputError);
}

TEST(StrikeBudgets, OneBudgetOverEveryTargetIsTheSingleKSampler) {
  std::vector<double> w(40);
  for (int t = 0; t < 40; ++t) w[t] = (t * 7) % 11;  // some zeros
  for (const StrikeModel model : {StrikeModel::kUniform, StrikeModel::kWeighted, StrikeModel::kExhaustive}) {
    for (const int k : {1, 3, 29}) {
      const StrikeSampler single(model, 40, k, model == StrikeModel::kWeighted ? w : std::vector<double>{}, {});
      const StrikeSampler budget(model, 40, {{0, 40, k}}, model == StrikeModel::kWeighted ? w : std::vector<double>{});
      if (model == StrikeModel::kExhaustive) {
        ASSERT_EQ(single.combinations(), budget.combinations());
      }
      auto a = single.make_scratch(), b = budget.make_scratch();
      const std::uint64_t n = model == StrikeModel::kExhaustive ? std::min<std::uint64_t>(single.combinations(), 5000) : 5000;
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint64_t index = model == StrikeModel::kExhaustive ? single.combinations() - 1 - i : i;
        ASSERT_EQ(draw(single, a, 21, index), draw(budget, b, 21, index))
            << to_string(model) << " k " << k << " index " << index;
      }
    }
  }
}

TEST(StrikeBudgets, IndependentTakesNoBudgetsAndRangesAreChecked) {
  EXPECT_THROW(StrikeSampler(StrikeModel::kIndependent, 16, kBudgets, {}), InputError);
  EXPECT_THROW(StrikeSampler(StrikeModel::kUniform, 16, std::vector<StrikeBudget>{}, {}), InputError);
  // Overlapping, descending or out-of-range budgets are a programming error.
  EXPECT_THROW(StrikeSampler(StrikeModel::kUniform, 16, {{0, 6, 1}, {5, 3, 1}}, {}), std::invalid_argument);
  EXPECT_THROW(StrikeSampler(StrikeModel::kUniform, 16, {{5, 3, 1}, {0, 2, 1}}, {}), std::invalid_argument);
  EXPECT_THROW(StrikeSampler(StrikeModel::kUniform, 16, {{10, 7, 1}}, {}), std::invalid_argument);
  // A budget above its class's size.
  EXPECT_THROW(StrikeSampler(StrikeModel::kUniform, 16, {{0, 3, 4}}, {}), InputError);
}

}  // namespace
}  // namespace sre
