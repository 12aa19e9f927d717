// The fast solver's shared part (src/flow/fast_flow_shared.hpp): built once per network,
// read-only afterwards, used by every thread's FastFlowSolver.
#include "flow/fast_flow_shared.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include "flow/flow_solver.hpp"
#include "topology/island_finder.hpp"

namespace sre {

namespace {

constexpr long kMaxColumnEntries = 16L << 20;  // 16 Mi entries: 192 MB, shared by all threads

// Default rank threshold: above it the refactor path is cheaper. Measured with sre_bench
// (BM_Kernels_Rank*, microseconds per solve; "cold": 16 distinct states in turn, "warm":
// a state and the same state plus one trip, as in a cascade step; refactor is flat in r):
//   case (nnz L)          r:   16    32    64   128   256 | refactor | crossover
//   case1354 (2792)    cold    23    39   101   417     - |   ~55    | ~40 (warm ~52)
//                      warm    20    28    74   262     - |          |
//   case2383wp_k (6417)cold    60    96   251  1046  5758 |  ~116    | ~37 (warm ~66)
//                      warm    39    50   104   422  2459 |          |
//   case9241pegase     cold   310   380   518  1315  5771 |  ~1150   | ~115 (warm ~130)
//     (28768)          warm   199   252   402  1081  5546 |          |
// The Woodbury cost grows like r^2 * (column length) + r^3 (capacitance build and LU), the
// refactor cost with the factor's size; 0.7 * sqrt(nnz L), at least 40, fits the crossovers
// (40, 56, 119).
int default_max_rank(const kernels::BaseFactor& f) {
  const int r = static_cast<int>(std::lround(0.7 * std::sqrt(static_cast<double>(f.nnz_l()))));
  return std::clamp(r, 40, 256);
}

}  // namespace

std::shared_ptr<const FastFlowShared> make_fast_flow_shared(const Network& net, long max_column_entries) {
  auto sh = std::make_shared<FastFlowShared>();
  const int nb = net.n_bus();
  sh->n_bus = nb;
  GridState intact;
  intact.resize(net);
  intact.reset_to_intact(net);
  find_islands_from_scratch(net, intact);  // one call: no certificates to build
  std::vector<int> var(nb, -1);
  int n = 0;
  for (int k = 0; k < intact.n_islands; ++k) sh->base_refs.push_back(intact.island_ref[k]);
  std::vector<std::uint8_t> is_ref(nb, 0);
  for (int r : sh->base_refs) is_ref[r] = 1;
  for (int i = 0; i < nb; ++i)
    if (net.bus_in_service[i] && !is_ref[i]) var[i] = n++;
  sh->n_var = n;
  std::vector<kernels::Triplet> trip;
  double bsum = 0.0;
  int bcount = 0;
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!net.br_in_service[e]) continue;
    const int f = var[net.br_from[e]], t = var[net.br_to[e]];
    const double b = net.br_b[e];
    bsum += std::abs(b);
    ++bcount;
    if (f >= 0) trip.emplace_back(f, f, b);
    if (t >= 0) trip.emplace_back(t, t, b);
    if (f >= 0 && t >= 0) {
      trip.emplace_back(f, t, -b);
      trip.emplace_back(t, f, -b);
    }
    if (net.br_shift_rad[e] != 0.0) sh->shifters.push_back(e);
  }
  // Isolated in-service buses (no branch) that are variables: keep the matrix nonsingular.
  // They are islands of their own, so they are base references already; nothing to do.
  sh->ground = bcount ? bsum / bcount : 1.0;
  sh->factor.factor(n, trip);
  sh->pos_of_bus.assign(nb, -1);
  sh->bus_of_pos.assign(n, -1);
  for (int i = 0; i < nb; ++i)
    if (var[i] >= 0) {
      sh->pos_of_bus[i] = sh->factor.perm()[var[i]];
      sh->bus_of_pos[sh->pos_of_bus[i]] = i;
    } else {
      sh->fixed_buses.push_back(i);
    }
  // Refactor pattern: upper triangle in factor order.
  {
    std::vector<kernels::Triplet> up;
    up.reserve(trip.size() / 2 + n);
    for (int p = 0; p < n; ++p) up.emplace_back(p, p, 0.0);
    for (int e = 0; e < net.n_branch(); ++e) {
      if (!net.br_in_service[e]) continue;
      const int pf = sh->pos_of_bus[net.br_from[e]], pt = sh->pos_of_bus[net.br_to[e]];
      if (pf >= 0 && pt >= 0) up.emplace_back(std::min(pf, pt), std::max(pf, pt), 0.0);
    }
    sh->upper.resize(n, n);
    sh->upper.setFromTriplets(up.begin(), up.end());
    sh->upper.makeCompressed();
    const int* cp = sh->upper.outerIndexPtr();
    const int* ri = sh->upper.innerIndexPtr();
    auto at = [&](int r, int c) {
      const int* b = ri + cp[c];
      const int* e = ri + cp[c + 1];
      const int* q = std::lower_bound(b, e, r);
      return q != e && *q == r ? static_cast<int>(q - ri) : -1;
    };
    sh->diag_val.resize(n);
    for (int p = 0; p < n; ++p) sh->diag_val[p] = at(p, p);
    const int nl = net.n_branch();
    sh->br_val_f.assign(nl, -1);
    sh->br_val_t.assign(nl, -1);
    sh->br_val_ft.assign(nl, -1);
    for (int e = 0; e < nl; ++e) {
      if (!net.br_in_service[e]) continue;
      const int pf = sh->pos_of_bus[net.br_from[e]], pt = sh->pos_of_bus[net.br_to[e]];
      if (pf >= 0) sh->br_val_f[e] = sh->diag_val[pf];
      if (pt >= 0) sh->br_val_t[e] = sh->diag_val[pt];
      if (pf >= 0 && pt >= 0) sh->br_val_ft[e] = at(std::min(pf, pt), std::max(pf, pt));
      if (pf >= 0 && pf == pt) sh->br_val_f[e] = sh->br_val_t[e] = sh->br_val_ft[e] = -1;  // contributes 0
    }
    sh->pos_branch_begin.assign(n + 1, 0);
    for (int e = 0; e < nl; ++e)
      for (int p : {sh->br_val_f[e] >= 0 ? sh->pos_of_bus[net.br_from[e]] : -1,
                    sh->br_val_t[e] >= 0 ? sh->pos_of_bus[net.br_to[e]] : -1})
        if (p >= 0) ++sh->pos_branch_begin[p + 1];
    for (int p = 0; p < n; ++p) sh->pos_branch_begin[p + 1] += sh->pos_branch_begin[p];
    sh->pos_branch.resize(sh->pos_branch_begin[n]);
    std::vector<int> fill(sh->pos_branch_begin.begin(), sh->pos_branch_begin.end() - 1);
    for (int e = 0; e < nl; ++e)
      for (int p : {sh->br_val_f[e] >= 0 ? sh->pos_of_bus[net.br_from[e]] : -1,
                    sh->br_val_t[e] >= 0 ? sh->pos_of_bus[net.br_to[e]] : -1})
        if (p >= 0) sh->pos_branch[fill[p]++] = e;
    // The intact matrix's values, summed slot by slot in ascending branch order as
    // RefactorPath::assemble_column() does: the base the per-thread refactorisations
    // return to.
    double* v = sh->upper.valuePtr();
    for (int e = 0; e < nl; ++e) {
      if (!net.br_in_service[e]) continue;
      const double b = net.br_b[e];
      if (sh->br_val_f[e] >= 0) v[sh->br_val_f[e]] += b;
      if (sh->br_val_t[e] >= 0) v[sh->br_val_t[e]] += b;
      if (sh->br_val_ft[e] >= 0) v[sh->br_val_ft[e]] -= b;
    }
  }
  sh->refactor_base.analyze(sh->upper);
  sh->default_max_rank = default_max_rank(sh->factor);
  {
    const double inv_base = 1.0 / net.base_mva;
    sh->fS.assign(n, 0.0);
    sh->fH.assign(n, 0.0);
    sh->fD.assign(n, 0.0);
    sh->fShift.assign(n, 0.0);
    for (int i = 0; i < nb; ++i) {
      const int p = sh->pos_of_bus[i];
      if (p < 0) continue;
      sh->fS[p] = net.bus_supply_base[i] * inv_base;
      sh->fH[p] = (net.bus_supply_cap[i] - net.bus_supply_base[i]) * inv_base;
      sh->fD[p] = net.bus_demand_pos[i] * inv_base;
    }
    for (int e : sh->shifters) {
      const double si = net.br_b[e] * net.br_shift_rad[e];
      const int pf = sh->pos_of_bus[net.br_from[e]], pt = sh->pos_of_bus[net.br_to[e]];
      if (pf >= 0) sh->fShift[pf] += si;
      if (pt >= 0) sh->fShift[pt] -= si;
    }
    for (auto* v : {&sh->fS, &sh->fH, &sh->fD, &sh->fShift}) sh->factor.forward(v->data());
  }
  {
    const std::vector<int>& parent = sh->factor.parent();
    long total = 0;
    for (int p = 0; p < n; ++p)
      for (int j = p; j >= 0; j = parent[j]) ++total;
    if (total <= (max_column_entries < 0 ? kMaxColumnEntries : max_column_entries)) {
      sh->col_begin.assign(1, 0);
      sh->col_idx.reserve(total);
      sh->col_val.reserve(total);
      std::vector<double> work(n, 0.0);
      std::vector<unsigned char> mark(n, 0);
      const double one = 1.0;
      for (int p = 0; p < n; ++p) {
        sh->factor.sparse_forward(&p, &one, 1, work.data(), mark.data(), sh->col_idx, sh->col_val);
        sh->col_begin.push_back(static_cast<long>(sh->col_idx.size()));
      }
    }
  }
  return sh;
}

const kernels::BaseFactor& fast_flow_factor(const FastFlowShared& shared) { return shared.factor; }
int fast_flow_default_max_rank(const FastFlowShared& shared) { return shared.default_max_rank; }
const kernels::SparseMatrix& fast_flow_upper(const FastFlowShared& shared) { return shared.upper; }

}  // namespace sre
