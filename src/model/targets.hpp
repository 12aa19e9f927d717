#pragma once
// Targets: the things a strike destroys (model section 3). Each target is a set of network
// elements (buses, branches, generators) and belongs to one class: bus (a substation:
// one bus, a transformer group or a named group of buses), branch (a line or transformer
// cut, named branch:ROW) or generator (a plant unit, named gen:ROW); ROW is the 1-based
// row of the case's table. Targets are ordered class by class (bus, branch, generator),
// so each class is a contiguous range of target indices: per-class strike budgets draw
// within it.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/network.hpp"

namespace sre {

enum class TargetClass : std::uint8_t { kBus = 0, kBranch = 1, kGenerator = 2 };
inline constexpr int kTargetClasses = 3;
// "bus", "branch", "generator"
const char* to_string(TargetClass c);
// bus | branch | generator; throws InputError naming `option`.
TargetClass parse_target_class(const std::string& name, const std::string& option);

struct TargetSet {
  std::string kind;  // the --targets value
  std::vector<std::string> name;
  std::vector<TargetClass> target_class;
  // CSR per element kind: buses of target t are buses[offset[t] .. offset[t+1]), its
  // branch rows branches[branch_offset[t] .. branch_offset[t+1]), its generator rows
  // gens[gen_offset[t] .. gen_offset[t+1]) (0-based indices into the network's tables).
  std::vector<int> offset, buses;
  std::vector<int> branch_offset, branches;
  std::vector<int> gen_offset, gens;
  std::vector<int> target_of_bus;  // -1 when a bus belongs to no target
  // Targets of class c are [class_begin[c], class_begin[c + 1]).
  std::array<int, kTargetClasses + 1> class_begin{};

  int size() const { return static_cast<int>(name.size()); }
  int n_buses(int t) const { return offset[t + 1] - offset[t]; }
  int n_branches(int t) const { return branch_offset[t + 1] - branch_offset[t]; }
  int n_gens(int t) const { return gen_offset[t + 1] - gen_offset[t]; }
  int class_size(TargetClass c) const {
    return class_begin[static_cast<int>(c) + 1] - class_begin[static_cast<int>(c)];
  }
  // Index of a target by name, or -1.
  int find(const std::string& target_name) const;
  // The target's elements as `bus:ID`, `branch:ROW`, `gen:ROW` (ROW 1-based), in that order.
  std::vector<std::string> element_names(const Network& net, int t) const;
};

// --targets: a comma-separated union of
//   bus | transformer-groups | substations | FILE.csv (bus_id,substation)
//                                                             the substations (one of them);
//                                                             `substations`: the case's own
//                                                             (PSS/E revision 35 substation data)
//   branch                                                    each in-service branch
//   generator                                                 each in-service unit with Pg >= 0
//   FILE.csv (element,target)                                 named targets of any elements
// Elements an element,target file names belong to its targets only (not also to a class's
// own targets). Throws InputError naming the file and line, or the option.
TargetSet make_targets(const Network& net, const std::string& spec);

TargetSet make_bus_targets(const Network& net);
// Buses joined by transformers (tap neither 0 nor within 1e-9 of 1, or ends of
// different positive base kV) form one target.
TargetSet make_transformer_group_targets(const Network& net);
// CSV with columns bus_id,substation: buses of one substation form one target.
// Buses not listed are not targets.
TargetSet read_target_csv(const Network& net, const std::string& path);

// Parses one element name (bus:ID, branch:ROW, gen:ROW) into its kind and 0-based index;
// `where` prefixes the error (file and line, or the option). Throws InputError when the
// element does not exist or is out of service (a generator with Pg < 0 is a demand, never
// an element to strike).
struct ElementRef {
  TargetClass kind;
  int index;
};
ElementRef parse_element(const Network& net, const std::string& text, const std::string& where_file, int where_line);

// Weights for the weighted strike model (model section 4): computed from the network
// (degree, demand, generation, throughput) or read per target from FILE.csv:COLUMN.
enum class WeightKind { kDegree, kDemand, kGeneration, kThroughput, kPerTarget };
// degree | demand | generation | throughput | FILE.csv:COLUMN (kPerTarget); throws InputError.
WeightKind parse_weight_kind(const std::string& spec);
// A computed kind's weights (not kPerTarget). base_flow_mw: intact-network flows (for
// throughput). A target's weight covers all its elements: degree counts the in-service
// branch rows at its buses and its own branches, each once; demand, its buses' demand;
// generation, the capacity at its buses plus that of its own units; throughput, the
// |base flow| of the branches degree counts.
std::vector<double> target_weights(const Network& net, const TargetSet& targets, WeightKind kind,
                                   const std::vector<double>& base_flow_mw);
// --weights FILE.csv:COLUMN (CSV with a `target` column), checked >= 0; throws InputError.
std::vector<double> read_target_weights(const TargetSet& targets, const std::string& spec);

// Per-target values from FILE.csv:COLUMN, keyed by the `target` column; targets
// not listed get `fallback`. Used for weights, probabilities and defence plans.
std::vector<double> read_target_column(const TargetSet& targets, const std::string& path, const std::string& column,
                                       double fallback, const std::string& option);

}  // namespace sre
