#pragma once
// Targets: the things a strike destroys (model section 3). Each target is a set
// of buses; by default every in-service bus is its own target. Designed so that
// generators and branches can become targets later (they would add element lists
// beside `buses`).
#include <string>
#include <vector>

#include "model/network.hpp"

namespace sre {

struct TargetSet {
  std::string kind;  // "bus", "transformer-groups" or the CSV path
  std::vector<std::string> name;
  std::vector<int> offset, buses;  // CSR: buses of target t are buses[offset[t] .. offset[t+1])
  std::vector<int> target_of_bus;  // -1 when a bus belongs to no target

  int size() const { return static_cast<int>(name.size()); }
  int n_buses(int t) const { return offset[t + 1] - offset[t]; }
  // Index of a target by name, or -1.
  int find(const std::string& target_name) const;
};

// --targets bus | transformer-groups | FILE.csv
TargetSet make_targets(const Network& net, const std::string& spec);

TargetSet make_bus_targets(const Network& net);
// Buses joined by transformers (tap neither 0 nor within 1e-9 of 1, or ends of
// different positive base kV) form one target.
TargetSet make_transformer_group_targets(const Network& net);
// CSV with columns bus_id,substation: buses of one substation form one target.
// Buses not listed are not targets.
TargetSet read_target_csv(const Network& net, const std::string& path);

// Weights for the weighted strike model (model section 4): computed from the network
// (degree, demand, generation, throughput) or read per target from FILE.csv:COLUMN.
enum class WeightKind { kDegree, kDemand, kGeneration, kThroughput, kPerTarget };
// degree | demand | generation | throughput | FILE.csv:COLUMN (kPerTarget); throws InputError.
WeightKind parse_weight_kind(const std::string& spec);
// A computed kind's weights (not kPerTarget). base_flow_mw: intact-network flows (for throughput).
std::vector<double> target_weights(const Network& net, const TargetSet& targets, WeightKind kind,
                                   const std::vector<double>& base_flow_mw);
// --weights FILE.csv:COLUMN (CSV with a `target` column), checked >= 0; throws InputError.
std::vector<double> read_target_weights(const TargetSet& targets, const std::string& spec);

// Per-target values from FILE.csv:COLUMN, keyed by the `target` column; targets
// not listed get `fallback`. Used for weights, probabilities and defence plans.
std::vector<double> read_target_column(const TargetSet& targets, const std::string& path, const std::string& column,
                                       double fallback, const std::string& option);

}  // namespace sre
