#pragma once
// Strike models (model section 4): sample index -> set of struck targets,
// deterministic in (seed, index). Immutable and shared by all threads; each
// thread brings its own Scratch, so sampling allocates nothing.
#include <cstdint>
#include <string>
#include <vector>

namespace sre {

enum class StrikeModel { kUniform, kWeighted, kIndependent, kExhaustive };
StrikeModel parse_strike_model(const std::string& name);  // throws InputError
std::string to_string(StrikeModel m);

// C(n, k), or UINT64_MAX when it does not fit in 64 bits.
std::uint64_t binomial_saturated(std::uint64_t n, std::uint64_t k);

// A per-class strike budget (model section 3): k targets drawn among targets
// [first, first + count) (one class's contiguous range).
struct StrikeBudget {
  int first = 0, count = 0, k = 0;
};

class StrikeSampler {
 public:
  struct Scratch {
    std::vector<std::uint8_t> mark;
    std::vector<std::uint64_t> fenwick;
    std::vector<Scratch> parts;  // per budget, when there are several
  };

  // weights: per target, for kWeighted (>= 0, at least k positive);
  // probabilities: per target, for kIndependent (in [0, 1]).
  StrikeSampler(StrikeModel model, int n_targets, int k, const std::vector<double>& weights,
                const std::vector<double>& probabilities);
  // Several budgets (one per class, ranges disjoint and ascending): each draws its k within
  // its range by the model, one after the other from the sample's one random stream
  // (weighted: weights within the range); exhaustive enumerates the product of the ranges'
  // combinations, the first budget's rank varying fastest, so any index range is a shard.
  // One budget over every target is the constructor above. Not for kIndependent.
  StrikeSampler(StrikeModel model, int n_targets, const std::vector<StrikeBudget>& budgets,
                const std::vector<double>& weights);

  StrikeModel model() const { return model_; }
  int k() const { return k_; }  // total over the budgets
  int n_targets() const { return n_; }
  // Number of combinations for kExhaustive (C(n, k), checked to fit in 64 bits).
  std::uint64_t combinations() const { return combinations_; }

  Scratch make_scratch() const;
  // Writes the struck targets of sample `index`, ascending, into out[0..return).
  // `out` must hold n_targets() entries.
  int sample(std::uint64_t seed, std::uint64_t index, Scratch& scratch, int* out) const;

 private:
  int draw(class SampleRng& rng, std::uint64_t rank, Scratch& s, int* out) const;
  int sample_uniform(class SampleRng& rng, Scratch& s, int* out) const;
  int sample_weighted(class SampleRng& rng, Scratch& s, int* out) const;
  int sample_independent(class SampleRng& rng, int* out) const;
  int sample_exhaustive(std::uint64_t rank, Scratch& s, int* out) const;
  std::uint64_t binom(int m, int j) const { return binom_[static_cast<std::size_t>(m) * (kc_ + 1) + j]; }

  StrikeModel model_;
  int n_, k_;
  std::vector<std::uint64_t> fenwick_base_;  // Fenwick tree of integer weights
  std::vector<std::uint64_t> int_weight_;
  std::uint64_t fenwick_top_ = 0;            // highest power of two <= n
  std::vector<std::uint64_t> threshold_;     // independent: strike when next_u64 < threshold
  std::vector<std::uint8_t> always_;         // independent: p == 1
  int kc_ = 0;                               // exhaustive: subset size enumerated (k or n - k)
  bool complement_ = false;
  std::uint64_t combinations_ = 0;
  std::vector<std::uint64_t> binom_;  // C(m, j) for m <= n, j <= kc_
  // Several budgets: one sampler per budget over its range, and the range's first target.
  std::vector<StrikeSampler> parts_;
  std::vector<int> part_first_;
};

}  // namespace sre
