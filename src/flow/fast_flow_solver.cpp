// The fast DC solver (model.md section 2, the same numbers as the reference path):
// one LDL^T factor of the intact network's reduced susceptance matrix, shared
// read-only by all threads; each scenario solved as a low-rank modification of it
// by compensation (src/kernels/woodbury_update.hpp):
//  - every removed branch e (outages, then cascade trips; GridState::removed_branches)
//    adds u = e_f - e_t (reduced: base reference buses are not variables), c = -b_e;
//  - every variable bus that is not alive (destroyed) is grounded: u = e_i, c = g;
//  - every island (live or dead) that holds no base reference bus is grounded at its
//    reference bus: u = e_ref, c = g. With balanced injections the grounding carries
//    no current, so one solve gives every island's angles; dead islands get a zero
//    right-hand side (zero angles and flows), as do destroyed buses.
// Angles are then re-referenced to 0 at each island's reference.
// Scenarios with more modifications than max_rank take the refactor path instead: the
// same grounded matrix (alive branches plus the same groundings, in factor order, on
// the intact matrix's pattern: removed branches contribute zeros, groundings land on
// existing diagonal entries) on a per-thread factor of the intact matrix, of which only
// the columns that changed are reassembled and only the rows on their elimination-tree
// paths refactorised (src/kernels/path_refactor_ldlt.hpp), then one full solve. A later
// cascade round of the same sample updates that factor with its new trips and moved
// groundings only. Only if a refactorisation fails (a zero pivot) does the scenario go
// to the reference path (per-island analysis and factorisation).
#include <algorithm>
#include <bit>
#include <cmath>

#include "flow/flow_solver.hpp"
#include "topology/island_finder.hpp"
#include "kernels/base_factor.hpp"
#include "kernels/path_refactor_ldlt.hpp"
#include "kernels/woodbury_update.hpp"

namespace sre {

struct FastFlowShared {
  int n_bus = 0, n_var = 0;
  std::vector<int> pos_of_bus;  // factor position, -1 for base references and out-of-service buses
  std::vector<int> bus_of_pos;
  std::vector<int> fixed_buses;  // not variables: base references and out-of-service buses
  std::vector<int> base_refs;   // one per intact island (not variables)
  std::vector<int> shifters;    // in-service branches with a phase shift
  double ground = 1.0;          // grounding weight g (per unit)
  kernels::BaseFactor factor;
  // Refactor path: the intact matrix's upper triangle in factor order (the pattern, with
  // an explicit diagonal entry at every position), and where each branch's terms and each
  // position's diagonal live in its value array (-1: none).
  kernels::SparseMatrix upper;
  std::vector<int> br_val_f, br_val_t, br_val_ft;  // per branch: (f,f), (t,t), (f,t) entries
  std::vector<int> diag_val;                       // per factor position
  // Per factor position: the in-service branches with an end there (ascending), so that
  // one column of the matrix can be assembled from scratch in the same order as all of it.
  std::vector<int> pos_branch_begin, pos_branch;
  // The refactor path's analysis and the intact matrix's factor, shared by the threads'
  // own refactorisations (src/kernels/path_refactor_ldlt.hpp).
  kernels::PathRefactorLdlt refactor_base;
  int default_max_rank = 0;
  // Forward solves (L^{-1} P r, factor order) of the intact network's per-bus supplies S0,
  // headroom C - S0, positive demand d (per unit) and phase-shifter terms. Section 5
  // balances an island as a*S0 + b*(C - S0) - c*d, so the largest island's right-hand
  // side needs no forward solve of its own: a*fS + b*fH - c*fD + fShift, plus a sparse
  // forward solve of the corrections at the buses outside it.
  std::vector<double> fS, fH, fD, fShift;
  // L^{-1} e_p for every factor position p (CSR; positions ascending along the
  // elimination-tree path), computed once when they fit kMaxColumnEntries, so that a
  // scenario's grounding columns are used in place and its branch columns are one merge
  // of two of them instead of a sparse forward solve each. Empty: computed per scenario.
  std::vector<long> col_begin;
  std::vector<int> col_idx;
  std::vector<double> col_val;
};

namespace {
constexpr long kMaxColumnEntries = 16L << 20;  // 16 Mi entries: 192 MB, shared by all threads
}  // namespace

namespace {
// Rank above which the refactor path is cheaper than the Woodbury path (see below).
int default_max_rank(const kernels::BaseFactor& f);
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
    // assemble_column() does: the base the per-thread refactorisations return to.
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

namespace {

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

class FastFlowSolver final : public FlowSolver {
 public:
  FastFlowSolver(const Network& net, std::shared_ptr<const FastFlowShared> shared, int max_rank, int round_max_rank)
      : sh_(std::move(shared)), fallback_(make_reference_flow_solver(net)) {
    max_rank_ = max_rank > 0 ? max_rank : sh_->default_max_rank;
    round_max_rank_ = round_max_rank >= 0 ? round_max_rank : max_rank_ / 2;
    const int nb = net.n_bus();
    const int h = std::max(1, sh_->factor.etree_height());
    // Pool: room for a few scenarios' worth of columns (cascade steps reuse them).
    const long pool = 4L * max_rank_ * 2 * h;
    wb_.init(sh_->factor, max_rank_, pool);
    branch_slot_.assign(net.n_branch(), -1);
    bus_slot_.assign(nb, -1);
    slotted_branches_.reserve(net.n_branch());
    slotted_buses_.reserve(nb);
    slots_.reserve(max_rank_);
    island_grounded_.assign(nb + 1, 0);
    x_.assign(sh_->n_var, 0.0);
    pf_.share_analysis(sh_->refactor_base);
    pf_grounded_.assign(sh_->n_var, 0);
    want_.assign(sh_->n_var, 0);
    pf_grounded_list_.reserve(sh_->n_var);
    want_list_.reserve(sh_->n_var);
    pf_removed_.reserve(net.n_branch());
    pf_destroyed_.reserve(nb);
    bus_slot_seen_.assign(nb, 0);
    seen_list_.reserve(nb);
    // Room for every variable bus and shifter end: no allocation whatever a state needs.
    corr_pos_.reserve(sh_->n_var + 2 * sh_->shifters.size());
    corr_val_.reserve(sh_->n_var + 2 * sh_->shifters.size());
    sparse_work_.assign(sh_->n_var, 0.0);
    sparse_mark_.assign(sh_->n_var, 0);
    sparse_idx_.reserve(sh_->n_var);
    sparse_val_.reserve(sh_->n_var);
    listed_.reserve(sh_->n_var);
    pos_listed_.assign((sh_->n_var + 63) / 64, 0);
    more_.assign(kMoreLanes, std::vector<double>(sh_->n_var, 0.0));
    more_ptr_.assign(kMoreLanes, nullptr);
  }

  void solve(const Network& net, GridState& s) override {
    if (begin_solve(net, s)) end_solve(net, s, false);
  }

  // A cascade round takes the Woodbury path only up to round_max_rank_ (by default half the
  // rank threshold): a round solved that way builds its new modifications' rows of the
  // capacitance matrix and factorises all of it again (cubic in the rank), while on the
  // refactor path each later round pays only for its new trips' paths
  // (BM_Kernels_EvaluateCascade, docs/performance.md).
  void solve_touched(const Network& net, GridState& s) override {
    if (solve_touched_by_refactor(net, s)) return;
    pending_ = false;
    x_from_refactor_ = false;
    if (!solve_fast(net, s, round_max_rank_)) solve_by_fallback(net, s);
    end_solve(net, s, false);
  }

  double* begin_solve(const Network& net, GridState& s) override {
    pending_ = false;
    x_from_refactor_ = false;
    if (!solve_fast(net, s, max_rank_)) solve_by_fallback(net, s);
    return pending_ ? x_.data() : nullptr;
  }

  void end_solve(const Network& net, GridState& s, bool backward_done) override {
    if (!pending_) return;
    if (!backward_done) sh_->factor.backward(x_.data());
    pending_ = false;
    finish(net, s);
  }

  int pending_size() const override { return sh_->n_var; }

  // The per-thread factor is updated round by round within one sample only.
  void new_sample() override { pf_in_sample_ = false, x_from_refactor_ = false, last_ = Path::kNone; }

  // On the matrix the latest solve used: the Woodbury update's active columns or the
  // refactorised per-thread factor; after a fallback solve, the default (a solve each).
  // On the Woodbury path a right-hand side with few entries (a branch's transfer, the
  // redispatch LP's rows) takes its forward solve from the precomputed L^{-1} columns,
  // and the backward solves run up to eight vectors in one pass over L.
  void solve_more(const Network& net, const GridState& s, double* const* rhs, int count) override {
    if (last_ == Path::kNone || last_ == Path::kFallback) {
      FlowSolver::solve_more(net, s, rhs, count);
      return;
    }
    const FastFlowShared& sh = *sh_;
    const double inv_base = 1.0 / net.base_mva;
    const int* bus = sh.bus_of_pos.data();
    for (int first = 0; first < count; first += kMoreLanes) {
      const int lanes = std::min(kMoreLanes, count - first);
      for (int v = 0; v < lanes; ++v) {
        const double* r = rhs[first + v];
        double* x = more_[v].data();
        if (last_ == Path::kWoodbury && forward_sparse(net, r, x)) {
          wb_.apply(x);
          continue;
        }
        for (int p = 0; p < sh.n_var; ++p) x[p] = r[bus[p]] * inv_base;
        if (last_ == Path::kRefactor) {
          pf_.forward(x);
        } else {
          sh.factor.forward(x);
          wb_.apply(x);
        }
      }
      finish_lanes(lanes, rhs + first);
    }
    x_from_refactor_ = false;  // x_ no longer holds the latest solve's solution
  }

 private:
  void clear_cache() {
    for (int e : slotted_branches_) branch_slot_[e] = -1;
    for (int i : slotted_buses_) bus_slot_[i] = -1;
    slotted_branches_.clear();
    slotted_buses_.clear();
    wb_.clear();
  }

  int branch_slot(const Network& net, int e) {
    if (branch_slot_[e] >= 0) return branch_slot_[e];
    const int pf = sh_->pos_of_bus[net.br_from[e]], pt = sh_->pos_of_bus[net.br_to[e]];
    if (!sh_->col_begin.empty() && (pf >= 0 || pt >= 0)) {
      // u = e_f - e_t from the precomputed columns (an absent end contributes nothing).
      const int* ia = pf >= 0 ? col_idx(pf) : nullptr;
      const double* va = pf >= 0 ? col_val(pf) : nullptr;
      const int na = pf >= 0 ? col_len(pf) : 0;
      const int* ib = pt >= 0 ? col_idx(pt) : nullptr;
      const double* vb = pt >= 0 ? col_val(pt) : nullptr;
      const int nbb = pt >= 0 ? col_len(pt) : 0;
      const int slot = nbb == 0 ? wb_.add_column_view(ia, va, na, -1.0 / net.br_b[e])
                                : wb_.add_column_difference(ia, va, na, ib, vb, nbb, -1.0 / net.br_b[e]);
      branch_slot_[e] = slot;
      slotted_branches_.push_back(e);
      return slot;
    }
    int starts[2];
    double vals[2];
    int ns = 0;
    if (pf >= 0) starts[ns] = pf, vals[ns++] = 1.0;
    if (pt >= 0) starts[ns] = pt, vals[ns++] = -1.0;
    if (ns == 0) return -1;
    const int slot = wb_.add_column(starts, vals, ns, -1.0 / net.br_b[e]);
    branch_slot_[e] = slot;
    slotted_branches_.push_back(e);
    return slot;
  }

  int bus_slot(int i) {
    if (bus_slot_[i] >= 0) return bus_slot_[i];
    const int p = sh_->pos_of_bus[i];
    const double one = 1.0;
    const int slot = sh_->col_begin.empty() ? wb_.add_column(&p, &one, 1, 1.0 / sh_->ground)
                                            : wb_.add_column_view(col_idx(p), col_val(p), col_len(p), 1.0 / sh_->ground);
    bus_slot_[i] = slot;
    slotted_buses_.push_back(i);
    return slot;
  }

  // Transfers: on the Woodbury path, L^{-1} P (e_f - e_t) is the difference of two
  // precomputed columns, so no right-hand side is built and no forward solve run.
  void solve_transfers(const Network& net, const GridState& s, const int* branches, int count,
                       double* const* theta) override {
    const FastFlowShared& sh = *sh_;
    if (last_ != Path::kWoodbury || sh.col_begin.empty()) {
      FlowSolver::solve_transfers(net, s, branches, count, theta);
      return;
    }
    const double inv_base = 1.0 / net.base_mva;
    for (int first = 0; first < count; first += kMoreLanes) {
      const int lanes = std::min(kMoreLanes, count - first);
      for (int v = 0; v < lanes; ++v) {
        const int e = branches[first + v];
        double* x = more_[v].data();
        std::fill(x, x + sh.n_var, 0.0);
        for (const auto& [i, sign] : {std::pair{net.br_from[e], inv_base}, std::pair{net.br_to[e], -inv_base}}) {
          const int p = sh.pos_of_bus[i];
          if (p < 0) continue;
          const int* ci = col_idx(p);
          const double* cv = col_val(p);
          for (int q = 0, len = col_len(p); q < len; ++q) x[ci[q]] += sign * cv[q];
        }
        wb_.apply(x);
      }
      finish_lanes(lanes, theta + first);
    }
    x_from_refactor_ = false;
  }

  // The rest of the solve of solve_more()'s and solve_transfers()' lanes, whose vectors
  // hold L^{-1} P r (after the Woodbury correction on that path): D^{-1}, one backward
  // pass over L for all of them (the per-thread factor's own on the refactor path), then
  // each vector's angles per bus into out[v].
  void finish_lanes(int lanes, double* const* out) {
    const FastFlowShared& sh = *sh_;
    for (int v = 0; v < lanes; ++v) {
      double* x = more_[v].data();
      more_ptr_[v] = x;
      if (last_ == Path::kRefactor) {
        pf_.scale_d(x);
        pf_.backward(x);
      } else {
        sh.factor.scale_d(x);
      }
    }
    if (last_ == Path::kWoodbury) sh.factor.backward_multi(more_ptr_.data(), lanes);
    const int* bus = sh.bus_of_pos.data();
    for (int v = 0; v < lanes; ++v) {
      double* r = out[v];
      const double* x = more_ptr_[v];
      for (int i : sh.fixed_buses) r[i] = 0.0;
      for (int p = 0; p < sh.n_var; ++p) r[bus[p]] = x[p];
    }
  }

  // x <- L^{-1} P r (factor order) as a combination of the precomputed columns when r (per
  // bus, MW) has few entries (at most kSparseEntries); false otherwise (x untouched).
  bool forward_sparse(const Network& net, const double* r, double* x) {
    const FastFlowShared& sh = *sh_;
    if (sh.col_begin.empty()) return false;
    corr_pos_.clear();
    corr_val_.clear();
    for (int i = 0; i < sh.n_bus; ++i) {
      if (r[i] == 0.0 || sh.pos_of_bus[i] < 0) continue;
      if (static_cast<int>(corr_pos_.size()) == kSparseEntries) return false;
      corr_pos_.push_back(sh.pos_of_bus[i]);
      corr_val_.push_back(r[i] / net.base_mva);
    }
    std::fill(x, x + sh.n_var, 0.0);
    for (std::size_t c = 0; c < corr_pos_.size(); ++c) {
      const int p = corr_pos_[c];
      const double v = corr_val_[c];
      const int* ci = col_idx(p);
      const double* cv = col_val(p);
      for (int q = 0, len = col_len(p); q < len; ++q) x[ci[q]] += v * cv[q];
    }
    return true;
  }

  const int* col_idx(int p) const { return sh_->col_idx.data() + sh_->col_begin[p]; }
  const double* col_val(int p) const { return sh_->col_val.data() + sh_->col_begin[p]; }
  int col_len(int p) const { return static_cast<int>(sh_->col_begin[p + 1] - sh_->col_begin[p]); }

  // max_rank: the rank above which the refactor path is taken.
  bool solve_fast(const Network& net, GridState& s, int max_rank) {
    const FastFlowShared& sh = *sh_;
    mark_grounded_islands(s);
    // A later cascade round of a state refactorised before: refactorise only what changed.
    if (pf_in_sample_) return solve_by_refactor(net, s);
    // Count the modifications first (rank check before any work).
    int n_dead_var = 0;
    int n_island_grounds = 0;
    for (int k = 0; k < s.n_islands; ++k) n_island_grounds += !island_grounded_[k];
    // Destroyed variable buses: every removed branch at a bus not alive belongs to it.
    // Count them by scanning removed branch ends (cheap; bus count <= 2 * removed).
    for (int e : s.removed_branches) {
      for (int i : {net.br_from[e], net.br_to[e]})
        if (!s.bus_alive[i] && sh.pos_of_bus[i] >= 0 && !seen(i)) ++n_dead_var;
    }
    unsee();
    int n_branch_mods = 0;
    for (int e : s.removed_branches) n_branch_mods += s.bus_alive[net.br_from[e]] || s.bus_alive[net.br_to[e]];
    const int rank = n_branch_mods + n_dead_var + n_island_grounds;
    bool low_rank = rank <= max_rank;
    if (low_rank) {
      if (!wb_.fits(rank, 2)) clear_cache();
      low_rank = set_active_slots(net, s);
    }
    if (low_rank) {
      const kernels::BaseFactor& f = sh.factor;
      if (!forward_rhs_by_superposition(net, s)) {
        build_rhs(net, s);
        f.forward(x_.data());
      }
      wb_.apply(x_.data());
      f.scale_d(x_.data());
      pending_ = true;  // the backward solve and finish() come in end_solve()
      last_ = Path::kWoodbury;
      return true;
    }
    return solve_by_refactor(net, s);
  }

  // island_grounded_[k]: island k holds a base reference bus (needs no grounding).
  void mark_grounded_islands(const GridState& s) {
    std::fill(island_grounded_.begin(), island_grounded_.begin() + s.n_islands, 0);
    for (int r : sh_->base_refs)
      if (s.bus_alive[r]) island_grounded_[s.island_of[r]] = 1;
  }

  // Needs island_grounded_ marked (mark_grounded_islands).
  bool solve_by_refactor(const Network& net, GridState& s) {
    build_rhs(net, s);
    if (!refactor(net, s)) return false;
    pf_.backward(x_.data());
    finish(net, s);
    x_from_refactor_ = true;
    last_ = Path::kRefactor;
    return true;
  }

  void solve_by_fallback(const Network& net, GridState& s) {
    fallback_->solve(net, s);
    last_ = Path::kFallback;
  }

  // A cascade round whose previous round was solved on the refactorised factor: x_ holds
  // that solution, and the matrix is block diagonal over islands, so only the touched
  // islands' positions are solved again; the others' angles and flows stand (bit for bit
  // what a whole solve would give, up to the sign of zeros). False when not applicable,
  // or when the touched islands hold most buses (a whole solve costs no more).
  bool solve_touched_by_refactor(const Network& net, GridState& s) {
    if (!pf_in_sample_ || !x_from_refactor_ || s.touched_buses < 0 || 4 * s.touched_buses > 3 * sh_->n_var ||
        !factor_is_earlier_state(s))
      return false;
    x_from_refactor_ = false;
    pending_ = false;
    mark_grounded_islands(s);
    const FastFlowShared& sh = *sh_;
    // The touched islands' positions as bits (listed ascending below), and their
    // right-hand side entries in the same pass.
    std::uint64_t* bits = pos_listed_.data();
    const double inv_base = 1.0 / net.base_mva;
    for (int k = 0; k < s.n_islands; ++k) {
      if (!s.island_touched[k]) continue;
      const bool live = s.island_kind[k] == IslandKind::kLive;
      for (int q = s.island_offset[k]; q < s.island_offset[k + 1]; ++q) {
        const int i = s.island_buses[q];
        const int p = sh.pos_of_bus[i];
        if (p < 0) continue;
        bits[p >> 6] |= std::uint64_t{1} << (p & 63);
        x_[p] = live ? s.injection_mw[i] * inv_base : 0.0;
      }
    }
    listed_.clear();
    for (int w = 0, nw = static_cast<int>(pos_listed_.size()); w < nw; ++w) {
      for (std::uint64_t b = bits[w]; b != 0; b &= b - 1) listed_.push_back(64 * w + std::countr_zero(b));
      bits[w] = 0;
    }
    add_shifters_rhs(net, s, true);
    // The untouched islands' rows of the factor stand too: their blocks did not change.
    if (!refactor(net, s, listed_.data(), static_cast<int>(listed_.size()))) {
      solve_by_fallback(net, s);
      return true;
    }
    pf_.backward_listed(x_.data(), listed_.data(), static_cast<int>(listed_.size()));
    finish(net, s, true);
    x_from_refactor_ = true;
    last_ = Path::kRefactor;
    return true;
  }

  // The active Woodbury columns for this state; false when M is numerically singular.
  bool set_active_slots(const Network& net, const GridState& s) {
    const FastFlowShared& sh = *sh_;

    // Order: destroyed buses, removed branches (in removal order), island groundings;
    // a cascade step then shares the longest prefix with the previous solve.
    slots_.clear();
    for (int e : s.removed_branches)
      for (int i : {net.br_from[e], net.br_to[e]})
        if (!s.bus_alive[i] && sh.pos_of_bus[i] >= 0 && !seen(i)) slots_.push_back(bus_slot(i));
    unsee();
    for (int e : s.removed_branches) {
      // A branch between two destroyed buses may stay: both are grounded with zero
      // right-hand side, so the component they form has zero angles either way.
      if (!s.bus_alive[net.br_from[e]] && !s.bus_alive[net.br_to[e]]) continue;
      const int slot = branch_slot(net, e);
      if (slot >= 0) slots_.push_back(slot);
    }
    for (int k = 0; k < s.n_islands; ++k)
      if (!island_grounded_[k]) {
        const int r = s.island_ref[k];
        if (sh.pos_of_bus[r] >= 0) slots_.push_back(bus_slot(r));
      }
    return wb_.set_active(slots_.data(), static_cast<int>(slots_.size()));
  }

  // The per-thread factor holds an earlier state of this sample: the same destroyed buses,
  // and removed branches that begin the state's.
  bool factor_is_earlier_state(const GridState& s) const {
    return pf_in_sample_ && s.removed_branches.size() >= pf_removed_.size() && s.destroyed_buses == pf_destroyed_ &&
           std::equal(pf_removed_.begin(), pf_removed_.end(), s.removed_branches.begin());
  }

  // The matrix of this state on the per-thread factor (src/kernels/path_refactor_ldlt.hpp):
  // alive branches, destroyed variable buses grounded, and each island without a base
  // reference grounded at its reference bus. A function of the state alone, so the factor
  // is bit for bit the same whichever earlier state of the sample it was updated from.
  // Only the columns that differ from the factor's current matrix are reassembled, and
  // only the rows on their elimination-tree paths refactorised: within one sample's
  // cascade rounds (removed branches only grow), that is the new trips and the groundings
  // that moved. A new sample starts again from the intact matrix. False on a zero pivot.
  // x_ (the right-hand side, factor order) leaves with the forward half of the solve,
  // D^{-1} L^{-1} x_, taken in the same pass. listed (ascending factor positions, or null
  // for all), only when the factor holds an earlier state of this sample
  // (factor_is_earlier_state()): the rows outside are known to stand (untouched islands'
  // blocks) and are neither recomputed nor solved.
  bool refactor(const Network& net, const GridState& s, const int* listed = nullptr, int n_listed = 0) {
    const FastFlowShared& sh = *sh_;
    const bool extends = factor_is_earlier_state(s);
    if (!extends) {
      pf_.restore_base();
      for (int p : pf_grounded_list_) pf_grounded_[p] = 0;
      pf_grounded_list_.clear();
      pf_removed_.clear();
      pf_destroyed_.assign(s.destroyed_buses.begin(), s.destroyed_buses.end());
    }
    pf_in_sample_ = true;
    for (std::size_t q = pf_removed_.size(); q < s.removed_branches.size(); ++q) {
      const int e = s.removed_branches[q];
      pf_removed_.push_back(e);
      for (int i : {net.br_from[e], net.br_to[e]})
        if (sh.pos_of_bus[i] >= 0) pf_.mark_changed(sh.pos_of_bus[i]);
    }
    // Groundings wanted now; those that differ from the factor's change their column.
    want_list_.clear();
    for (int i : s.destroyed_buses)
      if (sh.pos_of_bus[i] >= 0) want_list_.push_back(sh.pos_of_bus[i]);
    for (int k = 0; k < s.n_islands; ++k)
      if (!island_grounded_[k] && sh.pos_of_bus[s.island_ref[k]] >= 0) want_list_.push_back(sh.pos_of_bus[s.island_ref[k]]);
    for (int p : want_list_) want_[p] = 1;
    for (int p : pf_grounded_list_)
      if (!want_[p]) pf_.mark_changed(p), pf_grounded_[p] = 0;
    for (int p : want_list_) {
      if (!pf_grounded_[p]) pf_.mark_changed(p), pf_grounded_[p] = 1;
      want_[p] = 0;
    }
    pf_grounded_list_.swap(want_list_);
    for (int p : pf_.changed()) assemble_column(net, s, p);
    if (pf_.refactor_forward(x_.data(), extends ? listed : nullptr, n_listed)) return true;
    pf_in_sample_ = false;  // the factor is not this state's; start afresh next time
    return false;
  }

  // Column p of the matrix (rows <= p, factor order) from scratch: every slot summed over
  // its alive branches in ascending order, then the grounding, exactly as the intact
  // matrix's values were (make_fast_flow_shared).
  void assemble_column(const Network& net, const GridState& s, int p) {
    const FastFlowShared& sh = *sh_;
    double* v = pf_.values();
    std::fill(v + pf_.col_begin(p), v + pf_.col_begin(p + 1), 0.0);
    for (int q = sh.pos_branch_begin[p]; q < sh.pos_branch_begin[p + 1]; ++q) {
      const int e = sh.pos_branch[q];
      if (!s.branch_alive[e]) continue;
      const double b = net.br_b[e];
      const int pf = sh.pos_of_bus[net.br_from[e]], pt = sh.pos_of_bus[net.br_to[e]];
      if (pf == p) v[sh.br_val_f[e]] += b;
      if (pt == p) v[sh.br_val_t[e]] += b;
      if (sh.br_val_ft[e] >= 0 && std::max(pf, pt) == p) v[sh.br_val_ft[e]] -= b;
    }
    if (pf_grounded_[p]) v[pf_.diag_index(p)] += sh.ground;
  }

  // x_ <- L^{-1} P r without a full forward solve: the largest island's share from the
  // shared forward solves, the rest as a sparse forward solve of the corrections (buses
  // outside that island, destroyed buses, phase shifters out or in dead islands). False
  // when that would not pay (several intact islands, many corrections).
  bool forward_rhs_by_superposition(const Network& net, const GridState& s) {
    const FastFlowShared& sh = *sh_;
    if (sh.base_refs.size() != 1 || s.n_islands == 0 || !s.injection_by_rule) return false;
    int m = 0;
    for (int k = 1; k < s.n_islands; ++k)
      if (s.island_offset[k + 1] - s.island_offset[k] > s.island_offset[m + 1] - s.island_offset[m]) m = k;
    if (s.n_islands - 1 > kMaxCorrections) return false;
    // The island's balancing as a*S0 + b*(C - S0) - c*d (IslandBalancer's three regimes).
    double a = 0.0, b = 0.0, c = 0.0;
    if (s.island_kind[m] == IslandKind::kLive) {
      const double d = s.island_demand[m], s0 = s.island_supply_base[m], cap = s.island_supply_cap[m];
      if (d <= s0) {
        a = s0 > 0.0 ? d / s0 : 0.0, c = 1.0;
      } else if (d <= cap) {
        a = 1.0, b = (d - s0) / (cap - s0), c = 1.0;
      } else {
        a = 1.0, b = 1.0, c = cap / d;
      }
    }
    const double inv_base = 1.0 / net.base_mva;
    corr_pos_.clear();
    corr_val_.clear();
    auto correct = [&](int i, double actual) {
      const int p = sh.pos_of_bus[i];
      if (p < 0) return;
      const double sb = net.bus_supply_base[i];
      const double modelled = (a * sb + b * (net.bus_supply_cap[i] - sb) - c * net.bus_demand_pos[i]) * inv_base;
      if (actual != modelled) {
        corr_pos_.push_back(p);
        corr_val_.push_back(actual - modelled);
      }
    };
    for (int k = 0; k < s.n_islands; ++k) {
      if (k == m) continue;
      const bool live = s.island_kind[k] == IslandKind::kLive;
      for (int q = s.island_offset[k]; q < s.island_offset[k + 1]; ++q) {
        const int i = s.island_buses[q];
        correct(i, live ? s.injection_mw[i] * inv_base : 0.0);
      }
      if (static_cast<int>(corr_pos_.size()) > kMaxCorrections) return false;
    }
    for (int e : s.removed_branches)
      for (int i : {net.br_from[e], net.br_to[e]})
        if (!s.bus_alive[i] && !seen(i)) correct(i, 0.0);
    unsee();
    if (static_cast<int>(corr_pos_.size()) > kMaxCorrections) return false;
    for (int e : sh.shifters) {
      const int f = net.br_from[e];
      if (s.branch_alive[e] && s.island_kind[s.island_of[f]] == IslandKind::kLive) continue;
      const double si = net.br_b[e] * net.br_shift_rad[e];
      const int pf = sh.pos_of_bus[f], pt = sh.pos_of_bus[net.br_to[e]];
      if (pf >= 0) corr_pos_.push_back(pf), corr_val_.push_back(-si);
      if (pt >= 0) corr_pos_.push_back(pt), corr_val_.push_back(si);
    }

    const double* fs = sh.fS.data();
    const double* fh = sh.fH.data();
    const double* fd = sh.fD.data();
    const double* fp = sh.fShift.data();
    double* x = x_.data();
    for (int p = 0; p < sh.n_var; ++p) x[p] = a * fs[p] + b * fh[p] - c * fd[p] + fp[p];
    if (!sh.col_begin.empty()) {
      // L^{-1} of the corrections: a combination of the precomputed columns.
      for (std::size_t c = 0; c < corr_pos_.size(); ++c) {
        const int p = corr_pos_[c];
        const double delta = corr_val_[c];
        const int* ci = col_idx(p);
        const double* cv = col_val(p);
        for (int q = 0, len = col_len(p); q < len; ++q) x[ci[q]] += delta * cv[q];
      }
    } else if (!corr_pos_.empty()) {
      sparse_idx_.clear();
      sparse_val_.clear();
      const int nz = sh.factor.sparse_forward(corr_pos_.data(), corr_val_.data(), static_cast<int>(corr_pos_.size()),
                                              sparse_work_.data(), sparse_mark_.data(), sparse_idx_, sparse_val_);
      for (int q = 0; q < nz; ++q) x[sparse_idx_[q]] += sparse_val_[q];
    }
    return true;
  }

  // Right-hand side in factor order: injections and phase-shifter terms of live islands.
  void build_rhs(const Network& net, const GridState& s) {
    const FastFlowShared& sh = *sh_;
    const double inv_base = 1.0 / net.base_mva;
    // Balancing leaves 0 MW at destroyed buses and in dead islands: one gather in factor
    // order.
    const int* bus = sh.bus_of_pos.data();
    const double* inj = s.injection_mw.data();
    double* x = x_.data();
    for (int p = 0; p < sh.n_var; ++p) x[p] = inj[bus[p]] * inv_base;
    add_shifters_rhs(net, s, false);
  }

  // The phase shifters' terms of the right-hand side (live islands; touched_only: the
  // touched ones).
  void add_shifters_rhs(const Network& net, const GridState& s, bool touched_only) {
    const FastFlowShared& sh = *sh_;
    for (int e : sh.shifters) {
      if (!s.branch_alive[e]) continue;
      const int f = net.br_from[e];
      const int k = s.island_of[f];
      if (s.island_kind[k] != IslandKind::kLive || (touched_only && !s.island_touched[k])) continue;
      const double si = net.br_b[e] * net.br_shift_rad[e];
      const int pf = sh.pos_of_bus[f], pt = sh.pos_of_bus[net.br_to[e]];
      if (pf >= 0) x_[pf] += si;
      if (pt >= 0) x_[pt] -= si;
    }
  }

  // Angles from x_ (0 at each island's reference, all 0 in dead islands), then flows.
  // touched_only: the touched islands' angles only, the others' standing.
  void finish(const Network& net, GridState& s, bool touched_only = false) {
    const FastFlowShared& sh = *sh_;
    if (!touched_only) {
      // Every variable's angle in factor order; 0 at the other buses and the destroyed ones.
      const int* bus = sh.bus_of_pos.data();
      const double* x = x_.data();
      double* theta = s.theta_rad.data();
      for (int p = 0; p < sh.n_var; ++p) theta[bus[p]] = x[p];
      for (int i : sh.fixed_buses) theta[i] = 0.0;
      for (int i : s.destroyed_buses) theta[i] = 0.0;
    }
    for (int k = 0; k < s.n_islands; ++k) {
      if (touched_only && !s.island_touched[k]) continue;
      const int b = s.island_offset[k], end = s.island_offset[k + 1];
      if (s.island_kind[k] != IslandKind::kLive) {
        for (int q = b; q < end; ++q) s.theta_rad[s.island_buses[q]] = 0.0;
        continue;
      }
      if (touched_only) {
        for (int q = b; q < end; ++q) {
          const int i = s.island_buses[q];
          const int p = sh.pos_of_bus[i];
          s.theta_rad[i] = p >= 0 ? x_[p] : 0.0;
        }
      }
      const double t0 = s.theta_rad[s.island_ref[k]];
      if (t0 != 0.0)
        for (int q = b; q < end; ++q) s.theta_rad[s.island_buses[q]] -= t0;
      s.theta_rad[s.island_ref[k]] = 0.0;
    }
    // Every branch even when touched_only: a pass over the touched islands' adjacency
    // costs about as much (measured).
    flows_from_angles(net, s);
  }

  bool seen(int i) {
    if (bus_slot_seen_[i]) return true;
    bus_slot_seen_[i] = 1;
    seen_list_.push_back(i);
    return false;
  }
  void unsee() {
    for (int i : seen_list_) bus_slot_seen_[i] = 0;
    seen_list_.clear();
  }

  std::shared_ptr<const FastFlowShared> sh_;
  std::unique_ptr<FlowSolver> fallback_;
  int max_rank_ = 0, round_max_rank_ = 0;
  kernels::WoodburyUpdate wb_;
  std::vector<int> branch_slot_, bus_slot_, slotted_branches_, slotted_buses_, slots_;
  std::vector<std::uint8_t> island_grounded_, bus_slot_seen_;
  std::vector<int> seen_list_;
  std::vector<double> x_;
  // Superposition right-hand side: corrections (factor positions, values) and the sparse
  // forward solve's workspace.
  static constexpr int kMaxCorrections = 256;
  std::vector<int> corr_pos_, sparse_idx_;
  std::vector<double> corr_val_, sparse_work_, sparse_val_;
  std::vector<unsigned char> sparse_mark_;
  bool pending_ = false;  // begin_solve() left x_ awaiting the backward solve
  // The matrix of the latest solve, for solve_more(): Woodbury's active columns, the
  // per-thread refactorised factor, or neither (the fallback solved per island).
  enum class Path { kNone, kWoodbury, kRefactor, kFallback };
  Path last_ = Path::kNone;
  // solve_more(): vectors solved together (one backward pass over L for all), and the
  // most entries a right-hand side may have to take the sparse forward solve.
  static constexpr int kMoreLanes = 8;
  static constexpr int kSparseEntries = 16;
  std::vector<std::vector<double>> more_;
  std::vector<double*> more_ptr_;
  // The refactor path's factor: the intact matrix, updated column by column to the latest
  // state of this sample (refactor()): its removed branches, destroyed buses and groundings.
  kernels::PathRefactorLdlt pf_;
  bool pf_in_sample_ = false;
  bool x_from_refactor_ = false;  // x_ is the latest solve's, on pf_, all positions
  std::vector<int> listed_;       // solve_touched_by_refactor(): the positions solved
  std::vector<std::uint64_t> pos_listed_;  // solve_touched_by_refactor(): positions, one bit each
  std::vector<int> pf_removed_, pf_destroyed_, pf_grounded_list_, want_list_;
  std::vector<std::uint8_t> pf_grounded_, want_;
};

}  // namespace

std::unique_ptr<FlowSolver> make_fast_flow_solver(const Network& net, std::shared_ptr<const FastFlowShared> shared,
                                                  int max_rank, int round_max_rank) {
  if (!shared) shared = make_fast_flow_shared(net);
  return std::make_unique<FastFlowSolver>(net, std::move(shared), max_rank, round_max_rank);
}

}  // namespace sre

namespace sre {
const kernels::BaseFactor& fast_flow_factor(const FastFlowShared& shared) { return shared.factor; }
int fast_flow_default_max_rank(const FastFlowShared& shared) { return shared.default_max_rank; }
const kernels::SparseMatrix& fast_flow_upper(const FastFlowShared& shared) { return shared.upper; }
}  // namespace sre
