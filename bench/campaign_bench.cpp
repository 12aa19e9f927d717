// Winter campaigns (bench/run_campaign.sh; docs/performance.md, "Winter campaigns") on
// case2383wp_k and case9241pegase: 90 days, winter profile, poisson:8.5 waves of k = 5
// substations, repairs 14:0.5, unlimited crews, transient response cascade (4 hours),
// steady response topology (closed form) or opf; base dispatch dcopf; one thread.
//   BM_Campaign/<case>/<steady>   one campaign, as sre campaign's workers run it
//                                 (CampaignWorker::run). items_per_second: campaigns per CPU
//                                 second. Counters: events (waves plus repair ends inside
//                                 the campaign, mean per campaign), evaluations (single-strike
//                                 evaluations it made: per segment and distinct demand level;
//                                 none for closed-form steady hours)
//   BM_CampaignStrike/<case>      one single-strike evaluation of the same study (k = 5,
//                                 response cascade, SampleWorker::run): the unit the ratio
//                                 campaign cost / (events x strike cost) is measured in
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "campaign/campaign_worker.hpp"
#include "study/study.hpp"
#include "study/study_config.hpp"

namespace {

struct Prepared {
  std::unique_ptr<sre::Study> study;
  std::unique_ptr<sre::CampaignStudy> cs;
};

const Prepared& prepared(const std::string& file, const std::string& steady) {
  static std::map<std::string, Prepared> cache;
  const std::string key = file + "/" + steady;
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  sre::StudyOptions o;
  o.case_path = std::string(SRE_DATA_DIR) + "/cases/" + file;
  o.k = 5;
  o.response = "cascade";
  o.dispatch = "dcopf";
  o.samples = 1000000;
  Prepared p;
  p.study = std::make_unique<sre::Study>(sre::resolve(o));
  sre::CampaignOptions c;
  c.steady_response = steady;
  p.cs = std::make_unique<sre::CampaignStudy>(
      *p.study, sre::resolve_campaign(c, p.study->targets(), p.study->response()));
  return cache.emplace(key, std::move(p)).first->second;
}

void BM_Campaign(benchmark::State& state, std::string file, std::string steady) {
  const Prepared& p = prepared(file, steady);
  sre::CampaignWorker worker(*p.cs);
  std::uint64_t i = 0;
  double events = 0.0;
  const int H = p.cs->config().hours;
  for (auto _ : state) {
    const sre::CampaignRecord& r = worker.run(i++);
    benchmark::DoNotOptimize(r.figure.data());
    const sre::CampaignSchedule& s = worker.schedule();
    events += s.n_waves();
    for (const auto& d : s.destructions) events += d.end >= 0 && d.end < H;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["events"] = events / static_cast<double>(state.iterations());
  state.counters["evaluations"] = static_cast<double>(worker.evaluations()) / static_cast<double>(i);
}

void BM_CampaignStrike(benchmark::State& state, std::string file) {
  const Prepared& p = prepared(file, "topology");
  sre::SampleWorker worker(*p.study);
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(worker.run(i++).shed_mw);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

const int registered = [] {
  for (const auto& [name, file] : {std::pair<std::string, std::string>{"case2383wp_k", "pglib_opf_case2383wp_k.m"},
                                   {"case9241pegase", "case9241pegase.m"}}) {
    for (const char* steady : {"topology", "opf"})
      benchmark::RegisterBenchmark(("BM_Campaign/" + name + "/" + steady).c_str(), BM_Campaign, file, steady)
          ->Unit(benchmark::kMillisecond)
          ->MeasureProcessCPUTime()
          ->MinTime(2.0);
    benchmark::RegisterBenchmark(("BM_CampaignStrike/" + name).c_str(), BM_CampaignStrike, file)
        ->Unit(benchmark::kMicrosecond)
        ->MeasureProcessCPUTime()
        ->MinTime(1.0);
  }
  return 0;
}();

}  // namespace
