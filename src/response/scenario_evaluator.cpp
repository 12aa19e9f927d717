#include "response/scenario_evaluator.hpp"

#include <algorithm>
#include <cmath>

#include "topology/island_balancer.hpp"
#include "kernels/any_exceeds.hpp"

namespace sre {

void solve_after_trips(EvalContext& ctx, int first_trip) {
  const Network& net = *ctx.base.net;
  ctx.finder.find_after_trips(ctx.state, first_trip);
  IslandBalancer::rebalance(net, ctx.state);
  ctx.state.mark_touched_islands(net, first_trip);
  ctx.solver.solve_touched(net, ctx.state);
}

std::vector<double> overload_thresholds(const BaseCase& base, double tol) {
  std::vector<double> t(base.limited_limit_mw.size());
  for (std::size_t j = 0; j < t.size(); ++j) {
    const double lim = base.limited_limit_mw[j];
    t[j] = lim * (1.0 + tol) + 1e-6 + 1e-9 * lim;
  }
  return t;
}

namespace {
// The overload test and, when with_worst, the highest loading of the limited branches. A
// branch not alive, or in a dead island, carries 0 MW: it can neither be overloaded nor
// raise the highest loading, so no alive test is needed.
template <bool with_worst>
double scan_overloads(const BaseCase& base, const GridState& s, const std::vector<double>& threshold_mw,
                      std::vector<int>& overloaded) {
  overloaded.clear();
  const int n = static_cast<int>(base.limited_branches.size());
  const int* branch = base.limited_branches.data();
  const double* limit = base.limited_limit_mw.data();
  const double* threshold = threshold_mw.data();
  const double* flow_mw = s.flow_mw.data();
  double worst = 0.0;
  double gate = 0.0;  // worst * (1 - 1e-12)
  auto look_at = [&](int j0, int j1) {
    for (int j = j0; j < j1; ++j) {
      const int e = branch[j];
      const double flow = std::abs(flow_mw[e]);
      if constexpr (with_worst) {
        // Divide only where the ratio can beat the worst so far (the slack covers
        // rounding), so the result is the plain maximum of flow / limit, bit for bit.
        const double lim = limit[j];
        if (flow > gate * lim) {
          worst = std::max(worst, flow / lim);
          gate = worst * (1.0 - 1e-12);
        }
      }
      if (flow > threshold[j]) overloaded.push_back(e);
    }
  };
  // The limited branches' flows in order, contiguous: flow_mw itself when every branch is
  // limited (the usual case: branch[j] is j), or the solve's copy when it solved only
  // those (GridState::flow_branches). Blocks of branches get a branch-free SIMD test first;
  // only a block that holds an overload or a loading that may raise the worst is looked at
  // branch by branch. (With unlimited branches, the same test over every branch, those
  // given threshold +infinity, cost more instructions than the pass over the limited ones
  // on case9241pegase, 61 % unlimited: +2.9 % dc, +1.2 % cascade; measured and dropped.)
  const double* in_order = n == static_cast<int>(s.flow_mw.size())  ? flow_mw
                           : s.flow_branches == &base.limited_branches ? s.listed_flow_mw.data()
                                                                       : nullptr;
  if (!in_order) {
    look_at(0, n);
    return worst;
  }
  constexpr int kBlock = 32;
  for (int j0 = 0; j0 < n; j0 += kBlock) {
    const int j1 = std::min(n, j0 + kBlock);
    if (kernels::any_exceeds<with_worst>(in_order, threshold, limit, gate, j0, j1)) look_at(j0, j1);
  }
  return worst;
}
}  // namespace

double find_overloads(const BaseCase& base, const GridState& s, const std::vector<double>& threshold_mw,
                      std::vector<int>& overloaded) {
  return scan_overloads<true>(base, s, threshold_mw, overloaded);
}

void list_overloads(const BaseCase& base, const GridState& s, const std::vector<double>& threshold_mw,
                    std::vector<int>& overloaded) {
  scan_overloads<false>(base, s, threshold_mw, overloaded);
}

int worst_overload(const BaseCase& base, const GridState& state, const std::vector<int>& overloaded) {
  double highest = 0.0;
  for (int e : overloaded) highest = std::max(highest, std::abs(state.flow_mw[e]) / base.limit_mw[e]);
  const double tied = highest * (1.0 - kLoadingTie);
  for (int e : overloaded)
    if (std::abs(state.flow_mw[e]) / base.limit_mw[e] >= tied) return e;
  return overloaded.front();
}

namespace {

class TopologyStage final : public ResponseStage {
 public:
  bool first_solve_with_flows() const override { return false; }
  void respond(EvalContext&, SampleOutcome& out) override {
    out.max_loading_first = std::numeric_limits<double>::quiet_NaN();
  }
};

class DcStage final : public ResponseStage {
 public:
  void respond(EvalContext& ctx, SampleOutcome& out) override {
    out.max_loading_first = find_overloads(ctx.base, ctx.state, ctx.overload_mw, ctx.overloaded);
    ctx.overloaded_first.assign(ctx.overloaded.begin(), ctx.overloaded.end());
    out.n_overloaded_first = static_cast<int>(ctx.overloaded.size());
  }
};

class CascadeStage final : public ResponseStage {
 public:
  void respond(EvalContext& ctx, SampleOutcome& out) override {
    first_.respond(ctx, out);
    int steps = 0, tripped = 0;
    while (!ctx.overloaded.empty() && steps < ctx.options.max_steps) {
      const int first_trip = static_cast<int>(ctx.state.removed_branches.size());
      if (ctx.options.rule == CascadeRule::kAll) {
        for (int e : ctx.overloaded) ctx.state.trip_branch(e);
        tripped += static_cast<int>(ctx.overloaded.size());
      } else {
        ctx.state.trip_branch(worst_overload(ctx.base, ctx.state, ctx.overloaded));
        ++tripped;
      }
      ++steps;
      solve_after_trips(ctx, first_trip);
      list_overloads(ctx.base, ctx.state, ctx.overload_mw, ctx.overloaded);
    }
    out.cascade_steps = steps;
    out.n_tripped = tripped;
    out.cap_hit = !ctx.overloaded.empty();
  }

 private:
  DcStage first_;
};

}  // namespace

// src/response/redispatch.cpp: the first solve (opf) or protection (operator), then the
// least-shed re-dispatch LP where a branch is above its normal limit.
std::unique_ptr<ResponseStage> make_redispatch_stage(std::unique_ptr<ResponseStage> protection,
                                                     const ResponseOptions& options);

std::unique_ptr<ResponseStage> make_response_stage(const ResponseOptions& options) {
  switch (options.kind) {
    case ResponseKind::kTopology: return std::make_unique<TopologyStage>();
    case ResponseKind::kDc: return std::make_unique<DcStage>();
    case ResponseKind::kCascade: return std::make_unique<CascadeStage>();
    case ResponseKind::kOpf: return make_redispatch_stage(std::make_unique<DcStage>(), options);
    case ResponseKind::kOperator: return make_redispatch_stage(std::make_unique<CascadeStage>(), options);
  }
  return nullptr;
}

ScenarioEvaluator::ScenarioEvaluator(const BaseCase& base, const ResponseOptions& options,
                                     std::unique_ptr<FlowSolver> solver, std::shared_ptr<const IntactTopology> intact)
    : base_(base),
      options_(options),
      solver_(std::move(solver)),
      stage_(make_response_stage(options)),
      finder_(intact ? std::move(intact) : std::make_shared<const IntactTopology>(*base.net)),
      overload_mw_(overload_thresholds(base, options.tol)) {
  state_.resize(*base.net);
  overloaded_.reserve(base.net->n_branch());
  overloaded_first_.reserve(base.net->n_branch());
}

void ScenarioEvaluator::solve_limited_flows_only() {
  // Worth it when limited branches are a small share (case9241pegase: 39 % of its
  // branches); with most branches limited, the pass over every branch in order is cheaper.
  if (4 * base_.limited_branches.size() <= 3 * static_cast<std::size_t>(base_.net->n_branch())) {
    state_.flow_branches = &base_.limited_branches;
    state_.flow_slot = &base_.limited_slot;
    state_.listed_flow_mw.assign(base_.limited_branches.size(), 0.0);
    std::fill(state_.flow_mw.begin(), state_.flow_mw.end(), 0.0);  // the others stay 0 from here
  }
}

const SampleOutcome& ScenarioEvaluator::evaluate(const Outages& outages) {
  begin(outages);
  return finish(false);
}

double* ScenarioEvaluator::begin(const Outages& outages) {
  const Network& net = *base_.net;
  solver_->new_sample();
  state_.reset_to_intact(net);
  for (int i : outages.buses) state_.destroy_bus(net, i);
  for (int e : outages.branches) state_.cut_branch(e);
  for (int g : outages.generators) state_.lose_generator(net, g);
  overloaded_.clear();
  overloaded_first_.clear();
  outcome_ = SampleOutcome{};
  finder_.find(state_);
  IslandBalancer::balance(net, state_, base_.state);
  return stage_->first_solve_with_flows() ? solver_->begin_solve(net, state_) : nullptr;
}

const SampleOutcome& ScenarioEvaluator::finish(bool backward_done) {
  const Network& net = *base_.net;
  if (stage_->first_solve_with_flows()) solver_->end_solve(net, state_, backward_done);
  EvalContext ctx{base_, options_, state_, finder_, *solver_, overload_mw_, overloaded_, overloaded_first_};
  stage_->respond(ctx, outcome_);

  outcome_.shed_mw = state_.shed_mw;
  outcome_.shed_fraction = net.total_demand_pos > 0.0 ? state_.shed_mw / net.total_demand_pos : 0.0;
  outcome_.n_islands = state_.n_islands;
  int dead = 0;
  for (int k = 0; k < state_.n_islands; ++k) dead += state_.island_demand[k] > 0.0 && state_.island_kind[k] == IslandKind::kDead;
  outcome_.n_dead_islands = dead;
  return outcome_;
}

}  // namespace sre
