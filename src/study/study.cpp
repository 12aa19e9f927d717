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

#include "io/csv_table.hpp"
#include "dispatch/dc_opf.hpp"
#include "io/input_error.hpp"
#include "sampling/sample_rng.hpp"

namespace sre {

Study::Study(const StudyOptions& o) : options_(o) {
  const StrikeModel model = parse_strike_model(o.strike);
  response_.kind = parse_response(o.response);
  response_.rule = parse_cascade_rule(o.rule);
  if (!(o.tol >= 0.0) || !std::isfinite(o.tol)) throw InputError("--tol must be a finite number >= 0");
  if (o.max_steps < 0) throw InputError("--max-steps must be >= 0");
  response_.tol = o.tol;
  response_.max_steps = o.max_steps;
  if (o.solver != "reference" && o.solver != "fast")
    throw InputError("--solver '" + o.solver + "': allowed values are fast, reference");
  response_.full_lp = o.solver == "reference";
  if (o.case_path.empty()) throw InputError("--case is required: a MATPOWER case file (.m)");

  // The targets and the strike budget first: they depend on the topology alone, which the
  // dispatch leaves as it is, and a bad --k should not wait for an OPF to be refused.
  Network case_net = load_network(o.case_path);
  targets_ = make_targets(case_net, o.targets);
  const int nt = targets_.size();
  if (model != StrikeModel::kIndependent)
    StrikeSampler(model == StrikeModel::kWeighted ? StrikeModel::kUniform : model, nt, o.k, {}, {});
  {
    AppliedDispatch applied = apply_dispatch(case_net, parse_dispatch(o.dispatch), o.tol);
    net_ = std::move(applied.net);
    dispatch_used_ = applied.used;
    dispatch_note_ = applied.note;
    dispatch_ = std::move(applied.result);
    if (!dispatch_note_.empty()) std::cerr << "note: " << dispatch_note_ << "\n";
    if (!dispatch_.insecure.empty()) std::cerr << "note: " << insecure_summary(net_, dispatch_) << "\n";
  }
  base_ = make_base_case(net_);
  if (o.solver == "fast") fast_shared_ = make_fast_flow_shared(net_);
  intact_ = std::make_shared<const IntactTopology>(net_);

  std::vector<double> weights, probabilities;
  if (model == StrikeModel::kWeighted) weights = target_weights(net_, targets_, o.weights, base_.state.flow_mw);
  if (model == StrikeModel::kIndependent) {
    const bool one = !std::isnan(o.probability), file = !o.probabilities.empty();
    if (one == file) throw InputError("--strike independent needs exactly one of --probability P or --probabilities FILE.csv:COLUMN");
    if (one) {
      if (!(o.probability >= 0.0 && o.probability <= 1.0))
        throw InputError("--probability " + std::to_string(o.probability) + " is outside [0, 1]");
      probabilities.assign(nt, o.probability);
    } else {
      const auto [path, column] = split_file_column(o.probabilities, "--probabilities");
      probabilities = read_target_column(targets_, path, column, 0.0, "--probabilities");
      for (int t = 0; t < nt; ++t)
        if (!(probabilities[t] >= 0.0 && probabilities[t] <= 1.0))
          throw InputError(path, 0, "--probabilities: probability of target '" + targets_.name[t] + "' is outside [0, 1]");
    }
  }
  sampler_ = std::make_unique<StrikeSampler>(model, nt, o.k, weights, probabilities);

  intercept_.assign(nt, 0.0);
  if (!o.defence.empty()) {
    intercept_ = read_target_column(targets_, o.defence, "intercept", 0.0, "--defence");
    for (int t = 0; t < nt; ++t)
      if (!(intercept_[t] >= 0.0 && intercept_[t] <= 1.0))
        throw InputError(o.defence, 0, "--defence: interception probability of target '" + targets_.name[t] +
                                           "' is outside [0, 1]");
  }
  if (model == StrikeModel::kExhaustive) {
    samples_ = o.samples ? o.samples : sampler_->combinations();
    if (samples_ > sampler_->combinations())
      throw InputError("--samples " + std::to_string(samples_) + " exceeds the " +
                       std::to_string(sampler_->combinations()) + " combinations of the exhaustive study");
  } else {
    samples_ = o.samples ? o.samples : 100000;
  }
}

std::string Study::assumptions() const {
  const StudyOptions& o = options_;
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
  if (dispatch_used_ != parse_dispatch(o.dispatch)) r += "; " + o.dispatch + " asked for: see the note";
  return r + ")";
}

TallyShape Study::tally_shape() const {
  return TallyShape{targets_.size(), net_.n_bus(), net_.n_branch(), net_.total_demand_pos};
}

const kernels::BaseFactor* Study::base_factor() const {
  return fast_shared_ ? &fast_flow_factor(*fast_shared_) : nullptr;
}

std::unique_ptr<FlowSolver> Study::make_flow_solver() const {
  if (options_.solver == "fast") return make_fast_flow_solver(net_, fast_shared_);
  return make_reference_flow_solver(net_);
}

SampleWorker::SampleWorker(const Study& study)
    : study_(study),
      evaluator_(study.base(), study.response(), study.make_flow_solver(), study.intact_topology()),
      scratch_(study.sampler().make_scratch()),
      struck_(study.targets().size()),
      destroyed_(study.targets().size()),
      buses_(study.network().n_bus()) {
  evaluator_.solve_limited_flows_only();
}

const SampleOutcome& SampleWorker::run(std::uint64_t index) {
  begin(index);
  return finish(false);
}

double* SampleWorker::begin(std::uint64_t index) {
  const std::uint64_t seed = study_.options().seed;
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

double* SampleWorker::begin_destroyed() {
  const TargetSet& ts = study_.targets();
  n_buses_ = 0;
  for (int j = 0; j < n_destroyed_; ++j)
    for (int p = ts.offset[destroyed_[j]]; p < ts.offset[destroyed_[j] + 1]; ++p) buses_[n_buses_++] = ts.buses[p];
  return evaluator_.begin({buses_.data(), static_cast<std::size_t>(n_buses_)});
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

// Lanes per worker thread: SRE_BATCH_LANES (1 to 8) for measurements, else 4, the
// measured best on case2383wp_k and case9241pegase (docs/performance.md).
int batch_lanes() {
  static const int lanes = [] {
    const char* v = std::getenv("SRE_BATCH_LANES");
    const int n = v ? std::atoi(v) : 0;
    return n >= 1 && n <= 8 ? n : 4;
  }();
  return lanes;
}

// Per thread: batch_lanes() workers, so that the first solves of consecutive samples
// share one pass of the backward solve over the base factor (BaseFactor::backward_multi);
// each sample's numbers are the same as alone (the lanes' arithmetic is the scalar one).
struct ThreadContext {
  static constexpr int kMaxLanes = 8;
  explicit ThreadContext(const Study& study) : factor(study.base_factor()) {
    for (int w = 0, n = batch_lanes(); w < n; ++w) lanes.push_back(std::make_unique<SampleWorker>(study));
    tally.reset(study.tally_shape());
  }
  // Backward solves of the vectors begin() left pending, in one pass; marks them done.
  void backward_pending(double* const* pending, int count, bool* done) {
    if (!factor || count < 2) return;
    factor->backward_multi(pending, count);
    for (int q = 0; q < count; ++q) done[q] = true;
  }
  const kernels::BaseFactor* factor;
  std::vector<std::unique_ptr<SampleWorker>> lanes;
  Tally tally;
};

// Samples of one block kept for --save-samples, appended in block order.
struct BlockRecords {
  SavedSamples rows;
};

void record(SavedSamples& s, std::uint64_t index, const SampleOutcome& o, const SampleWorker& w) {
  s.index.push_back(index);
  s.shed_mw.push_back(o.shed_mw);
  s.shed_fraction.push_back(o.shed_fraction);
  s.max_loading_first.push_back(o.max_loading_first);
  s.redispatch_mw.push_back(o.redispatch_mw);
  s.n_islands.push_back(o.n_islands);
  s.n_dead_islands.push_back(o.n_dead_islands);
  s.n_struck.push_back(o.n_struck);
  s.n_destroyed.push_back(o.n_destroyed);
  s.n_intercepted.push_back(o.n_intercepted);
  s.n_overloaded_first.push_back(o.n_overloaded_first);
  s.n_tripped.push_back(o.n_tripped);
  s.cascade_steps.push_back(o.cascade_steps);
  s.cap_hit.push_back(o.cap_hit);
  for (int t : w.destroyed()) s.destroyed_targets.push_back(t);
  s.destroyed_offset.push_back(s.destroyed_targets.size());
  for (int t : w.struck()) s.struck_targets.push_back(t);
  s.struck_offset.push_back(s.struck_targets.size());
}

void append(SavedSamples& to, const SavedSamples& from) {
  auto cat = [](auto& a, const auto& b) { a.insert(a.end(), b.begin(), b.end()); };
  cat(to.index, from.index);
  cat(to.shed_mw, from.shed_mw);
  cat(to.shed_fraction, from.shed_fraction);
  cat(to.max_loading_first, from.max_loading_first);
  cat(to.redispatch_mw, from.redispatch_mw);
  cat(to.n_islands, from.n_islands);
  cat(to.n_dead_islands, from.n_dead_islands);
  cat(to.n_struck, from.n_struck);
  cat(to.n_destroyed, from.n_destroyed);
  cat(to.n_intercepted, from.n_intercepted);
  cat(to.n_overloaded_first, from.n_overloaded_first);
  cat(to.n_tripped, from.n_tripped);
  cat(to.cascade_steps, from.cascade_steps);
  cat(to.cap_hit, from.cap_hit);
  const std::uint64_t d0 = to.destroyed_targets.size(), s0 = to.struck_targets.size();
  cat(to.destroyed_targets, from.destroyed_targets);
  cat(to.struck_targets, from.struck_targets);
  for (std::size_t j = 1; j < from.destroyed_offset.size(); ++j) to.destroyed_offset.push_back(d0 + from.destroyed_offset[j]);
  for (std::size_t j = 1; j < from.struck_offset.size(); ++j) to.struck_offset.push_back(s0 + from.struck_offset[j]);
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
    std::uint64_t chunk_end = next;
    for (std::uint64_t b = 0; b < chunk_blocks && chunk_end < end; ++b)
      chunk_end = std::min(end, (chunk_end / kSampleBlock + 1) * kSampleBlock);
    std::vector<std::uint64_t> starts;
    for (std::uint64_t s = next; s < chunk_end; s = std::min(chunk_end, (s / kSampleBlock + 1) * kSampleBlock)) starts.push_back(s);
    std::vector<BlockRecords> records(save_samples ? starts.size() : 0);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, starts.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          ThreadContext& ctx = contexts.local();
                          for (std::size_t b = r.begin(); b < r.end(); ++b) {
                            const std::uint64_t s0 = starts[b];
                            const std::uint64_t s1 = b + 1 < starts.size() ? starts[b + 1] : chunk_end;
                            std::int64_t shed_q = 0;
                            constexpr int kMaxLanes = ThreadContext::kMaxLanes;
                            const std::uint64_t n_lanes = ctx.lanes.size();
                            for (std::uint64_t i = s0; i < s1; i += n_lanes) {
                              const int m = static_cast<int>(std::min<std::uint64_t>(n_lanes, s1 - i));
                              double* pending[kMaxLanes];
                              int lane_of[kMaxLanes], np = 0;
                              for (int w = 0; w < m; ++w)
                                if (double* x = ctx.lanes[w]->begin(i + w)) pending[np] = x, lane_of[np++] = w;
                              bool pending_done[kMaxLanes] = {}, done[kMaxLanes] = {};
                              ctx.backward_pending(pending, np, pending_done);
                              for (int q = 0; q < np; ++q) done[lane_of[q]] = pending_done[q];
                              for (int w = 0; w < m; ++w) {
                                SampleWorker& worker = *ctx.lanes[w];
                                const SampleOutcome& o = worker.finish(done[w]);
                                ctx.tally.add(i + w, o, worker.detail());
                                shed_q += Tally::to_fixed(o.shed_mw);
                                if (save_samples) record(records[b].rows, i + w, o, worker);
                              }
                            }
                            if (progress) {
                              progress->done.fetch_add(s1 - s0, std::memory_order_relaxed);
                              progress->shed_sum_q.fetch_add(shed_q, std::memory_order_relaxed);
                            }
                          }
                        },
                        tbb::simple_partitioner());
    });
    for (auto& ctx : contexts) {
      out.tally.merge(ctx.tally);
      ctx.tally.reset(study.tally_shape());
    }
    for (const auto& rec : records) append(out.samples, rec.rows);
    out.end = chunk_end;
    next = chunk_end;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (on_chunk) on_chunk(out);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace sre
