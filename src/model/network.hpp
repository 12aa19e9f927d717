#pragma once
// The read-only network a study runs on, built once from a case file.
// Struct of arrays, indexed by file row (bus, generator, branch), so that
// indices in outputs are the user's row numbers minus one. The hot loop reads
// only the per-bus aggregates and the branch arrays.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/case_data.hpp"

namespace sre {

struct Network {
  std::string source;
  std::string format;  // "MATPOWER", "PSS/E RAW revision 33", ...
  double base_mva = 100.0;

  // --- buses (every row of the bus table) ---
  std::vector<std::int64_t> bus_id;
  std::vector<int> bus_type;
  std::vector<double> bus_pd, bus_gs, bus_base_kv, bus_va_deg;
  std::vector<std::uint8_t> bus_in_service;
  // Model section 1: d_i = Pd + Gs - sum(Pg < 0 of in-service generators at i); 0 when out of service.
  std::vector<double> bus_demand;
  // Model section 5, aggregated per bus (balancing is linear in the supplies, so
  // per-bus sums give the same bus injections as per-unit bookkeeping):
  std::vector<double> bus_demand_pos;   // max(d_i, 0)
  std::vector<double> bus_supply_base;  // sum of s = Pg over gens with Pg >= 0, plus max(-d_i, 0)
  std::vector<double> bus_supply_cap;   // sum of c = max(Pmax, Pg) over those gens, plus max(-d_i, 0)

  // --- generators (every row of the gen table) ---
  std::vector<int> gen_bus;  // bus index
  std::vector<double> gen_pg, gen_pmax, gen_pmin;
  std::vector<std::uint8_t> gen_in_service;
  // The in-service generators of each bus with Pg >= 0 (the supplies of section 5), in row
  // order (CSR): bus_gen[bus_gen_offset[i] .. bus_gen_offset[i+1]). Generator targets
  // rebuild a bus's supply from them (GridState::lose_generator) in the order
  // bus_supply_base sums them, so a bus that loses nothing keeps the same bits.
  std::vector<int> bus_gen_offset, bus_gen;

  // --- branches (every row of the branch table) ---
  std::vector<int> br_from, br_to;  // bus indices
  std::vector<double> br_x, br_tap;  // tap: effective ratio (0 in file -> 1)
  std::vector<double> br_shift_rad;
  std::vector<double> br_b;       // susceptance 1/(x*tap), per unit
  std::vector<double> br_rate_a;  // MW; <= 0 means unlimited
  std::vector<double> br_angmin_deg, br_angmax_deg;
  std::vector<std::uint8_t> br_in_service;  // MATPOWER rule, self-loops excluded
  // Derived for the flow pass: base_mva * br_b (MW per radian), and the in-service
  // branches with a phase shift.
  std::vector<double> br_mw_per_rad;
  std::vector<int> shifted_branches;

  // Incident in-service branches per bus (CSR): adj_branch[adj_offset[i] .. adj_offset[i+1]),
  // and beside each the bus at the branch's other end, so that a graph search reads one
  // contiguous array instead of both ends of every branch it passes.
  std::vector<int> adj_offset, adj_branch, adj_bus;
  // br_from[e] ^ br_to[e]: the other end of branch e from either end x is x ^ br_ends_xor[e]
  // (one load and no branch, for walks along trees of branches).
  std::vector<int> br_ends_xor;

  // Reference bus of the case (MATPOWER's rule: first type-3 bus with an in-service
  // generator, else first type-2 bus with one), -1 if none.
  int case_ref_bus = -1;
  // Type-3 buses with an in-service generator: each island of the model that holds
  // one solves with it as reference (lowest index first).
  std::vector<std::uint8_t> bus_is_case_ref;

  double total_demand_pos = 0.0;  // sum of positive demand over in-service buses
  std::vector<std::string> bus_name;  // from mpc.bus_name or the PSS/E names, may be empty
  // Area and zone numbers per bus (MATPOWER BUS_AREA, ZONE); PSS/E cases also give each
  // bus an owner (empty otherwise) and name the areas, zones and owners.
  std::vector<int> bus_area, bus_zone, bus_owner;
  std::map<int, std::string> area_name, zone_name, owner_name;
  // PSS/E revision 35 substations (has_substations: the case has substation data): the
  // bus indices of substation s are substation_bus[substation_offset[s] .. [s+1]).
  bool has_substations = false;
  std::vector<std::string> substation_name;
  std::vector<int> substation_offset, substation_bus;
  std::vector<int> substation_line;  // its record's line in the case file (0 if unknown)
  CaseMatrix gencost;                 // kept for the optimisation responses
  std::vector<std::string> warnings;  // e.g. ignored self-loop branches

  std::unordered_map<std::int64_t, int> bus_index_of_id;

  int n_bus() const { return static_cast<int>(bus_id.size()); }
  int n_gen() const { return static_cast<int>(gen_bus.size()); }
  int n_branch() const { return static_cast<int>(br_from.size()); }
  // Index of a bus id, or -1.
  int bus_index(std::int64_t id) const {
    auto it = bus_index_of_id.find(id);
    return it == bus_index_of_id.end() ? -1 : it->second;
  }
  // Base flow of branch e is base_mva * br_b[e] * (theta_f - theta_t - shift).
  bool limited(int e) const { return br_rate_a[e] > 0.0; }
};

// Build the network from a parsed case; checks the model's input rules and throws
// InputError naming the file and line (duplicate bus ids, unknown buses, x = 0 in service, ...).
Network build_network(const CaseData& data);

// Recompute bus_demand, bus_demand_pos, bus_supply_base, bus_supply_cap and total_demand_pos
// from the bus and generator arrays (after changing gen_pg, e.g. a new dispatch).
void aggregate_bus_supply(Network& n);

// Read a case of any format (MATPOWER, PSS/E RAW or RAWX, told by its content) and build
// it: the one way every command loads its case.
Network load_network(const std::string& path);

}  // namespace sre
