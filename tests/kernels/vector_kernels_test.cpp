// The small vectorised kernels against plain loops: src/kernels/any_exceeds.hpp (SSE2 lanes
// and a scalar tail) and src/kernels/gather_dot.hpp (four partial sums).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/any_exceeds.hpp"
#include "kernels/gather_dot.hpp"

namespace {

template <bool with_gate>
bool any_exceeds_plain(const std::vector<double>& x, const std::vector<double>& threshold,
                       const std::vector<double>& limit, double gate, int j0, int j1) {
  for (int j = j0; j < j1; ++j) {
    const double a = std::abs(x[j]);
    if (a > threshold[j]) return true;
    if (with_gate && a > gate * limit[j]) return true;
  }
  return false;
}

TEST(AnyExceeds, AgreesWithAPlainLoopOnEveryBlockShape) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> flow(-120.0, 120.0), lim(50.0, 150.0);
  int hits = 0, misses = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 40);
    std::vector<double> x(n), limit(n), threshold(n);
    for (int j = 0; j < n; ++j) {
      x[j] = flow(rng);
      limit[j] = lim(rng);
      threshold[j] = limit[j] * 1.3;
    }
    // Now and then an exact tie (not exceeding), a NaN (never exceeding) or a -0.0.
    if (trial % 5 == 0) x[rng() % n] = -threshold[rng() % n];
    if (trial % 7 == 0) x[rng() % n] = std::numeric_limits<double>::quiet_NaN();
    if (trial % 11 == 0) x[rng() % n] = -0.0;
    const int j0 = static_cast<int>(rng() % n);
    const int j1 = j0 + static_cast<int>(rng() % (n - j0 + 1));
    const double gate = std::uniform_real_distribution<double>(0.0, 1.4)(rng);
    const bool plain = any_exceeds_plain<true>(x, threshold, limit, gate, j0, j1);
    EXPECT_EQ(sre::kernels::any_exceeds<true>(x.data(), threshold.data(), limit.data(), gate, j0, j1), plain);
    EXPECT_EQ(sre::kernels::any_exceeds<false>(x.data(), threshold.data(), limit.data(), gate, j0, j1),
              any_exceeds_plain<false>(x, threshold, limit, gate, j0, j1));
    (plain ? hits : misses)++;
  }
  EXPECT_GT(hits, 500);  // both answers well exercised
  EXPECT_GT(misses, 500);
}

TEST(AnyExceeds, FindsTheOneExceedingEntryInEveryLanePosition) {
  const int n = 9;
  std::vector<double> threshold(n, 10.0), limit(n, 8.0);
  for (int at = 0; at < n; ++at) {
    std::vector<double> x(n, 5.0);
    x[at] = -10.5;  // over the threshold in magnitude
    EXPECT_TRUE(sre::kernels::any_exceeds<false>(x.data(), threshold.data(), limit.data(), 0.0, 0, n)) << at;
    EXPECT_FALSE(sre::kernels::any_exceeds<false>(x.data(), threshold.data(), limit.data(), 0.0, 0, at)) << at;
    x[at] = 9.0;  // under the threshold, over gate * limit = 8.8
    EXPECT_TRUE(sre::kernels::any_exceeds<true>(x.data(), threshold.data(), limit.data(), 1.1, 0, n)) << at;
    EXPECT_FALSE(sre::kernels::any_exceeds<true>(x.data(), threshold.data(), limit.data(), 1.2, 0, n)) << at;
  }
}

TEST(GatherDot, EqualsThePlainSumAndIsExactOnIntegers) {
  std::mt19937_64 rng(3);
  std::vector<double> w(100);
  for (int i = 0; i < 100; ++i) w[i] = static_cast<double>(static_cast<int>(rng() % 21) - 10);
  for (int n = 0; n < 23; ++n) {
    std::vector<int> idx(n);
    std::vector<double> v(n);
    double plain = 0.0;
    for (int p = 0; p < n; ++p) {
      idx[p] = static_cast<int>(rng() % 100);
      v[p] = static_cast<double>(static_cast<int>(rng() % 9) - 4);
      plain += v[p] * w[idx[p]];
    }
    EXPECT_EQ(sre::kernels::gather_dot(v.data(), idx.data(), w.data(), n), plain) << n;  // integers: exact
  }
  // Real values: the partial sums round differently, within a few ulps of the plain sum.
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 60);
    std::vector<int> idx(n);
    std::vector<double> v(n), x(100);
    for (double& a : x) a = u(rng);
    double plain = 0.0, magnitude = 0.0;
    for (int p = 0; p < n; ++p) {
      idx[p] = static_cast<int>(rng() % 100);
      v[p] = u(rng);
      plain += v[p] * x[idx[p]];
      magnitude += std::abs(v[p] * x[idx[p]]);
    }
    EXPECT_NEAR(sre::kernels::gather_dot(v.data(), idx.data(), x.data(), n), plain, 1e-14 * magnitude);
  }
}

}  // namespace
