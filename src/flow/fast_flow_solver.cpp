// The fast DC solver (model.md section 2, the same numbers as the reference path):
// one LDL^T factor of the intact network's reduced susceptance matrix, shared
// read-only by all threads (src/flow/fast_flow_shared.hpp); each scenario solved as a
// low-rank modification of it by compensation (src/flow/woodbury_path.hpp), angles then
// re-referenced to 0 at each island's reference (src/flow/fast_flow_workspace.hpp).
// Scenarios with more modifications than max_rank take the refactor path instead
// (src/flow/refactor_path.hpp): the same grounded matrix on a per-thread factor of the
// intact matrix, of which only the columns that changed are reassembled and only the rows
// on their elimination-tree paths refactorised, then one full solve. Only if a
// refactorisation fails (a zero pivot) does the scenario go to the reference path
// (per-island analysis and factorisation). Here: which path takes each solve, and the
// further right-hand sides (solve_more, solve_transfers) on the matrix it used.
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "flow/fast_flow_shared.hpp"
#include "flow/fast_flow_workspace.hpp"
#include "flow/flow_solver.hpp"
#include "flow/refactor_path.hpp"
#include "flow/woodbury_path.hpp"

namespace sre {

namespace {

class FastFlowSolver final : public FlowSolver {
 public:
  FastFlowSolver(const Network& net, std::shared_ptr<const FastFlowShared> shared, int max_rank, int round_max_rank,
                 double demand_scale)
      : sh_(std::move(shared)),
        fallback_(make_reference_flow_solver(net)),
        max_rank_(max_rank > 0 ? max_rank : sh_->default_max_rank),
        round_max_rank_(round_max_rank >= 0 ? round_max_rank : max_rank_ / 2),
        ws_(net, *sh_),
        woodbury_(net, *sh_, ws_, max_rank_, demand_scale),
        refactor_(net, *sh_, ws_) {
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
    pending_ = false;
    switch (refactor_.solve_touched(net, s)) {
      case RefactorPath::Touched::kSolved:
        last_ = Path::kRefactor;
        return;
      case RefactorPath::Touched::kFailed:
        solve_by_fallback(net, s);
        return;
      case RefactorPath::Touched::kNotApplicable:
        break;
    }
    if (!solve_fast(net, s, round_max_rank_)) solve_by_fallback(net, s);
    end_solve(net, s, false);
  }

  double* begin_solve(const Network& net, GridState& s) override {
    pending_ = false;
    refactor_.forget_solution();
    if (!solve_fast(net, s, max_rank_)) solve_by_fallback(net, s);
    return pending_ ? ws_.x.data() : nullptr;
  }

  void end_solve(const Network& net, GridState& s, bool backward_done) override {
    if (!pending_) return;
    if (!backward_done) sh_->factor.backward(ws_.x.data());
    pending_ = false;
    ws_.finish(net, s);
  }

  int pending_size() const override { return sh_->n_var; }

  // The per-thread factor is updated round by round within one sample only.
  void new_sample() override {
    refactor_.new_sample();
    last_ = Path::kNone;
  }

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
        if (last_ == Path::kWoodbury && woodbury_.forward_sparse(net, r, x)) {
          woodbury_.apply(x);
          continue;
        }
        for (int p = 0; p < sh.n_var; ++p) x[p] = r[bus[p]] * inv_base;
        if (last_ == Path::kRefactor) {
          refactor_.factor().forward(x);
        } else {
          sh.factor.forward(x);
          woodbury_.apply(x);
        }
      }
      finish_lanes(lanes, rhs + first);
    }
    refactor_.forget_solution();  // ws_.x no longer holds the latest solve's solution
  }

  // Transfers: on the Woodbury path, L^{-1} P (e_f - e_t) is the difference of two
  // precomputed columns, so no right-hand side is built and no forward solve run.
  void solve_transfers(const Network& net, const GridState& s, const int* branches, int count,
                       double* const* theta) override {
    const FastFlowShared& sh = *sh_;
    if (last_ != Path::kWoodbury || !sh.has_columns()) {
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
          const int* ci = sh.column_index(p);
          const double* cv = sh.column_value(p);
          for (int q = 0, len = sh.column_length(p); q < len; ++q) x[ci[q]] += sign * cv[q];
        }
        woodbury_.apply(x);
      }
      finish_lanes(lanes, theta + first);
    }
    refactor_.forget_solution();
  }

 private:
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
        refactor_.factor().scale_d(x);
        refactor_.factor().backward(x);
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

  // max_rank: the rank above which the refactor path is taken.
  bool solve_fast(const Network& net, GridState& s, int max_rank) {
    ws_.mark_grounded_islands(s);
    // A later cascade round of a state refactorised before: refactorise only what changed.
    if (refactor_.in_sample()) return solve_by_refactor(net, s);
    // Count the modifications first (rank check before any work).
    const int rank = woodbury_.rank(net, s);
    if (rank <= max_rank && woodbury_.begin_solve(net, s, rank)) {
      pending_ = true;  // the backward solve and finish() come in end_solve()
      last_ = Path::kWoodbury;
      return true;
    }
    return solve_by_refactor(net, s);
  }

  // Needs ws_.island_grounded marked (FastFlowWorkspace::mark_grounded_islands).
  bool solve_by_refactor(const Network& net, GridState& s) {
    if (!refactor_.solve(net, s)) return false;
    last_ = Path::kRefactor;
    return true;
  }

  void solve_by_fallback(const Network& net, GridState& s) {
    fallback_->solve(net, s);
    last_ = Path::kFallback;
  }

  std::shared_ptr<const FastFlowShared> sh_;
  std::unique_ptr<FlowSolver> fallback_;
  int max_rank_ = 0, round_max_rank_ = 0;
  FastFlowWorkspace ws_;
  WoodburyPath woodbury_;
  RefactorPath refactor_;
  bool pending_ = false;  // begin_solve() left ws_.x awaiting the backward solve
  // The matrix of the latest solve, for solve_more(): Woodbury's active columns, the
  // per-thread refactorised factor, or neither (the fallback solved per island).
  enum class Path { kNone, kWoodbury, kRefactor, kFallback };
  Path last_ = Path::kNone;
  // solve_more(): vectors solved together (one backward pass over L for all).
  static constexpr int kMoreLanes = 8;
  std::vector<std::vector<double>> more_;
  std::vector<double*> more_ptr_;
};

}  // namespace

std::unique_ptr<FlowSolver> make_fast_flow_solver(const Network& net, std::shared_ptr<const FastFlowShared> shared,
                                                  int max_rank, int round_max_rank, double demand_scale) {
  if (!shared) shared = make_fast_flow_shared(net);
  return std::make_unique<FastFlowSolver>(net, std::move(shared), max_rank, round_max_rank, demand_scale);
}

}  // namespace sre
