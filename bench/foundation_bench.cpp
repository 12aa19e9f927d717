// Foundation benchmarks: parsing, network building, the reduced susceptance
// factorisation (Eigen SimplicialLDLT vs SuiteSparse CHOLMOD) and the whole
// intact DC power flow, each on case118, case2383wp_k and case9241pegase.
// Registered at static-initialisation time as BM_<what>/<case>; main() comes
// from benchmark::benchmark_main, so other bench/*.cpp files can use BENCHMARK().
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "model/case_data.hpp"
#include "flow/dc_power_flow.hpp"
#include "model/grid_state.hpp"
#include "topology/island_finder.hpp"
#include "model/network.hpp"
#include "kernels/sparse_ldlt.hpp"

#ifdef SRE_BENCH_HAVE_CHOLMOD
#include <cholmod.h>
#endif

namespace {

struct CaseSpec {
  const char* name;
  const char* file;
};
constexpr CaseSpec kCases[] = {
    {"case118", "pglib_opf_case118_ieee.m"},
    {"case2383wp_k", "pglib_opf_case2383wp_k.m"},
    {"case9241pegase", "case9241pegase.m"},
};

std::string case_path(const CaseSpec& c) { return std::string(SRE_DATA_DIR) + "/cases/" + c.file; }

// Everything a benchmark needs from one case, built once per process.
struct Prepared {
  sre::CaseData data;
  sre::Network net;
  // Reduced susceptance matrix of the intact network: every bus that is alive,
  // minus each island's reference bus (block diagonal over islands; for a
  // connected case simply the reference bus removed). Full symmetric triplets.
  int n = 0;
  std::vector<sre::kernels::Triplet> triplets;
  Eigen::VectorXd rhs;  // a fixed right-hand side
};

const Prepared& prepared(const CaseSpec& c) {
  static std::map<std::string, std::unique_ptr<Prepared>> cache;
  auto& slot = cache[c.name];
  if (slot) return *slot;
  auto p = std::make_unique<Prepared>();
  p->data = sre::read_matpower_case(case_path(c));
  p->net = sre::build_network(p->data);
  const sre::Network& net = p->net;

  sre::GridState s;
  s.resize(net);
  s.reset_to_intact(net);
  sre::find_islands_from_scratch(net, s);
  std::vector<int> local(net.n_bus(), -1);
  std::vector<std::uint8_t> is_ref(net.n_bus(), 0);
  for (int k = 0; k < s.n_islands; ++k) is_ref[s.island_ref[k]] = 1;
  for (int i = 0; i < net.n_bus(); ++i)
    if (s.bus_alive[i] && !is_ref[i]) local[i] = p->n++;
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!s.branch_alive[e]) continue;
    const int f = local[net.br_from[e]], t = local[net.br_to[e]];
    const double b = net.br_b[e];
    if (f >= 0) p->triplets.emplace_back(f, f, b);
    if (t >= 0) p->triplets.emplace_back(t, t, b);
    if (f >= 0 && t >= 0) {
      p->triplets.emplace_back(f, t, -b);
      p->triplets.emplace_back(t, f, -b);
    }
  }
  p->rhs.resize(p->n);
  for (int i = 0; i < p->n; ++i) p->rhs[i] = std::sin(0.37 * i + 0.1);  // values do not affect timing
  slot = std::move(p);
  return *slot;
}

void set_size_counters(benchmark::State& state, const Prepared& p) {
  state.counters["n"] = p.n;
  state.counters["nnz_A"] = static_cast<double>(p.triplets.size());  // before summing duplicates
}

// ---------------------------------------------------------------- I/O + model

void bm_parse(benchmark::State& state, CaseSpec c) {
  const std::string path = case_path(c);
  for (auto _ : state) {
    sre::CaseData d = sre::read_matpower_case(path);
    benchmark::DoNotOptimize(d.branch.values.data());
  }
}

void bm_build_network(benchmark::State& state, CaseSpec c) {
  const sre::CaseData& data = prepared(c).data;
  for (auto _ : state) {
    sre::Network net = sre::build_network(data);
    benchmark::DoNotOptimize(net.br_b.data());
  }
}

void bm_dc_power_flow(benchmark::State& state, CaseSpec c) {
  const sre::Network& net = prepared(c).net;
  for (auto _ : state) {
    sre::PowerFlowResult r = sre::run_dc_power_flow(net, sre::Balance::kProportional);
    benchmark::DoNotOptimize(r.state.flow_mw.data());
  }
}

// ---------------------------------------------------------------- Eigen SimplicialLDLT

// Triplets -> CSC -> AMD + symbolic + numeric, as SparseLdlt::factor does it.
void bm_factorise_eigen(benchmark::State& state, CaseSpec c) {
  const Prepared& p = prepared(c);
  sre::kernels::SparseLdlt ldlt;
  for (auto _ : state) {
    ldlt.factor(p.n, p.triplets);
    benchmark::DoNotOptimize(&ldlt.factorization());
  }
  set_size_counters(state, p);
  state.counters["nnz_L"] = static_cast<double>(ldlt.factorization().matrixL().nestedExpression().nonZeros() + p.n);
}

// Numeric factorisation only, the pattern already analysed.
void bm_refactorise_eigen(benchmark::State& state, CaseSpec c) {
  const Prepared& p = prepared(c);
  sre::kernels::SparseLdlt ldlt;
  ldlt.factor(p.n, p.triplets);
  sre::kernels::Ldlt numeric;
  numeric.analyzePattern(ldlt.matrix());
  for (auto _ : state) {
    numeric.factorize(ldlt.matrix());
    benchmark::DoNotOptimize(&numeric);
  }
  if (numeric.info() != Eigen::Success) state.SkipWithError("Eigen LDLT failed");
  set_size_counters(state, p);
}

void bm_solve_eigen(benchmark::State& state, CaseSpec c) {
  const Prepared& p = prepared(c);
  sre::kernels::SparseLdlt ldlt;
  ldlt.factor(p.n, p.triplets);
  Eigen::VectorXd x(p.n);
  for (auto _ : state) {
    x = p.rhs;
    ldlt.solve(x);
    benchmark::DoNotOptimize(x.data());
  }
  set_size_counters(state, p);
}

// ---------------------------------------------------------------- CHOLMOD

#ifdef SRE_BENCH_HAVE_CHOLMOD

// A cholmod_common set for simplicial LDL' (the matrix may be indefinite when
// some x < 0) with AMD, the ordering Eigen uses.
struct Cholmod {
  cholmod_common c;
  Cholmod() {
    cholmod_start(&c);
    c.supernodal = CHOLMOD_SIMPLICIAL;
    c.final_ll = false;
    c.nmethods = 1;
    c.method[0].ordering = CHOLMOD_AMD;
    c.postorder = true;
  }
  ~Cholmod() { cholmod_finish(&c); }
  Cholmod(const Cholmod&) = delete;
  Cholmod& operator=(const Cholmod&) = delete;
};

// Lower-triangle triplets of the matrix (stype = -1; duplicates summed by CHOLMOD).
cholmod_triplet* to_cholmod_triplet(const Prepared& p, cholmod_common* c) {
  std::size_t nnz = 0;
  for (const auto& t : p.triplets) nnz += t.row() >= t.col();
  cholmod_triplet* T = cholmod_allocate_triplet(p.n, p.n, nnz, -1, CHOLMOD_REAL, c);
  auto* ti = static_cast<int*>(T->i);
  auto* tj = static_cast<int*>(T->j);
  auto* tx = static_cast<double*>(T->x);
  std::size_t k = 0;
  for (const auto& t : p.triplets)
    if (t.row() >= t.col()) {
      ti[k] = t.row();
      tj[k] = t.col();
      tx[k] = t.value();
      ++k;
    }
  T->nnz = k;
  return T;
}

bool factor_ok(const cholmod_factor* L, const cholmod_common& c) {
  return L != nullptr && c.status == CHOLMOD_OK && L->minor == L->n;
}

double nnz_factor(const cholmod_factor* L) {
  double nnz = 0;
  const int* nz = static_cast<const int*>(L->nz);
  for (std::size_t j = 0; j < L->n; ++j) nnz += nz[j];
  return nnz;
}

// Triplets -> CSC -> AMD + symbolic + numeric (same work as bm_factorise_eigen).
void bm_factorise_cholmod(benchmark::State& state, CaseSpec c) {
  const Prepared& p = prepared(c);
  Cholmod cm;
  cholmod_triplet* T = to_cholmod_triplet(p, &cm.c);
  double nnz_l = 0;
  bool ok = true;
  for (auto _ : state) {
    cholmod_sparse* A = cholmod_triplet_to_sparse(T, T->nnz, &cm.c);
    cholmod_factor* L = cholmod_analyze(A, &cm.c);
    cholmod_factorize(A, L, &cm.c);
    benchmark::DoNotOptimize(L);
    ok = ok && factor_ok(L, cm.c);
    if (nnz_l == 0 && ok) nnz_l = nnz_factor(L);
    cholmod_free_factor(&L, &cm.c);
    cholmod_free_sparse(&A, &cm.c);
  }
  cholmod_free_triplet(&T, &cm.c);
  if (!ok) state.SkipWithError("CHOLMOD factorisation failed");
  set_size_counters(state, p);
  state.counters["nnz_L"] = nnz_l;
}

// Numeric factorisation only, the pattern already analysed.
void bm_refactorise_cholmod(benchmark::State& state, CaseSpec c) {
  const Prepared& p = prepared(c);
  Cholmod cm;
  cholmod_triplet* T = to_cholmod_triplet(p, &cm.c);
  cholmod_sparse* A = cholmod_triplet_to_sparse(T, T->nnz, &cm.c);
  cholmod_factor* L = cholmod_analyze(A, &cm.c);
  bool ok = true;
  for (auto _ : state) {
    cholmod_factorize(A, L, &cm.c);
    benchmark::DoNotOptimize(L);
    ok = ok && factor_ok(L, cm.c);
  }
  if (!ok) state.SkipWithError("CHOLMOD factorisation failed");
  cholmod_free_factor(&L, &cm.c);
  cholmod_free_sparse(&A, &cm.c);
  cholmod_free_triplet(&T, &cm.c);
  set_size_counters(state, p);
}

// One solve with the factor already computed; cholmod_solve2 reuses X and its
// workspace, so no allocation in the loop. The answer is checked against Eigen's.
void bm_solve_cholmod(benchmark::State& state, CaseSpec c) {
  const Prepared& p = prepared(c);
  Cholmod cm;
  cholmod_triplet* T = to_cholmod_triplet(p, &cm.c);
  cholmod_sparse* A = cholmod_triplet_to_sparse(T, T->nnz, &cm.c);
  cholmod_factor* L = cholmod_analyze(A, &cm.c);
  cholmod_factorize(A, L, &cm.c);
  const bool factored = factor_ok(L, cm.c);
  cholmod_dense* B = cholmod_allocate_dense(p.n, 1, p.n, CHOLMOD_REAL, &cm.c);
  std::copy(p.rhs.data(), p.rhs.data() + p.n, static_cast<double*>(B->x));
  cholmod_dense *X = nullptr, *Y = nullptr, *E = nullptr;
  bool ok = factored;
  for (auto _ : state) {
    ok = cholmod_solve2(CHOLMOD_A, L, B, nullptr, &X, nullptr, &Y, &E, &cm.c) && ok;
    benchmark::DoNotOptimize(X->x);
  }
  if (ok) {
    sre::kernels::SparseLdlt ldlt;
    ldlt.factor(p.n, p.triplets);
    Eigen::VectorXd x = p.rhs;
    ldlt.solve(x);
    const Eigen::Map<const Eigen::VectorXd> xc(static_cast<const double*>(X->x), p.n);
    const double diff = (x - xc).cwiseAbs().maxCoeff(), scale = std::max(1.0, x.cwiseAbs().maxCoeff());
    state.counters["max_diff_vs_eigen"] = diff;
    if (!(diff <= 1e-8 * scale)) state.SkipWithError("CHOLMOD and Eigen solutions differ");
  } else {
    state.SkipWithError("CHOLMOD solve failed");
  }
  cholmod_free_dense(&X, &cm.c);
  cholmod_free_dense(&Y, &cm.c);
  cholmod_free_dense(&E, &cm.c);
  cholmod_free_dense(&B, &cm.c);
  cholmod_free_factor(&L, &cm.c);
  cholmod_free_sparse(&A, &cm.c);
  cholmod_free_triplet(&T, &cm.c);
  set_size_counters(state, p);
}

#endif  // SRE_BENCH_HAVE_CHOLMOD

// ---------------------------------------------------------------- registration

using BenchFn = void (*)(benchmark::State&, CaseSpec);

bool register_all() {
  const std::pair<const char*, BenchFn> benches[] = {
      {"BM_Parse", bm_parse},
      {"BM_BuildNetwork", bm_build_network},
      {"BM_Factorise_EigenLDLT", bm_factorise_eigen},
#ifdef SRE_BENCH_HAVE_CHOLMOD
      {"BM_Factorise_Cholmod", bm_factorise_cholmod},
#endif
      {"BM_Refactorise_EigenLDLT", bm_refactorise_eigen},
#ifdef SRE_BENCH_HAVE_CHOLMOD
      {"BM_Refactorise_Cholmod", bm_refactorise_cholmod},
#endif
      {"BM_Solve_EigenLDLT", bm_solve_eigen},
#ifdef SRE_BENCH_HAVE_CHOLMOD
      {"BM_Solve_Cholmod", bm_solve_cholmod},
#endif
      {"BM_DcPowerFlow", bm_dc_power_flow},
  };
  for (const auto& [name, fn] : benches)
    for (const CaseSpec& c : kCases) {
      const std::string full = std::string(name) + "/" + c.name;
      benchmark::RegisterBenchmark(full.c_str(), fn, c)->Unit(benchmark::kMicrosecond);
    }
  return true;
}

[[maybe_unused]] const bool registered = register_all();

}  // namespace
