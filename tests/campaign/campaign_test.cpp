// Winter campaigns (docs/campaign.md): the engine's interval walk against the simple path
// of campaign_reference.hpp (every hour evaluated afresh, the schedule simulated hour by
// hour), hand-checked campaigns on a tiny network, and the schedule's properties over
// many draws.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "campaign/campaign_config.hpp"
#include "campaign/campaign_record.hpp"
#include "campaign/campaign_schedule.hpp"
#include "campaign/campaign_worker.hpp"
#include "campaign_reference.hpp"
#include "study/study.hpp"
#include "study/study_config.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

namespace fs = std::filesystem;
using test::CampaignEvents;
using test::ReferenceCampaign;
using test::ReferenceCampaignPath;

// ---------------------------------------------------------------------------
// Helpers

StudyOptions study_options(const std::string& case_name, const std::string& targets, const std::string& response,
                           int k = 2) {
  StudyOptions o;
  o.case_path = test::data_path("cases/" + case_name + ".m");
  o.targets = targets;
  o.response = response;
  o.dispatch = "dcopf";
  o.k = k;
  o.samples = 20;
  o.seed = 2024;
  return o;
}

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("sre_campaign_test_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// A replay file of (hour, target index) rows, with the study's target names.
std::string write_waves(const TempDir& dir, const std::string& name, const TargetSet& targets,
                        const std::vector<std::pair<int, int>>& rows) {
  const std::string path = dir.file(name);
  std::ofstream f(path);
  f << "hour,target\n";
  for (const auto& [h, t] : rows) f << h << "," << targets.name[t] << "\n";
  return path;
}

std::string figure_list(const CampaignRecord& r) {
  std::ostringstream s;
  s.precision(12);
  for (int f = 0; f < kCampaignFigures; ++f) s << " " << kCampaignFigureNames[f] << "=" << r.figure[f];
  return s.str();
}

bool close_rel(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)});
}

// Fast (engine) against simple (reference): energies to 1e-9 relative, counts exactly,
// per-bus hours and per-hour fractions to 1e-9.
void expect_same_record(const CampaignRecord& fast, const CampaignRecord& ref) {
  SCOPED_TRACE("fast:" + figure_list(fast) + "\nref: " + figure_list(ref));
  using F = CampaignFigure;
  for (F f : {F::ens_mwh, F::ens_fraction, F::peak_shed_mw})
    EXPECT_TRUE(close_rel(fast[f], ref[f], 1e-9))
        << kCampaignFigureNames[static_cast<int>(f)] << ": fast " << fast[f] << " ref " << ref[f];
  for (F f : {F::hours_shed, F::hours_shed_10, F::drain_events, F::buses_drained, F::hours_split,
              F::targets_destroyed, F::restored_hour})
    EXPECT_EQ(fast[f], ref[f]) << kCampaignFigureNames[static_cast<int>(f)];
  ASSERT_EQ(fast.bus_hours_without_power.size(), ref.bus_hours_without_power.size());
  int bad = 0;
  for (std::size_t i = 0; i < ref.bus_hours_without_power.size() && bad < 5; ++i)
    if (!close_rel(fast.bus_hours_without_power[i], ref.bus_hours_without_power[i], 1e-9)) {
      ADD_FAILURE() << "bus " << i << " hours without power: fast " << fast.bus_hours_without_power[i] << " ref "
                    << ref.bus_hours_without_power[i];
      ++bad;
    }
  EXPECT_EQ(fast.bus_drain_events, ref.bus_drain_events);
  ASSERT_EQ(fast.hour_served_fraction.size(), ref.hour_served_fraction.size());
  bad = 0;
  for (std::size_t t = 0; t < ref.hour_served_fraction.size() && bad < 5; ++t)
    if (!(std::abs(fast.hour_served_fraction[t] - ref.hour_served_fraction[t]) <= 1e-9)) {
      ADD_FAILURE() << "hour " << t << " served fraction: fast " << fast.hour_served_fraction[t] << " ref "
                    << ref.hour_served_fraction[t];
      ++bad;
    }
  EXPECT_EQ(fast.hour_wave, ref.hour_wave);
  EXPECT_EQ(fast.target_destroyed, ref.target_destroyed);
  EXPECT_EQ(fast.target_hours_destroyed, ref.target_hours_destroyed);
}

// The engine's schedule against the simulated one: destructions (target, hour, R, start,
// end) and the destroyed set of every hour (from the epochs).
void expect_same_schedule(const CampaignSchedule& s, const ReferenceCampaign& ref, int H) {
  ASSERT_EQ(s.destructions.size(), ref.destructions.size());
  for (std::size_t j = 0; j < ref.destructions.size(); ++j) {
    const auto &a = s.destructions[j], &b = ref.destructions[j];
    SCOPED_TRACE("destruction " + std::to_string(j));
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.hour, b.hour);
    EXPECT_EQ(a.repair_hours, b.repair_hours);
    EXPECT_EQ(a.start, b.start);
    EXPECT_EQ(a.end, b.end);
  }
  ASSERT_GE(s.n_epochs(), 1);
  EXPECT_EQ(s.epoch_hour[0], 0);
  int bad = 0;
  for (int j = 0; j < s.n_epochs() && bad < 3; ++j) {
    const int from = s.epoch_hour[j], to = j + 1 < s.n_epochs() ? s.epoch_hour[j + 1] : H;
    EXPECT_LT(from, to) << "epochs ascending";
    const std::vector<int> set(s.epoch_targets.begin() + s.epoch_offset[j], s.epoch_targets.begin() + s.epoch_offset[j + 1]);
    for (int t = from; t < to && t < H; ++t)
      if (set != ref.destroyed_at[t]) {
        ADD_FAILURE() << "hour " << t << ": epoch " << j << "'s destroyed set differs from the simulated one";
        ++bad;
        break;
      }
  }
}

struct Built {
  std::unique_ptr<Study> study;
  std::unique_ptr<CampaignStudy> cs;
};

Built build(const StudyOptions& so, const CampaignOptions& co) {
  Built b;
  b.study = std::make_unique<Study>(resolve(so));
  b.cs = std::make_unique<CampaignStudy>(*b.study, resolve_campaign(co, b.study->targets(), b.study->response()));
  return b;
}

// ---------------------------------------------------------------------------
// (i) Replayed campaigns with deterministic repairs: fast against simple.

struct ReplayCase {
  std::string name, case_name, targets, response, steady;
  double tol = 0.5;
  int crews = 0, transient = 4, days = 5;
  std::string profile = "winter", repair = "1:0";
};

void PrintTo(const ReplayCase& c, std::ostream* os) { *os << c.name; }

class ReplayAgrees : public ::testing::TestWithParam<ReplayCase> {};

TEST_P(ReplayAgrees, FastEqualsSimplePath) {
  const ReplayCase& c = GetParam();
  StudyOptions so = study_options(c.case_name, c.targets, c.response);
  so.tol = c.tol;
  const Study study(resolve(so));
  const TargetSet& targets = study.targets();
  const int nt = targets.size();
  ASSERT_GE(nt, 6);
  // Targets spread over the list (so a union of classes sees each class).
  const auto T = [&](int j) { return ((j * nt) / 8 + (j % 3)) % nt; };
  TempDir dir;
  // Wave 0 destroys three; wave 10 lists a destroyed one again (not struck twice) and a new
  // one; the later waves re-strike targets after their repair, and two waves share an
  // hour in the file (merged).
  const int H = 24 * c.days;
  std::vector<std::pair<int, int>> rows = {{0, T(0)}, {0, T(1)}, {0, T(2)}, {10, T(0)}, {10, T(3)},
                                           {50, T(0)}, {51, T(4)}, {51, T(1)}, {H - 30, T(2)}, {H - 30, T(5)},
                                           {H - 30, T(6)}, {H - 3, T(7)}, {H + 5, T(3)}};
  CampaignOptions co;
  co.days = c.days;
  co.demand_profile = c.profile;
  co.waves = write_waves(dir, "waves.csv", targets, rows);
  co.repair_days = c.repair;
  co.crews = c.crews;
  co.transient_hours = c.transient;
  co.steady_response = c.steady;
  const CampaignStudy cs(study, resolve_campaign(co, targets, study.response()));
  ASSERT_EQ(cs.config().replay.size(), 6u);  // hour H + 5 dropped, rows of one hour merged

  ReferenceCampaignPath simple(study, cs.config());
  const ReferenceCampaign ref = simple.run(test::events_from_config(cs.config()));
  EXPECT_TRUE(ref.errors.empty()) << ref.errors.front();
  // Re-strikes happened (the test covers them): some target destroyed twice.
  EXPECT_GT(*std::max_element(ref.record.target_destroyed.begin(), ref.record.target_destroyed.end()), 1);

  if (std::getenv("SRE_CAMPAIGN_TEST_VERBOSE")) std::printf("%s:%s\n", c.name.c_str(), figure_list(ref.record).c_str());
  CampaignWorker w(cs);
  const CampaignRecord& fast = w.run(0);
  {
    SCOPED_TRACE("schedule");
    expect_same_schedule(w.schedule(), ref, H);
  }
  expect_same_record(fast, ref.record);
  // The same from the schedule given.
  const CampaignSchedule s = w.schedule();
  const CampaignRecord again = w.evaluate(s);
  expect_same_record(again, ref.record);
}

std::vector<ReplayCase> replay_cases() {
  std::vector<ReplayCase> v;
  auto add = [&](ReplayCase c) { v.push_back(std::move(c)); };
  add({"c30_topology_topology_unlimited", "pglib_opf_case30_ieee", "bus", "topology", "topology", 0.5, 0, 4, 5});
  add({"c30_dc_topology_crews1_t0_flat", "pglib_opf_case30_ieee", "bus", "dc", "topology", 0.5, 1, 0, 5, "flat"});
  add({"c30_cascade_opf_crews2", "pglib_opf_case30_ieee", "bus", "cascade", "opf", 0.0, 2, 4, 5});
  add({"c30_operator_opf_crews1_flat", "pglib_opf_case30_ieee", "bus", "operator", "opf", 0.0, 1, 4, 4, "flat",
       "0.3:0"});
  add({"c30_generators_cascade", "pglib_opf_case30_ieee", "generator", "cascade", "topology", 0.0, 0, 4, 3});
  add({"c30_branches_operator_crews1", "pglib_opf_case30_ieee", "branch", "operator", "topology", 0.0, 1, 4, 5});
  add({"c118_cascade_topology_crews2", "pglib_opf_case118_ieee", "bus", "cascade", "topology", 0.0, 2, 4, 5});
  add({"c118_operator_opf_crews1_flat", "pglib_opf_case118_ieee", "bus", "operator", "opf", 0.5, 1, 4, 4, "flat"});
  add({"c118_bus_branch_operator_t0", "pglib_opf_case118_ieee", "bus,branch", "operator", "topology", 0.0, 2, 0, 5});
  add({"c118_branches_cascade_opf", "pglib_opf_case118_ieee", "branch", "cascade", "opf", 0.0, 0, 4, 4, "winter",
       "0.5:0"});
  add({"c118_bus_generator_dc", "pglib_opf_case118_ieee", "bus,generator", "dc", "topology", 0.5, 1, 4, 10});
  add({"c118_topology_operator_steady", "pglib_opf_case118_ieee", "bus", "topology", "operator", 0.0, 0, 4, 5});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Campaign, ReplayAgrees, ::testing::ValuesIn(replay_cases()),
                         [](const auto& p) { return p.param.name; });

// ---------------------------------------------------------------------------
// (ii) Sampled campaigns (poisson waves, sigma 0.5): the simple path takes the draws.

struct SampledCase {
  std::string name, case_name, targets, response, steady;
  int k = 2, crews = 0, days = 4;
  std::string profile = "winter";
  double tol = 0.5;
};

void PrintTo(const SampledCase& c, std::ostream* os) { *os << c.name; }

class SampledAgrees : public ::testing::TestWithParam<SampledCase> {};

TEST_P(SampledAgrees, TwentyCampaigns) {
  const SampledCase& c = GetParam();
  StudyOptions so = study_options(c.case_name, c.targets, c.response, c.k);
  so.tol = c.tol;
  const Study study(resolve(so));
  CampaignOptions co;
  co.days = c.days;
  co.demand_profile = c.profile;
  co.waves = "poisson:0.7";
  co.repair_days = "0.6:0.5";
  co.crews = c.crews;
  co.steady_response = c.steady;
  const CampaignStudy cs(study, resolve_campaign(co, study.targets(), study.response()));
  ReferenceCampaignPath simple(study, cs.config());
  CampaignWorker w(cs);
  int destructions = 0;
  // SRE_CAMPAIGN_SAMPLED=N: N campaigns instead of 20 (a longer check by hand).
  const char* more = std::getenv("SRE_CAMPAIGN_SAMPLED");
  const std::uint64_t n = more ? std::strtoull(more, nullptr, 10) : 20;
  for (std::uint64_t i = 0; i < n; ++i) {
    SCOPED_TRACE("campaign " + std::to_string(i));
    const CampaignRecord& fast = w.run(i);
    const ReferenceCampaign ref = simple.run(test::events_from_schedule(w.schedule()));
    EXPECT_TRUE(ref.errors.empty()) << ref.errors.front();
    expect_same_schedule(w.schedule(), ref, cs.config().hours);
    expect_same_record(fast, ref.record);
    if (std::getenv("SRE_CAMPAIGN_TEST_VERBOSE")) std::printf("%s %d:%s\n", c.name.c_str(), int(i), figure_list(ref.record).c_str());
    destructions += static_cast<int>(ref.destructions.size());
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(destructions, 20);
}

INSTANTIATE_TEST_SUITE_P(
    Campaign, SampledAgrees,
    ::testing::Values(SampledCase{"c30_cascade_topology", "pglib_opf_case30_ieee", "bus", "cascade", "topology", 2, 0, 4,
                                  "winter", 0.0},
                      SampledCase{"c30_operator_opf_crews1", "pglib_opf_case30_ieee", "bus", "operator", "opf", 2, 1, 4,
                                  "flat", 0.0},
                      SampledCase{"c118_operator_topology_crews2", "pglib_opf_case118_ieee", "bus", "operator",
                                  "topology", 3, 2, 4, "winter", 0.0},
                      SampledCase{"c118_bus_branch_dc_opf", "pglib_opf_case118_ieee", "bus,branch", "dc", "opf", 3, 0,
                                  3, "winter", 0.5}),
    [](const auto& p) { return p.param.name; });

// ---------------------------------------------------------------------------
// (iii) Hand-checked campaigns on radial3: 1 (gen, Pg 60, Pmax 100) -- 2 (30 MW) -- 3 (50 MW).

struct Tiny {
  std::unique_ptr<Study> study;
  int target_of(int bus_index) const { return study->targets().target_of_bus[bus_index]; }
};

Tiny tiny_study(const std::string& response = "topology") {
  StudyOptions o;
  o.case_path = "radial3";
  o.dispatch = "case";
  o.response = response;
  o.k = 1;
  o.samples = 4;
  Tiny t;
  t.study = std::make_unique<Study>(resolve(o, std::make_shared<const Network>(test::network_from_text(test::kRadial3))));
  return t;
}

struct TinyRun {
  CampaignRecord fast;
  ReferenceCampaign ref;
  CampaignSchedule schedule;
};

TinyRun run_tiny(const Tiny& tiny, const std::vector<std::pair<int, int>>& rows, CampaignOptions co) {
  TempDir dir;
  co.waves = write_waves(dir, "waves.csv", tiny.study->targets(), rows);
  const CampaignStudy cs(*tiny.study, resolve_campaign(co, tiny.study->targets(), tiny.study->response()));
  CampaignWorker w(cs);
  TinyRun r;
  r.fast = w.run(0);
  r.schedule = w.schedule();
  ReferenceCampaignPath simple(*tiny.study, cs.config());
  r.ref = simple.run(test::events_from_config(cs.config()));
  return r;
}

CampaignOptions tiny_options(double deadline) {
  CampaignOptions co;
  co.days = 3;
  co.demand_profile = "flat";
  co.repair_days = "1:0";  // R = 24 hours
  co.heat_deadline_hours = deadline;
  return co;
}

using F = CampaignFigure;

TEST(CampaignHandChecked, LinkBusDestroyedDarkensTheIslandBehindIt) {
  const Tiny tiny = tiny_study();
  for (double deadline : {2.0, 23.0, 24.0, 30.0}) {
    SCOPED_TRACE("deadline " + std::to_string(deadline));
    const TinyRun r = run_tiny(tiny, {{5, tiny.target_of(1)}}, tiny_options(deadline));
    for (const CampaignRecord* rec : {&r.fast, &r.ref.record}) {
      SCOPED_TRACE(rec == &r.fast ? "fast" : "simple");
      EXPECT_EQ((*rec)[F::ens_mwh], 80.0 * 24);
      EXPECT_DOUBLE_EQ((*rec)[F::ens_fraction], 24.0 / 72.0);
      EXPECT_EQ((*rec)[F::peak_shed_mw], 80.0);
      EXPECT_EQ((*rec)[F::hours_shed], 24);
      EXPECT_EQ((*rec)[F::hours_shed_10], 24);
      const int events = deadline < 24.0 ? 2 : 0;  // buses 2 (destroyed) and 3 (dead island)
      EXPECT_EQ((*rec)[F::drain_events], events);
      EXPECT_EQ((*rec)[F::buses_drained], events);
      EXPECT_EQ((*rec)[F::hours_split], 0);
      EXPECT_EQ((*rec)[F::targets_destroyed], 1);
      EXPECT_EQ((*rec)[F::restored_hour], 29);
      EXPECT_EQ(rec->bus_hours_without_power, (std::vector<double>{0.0, 24.0, 24.0}));
      EXPECT_EQ(rec->bus_drain_events, (std::vector<int>{0, events / 2, events / 2}));
      for (int t = 0; t < 72; ++t) {
        EXPECT_EQ(rec->hour_served_fraction[t], t >= 5 && t < 29 ? 0.0 : 1.0) << t;
        EXPECT_EQ(int{rec->hour_wave[t]}, t == 5 ? 1 : 0) << t;
      }
      EXPECT_EQ(rec->target_destroyed[tiny.target_of(1)], 1);
      EXPECT_EQ(rec->target_hours_destroyed[tiny.target_of(1)], 24);
    }
  }
}

TEST(CampaignHandChecked, RadialGeneratorBusDestroyedDarkensAll) {
  const Tiny tiny = tiny_study("cascade");
  const TinyRun r = run_tiny(tiny, {{0, tiny.target_of(0)}}, tiny_options(2.0));
  for (const CampaignRecord* rec : {&r.fast, &r.ref.record}) {
    SCOPED_TRACE(rec == &r.fast ? "fast" : "simple");
    EXPECT_EQ((*rec)[F::ens_mwh], 80.0 * 24);
    EXPECT_EQ((*rec)[F::drain_events], 2);  // buses 2 and 3; bus 1 has no demand
    EXPECT_EQ((*rec)[F::buses_drained], 2);
    EXPECT_EQ((*rec)[F::restored_hour], 24);
    EXPECT_EQ(rec->bus_hours_without_power, (std::vector<double>{0.0, 24.0, 24.0}));
  }
}

TEST(CampaignHandChecked, OneCrewRepairsInOrderOfDestruction) {
  const Tiny tiny = tiny_study();
  for (int crews : {0, 1, 2}) {
    SCOPED_TRACE("crews " + std::to_string(crews));
    CampaignOptions co = tiny_options(2.0);
    co.crews = crews;
    // Bus 3 listed first in the file; the target order decides (bus 2's target first).
    const TinyRun r = run_tiny(tiny, {{0, tiny.target_of(2)}, {0, tiny.target_of(1)}}, co);
    ASSERT_EQ(r.schedule.destructions.size(), 2u);
    const auto& a = r.schedule.destructions[0];
    const auto& b = r.schedule.destructions[1];
    EXPECT_EQ(a.target, tiny.target_of(1));
    EXPECT_EQ(b.target, tiny.target_of(2));
    EXPECT_EQ(a.start, 0);
    EXPECT_EQ(a.end, 24);
    EXPECT_EQ(b.start, crews == 1 ? 24 : 0);
    EXPECT_EQ(b.end, crews == 1 ? 48 : 24);
    for (const CampaignRecord* rec : {&r.fast, &r.ref.record}) {
      SCOPED_TRACE(rec == &r.fast ? "fast" : "simple");
      EXPECT_EQ((*rec)[F::ens_mwh], crews == 1 ? 80.0 * 24 + 50.0 * 24 : 80.0 * 24);
      EXPECT_EQ((*rec)[F::restored_hour], crews == 1 ? 48 : 24);
      EXPECT_EQ((*rec)[F::targets_destroyed], 2);
      EXPECT_EQ(rec->target_hours_destroyed[tiny.target_of(2)], crews == 1 ? 48 : 24);
      EXPECT_EQ(rec->bus_hours_without_power, (std::vector<double>{0.0, 24.0, crews == 1 ? 48.0 : 24.0}));
    }
  }
}

TEST(CampaignHandChecked, RestoredHourAndReStrike) {
  const Tiny tiny = tiny_study();
  // Bus 3 destroyed at 0 (back at 24), struck again at 30 (back at 54) and at 60 (back at
  // 84 > H = 72): restored_hour is H.
  const int t3 = tiny.target_of(2);
  const TinyRun r = run_tiny(tiny, {{0, t3}, {30, t3}, {60, t3}}, tiny_options(2.0));
  for (const CampaignRecord* rec : {&r.fast, &r.ref.record}) {
    SCOPED_TRACE(rec == &r.fast ? "fast" : "simple");
    EXPECT_EQ((*rec)[F::restored_hour], 72);  // H = 72: still destroyed at the end
    EXPECT_EQ(rec->target_destroyed[t3], 3);
    EXPECT_EQ(rec->target_hours_destroyed[t3], 24 + 24 + 12);
    EXPECT_EQ((*rec)[F::ens_mwh], 50.0 * 60);
    EXPECT_EQ((*rec)[F::drain_events], 3);
  }
  const TinyRun r2 = run_tiny(tiny, {{0, t3}, {30, t3}}, tiny_options(2.0));
  for (const CampaignRecord* rec : {&r2.fast, &r2.ref.record}) {
    SCOPED_TRACE(rec == &r2.fast ? "fast" : "simple");
    EXPECT_EQ((*rec)[F::restored_hour], 54);
  }
}

TEST(CampaignHandChecked, TransientHoursUseTheStudyResponse) {
  // Load 100 at bus 3 over three paths; losing path e1 (1-3, rateA 60): under cascade with
  // tol 0 nothing overloads; this checks that transient and steady responses are chosen
  // per hour, against the simple path, on paths4 with branch targets.
  StudyOptions o;
  o.case_path = "paths4";
  o.dispatch = "case";
  o.response = "cascade";
  o.tol = 0.0;
  o.targets = "branch";
  o.k = 1;
  o.samples = 4;
  const Study study(resolve(o, std::make_shared<const Network>(test::network_from_text(test::kParallelPaths4))));
  TempDir dir;
  CampaignOptions co;
  co.days = 2;
  co.demand_profile = "winter";
  co.repair_days = "0.5:0";
  co.transient_hours = 6;
  co.steady_response = "topology";
  // Cut e4 (1-4): e1 and e2-e3 carry 100 MW, e1 overloads (x 0.1 vs 0.2: 66.7 > 60) at
  // the peak hours, trips, and then e2-e3 carry 100 > 90: the cascade darkens bus 3.
  co.waves = write_waves(dir, "w.csv", study.targets(), {{16, 3}, {40, 3}});
  const CampaignStudy cs(study, resolve_campaign(co, study.targets(), study.response()));
  CampaignWorker w(cs);
  const CampaignRecord& fast = w.run(0);
  ReferenceCampaignPath simple(study, cs.config());
  const ReferenceCampaign ref = simple.run(test::events_from_config(cs.config()));
  EXPECT_TRUE(ref.errors.empty());
  expect_same_record(fast, ref.record);
  // Some transient hour shed, and no steady hour did (topology keeps bus 3 connected).
  EXPECT_GT(ref.record[F::ens_mwh], 0.0);
  for (int t = 0; t < 48; ++t)
    if (!((t >= 16 && t < 22) || (t >= 40 && t < 46))) {
      EXPECT_EQ(ref.record.hour_served_fraction[t], 1.0) << t;
    }
}

// 1 (gen Pg 40, Pmax 50) -- 2 (load 100 MW) -- 3 (gen Pg 60 = Pmax): losing bus 3 leaves
// island {1, 2} with C = 50 for D = 100 alpha: bus 2 served min(1, 0.5 / alpha), in rotation.
const char* kTwoGens3 = R"(
function mpc = twogens3
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0   0 0 0 1 1 0 230 1 1.1 0.9;
  2 1 100 0 0 0 1 1 0 230 1 1.1 0.9;
  3 2 0   0 0 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 40 0 100 -100 1 100 1 50 0;
  3 60 0 100 -100 1 100 1 60 0;
];
mpc.branch = [
  1 2 0 0.1 0 0 0 0 0 0 1 -360 360;
  2 3 0 0.1 0 0 0 0 0 0 1 -360 360;
];
)";

TEST(CampaignHandChecked, RotatingPartialSupplyDrainsWhenTheDarkStretchExceedsTheDeadline) {
  StudyOptions o;
  o.case_path = "twogens3";
  o.dispatch = "case";
  o.response = "topology";
  o.k = 1;
  o.samples = 4;
  const Study study(resolve(o, std::make_shared<const Network>(test::network_from_text(kTwoGens3))));
  const int t3 = study.targets().target_of_bus[2];
  for (const char* profile : {"flat", "winter"})
    for (double deadline : {1.5, 2.0}) {
      SCOPED_TRACE(std::string(profile) + " deadline " + std::to_string(deadline));
      TempDir dir;
      CampaignOptions co;
      co.days = 3;
      co.demand_profile = profile;
      co.repair_days = "1.5:0";  // R = 36 hours
      co.heat_deadline_hours = deadline;
      co.waves = write_waves(dir, "w.csv", study.targets(), {{10, t3}});
      const CampaignStudy cs(study, resolve_campaign(co, study.targets(), study.response()));
      CampaignWorker w(cs);
      const CampaignRecord& fast = w.run(0);
      ReferenceCampaignPath simple(study, cs.config());
      const ReferenceCampaign ref = simple.run(test::events_from_config(cs.config()));
      EXPECT_TRUE(ref.errors.empty());
      expect_same_record(fast, ref.record);
      if (std::string(profile) == "flat") {
        for (const CampaignRecord* rec : {&fast, &ref.record}) {
          EXPECT_NEAR((*rec)[F::ens_mwh], 50.0 * 36, 1e-9);
          EXPECT_NEAR(rec->bus_hours_without_power[1], 0.5 * 36, 1e-12);
          // Dark (1 - 0.5) x 4 = 2 hours at a stretch: longer than 1.5, not than 2.
          EXPECT_EQ((*rec)[F::drain_events], deadline < 2.0 ? 1 : 0);
          EXPECT_EQ((*rec)[F::hours_shed_10], 36);
        }
      } else if (deadline == 1.5) {
        // Winter: cold while alpha > 0.8 (f < 0.625): of the 36 hours from hour 10, hours
        // 10-23 (alpha >= 0.83) are cold, 24-29 (alpha <= 0.78) not, 31-45 (alpha >= 0.88)
        // cold again (hour 30, alpha 0.80, sits on the boundary): two events.
        EXPECT_EQ(ref.record[F::drain_events], 2);
      }
    }
}

TEST(CampaignHandChecked, FullInterceptionLeavesTheBaseShedOnly) {
  StudyOptions so = study_options("pglib_opf_case30_ieee", "bus", "cascade", 3);
  CampaignOptions co;
  co.days = 6;
  co.waves = "poisson:0.5";
  Built b = build(so, co);
  b.cs->set_intercept(std::vector<double>(b.study->targets().size(), 1.0));
  CampaignWorker w(*b.cs);
  for (std::uint64_t i = 0; i < 10; ++i) {
    const CampaignRecord& r = w.run(i);
    ASSERT_GE(w.schedule().n_waves(), 1);
    EXPECT_GT(w.schedule().struck.size(), 0u);
    EXPECT_EQ(r[F::ens_mwh], 0.0);  // case30 dispatched by dcopf sheds nothing in its base state
    EXPECT_EQ(r[F::peak_shed_mw], 0.0);
    EXPECT_EQ(r[F::hours_shed], 0);
    EXPECT_EQ(r[F::drain_events], 0);
    EXPECT_EQ(r[F::targets_destroyed], 0);
    EXPECT_EQ(r[F::restored_hour], w.schedule().wave_hour.back());
    for (double f : r.hour_served_fraction) EXPECT_NEAR(f, 1.0, 1e-12);
  }
}

TEST(CampaignHandChecked, NoWavesRestoredAtZero) {
  const Tiny tiny = tiny_study();
  // A replay whose only wave falls after the campaign: no waves at all.
  CampaignOptions co = tiny_options(2.0);
  const TinyRun r = run_tiny(tiny, {{500, tiny.target_of(1)}}, co);
  EXPECT_EQ(r.schedule.n_waves(), 0);
  for (const CampaignRecord* rec : {&r.fast, &r.ref.record}) {
    EXPECT_EQ((*rec)[F::restored_hour], 0);
    EXPECT_EQ((*rec)[F::ens_mwh], 0.0);
    EXPECT_EQ((*rec)[F::targets_destroyed], 0);
  }
}

// ---------------------------------------------------------------------------
// (iv) The schedule over many draws.

void check_schedule(const CampaignSchedule& s, const CampaignConfig& c, int nt, int k_max) {
  const int H = c.hours;
  for (int w = 0; w < s.n_waves(); ++w) {
    EXPECT_GE(s.wave_hour[w], 0);
    EXPECT_LT(s.wave_hour[w], H);
    if (w > 0) {
      EXPECT_LT(s.wave_hour[w - 1], s.wave_hour[w]);
    }
    const std::set<int> struck(s.struck.begin() + s.struck_offset[w], s.struck.begin() + s.struck_offset[w + 1]);
    EXPECT_EQ(static_cast<int>(struck.size()), s.struck_offset[w + 1] - s.struck_offset[w]) << "distinct";
    EXPECT_LE(static_cast<int>(struck.size()), k_max);
    for (int j = s.destroyed_offset[w]; j < s.destroyed_offset[w + 1]; ++j) EXPECT_TRUE(struck.count(s.destroyed[j]));
    EXPECT_TRUE(std::is_sorted(s.destroyed.begin() + s.destroyed_offset[w], s.destroyed.begin() + s.destroyed_offset[w + 1]));
  }
  // Destructions: in wave then target order; no target destroyed while destroyed; crews.
  std::vector<int> busy(H + 1, 0);
  std::vector<int> back_at(nt, 0);  // hour from which the target is in service again
  int prev_start = 0;
  std::size_t j = 0;
  for (int w = 0; w < s.n_waves(); ++w)
    for (int p = s.destroyed_offset[w]; p < s.destroyed_offset[w + 1]; ++p, ++j) {
      ASSERT_LT(j, s.destructions.size());
      const auto& d = s.destructions[j];
      EXPECT_EQ(d.target, s.destroyed[p]);
      EXPECT_EQ(d.hour, s.wave_hour[w]);
      EXPECT_GE(d.repair_hours, 1);
      EXPECT_GE(d.hour, back_at[d.target]) << "target " << d.target << " destroyed while destroyed";
      if (d.start < 0) {  // never started within the campaign
        back_at[d.target] = 1 << 30;
        prev_start = 1 << 30;
        continue;
      }
      EXPECT_GE(d.start, d.hour);
      EXPECT_LT(d.start, H);
      EXPECT_GE(d.start, prev_start) << "repairs start in order of destruction";
      prev_start = d.start;
      EXPECT_EQ(d.end, d.start + d.repair_hours);
      if (c.crews == 0) {
        EXPECT_EQ(d.start, d.hour);
      }
      back_at[d.target] = d.end;
      for (int h = d.start; h < std::min(d.end, H); ++h) ++busy[h];
    }
  EXPECT_EQ(j, s.destructions.size());
  if (c.crews > 0) {
    for (int h = 0; h < H; ++h) EXPECT_LE(busy[h], c.crews) << "hour " << h;
  }
}

bool same_schedule(const CampaignSchedule& a, const CampaignSchedule& b) {
  if (a.destructions.size() != b.destructions.size()) return false;
  for (std::size_t j = 0; j < a.destructions.size(); ++j) {
    const auto &x = a.destructions[j], &y = b.destructions[j];
    if (x.target != y.target || x.hour != y.hour || x.repair_hours != y.repair_hours || x.start != y.start ||
        x.end != y.end)
      return false;
  }
  return a.wave_hour == b.wave_hour && a.struck_offset == b.struck_offset && a.struck == b.struck &&
         a.destroyed_offset == b.destroyed_offset && a.destroyed == b.destroyed && a.epoch_hour == b.epoch_hour &&
         a.epoch_offset == b.epoch_offset && a.epoch_targets == b.epoch_targets;
}

TEST(CampaignSchedule, PropertiesOverManyDraws) {
  StudyOptions so = study_options("pglib_opf_case118_ieee", "bus", "topology", 3);
  for (int crews : {0, 1, 3}) {
    SCOPED_TRACE("crews " + std::to_string(crews));
    CampaignOptions co;
    co.days = 30;
    co.waves = "poisson:2";
    co.repair_days = "3:0.8";
    co.crews = crews;
    Built b = build(so, co);
    // Half the targets defended with q = 0.5: destroyed is then a strict subset at times.
    std::vector<double> q(b.study->targets().size(), 0.0);
    for (std::size_t t = 0; t < q.size(); t += 2) q[t] = 0.5;
    b.cs->set_intercept(q);
    ScheduleDrawer drawer(b.cs->config(), b.cs->strikes(), b.study->targets().size());
    CampaignSchedule s, s2;
    int intercepted = 0, waves = 0;
    for (std::uint64_t i = 0; i < 400; ++i) {
      drawer.draw(b.study->seed(), i, s);
      ASSERT_GE(s.n_waves(), 1);
      EXPECT_EQ(s.wave_hour[0], 0) << "the first poisson wave at hour 0";
      check_schedule(s, b.cs->config(), b.study->targets().size(), 3);
      intercepted += static_cast<int>(s.struck.size() - s.destroyed.size());
      waves += s.n_waves();
      if (::testing::Test::HasFailure()) break;
    }
    EXPECT_GT(intercepted, 0);
    // Poisson:2 over 30 days: about 1 + 15 waves per campaign.
    EXPECT_NEAR(waves / 400.0, 16.0, 1.5);
    // Same (seed, index): same schedule, whatever was drawn before and by which drawer.
    ScheduleDrawer other(b.cs->config(), b.cs->strikes(), b.study->targets().size());
    for (std::uint64_t i : {7u, 123u, 7u, 399u}) {
      drawer.draw(b.study->seed(), i, s);
      other.draw(b.study->seed(), i, s2);
      EXPECT_TRUE(same_schedule(s, s2)) << i;
      drawer.draw(b.study->seed(), i + 1, s2);
      EXPECT_FALSE(same_schedule(s, s2)) << i;
    }
  }
}

TEST(CampaignSchedule, OtherStrikeModelsAndBudgets) {
  struct Variant {
    std::string strike, targets, k_classes;
    int k;
    double probability;
  };
  for (const Variant& v : {Variant{"weighted", "bus", "", 3, NAN}, Variant{"independent", "bus", "", 0, 0.04},
                           Variant{"uniform", "bus,branch", "bus:2,branch:1", 3, NAN}}) {
    SCOPED_TRACE(v.strike + " " + v.targets);
    StudyOptions so = study_options("pglib_opf_case30_ieee", v.targets, "topology", v.k);
    so.strike = v.strike;
    so.probability = v.probability;
    if (!v.k_classes.empty()) parse_k(v.k_classes, so);
    CampaignOptions co;
    co.days = 20;
    co.waves = "poisson:1";
    co.repair_days = "2:0.5";
    co.crews = 2;
    Built b = build(so, co);
    const TargetSet& ts = b.study->targets();
    ScheduleDrawer drawer(b.cs->config(), b.cs->strikes(), ts.size());
    CampaignSchedule s;
    int struck = 0;
    for (std::uint64_t i = 0; i < 200; ++i) {
      drawer.draw(b.study->seed(), i, s);
      check_schedule(s, b.cs->config(), ts.size(), v.strike == "independent" ? ts.size() : v.k);
      struck += static_cast<int>(s.struck.size());
      if (!v.k_classes.empty())
        for (int w = 0; w < s.n_waves(); ++w) {
          int buses = 0, branches = 0;
          for (int j = s.struck_offset[w]; j < s.struck_offset[w + 1]; ++j)
            (ts.target_class[s.struck[j]] == TargetClass::kBus ? buses : branches)++;
          EXPECT_LE(buses, 2);
          EXPECT_LE(branches, 1);
        }
      if (::testing::Test::HasFailure()) break;
    }
    EXPECT_GT(struck, 200);
  }
}

TEST(CampaignSchedule, EveryDaysIsFloorOf24DW) {
  StudyOptions so = study_options("pglib_opf_case30_ieee", "bus", "topology", 2);
  for (const char* d : {"1.3", "0.05", "2", "7.7"}) {
    CampaignOptions co;
    co.days = 20;
    co.waves = std::string("every:") + d;
    Built b = build(so, co);
    ScheduleDrawer drawer(b.cs->config(), b.cs->strikes(), b.study->targets().size());
    CampaignSchedule s;
    drawer.draw(1, 3, s);
    std::vector<int> want;
    const double D = std::stod(d);
    for (int w = 0;; ++w) {
      const int h = static_cast<int>(std::floor(24.0 * D * w));
      if (h >= co.days * 24) break;
      if (want.empty() || want.back() != h) want.push_back(h);
    }
    EXPECT_EQ(s.wave_hour, want) << d;
    check_schedule(s, b.cs->config(), b.study->targets().size(), 2);
  }
}

TEST(CampaignSchedule, SameSeedAndIndexSameRecord) {
  StudyOptions so = study_options("pglib_opf_case30_ieee", "bus", "cascade", 2);
  CampaignOptions co;
  co.days = 10;
  co.waves = "poisson:1";
  Built b = build(so, co);
  CampaignWorker w1(*b.cs), w2(*b.cs);
  std::vector<CampaignRecord> first;
  for (std::uint64_t i = 0; i < 6; ++i) first.push_back(w1.run(i));
  for (std::uint64_t i = 6; i-- > 0;) {
    const CampaignRecord& r = w2.run(i);
    EXPECT_EQ(r.figure, first[i].figure) << i;
    EXPECT_EQ(r.bus_hours_without_power, first[i].bus_hours_without_power) << i;
    EXPECT_EQ(r.hour_served_fraction, first[i].hour_served_fraction) << i;
  }
}

}  // namespace
}  // namespace sre
