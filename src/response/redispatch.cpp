// What the two forms of the re-dispatch LP share: writing a solution into the state,
// the tie rule, and the response stages `opf` and `operator` built on them.
#include "response/redispatch.hpp"

#include <algorithm>
#include <cmath>

namespace sre {

double tie_perturbation(std::uint64_t key) {
  // splitmix64: a fixed, well-mixed value per key, the top 53 bits as a fraction.
  std::uint64_t z = key + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

void Redispatch::apply(const Network& net, GridState& s, const std::uint8_t* need, const double* supply_mw,
                       const double* served_mw) {
  double shed = s.destroyed_demand;
  for (int k = 0; k < s.n_islands; ++k) {
    s.island_redispatched[k] = need[k];
    if (!need[k]) {
      shed += s.island_shed[k];
      continue;
    }
    double island_shed = 0.0;
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      const double d = net.bus_demand_pos[i];
      const double served = std::clamp(served_mw[i], 0.0, d);
      // A bus short by less than the LP's tolerance counts as served in full.
      s.bus_served_ratio[i] = d - served < 1e-9 ? 1.0 : served / d;
      s.injection_mw[i] = supply_mw[i] - served;
      island_shed += d - served;
    }
    if (island_shed < 1e-9) island_shed = 0.0;
    s.island_shed[k] = island_shed;
    s.island_served_ratio[k] = s.island_demand[k] > 0.0 ? (s.island_demand[k] - island_shed) / s.island_demand[k] : 1.0;
    shed += island_shed;
  }
  s.shed_mw = shed;
  s.any_redispatched = true;
  s.injection_by_rule = false;
}

namespace {

// Protection (or none), then the LP in every live island left with a branch above its
// normal limit L_e (+ the overload test's margins, tol 0).
class RedispatchStage final : public ResponseStage {
 public:
  RedispatchStage(std::unique_ptr<ResponseStage> protection, const ResponseOptions& options)
      : protection_(std::move(protection)), full_lp_(options.full_lp) {}

  void respond(EvalContext& ctx, SampleOutcome& out) override {
    protection_->respond(ctx, out);
    const BaseCase& base = ctx.base;
    const Network& net = *base.net;
    GridState& s = ctx.state;
    if (!redispatch_) {
      redispatch_ = full_lp_ ? make_full_redispatch(base) : make_reduced_redispatch(base);
      normal_mw_ = overload_thresholds(base, 0.0);
      above_.reserve(net.n_branch());
    }
    list_overloads(base, s, normal_mw_, above_);
    need_.assign(s.n_islands, 0);
    bool any = false;
    for (int e : above_) {
      const int k = s.island_of[net.br_from[e]];
      if (k >= 0 && s.island_kind[k] == IslandKind::kLive) need_[k] = any = true;
    }
    if (any) redispatch_->run(ctx, need_.data());
    out.redispatch_mw = redispatch_mw(net, s);
  }

 private:
  // Sum over alive buses of |supply - S0|, every island included (the proportional
  // rescaling of the islands the LP left alone counts as well).
  static double redispatch_mw(const Network& net, const GridState& s) {
    double sum = 0.0;
    const double* supply_base = s.supply_base(net);
    for (int k = 0; k < s.n_islands; ++k) {
      const bool own = s.any_redispatched && s.island_redispatched[k];
      for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
        const int i = s.island_buses[p];
        const double ratio = own ? s.bus_served_ratio[i] : s.island_served_ratio[k];
        sum += std::abs(s.injection_mw[i] + net.bus_demand_pos[i] * ratio - supply_base[i]);
      }
    }
    return sum;
  }

  std::unique_ptr<ResponseStage> protection_;
  bool full_lp_;
  std::unique_ptr<Redispatch> redispatch_;
  std::vector<double> normal_mw_;
  std::vector<int> above_;
  std::vector<std::uint8_t> need_;
};

}  // namespace

std::unique_ptr<ResponseStage> make_redispatch_stage(std::unique_ptr<ResponseStage> protection,
                                                     const ResponseOptions& options) {
  return std::make_unique<RedispatchStage>(std::move(protection), options);
}

}  // namespace sre
