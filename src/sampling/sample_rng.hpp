#pragma once
// The random stream of one sample: Philox4x32-10 (Random123) keyed by the study
// seed, with the sample index and a stream number in the counter. Sample i's
// draws are therefore a pure function of (seed, i, stream), whatever thread,
// shard or resume evaluates it (model.md section 8).
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace sre {

enum class RngStream : std::uint32_t {
  kStrike = 0,        // which targets are struck
  kInterception = 1,  // whether a defended target intercepts the strike
  // Campaigns (docs/campaign.md 7): sample = campaign index.
  kWaveTime = 2,           // gaps between waves (poisson)
  kWaveStrike = 3,         // which targets each wave strikes
  kWaveInterception = 4,   // whether a defended target intercepts a wave's strike
  kRepairTime = 5,         // repair times
};

class SampleRng {
 public:
  SampleRng(std::uint64_t seed, std::uint64_t sample, RngStream stream) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{static_cast<std::uint32_t>(sample), static_cast<std::uint32_t>(sample >> 32),
             static_cast<std::uint32_t>(stream), 0u}};
  }

  std::uint32_t next_u32() {
    if (used_ == 4) refill();
    return out_.v[used_++];
  }
  std::uint64_t next_u64() {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Standard normal (Box-Muller on two uniforms; written out so that every platform and
  // standard library draws the same numbers).
  double normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(6.283185307179586 * u2);
  }
  // Uniform integer in [0, n), n >= 1, without bias (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = -n % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next_u64()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  void refill() {
    out_ = r123::Philox4x32()(ctr_, key_);
    ++ctr_.v[3];
    used_ = 0;
  }
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type out_{};
  int used_ = 4;
};

}  // namespace sre
