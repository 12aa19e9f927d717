// Planner toolkit: worst-case search against exhaustive enumeration, the greedy
// defence planner (monotone steps; incremental evaluation equal to a full run),
// objectives and target ranking.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "planning/defence_planner.hpp"
#include "stats/summary.hpp"
#include "planning/worst_case_search.hpp"
#include "io/input_error.hpp"

namespace sre {
namespace {

std::string case_path(const std::string& name) { return std::string(SRE_DATA_DIR) + "/cases/" + name + ".m"; }

StudyOptions options_for(const std::string& name) {
  StudyOptions o;
  o.case_path = case_path(name);
  return o;
}

class WorstEqualsExhaustive : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(WorstEqualsExhaustive, MaximumMatchesExhaustiveRun) {
  const auto [name, k] = GetParam();
  StudyOptions o = options_for(name);
  o.strike = "exhaustive";
  o.k = k;
  const Study exhaustive(resolve(o));
  const RunOutput run = run_samples(exhaustive, 0, exhaustive.samples(), 0, false, nullptr, nullptr);

  WorstCaseOptions w;
  w.k = k;
  const WorstCaseResult r = find_worst_strikes(exhaustive, w);
  ASSERT_TRUE(r.exhaustive);
  ASSERT_FALSE(r.best.empty());
  EXPECT_EQ(r.evaluations, exhaustive.samples());
  EXPECT_EQ(Tally::to_fixed(r.best.front().shed_mw), run.tally.shed_max);
  EXPECT_EQ(static_cast<int>(r.best.front().targets.size()), k);
  for (std::size_t i = 1; i < r.best.size(); ++i) EXPECT_GE(r.best[i - 1].shed_mw, r.best[i].shed_mw);

  // The heuristic never claims more than the true maximum, and its claim is a real set's shed.
  w.exhaustive_limit = 0;
  w.restarts = 3;
  const WorstCaseResult h = find_worst_strikes(exhaustive, w);
  ASSERT_FALSE(h.exhaustive);
  ASSERT_FALSE(h.best.empty());
  EXPECT_LE(Tally::to_fixed(h.best.front().shed_mw), run.tally.shed_max);
  SampleWorker worker(exhaustive);
  EXPECT_EQ(worker.run_targets(h.best.front().targets).shed_mw, h.best.front().shed_mw);
}

INSTANTIATE_TEST_SUITE_P(SmallCases, WorstEqualsExhaustive,
                         ::testing::Combine(::testing::Values("pglib_opf_case14_ieee", "pglib_opf_case30_ieee"),
                                            ::testing::Values(1, 2, 3)));

// Worst-case search under every response and base dispatch, on 8 threads: the same
// answer as one thread and as the exhaustive run (each thread's scorer is its own).
class WorstUnderResponse : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(WorstUnderResponse, ExhaustiveMatchesRunOnAnyThreadCount) {
  const auto [response, dispatch] = GetParam();
  StudyOptions o = options_for("case39");
  o.strike = "exhaustive";
  o.k = 2;
  o.response = response;
  o.dispatch = dispatch;
  const Study study(resolve(o));
  const RunOutput run = run_samples(study, 0, study.samples(), 2, false, nullptr, nullptr);
  WorstCaseOptions w;
  w.k = 2;
  w.keep = 20;
  w.threads = 1;
  const WorstCaseResult one = find_worst_strikes(study, w);
  w.threads = 8;  // more threads than cores: more interleaving
  const WorstCaseResult two = find_worst_strikes(study, w);
  ASSERT_TRUE(two.exhaustive);
  EXPECT_EQ(Tally::to_fixed(two.best.front().shed_mw), run.tally.shed_max);
  ASSERT_EQ(one.best.size(), two.best.size());
  for (std::size_t i = 0; i < one.best.size(); ++i) {
    EXPECT_EQ(one.best[i].targets, two.best[i].targets) << i;
    EXPECT_EQ(one.best[i].shed_mw, two.best[i].shed_mw) << i;
  }
  EXPECT_EQ(two.scenarios, two.evaluations);  // no defence: one scenario per set
}

INSTANTIATE_TEST_SUITE_P(ResponsesAndDispatches, WorstUnderResponse,
                         ::testing::Combine(::testing::Values("topology", "cascade", "opf", "operator"),
                                            ::testing::Values("case", "scopf")));

// A set's score against a defence: the expected shed over its members' interception outcomes.
TEST(StrikeSetScorer, ExpectedShedOverInterceptionOutcomes) {
  StudyOptions o = options_for("case39");
  o.k = 2;
  StudyConfig c = resolve(o);
  const Study plain(c);
  SampleWorker worker(plain);
  auto target = [&](const std::string& name) {
    const auto& n = plain.targets().name;
    return static_cast<int>(std::find(n.begin(), n.end(), name) - n.begin());
  };
  const int a = target("6"), b = target("39"), d = target("21");
  ASSERT_LT(std::max({a, b, d}), plain.targets().size());
  const std::vector<int> ab{a, b}, only_a{a}, only_b{b}, none{}, ad{a, d}, bd{b, d}, only_d{d};
  auto shed = [&](const std::vector<int>& s) { return worker.run_targets(s).shed_mw; };
  const double s_ab = shed(ab), s_a = shed(only_a), s_b = shed(only_b), s_none = shed(none);
  ASSERT_GT(s_ab, s_a);
  ASSERT_GT(s_ab, s_b);

  StrikeSetScorer undefended(plain);
  EXPECT_EQ(undefended.score(ab), s_ab);
  EXPECT_EQ(undefended.scenarios(), 1u);

  c.intercept[a] = 0.5;   // a survives half the strikes on it
  c.intercept[b] = 0.25;  // b a quarter
  c.intercept[d] = 1.0;   // d every one
  const Study defended(c);
  StrikeSetScorer scorer(defended);
  // Both intercepted 0.5 x 0.25; a destroyed alone 0.5 x 0.25; b alone 0.5 x 0.75; both 0.5 x 0.75.
  const double expected = 0.125 * s_none + 0.125 * s_a + 0.375 * s_b + 0.375 * s_ab;
  EXPECT_NEAR(scorer.score(ab), expected, 1e-9 * expected);
  EXPECT_EQ(scorer.scenarios(), 4u);
  EXPECT_EQ(scorer.score(ad), 0.5 * s_none + 0.5 * s_a);  // d never destroyed
  EXPECT_EQ(scorer.score(bd), 0.25 * s_none + 0.75 * s_b);
  EXPECT_EQ(scorer.score(only_d), s_none);
  EXPECT_EQ(scorer.scenarios(), 4u + 2 + 2 + 1);
}

// Intercept 1 (or 0) everywhere: the worst case equals the defended exhaustive run's maximum
// (every interception draw is then decided), and differs from the undefended one.
TEST(WorstCaseSearch, FullDefenceMatchesDefendedExhaustiveRun) {
  StudyOptions o = options_for("case39");
  o.strike = "exhaustive";
  o.k = 2;
  WorstCaseOptions w;
  w.k = 2;
  w.threads = 2;
  const Study plain(resolve(o));
  const WorstCaseResult undefended = find_worst_strikes(plain, w);
  StudyConfig c = resolve(o);
  for (int t : undefended.best.front().targets) c.intercept[t] = 1.0;  // the worst set's members
  const Study defended(c);
  const RunOutput run = run_samples(defended, 0, defended.samples(), 2, false, nullptr, nullptr);
  const WorstCaseResult r = find_worst_strikes(defended, w);
  EXPECT_EQ(Tally::to_fixed(r.best.front().shed_mw), run.tally.shed_max);
  EXPECT_LT(r.best.front().shed_mw, undefended.best.front().shed_mw);
  EXPECT_EQ(r.scenarios, r.evaluations);
}

// Per-class budgets: the exhaustive search enumerates the study's product of combinations;
// the heuristic fills every class's budget; a --k other than the budgets' sum is refused.
TEST(WorstCaseSearch, PerClassBudgets) {
  StudyOptions o = options_for("case9");
  o.targets = "bus,branch";
  o.strike = "exhaustive";
  parse_k("bus:1,branch:2", o);
  const Study study(resolve(o));
  const RunOutput run = run_samples(study, 0, study.samples(), 2, false, nullptr, nullptr);
  WorstCaseOptions w;
  w.k = 3;
  w.threads = 2;
  const WorstCaseResult r = find_worst_strikes(study, w);
  ASSERT_TRUE(r.exhaustive);
  EXPECT_EQ(r.evaluations, study.samples());
  EXPECT_EQ(Tally::to_fixed(r.best.front().shed_mw), run.tally.shed_max);
  w.exhaustive_limit = 0;
  w.restarts = 3;
  const WorstCaseResult h = find_worst_strikes(study, w);
  ASSERT_FALSE(h.best.empty());
  const TargetSet& ts = study.targets();
  for (const WorstSet& s : h.best) {
    ASSERT_EQ(s.targets.size(), 3u);
    EXPECT_EQ(std::count_if(s.targets.begin(), s.targets.end(),
                            [&](int t) { return ts.target_class[t] == TargetClass::kBranch; }),
              2);
  }
  w.k = 2;
  EXPECT_THROW(find_worst_strikes(study, w), InputError);
}

TEST(WorstCaseSearch, RefusesSetsWithTooManyPartlyDefendedMembers) {
  StudyOptions o = options_for("case39");
  o.k = kMaxPartlyDefendedMembers + 1;
  StudyConfig c = resolve(o);
  for (int t = 0; t <= kMaxPartlyDefendedMembers; ++t) c.intercept[t] = 0.5;
  const Study study(c);
  WorstCaseOptions w;
  w.k = o.k;
  try {
    find_worst_strikes(study, w);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("use intercept 0 or 1 for more targets, or a smaller --k"), std::string::npos)
        << e.what();
  }
}

TEST(DefencePlanner, GreedyStepsReduceObjectiveAndMatchFullRun) {
  StudyOptions o = options_for("pglib_opf_case30_ieee");
  o.k = 3;
  o.samples = 1500;
  o.seed = 7;
  DefenceOptions d;
  d.budget = 3;
  d.intercept = 0.9;
  d.validate = true;
  d.threads = 2;
  const DefencePlan plan = plan_defence(Study(resolve(o)), d);
  ASSERT_EQ(plan.steps.size(), 3u);
  EXPECT_LT(plan.steps.front().after.value, plan.steps.front().before.value);
  for (const DefenceStep& s : plan.steps) {
    EXPECT_LE(s.after.value, s.before.value) << s.name;
    EXPECT_NEAR(s.gain, s.before.value - s.after.value, 1e-12);
  }
  for (std::size_t i = 1; i < plan.steps.size(); ++i) EXPECT_EQ(plan.steps[i].before.value, plan.steps[i - 1].after.value);

  // Incremental evaluation == a full `sre run --defence PLAN.csv` with the same seed.
  const std::vector<double> full = evaluate_defence_full(resolve(o), plan.targets, d.intercept, false, 1);
  ASSERT_EQ(full.size(), plan.selection_shed_mw.size());
  for (std::size_t j = 0; j < full.size(); ++j) ASSERT_EQ(full[j], plan.selection_shed_mw[j]) << "sample " << j;

  const std::string csv = (std::filesystem::temp_directory_path() / ("planner_test_" + std::to_string(getpid()) + ".csv")).string();
  {
    const Study plain(resolve(o));
    write_defence_csv(csv, plain.targets(), plan.targets, d.intercept);
  }
  StudyOptions od = o;
  od.defence = csv;
  const Study defended(resolve(od));
  const RunOutput run = run_samples(defended, 0, defended.samples(), 2, false, nullptr, nullptr);
  const Summary sum = summarize(run.tally, defended.network().bus_demand_pos);
  EXPECT_EQ(sum.shed_mw.mean, plan.steps.back().after.value);
  EXPECT_EQ(sum.shed_mw.mean, evaluate_objective(d.objective, plan.selection_shed_mw, defended.network().total_demand_pos).value);
  std::filesystem::remove(csv);

  ASSERT_EQ(plan.validation.size(), 4u);
  EXPECT_EQ(plan.validation[0].plan, "none");
  EXPECT_EQ(plan.validation[1].plan, "greedy");
  EXPECT_EQ(plan.validation[1].mean_diff_vs_greedy, 0.0);
  EXPECT_LT(plan.validation[1].value.value, plan.validation[0].value.value);
  EXPECT_EQ(plan.validation_seed, o.seed + kValidationSeedOffset);
}

TEST(DefencePlanner, CvarObjectiveStepsAreMonotone) {
  StudyOptions o = options_for("pglib_opf_case14_ieee");
  o.k = 2;
  o.samples = 800;
  DefenceOptions d;
  d.budget = 2;
  d.intercept = 1.0;
  d.objective = parse_objective("cvar90");
  d.validate = false;
  const DefencePlan plan = plan_defence(Study(resolve(o)), d);
  ASSERT_EQ(plan.steps.size(), 2u);
  for (const DefenceStep& s : plan.steps) EXPECT_LE(s.after.value, s.before.value);
  const std::vector<double> full = evaluate_defence_full(resolve(o), plan.targets, d.intercept, false, 1);
  EXPECT_EQ(full, plan.selection_shed_mw);
}

TEST(DefencePlanner, WeightedAttackerRuns) {
  StudyOptions o = options_for("pglib_opf_case14_ieee");
  o.k = 2;
  o.samples = 200;
  DefenceOptions d;
  d.budget = 1;
  d.weighted_attacker = true;
  d.validate = false;
  const DefencePlan plan = plan_defence(Study(resolve(o)), d);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_LE(plan.steps[0].after.value, plan.steps[0].before.value);
}

TEST(Objective, ParsesAndEvaluates) {
  EXPECT_EQ(parse_objective("mean").kind, ObjectiveKind::kMean);
  EXPECT_EQ(parse_objective("cvar99").alpha, 0.99);
  EXPECT_EQ(parse_objective("p_exceed:0.1").threshold, 0.1);
  EXPECT_ANY_THROW(parse_objective("p_exceed:x"));
  EXPECT_ANY_THROW(parse_objective("median"));
  std::vector<double> x(100);
  for (int i = 0; i < 100; ++i) x[i] = i;  // 0..99
  EXPECT_NEAR(evaluate_objective(parse_objective("mean"), x, 100).value, 49.5, 1e-9);
  // cvar90: VaR = 89 (90th of 100), CVaR = 89 + (1+...+10)/10 = 94.5 = mean of the top 10.
  EXPECT_NEAR(evaluate_objective(parse_objective("cvar90"), x, 100).value, 94.5, 1e-9);
  EXPECT_NEAR(evaluate_objective(parse_objective("p_exceed:0.5"), x, 100).value, 0.49, 1e-12);
}

TEST(Rank, OrderAndOverlapFlags) {
  const std::vector<std::string> names = {"a", "b", "c", "d", "e"};
  const std::vector<double> v = {1.0, 5.0, 4.5, NAN, 2.0};
  const std::vector<double> lo = {0.5, 4.8, 4.0, NAN, 1.9};
  const std::vector<double> hi = {1.5, 5.2, 4.9, NAN, 2.1};
  const std::vector<RankRow> r = rank_targets(names, v, lo, hi);
  ASSERT_EQ(r.size(), 4u);  // NaN value left out
  EXPECT_EQ(r[0].name, "b");
  EXPECT_EQ(r[1].name, "c");
  EXPECT_EQ(r[2].name, "e");
  EXPECT_EQ(r[3].name, "a");
  EXPECT_TRUE(r[0].overlap_below);   // [4.8,5.2] vs [4.0,4.9]
  EXPECT_TRUE(r[1].overlap_above);
  EXPECT_FALSE(r[1].overlap_below);  // [4.0,4.9] vs [1.9,2.1]
  EXPECT_FALSE(r[2].overlap_below);  // [1.9,2.1] vs [0.5,1.5]
  EXPECT_FALSE(r[0].overlap_above);
  EXPECT_FALSE(r[3].overlap_below);
}

}  // namespace
}  // namespace sre
