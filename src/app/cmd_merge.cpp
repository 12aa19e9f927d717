// sre merge: combine the shard files of one study (sre run --shard I/N) into the
// results file a single run would have written (docs/cluster.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "app/campaign_options.hpp"
#include "app/study_options.hpp"
#include "campaign/campaign_results.hpp"
#include "campaign/campaign_run.hpp"
#include "study/cluster.hpp"
#include "study/study_identity.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"
#include "results/results_file.hpp"
#include "app/run_report.hpp"
#include "io/sha256.hpp"
#include "stats/summary.hpp"

namespace sre::cli {

namespace {

int merge_campaigns(const std::vector<std::string>& inputs, const std::vector<StoredCampaign>& shards,
                    const Study& study, const CampaignOptions& co, const std::string& out_path) {
  const CampaignStudy cs(study, resolve_campaign(co, study.targets(), study.response()));
  CampaignTally tally;
  tally.reset(campaign_shape(cs));
  double seconds = 0.0;
  int threads = 0;
  for (std::size_t j = 0; j < shards.size(); ++j) {
    try {
      tally.merge(shards[j].tally);
    } catch (const std::invalid_argument&) {
      throw InputError(inputs[j], 0, "its tally does not have the shape of the campaign study");
    }
    seconds += shards[j].meta.sampling_seconds;
    threads = std::max(threads, shards[j].meta.threads);
  }
  tally.sort_by_index();
  RunMetadata meta = shards.front().meta;
  meta.command_line = full_command_line();
  meta.sample_begin = 0;
  meta.sample_end = meta.samples;
  meta.shard_index = -1;
  meta.shard_count = 0;
  meta.complete = true;
  meta.sampling_seconds = seconds;
  meta.samples_per_second = seconds > 0 ? static_cast<double>(tally.n) / seconds : 0.0;
  meta.threads = threads;
  meta.peak_rss_mb = peak_rss_mb();
  const CampaignSummary summary = summarize_campaigns(tally, study.network().bus_demand_pos);
  write_campaign_file(out_path, CampaignFileContent{meta, cs.assumptions(), study.network(), study.targets(),
                                                    study.base().limit_mw, cs.config(), tally, summary, false});
  std::printf("sre merge: %zu campaign shards, %llu campaigns: %s\n", shards.size(),
              static_cast<unsigned long long>(tally.n), out_path.c_str());
  return 0;
}

}  // namespace

int cmd_merge(const std::vector<std::string>& args) {
  std::vector<std::string> inputs;
  std::string out_path, case_override;
  po::options_description desc("merge options");
  desc.add_options()
      ("shards", po::value(&inputs)->multitoken(), "shard files written by `sre run --shard I/N` or `sre campaign --shard I/N` (all N of them)")
      ("out,o", po::value(&out_path), "merged HDF5 results file (required)")
      ("case", po::value(&case_override),
       "case file to rebuild the network from, when the path stored in the shards does not "
       "exist here (it must have the same bytes: its SHA-256 is checked)");
  po::positional_options_description pos;
  pos.add("shards", -1);
  po::variables_map vm;
  if (!parse_command_line("merge", "SHARD... -o OUT.h5 [--case FILE]",
                          "Check that the shard files belong to one study (same case bytes, options, seed,\n"
                          "sample count and shard count) and that none is missing, repeated or incomplete,\n"
                          "then write the results file a single `sre run` would have written: every\n"
                          "statistic is identical, bit for bit.",
                          desc, args, vm, &pos))
    return 0;
  if (inputs.empty()) throw UsageError("give the shard files to merge");
  if (out_path.empty()) throw UsageError("-o OUT.h5 is required");

  // Run shards (sre run) or campaign shards (sre campaign), by the first file's format.
  const bool campaign = is_campaign_file(inputs.front());
  std::vector<StoredTally> shards;
  std::vector<StoredCampaign> campaign_shards;
  std::vector<RunMetadata> metas;
  std::vector<std::uint64_t> counts;
  for (const auto& path : inputs) {
    if (campaign) {
      campaign_shards.push_back(read_campaign_file(path));
      metas.push_back(campaign_shards.back().meta);
      counts.push_back(campaign_shards.back().tally.n);
    } else {
      if (is_campaign_file(path))
        throw InputError(path, 0, "is a campaign file, but " + inputs.front() + " is not; merge the shards of one study");
      shards.push_back(read_tally_file(path));
      metas.push_back(shards.back().meta);
      counts.push_back(shards.back().tally.n);
    }
  }

  const RunMetadata& first = metas.front();
  const std::string& p0 = inputs.front();
  if (first.shard_count < 1 || first.shard_index < 0)
    throw InputError(p0, 0, "is not a shard file (written without --shard I/N); only shards can be merged");
  const int n = first.shard_count;
  std::vector<int> seen(n, -1);
  const SampleRange all{0, first.samples};
  for (std::size_t j = 0; j < metas.size(); ++j) {
    const RunMetadata& m = metas[j];
    const std::string& path = inputs[j];
    const auto other = [&](const std::string& what) {
      throw InputError(path, 0, "belongs to a different study than " + p0 + ": " + what + " differs; merge only the shards of one study");
    };
    if (m.shard_count < 1 || m.shard_index < 0)
      throw InputError(path, 0, "is not a shard file (written without --shard I/N); only shards can be merged");
    switch (StudyIdentity::of(m).first_difference(StudyIdentity::of(first))) {
      case StudyIdentity::Part::kNone: break;
      case StudyIdentity::Part::kCase: other("the case file's SHA-256"); break;
      case StudyIdentity::Part::kConfig: other("the study configuration (/config)"); break;
      case StudyIdentity::Part::kSeed: other("the seed"); break;
      case StudyIdentity::Part::kSamples: other("the sample count"); break;
    }
    if (m.shard_count != n) other("the shard count N of --shard I/N");
    if (m.shard_index >= n) throw InputError(path, 0, "has shard index " + std::to_string(m.shard_index) + " >= N");
    if (seen[m.shard_index] >= 0)
      throw InputError(path, 0, "repeats shard " + std::to_string(m.shard_index) + "/" + std::to_string(n) +
                                    " (also in " + inputs[seen[m.shard_index]] + "); give each shard once");
    seen[m.shard_index] = static_cast<int>(j);
    const SampleRange want = split_range(all, m.shard_index, n);
    if (m.sample_begin != want.begin || m.sample_end != want.end || counts[j] != want.size())
      throw InputError(path, 0, "shard " + std::to_string(m.shard_index) + "/" + std::to_string(n) + " covers samples [" +
                                    std::to_string(m.sample_begin) + ", " + std::to_string(m.sample_end) +
                                    ") but should cover [" + std::to_string(want.begin) + ", " + std::to_string(want.end) +
                                    "); is it an unfinished checkpoint? finish it with `sre run ... --resume`");
  }
  std::string missing;
  int n_missing = 0;
  for (int i = 0; i < n; ++i)
    if (seen[i] < 0 && n_missing++ < 20) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  if (n_missing > 0)
    throw InputError(std::to_string(n_missing) + " of " + std::to_string(n) + " shards missing (indices " + missing +
                     (n_missing > 20 ? ", ..." : "") + "); give all N shard files of the study");

  // Rebuild the study (network, targets, base case) from the stored configuration.
  StudyOptions o;
  CampaignOptions co;
  po::options_description study_desc;
  add_study_options(study_desc, o);
  add_campaign_options(study_desc, co);
  po::variables_map svm;
  try {
    std::istringstream in(first.config_ini);
    po::store(po::parse_config_file(in, study_desc, false), svm);
    po::notify(svm);
  } catch (const po::error& e) {
    throw InputError(p0, 0, std::string("its stored /config cannot be read: ") + e.what());
  }
  if (!case_override.empty()) o.case_path = case_override;
  std::error_code ec;
  if (!std::filesystem::exists(o.case_path, ec))
    throw InputError(o.case_path, 0,
                     "the case file of the study (stored in the shards' /config) is not found here; give its "
                     "location with --case FILE (same bytes: its SHA-256 is checked)");
  if (sha256_file(o.case_path) != first.case_sha256)
    throw InputError(o.case_path, 0, "its SHA-256 differs from the case the shards were run on (" + first.case_sha256 +
                                         "); give the same case file with --case");
  const Study study(resolve(o));
  check_output_path(out_path);
  if (campaign) return merge_campaigns(inputs, campaign_shards, study, co, out_path);

  std::vector<std::size_t> order(shards.size());
  for (std::size_t j = 0; j < shards.size(); ++j) order[shards[j].meta.shard_index] = j;
  Tally tally;
  tally.reset(study.tally_shape());
  double seconds = 0.0;
  int threads = 0;
  for (std::size_t j : order) {
    try {
      tally.merge(shards[j].tally);
    } catch (const std::invalid_argument&) {
      throw InputError(inputs[j], 0, "its tally does not have the shape of the study's network");
    }
    seconds += shards[j].meta.sampling_seconds;
    threads = std::max(threads, shards[j].meta.threads);
  }

  RunMetadata meta = first;
  meta.command_line = full_command_line();
  meta.sample_begin = 0;
  meta.sample_end = first.samples;
  meta.shard_index = -1;
  meta.shard_count = 0;
  meta.n_grandfathered = study.base().n_grandfathered;
  meta.base_shed_mw = study.base().shed_mw;
  meta.sampling_seconds = seconds;  // summed over the shards
  meta.samples_per_second = seconds > 0 ? static_cast<double>(tally.n) / seconds : 0.0;
  meta.threads = threads;
  meta.peak_rss_mb = peak_rss_mb();
  const Summary summary = summarize(tally, study.network().bus_demand_pos);
  write_results_file(out_path, meta, study.network(), study.targets(), study.base().limit_mw, tally, summary, nullptr);
  print_summary_table(stdout, study, summary, seconds, RunShape{1, threads, tally.n});
  std::printf("\n  merged %d shards: %s\n", n, out_path.c_str());
  return 0;
}

}  // namespace sre::cli
