#include "sampling/strike_sampler.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "io/input_error.hpp"
#include "sampling/sample_rng.hpp"

namespace sre {

StrikeModel parse_strike_model(const std::string& name) {
  if (name == "uniform") return StrikeModel::kUniform;
  if (name == "weighted") return StrikeModel::kWeighted;
  if (name == "independent") return StrikeModel::kIndependent;
  if (name == "exhaustive") return StrikeModel::kExhaustive;
  throw InputError("--strike '" + name + "': allowed values are uniform, weighted, independent, exhaustive");
}

std::string to_string(StrikeModel m) {
  switch (m) {
    case StrikeModel::kUniform: return "uniform";
    case StrikeModel::kWeighted: return "weighted";
    case StrikeModel::kIndependent: return "independent";
    case StrikeModel::kExhaustive: return "exhaustive";
  }
  return "?";
}

std::uint64_t binomial_saturated(std::uint64_t n, std::uint64_t k) {
  if (k > n) return 0;
  k = std::min(k, n - k);
  unsigned __int128 r = 1;
  for (std::uint64_t j = 1; j <= k; ++j) {
    r = r * (n - k + j) / j;  // exact: r * (n-k+j) is divisible by j at every step
    if (r > std::numeric_limits<std::uint64_t>::max()) return std::numeric_limits<std::uint64_t>::max();
  }
  return static_cast<std::uint64_t>(r);
}

StrikeSampler::StrikeSampler(StrikeModel model, int n_targets, int k, const std::vector<double>& weights,
                             const std::vector<double>& probabilities)
    : model_(model), n_(n_targets), k_(k) {
  if (n_ <= 0) throw InputError("the study has no targets");
  if (model_ != StrikeModel::kIndependent && (k_ < 1 || k_ > n_))
    throw InputError("--k " + std::to_string(k_) + ": must be between 1 and the number of targets (" +
                     std::to_string(n_) + ")");
  if (model_ == StrikeModel::kWeighted) {
    // Integer weights keep the Fenwick tree exact: removing a drawn target and
    // putting it back restores the tree bit for bit.
    double wmax = 0.0;
    int positive = 0;
    for (double w : weights) {
      if (!(w >= 0.0) || !std::isfinite(w)) throw InputError("--weights: every weight must be finite and >= 0");
      wmax = std::max(wmax, w);
      positive += w > 0.0;
    }
    if (positive < k_)
      throw InputError("--k " + std::to_string(k_) + ": only " + std::to_string(positive) +
                       " targets have a positive weight; targets of weight 0 are never struck");
    int_weight_.resize(n_);
    for (int t = 0; t < n_; ++t)
      int_weight_[t] = weights[t] > 0.0 ? std::max<std::uint64_t>(1, std::llround(weights[t] / wmax * 0x1.0p40)) : 0;
    fenwick_base_.assign(n_ + 1, 0);
    for (int t = 0; t < n_; ++t)
      for (int i = t + 1; i <= n_; i += i & -i) fenwick_base_[i] += int_weight_[t];
    fenwick_top_ = std::bit_floor(static_cast<std::uint64_t>(n_));
  }
  if (model_ == StrikeModel::kIndependent) {
    threshold_.resize(n_);
    always_.resize(n_);
    for (int t = 0; t < n_; ++t) {
      const double p = probabilities[t];
      if (!(p >= 0.0 && p <= 1.0)) throw InputError("strike probability " + std::to_string(p) + " is outside [0, 1]");
      always_[t] = p >= 1.0;
      threshold_[t] = p >= 1.0 ? 0 : static_cast<std::uint64_t>(std::ldexp(p, 64));
    }
  }
  if (model_ == StrikeModel::kExhaustive) {
    combinations_ = binomial_saturated(n_, k_);
    if (combinations_ == std::numeric_limits<std::uint64_t>::max())
      throw InputError("--strike exhaustive with " + std::to_string(n_) + " targets and k = " + std::to_string(k_) +
                       ": C(n, k) does not fit in 64 bits; use a smaller k or a sampled strike model");
    complement_ = k_ > n_ - k_;
    kc_ = complement_ ? n_ - k_ : k_;
    binom_.assign(static_cast<std::size_t>(n_ + 1) * (kc_ + 1), 0);
    for (int m = 0; m <= n_; ++m)
      for (int j = 0; j <= kc_; ++j) binom_[static_cast<std::size_t>(m) * (kc_ + 1) + j] = binomial_saturated(m, j);
  }
}

StrikeSampler::StrikeSampler(StrikeModel model, int n_targets, const std::vector<StrikeBudget>& budgets,
                             const std::vector<double>& weights)
    : model_(model), n_(n_targets), k_(0) {
  if (model_ == StrikeModel::kIndependent)
    throw InputError("--k per class: --strike independent strikes each target with its own probability and takes no k");
  if (budgets.empty()) throw InputError("--k: no budget given");
  combinations_ = model_ == StrikeModel::kExhaustive ? 1 : 0;  // as the one-budget sampler: 0 unless exhaustive
  int end = 0;
  for (const StrikeBudget& b : budgets) {
    if (b.first < end || b.count < 0 || b.first + b.count > n_)
      throw std::invalid_argument("StrikeSampler: budgets' ranges must be disjoint, ascending and within the targets");
    end = b.first + b.count;
    std::vector<double> w;
    if (model_ == StrikeModel::kWeighted)
      w.assign(weights.begin() + b.first, weights.begin() + b.first + b.count);
    parts_.emplace_back(model_, b.count, b.k, w, std::vector<double>{});
    part_first_.push_back(b.first);
    k_ += b.k;
    if (model_ == StrikeModel::kExhaustive) {
      const unsigned __int128 product = static_cast<unsigned __int128>(combinations_) * parts_.back().combinations();
      if (product >= std::numeric_limits<std::uint64_t>::max())
        throw InputError("--strike exhaustive with per-class budgets: the product of the classes' C(n, k) does not fit in "
                         "64 bits; use smaller budgets or a sampled strike model");
      combinations_ = static_cast<std::uint64_t>(product);
    }
  }
}

StrikeSampler::Scratch StrikeSampler::make_scratch() const {
  Scratch s;
  if (!parts_.empty()) {
    for (const StrikeSampler& p : parts_) s.parts.push_back(p.make_scratch());
    return s;
  }
  s.mark.assign(n_, 0);
  s.fenwick = fenwick_base_;
  return s;
}

int StrikeSampler::sample(std::uint64_t seed, std::uint64_t index, Scratch& s, int* out) const {
  SampleRng rng(seed, index, RngStream::kStrike);
  if (parts_.empty()) return draw(rng, index, s, out);
  // Each budget in turn from the one stream; ranges ascend, so the whole list is ascending.
  int m = 0;
  std::uint64_t rank = index;
  for (std::size_t p = 0; p < parts_.size(); ++p) {
    const StrikeSampler& part = parts_[p];
    std::uint64_t part_rank = 0;
    if (model_ == StrikeModel::kExhaustive) {
      part_rank = rank % part.combinations();
      rank /= part.combinations();
    }
    const int got = part.draw(rng, part_rank, s.parts[p], out + m);
    for (int j = m; j < m + got; ++j) out[j] += part_first_[p];
    m += got;
  }
  return m;
}

int StrikeSampler::draw(SampleRng& rng, std::uint64_t rank, Scratch& s, int* out) const {
  switch (model_) {
    case StrikeModel::kUniform: return sample_uniform(rng, s, out);
    case StrikeModel::kWeighted: return sample_weighted(rng, s, out);
    case StrikeModel::kIndependent: return sample_independent(rng, out);
    case StrikeModel::kExhaustive: return sample_exhaustive(rank, s, out);
  }
  return 0;
}

// Floyd's algorithm: k distinct values in O(k), uniform over all k-subsets.
int StrikeSampler::sample_uniform(SampleRng& rng, Scratch& s, int* out) const {
  int m = 0;
  for (int j = n_ - k_; j < n_; ++j) {
    int t = static_cast<int>(rng.below(static_cast<std::uint64_t>(j) + 1));
    if (s.mark[t]) t = j;
    s.mark[t] = 1;
    out[m++] = t;
  }
  for (int i = 0; i < m; ++i) s.mark[out[i]] = 0;
  std::sort(out, out + m);
  return m;
}

// Successive draws without replacement, each proportional to the remaining weights,
// via a Fenwick tree: O(k log n).
int StrikeSampler::sample_weighted(SampleRng& rng, Scratch& s, int* out) const {
  std::uint64_t* tree = s.fenwick.data();
  std::uint64_t total = 0;
  for (int i = n_; i > 0; i -= i & -i) total += tree[i];
  for (int m = 0; m < k_; ++m) {
    std::uint64_t u = rng.below(total);
    int pos = 0;
    for (std::uint64_t step = fenwick_top_; step > 0; step >>= 1) {
      const std::uint64_t next = pos + step;
      if (next <= static_cast<std::uint64_t>(n_) && tree[next] <= u) {
        pos = static_cast<int>(next);
        u -= tree[next];
      }
    }
    const int t = pos;  // 0-based target
    out[m] = t;
    const std::uint64_t w = int_weight_[t];
    for (int i = t + 1; i <= n_; i += i & -i) tree[i] -= w;
    total -= w;
  }
  for (int m = 0; m < k_; ++m) {
    const std::uint64_t w = int_weight_[out[m]];
    for (int i = out[m] + 1; i <= n_; i += i & -i) tree[i] += w;
  }
  std::sort(out, out + k_);
  return k_;
}

int StrikeSampler::sample_independent(SampleRng& rng, int* out) const {
  int m = 0;
  for (int t = 0; t < n_; ++t) {
    const std::uint64_t u = rng.next_u64();
    if (always_[t] || u < threshold_[t]) out[m++] = t;
  }
  return m;
}

// Colex unranking: the combination c_1 < ... < c_k with rank = sum_j C(c_j, j).
int StrikeSampler::sample_exhaustive(std::uint64_t rank, Scratch& s, int* out) const {
  int hi = n_;  // c_j < hi
  for (int j = kc_; j >= 1; --j) {
    int lo = j - 1, top = hi - 1;  // largest c in [lo, top] with C(c, j) <= rank
    while (lo < top) {
      const int mid = (lo + top + 1) / 2;
      if (binom(mid, j) <= rank) lo = mid;
      else top = mid - 1;
    }
    out[j - 1] = lo;
    rank -= binom(lo, j);
    hi = lo;
  }
  if (!complement_) return kc_;
  for (int j = 0; j < kc_; ++j) s.mark[out[j]] = 1;
  int m = 0;
  for (int t = 0; t < n_; ++t) {
    if (s.mark[t]) s.mark[t] = 0;
    else out[m++] = t;
  }
  return m;
}

}  // namespace sre
