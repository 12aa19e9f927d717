// Fast-solver kernel benchmarks (src/flow/fast_flow_solver.cpp, src/kernels/base_factor,
// src/kernels/woodbury_update) on case118, case1354, case2383wp_k and case9241pegase:
//   BM_Kernels_BaseSolve        one full forward + D + backward solve with the base factor (the floor)
//   BM_Kernels_BackwardBatch/<case>/lanes  backward solves of 1, 2, 4, 8 interleaved vectors in one pass
//   BM_Kernels_BackwardMulti/<case>/count  the same for 1, 2, 4, 8 separate vectors (no interleaving)
//   BM_Kernels_SparseForward    one sparse forward solve along the elimination tree (a branch column)
//   BM_Kernels_FastSolve        FastFlowSolver::solve of a k=3 strike state (Woodbury + one full solve + flows)
//   BM_Kernels_ReferenceSolve   the reference solver on the same states
//   BM_Kernels_UnionFind        IslandFinder::find_from_scratch of the same states (union-find, every branch)
//   BM_Kernels_Islands          IslandFinder::find of the same states (searches from the removed branches)
//   BM_Kernels_IslandsAfterTrips  a cascade round's islands: IslandFinder::find_after_trips of a k=3 strike state
//                                 after one round of 12 random trips and then another (the second timed)
//   BM_Kernels_UnionFindAfterTrips  IslandFinder::find_from_scratch of the same states
//   BM_Kernels_Balance          IslandBalancer::balance of the same states
//   BM_Kernels_EvaluateDc       a whole dc sample (outages, islands, balancing, fast flows, overloads)
//   BM_Kernels_EvaluateCascade/<case>/pct  a whole k = 3 cascade sample (rule all), cascade rounds taking the
//                                         Woodbury path up to pct % of the rank threshold (default 50)
//   BM_Kernels_RankWoodbury/<case>/r      FastFlowSolver::solve by the Woodbury path of states with r
//                                         modifications (r random branch trips, plus the groundings of the
//                                         islands they cut off), 16 distinct states in turn: cold columns
//   BM_Kernels_RankWoodburyWarm/<case>/r  the same, alternating one state and that state plus one trip
//                                         (a cascade step: columns cached, capacitance prefix reused)
//   BM_Kernels_RankRefactor/<case>/r      the same states by the refactor path (the per-thread factor of the
//                                         intact matrix refactorised along the changed columns' paths, then
//                                         one full solve), each state from the intact matrix
//   BM_Kernels_RankRefactorWarm/<case>/r  the state plus one trip right after the state (a cascade round
//                                         after a refactorised one: only the trip's columns' paths)
// The fast solver's default rank threshold (src/flow/fast_flow_shared.cpp) is the crossover of these.
//   BM_Kernels_PathRefactor/<case>/c      PathRefactorLdlt::refactor() of c random changed columns (c = 0:
//                                         every column, a full numeric factorisation); counters rows
//                                         (recomputed per call), of_full (their multiply-adds by the
//                                         pattern over a full factorisation's) and full_adds (those)
//   BM_Kernels_PathRefactorBranches/<case>/m  the same for the end columns of m random in-service
//                                         branches; counters of_full and rank1_of_full (m rank-one
//                                         modifications instead, by the pattern), adds (per call) and
//                                         full_adds
//   BM_Kernels_PathRefactorBranchesMetis/<case>/m  the same branches with the matrix in METIS's
//                                         nested-dissection order instead of the solver's AMD order
//                                         (built when METIS is found)
//   BM_Kernels_RefactorSolve/<case>/c     a cascade round's factor update and solve: c random changed columns
//                                         and c right-hand side entries, then refactor(), forward(), scale_d()
//                                         and backward()
//   BM_Kernels_RefactorForwardSolve/<case>/c  the same by refactor_forward() and backward(): the forward
//                                         solve rides along and solves only the rows that can change
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "flow/base_case.hpp"
#include "flow/flow_solver.hpp"
#include "topology/island_balancer.hpp"
#include "topology/island_finder.hpp"
#include "response/scenario_evaluator.hpp"
#include "kernels/base_factor.hpp"
#include "kernels/path_refactor_ldlt.hpp"
#include "kernel_cases.hpp"

#if SRE_BENCH_HAVE_METIS
#include <iostream>  // Eigen's METIS support reports errors on std::cerr without including it

#include <Eigen/MetisSupport>
#endif

namespace sre::bench {

const KPrepared& kprepared(const KCase& c) {
  static std::map<std::string, std::unique_ptr<KPrepared>> cache;
  auto& slot = cache[c.name];
  if (slot) return *slot;
  auto p = std::make_unique<KPrepared>();
  p->net = sre::load_network(std::string(SRE_DATA_DIR) + "/cases/" + c.file);
  p->base = sre::make_base_case(p->net);
  p->shared = sre::make_fast_flow_shared(p->net);
  std::vector<int> buses;
  for (int i = 0; i < p->net.n_bus(); ++i)
    if (p->net.bus_in_service[i]) buses.push_back(i);
  std::mt19937_64 rng(7);
  sre::IslandFinder finder(std::make_shared<const sre::IntactTopology>(p->net));
  for (int s = 0; s < kStates; ++s) {
    std::vector<int> d;
    while (d.size() < 3) {
      const int b = buses[rng() % buses.size()];
      if (std::find(d.begin(), d.end(), b) == d.end()) d.push_back(b);
    }
    sre::GridState st;
    st.resize(p->net);
    st.reset_to_intact(p->net);
    for (int b : d) st.destroy_bus(p->net, b);
    finder.find(st);
    sre::IslandBalancer::balance(p->net, st);
    p->states.push_back(std::move(st));
    p->strikes.push_back(d);
  }
  slot = std::move(p);
  return *slot;
}

}  // namespace sre::bench

namespace {

using sre::bench::KCase;
using sre::bench::KPrepared;
using sre::bench::kKCases;
using sre::bench::kprepared;

void BM_BaseSolve(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const sre::kernels::BaseFactor& f = sre::fast_flow_factor(*p.shared);
  std::vector<double> x(f.size());
  for (auto _ : st) {
    for (int i = 0; i < f.size(); ++i) x[i] = 1e-3 * (i % 17) - 8e-3;
    f.solve_permuted(x.data());
    benchmark::DoNotOptimize(x.data());
  }
  st.counters["n"] = f.size();
  st.counters["nnzL"] = static_cast<double>(f.nnz_l());
  st.counters["etree_height"] = f.etree_height();
  // Entries of the precomputed columns L^{-1} e_p (each one elimination-tree path).
  double paths = 0.0;
  for (int p0 = 0; p0 < f.size(); ++p0)
    for (int j = p0; j >= 0; j = f.parent()[j]) paths += 1.0;
  st.counters["column_entries"] = paths;
}

// Batched backward solves: `lanes` vectors per pass over L; items_per_second counts
// vectors, to compare with one scalar backward (lanes = 1).
void BM_BackwardBatch(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const sre::kernels::BaseFactor& f = sre::fast_flow_factor(*p.shared);
  const int lanes = static_cast<int>(st.range(0));
  std::vector<double> x0(static_cast<std::size_t>(f.size()) * lanes), x(x0.size());
  for (std::size_t i = 0; i < x0.size(); ++i) x0[i] = 1e-3 * static_cast<double>(i % 17) - 8e-3;
  for (auto _ : st) {
    std::copy(x0.begin(), x0.end(), x.begin());
    f.backward_batch(x.data(), lanes);
    benchmark::DoNotOptimize(x.data());
  }
  st.SetItemsProcessed(st.iterations() * lanes);  // items_per_second: vectors per second
}

// The same with separate (not interleaved) vectors: BaseFactor::backward_multi.
void BM_BackwardMulti(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const sre::kernels::BaseFactor& f = sre::fast_flow_factor(*p.shared);
  const int count = static_cast<int>(st.range(0));
  std::vector<std::vector<double>> x0(count, std::vector<double>(f.size())), x = x0;
  std::vector<double*> ptr(count);
  for (int w = 0; w < count; ++w) {
    for (int i = 0; i < f.size(); ++i) x0[w][i] = 1e-3 * ((i + w) % 17) - 8e-3;
    ptr[w] = x[w].data();
  }
  for (auto _ : st) {
    for (int w = 0; w < count; ++w) std::copy(x0[w].begin(), x0[w].end(), x[w].begin());
    f.backward_multi(ptr.data(), count);
    benchmark::DoNotOptimize(ptr.data());
  }
  st.SetItemsProcessed(st.iterations() * count);
}

void BM_SparseForward(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const sre::kernels::BaseFactor& f = sre::fast_flow_factor(*p.shared);
  std::vector<double> work(f.size(), 0.0);
  std::vector<unsigned char> mark(f.size(), 0);
  std::vector<int> idx;
  std::vector<double> val;
  idx.reserve(4 * f.etree_height());
  val.reserve(4 * f.etree_height());
  std::mt19937_64 rng(3);
  std::vector<std::pair<int, int>> ends;
  for (int k = 0; k < 256; ++k) ends.emplace_back(static_cast<int>(rng() % f.size()), static_cast<int>(rng() % f.size()));
  std::size_t q = 0, total = 0;
  for (auto _ : st) {
    const int s[2] = {ends[q].first, ends[q].second};
    const double v[2] = {1.0, -1.0};
    q = (q + 1) % ends.size();
    idx.clear();
    val.clear();
    total += f.sparse_forward(s, v, s[0] == s[1] ? 1 : 2, work.data(), mark.data(), idx, val);
  }
  st.counters["pattern"] = static_cast<double>(total) / static_cast<double>(st.iterations());
}

void BM_Solver(benchmark::State& st, KCase c, bool fast) {
  const KPrepared& p = kprepared(c);
  auto solver = fast ? sre::make_fast_flow_solver(p.net, p.shared) : sre::make_reference_flow_solver(p.net);
  std::vector<sre::GridState> states = p.states;
  std::size_t q = 0;
  for (auto _ : st) {
    solver->solve(p.net, states[q]);
    q = (q + 1) % states.size();
  }
}

void BM_Islands(benchmark::State& st, KCase c, bool from_scratch) {
  const KPrepared& p = kprepared(c);
  std::vector<sre::GridState> states = p.states;
  sre::IslandFinder finder(std::make_shared<const sre::IntactTopology>(p.net));  // certificates, outside the timing
  finder.find(states[0]);
  std::size_t q = 0;
  for (auto _ : st) {
    if (from_scratch)
      finder.find_from_scratch(states[q]);
    else
      finder.find(states[q]);
    q = (q + 1) % states.size();
  }
}

// Two rounds of 12 random trips after each strike state; the second round's islands timed,
// by the finder's forest (after_trips) or by union-find.
void BM_IslandsAfterTrips(benchmark::State& st, KCase c, bool after_trips) {
  const KPrepared& p = kprepared(c);
  std::vector<std::vector<int>> rounds(p.states.size() * 2);
  std::mt19937_64 rng(5);
  for (auto& r : rounds)
    while (r.size() < 12) r.push_back(static_cast<int>(rng() % p.net.n_branch()));
  sre::IslandFinder finder(std::make_shared<const sre::IntactTopology>(p.net));  // the intact network's data, outside the timing
  sre::GridState w = p.states[0];
  finder.find(w);
  std::size_t q = 0;
  for (auto _ : st) {
    st.PauseTiming();
    w = p.states[q];
    finder.find(w);
    int first = static_cast<int>(w.removed_branches.size());
    for (int e : rounds[2 * q]) w.trip_branch(e);
    finder.find_after_trips(w, first);
    first = static_cast<int>(w.removed_branches.size());
    for (int e : rounds[2 * q + 1]) w.trip_branch(e);
    st.ResumeTiming();
    if (after_trips)
      finder.find_after_trips(w, first);
    else
      finder.find_from_scratch(w);
    q = (q + 1) % p.states.size();
  }
}

void BM_Balance(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  std::vector<sre::GridState> states = p.states;
  std::size_t q = 0;
  for (auto _ : st) {
    sre::IslandBalancer::balance(p.net, states[q]);
    q = (q + 1) % states.size();
  }
}

void BM_EvaluateDc(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  sre::ResponseOptions opt;
  opt.kind = sre::ResponseKind::kDc;
  sre::ScenarioEvaluator ev(p.base, opt, sre::make_fast_flow_solver(p.net, p.shared));
  std::size_t q = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(ev.evaluate(p.strikes[q]).shed_mw);
    q = (q + 1) % p.strikes.size();
  }
}

// A whole k = 3 cascade sample (rule all), with cascade rounds taking the Woodbury path up
// to pct % of the solver's rank threshold (default: 50).
void BM_EvaluateCascade(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  sre::ResponseOptions opt;
  opt.kind = sre::ResponseKind::kCascade;
  const int max_rank = sre::fast_flow_default_max_rank(*p.shared);
  const int round = static_cast<int>(max_rank * st.range(0) / 100);
  sre::ScenarioEvaluator ev(p.base, opt, sre::make_fast_flow_solver(p.net, p.shared, max_rank, round));
  std::size_t q = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(ev.evaluate(p.strikes[q]).shed_mw);
    q = (q + 1) % p.strikes.size();
  }
  st.counters["round_max_rank"] = round;
}

// Modifications the fast solver counts for a state built from the intact network by branch
// trips only: removed branches plus islands holding none of the intact islands' references.
int trip_rank(const sre::Network& net, const sre::GridState& s, const std::vector<int>& base_refs) {
  std::vector<char> grounded(s.n_islands, 0);
  for (int r : base_refs) grounded[s.island_of[r]] = 1;
  int rank = static_cast<int>(s.removed_branches.size());
  for (int k = 0; k < s.n_islands; ++k) rank += !grounded[k];
  (void)net;
  return rank;
}

// 16 states with rank r (or r + 1 when the last trip also cut an island off) and, per state,
// the same state with one more trip.
struct RankStates {
  std::vector<sre::GridState> states, plus_one;
  double mean_rank = 0.0;
};

const RankStates& rank_states(const KCase& c, int r) {
  static std::map<std::pair<std::string, int>, std::unique_ptr<RankStates>> cache;
  auto& slot = cache[{c.name, r}];
  if (slot) return *slot;
  const KPrepared& p = kprepared(c);
  const sre::Network& net = p.net;
  sre::IslandFinder finder(std::make_shared<const sre::IntactTopology>(net));
  sre::GridState intact;
  intact.resize(net);
  intact.reset_to_intact(net);
  finder.find(intact);
  std::vector<int> base_refs(intact.island_ref.begin(), intact.island_ref.begin() + intact.n_islands);
  std::vector<int> branches;
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e]) branches.push_back(e);
  auto out = std::make_unique<RankStates>();
  std::mt19937_64 rng(11 + r);
  auto trip_one = [&](sre::GridState& st) {
    for (;;) {
      const int e = branches[rng() % branches.size()];
      if (st.branch_alive[e]) {
        st.trip_branch(e);
        return;
      }
    }
  };
  for (int q = 0; q < 16; ++q) {
    sre::GridState st;
    st.resize(net);
    st.reset_to_intact(net);
    int rank = 0;
    while (rank < r) {
      trip_one(st);
      finder.find(st);
      rank = trip_rank(net, st, base_refs);
    }
    sre::IslandBalancer::balance(net, st);
    out->mean_rank += rank / 16.0;
    sre::GridState st1 = st;
    trip_one(st1);
    finder.find(st1);
    sre::IslandBalancer::balance(net, st1);
    out->states.push_back(std::move(st));
    out->plus_one.push_back(std::move(st1));
  }
  slot = std::move(out);
  return *slot;
}

// path 0: Woodbury, cold; 1: Woodbury, warm (alternating a state and the state plus one trip);
// 2: refactor from the intact matrix; 3: refactor of the state plus one trip after the state.
void BM_Rank(benchmark::State& st, KCase c, int path) {
  const int r = static_cast<int>(st.range(0));
  const KPrepared& p = kprepared(c);
  const RankStates& rs = rank_states(c, r);
  auto solver = sre::make_fast_flow_solver(p.net, p.shared, path >= 2 ? 1 : 2 * r + 8);
  std::vector<sre::GridState> a = rs.states, b = rs.plus_one;
  std::size_t q = 0;
  bool flip = false;
  for (auto _ : st) {
    if (path == 3) {
      st.PauseTiming();
      solver->new_sample();
      solver->solve(p.net, a[0]);
      st.ResumeTiming();
      solver->solve(p.net, b[0]);
    } else if (path == 1) {
      solver->solve(p.net, flip ? b[0] : a[0]);
      flip = !flip;
    } else {
      solver->solve(p.net, a[q]);
      q = (q + 1) % a.size();
    }
  }
  st.counters["rank"] = rs.mean_rank;
}

// 16 sets of `cols` random positions of n, drawn once (cols = 0: every position).
std::vector<std::vector<int>> column_sets(int n, int cols) {
  std::mt19937_64 rng(3);
  std::vector<std::vector<int>> sets(16);
  for (auto& set : sets)
    for (int j = 0; j < (cols == 0 ? n : cols); ++j) set.push_back(cols == 0 ? j : static_cast<int>(rng() % n));
  return sets;
}

// The per-thread refactorisation alone: c random columns marked changed (values as they
// are), then refactor(); rows: rows of L recomputed per call.
void BM_PathRefactor(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  sre::kernels::PathRefactorLdlt f;
  f.analyze(sre::fast_flow_upper(*p.shared));
  const int n = f.size();
  const std::vector<std::vector<int>> sets = column_sets(n, static_cast<int>(st.range(0)));
  std::size_t q = 0;
  const long rows0 = f.rows_recomputed(), adds0 = f.mult_adds_recomputed();
  for (auto _ : st) {
    for (int k : sets[q]) f.mark_changed(k);
    benchmark::DoNotOptimize(f.refactor());
    q = (q + 1) % sets.size();
  }
  const double calls = static_cast<double>(st.iterations());
  st.counters["rows"] = static_cast<double>(f.rows_recomputed() - rows0) / calls;
  // Multiply-adds of the rows recomputed, as a share of a whole factorisation's.
  st.counters["of_full"] = static_cast<double>(f.mult_adds_recomputed() - adds0) / calls /
                           static_cast<double>(f.full_factor_mult_adds());
  st.counters["full_adds"] = static_cast<double>(f.full_factor_mult_adds());
  st.counters["n"] = n;
}

// The intact matrix's upper triangle in some order, and the position there of each
// position of the solver's (AMD) order.
struct OrderedUpper {
  sre::kernels::SparseMatrix upper;
  std::vector<int> pos;
};

// The solver's order itself.
OrderedUpper amd_order(const KPrepared& p) {
  OrderedUpper o{sre::fast_flow_upper(*p.shared), {}};
  o.pos.resize(o.upper.cols());
  for (int i = 0; i < static_cast<int>(o.pos.size()); ++i) o.pos[i] = i;
  return o;
}

#if SRE_BENCH_HAVE_METIS
// The same matrix reordered by METIS's nested dissection (METIS_NodeND through Eigen).
OrderedUpper metis_order(const KPrepared& p) {
  const sre::kernels::SparseMatrix& amd = sre::fast_flow_upper(*p.shared);
  sre::kernels::SparseMatrix full = amd.selfadjointView<Eigen::Upper>();
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> inverse;
  Eigen::MetisOrdering<int>()(full, inverse);
  const Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm = inverse.inverse();
  OrderedUpper o;
  o.pos.assign(perm.indices().data(), perm.indices().data() + perm.size());
  std::vector<sre::kernels::Triplet> moved;
  for (int k = 0; k < amd.outerSize(); ++k)
    for (int q = amd.outerIndexPtr()[k]; q < amd.outerIndexPtr()[k + 1]; ++q) {
      const int a = o.pos[amd.innerIndexPtr()[q]], b = o.pos[k];
      moved.emplace_back(std::min(a, b), std::max(a, b), amd.valuePtr()[q]);
    }
  o.upper.resize(amd.rows(), amd.cols());
  o.upper.setFromTriplets(moved.begin(), moved.end());
  o.upper.makeCompressed();
  return o;
}
#endif

// A cascade round's factor update for m random branches removed: the path
// refactorisation of their ends' columns (timed, values as they are), against m rank-one
// modifications (one per branch, w nonzero at its two ends), both counted by the pattern
// as shares of a whole factorisation's multiply-adds (counters of_full and rank1_of_full),
// with the matrix in the given order.
void BM_PathRefactorBranches(benchmark::State& st, KCase c, OrderedUpper (*order)(const KPrepared&)) {
  const KPrepared& p = kprepared(c);
  const auto& amd = sre::fast_flow_upper(*p.shared);
  const OrderedUpper ordered = order(p);
  sre::kernels::PathRefactorLdlt f;
  f.analyze(ordered.upper);
  const int m = static_cast<int>(st.range(0));
  // The matrix's off-diagonal entries (factor positions i < k) are the branches between
  // variable buses, parallel ones merged; drawn in the AMD order, so that every order
  // gets the same branches.
  std::vector<std::pair<int, int>> branch_ends;
  for (int k = 0; k < amd.outerSize(); ++k)
    for (int q = amd.outerIndexPtr()[k]; q < amd.outerIndexPtr()[k + 1]; ++q)
      if (amd.innerIndexPtr()[q] < k) branch_ends.push_back({amd.innerIndexPtr()[q], k});
  std::mt19937_64 rng(5);
  std::vector<std::vector<int>> ends(16);  // per set, each branch's two end positions
  for (auto& set : ends)
    for (int t = 0; t < m; ++t) {
      const auto [i, k] = branch_ends[rng() % branch_ends.size()];
      set.push_back(ordered.pos[i]);
      set.push_back(ordered.pos[k]);
    }
  double rank_one = 0.0;
  for (const auto& set : ends)
    for (std::size_t t = 0; t < set.size(); t += 2) rank_one += static_cast<double>(f.rank_one_mult_adds(&set[t], 2));
  std::size_t q = 0;
  const long adds0 = f.mult_adds_recomputed();
  for (auto _ : st) {
    for (int k : ends[q]) f.mark_changed(k);
    benchmark::DoNotOptimize(f.refactor());
    q = (q + 1) % ends.size();
  }
  const double full = static_cast<double>(f.full_factor_mult_adds());
  const double adds = static_cast<double>(f.mult_adds_recomputed() - adds0) / static_cast<double>(st.iterations());
  st.counters["adds"] = adds;
  st.counters["full_adds"] = full;
  st.counters["of_full"] = adds / full;
  st.counters["rank1_of_full"] = rank_one / static_cast<double>(ends.size()) / full;
}

// A cascade round on the per-thread factor: c random changed columns (values as they are)
// and c right-hand side entries changed, then the factor update and a whole solve, either
// as separate passes or with the forward solve inside the update (fused).
void BM_RefactorSolve(benchmark::State& st, KCase c, bool fused) {
  const KPrepared& p = kprepared(c);
  sre::kernels::PathRefactorLdlt f;
  f.analyze(sre::fast_flow_upper(*p.shared));
  const int n = f.size();
  const std::vector<std::vector<int>> sets = column_sets(n, static_cast<int>(st.range(0)));
  std::vector<double> b(n), x(n);
  for (int i = 0; i < n; ++i) b[i] = 1e-3 * (i % 17) - 8e-3;
  std::size_t q = 0;
  for (auto _ : st) {
    for (int k : sets[q]) f.mark_changed(k), b[k] += 1e-4;
    x = b;
    if (fused) {
      benchmark::DoNotOptimize(f.refactor_forward(x.data()));
    } else {
      benchmark::DoNotOptimize(f.refactor());
      f.forward(x.data());
      f.scale_d(x.data());
    }
    f.backward(x.data());
    benchmark::DoNotOptimize(x.data());
    q = (q + 1) % sets.size();
  }
  st.counters["n"] = n;
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const KCase& c : kKCases) {
    const std::string n = c.name;
    benchmark::RegisterBenchmark(("BM_Kernels_BaseSolve/" + n).c_str(), BM_BaseSolve, c)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_SparseForward/" + n).c_str(), BM_SparseForward, c)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_BackwardBatch/" + n).c_str(), BM_BackwardBatch, c)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(1)->Arg(2)->Arg(4)->Arg(8);
    benchmark::RegisterBenchmark(("BM_Kernels_BackwardMulti/" + n).c_str(), BM_BackwardMulti, c)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(1)->Arg(2)->Arg(4)->Arg(8);
    benchmark::RegisterBenchmark(("BM_Kernels_FastSolve/" + n).c_str(), BM_Solver, c, true)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_ReferenceSolve/" + n).c_str(), BM_Solver, c, false)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_UnionFind/" + n).c_str(), BM_Islands, c, true)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_Islands/" + n).c_str(), BM_Islands, c, false)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_IslandsAfterTrips/" + n).c_str(), BM_IslandsAfterTrips, c, true)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_UnionFindAfterTrips/" + n).c_str(), BM_IslandsAfterTrips, c, false)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_Balance/" + n).c_str(), BM_Balance, c)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_EvaluateDc/" + n).c_str(), BM_EvaluateDc, c)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Kernels_EvaluateCascade/" + n).c_str(), BM_EvaluateCascade, c)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(0)->Arg(25)->Arg(50)->Arg(100);
    benchmark::RegisterBenchmark(("BM_Kernels_PathRefactor/" + n).c_str(), BM_PathRefactor, c)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(1)->Arg(4)->Arg(16)->Arg(64)->Arg(256)->Arg(0);
    benchmark::RegisterBenchmark(("BM_Kernels_PathRefactorBranches/" + n).c_str(), BM_PathRefactorBranches, c, amd_order)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(1)->Arg(4)->Arg(20)->Arg(50);
#if SRE_BENCH_HAVE_METIS
    benchmark::RegisterBenchmark(("BM_Kernels_PathRefactorBranchesMetis/" + n).c_str(), BM_PathRefactorBranches, c,
                                 metis_order)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(1)->Arg(4)->Arg(20)->Arg(50);
#endif
    benchmark::RegisterBenchmark(("BM_Kernels_RefactorSolve/" + n).c_str(), BM_RefactorSolve, c, false)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(4)->Arg(16)->Arg(64);
    benchmark::RegisterBenchmark(("BM_Kernels_RefactorForwardSolve/" + n).c_str(), BM_RefactorSolve, c, true)
        ->Unit(benchmark::kMicrosecond)
        ->Arg(4)->Arg(16)->Arg(64);
    const char* names[] = {"BM_Kernels_RankWoodbury/", "BM_Kernels_RankWoodburyWarm/", "BM_Kernels_RankRefactor/",
                           "BM_Kernels_RankRefactorWarm/"};
    for (int path = 0; path < 4; ++path) {
      auto* b = benchmark::RegisterBenchmark((names[path] + n).c_str(), BM_Rank, c, path)->Unit(benchmark::kMicrosecond);
      for (int r : {4, 8, 16, 32, 64, 128, 256}) b->Arg(r);
    }
  }
  return true;
}();

}  // namespace
