#include "model/targets.hpp"

#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "io/csv_table.hpp"
#include "io/input_error.hpp"
#include "kernels/union_find.hpp"

namespace sre {
namespace {

// Builds the CSR from a group label per bus (-1 = none); targets ordered by lowest bus.
TargetSet from_labels(const Network& net, const std::vector<int>& label, int n_labels, std::string kind,
                      const std::vector<std::string>* label_names) {
  TargetSet t;
  t.kind = std::move(kind);
  std::vector<int> order(n_labels, -1);
  int n = 0;
  for (int i = 0; i < net.n_bus(); ++i)
    if (label[i] >= 0 && order[label[i]] < 0) order[label[i]] = n++;
  t.offset.assign(n + 1, 0);
  t.target_of_bus.assign(net.n_bus(), -1);
  for (int i = 0; i < net.n_bus(); ++i)
    if (label[i] >= 0) {
      t.target_of_bus[i] = order[label[i]];
      ++t.offset[order[label[i]] + 1];
    }
  for (int k = 0; k < n; ++k) t.offset[k + 1] += t.offset[k];
  t.buses.resize(t.offset[n]);
  std::vector<int> fill(t.offset.begin(), t.offset.end() - 1);
  for (int i = 0; i < net.n_bus(); ++i)
    if (t.target_of_bus[i] >= 0) t.buses[fill[t.target_of_bus[i]]++] = i;
  t.name.resize(n);
  for (int l = 0; l < n_labels; ++l) {
    if (order[l] < 0) continue;
    if (label_names) {
      t.name[order[l]] = (*label_names)[l];
    } else {
      std::string nm;
      for (int p = t.offset[order[l]]; p < t.offset[order[l] + 1]; ++p)
        nm += (nm.empty() ? "" : "+") + std::to_string(net.bus_id[t.buses[p]]);
      t.name[order[l]] = nm;
    }
  }
  return t;
}

bool is_transformer(const Network& net, int e) {
  const double tap = net.br_tap[e];
  if (std::abs(tap - 1.0) > 1e-9) return true;
  const double kf = net.bus_base_kv[net.br_from[e]], kt = net.bus_base_kv[net.br_to[e]];
  return kf > 0.0 && kt > 0.0 && kf != kt;
}

}  // namespace

int TargetSet::find(const std::string& target_name) const {
  for (int t = 0; t < size(); ++t)
    if (name[t] == target_name) return t;
  return -1;
}

TargetSet make_bus_targets(const Network& net) {
  std::vector<int> label(net.n_bus(), -1);
  for (int i = 0; i < net.n_bus(); ++i)
    if (net.bus_in_service[i]) label[i] = i;
  return from_labels(net, label, net.n_bus(), "bus", nullptr);
}

TargetSet make_transformer_group_targets(const Network& net) {
  kernels::UnionFind sets(net.n_bus());
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e] && is_transformer(net, e)) sets.unite(net.br_from[e], net.br_to[e]);
  std::vector<int> label(net.n_bus(), -1);
  for (int i = 0; i < net.n_bus(); ++i)
    if (net.bus_in_service[i]) label[i] = sets.find(i);
  return from_labels(net, label, net.n_bus(), "transformer-groups", nullptr);
}

TargetSet read_target_csv(const Network& net, const std::string& path) {
  const CsvTable csv = read_csv(path);
  const int c_bus = csv.column("bus_id"), c_name = csv.column("substation");
  std::vector<int> label(net.n_bus(), -1);
  std::vector<std::string> names;
  std::map<std::string, int> label_of;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const double v = csv.number(r, c_bus);
    const int i = net.bus_index(static_cast<std::int64_t>(v));
    if (i < 0 || v != std::floor(v))
      throw InputError(path, csv.lines[r], "bus_id " + csv.rows[r][c_bus] + " is not a bus of the case");
    if (!net.bus_in_service[i])
      throw InputError(path, csv.lines[r], "bus " + csv.rows[r][c_bus] + " is out of service and cannot be a target");
    if (label[i] >= 0) throw InputError(path, csv.lines[r], "bus " + csv.rows[r][c_bus] + " is listed twice");
    const std::string& nm = csv.rows[r][c_name];
    if (nm.empty()) throw InputError(path, csv.lines[r], "empty substation name");
    auto [it, inserted] = label_of.emplace(nm, static_cast<int>(names.size()));
    if (inserted) names.push_back(nm);
    label[i] = it->second;
  }
  if (names.empty()) throw InputError(path, 0, "no targets listed (expected rows of bus_id,substation)");
  return from_labels(net, label, static_cast<int>(names.size()), path, &names);
}

TargetSet make_targets(const Network& net, const std::string& spec) {
  if (spec == "bus") return make_bus_targets(net);
  if (spec == "transformer-groups") return make_transformer_group_targets(net);
  if (spec.size() > 4 && spec.substr(spec.size() - 4) == ".csv") return read_target_csv(net, spec);
  throw InputError("--targets '" + spec + "': allowed values are bus, transformer-groups or a FILE.csv with columns bus_id,substation");
}

std::vector<double> read_target_column(const TargetSet& targets, const std::string& path, const std::string& column,
                                       double fallback, const std::string& option) {
  const CsvTable csv = read_csv(path);
  const int c_target = csv.column("target"), c_value = csv.column(column);
  std::vector<double> v(targets.size(), fallback);
  std::vector<std::uint8_t> seen(targets.size(), 0);
  std::unordered_map<std::string, int> index;
  for (int t = 0; t < targets.size(); ++t) index.emplace(targets.name[t], t);
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto it = index.find(csv.rows[r][c_target]);
    if (it == index.end())
      throw InputError(path, csv.lines[r], option + ": target '" + csv.rows[r][c_target] +
                                               "' is not a target of this study (targets are " + targets.kind + ")");
    if (seen[it->second]) throw InputError(path, csv.lines[r], option + ": target '" + csv.rows[r][c_target] + "' is listed twice");
    seen[it->second] = 1;
    v[it->second] = csv.number(r, c_value);
  }
  return v;
}

WeightKind parse_weight_kind(const std::string& spec) {
  if (spec == "degree") return WeightKind::kDegree;
  if (spec == "demand") return WeightKind::kDemand;
  if (spec == "generation") return WeightKind::kGeneration;
  if (spec == "throughput") return WeightKind::kThroughput;
  if (spec.find(':') != std::string::npos) return WeightKind::kPerTarget;
  throw InputError("--weights '" + spec + "': allowed values are degree, demand, generation, throughput or FILE.csv:COLUMN");
}

std::vector<double> target_weights(const Network& net, const TargetSet& targets, WeightKind kind,
                                   const std::vector<double>& base_flow_mw) {
  const int nt = targets.size();
  std::vector<double> w(nt, 0.0);
  if (kind == WeightKind::kDemand || kind == WeightKind::kGeneration) {
    for (int t = 0; t < nt; ++t)
      for (int p = targets.offset[t]; p < targets.offset[t + 1]; ++p) {
        const int i = targets.buses[p];
        w[t] += kind == WeightKind::kDemand ? net.bus_demand_pos[i] : net.bus_supply_cap[i];
      }
    return w;
  }
  if (kind == WeightKind::kDegree || kind == WeightKind::kThroughput) {
    for (int e = 0; e < net.n_branch(); ++e) {
      if (!net.br_in_service[e]) continue;
      const double v = kind == WeightKind::kDegree ? 1.0 : std::abs(base_flow_mw[e]);
      const int tf = targets.target_of_bus[net.br_from[e]], tt = targets.target_of_bus[net.br_to[e]];
      if (tf >= 0) w[tf] += v;
      if (tt >= 0 && tt != tf) w[tt] += v;  // a branch inside one target counts once
    }
    return w;
  }
  throw std::logic_error("target_weights: per-target weights are read, not computed");
}

std::vector<double> read_target_weights(const TargetSet& targets, const std::string& spec) {
  const auto [path, column] = split_file_column(spec, "--weights");
  std::vector<double> w = read_target_column(targets, path, column, 0.0, "--weights");
  for (int t = 0; t < targets.size(); ++t)
    if (w[t] < 0.0) throw InputError(path, 0, "--weights: weight of target '" + targets.name[t] + "' is negative");
  return w;
}

}  // namespace sre
