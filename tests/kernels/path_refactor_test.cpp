// PathRefactorLdlt: recomputing only the rows on the changed columns' elimination-tree
// paths must leave exactly (bit for bit) the factor of a full factorisation of the new
// values, and that factor must solve the system.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <vector>

#include <Eigen/Dense>

#include "kernels/path_refactor_ldlt.hpp"

namespace sre::kernels {
namespace {

// A grounded weighted graph Laplacian (symmetric positive definite): a random spanning
// tree plus extra edges, every node grounded a little. Upper triangle, compressed.
struct RandomSpd {
  int n;
  std::map<std::pair<int, int>, double> entries;  // (row <= col) -> value

  RandomSpd(int n_, int extra, std::mt19937_64& rng) : n(n_) {
    std::uniform_real_distribution<double> w(0.5, 20.0);
    auto add_edge = [&](int a, int b) {
      if (a == b) return;
      const double x = w(rng);
      entries[{std::min(a, b), std::max(a, b)}] -= x;
      entries[{a, a}] += x;
      entries[{b, b}] += x;
    };
    for (int i = 1; i < n; ++i) add_edge(static_cast<int>(rng() % i), i);
    for (int q = 0; q < extra; ++q) add_edge(static_cast<int>(rng() % n), static_cast<int>(rng() % n));
    for (int i = 0; i < n; ++i) entries[{i, i}] += 0.01 * w(rng);
  }
  SparseMatrix upper() const {
    std::vector<Triplet> t;
    for (const auto& [rc, v] : entries) t.emplace_back(rc.first, rc.second, v);
    SparseMatrix m(n, n);
    m.setFromTriplets(t.begin(), t.end());
    m.makeCompressed();
    return m;
  }
  Eigen::MatrixXd dense() const {
    Eigen::MatrixXd d = Eigen::MatrixXd::Zero(n, n);
    for (const auto& [rc, v] : entries) d(rc.first, rc.second) = d(rc.second, rc.first) = v;
    return d;
  }
};

std::vector<double> solve(const PathRefactorLdlt& f, std::vector<double> x) {
  f.solve(x.data());
  return x;
}

TEST(PathRefactorLdlt, SolvesLikeADenseFactorisation) {
  std::mt19937_64 rng(3);
  for (int n : {1, 2, 17, 120}) {
    RandomSpd a(n, n, rng);
    PathRefactorLdlt f;
    f.analyze(a.upper());
    Eigen::VectorXd b = Eigen::VectorXd::Random(n);
    std::vector<double> x(b.data(), b.data() + n);
    f.solve(x.data());
    const Eigen::VectorXd want = a.dense().ldlt().solve(b);
    for (int i = 0; i < n; ++i) EXPECT_NEAR(x[i], want[i], 1e-9 * (1.0 + std::abs(want[i]))) << "n " << n << " i " << i;
  }
}

// Change a few entries (keeping the matrix positive definite), as a branch removal or a
// grounding would, and compare with a fresh factorisation of the changed values.
TEST(PathRefactorLdlt, PathRefactorEqualsFullFactorisationBitForBit) {
  std::mt19937_64 rng(5);
  RandomSpd a(200, 300, rng);
  PathRefactorLdlt f;
  f.analyze(a.upper());
  const SparseMatrix pattern = a.upper();
  std::vector<double> b(a.n);
  for (double& v : b) v = std::uniform_real_distribution<double>(-1.0, 1.0)(rng);
  const std::vector<double> base_solution = solve(f, b);

  long recomputed = 0;
  for (int round = 0; round < 40; ++round) {
    // Modify a handful of columns of the current values: scale off-diagonals down (a weaker
    // branch), raise diagonals (grounding). Write them through values().
    const int changes = 1 + static_cast<int>(rng() % 6);
    for (int c = 0; c < changes; ++c) {
      const int k = static_cast<int>(rng() % a.n);
      double* v = f.values();
      for (int p = f.col_begin(k); p < f.col_begin(k + 1); ++p) {
        if (f.row_index()[p] == k) v[p] += 0.5;
        else v[p] *= 0.5;  // diagonal dominance is kept
      }
      f.mark_changed(k);
    }
    ASSERT_TRUE(f.refactor());
    // A fresh factorisation of the same values.
    SparseMatrix m = pattern;
    std::copy(f.values(), f.values() + m.nonZeros(), m.valuePtr());
    PathRefactorLdlt fresh;
    fresh.analyze(m);
    const std::vector<double> x = solve(f, b), y = solve(fresh, b);
    for (int i = 0; i < a.n; ++i) ASSERT_EQ(x[i], y[i]) << "round " << round << " i " << i;
    if (round % 10 == 9) {
      f.restore_base();
      const std::vector<double> z = solve(f, b);
      for (int i = 0; i < a.n; ++i) ASSERT_EQ(z[i], base_solution[i]) << "after restore, i " << i;
    }
  }
  recomputed = f.rows_recomputed();
  // Fewer rows than 40 full factorisations: the point of the kernel.
  EXPECT_LT(recomputed, 40L * a.n);
  EXPECT_GT(recomputed, 0);
}

// An instance sharing another's analysis starts at the base factor, owns its values (the
// other's changes do not reach it) and refactorises to the same bits.
TEST(PathRefactorLdlt, SharedAnalysisOwnsItsValues) {
  std::mt19937_64 rng(9);
  RandomSpd a(150, 200, rng);
  PathRefactorLdlt f;
  f.analyze(a.upper());
  std::vector<double> b(a.n, 1.0);
  const std::vector<double> base_solution = solve(f, b);
  for (int k = 0; k < 10; ++k) {
    double* v = f.values();
    v[f.diag_index(k * 7)] += 1.0;
    f.mark_changed(k * 7);
  }
  ASSERT_TRUE(f.refactor());
  PathRefactorLdlt g;
  g.share_analysis(f);
  EXPECT_EQ(solve(g, b), base_solution);  // the base, not f's current values
  for (int k = 0; k < 10; ++k) {
    g.values()[g.diag_index(k * 7)] += 1.0;
    g.mark_changed(k * 7);
  }
  ASSERT_TRUE(g.refactor());
  EXPECT_EQ(solve(g, b), solve(f, b));
  f.restore_base();
  EXPECT_EQ(solve(f, b), base_solution);
  EXPECT_NE(solve(g, b), base_solution);
}

// refactor_forward() then backward() must give a fresh factorisation's solve, bit for bit
// (up to the sign of zeros), whatever it kept from earlier calls: rounds of branch
// removals that split the graph into islands (block-diagonal values on the intact
// pattern), right-hand sides changed in a few entries or not at all, whole solves and
// solves over the touched islands only (whose tree paths leave the list and come back),
// with refactor() and restore_base() in between.
TEST(PathRefactorLdlt, RefactorForwardSolvesLikeAFreshFactorisation) {
  std::mt19937_64 rng(11);
  const int n = 160;
  RandomSpd a(n, 60, rng);
  const SparseMatrix pattern = a.upper();
  std::vector<std::pair<int, int>> edges;  // (row < col) entries still nonzero
  for (const auto& [rc, v] : a.entries)
    if (rc.first != rc.second) edges.push_back(rc);
  auto entry_index = [&](int r, int c) {
    for (int p = pattern.outerIndexPtr()[c]; p < pattern.outerIndexPtr()[c + 1]; ++p)
      if (pattern.innerIndexPtr()[p] == r) return p;
    ADD_FAILURE() << "no entry " << r << "," << c;
    return 0;
  };
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  PathRefactorLdlt f;
  f.analyze(pattern);
  std::vector<double> b(n), x(n);
  auto fresh_solution = [&] {
    SparseMatrix m = pattern;
    std::copy(f.values(), f.values() + m.nonZeros(), m.valuePtr());
    PathRefactorLdlt g;
    g.analyze(m);
    return solve(g, b);
  };
  auto components = [&] {  // per node, the lowest node of its island
    std::vector<int> comp(n);
    std::iota(comp.begin(), comp.end(), 0);
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& [r, c] : edges) {
        const int lo = std::min(comp[r], comp[c]);
        if (comp[r] != lo || comp[c] != lo) comp[r] = comp[c] = lo, moved = true;
      }
    }
    return comp;
  };
  for (double& v : b) v = u(rng);
  x = b;
  ASSERT_TRUE(f.refactor_forward(x.data()));
  f.backward(x.data());
  bool last_was_forward = true;
  int listed_rounds = 0;
  for (int round = 0; round < 60; ++round) {
    // Remove a few edges: a branch out, as the cascade's trips.
    std::vector<int> ends;
    for (int c = 0, cuts = 1 + static_cast<int>(rng() % 3); c < cuts && !edges.empty(); ++c) {
      const std::size_t q = rng() % edges.size();
      const auto [r, col] = edges[q];
      edges.erase(edges.begin() + static_cast<long>(q));
      double* v = f.values();
      const int off = entry_index(r, col);
      const double w = -v[off];
      v[off] = 0.0;
      v[f.diag_index(r)] -= w;
      v[f.diag_index(col)] -= w;
      f.mark_changed(r);
      f.mark_changed(col);
      ends.push_back(r);
      ends.push_back(col);
    }
    const std::vector<int> comp = components();
    // The islands touched: those of the removed edges' ends.
    std::vector<std::uint8_t> touched(n, 0);
    for (int e : ends) touched[comp[e]] = 1;
    std::vector<int> listed;
    for (int i = 0; i < n; ++i)
      if (touched[comp[i]]) listed.push_back(i);
    const bool use_list = last_was_forward && round % 3 != 0 && static_cast<int>(listed.size()) < n;
    // New right-hand side entries: none, or a few (in the touched islands when listed).
    const int changes = round % 4 == 1 ? 0 : 1 + static_cast<int>(rng() % 5);
    for (int c = 0; c < changes; ++c) {
      const int i = use_list ? listed[rng() % listed.size()] : static_cast<int>(rng() % n);
      b[i] = u(rng);
    }
    if (use_list) {
      ++listed_rounds;
      for (int i : listed) x[i] = b[i];
      ASSERT_TRUE(f.refactor_forward(x.data(), listed.data(), static_cast<int>(listed.size())));
      f.backward_listed(x.data(), listed.data(), static_cast<int>(listed.size()));
      const std::vector<double> want = fresh_solution();
      for (int i : listed) ASSERT_EQ(x[i], want[i]) << "round " << round << " listed, i " << i;
    } else if (round % 7 == 5) {
      // A plain refactor() leaves the kept forward entries of the touched islands stale,
      // and a solve over the other islands does not mend them.
      ASSERT_TRUE(f.refactor());
      std::vector<int> others;
      for (int i = 0; i < n; ++i)
        if (!touched[comp[i]]) others.push_back(i);
      if (!others.empty()) {
        for (int i : others) x[i] = b[i];
        ASSERT_TRUE(f.refactor_forward(x.data(), others.data(), static_cast<int>(others.size())));
        f.backward_listed(x.data(), others.data(), static_cast<int>(others.size()));
        const std::vector<double> want = fresh_solution();
        for (int i : others) ASSERT_EQ(x[i], want[i]) << "round " << round << " others after refactor(), i " << i;
      }
      x = b;
      ASSERT_TRUE(f.refactor_forward(x.data()));
      f.backward(x.data());
      EXPECT_EQ(x, fresh_solution()) << "round " << round << " after refactor()";
    } else {
      x = b;
      ASSERT_TRUE(f.refactor_forward(x.data()));
      f.backward(x.data());
      const std::vector<double> want = fresh_solution();
      for (int i = 0; i < n; ++i) ASSERT_EQ(x[i], want[i]) << "round " << round << " whole, i " << i;
    }
    last_was_forward = true;
    if (round % 20 == 19) {
      // Back to the intact values (and edges): the kept forward entries are stale.
      f.restore_base();
      edges.clear();
      for (const auto& [rc, v] : a.entries)
        if (rc.first != rc.second) edges.push_back(rc);
      last_was_forward = false;
      x = b;
      ASSERT_TRUE(f.refactor_forward(x.data()));
      f.backward(x.data());
      EXPECT_EQ(x, fresh_solution()) << "after restore_base()";
    }
  }
  EXPECT_GT(listed_rounds, 10);
}

// The multiply-add counts follow the factor's pattern, read here from a dense Cholesky
// factor (its nonzeros below the diagonal): row i does, for each entry L(i, j), column j's
// scatter over the entries above it plus its pivot update, so a column of c entries costs
// c (c + 1) / 2 over a whole factorisation; a changed column costs the rows on its path.
TEST(PathRefactorLdlt, CountsMultiplyAddsByThePattern) {
  std::mt19937_64 rng(11);
  const int n = 60;
  RandomSpd a(n, 40, rng);
  const Eigen::MatrixXd l = a.dense().llt().matrixL();
  std::vector<long> row_adds(n, 0);
  std::vector<int> parent(n, -1);
  long full = 0;
  for (int j = 0; j < n; ++j) {
    long c = 0;
    for (int i = j + 1; i < n; ++i)
      if (l(i, j) != 0.0) {
        row_adds[i] += ++c;
        if (parent[j] < 0) parent[j] = i;
      }
    full += c * (c + 1) / 2;
  }
  PathRefactorLdlt f;
  f.analyze(a.upper());
  EXPECT_EQ(f.full_factor_mult_adds(), full);
  for (int k : {0, 7, 31, 58}) {
    long expected = 0;
    for (int i = k; i >= 0; i = parent[i]) expected += row_adds[i];
    const long before = f.mult_adds_recomputed();
    f.mark_changed(k);
    ASSERT_TRUE(f.refactor());
    EXPECT_EQ(f.mult_adds_recomputed() - before, expected) << "column " << k;
  }
  const long before = f.mult_adds_recomputed();
  for (int k = 0; k < n; ++k) f.mark_changed(k);
  ASSERT_TRUE(f.refactor());
  EXPECT_EQ(f.mult_adds_recomputed() - before, full);

  // A rank-one modification: two multiply-adds per entry of each column on the union of
  // the paths from w's nonzeros, one per pivot.
  std::vector<long> col_count(n, 0);
  for (int j = 0; j < n; ++j)
    for (int i = j + 1; i < n; ++i) col_count[j] += l(i, j) != 0.0;
  for (const std::vector<int>& w : std::vector<std::vector<int>>{{0}, {31}, {7, 12}, {3, 40, 41}}) {
    std::vector<char> on(n, 0);
    long expected = 0;
    for (int k : w)
      for (int i = k; i >= 0 && !on[i]; i = parent[i]) on[i] = 1, expected += 2 * col_count[i] + 1;
    EXPECT_EQ(f.rank_one_mult_adds(w.data(), static_cast<int>(w.size())), expected) << "from " << w.front();
  }
}

TEST(PathRefactorLdlt, ReportsAZeroPivot) {
  std::mt19937_64 rng(7);
  RandomSpd a(30, 10, rng);
  PathRefactorLdlt f;
  f.analyze(a.upper());
  // Column 0 all zero: a zero pivot at the first position.
  for (int p = f.col_begin(0); p < f.col_begin(1); ++p) f.values()[p] = 0.0;
  f.mark_changed(0);
  EXPECT_FALSE(f.refactor());
  f.restore_base();
  std::vector<double> x(30, 1.0);
  f.solve(x.data());
  for (double v : x) EXPECT_TRUE(std::isfinite(v));
}

TEST(PathRefactorLdlt, RejectsAPatternWithoutItsDiagonal) {
  std::vector<Triplet> t{{0, 0, 1.0}, {0, 1, -1.0}};
  SparseMatrix m(2, 2);
  m.setFromTriplets(t.begin(), t.end());
  m.makeCompressed();
  PathRefactorLdlt f;
  EXPECT_THROW(f.analyze(m), std::invalid_argument);
}

}  // namespace
}  // namespace sre::kernels
