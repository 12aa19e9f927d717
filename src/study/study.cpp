#include "study/study.hpp"

#include "kernels/base_factor.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <iostream>
#include <stdexcept>
#include <utility>

#include "dispatch/dc_opf.hpp"
#include "sampling/sample_rng.hpp"
#include "study/sample_lanes.hpp"

namespace sre {

Study::Study(StudyConfig config) : config_(std::move(config)), response_(config_.response) {
  const StudyConfig& c = config_;
  const auto nt = static_cast<std::size_t>(c.targets.size());
  if (!c.case_net || c.intercept.size() != nt ||
      (c.strike == StrikeModel::kIndependent && c.probabilities.size() != nt) ||
      (c.strike == StrikeModel::kWeighted && c.weight_kind == WeightKind::kPerTarget && c.weights.size() != nt))
    throw std::invalid_argument("Study: a StudyConfig needs the case and one value per target (use resolve())");
  {
    AppliedDispatch applied = apply_dispatch(*c.case_net, c.dispatch, c.response.tol);
    net_ = std::move(applied.net);
    dispatch_used_ = applied.used;
    dispatch_note_ = applied.note;
    dispatch_ = std::move(applied.result);
    if (!dispatch_note_.empty()) std::cerr << "note: " << dispatch_note_ << "\n";
    if (!dispatch_.insecure.empty()) std::cerr << "note: " << insecure_summary(net_, dispatch_) << "\n";
  }
  {
    // Units a strike can take out that the dispatch runs below 0 MW: consumers there, so
    // their loss changes nothing (docs/model.md section 3). Said, never silent.
    const TargetSet& ts = c.targets;
    int consuming = 0;
    for (int g : ts.gens) consuming += net_.gen_pg[g] < 0.0;
    if (consuming > 0)
      std::cerr << "note: " << consuming << " of the " << ts.gens.size()
                << " generator units among the targets run below 0 MW under dispatch " << to_string(dispatch_used_)
                << " (consumers there): striking them changes nothing\n";
  }
  base_ = make_base_case(net_);
  if (c.solver == SolverKind::kFast) fast_shared_ = make_fast_flow_shared(net_);
  intact_ = std::make_shared<const IntactTopology>(net_);

  if (c.strike == StrikeModel::kWeighted)
    weights_ = c.weight_kind == WeightKind::kPerTarget ? c.weights
                                                      : target_weights(net_, config_.targets, c.weight_kind, base_.state.flow_mw);
  sampler_ = std::make_unique<StrikeSampler>(
      make_strike_sampler(c.strike, config_.targets, c.k, c.budgets, weights_, c.probabilities));
}

std::string Study::assumptions() const {
  const StudyOptions& o = config_.given;
  char tol[64];
  std::snprintf(tol, sizeof tol, "%g x", 1.0 + o.tol);
  std::string r = "response " + o.response;
  switch (response_.kind) {
    case ResponseKind::kTopology: r += " (islands and balancing only, no flows)"; break;
    case ResponseKind::kDc: r += std::string(" (flows; branches above ") + tol + " their limit counted, none trips)"; break;
    case ResponseKind::kCascade: r += std::string(" (branches above ") + tol + " their limit trip, rule " + o.rule + ")"; break;
    case ResponseKind::kOpf: r += " (least-shed re-dispatch within the limits)"; break;
    case ResponseKind::kOperator:
      r += std::string(" (protection trips branches above ") + tol + " their limit, rule " + o.rule +
           "; then least-shed re-dispatch within the limits)";
      break;
  }
  char tol_value[32];
  std::snprintf(tol_value, sizeof tol_value, "%g", o.tol);
  r += std::string(", tol ") + tol_value;
  r += "; dispatch " + to_string(dispatch_used_);
  switch (dispatch_used_) {
    case Dispatch::kCase: r += " (the case's generator set-points"; break;
    case Dispatch::kDcopf: r += " (DC OPF"; break;
    case Dispatch::kScopf:
      r += std::string(" (DC OPF, N-1 secure at ") + tol + " rateA, " + std::to_string(dispatch_.insecure.size()) +
           " of " + std::to_string(dispatch_.contingencies) + " contingencies insecure";
      break;
  }
  if (dispatch_used_ != config_.dispatch) r += "; " + o.dispatch + " asked for: see the note";
  return r + ")";
}

TallyShape Study::tally_shape() const {
  return TallyShape{config_.targets.size(), net_.n_bus(), net_.n_branch(), net_.total_demand_pos};
}

const kernels::BaseFactor* Study::base_factor() const {
  return fast_shared_ ? &fast_flow_factor(*fast_shared_) : nullptr;
}

std::unique_ptr<FlowSolver> Study::make_flow_solver() const {
  if (config_.solver == SolverKind::kFast) return make_fast_flow_solver(net_, fast_shared_);
  return make_reference_flow_solver(net_);
}

SampleWorker::SampleWorker(const Study& study)
    : study_(study),
      evaluator_(study.base(), study.response(), study.make_flow_solver(), study.intact_topology()),
      scratch_(study.sampler().make_scratch()),
      struck_(study.targets().size()),
      destroyed_(study.targets().size()),
      buses_(study.network().n_bus()),
      branches_(study.network().n_branch()),
      gens_(study.network().n_gen()) {
  evaluator_.solve_limited_flows_only();
}

const SampleOutcome& SampleWorker::run(std::uint64_t index) {
  begin(index);
  return finish(false);
}

double* SampleWorker::begin(std::uint64_t index) {
  const std::uint64_t seed = study_.seed();
  n_struck_ = study_.sampler().sample(seed, index, scratch_, struck_.data());
  SampleRng interception(seed, index, RngStream::kInterception);
  const std::vector<double>& q = study_.intercept();
  n_destroyed_ = 0;
  for (int j = 0; j < n_struck_; ++j) {
    const int t = struck_[j];
    if (q[t] > 0.0 && interception.uniform() < q[t]) continue;
    destroyed_[n_destroyed_++] = t;
  }
  return begin_destroyed();
}

const SampleOutcome& SampleWorker::run_targets(std::span<const int> destroyed_targets) {
  n_struck_ = n_destroyed_ = static_cast<int>(destroyed_targets.size());
  std::copy(destroyed_targets.begin(), destroyed_targets.end(), struck_.begin());
  std::copy(destroyed_targets.begin(), destroyed_targets.end(), destroyed_.begin());
  begin_destroyed();
  return finish(false);
}

const SampleOutcome& SampleWorker::run_outages(const Outages& outages) {
  n_struck_ = n_destroyed_ = 0;
  n_buses_ = n_branches_ = n_gens_ = 0;
  for (int i : outages.buses) buses_[n_buses_++] = i;
  for (int e : outages.branches) branches_[n_branches_++] = e;
  for (int g : outages.generators) gens_[n_gens_++] = g;
  evaluator_.begin(outages);
  finish(false);
  outcome_.n_struck = outcome_.n_destroyed = n_buses_ + n_branches_ + n_gens_;
  outcome_.n_intercepted = 0;
  return outcome_;
}

double* SampleWorker::begin_destroyed() {
  const TargetSet& ts = study_.targets();
  n_buses_ = n_branches_ = n_gens_ = 0;
  for (int j = 0; j < n_destroyed_; ++j) {
    const int t = destroyed_[j];
    for (int p = ts.offset[t]; p < ts.offset[t + 1]; ++p) buses_[n_buses_++] = ts.buses[p];
    for (int p = ts.branch_offset[t]; p < ts.branch_offset[t + 1]; ++p) branches_[n_branches_++] = ts.branches[p];
    for (int p = ts.gen_offset[t]; p < ts.gen_offset[t + 1]; ++p) gens_[n_gens_++] = ts.gens[p];
  }
  return evaluator_.begin(Outages{{buses_.data(), static_cast<std::size_t>(n_buses_)},
                                  {branches_.data(), static_cast<std::size_t>(n_branches_)},
                                  {gens_.data(), static_cast<std::size_t>(n_gens_)}});
}

const SampleOutcome& SampleWorker::finish(bool backward_done) {
  outcome_ = evaluator_.finish(backward_done);
  outcome_.n_struck = n_struck_;
  outcome_.n_destroyed = n_destroyed_;
  outcome_.n_intercepted = n_struck_ - n_destroyed_;
  return outcome_;
}

SampleDetail SampleWorker::detail() const {
  SampleDetail d;
  d.struck_targets = struck();
  d.destroyed_targets = destroyed();
  d.destroyed_buses = {buses_.data(), static_cast<std::size_t>(n_buses_)};
  d.overloaded_first = evaluator_.overloaded_first();
  d.state = &evaluator_.state();
  d.bus_demand_pos = &study_.network().bus_demand_pos;
  return d;
}

namespace {

// Per thread: the sample lanes and the thread's tally, merged after each chunk.
struct ThreadContext {
  explicit ThreadContext(const Study& study) : lanes(study) { tally.reset(study.tally_shape()); }
  SampleLanes lanes;
  Tally tally;
};

// Samples of one block kept for --save-samples, appended in block order.
struct BlockRecords {
  SavedSamples rows;
};

void record(SavedSamples& s, std::uint64_t index, const SampleOutcome& o, const SampleWorker& w) {
  s.index.push_back(index);
#define SRE_RECORD_COLUMN(name, T) s.name.push_back(static_cast<T>(o.name));
  SRE_SAMPLE_COLUMNS(SRE_RECORD_COLUMN)
#undef SRE_RECORD_COLUMN
#define SRE_RECORD_LIST(name)                                     \
  for (int t : w.name()) s.name##_targets.push_back(t);           \
  s.name##_offset.push_back(s.name##_targets.size());
  SRE_SAMPLE_LISTS(SRE_RECORD_LIST)
#undef SRE_RECORD_LIST
}

// Samples [s0, s1) on one thread: each drawn, evaluated, tallied (and kept for
// --save-samples when rows is not null).
void evaluate_block(ThreadContext& ctx, std::uint64_t s0, std::uint64_t s1, SavedSamples* rows, RunProgress* progress) {
  std::int64_t shed_q = 0;
  ctx.lanes.evaluate(s0, s1, [&](std::uint64_t index, const SampleOutcome& o, const SampleWorker& worker) {
    ctx.tally.add(index, o, worker.detail());
    shed_q += Tally::to_fixed(o.shed_mw);
    if (rows) record(*rows, index, o, worker);
  });
  if (progress) {
    progress->done.fetch_add(s1 - s0, std::memory_order_relaxed);
    progress->shed_sum_q.fetch_add(shed_q, std::memory_order_relaxed);
  }
}

// The next chunk's blocks from `next`: the starts of at most max_blocks blocks, each ending
// at the next multiple of kSampleBlock (or at `end`).
std::vector<std::uint64_t> chunk_blocks_from(std::uint64_t next, std::uint64_t end, std::uint64_t max_blocks) {
  std::vector<std::uint64_t> starts;
  for (std::uint64_t s = next; s < end && starts.size() < max_blocks; s = (s / kSampleBlock + 1) * kSampleBlock)
    starts.push_back(s);
  return starts;
}

}  // namespace

RunOutput run_samples(const Study& study, std::uint64_t begin, std::uint64_t end, int threads, bool save_samples,
                      RunProgress* progress, const std::atomic<bool>* stop,
                      const std::function<void(const RunOutput&)>& on_chunk) {
  const auto t0 = std::chrono::steady_clock::now();
  RunOutput out;
  out.tally.reset(study.tally_shape());
  out.end = begin;
  const int n_threads = threads > 0 ? threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(n_threads);
  tbb::enumerable_thread_specific<ThreadContext> contexts([&] { return ThreadContext(study); });

  // Blocks are aligned to multiples of kSampleBlock in the global index space, so
  // any shard split or resume point evaluates the same blocks.
  const std::uint64_t chunk_blocks = static_cast<std::uint64_t>(n_threads) * 16;
  std::uint64_t next = begin;
  while (next < end) {
    if (stop && stop->load()) break;
    const std::vector<std::uint64_t> starts = chunk_blocks_from(next, end, chunk_blocks);
    const std::uint64_t chunk_end = std::min(end, (starts.back() / kSampleBlock + 1) * kSampleBlock);
    std::vector<BlockRecords> records(save_samples ? starts.size() : 0);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, starts.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          ThreadContext& ctx = contexts.local();
                          for (std::size_t b = r.begin(); b < r.end(); ++b) {
                            const std::uint64_t s1 = b + 1 < starts.size() ? starts[b + 1] : chunk_end;
                            evaluate_block(ctx, starts[b], s1, save_samples ? &records[b].rows : nullptr, progress);
                          }
                        },
                        tbb::simple_partitioner());
    });
    for (auto& ctx : contexts) {
      out.tally.merge(ctx.tally);
      ctx.tally.reset(study.tally_shape());
    }
    for (const auto& rec : records) out.samples.append(rec.rows);
    out.end = chunk_end;
    next = chunk_end;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (on_chunk) on_chunk(out);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace sre
