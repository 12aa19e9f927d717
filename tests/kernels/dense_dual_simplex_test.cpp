// kernels::DenseDualSimplex against Clp on random LPs of the re-dispatch shape (a few
// dense rows, many boxed columns), including rows added and costs changed between solves.
#include <gtest/gtest.h>

#include <ClpSimplex.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/dense_dual_simplex.hpp"

namespace sre {
namespace {

struct RandomLp {
  int n = 0;
  std::vector<double> lo, up, cost;
  std::vector<std::vector<double>> rows;  // dense
  std::vector<double> rlo, rhi;
};

// Clp's optimum (objective), or NaN when Clp proves the LP infeasible.
double clp_optimum(const RandomLp& lp) {
  const int m = static_cast<int>(lp.rows.size());
  std::vector<CoinBigIndex> start(lp.n + 1, 0);
  std::vector<int> index;
  std::vector<double> value;
  for (int j = 0; j < lp.n; ++j) {
    for (int r = 0; r < m; ++r)
      if (lp.rows[r][j] != 0.0) index.push_back(r), value.push_back(lp.rows[r][j]);
    start[j + 1] = static_cast<CoinBigIndex>(index.size());
  }
  std::vector<double> rlo(lp.rlo), rhi(lp.rhi);
  for (double& v : rlo)
    if (!std::isfinite(v)) v = -COIN_DBL_MAX;
  for (double& v : rhi)
    if (!std::isfinite(v)) v = COIN_DBL_MAX;
  ClpSimplex clp;
  clp.setLogLevel(0);
  clp.loadProblem(lp.n, m, start.data(), index.data(), value.data(), lp.lo.data(), lp.up.data(), lp.cost.data(),
                  rlo.data(), rhi.data());
  clp.setPrimalTolerance(1e-10);
  clp.setDualTolerance(1e-10);
  clp.dual();
  if (clp.isProvenPrimalInfeasible()) return std::nan("");
  EXPECT_TRUE(clp.isProvenOptimal());
  return clp.objectiveValue();
}

RandomLp random_lp(std::mt19937_64& rng, int n, int m, bool sparse_rows) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  RandomLp lp;
  lp.n = n;
  for (int j = 0; j < n; ++j) {
    const double width = u01(rng) < 0.1 ? 0.0 : 100.0 * u01(rng);  // some fixed columns
    const double lower = u01(rng) < 0.5 ? 0.0 : -50.0 * u01(rng);
    lp.lo.push_back(lower);
    lp.up.push_back(lower + width);
    lp.cost.push_back(u01(rng) < 0.3 ? 0.0 : u01(rng) * 2.0 - 0.5);  // zeros: dual degeneracy
  }
  // Row 0: a balance (all ones, equality); the others dense sensitivities in [-1, 1].
  lp.rows.emplace_back(n, 1.0);
  double mid = 0.0;
  for (int j = 0; j < n; ++j) mid += 0.5 * (lp.lo[j] + lp.up[j]);
  double top = 0.0;
  for (int j = 0; j < n; ++j) top += lp.up[j];
  lp.rlo.push_back(u01(rng) < 0.1 ? top + 1.0 : mid * (0.5 + u01(rng)));  // some infeasible by the balance alone
  lp.rhi.push_back(lp.rlo.back());
  for (int r = 1; r < m; ++r) {
    std::vector<double> a(n);
    double act = 0.0;
    for (int j = 0; j < n; ++j) {
      a[j] = sparse_rows && u01(rng) < 0.5 ? 0.0 : 2.0 * u01(rng) - 1.0;
      act += a[j] * 0.5 * (lp.lo[j] + lp.up[j]);
    }
    lp.rows.push_back(a);
    const double half = 20.0 + 200.0 * u01(rng);
    const bool one_sided = u01(rng) < 0.2;
    lp.rlo.push_back(one_sided ? -INFINITY : act - half);
    lp.rhi.push_back(act + half * (u01(rng) - 0.3));
  }
  return lp;
}

void load(kernels::DenseDualSimplex& s, const RandomLp& lp, int rows) {
  s.reset(lp.n);
  for (int j = 0; j < lp.n; ++j) s.set_column(j, lp.lo[j], lp.up[j], lp.cost[j]);
  for (int r = 0; r < rows; ++r) s.add_row(lp.rows[r].data(), lp.rlo[r], lp.rhi[r]);
}

void expect_same(kernels::DenseDualSimplex& s, const RandomLp& lp, kernels::DenseDualSimplex::Status st, int trial) {
  const double ref = clp_optimum(lp);
  if (std::isnan(ref)) {
    double worst = 0.0;
    if (st == kernels::DenseDualSimplex::Status::kOptimal)
      for (std::size_t r = 0; r < lp.rows.size(); ++r) {
        double act = 0.0;
        for (int j = 0; j < lp.n; ++j) act += lp.rows[r][j] * s.x(j);
        worst = std::max({worst, lp.rlo[r] - act, act - lp.rhi[r]});
      }
    EXPECT_EQ(st, kernels::DenseDualSimplex::Status::kInfeasible) << "trial " << trial << " worst row violation " << worst;
    return;
  }
  ASSERT_EQ(st, kernels::DenseDualSimplex::Status::kOptimal) << "trial " << trial;
  EXPECT_NEAR(s.objective(), ref, 1e-7 * (1.0 + std::abs(ref))) << "trial " << trial;
  // The point is feasible.
  for (int j = 0; j < lp.n; ++j) {
    EXPECT_GE(s.x(j), lp.lo[j] - 1e-8);
    EXPECT_LE(s.x(j), lp.up[j] + 1e-8);
  }
  for (std::size_t r = 0; r < lp.rows.size(); ++r) {
    double act = 0.0;
    for (int j = 0; j < lp.n; ++j) act += lp.rows[r][j] * s.x(j);
    EXPECT_GE(act, lp.rlo[r] - 1e-7) << "trial " << trial << " row " << r;
    EXPECT_LE(act, lp.rhi[r] + 1e-7) << "trial " << trial << " row " << r;
  }
}

TEST(DenseDualSimplex, MatchesClpOnRandomLps) {
  std::mt19937_64 rng(7);
  kernels::DenseDualSimplex s;
  int infeasible = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 5 + static_cast<int>(rng() % 300);
    const int m = 1 + static_cast<int>(rng() % 12);
    const RandomLp lp = random_lp(rng, n, m, trial % 3 == 0);
    load(s, lp, m);
    const auto st = s.solve();
    infeasible += st == kernels::DenseDualSimplex::Status::kInfeasible;
    expect_same(s, lp, st, trial);
  }
  // Both outcomes were exercised.
  EXPECT_GT(infeasible, 10);
  EXPECT_LT(infeasible, 390);
}

TEST(DenseDualSimplex, RowsAddedAndCostsChangedContinueFromTheBasis) {
  std::mt19937_64 rng(11);
  kernels::DenseDualSimplex s;
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 20 + static_cast<int>(rng() % 200);
    RandomLp lp = random_lp(rng, n, 8, false);
    // Solve with the first rows, then add the rest one or two at a time.
    load(s, lp, 2);
    RandomLp partial = lp;
    partial.rows.resize(2), partial.rlo.resize(2), partial.rhi.resize(2);
    auto st = s.solve();
    expect_same(s, partial, st, trial);
    for (std::size_t r = 2; r < lp.rows.size() && st == kernels::DenseDualSimplex::Status::kOptimal; ++r) {
      s.add_row(lp.rows[r].data(), lp.rlo[r], lp.rhi[r]);
      partial.rows.push_back(lp.rows[r]), partial.rlo.push_back(lp.rlo[r]), partial.rhi.push_back(lp.rhi[r]);
      st = s.solve();
      expect_same(s, partial, st, trial);
    }
    if (st != kernels::DenseDualSimplex::Status::kOptimal) continue;
    // New costs (a second phase), solved from the basis at hand.
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    for (int j = 0; j < n; ++j) {
      lp.cost[j] = u01(rng) - 0.5;
      s.set_cost(j, lp.cost[j]);
    }
    st = s.solve();
    expect_same(s, lp, st, trial);
  }
}

}  // namespace
}  // namespace sre

namespace sre {
namespace {

// Lexicographic costs against Clp's two phases: least c^T x, then least c2^T x with c^T x
// held at its optimum.
TEST(DenseDualSimplex, SecondCostAmongTheFirstsOptima) {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  kernels::DenseDualSimplex s;
  int solved = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 10 + static_cast<int>(rng() % 250);
    const int m = 2 + static_cast<int>(rng() % 10);
    RandomLp lp = random_lp(rng, n, m, false);
    // The first cost: 1 on a third of the columns (a shed), 0 elsewhere: very degenerate.
    std::vector<double> cost2(n);
    for (int j = 0; j < n; ++j) {
      lp.cost[j] = j % 3 == 0 ? 1.0 : 0.0;
      cost2[j] = 1.0 + 1e-3 * u01(rng);
    }
    load(s, lp, m);
    for (int j = 0; j < n; ++j) s.set_cost2(j, cost2[j]);
    const auto st = s.solve();
    const double first = clp_optimum(lp);
    if (std::isnan(first)) {
      EXPECT_EQ(st, kernels::DenseDualSimplex::Status::kInfeasible) << "trial " << trial;
      continue;
    }
    ASSERT_EQ(st, kernels::DenseDualSimplex::Status::kOptimal) << "trial " << trial;
    ++solved;
    EXPECT_NEAR(s.objective(), first, 1e-7 * (1.0 + std::abs(first))) << "trial " << trial;
    RandomLp second = lp;
    second.rows.push_back(lp.cost);
    second.rlo.push_back(-INFINITY);
    second.rhi.push_back(first + 1e-9);
    second.cost = cost2;
    const double ref2 = clp_optimum(second);
    double mine2 = 0.0;
    for (int j = 0; j < n; ++j) mine2 += cost2[j] * s.x(j);
    EXPECT_NEAR(mine2, ref2, 1e-6 * (1.0 + std::abs(ref2))) << "trial " << trial;
  }
  EXPECT_GT(solved, 100);
}

// Columns added to a solved (or infeasible) LP: the solve continues from the basis and
// reaches the optimum of the whole LP, also with lexicographic costs.
TEST(DenseDualSimplex, ColumnsAddedContinueFromTheBasis) {
  std::mt19937_64 rng(21);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  kernels::DenseDualSimplex s;
  int checked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 20 + static_cast<int>(rng() % 200), m = 2 + static_cast<int>(rng() % 8);
    RandomLp lp = random_lp(rng, n, m, false);
    for (int j = 0; j < n; ++j) lp.up[j] -= lp.lo[j], lp.lo[j] = 0.0;  // columns at 0 when added
    const int first = n / 3;  // the LP starts with the first third of the columns
    s.reset(first);
    for (int j = 0; j < first; ++j) s.set_column(j, lp.lo[j], lp.up[j], lp.cost[j]);
    std::vector<double> row(first);
    for (int r = 0; r < m; ++r) {
      std::copy_n(lp.rows[r].begin(), first, row.begin());
      s.add_row(row.data(), lp.rlo[r], lp.rhi[r]);
    }
    s.solve();
    std::vector<double> coef, lower, upper, cost, cost2;
    for (int j = first; j < n; ++j) {
      for (int r = 0; r < m; ++r) coef.push_back(lp.rows[r][j]);
      lower.push_back(lp.lo[j]), upper.push_back(lp.up[j]), cost.push_back(lp.cost[j]), cost2.push_back(0.0);
    }
    s.add_columns(n - first, coef.data(), lower.data(), upper.data(), cost.data(), cost2.data());
    ASSERT_EQ(s.n_cols(), n);
    expect_same(s, lp, s.solve(), trial);
    ++checked;
  }
  EXPECT_EQ(checked, 200);
}

}  // namespace
}  // namespace sre
