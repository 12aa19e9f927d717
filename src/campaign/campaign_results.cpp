#include "campaign/campaign_results.hpp"

#include <filesystem>
#include <system_error>

#include "io/hdf5_file.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"

namespace sre {

namespace {

void write_campaign_attributes(h5::File& f, const CampaignConfig& c, std::uint64_t samples) {
  const CampaignOptions& o = c.given;
  f.set_attribute("/campaign", "days", o.days);
  f.set_attribute("/campaign", "hours", c.hours);
  f.set_attribute("/campaign", "demand_profile", o.demand_profile);
  f.set_attribute("/campaign", "waves", o.waves);
  f.set_attribute("/campaign", "repair_days", o.repair_days);
  f.set_attribute("/campaign", "repair", o.repair);
  f.set_attribute("/campaign", "crews", o.crews);
  f.set_attribute("/campaign", "transient_hours", o.transient_hours);
  f.set_attribute("/campaign", "steady_response", o.steady_response);
  f.set_attribute("/campaign", "heat_deadline_hours", o.heat_deadline_hours);
  f.set_attribute("/campaign", "rotation_cycle_hours", o.rotation_cycle_hours);
  f.set_attribute("/campaign", "split_share", o.split_share);
  f.set_attribute("/campaign", "samples", samples);
}

void write_summary(h5::File& f, const CampaignSummary& s) {
  f.create_group("/campaign/summary");
  for (int k = 0; k < kCampaignFigures; ++k) {
    const std::string g = std::string("/campaign/summary/") + kCampaignFigureNames[k];
    const FigureSummary& d = s.figure[k];
    f.create_group(g);
    const std::pair<const char*, double> values[] = {
        {"mean", d.mean}, {"std", d.std}, {"stderr", d.stderr_}, {"ci95_low", d.ci95_low},
        {"ci95_high", d.ci95_high}, {"q50", d.q50}, {"q90", d.q90}, {"q95", d.q95},
        {"q99", d.q99}, {"cvar90", d.cvar90}, {"cvar99", d.cvar99}, {"max", d.max}};
    for (const auto& [name, v] : values) f.write_scalar(g + "/" + name, v);
  }
}

void write_tables(h5::File& f, const CampaignFileContent& c) {
  const CampaignSummary& s = c.summary;
  f.create_group("/campaign/buses");
  f.write("/campaign/buses/bus_id", c.net.bus_id);
  f.write("/campaign/buses/hours_without_power_mean", s.bus_hours_without_power_mean);
  f.write("/campaign/buses/drain_probability", s.bus_drain_probability);
  f.write("/campaign/buses/drain_events_mean", s.bus_drain_events_mean);
  f.create_group("/campaign/hours");
  f.write("/campaign/hours/demand_factor", c.config.alpha);
  f.write("/campaign/hours/served_fraction_mean", s.hour_served_fraction_mean);
  f.write("/campaign/hours/served_fraction_q05", s.hour_served_q05);
  f.write("/campaign/hours/served_fraction_q50", s.hour_served_q50);
  f.write("/campaign/hours/served_fraction_q95", s.hour_served_q95);
  f.write("/campaign/hours/wave_probability", s.hour_wave_probability);
  f.create_group("/campaign/targets");
  f.write_strings("/campaign/targets/name", c.targets.name);
  f.write("/campaign/targets/destroyed_mean", s.target_destroyed_mean);
  f.write("/campaign/targets/hours_destroyed_mean", s.target_hours_destroyed_mean);
}

void write_samples(h5::File& f, const CampaignTally& t) {
  f.create_group("/campaign/samples");
  f.write("/campaign/samples/index", t.index);
  for (int k = 0; k < kCampaignFigures; ++k) {
    std::vector<double> v(t.n);
    for (std::uint64_t j = 0; j < t.n; ++j) v[j] = t.figures[j * kCampaignFigures + k];
    f.write(std::string("/campaign/samples/") + kCampaignFigureNames[k], v);
  }
}

void write_tally(h5::File& f, const CampaignTally& t) {
  f.create_group("/campaign/tally");
  f.write_scalar("/campaign/tally/n", t.n);
  f.write_scalar("/campaign/tally/n_buses", t.shape.n_buses);
  f.write_scalar("/campaign/tally/n_targets", t.shape.n_targets);
  f.write_scalar("/campaign/tally/hours", t.shape.hours);
  f.write("/campaign/tally/index", t.index, h5::Packing::kCompressed);
  f.write("/campaign/tally/figures", t.figures, h5::Packing::kCompressed);
  f.write("/campaign/tally/sums", t.sum_words(), h5::Packing::kCompressed);
}

}  // namespace

void write_campaign_file(const std::string& path, const CampaignFileContent& c) {
  h5::silence_errors();
  check_output_path(path);
  const std::string tmp = temporary_path(path);
  try {
    h5::File f = h5::File::create(tmp);
    write_study_sections(f, c.meta, c.net, c.targets, c.limit_mw);
    f.set_attribute("/", "format", std::string(kCampaignFormat));
    f.set_attribute("/", "format_version", kCampaignFormatVersion);
    f.set_attribute("/", "assumptions", c.assumptions);
    f.set_attribute("/", "dispatch_used", c.meta.dispatch_used);
    write_target_identity(f, c.net, c.targets);
    f.create_group("/campaign");
    write_campaign_attributes(f, c.config, c.tally.n);
    write_summary(f, c.summary);
    write_tables(f, c);
    if (c.save_samples) write_samples(f, c.tally);
    write_tally(f, c.tally);
    f.flush();
    f.close();
  } catch (const h5::Error& e) {
    remove_quietly(tmp);
    throw InputError(path, 0, std::string("cannot write the campaign results file: ") + e.what());
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
  commit_file(tmp, path, "campaign results file");
}

bool is_campaign_file(const std::string& path) {
  h5::silence_errors();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || !h5::is_hdf5(path)) return false;
  try {
    const h5::File f = h5::File::open(path, h5::File::Mode::kReadOnly, "HDF5 could not open it");
    return f.has_attribute("/", "format") && f.string_attribute("/", "format") == kCampaignFormat;
  } catch (const h5::Error&) {
    return false;
  }
}

StoredCampaign read_campaign_file(const std::string& path) {
  h5::silence_errors();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path, 0, "no such file; give an sre campaign file");
  if (!is_campaign_file(path))
    throw InputError(path, 0, "is not an sre campaign file (written by `sre campaign`; format 'sre-campaign')");
  try {
    const h5::File f = h5::File::open(path, h5::File::Mode::kReadOnly, "HDF5 could not open it");
    const auto version = f.attribute<std::int64_t>("/", "format_version");
    if (version != kCampaignFormatVersion)
      throw InputError(path, 0, "campaign format_version " + std::to_string(version) +
                                    " is not known to this sre (it reads version 1)");
    StoredCampaign s;
    s.meta = read_run_metadata(f);
    CampaignShape shape;
    shape.n_buses = f.read_scalar<int>("/campaign/tally/n_buses");
    shape.n_targets = f.read_scalar<int>("/campaign/tally/n_targets");
    shape.hours = f.read_scalar<int>("/campaign/tally/hours");
    if (shape.n_buses < 0 || shape.n_targets < 0 || shape.hours < 0) throw h5::Error("negative tally shape");
    s.tally.reset(shape);
    s.tally.n = f.read_scalar<std::uint64_t>("/campaign/tally/n");
    s.tally.index = f.read<std::uint64_t>("/campaign/tally/index", s.tally.n);
    s.tally.figures = f.read<double>("/campaign/tally/figures", s.tally.n * kCampaignFigures);
    s.tally.set_sum_words(f.read<std::int64_t>("/campaign/tally/sums", s.tally.sum_words().size()));
    return s;
  } catch (const h5::Error& e) {
    throw InputError(path, 0, std::string("cannot read the campaign file: ") + e.what());
  }
}

}  // namespace sre
