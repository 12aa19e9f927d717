#include "campaign/campaign_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "io/csv_table.hpp"
#include "io/input_error.hpp"

namespace sre {

const double kWinterProfile[24] = {0.78, 0.74, 0.72, 0.71, 0.71, 0.73, 0.80, 0.88, 0.93, 0.94, 0.93, 0.92,
                                   0.91, 0.90, 0.90, 0.91, 0.94, 0.99, 1.00, 1.00, 0.98, 0.94, 0.89, 0.83};

namespace {

// Longest campaign accepted: ten years of hours keeps every hour index and count in an int.
constexpr int kMaxDays = 3660;

double number_after(const std::string& value, std::size_t colon, const std::string& option) {
  const std::string s = value.substr(colon + 1);
  std::size_t used = 0;
  double d = NAN;
  try {
    d = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size() || !std::isfinite(d))
    throw InputError("--" + option + " " + value + ": '" + s + "' is not a number");
  return d;
}

std::vector<double> read_profile(const std::string& path, int hours) {
  const CsvTable t = read_csv(path);
  const int col = t.column("factor");
  const int n = static_cast<int>(t.rows.size());
  if (n != hours && n != 24 && n != 168)
    throw InputError(path, t.lines.empty() ? 1 : t.lines.back(),
                     "--demand-profile: the file has " + std::to_string(n) + " rows of `factor`; give " +
                         std::to_string(hours) + " (one per hour of the campaign), 24 (one day, repeated) or 168 (one "
                         "week, repeated)");
  std::vector<double> f(n);
  for (int r = 0; r < n; ++r) {
    f[r] = t.number(r, col);
    if (!(f[r] > 0.0) || !std::isfinite(f[r]))
      throw InputError(path, t.lines[r], "--demand-profile: factor must be a number > 0 (the share of the case's "
                                         "demand in that hour)");
  }
  std::vector<double> alpha(hours);
  for (int h = 0; h < hours; ++h) alpha[h] = f[h % n];
  return alpha;
}

std::vector<double> demand_profile(const std::string& spec, int hours) {
  if (spec == "flat") return std::vector<double>(hours, 1.0);
  if (spec == "winter") {
    std::vector<double> alpha(hours);
    for (int h = 0; h < hours; ++h) alpha[h] = kWinterProfile[h % 24];
    return alpha;
  }
  if (spec.size() > 4 && spec.ends_with(".csv")) return read_profile(spec, hours);
  throw InputError("--demand-profile must be flat, winter or a CSV file with a column `factor`; got '" + spec + "'");
}

std::vector<ReplayWave> read_replay(const std::string& path, const TargetSet& targets, int hours) {
  const CsvTable t = read_csv(path);
  const int ch = t.column("hour"), ct = t.column("target");
  std::map<int, std::vector<int>> by_hour;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const double h = t.number(r, ch);
    if (!(h >= 0.0) || h != std::floor(h) || h > 1e9)
      throw InputError(path, t.lines[r], "--waves: hour must be a whole number >= 0 (hours from the campaign's start)");
    const std::string& name = t.rows[r][ct];
    const int k = targets.find(name);
    if (k < 0)
      throw InputError(path, t.lines[r], "--waves: unknown target '" + name +
                                             "'; use target names as results files list them (/targets/name, "
                                             "`sre rank`), e.g. '" + (targets.size() ? targets.name[0] : "") + "'");
    if (h < hours) by_hour[static_cast<int>(h)].push_back(k);
  }
  std::vector<ReplayWave> waves;
  for (auto& [h, list] : by_hour) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    waves.push_back({h, std::move(list)});
  }
  return waves;
}

void parse_median_sigma(const std::string& value, double& median, double& sigma) {
  const auto colon = value.find(':');
  median = number_after(":" + value.substr(0, colon), 0, "repair-days");
  sigma = colon == std::string::npos ? 0.5 : number_after(value, colon, "repair-days");
  if (!(median > 0.0) || !(sigma >= 0.0) || sigma > 10.0)
    throw InputError("--repair-days takes MEDIAN_DAYS[:SIGMA] with MEDIAN > 0 and 0 <= SIGMA <= 10 (sigma 0: "
                     "deterministic); got '" + value + "'");
}

void read_repair(const std::string& path, const TargetSet& targets, std::vector<double>& median,
                 std::vector<double>& sigma) {
  const CsvTable t = read_csv(path);
  const int ct = t.column("target"), cm = t.column("median_days"), cs = t.column("sigma");
  std::vector<int> line_of(targets.size(), 0);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& name = t.rows[r][ct];
    const int k = targets.find(name);
    if (k < 0) throw InputError(path, t.lines[r], "--repair: unknown target '" + name + "'");
    if (line_of[k] != 0)
      throw InputError(path, t.lines[r], "--repair: target '" + name + "' is listed twice (first on line " +
                                             std::to_string(line_of[k]) + ")");
    line_of[k] = t.lines[r];
    median[k] = t.number(r, cm);
    sigma[k] = t.number(r, cs);
    if (!(median[k] > 0.0) || !(sigma[k] >= 0.0) || sigma[k] > 10.0 || !std::isfinite(median[k]))
      throw InputError(path, t.lines[r], "--repair: need median_days > 0 and 0 <= sigma <= 10");
  }
}

}  // namespace

CampaignConfig resolve_campaign(const CampaignOptions& o, const TargetSet& targets, const ResponseOptions& transient) {
  CampaignConfig c;
  c.given = o;
  if (o.days < 1 || o.days > kMaxDays)
    throw InputError("--days must be between 1 and " + std::to_string(kMaxDays) + "; got " + std::to_string(o.days));
  c.hours = 24 * o.days;
  c.alpha = demand_profile(o.demand_profile, c.hours);

  const std::string& w = o.waves;
  if (w.starts_with("every:") || w.starts_with("poisson:")) {
    c.wave_kind = w.starts_with("every:") ? WaveKind::kEvery : WaveKind::kPoisson;
    c.wave_days = number_after(w, w.find(':'), "waves");
    if (!(c.wave_days > 0.0) || c.wave_days > 1e6)
      throw InputError("--waves " + w + ": the days between waves must be > 0");
    if (c.wave_kind == WaveKind::kEvery && 24.0 * c.wave_days < 1.0)
      throw InputError("--waves " + w + ": waves less than an hour apart all fall in one hour; give D >= 1/24");
  } else if (w.size() > 4 && w.ends_with(".csv")) {
    c.wave_kind = WaveKind::kReplay;
    c.replay = read_replay(w, targets, c.hours);
  } else {
    throw InputError("--waves must be every:DAYS, poisson:DAYS or a CSV file with columns hour,target; got '" + w +
                     "'");
  }

  double median = 14.0, sigma = 0.5;
  parse_median_sigma(o.repair_days, median, sigma);
  c.repair_median_days.assign(targets.size(), median);
  c.repair_sigma.assign(targets.size(), sigma);
  if (!o.repair.empty()) read_repair(o.repair, targets, c.repair_median_days, c.repair_sigma);

  if (o.crews < 0) throw InputError("--crews must be >= 0 (0: unlimited)");
  c.crews = o.crews;
  if (o.transient_hours < 0) throw InputError("--transient-hours must be >= 0");
  c.transient_hours = o.transient_hours;
  c.steady = transient;
  c.steady.kind = parse_response(o.steady_response);
  if (!(o.heat_deadline_hours >= 0.0) || !std::isfinite(o.heat_deadline_hours))
    throw InputError("--heat-deadline-hours must be >= 0");
  if (!(o.rotation_cycle_hours >= 0.0) || !std::isfinite(o.rotation_cycle_hours))
    throw InputError("--rotation-cycle-hours must be >= 0");
  if (!(o.split_share > 0.0) || o.split_share > 1.0) throw InputError("--split-share must be in (0, 1]");
  c.heat_deadline_hours = o.heat_deadline_hours;
  c.rotation_cycle_hours = o.rotation_cycle_hours;
  c.split_share = o.split_share;
  return c;
}

namespace {
// The shortest text that reads back to the same double (0.1, not 0.10000000000000001).
std::string shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
}  // namespace

std::string campaign_to_ini(const CampaignOptions& o) {
  std::ostringstream s;
  s << "days = " << o.days << "\n"
    << "demand-profile = " << o.demand_profile << "\n"
    << "waves = " << o.waves << "\n"
    << "repair-days = " << o.repair_days << "\n";
  if (!o.repair.empty()) s << "repair = " << o.repair << "\n";
  s << "crews = " << o.crews << "\n"
    << "transient-hours = " << o.transient_hours << "\n"
    << "steady-response = " << o.steady_response << "\n"
    << "heat-deadline-hours = " << shortest(o.heat_deadline_hours) << "\n"
    << "rotation-cycle-hours = " << shortest(o.rotation_cycle_hours) << "\n"
    << "split-share = " << shortest(o.split_share) << "\n";
  return s.str();
}

}  // namespace sre
