// N-k branch contingencies (bench/run_nk.sh; docs/performance.md, "N-k branch contingencies")
// on case118, case2383wp_k and case9241pegase, with the file's set-points (--dispatch case).
// k = 1: every in-service branch (N-1), in a fixed shuffled order so that any prefix is a
// fair sample; k = 3: a fixed list of 10,000 random sets of 3 distinct in-service branches.
//   BM_NK_Contingency/<case>/<k>     one contingency, compute only, as sre run's workers evaluate
//                                    it: ScenarioEvaluator, response dc, fast solver,
//                                    solve_limited_flows_only(), 4 lanes sharing one backward pass
//                                    (src/study/sample_lanes.cpp). items_per_second: contingencies
//                                    per CPU second. Counters: islanding (share of the whole list
//                                    that leaves more islands than the intact network, every one
//                                    solved), contingencies (in the list), rank (mean Woodbury
//                                    modifications: removed branches plus groundings)
//   BM_NK_ContingencyOne/<case>/<k>  the same one at a time (ScenarioEvaluator::evaluate)
//   BM_NK_Phases/<case>/<k>          the same steps one at a time with a clock around each, as
//                                    counters in CPU us per contingency (each step's share of the
//                                    wall-clock sum, times the loop's thread CPU time: on a loaded
//                                    machine the wall clock also counts time the thread waited):
//                                    reset (intact state and the cuts), islands (IslandFinder::find),
//                                    balance, fwd_woodbury (the solver's begin_solve: right-hand side
//                                    by superposition, Woodbury columns and capacitance matrix,
//                                    correction, D^-1), bwd_flows (end_solve: backward solve, angles,
//                                    flows), overloads (the dc response's scan)
//   BM_NK_Floor/<case>               the floor: one full forward + D + backward solve with the base
//                                    factor (kernels::BaseFactor), the angles into bus order and the
//                                    limited branches' flows (flows_from_angles), as a worker has them
//   BM_NK_Flows/<case>               the angles and flows of that floor alone
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "flow/base_case.hpp"
#include "flow/fast_flow_shared.hpp"
#include "flow/flow_solver.hpp"
#include "kernel_cases.hpp"
#include "kernels/base_factor.hpp"
#include "model/outages.hpp"
#include "response/scenario_evaluator.hpp"
#include "topology/island_balancer.hpp"
#include "topology/island_finder.hpp"

namespace {

using sre::bench::KCase;
using sre::bench::KPrepared;
using sre::bench::kprepared;

constexpr KCase kNkCases[] = {
    {"case118", "pglib_opf_case118_ieee.m"},
    {"case2383wp_k", "pglib_opf_case2383wp_k.m"},
    {"case9241pegase", "case9241pegase.m"},
};
constexpr int kRandomSets = 10000;
constexpr int kLanes = 4;  // SampleLanes::default_count()

sre::ResponseOptions dc_options() {
  sre::ResponseOptions o;
  o.kind = sre::ResponseKind::kDc;
  return o;  // tol 0.5, sre run's default
}

// One case's contingency list (k branches each, flattened) and what the whole list gives.
struct NkList {
  int k = 0, count = 0;
  std::vector<int> branches;  // count * k
  std::shared_ptr<const sre::IntactTopology> intact;
  int intact_islands = 0;
  double islanding = 0.0;  // share with more islands than the intact network
  double mean_rank = 0.0;  // removed branches plus islands to ground

  sre::Outages outages(int q) const {
    return sre::Outages{{}, {branches.data() + static_cast<std::size_t>(q) * k, static_cast<std::size_t>(k)}, {}};
  }
};

std::unique_ptr<sre::ScenarioEvaluator> make_worker_evaluator(const KPrepared& p, const NkList& list) {
  auto ev = std::make_unique<sre::ScenarioEvaluator>(p.base, dc_options(), sre::make_fast_flow_solver(p.net, p.shared),
                                                     list.intact);
  ev->solve_limited_flows_only();
  return ev;
}

const NkList& nk_list(const KCase& c, int k) {
  static std::map<std::pair<std::string, int>, std::unique_ptr<NkList>> cache;
  auto& slot = cache[{c.name, k}];
  if (slot) return *slot;
  const KPrepared& p = kprepared(c);
  auto l = std::make_unique<NkList>();
  l->k = k;
  std::vector<int> in_service;
  for (int e = 0; e < p.net.n_branch(); ++e)
    if (p.net.br_in_service[e]) in_service.push_back(e);
  std::mt19937_64 rng(20261207 + k);
  if (k == 1) {
    l->branches = in_service;
    std::shuffle(l->branches.begin(), l->branches.end(), rng);
  } else {
    for (int q = 0; q < kRandomSets; ++q) {
      const std::size_t first = l->branches.size();
      while (l->branches.size() < first + k) {
        const int e = in_service[rng() % in_service.size()];
        if (std::find(l->branches.begin() + first, l->branches.end(), e) == l->branches.end()) l->branches.push_back(e);
      }
    }
  }
  l->count = static_cast<int>(l->branches.size()) / k;
  l->intact = std::make_shared<const sre::IntactTopology>(p.net);
  // The whole list once, outside any timing: the islanding share and the mean rank.
  auto ev = make_worker_evaluator(p, *l);
  l->intact_islands = ev->evaluate(sre::Outages{}).n_islands;
  long islanding = 0, rank = 0;
  for (int q = 0; q < l->count; ++q) {
    const sre::SampleOutcome& out = ev->evaluate(l->outages(q));
    islanding += out.n_islands > l->intact_islands;
    const sre::GridState& s = ev->state();
    std::vector<char> grounded(s.n_islands, 0);
    for (int r : p.shared->base_refs)
      if (s.bus_alive[r]) grounded[s.island_of[r]] = 1;
    rank += static_cast<long>(s.removed_branches.size());
    for (int i = 0; i < s.n_islands; ++i) rank += !grounded[i];
  }
  l->islanding = static_cast<double>(islanding) / l->count;
  l->mean_rank = static_cast<double>(rank) / l->count;
  slot = std::move(l);
  return *slot;
}

void list_counters(benchmark::State& st, const NkList& l) {
  st.counters["islanding"] = l.islanding;
  st.counters["contingencies"] = l.count;
  st.counters["rank"] = l.mean_rank;
}

// As a worker: kLanes evaluators begin their contingencies, one backward pass serves the
// pending vectors (as SampleLanes::begin_group), then each finishes.
void BM_Contingency(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const NkList& l = nk_list(c, static_cast<int>(st.range(0)));
  const sre::kernels::BaseFactor& f = sre::fast_flow_factor(*p.shared);
  std::vector<std::unique_ptr<sre::ScenarioEvaluator>> lanes;
  for (int w = 0; w < kLanes; ++w) lanes.push_back(make_worker_evaluator(p, l));
  int q = 0;
  for (auto _ : st) {
    double* pending[kLanes];
    int lane_of[kLanes], n_pending = 0;
    bool done[kLanes] = {};
    for (int w = 0; w < kLanes; ++w) {
      if (double* x = lanes[w]->begin(l.outages(q))) pending[n_pending] = x, lane_of[n_pending++] = w;
      q = q + 1 == l.count ? 0 : q + 1;
    }
    if (n_pending >= 2) {
      f.backward_multi(pending, n_pending);
      for (int j = 0; j < n_pending; ++j) done[lane_of[j]] = true;
    }
    for (int w = 0; w < kLanes; ++w) benchmark::DoNotOptimize(lanes[w]->finish(done[w]).shed_mw);
  }
  st.SetItemsProcessed(st.iterations() * kLanes);
  list_counters(st, l);
}

void BM_ContingencyOne(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const NkList& l = nk_list(c, static_cast<int>(st.range(0)));
  auto ev = make_worker_evaluator(p, l);
  int q = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(ev->evaluate(l.outages(q)).shed_mw);
    q = q + 1 == l.count ? 0 : q + 1;
  }
  st.SetItemsProcessed(st.iterations());
  list_counters(st, l);
}

// A worker's state: flows of the limited branches only (ScenarioEvaluator::solve_limited_flows_only).
void limit_flows(const sre::BaseCase& base, sre::GridState& s) {
  if (4 * base.limited_branches.size() <= 3 * static_cast<std::size_t>(base.net->n_branch())) {
    s.flow_branches = &base.limited_branches;
    s.flow_slot = &base.limited_slot;
    s.listed_flow_mw.assign(base.limited_branches.size(), 0.0);
    std::fill(s.flow_mw.begin(), s.flow_mw.end(), 0.0);
  }
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// ScenarioEvaluator::evaluate's steps for the dc response, one by one, each timed.
void BM_Phases(benchmark::State& st, KCase c) {
  using clock = std::chrono::steady_clock;
  const KPrepared& p = kprepared(c);
  const NkList& l = nk_list(c, static_cast<int>(st.range(0)));
  const sre::Network& net = p.net;
  auto solver = sre::make_fast_flow_solver(net, p.shared);
  sre::IslandFinder finder(l.intact);
  sre::GridState s;
  s.resize(net);
  limit_flows(p.base, s);
  const std::vector<double> thresholds = sre::overload_thresholds(p.base, dc_options().tol);
  std::vector<int> overloaded;
  overloaded.reserve(net.n_branch());
  constexpr int kPhases = 6;
  double spent[kPhases] = {};
  int q = 0;
  const double cpu0 = thread_cpu_seconds();
  for (auto _ : st) {
    clock::time_point t[kPhases + 1];
    t[0] = clock::now();
    solver->new_sample();
    s.reset_to_intact(net);
    const sre::Outages o = l.outages(q);
    for (int e : o.branches) s.cut_branch(e);
    t[1] = clock::now();
    finder.find(s);
    t[2] = clock::now();
    sre::IslandBalancer::balance(net, s, p.base.state);  // as ScenarioEvaluator::begin
    t[3] = clock::now();
    const bool pending = solver->begin_solve(net, s) != nullptr;
    t[4] = clock::now();
    if (pending) solver->end_solve(net, s, false);
    t[5] = clock::now();
    benchmark::DoNotOptimize(sre::find_overloads(p.base, s, thresholds, overloaded));
    t[6] = clock::now();
    for (int j = 0; j < kPhases; ++j) spent[j] += std::chrono::duration<double>(t[j + 1] - t[j]).count();
    q = q + 1 == l.count ? 0 : q + 1;
  }
  const double cpu = thread_cpu_seconds() - cpu0;
  const char* names[kPhases] = {"reset_us", "islands_us", "balance_us", "fwd_woodbury_us", "bwd_flows_us", "overloads_us"};
  const double n = static_cast<double>(std::max<benchmark::IterationCount>(1, st.iterations()));
  double wall = 0.0;
  for (double w : spent) wall += w;
  for (int j = 0; j < kPhases; ++j) st.counters[names[j]] = wall > 0.0 ? 1e6 * cpu * spent[j] / wall / n : 0.0;
  st.SetItemsProcessed(st.iterations());
  list_counters(st, l);
}

// The intact state's right-hand side in factor order, and a worker's intact state.
struct FloorData {
  std::vector<double> rhs;
  sre::GridState state;
};

FloorData floor_data(const KPrepared& p) {
  const sre::FastFlowShared& sh = *p.shared;
  FloorData d;
  d.state = p.base.state;
  limit_flows(p.base, d.state);
  d.rhs.resize(sh.n_var);
  for (int q = 0; q < sh.n_var; ++q) d.rhs[q] = d.state.injection_mw[sh.bus_of_pos[q]] / p.net.base_mva;
  return d;
}

// The angles (factor order to bus order, 0 at the fixed buses) and the flows.
void angles_and_flows(const KPrepared& p, const double* x, sre::GridState& s) {
  const sre::FastFlowShared& sh = *p.shared;
  double* theta = s.theta_rad.data();
  const int* bus = sh.bus_of_pos.data();
  for (int q = 0; q < sh.n_var; ++q) theta[bus[q]] = x[q];
  for (int i : sh.fixed_buses) theta[i] = 0.0;
  sre::flows_from_angles(p.net, s);
}

void BM_Floor(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const sre::kernels::BaseFactor& f = sre::fast_flow_factor(*p.shared);
  FloorData d = floor_data(p);
  std::vector<double> x(d.rhs.size());
  for (auto _ : st) {
    std::copy(d.rhs.begin(), d.rhs.end(), x.begin());
    f.solve_permuted(x.data());
    angles_and_flows(p, x.data(), d.state);
    benchmark::DoNotOptimize(d.state.flow_mw.data());
  }
  st.SetItemsProcessed(st.iterations());
  st.counters["n"] = f.size();
  st.counters["nnzL"] = static_cast<double>(f.nnz_l());
  st.counters["branches"] = p.net.n_branch();
  st.counters["limited"] = static_cast<double>(p.base.limited_branches.size());
}

void BM_Flows(benchmark::State& st, KCase c) {
  const KPrepared& p = kprepared(c);
  const sre::kernels::BaseFactor& f = sre::fast_flow_factor(*p.shared);
  FloorData d = floor_data(p);
  std::vector<double> x = d.rhs;
  f.solve_permuted(x.data());
  for (auto _ : st) {
    angles_and_flows(p, x.data(), d.state);
    benchmark::DoNotOptimize(d.state.flow_mw.data());
  }
  st.SetItemsProcessed(st.iterations());
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const KCase& c : kNkCases) {
    const std::string n = c.name;
    benchmark::RegisterBenchmark(("BM_NK_Contingency/" + n).c_str(), BM_Contingency, c)
        ->Unit(benchmark::kMicrosecond)->Arg(1)->Arg(3);
    benchmark::RegisterBenchmark(("BM_NK_ContingencyOne/" + n).c_str(), BM_ContingencyOne, c)
        ->Unit(benchmark::kMicrosecond)->Arg(1)->Arg(3);
    benchmark::RegisterBenchmark(("BM_NK_Phases/" + n).c_str(), BM_Phases, c)
        ->Unit(benchmark::kMicrosecond)->Arg(1)->Arg(3);
    benchmark::RegisterBenchmark(("BM_NK_Floor/" + n).c_str(), BM_Floor, c)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_NK_Flows/" + n).c_str(), BM_Flows, c)->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
