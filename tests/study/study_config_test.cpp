// resolve(): option strings to a typed study configuration (enums, per-target vectors),
// located errors for bad files, interception probabilities set directly, and the study
// identity that resume and merge check.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "io/input_error.hpp"
#include "study/study.hpp"
#include "study/study_config.hpp"
#include "study/study_identity.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

StudyOptions case14(const std::string& strike, int k, std::uint64_t samples) {
  StudyOptions o;
  o.case_path = test::data_path("cases/pglib_opf_case14_ieee.m");
  o.strike = strike;
  o.k = k;
  o.samples = samples;
  o.seed = 777;
  o.dispatch = "case";
  return o;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

TEST(StudyConfig, ResolvesWordsToEnums) {
  StudyOptions o = case14("weighted", 2, 0);
  o.weights = "throughput";
  o.response = "cascade";
  o.rule = "worst";
  o.solver = "reference";
  o.dispatch = "dcopf";
  o.tol = 0.25;
  o.max_steps = 7;
  const StudyConfig c = resolve(o);
  EXPECT_EQ(c.strike, StrikeModel::kWeighted);
  EXPECT_EQ(c.weight_kind, WeightKind::kThroughput);
  EXPECT_TRUE(c.weights.empty());  // computed by the study from the dispatched flows
  EXPECT_EQ(c.response.kind, ResponseKind::kCascade);
  EXPECT_EQ(c.response.rule, CascadeRule::kWorst);
  EXPECT_EQ(c.response.tol, 0.25);
  EXPECT_EQ(c.response.max_steps, 7);
  EXPECT_TRUE(c.response.full_lp);
  EXPECT_EQ(c.solver, SolverKind::kReference);
  EXPECT_EQ(c.dispatch, Dispatch::kDcopf);
  EXPECT_EQ(c.k, 2);
  EXPECT_EQ(c.seed, 777u);
  EXPECT_EQ(c.samples, 100000u);  // the default
  ASSERT_NE(c.case_net, nullptr);
  EXPECT_EQ(c.targets.size(), 14);
  EXPECT_EQ(c.intercept, std::vector<double>(14, 0.0));
  EXPECT_EQ(c.given.weights, "throughput");  // the strings stay as given

  const StudyConfig e = resolve(case14("exhaustive", 2, 0));
  EXPECT_EQ(e.strike, StrikeModel::kExhaustive);
  EXPECT_EQ(e.samples, 91u);  // C(14, 2)

  StudyOptions ind = case14("independent", 1, 10);
  ind.probability = 0.2;
  const StudyConfig i = resolve(ind);
  EXPECT_EQ(i.strike, StrikeModel::kIndependent);
  EXPECT_EQ(i.probabilities, std::vector<double>(14, 0.2));

  EXPECT_EQ(parse_solver("fast"), SolverKind::kFast);
  EXPECT_EQ(parse_weight_kind("degree"), WeightKind::kDegree);
  EXPECT_EQ(parse_weight_kind("w.csv:col"), WeightKind::kPerTarget);
}

TEST(StudyConfig, RefusesBadWordsNamingTheOption) {
  auto message = [](StudyOptions o) -> std::string {
    try {
      resolve(o);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  StudyOptions o = case14("uniform", 1, 1);
  o.solver = "quick";
  EXPECT_EQ(message(o), "--solver 'quick': allowed values are fast, reference");
  o = case14("sideways", 1, 1);
  EXPECT_NE(message(o).find("sideways"), std::string::npos);
  o = case14("weighted", 1, 1);
  o.weights = "popularity";
  EXPECT_EQ(message(o), "--weights 'popularity': allowed values are degree, demand, generation, throughput or FILE.csv:COLUMN");
  o = case14("exhaustive", 2, 92);
  EXPECT_EQ(message(o), "--samples 92 exceeds the 91 combinations of the exhaustive study");
  o = case14("uniform", 1, 1);
  o.weights = "popularity";  // not read unless --strike weighted
  EXPECT_EQ(message(o), "(accepted)");
}

TEST(StudyConfig, LocatesErrorsInFiles) {
  // Line 3 names a target the study does not have.
  const std::string plan = write_file("bad_plan.csv", "target,intercept\n1,0.5\n99,0.5\n");
  StudyOptions o = case14("uniform", 2, 10);
  o.defence = plan;
  try {
    resolve(o);
    FAIL() << "accepted a plan with an unknown target";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), plan);
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(std::string(e.what()), plan + ":3: --defence: target '99' is not a target of this study (targets are bus)");
  }
  // A value that is not a number, on line 2 of a probabilities file.
  const std::string probs = write_file("bad_probabilities.csv", "target,p\n1,often\n");
  o = case14("independent", 1, 10);
  o.probabilities = probs + ":p";
  try {
    resolve(o);
    FAIL() << "accepted a probability that is not a number";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), probs);
    EXPECT_EQ(e.line(), 2);
  }
  // A probability out of range names the target.
  const std::string high = write_file("high_plan.csv", "target,intercept\n3,1.5\n");
  o = case14("uniform", 2, 10);
  o.defence = high;
  try {
    resolve(o);
    FAIL() << "accepted an interception probability above 1";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), high + ": --defence: interception probability of target '3' is outside [0, 1]");
  }
}

TEST(StudyConfig, InterceptionsSetDirectlyEqualThoseOfAPlanFile) {
  const std::string plan = write_file("plan.csv", "target,intercept\n2,0.9\n5,0.75\n9,1\n");
  StudyOptions o = case14("uniform", 3, 1500);
  o.response = "operator";
  StudyOptions with_file = o;
  with_file.defence = plan;
  const StudyConfig from_file = resolve(with_file);

  StudyConfig direct = resolve(o);
  direct.intercept[direct.targets.find("2")] = 0.9;
  direct.intercept[direct.targets.find("5")] = 0.75;
  direct.intercept[direct.targets.find("9")] = 1.0;
  EXPECT_EQ(direct.intercept, from_file.intercept);

  const Study a(from_file), b(direct);
  const RunOutput ra = run_samples(a, 0, 1500, 2, true, nullptr, nullptr);
  const RunOutput rb = run_samples(b, 0, 1500, 1, true, nullptr, nullptr);
  EXPECT_GT(ra.tally.intercepted_sum, 0);
  EXPECT_EQ(ra.tally.intercepted_sum, rb.tally.intercepted_sum);
  EXPECT_EQ(ra.tally.destroyed_sum, rb.tally.destroyed_sum);
  EXPECT_EQ(ra.samples.shed_mw, rb.samples.shed_mw);
  EXPECT_EQ(ra.samples.destroyed_targets, rb.samples.destroyed_targets);
}

TEST(StudyConfig, WeightsSetDirectlyEqualThoseOfAFile) {
  const std::string file = write_file("weights.csv", "target,w\n1,2.5\n4,1\n7,0.125\n11,3\n");
  StudyOptions o = case14("weighted", 2, 800);
  o.weights = file + ":w";
  const StudyConfig from_file = resolve(o);
  EXPECT_EQ(from_file.weight_kind, WeightKind::kPerTarget);

  StudyOptions plain = o;
  plain.strike = "uniform";
  StudyConfig direct = resolve(plain);
  direct.strike = StrikeModel::kWeighted;
  direct.weight_kind = WeightKind::kPerTarget;
  direct.weights.assign(direct.targets.size(), 0.0);
  direct.weights[direct.targets.find("1")] = 2.5;
  direct.weights[direct.targets.find("4")] = 1.0;
  direct.weights[direct.targets.find("7")] = 0.125;
  direct.weights[direct.targets.find("11")] = 3.0;
  EXPECT_EQ(direct.weights, from_file.weights);

  const Study a(from_file), b(direct);
  EXPECT_EQ(a.weights(), b.weights());
  const RunOutput ra = run_samples(a, 0, 800, 1, true, nullptr, nullptr);
  const RunOutput rb = run_samples(b, 0, 800, 1, true, nullptr, nullptr);
  EXPECT_EQ(ra.samples.struck_targets, rb.samples.struck_targets);
  EXPECT_EQ(ra.samples.shed_mw, rb.samples.shed_mw);
}

// --k per class (model section 3): parsed to the canonical order bus, branch, generator;
// budgets over the classes' ranges of the targets; refused when a class is absent, too
// small, given twice, or with --strike independent.
TEST(StudyConfig, PerClassBudgets) {
  auto k_error = [](const std::string& value) -> std::string {
    StudyOptions o;
    try {
      parse_k(value, o);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  StudyOptions o;
  parse_k("branch:1,gen:2,bus:3", o);
  EXPECT_EQ(o.k, 6);
  EXPECT_EQ(o.k_classes, "bus:3,branch:1,generator:2");
  parse_k("4", o);
  EXPECT_EQ(o.k, 4);
  EXPECT_EQ(o.k_classes, "");
  parse_k("generator:1", o);
  EXPECT_EQ(o.k, 1);
  EXPECT_EQ(o.k_classes, "generator:1");
  EXPECT_EQ(k_error("bus:0"), "--k bus:0: the budget of class bus must be a whole number from 1 to 1000000");
  EXPECT_EQ(k_error("bus:2,bus:1"), "--k bus:2,bus:1: class bus is given twice");
  EXPECT_NE(k_error("line:1").find("unknown target class 'line'"), std::string::npos);
  EXPECT_NE(k_error("bus:2,").find("'' is not CLASS:K"), std::string::npos);
  EXPECT_NE(k_error("bus:2,3").find("'3' is not CLASS:K"), std::string::npos);
  EXPECT_NE(k_error("bus:x").find("must be a whole number"), std::string::npos);
  EXPECT_NE(k_error("0").find("must be a whole number"), std::string::npos);

  // case14: 14 buses, 20 branches, 5 units (rows 1-5; every one with Pg >= 0).
  StudyOptions c = case14("exhaustive", 0, 0);
  c.targets = "generator,bus,branch";
  parse_k("branch:1,bus:1", c);
  const StudyConfig r = resolve(c);
  ASSERT_EQ(r.targets.class_begin, (std::array<int, 4>{0, 14, 34, 39}));
  ASSERT_EQ(r.budgets.size(), 2u);
  EXPECT_EQ(r.budgets[0].first, 0);
  EXPECT_EQ(r.budgets[0].count, 14);
  EXPECT_EQ(r.budgets[0].k, 1);
  EXPECT_EQ(r.budgets[1].first, 14);
  EXPECT_EQ(r.budgets[1].count, 20);
  EXPECT_EQ(r.budgets[1].k, 1);
  EXPECT_EQ(r.k, 2);
  EXPECT_EQ(r.samples, 14u * 20u);  // the product of C(14, 1) and C(20, 1)
  parse_k("generator:2,bus:1", c);
  EXPECT_EQ(resolve(c).samples, 14u * 10u);  // C(5, 2) = 10
  EXPECT_EQ(resolve(c).budgets[1].first, 34);

  auto message = [](const StudyOptions& opt) -> std::string {
    try {
      resolve(opt);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  StudyOptions absent = case14("uniform", 0, 10);
  absent.targets = "bus";
  parse_k("bus:1,branch:1", absent);
  EXPECT_EQ(message(absent),
            "--k bus:1,branch:1: the targets (--targets bus) have no branch class; add it to --targets (e.g. --targets "
            "bus,branch,generator)");
  StudyOptions big = case14("uniform", 0, 10);
  big.targets = "bus,generator";
  parse_k("generator:6", big);
  EXPECT_EQ(message(big), "--k generator:6: class generator has 5 targets, fewer than its budget 6");
  StudyOptions independent = case14("independent", 0, 10);
  independent.targets = "bus,branch";
  independent.probability = 0.1;
  parse_k("bus:1", independent);
  EXPECT_NE(message(independent).find("takes no k"), std::string::npos) << message(independent);
  StudyOptions too_many = case14("exhaustive", 0, 281);
  too_many.targets = "bus,branch";
  parse_k("bus:1,branch:1", too_many);
  EXPECT_EQ(message(too_many), "--samples 281 exceeds the 280 combinations of the exhaustive study");
}

TEST(StudyConfig, ResolveWithAGivenNetworkMatchesReadingTheCase) {
  const StudyOptions o = case14("uniform", 2, 10);
  const StudyConfig read = resolve(o);
  const StudyConfig given = resolve(o, read.case_net);
  EXPECT_EQ(given.targets.name, read.targets.name);
  EXPECT_EQ(given.case_net.get(), read.case_net.get());  // shared, not copied
}

TEST(StudyIdentity, NamesTheFirstDifference) {
  RunMetadata m;
  m.case_sha256 = "abc";
  m.config_ini = "# sre\ncase = x.m\nk = 3\nseed = 1\n";
  m.seed = 1;
  m.samples = 100;
  const StudyIdentity a = StudyIdentity::of(m);
  EXPECT_EQ(a.first_difference(a), StudyIdentity::Part::kNone);

  StudyIdentity b = a;
  b.case_sha256 = "abd";
  EXPECT_EQ(a.first_difference(b), StudyIdentity::Part::kCase);
  EXPECT_NE(a.key(), b.key());

  b = a;
  b.config_ini = "# sre\ncase = x.m\nk = 4\nseed = 1\n";
  EXPECT_EQ(a.first_difference(b), StudyIdentity::Part::kConfig);
  EXPECT_EQ(a.config_difference(b, "in this run", "in the checkpoint"), "k = 3 in this run, 4 in the checkpoint");
  b.config_ini = "# sre\ncase = x.m\nk = 3\nseed = 1\ndefence = p.csv\n";
  EXPECT_EQ(a.config_difference(b, "here", "there"), "defence = (not set) here, p.csv there");

  b = a;
  b.samples = 200;
  EXPECT_EQ(a.first_difference(b), StudyIdentity::Part::kSamples);
  EXPECT_EQ(a.key(), b.key());  // the sample count is part of config_ini in a real run
  b = a;
  b.seed = 2;
  EXPECT_EQ(a.first_difference(b), StudyIdentity::Part::kSeed);
}

}  // namespace
}  // namespace sre
