#pragma once
// A study: the resolved options, and everything immutable that all worker
// threads share (network, base case, targets, strike sampler, defence plan).
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flow/base_case.hpp"
#include "dispatch/dc_opf.hpp"
#include "flow/flow_solver.hpp"
#include "model/network.hpp"
#include "response/response.hpp"
#include "results/results_file.hpp"
#include "response/scenario_evaluator.hpp"
#include "sampling/strike_sampler.hpp"
#include "stats/tally.hpp"
#include "study/study_config.hpp"
#include "model/targets.hpp"

namespace sre {

class Study {
 public:
  // Builds the study of a resolved configuration: the base dispatch, the base case, the
  // strike sampler (throws InputError where the dispatched network refuses it).
  // The option strings become a configuration by resolve() (study_config.hpp), which checks
  // every option and reads every file before anything is solved.
  explicit Study(StudyConfig config);

  const StudyConfig& config() const { return config_; }
  // The option strings the configuration was resolved from.
  const StudyOptions& options() const { return config_.given; }
  const Network& network() const { return net_; }
  const BaseCase& base() const { return base_; }
  const TargetSet& targets() const { return config_.targets; }
  const StrikeSampler& sampler() const { return *sampler_; }
  const ResponseOptions& response() const { return response_; }
  const std::vector<double>& intercept() const { return config_.intercept; }
  // The strike weights (--strike weighted, else empty), computed or as resolved.
  const std::vector<double>& weights() const { return weights_; }
  std::uint64_t samples() const { return config_.samples; }
  std::uint64_t seed() const { return config_.seed; }
  TallyShape tally_shape() const;
  std::unique_ptr<FlowSolver> make_flow_solver() const;
  // The intact network's islands and certificates, built once and shared by the workers.
  const std::shared_ptr<const IntactTopology>& intact_topology() const { return intact_; }
  // The shared base factor when --solver fast (batched backward solves), else null.
  const kernels::BaseFactor* base_factor() const;
  // What every fast solver shares (null for --solver reference).
  const std::shared_ptr<const FastFlowShared>& fast_shared() const { return fast_shared_; }
  // The base dispatch used (differs from options().dispatch when the OPF fell back to the
  // case's set-points; dispatch_note() says why) and the OPF's result (cost, insecure
  // contingencies of scopf).
  Dispatch dispatch_used() const { return dispatch_used_; }
  // One line naming the response, its tolerance and rule, and the dispatch a result was
  // computed with, so that no figure is shown without its assumptions.
  std::string assumptions() const;
  const std::string& dispatch_note() const { return dispatch_note_; }
  const DispatchResult& dispatch() const { return dispatch_; }

 private:
  StudyConfig config_;
  Network net_;
  BaseCase base_;
  std::unique_ptr<StrikeSampler> sampler_;
  ResponseOptions response_;
  std::vector<double> weights_;
  std::shared_ptr<const FastFlowShared> fast_shared_;  // the base factor (--solver fast), shared by all threads
  std::shared_ptr<const IntactTopology> intact_;
  Dispatch dispatch_used_ = Dispatch::kCase;
  std::string dispatch_note_;
  DispatchResult dispatch_;
};

// Per-thread worker: draws sample i and evaluates it, allocation-free once built.
class SampleWorker {
 public:
  explicit SampleWorker(const Study& study);
  // Draw and evaluate sample `index`; the details stay readable until the next call.
  const SampleOutcome& run(std::uint64_t index);
  // run() in two phases (ScenarioEvaluator::begin/finish): begin() draws and evaluates up
  // to the first solve's backward solve, returning its vector or nullptr.
  double* begin(std::uint64_t index);
  const SampleOutcome& finish(bool backward_done);
  // Evaluate an explicit set of destroyed targets (no draw; nothing intercepted).
  const SampleOutcome& run_targets(std::span<const int> destroyed_targets);
  // Evaluate explicit element outages, whatever the targets (sre eval --outage); the
  // outcome counts each element as one struck and destroyed target.
  const SampleOutcome& run_outages(const Outages& outages);
  SampleDetail detail() const;
  std::span<const int> struck() const { return {struck_.data(), static_cast<std::size_t>(n_struck_)}; }
  std::span<const int> destroyed() const { return {destroyed_.data(), static_cast<std::size_t>(n_destroyed_)}; }
  const ScenarioEvaluator& evaluator() const { return evaluator_; }

 private:
  double* begin_destroyed();
  const Study& study_;
  ScenarioEvaluator evaluator_;
  StrikeSampler::Scratch scratch_;
  std::vector<int> struck_, destroyed_, buses_, branches_, gens_;  // the destroyed targets' elements
  int n_struck_ = 0, n_destroyed_ = 0, n_buses_ = 0, n_branches_ = 0, n_gens_ = 0;
  SampleOutcome outcome_;
};

struct RunProgress {
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::int64_t> shed_sum_q{0};  // approximate running sum for display only
};

struct RunOutput {
  Tally tally;
  SavedSamples samples;
  double seconds = 0.0;
  std::uint64_t end = 0;  // samples [begin, end) were evaluated (end < requested when stopped)
};

// Evaluates samples [begin, end) on `threads` threads (0 = all cores) in chunks of
// whole blocks. `stop` (may be null) is checked between chunks; `on_chunk`
// (may be null) runs on the calling thread after each chunk with the tally so far.
RunOutput run_samples(const Study& study, std::uint64_t begin, std::uint64_t end, int threads, bool save_samples,
                      RunProgress* progress, const std::atomic<bool>* stop,
                      const std::function<void(const RunOutput&)>& on_chunk = {});

inline constexpr std::uint64_t kSampleBlock = 256;  // samples per parallel task

}  // namespace sre
