#pragma once
// The state of the network inside one sample: which buses and branches are
// alive, the islands they form, how each island is balanced, and the flows.
// One per worker thread; sized once, then reused for every sample.
#include <cstdint>
#include <vector>

#include "model/network.hpp"

namespace sre {

enum class IslandKind : std::uint8_t {
  kLive,  // has supply capacity: balanced, flows solved
  kDead,  // no supply capacity (C = 0): all demand shed, no flow
};

struct GridState {
  // --- topology ---
  std::vector<std::uint8_t> bus_alive;     // in service and not destroyed
  std::vector<std::uint8_t> branch_alive;  // in service, both ends alive, not tripped
  std::vector<std::uint8_t> branch_tripped;
  // Branches in service in the intact network that are not alive now, in the order
  // they were removed (outages first, then cascade trips). Low-rank solvers read this.
  std::vector<int> removed_branches;
  // Buses destroyed in this sample (in service before), ascending.
  std::vector<int> destroyed_buses;
  // Generators lost in this sample (generator targets, model section 4), in the order lost;
  // gen_lost marks them. A lost generator supplies nothing (c = s = 0 in section 5).
  std::vector<int> lost_generators;
  std::vector<std::uint8_t> gen_lost;
  // Buses whose supply lost a generator, in the order first changed; their S0 and C in
  // this sample are own_supply_base/cap (the others' equal the network's).
  std::vector<int> supply_changed_buses;
  std::vector<double> own_supply_base, own_supply_cap;

  // --- islands: components of alive buses over alive branches ---
  int n_islands = 0;
  std::vector<int> island_of;                    // per bus, -1 when not alive
  std::vector<int> island_offset, island_buses;  // CSR, buses ascending; islands ordered by lowest bus
  std::vector<int> island_ref;                   // reference bus per island

  // --- balancing (model section 5) ---
  std::vector<double> island_demand;       // D: positive demand
  std::vector<double> island_supply_base;  // S0
  std::vector<double> island_supply_cap;   // C
  std::vector<double> island_shed;         // MW shed in the island
  std::vector<double> island_served_ratio; // fraction of each positive demand served
  std::vector<IslandKind> island_kind;
  std::vector<double> injection_mw;        // per bus: supply out - demand served (MW)
  // injection_mw is section 5's balancing of every island (IslandBalancer), which the fast
  // solver may rebuild by superposition; false once the re-dispatch LP has written its own.
  bool injection_by_rule = false;
  double destroyed_demand = 0.0;           // positive demand on buses that are not alive
  double shed_mw = 0.0;                    // destroyed_demand + sum island_shed
  // Islands re-dispatched by the LP (responses opf and operator), whose buses' served
  // fractions are their own (bus_served_ratio) rather than the island's ratio. Valid when
  // any_redispatched; reset_to_intact() clears that.
  bool any_redispatched = false;
  std::vector<std::uint8_t> island_redispatched;
  std::vector<double> bus_served_ratio;  // per bus of a re-dispatched island: served / positive demand

  // --- flows ---
  std::vector<double> theta_rad;  // per bus, 0 at each island's reference
  std::vector<double> flow_mw;    // per branch, from end; 0 when not alive or in a dead island
  // The branches whose flows a solve computes (ascending; null: every branch); the other
  // entries of flow_mw stay 0 (ScenarioEvaluator::solve_limited_flows_only()). Their flows
  // are also kept in list order, contiguous, in listed_flow_mw (for the overload scan);
  // flow_slot gives each branch's place in the list (-1: not listed).
  const std::vector<int>* flow_branches = nullptr;
  const std::vector<int>* flow_slot = nullptr;
  std::vector<double> listed_flow_mw;

  // --- what the latest cascade round changed ---
  // island_prev (IslandFinder::find_after_trips): per island, its number before the round
  // when it has the same buses, else -1. island_touched (mark_touched_islands): per
  // island, whether its buses changed or it holds an end of a branch tripped in the
  // round. Outside touched islands the balancing, angles and flows of the round before
  // stand as they are: the system is block-diagonal over islands. touched_buses counts
  // the buses of touched islands; -1 when there is no such record (after find(): every
  // island counts as touched).
  std::vector<int> island_prev;
  std::vector<std::uint8_t> island_touched;
  int touched_buses = -1;
  // IslandBalancer::rebalance()'s workspace for renumbering islands.
  std::vector<double> island_scratch;
  std::vector<IslandKind> island_kind_scratch;

  // Per bus, section 5's base output S0 and capacity C in this sample: the network's, or
  // after a generator loss the state's own (the same values wherever nothing was lost).
  const double* supply_base(const Network& net) const {
    return supply_changed_buses.empty() ? net.bus_supply_base.data() : own_supply_base.data();
  }
  const double* supply_cap(const Network& net) const {
    return supply_changed_buses.empty() ? net.bus_supply_cap.data() : own_supply_cap.data();
  }

  void resize(const Network& net);
  // Start a sample from the intact network (no allocation after the first call).
  void reset_to_intact(const Network& net);
  // Take bus i (and every branch at it) out.
  void destroy_bus(const Network& net, int i);
  // Outages of element targets (model section 4), applied after destroy_bus(), before any
  // trip: a branch cut (in removed_branches, not counted as tripped) and a lost generator.
  void cut_branch(int e);
  void lose_generator(const Network& net, int g);
  void trip_branch(int e);
  // After find_after_trips(): mark the islands that changed or hold an alive end of
  // removed_branches[first_trip...] as touched, and count their buses.
  void mark_touched_islands(const Network& net, int first_trip);
};

}  // namespace sre
