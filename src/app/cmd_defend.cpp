// sre defend: greedy defence planning with common random numbers (src/planning/defence_planner.hpp).
#include <cstdio>
#include <iostream>

#include "app/campaign_options.hpp"
#include "app/json_output.hpp"
#include "app/long_task.hpp"
#include "app/option_values.hpp"
#include "app/study_options.hpp"
#include "campaign/campaign_defence.hpp"
#include "planning/defence_planner.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"

namespace sre::cli {
namespace {

Json value_json(const ObjectiveValue& v) {
  Json j;
  j["value"] = v.value;
  j["ci95_low"] = v.ci95_low;
  j["ci95_high"] = v.ci95_high;
  return j;
}

std::vector<std::string> names_of(const TargetSet& ts, const std::vector<int>& targets) {
  std::vector<std::string> n;
  n.reserve(targets.size());
  for (int t : targets) n.push_back(ts.name[t]);
  return n;
}

// The greedy steps and the validation table as JSON; `prefix` is "mean_" where the
// objective's gains are in mean shed (sre defend), "" for a campaign's objective.
Json steps_json(const std::vector<DefenceStep>& steps, const std::string& prefix) {
  Json out = Json::array();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const DefenceStep& s = steps[i];
    Json j;
    j["step"] = i + 1;
    j["target"] = s.name;
    j["before"] = value_json(s.before);
    j["after"] = value_json(s.after);
    j["gain"] = s.gain;
    j[prefix + "gain_ci95_halfwidth"] = s.mean_gain_ci95_halfwidth;
    j["reevaluated"] = s.reevaluated;
    out.push_back(std::move(j));
  }
  return out;
}

Json validation_json(const TargetSet& ts, const std::vector<PlanScore>& validation, const std::string& prefix) {
  Json out = Json::array();
  for (const PlanScore& p : validation) {
    Json j;
    j["plan"] = p.plan;
    j["targets"] = names_of(ts, p.targets);
    j["objective"] = value_json(p.value);
    if (!prefix.empty()) j["mean_shed_mw"] = p.mean_shed_mw;
    j[prefix + "diff_vs_greedy"] = p.mean_diff_vs_greedy;
    j[prefix + "diff_ci95_halfwidth"] = p.mean_diff_ci95_halfwidth;
    out.push_back(std::move(j));
  }
  return out;
}

int defend_campaign(StudyOptions o, const CampaignOptions& co, const DefenceOptions& d, const std::string& objective,
                    const std::string& out_path, bool json) {
  CampaignDefenceOptions cd;
  cd.budget = d.budget;
  cd.intercept = d.intercept;
  cd.threads = d.threads;
  cd.objective = parse_campaign_objective(objective);
  check_output_path(out_path);
  if (o.samples == 0) o.samples = 200;
  const Study study(resolve(o));
  const CampaignConfig config = resolve_campaign(co, study.targets(), study.response());
  const TargetSet& ts = study.targets();
  if (!json) {
    std::printf("defend --campaign: budget %d, intercept %.3g, objective %s (mean per campaign), %llu selection "
                "campaigns of %d days (seed %llu)\n",
                cd.budget, cd.intercept, objective.c_str(), static_cast<unsigned long long>(study.samples()), co.days,
                static_cast<unsigned long long>(o.seed));
    std::printf("  %4s  %-14s  %-40s  %-40s  %12s  %s\n", "step", "target", "objective before [95% CI]",
                "objective after [95% CI]", "gain", "paired 95% CI");
    std::fflush(stdout);
    cd.on_step = [&](const DefenceStep& s) {
      static int step = 0;
      char before[80], after[80];
      std::snprintf(before, sizeof before, "%.4g [%.4g, %.4g]", s.before.value, s.before.ci95_low, s.before.ci95_high);
      std::snprintf(after, sizeof after, "%.4g [%.4g, %.4g]", s.after.value, s.after.ci95_low, s.after.ci95_high);
      std::printf("  %4d  %-14s  %-40s  %-40s  %12.4g  ± %.4g\n", ++step, s.name.c_str(), before, after, s.gain,
                  s.mean_gain_ci95_halfwidth);
      std::fflush(stdout);
    };
  }
  DefenceProgress progress;
  cd.progress = &progress;
  const CampaignDefencePlan plan = [&] {
    const LongTask task("defend", [&] {
      return "defend --campaign: step " + std::to_string(progress.step.load() + 1) + " of " +
             std::to_string(cd.budget) + ", " + std::to_string(progress.candidates_done.load()) + " of " +
             std::to_string(progress.candidates.load()) + " candidates judged";
    });
    return plan_campaign_defence(study, config, cd);
  }();
  write_defence_csv(out_path, ts, plan.targets, cd.intercept);
  if (json) {
    Json steps = steps_json(plan.steps, "");
    Json baselines = validation_json(ts, plan.validation, "");
    Json j;
    j["campaign"] = true;
    j["objective"] = objective;
    j["budget"] = cd.budget;
    j["intercept"] = cd.intercept;
    j["plan"] = names_of(ts, plan.targets);
    j["selection_campaigns"] = plan.selection_campaigns;
    j["selection_seed"] = plan.selection_seed;
    j["validation_campaigns"] = plan.validation_campaigns;
    j["validation_seed"] = plan.validation_seed;
    j["steps"] = std::move(steps);
    j["validation"] = std::move(baselines);
    j["evaluations"] = plan.evaluations;
    j["seconds"] = plan.seconds;
    j["out"] = out_path;
    std::cout << json_text(j) << "\n";
    return 0;
  }
  std::printf("\nvalidation on %llu fresh campaigns (seed %llu), objective %s:\n",
              static_cast<unsigned long long>(plan.validation_campaigns),
              static_cast<unsigned long long>(plan.validation_seed), objective.c_str());
  std::printf("  %-8s  %-36s  %-28s  %s\n", "plan", "objective [95% CI]", "vs greedy [paired 95% CI]", "targets");
  for (const PlanScore& p : plan.validation) {
    char v[80], diff[64];
    std::snprintf(v, sizeof v, "%.4g [%.4g, %.4g]", p.value.value, p.value.ci95_low, p.value.ci95_high);
    std::snprintf(diff, sizeof diff, "%+.4g ± %.4g", p.mean_diff_vs_greedy, p.mean_diff_ci95_halfwidth);
    std::string names;
    for (int t : p.targets) names += (names.empty() ? "" : ",") + ts.name[t];
    std::printf("  %-8s  %-36s  %-28s  %s\n", p.plan.c_str(), v, diff, names.c_str());
  }
  std::printf("\n  plan: %s (%llu campaigns evaluated, %.1f s)\n", out_path.c_str(),
              static_cast<unsigned long long>(plan.evaluations), plan.seconds);
  return 0;
}

}  // namespace

int cmd_defend(const std::vector<std::string>& args) {
  po::options_description study_desc(
      "study options (also accepted in --config FILE.ini as `name = value`). --defence is refused: sre defend\n"
      "chooses the plan itself (judge a plan with sre run --defence PLAN.csv or sre worst --defence PLAN.csv)");
  StudyOptions o;
  add_study_options(study_desc, o);
  po::options_description def_desc("defence options");
  std::string config, out_path, objective = "mean", attacker = "fixed";
  DefenceOptions d;
  bool json = false;
  def_desc.add_options()
      ("config", po::value(&config), "INI file of study options (configs/*.ini); the command line wins")
      ("budget", whole(&d.budget, "budget", 1, 1000000, false)->required(), "number of targets to defend")
      ("intercept", real(&d.intercept, "intercept", 0.0, 1.0),
       "probability that a defended target survives a strike on it (written to PLAN.csv)")
      ("objective", po::value(&objective)->default_value(objective),
       "what to minimise: mean (expected shed, MW), cvar90 | cvar99 (mean of the worst 10% | 1% of\n"
       "samples, MW), p_exceed:X (probability that more than fraction X of the demand is shed)")
      ("attacker", po::value(&attacker)->default_value(attacker),
       "fixed: strikes do not depend on the defence; weighted: the attacker strikes k targets in\n"
       "proportion to weights (--weights under --strike weighted, else equal), a defended target's weight\n"
       "multiplied by (1 - q) (slow: every candidate is a full re-run)")
      ("threads", whole(&d.threads, "threads", 0, 4096), "worker threads (0 = all cores); results do not depend on it")
      ("out", po::value(&out_path)->required(), "PLAN.csv to write (target,intercept; for `sre run --defence`)")
      ("json", po::bool_switch(&json), "print the steps and the baseline comparison as one JSON object");
  bool campaign = false;
  CampaignOptions co;
  po::options_description campaign_desc("campaign options (with --campaign; docs/campaign.md; also in --config)");
  campaign_desc.add_options()
      ("campaign", po::bool_switch(&campaign),
       "plan for a whole winter (sre campaign): judge plans by the mean over campaigns of --objective\n"
       "ens (energy not served, MWh), drains (heating-drain events) or hours_without_power (summed over\n"
       "buses); --samples counts campaigns (default 200)");
  add_campaign_options(campaign_desc, co);
  po::options_description config_desc;
  config_desc.add(study_desc).add(campaign_desc);
  po::options_description desc;
  desc.add(study_desc).add(campaign_desc).add(def_desc);
  po::variables_map vm;
  if (!parse_command_line("defend", "--case FILE [--config C.ini] --budget B --out PLAN.csv [options]",
                          "Choose B targets to defend, greedily, one at a time, to minimise an objective of the\n"
                          "load shed. Every candidate is judged on the same sampled strikes and interception draws\n"
                          "(common random numbers; --samples default 10000). The plan is then compared with the B\n"
                          "highest-degree and B highest-demand targets on fresh samples (seed + 1000003).",
                          desc, args, vm))
    return 0;
  apply_config_file(config_desc, vm, config);
  if (o.case_path.empty()) throw UsageError("--case is required (on the command line or in --config)");
  if (!o.defence.empty())
    throw UsageError("--defence " + o.defence +
                     ": sre defend chooses the defence plan itself and does not start from one; remove `defence` "
                     "from the command line or the --config file, and judge a plan with `sre run --defence PLAN.csv`");
  if (attacker != "fixed" && attacker != "weighted") throw UsageError("--attacker must be fixed or weighted");
  if (campaign) {
    if (objective == "mean") objective = "ens";
    if (attacker != "fixed")
      throw UsageError("--attacker weighted is not available with --campaign (waves strike by the study's model)");
    return defend_campaign(o, co, d, objective, out_path, json);
  }
  d.objective = parse_objective(objective);
  d.weighted_attacker = attacker == "weighted";
  check_output_path(out_path);

  StudyOptions so = o;
  if (so.samples == 0 && so.strike != "exhaustive") so.samples = 10000;
  const Study study(resolve(so));  // the study every candidate is judged on
  const TargetSet& ts = study.targets();
  if (!json) {
    std::printf("defend: budget %d, intercept %.3g, objective %s, attacker %s, %llu selection samples (seed %llu)\n",
                d.budget, d.intercept, objective.c_str(), attacker.c_str(), static_cast<unsigned long long>(study.samples()),
                static_cast<unsigned long long>(so.seed));
    std::printf("  %4s  %-14s  %-36s  %-36s  %10s  %s\n", "step", "target", "objective before [95% CI]", "objective after [95% CI]",
                "gain", "mean-shed gain (paired 95% CI)");
    std::fflush(stdout);
    d.on_step = [&](const DefenceStep& s) {
      static int step = 0;
      char before[64], after[64];
      std::snprintf(before, sizeof before, "%.4f [%.4f, %.4f]", s.before.value, s.before.ci95_low, s.before.ci95_high);
      std::snprintf(after, sizeof after, "%.4f [%.4f, %.4f]", s.after.value, s.after.ci95_low, s.after.ci95_high);
      std::printf("  %4d  %-14s  %-36s  %-36s  %10.4f  ± %.4f\n", ++step, s.name.c_str(), before, after, s.gain,
                  s.mean_gain_ci95_halfwidth);
      std::fflush(stdout);
    };
  }
  DefenceProgress progress;
  d.progress = &progress;
  const DefencePlan plan = [&] {
    const LongTask task("defend", [&] {
      return "defend: step " + std::to_string(progress.step.load() + 1) + " of " + std::to_string(d.budget) + ", " +
             std::to_string(progress.candidates_done.load()) + " of " + std::to_string(progress.candidates.load()) +
             " candidates judged";
    });
    return plan_defence(study, d);
  }();
  write_defence_csv(out_path, ts, plan.targets, d.intercept);

  if (json) {
    Json steps = steps_json(plan.steps, "mean_");
    Json baselines = validation_json(ts, plan.validation, "mean_");
    Json j;
    j["objective"] = objective;
    j["attacker"] = attacker;
    j["budget"] = d.budget;
    j["intercept"] = d.intercept;
    j["plan"] = names_of(ts, plan.targets);
    j["selection_samples"] = plan.selection_samples;
    j["selection_seed"] = plan.selection_seed;
    j["validation_samples"] = plan.validation_samples;
    j["validation_seed"] = plan.validation_seed;
    j["steps"] = std::move(steps);
    j["validation"] = std::move(baselines);
    j["evaluations"] = plan.evaluations;
    j["seconds"] = plan.seconds;
    j["out"] = out_path;
    std::cout << json_text(j) << "\n";
    return 0;
  }
  std::printf("\nvalidation on %llu fresh samples (seed %llu), objective %s:\n",
              static_cast<unsigned long long>(plan.validation_samples), static_cast<unsigned long long>(plan.validation_seed),
              objective.c_str());
  std::printf("  %-8s  %-30s  %12s  %-26s  %s\n", "plan", "objective [95% CI]", "mean shed MW", "mean vs greedy [95% CI]", "targets");
  for (const PlanScore& p : plan.validation) {
    char v[64], diff[64];
    std::snprintf(v, sizeof v, "%.4f [%.4f, %.4f]", p.value.value, p.value.ci95_low, p.value.ci95_high);
    std::snprintf(diff, sizeof diff, "%+.4f ± %.4f", p.mean_diff_vs_greedy, p.mean_diff_ci95_halfwidth);
    std::string names;
    for (int t : p.targets) names += (names.empty() ? "" : ",") + ts.name[t];
    std::printf("  %-8s  %-30s  %12.4f  %-26s  %s\n", p.plan.c_str(), v, p.mean_shed_mw, diff, names.c_str());
  }
  std::printf("\n  plan: %s (%llu evaluations, %.1f s)\n", out_path.c_str(), static_cast<unsigned long long>(plan.evaluations),
              plan.seconds);
  return 0;
}

}  // namespace sre::cli
