#include "model/targets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "io/csv_table.hpp"
#include "io/input_error.hpp"
#include "kernels/union_find.hpp"

namespace sre {
namespace {

// One target before the set is assembled.
struct Proto {
  std::string name;
  TargetClass cls = TargetClass::kBus;
  std::vector<int> buses, branches, gens;
  // Where a file defines the target (its first line), for errors; empty for a class's own.
  std::string file;
  int line = 0;
};

// Bus-class targets from a group label per bus (-1 = none); targets ordered by lowest bus,
// buses ascending within each.
std::vector<Proto> from_labels(const Network& net, const std::vector<int>& label, int n_labels,
                               const std::vector<std::string>* label_names) {
  std::vector<int> order(n_labels, -1);
  int n = 0;
  for (int i = 0; i < net.n_bus(); ++i)
    if (label[i] >= 0 && order[label[i]] < 0) order[label[i]] = n++;
  std::vector<Proto> out(n);
  for (int i = 0; i < net.n_bus(); ++i)
    if (label[i] >= 0) out[order[label[i]]].buses.push_back(i);
  for (int l = 0; l < n_labels; ++l) {
    if (order[l] < 0) continue;
    Proto& t = out[order[l]];
    if (label_names) {
      t.name = (*label_names)[l];
    } else {
      for (int i : t.buses) t.name += (t.name.empty() ? "" : "+") + std::to_string(net.bus_id[i]);
    }
  }
  return out;
}

// The set from targets of any classes: ordered class by class (stable within a class).
TargetSet assemble(const Network& net, std::string kind, std::vector<Proto> protos) {
  std::stable_sort(protos.begin(), protos.end(),
                   [](const Proto& a, const Proto& b) { return a.cls < b.cls; });
  TargetSet t;
  t.kind = std::move(kind);
  const int n = static_cast<int>(protos.size());
  t.offset.assign(1, 0);
  t.branch_offset.assign(1, 0);
  t.gen_offset.assign(1, 0);
  t.target_of_bus.assign(net.n_bus(), -1);
  std::unordered_map<std::string, int> seen;
  for (int k = 0; k < n; ++k) {
    Proto& p = protos[k];
    if (const auto [it, inserted] = seen.emplace(p.name, k); !inserted) {
      // Name the file and line that define one of the two (a class's own targets have none).
      const Proto& other = protos[it->second];
      const Proto& located = p.file.empty() ? other : p;
      const Proto& elsewhere = p.file.empty() ? p : other;
      std::string what = "--targets " + t.kind + ": two targets are named '" + p.name + "'";
      if (!elsewhere.file.empty()) what += " (also at " + elsewhere.file + ":" + std::to_string(elsewhere.line) + ")";
      what += "; give the targets of the element,target file names no other target has";
      if (located.file.empty()) throw InputError(what);
      throw InputError(located.file, located.line, what);
    }
    for (int i : p.buses) t.target_of_bus[i] = k;
    t.buses.insert(t.buses.end(), p.buses.begin(), p.buses.end());
    t.branches.insert(t.branches.end(), p.branches.begin(), p.branches.end());
    t.gens.insert(t.gens.end(), p.gens.begin(), p.gens.end());
    t.offset.push_back(static_cast<int>(t.buses.size()));
    t.branch_offset.push_back(static_cast<int>(t.branches.size()));
    t.gen_offset.push_back(static_cast<int>(t.gens.size()));
    t.name.push_back(std::move(p.name));
    t.target_class.push_back(p.cls);
  }
  for (int c = 0; c <= kTargetClasses; ++c) {
    int b = 0;
    while (b < n && static_cast<int>(t.target_class[b]) < c) ++b;
    t.class_begin[c] = b;
  }
  return t;
}

bool is_transformer(const Network& net, int e) {
  const double tap = net.br_tap[e];
  if (std::abs(tap - 1.0) > 1e-9) return true;
  const double kf = net.bus_base_kv[net.br_from[e]], kt = net.bus_base_kv[net.br_to[e]];
  return kf > 0.0 && kt > 0.0 && kf != kt;
}

// Elements an element,target file gave to its own targets (not to a class's).
struct Taken {
  std::vector<std::uint8_t> bus, branch, gen;
  explicit Taken(const Network& net) : bus(net.n_bus(), 0), branch(net.n_branch(), 0), gen(net.n_gen(), 0) {}
};

std::vector<Proto> bus_protos(const Network& net, const Taken& taken) {
  std::vector<int> label(net.n_bus(), -1);
  for (int i = 0; i < net.n_bus(); ++i)
    if (net.bus_in_service[i] && !taken.bus[i]) label[i] = i;
  return from_labels(net, label, net.n_bus(), nullptr);
}

std::vector<Proto> transformer_group_protos(const Network& net, const Taken& taken) {
  kernels::UnionFind sets(net.n_bus());
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e] && is_transformer(net, e)) sets.unite(net.br_from[e], net.br_to[e]);
  std::vector<int> label(net.n_bus(), -1);
  for (int i = 0; i < net.n_bus(); ++i)
    if (net.bus_in_service[i] && !taken.bus[i]) label[i] = sets.find(i);
  return from_labels(net, label, net.n_bus(), nullptr);
}

std::vector<Proto> substation_protos(const Network& net, const std::string& path, const CsvTable& csv,
                                     const Taken& taken) {
  const int c_bus = csv.column("bus_id"), c_name = csv.column("substation");
  std::vector<int> label(net.n_bus(), -1);
  std::vector<std::string> names;
  std::vector<int> first_line;
  std::map<std::string, int> label_of;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const double v = csv.number(r, c_bus);
    const int i = net.bus_index(static_cast<std::int64_t>(v));
    if (i < 0 || v != std::floor(v))
      throw InputError(path, csv.lines[r], "bus_id " + csv.rows[r][c_bus] + " is not a bus of the case");
    if (!net.bus_in_service[i])
      throw InputError(path, csv.lines[r], "bus " + csv.rows[r][c_bus] + " is out of service and cannot be a target");
    if (label[i] >= 0) throw InputError(path, csv.lines[r], "bus " + csv.rows[r][c_bus] + " is listed twice");
    if (taken.bus[i])
      throw InputError(path, csv.lines[r], "bus " + csv.rows[r][c_bus] +
                                               " is also in the element,target file; list each bus in one file only");
    const std::string& nm = csv.rows[r][c_name];
    if (nm.empty()) throw InputError(path, csv.lines[r], "empty substation name");
    auto [it, inserted] = label_of.emplace(nm, static_cast<int>(names.size()));
    if (inserted) {
      names.push_back(nm);
      first_line.push_back(csv.lines[r]);
    }
    label[i] = it->second;
  }
  if (names.empty()) throw InputError(path, 0, "no targets listed (expected rows of bus_id,substation)");
  std::vector<Proto> out = from_labels(net, label, static_cast<int>(names.size()), &names);
  for (Proto& p : out) {
    p.file = path;
    p.line = first_line[label_of.at(p.name)];
  }
  return out;
}

// The case's own substations (PSS/E revision 35 substation data), named by the case.
std::vector<Proto> case_substation_protos(const Network& net, const Taken& taken) {
  if (!net.has_substations)
    throw InputError("--targets substations: " + net.source + " (" + net.format +
                     ") has no substation data; substations come with PSS/E RAW revision 35 cases that have a "
                     "SUBSTATION DATA section, or RAWX files with 'sub' and 'subnode' tables. For this case use bus, "
                     "transformer-groups or a bus_id,substation CSV");
  std::vector<int> label(net.n_bus(), -1);
  const int n = static_cast<int>(net.substation_name.size());
  for (int s = 0; s < n; ++s)
    for (int p = net.substation_offset[s]; p < net.substation_offset[s + 1]; ++p) {
      const int i = net.substation_bus[p];
      if (net.bus_in_service[i] && !taken.bus[i]) label[i] = s;
    }
  std::vector<Proto> out = from_labels(net, label, n, &net.substation_name);
  for (Proto& p : out) {
    const int s = label[p.buses.front()];
    p.file = net.source;
    p.line = net.substation_line[s];
  }
  return out;
}

// Targets of an element,target file, in order of first appearance; marks their elements.
std::vector<Proto> element_protos(const Network& net, const std::string& path, const CsvTable& csv, Taken& taken) {
  const int c_element = csv.column("element"), c_target = csv.column("target");
  std::vector<Proto> out;
  std::unordered_map<std::string, int> index;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const int line = csv.lines[r];
    const ElementRef el = parse_element(net, csv.rows[r][c_element], path, line);
    std::uint8_t& mark = el.kind == TargetClass::kBus      ? taken.bus[el.index]
                         : el.kind == TargetClass::kBranch ? taken.branch[el.index]
                                                           : taken.gen[el.index];
    if (mark) throw InputError(path, line, "element " + csv.rows[r][c_element] + " is listed twice; an element belongs to one target");
    mark = 1;
    const std::string& nm = csv.rows[r][c_target];
    if (nm.empty()) throw InputError(path, line, "empty target name");
    auto [it, inserted] = index.emplace(nm, static_cast<int>(out.size()));
    if (inserted) out.push_back(Proto{nm, TargetClass::kBus, {}, {}, {}, path, line});
    Proto& t = out[it->second];
    (el.kind == TargetClass::kBus ? t.buses : el.kind == TargetClass::kBranch ? t.branches : t.gens).push_back(el.index);
  }
  if (out.empty()) throw InputError(path, 0, "no targets listed (expected rows of element,target)");
  for (Proto& t : out) {
    // A target with a bus is a substation; else one with a unit is a plant; else a branch cut.
    t.cls = !t.buses.empty() ? TargetClass::kBus : !t.gens.empty() ? TargetClass::kGenerator : TargetClass::kBranch;
    for (auto* v : {&t.buses, &t.branches, &t.gens}) std::sort(v->begin(), v->end());
  }
  return out;
}

bool ends_with_csv(const std::string& s) { return s.size() > 4 && s.compare(s.size() - 4, 4, ".csv") == 0; }

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  for (auto& v : out) {
    const auto a = v.find_first_not_of(" \t"), b = v.find_last_not_of(" \t");
    v = a == std::string::npos ? std::string() : v.substr(a, b - a + 1);
  }
  return out;
}

}  // namespace

const char* to_string(TargetClass c) {
  switch (c) {
    case TargetClass::kBus: return "bus";
    case TargetClass::kBranch: return "branch";
    case TargetClass::kGenerator: return "generator";
  }
  return "?";
}

TargetClass parse_target_class(const std::string& name, const std::string& option) {
  if (name == "bus") return TargetClass::kBus;
  if (name == "branch") return TargetClass::kBranch;
  if (name == "generator" || name == "gen") return TargetClass::kGenerator;
  throw InputError(option + ": unknown target class '" + name + "'; the classes are bus, branch and generator");
}

int TargetSet::find(const std::string& target_name) const {
  for (int t = 0; t < size(); ++t)
    if (name[t] == target_name) return t;
  return -1;
}

std::vector<std::string> TargetSet::element_names(const Network& net, int t) const {
  std::vector<std::string> out;
  for (int p = offset[t]; p < offset[t + 1]; ++p) out.push_back("bus:" + std::to_string(net.bus_id[buses[p]]));
  for (int p = branch_offset[t]; p < branch_offset[t + 1]; ++p) out.push_back("branch:" + std::to_string(branches[p] + 1));
  for (int p = gen_offset[t]; p < gen_offset[t + 1]; ++p) out.push_back("gen:" + std::to_string(gens[p] + 1));
  return out;
}

ElementRef parse_element(const Network& net, const std::string& text, const std::string& file, int line) {
  auto fail = [&](const std::string& what) -> InputError {
    return file.empty() ? InputError(what) : InputError(file, line, what);
  };
  const auto colon = text.find(':');
  const std::string kind = colon == std::string::npos ? std::string() : text.substr(0, colon);
  const std::string value = colon == std::string::npos ? text : text.substr(colon + 1);
  char* end = nullptr;
  const long long number = std::strtoll(value.c_str(), &end, 10);
  const bool whole = !value.empty() && end && *end == '\0';
  if (kind != "bus" && kind != "branch" && kind != "gen")
    throw fail("element '" + text + "': write bus:ID (a bus id), branch:ROW or gen:ROW (1-based rows of mpc.branch, mpc.gen)");
  if (!whole) throw fail("element '" + text + "': '" + value + "' is not a whole number");
  if (kind == "bus") {
    const int i = net.bus_index(number);
    if (i < 0) throw fail("element '" + text + "': no bus has id " + value);
    if (!net.bus_in_service[i]) throw fail("element '" + text + "': the bus is out of service and cannot be a target");
    return {TargetClass::kBus, i};
  }
  if (kind == "branch") {
    if (number < 1 || number > net.n_branch())
      throw fail("element '" + text + "': the case has branch rows 1 to " + std::to_string(net.n_branch()));
    const int e = static_cast<int>(number - 1);
    if (!net.br_in_service[e]) throw fail("element '" + text + "': the branch is out of service and cannot be a target");
    return {TargetClass::kBranch, e};
  }
  if (number < 1 || number > net.n_gen())
    throw fail("element '" + text + "': the case has generator rows 1 to " + std::to_string(net.n_gen()));
  const int g = static_cast<int>(number - 1);
  if (!net.gen_in_service[g]) throw fail("element '" + text + "': the generator is out of service and cannot be a target");
  if (net.gen_pg[g] < 0.0)
    throw fail("element '" + text + "': the generator has Pg < 0, a demand (model section 1), never a target");
  return {TargetClass::kGenerator, g};
}

TargetSet make_bus_targets(const Network& net) { return assemble(net, "bus", bus_protos(net, Taken(net))); }

TargetSet make_transformer_group_targets(const Network& net) {
  return assemble(net, "transformer-groups", transformer_group_protos(net, Taken(net)));
}

TargetSet read_target_csv(const Network& net, const std::string& path) {
  return assemble(net, path, substation_protos(net, path, read_csv(path), Taken(net)));
}

TargetSet make_targets(const Network& net, const std::string& spec) {
  const std::string allowed =
      "allowed: bus, transformer-groups, substations, branch, generator, FILE.csv (bus_id,substation or element,target), "
      "or a comma-separated union such as bus,generator";
  std::string substations;  // bus | transformer-groups | a bus_id,substation file
  std::string element_file;
  CsvTable substation_csv;
  bool branches = false, generators = false;
  for (const std::string& token : split_commas(spec)) {
    std::string sub;
    if (token == "bus" || token == "transformer-groups" || token == "substations") {
      sub = token;
    } else if (token == "branch") {
      branches = true;
    } else if (token == "generator") {
      generators = true;
    } else if (ends_with_csv(token)) {
      CsvTable csv = read_csv(token);
      const bool by_element = std::find(csv.header.begin(), csv.header.end(), "element") != csv.header.end();
      if (by_element) {
        if (!element_file.empty())
          throw InputError("--targets " + spec + ": two element,target files; merge them into one");
        element_file = token;
      } else {
        sub = token;
        substation_csv = std::move(csv);
      }
    } else {
      throw InputError("--targets '" + spec + "': '" + token + "' is not a target class or a .csv file; " + allowed);
    }
    if (!sub.empty()) {
      if (!substations.empty())
        throw InputError("--targets " + spec + ": '" + substations + "' and '" + sub +
                         "' both define the substations; choose one");
      substations = sub;
    }
  }
  Taken taken(net);
  std::vector<Proto> protos;
  if (!element_file.empty()) protos = element_protos(net, element_file, read_csv(element_file), taken);
  auto add = [&](std::vector<Proto> more) {
    for (Proto& p : more) protos.push_back(std::move(p));
  };
  if (substations == "bus") add(bus_protos(net, taken));
  else if (substations == "transformer-groups") add(transformer_group_protos(net, taken));
  else if (substations == "substations") add(case_substation_protos(net, taken));
  else if (!substations.empty()) add(substation_protos(net, substations, substation_csv, taken));
  if (branches)
    for (int e = 0; e < net.n_branch(); ++e)
      if (net.br_in_service[e] && !taken.branch[e])
        protos.push_back(Proto{"branch:" + std::to_string(e + 1), TargetClass::kBranch, {}, {e}, {}, {}, 0});
  if (generators)
    for (int g = 0; g < net.n_gen(); ++g)
      if (net.gen_in_service[g] && net.gen_pg[g] >= 0.0 && !taken.gen[g])
        protos.push_back(Proto{"gen:" + std::to_string(g + 1), TargetClass::kGenerator, {}, {}, {g}, {}, 0});
  // Within a class the file's targets come first (in the file's order), then the class's own.
  TargetSet t = assemble(net, spec, std::move(protos));
  if (t.size() == 0) throw InputError("--targets " + spec + ": no targets (every element is out of service)");
  return t;
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
    for (int t = 0; t < nt; ++t) {
      for (int p = targets.offset[t]; p < targets.offset[t + 1]; ++p) {
        const int i = targets.buses[p];
        w[t] += kind == WeightKind::kDemand ? net.bus_demand_pos[i] : net.bus_supply_cap[i];
      }
      if (kind == WeightKind::kGeneration)
        for (int p = targets.gen_offset[t]; p < targets.gen_offset[t + 1]; ++p) {
          const int g = targets.gens[p];
          if (targets.target_of_bus[net.gen_bus[g]] != t) w[t] += std::max(net.gen_pmax[g], net.gen_pg[g]);
        }
    }
    return w;
  }
  if (kind == WeightKind::kDegree || kind == WeightKind::kThroughput) {
    auto value = [&](int e) { return kind == WeightKind::kDegree ? 1.0 : std::abs(base_flow_mw[e]); };
    for (int e = 0; e < net.n_branch(); ++e) {
      if (!net.br_in_service[e]) continue;
      const double v = value(e);
      const int tf = targets.target_of_bus[net.br_from[e]], tt = targets.target_of_bus[net.br_to[e]];
      if (tf >= 0) w[tf] += v;
      if (tt >= 0 && tt != tf) w[tt] += v;  // a branch inside one target counts once
    }
    for (int t = 0; t < nt; ++t)  // a target's own branches, unless counted at its buses
      for (int p = targets.branch_offset[t]; p < targets.branch_offset[t + 1]; ++p) {
        const int e = targets.branches[p];
        if (targets.target_of_bus[net.br_from[e]] != t && targets.target_of_bus[net.br_to[e]] != t) w[t] += value(e);
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
