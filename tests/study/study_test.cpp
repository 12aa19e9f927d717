// Monte Carlo engine: reproducibility, exhaustive enumeration, invariants
// on thousands of random scenarios, and statistics against the saved samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "io/input_error.hpp"
#include "topology/island_balancer.hpp"
#include "sampling/sample_rng.hpp"
#include "study/study.hpp"
#include "stats/summary.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

StudyOptions options(const std::string& case_name, const std::string& strike, int k, std::uint64_t samples) {
  StudyOptions o;
  o.case_path = test::data_path("cases/" + case_name + ".m");
  o.strike = strike;
  o.k = k;
  o.samples = samples;
  o.seed = 12345;
  return o;
}

TEST(Study, SameBitsOnAnyThreadCountAndSplit) {
  const Study study(resolve(options("pglib_opf_case118_ieee", "uniform", 3, 3000)));
  const RunOutput one = run_samples(study, 0, 3000, 1, false, nullptr, nullptr);
  const RunOutput two = run_samples(study, 0, 3000, 2, false, nullptr, nullptr);
  EXPECT_TRUE(one.tally == two.tally);
  // A split at a non-block boundary, merged, gives the same bits too.
  RunOutput a = run_samples(study, 0, 1111, 2, false, nullptr, nullptr);
  const RunOutput b = run_samples(study, 1111, 3000, 1, false, nullptr, nullptr);
  a.tally.merge(b.tally);
  EXPECT_TRUE(a.tally == one.tally);
}

TEST(Study, ExhaustiveK1EqualsTheMeanOverSingleBusStrikes) {
  const Study study(resolve(options("pglib_opf_case118_ieee", "exhaustive", 1, 0)));
  ASSERT_EQ(study.samples(), 118u);
  const RunOutput run = run_samples(study, 0, study.samples(), 2, false, nullptr, nullptr);
  const Summary s = summarize(run.tally, study.network().bus_demand_pos);
  SampleWorker w(study);
  double sum = 0.0, max = 0.0;
  for (int t = 0; t < study.targets().size(); ++t) {
    const int one[] = {t};
    const double shed = w.run_targets(one).shed_mw;
    sum += shed;
    max = std::max(max, shed);
    EXPECT_EQ(run.tally.target_destroyed[t], 1);
  }
  EXPECT_NEAR(s.shed_mw.mean, sum / 118.0, 1e-6);
  EXPECT_NEAR(s.shed_mw.max, max, 1e-6);
}

// Per-class budgets, exhaustive (model section 4): every (bus, branch) pair once, in the
// order r_bus + C_bus r_branch; any split into index ranges, merged, gives the same bits;
// the mean is that of evaluating every pair alone.
TEST(Study, ExhaustivePerClassBudgetsEnumerateEveryPairOnce) {
  StudyOptions o = options("pglib_opf_case14_ieee", "exhaustive", 0, 0);
  o.targets = "bus,branch,generator";
  o.response = "dc";
  parse_k("branch:1,bus:1", o);
  const Study study(resolve(o));
  const int nb = study.targets().class_size(TargetClass::kBus), nl = study.targets().class_size(TargetClass::kBranch);
  ASSERT_EQ(nb, 14);
  ASSERT_EQ(nl, 20);
  ASSERT_EQ(study.samples(), 280u);
  const RunOutput run = run_samples(study, 0, 280, 2, true, nullptr, nullptr);
  // Every bus with every branch: each bus target struck 20 times, each branch 14, no unit.
  for (int t = 0; t < study.targets().size(); ++t) {
    const std::int64_t expect = t < nb ? nl : t < nb + nl ? nb : 0;
    EXPECT_EQ(run.tally.target_struck[t], expect) << study.targets().name[t];
  }
  SampleWorker w(study);
  double sum = 0.0;
  for (std::size_t j = 0; j < run.samples.size(); ++j) {
    const std::uint64_t index = run.samples.index[j];
    const std::vector<int> struck(run.samples.struck_targets.begin() + run.samples.struck_offset[j],
                                  run.samples.struck_targets.begin() + run.samples.struck_offset[j + 1]);
    const std::vector<int> expect = {static_cast<int>(index % nb), nb + static_cast<int>(index / nb)};
    ASSERT_EQ(struck, expect) << "sample " << index;
    const double shed = w.run_targets(expect).shed_mw;
    ASSERT_EQ(shed, run.samples.shed_mw[j]) << "sample " << index;
    sum += shed;
  }
  const Summary s = summarize(run.tally, study.network().bus_demand_pos);
  EXPECT_NEAR(s.shed_mw.mean, sum / 280.0, 1e-6);
  // Shards at uneven boundaries, merged in any order, on other thread counts.
  RunOutput a = run_samples(study, 0, 97, 1, false, nullptr, nullptr);
  const RunOutput b = run_samples(study, 97, 201, 2, false, nullptr, nullptr);
  const RunOutput c = run_samples(study, 201, 280, 1, false, nullptr, nullptr);
  RunOutput whole = run_samples(study, 0, 280, 1, false, nullptr, nullptr);
  a.tally.merge(c.tally);
  a.tally.merge(b.tally);
  EXPECT_TRUE(a.tally == run.tally);
  EXPECT_TRUE(whole.tally == run.tally);
}

// Uniform and weighted per-class budgets at the study level: every sample strikes exactly
// k_c targets of each class, with the same bits on any thread count. (Computed weights are
// positive in some classes only: generation weighs buses with capacity and units.)
TEST(Study, PerClassBudgetsStrikeEachClassItsK) {
  for (const char* strike : {"uniform", "weighted"}) {
    const bool weighted = std::string(strike) == "weighted";
    StudyOptions o = options("pglib_opf_case30_ieee", strike, 0, 1200);
    o.targets = weighted ? "bus,generator" : "bus,branch,generator";
    o.weights = "generation";
    parse_k(weighted ? "bus:1,generator:2" : "bus:1,branch:2,generator:1", o);
    const Study study(resolve(o));
    const TargetSet& ts = study.targets();
    const RunOutput one = run_samples(study, 0, 1200, 1, true, nullptr, nullptr);
    const RunOutput two = run_samples(study, 0, 1200, 2, false, nullptr, nullptr);
    EXPECT_TRUE(one.tally == two.tally) << strike;
    const int want[kTargetClasses] = {1, weighted ? 0 : 2, weighted ? 2 : 1};
    for (std::size_t j = 0; j < one.samples.size(); ++j) {
      int per_class[kTargetClasses] = {0, 0, 0};
      for (std::uint64_t p = one.samples.struck_offset[j]; p < one.samples.struck_offset[j + 1]; ++p) {
        const int t = one.samples.struck_targets[p];
        ++per_class[static_cast<int>(ts.target_class[t])];
        if (weighted) { ASSERT_GT(study.weights()[t], 0.0) << ts.name[t]; }
      }
      for (int c = 0; c < kTargetClasses; ++c) ASSERT_EQ(per_class[c], want[c]) << strike << " sample " << j;
    }
  }
}

// Kirchhoff at every bus, balance per island, shed within [0, demand].
void check_invariants(const Network& net, const GridState& s, const SampleOutcome& o, bool flows) {
  ASSERT_GE(o.shed_mw, -1e-9);
  ASSERT_LE(o.shed_mw, net.total_demand_pos * (1 + 1e-12) + 1e-9);
  double served = 0.0;
  for (int k = 0; k < s.n_islands; ++k) {
    double sum = 0.0;
    for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
      const int i = s.island_buses[p];
      sum += s.injection_mw[i];
      served += net.bus_demand_pos[i] * s.island_served_ratio[k];
    }
    if (s.island_kind[k] == IslandKind::kLive) {
      ASSERT_NEAR(sum, 0.0, 1e-7 * std::max(1.0, s.island_demand[k])) << "island " << k;
    }
  }
  ASSERT_NEAR(o.shed_mw, net.total_demand_pos - served, 1e-6 * std::max(1.0, net.total_demand_pos));
  if (!flows) return;
  std::vector<double> out(net.n_bus(), 0.0);
  double scale = 1.0;
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!s.branch_alive[e]) {
      ASSERT_EQ(s.flow_mw[e], 0.0);
      continue;
    }
    out[net.br_from[e]] += s.flow_mw[e];
    out[net.br_to[e]] -= s.flow_mw[e];
    scale = std::max(scale, std::abs(s.flow_mw[e]));
  }
  for (int i = 0; i < net.n_bus(); ++i) {
    if (!s.bus_alive[i] || s.island_kind[s.island_of[i]] == IslandKind::kDead) {
      ASSERT_EQ(out[i], 0.0);
      continue;
    }
    ASSERT_NEAR(out[i], s.injection_mw[i], 1e-8 * scale) << "bus " << net.bus_id[i];
  }
}

class Invariants : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(Invariants, HoldOnThousandsOfRandomScenarios) {
  const auto& [name, solver] = GetParam();
  const int scenarios = name == "pglib_opf_case2383wp_k" ? 300 : 2000;
  StudyOptions o = options(name, "uniform", 1, scenarios);
  o.solver = solver;
  o.response = "dc";
  const Study dc(resolve(o));
  o.response = "cascade";
  const Study cascade(resolve(o));
  SampleWorker wd(dc), wc(cascade);
  SampleRng pick(77, 0, RngStream::kStrike);
  const int nt = dc.targets().size();
  std::vector<int> chosen;
  for (int n = 0; n < scenarios; ++n) {
    const int k = 1 + static_cast<int>(pick.below(std::min(30, nt)));
    chosen.clear();
    while (static_cast<int>(chosen.size()) < k) {
      const int t = static_cast<int>(pick.below(nt));
      if (std::find(chosen.begin(), chosen.end(), t) == chosen.end()) chosen.push_back(t);
    }
    std::sort(chosen.begin(), chosen.end());
    const SampleOutcome od = wd.run_targets(chosen);
    check_invariants(dc.network(), wd.evaluator().state(), od, true);
    const SampleOutcome oc = wc.run_targets(chosen);
    check_invariants(cascade.network(), wc.evaluator().state(), oc, true);
    // Trips only split islands further, and splitting never lowers the shed.
    ASSERT_GE(oc.shed_mw, od.shed_mw - 1e-6) << "scenario " << n;
    ASSERT_EQ(oc.n_overloaded_first, od.n_overloaded_first);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, Invariants,
                         ::testing::Combine(::testing::Values("case9", "pglib_opf_case14_ieee", "pglib_opf_case30_ieee",
                                                              "pglib_opf_case118_ieee", "pglib_opf_case300_ieee",
                                                              "pglib_opf_case2383wp_k"),
                                            ::testing::Values("reference", "fast")),
                         [](const auto& param_info) { return std::get<0>(param_info.param) + "_" + std::get<1>(param_info.param); });

TEST(Study, StatisticsMatchAnIndependentComputationFromTheSavedSamples) {
  StudyOptions o = options("pglib_opf_case118_ieee", "weighted", 4, 5000);
  o.weights = "demand";
  const Study study(resolve(o));
  const RunOutput run = run_samples(study, 0, 5000, 2, true, nullptr, nullptr);
  const SavedSamples& ss = run.samples;
  ASSERT_EQ(ss.size(), 5000u);
  for (std::size_t j = 0; j < ss.size(); ++j) ASSERT_EQ(ss.index[j], j);
  const Summary s = summarize(run.tally, study.network().bus_demand_pos);
  std::vector<double> x(ss.shed_mw);
  const double n = static_cast<double>(x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double var = 0.0;
  for (double v : x) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / (n - 1));
  EXPECT_NEAR(s.shed_mw.mean, mean, 1e-6);
  EXPECT_NEAR(s.shed_mw.std, sd, 1e-6);
  EXPECT_NEAR(s.shed_mw.stderr_, sd / std::sqrt(n), 1e-8);
  std::sort(x.begin(), x.end());
  EXPECT_NEAR(s.shed_mw.max, x.back(), 1e-6);
  for (std::size_t q = 0; q < s.shed_mw.quantile_levels.size(); ++q) {
    const double p = s.shed_mw.quantile_levels[q];
    const double truth = x[static_cast<std::size_t>(std::ceil(p * n - 1e-9)) - 1];
    EXPECT_NEAR(s.shed_mw.quantiles[q], truth, 1e-3 * truth + 1e-6) << "quantile " << p;
  }
  const double total = study.network().total_demand_pos;
  for (std::size_t j = 0; j < s.exceedance_levels.size(); ++j) {
    const double count = std::count_if(x.begin(), x.end(), [&](double v) { return v > s.exceedance_levels[j] * total; });
    EXPECT_DOUBLE_EQ(s.exceedance_probability[j], count / n);
  }
  // CVaR 90: mean of the worst 10 % (500 samples), exact for a tail of whole samples.
  const double cvar90 = std::accumulate(x.end() - 500, x.end(), 0.0) / 500.0;
  EXPECT_NEAR(s.shed_mw.cvar90, cvar90, 1e-3 * cvar90 + 1e-6);
  // Per-target counts and shed when destroyed.
  const int nt = study.targets().size();
  std::vector<double> dsum(nt, 0.0);
  std::vector<std::int64_t> dcount(nt, 0);
  for (std::size_t j = 0; j < ss.size(); ++j)
    for (std::uint64_t p = ss.destroyed_offset[j]; p < ss.destroyed_offset[j + 1]; ++p) {
      ++dcount[ss.destroyed_targets[p]];
      dsum[ss.destroyed_targets[p]] += ss.shed_mw[j];
    }
  for (int t = 0; t < nt; ++t) {
    ASSERT_EQ(s.target_destroyed[t], dcount[t]);
    if (dcount[t]) {
      EXPECT_NEAR(s.shed_mean_when_destroyed[t], dsum[t] / dcount[t], 1e-6);
    }
  }
}

TEST(Study, SavedSampleReEvaluatesToTheSameResult) {
  const Study study(resolve(options("pglib_opf_case118_ieee", "uniform", 5, 300)));
  const RunOutput run = run_samples(study, 0, 300, 2, true, nullptr, nullptr);
  SampleWorker w(study);
  for (std::size_t j = 0; j < run.samples.size(); j += 37) {
    std::vector<int> targets(run.samples.destroyed_targets.begin() + run.samples.destroyed_offset[j],
                             run.samples.destroyed_targets.begin() + run.samples.destroyed_offset[j + 1]);
    EXPECT_EQ(w.run_targets(targets).shed_mw, run.samples.shed_mw[j]);
  }
}

// Workers run four samples' backward solves together (BaseFactor::backward_batch); each
// sample's numbers must be those of evaluating it alone, bit for bit, whatever lane and
// batch it fell in (a start off a multiple of four regroups every batch).
TEST(Study, BatchedSamplesEqualOneAtATime) {
  for (const char* response : {"dc", "cascade"}) {
    StudyOptions o = options("pglib_opf_case2383wp_k", "uniform", 3, 150);
    o.response = response;
    o.dispatch = "case";
    const Study study(resolve(o));
    for (std::uint64_t begin : {0u, 3u}) {
      const RunOutput run = run_samples(study, begin, begin + 150, 1, true, nullptr, nullptr);
      SampleWorker w(study);
      ASSERT_EQ(run.samples.size(), 150u);
      for (std::size_t j = 0; j < run.samples.size(); ++j) {
        const SampleOutcome& alone = w.run(run.samples.index[j]);
        ASSERT_EQ(alone.shed_mw, run.samples.shed_mw[j]) << response << " sample " << run.samples.index[j];
        ASSERT_EQ(alone.max_loading_first, run.samples.max_loading_first[j]) << response << " sample " << run.samples.index[j];
        ASSERT_EQ(alone.n_tripped, run.samples.n_tripped[j]) << response << " sample " << run.samples.index[j];
      }
    }
  }
}

TEST(Study, DefenceInterceptsStrikes) {
  StudyOptions o = options("pglib_opf_case14_ieee", "uniform", 2, 2000);
  const Study open(resolve(o));
  const RunOutput a = run_samples(open, 0, 2000, 2, false, nullptr, nullptr);
  EXPECT_EQ(a.tally.intercepted_sum, 0);
  EXPECT_EQ(a.tally.destroyed_sum, 4000);
  // Same strikes with a full defence of every target: nothing is destroyed.
  const std::string plan = testing::TempDir() + "/full_defence.csv";
  {
    std::FILE* f = std::fopen(plan.c_str(), "w");
    std::fprintf(f, "target,intercept\n");
    for (const auto& name : open.targets().name) std::fprintf(f, "%s,1\n", name.c_str());
    std::fclose(f);
  }
  o.defence = plan;
  const Study defended(resolve(o));
  const RunOutput b = run_samples(defended, 0, 2000, 2, false, nullptr, nullptr);
  EXPECT_EQ(b.tally.destroyed_sum, 0);
  EXPECT_EQ(b.tally.intercepted_sum, 4000);
  EXPECT_EQ(b.tally.target_struck, a.tally.target_struck);  // the strikes themselves do not change
  EXPECT_EQ(b.tally.shed_max, 0);
}

TEST(Study, BadOptionsAreRefusedBeforeSampling) {
  EXPECT_THROW(Study(resolve(options("case9", "uniform", 10, 1))), InputError);   // k > targets
  EXPECT_THROW(Study(resolve(options("case9", "sideways", 1, 1))), InputError);  // unknown strike model
  StudyOptions o = options("case9", "independent", 1, 1);
  o.probability = 1.5;
  EXPECT_THROW(Study{resolve(o)}, InputError);
  o = options("case9", "uniform", 1, 1);
  o.response = "pray";
  EXPECT_THROW(Study{resolve(o)}, InputError);
  o = options("case9", "exhaustive", 2, 37);  // only 36 combinations
  EXPECT_THROW(Study{resolve(o)}, InputError);
}

}  // namespace
}  // namespace sre

namespace sre {
namespace {

TEST(Study, RedispatchVolumeIsTalliedAndSaved) {
  StudyOptions o = options("pglib_opf_case118_ieee", "uniform", 3, 300);
  o.response = "opf";
  const Study study(resolve(o));
  const RunOutput run = run_samples(study, 0, 300, 2, true, nullptr, nullptr);
  const Summary s = summarize(run.tally, study.network().bus_demand_pos);
  double sum = 0.0;
  for (double r : run.samples.redispatch_mw) sum += r;
  EXPECT_GT(sum, 0.0);  // case118 overloads often after three strikes: the operator redispatches
  EXPECT_NEAR(s.redispatch_mean_mw, sum / 300.0, 1e-6);
}

}  // namespace
}  // namespace sre
