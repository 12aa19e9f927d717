#pragma once
// Connected components of the alive buses over alive branches, each with its
// reference bus (model section 5), written into a GridState.
//
// A strike changes the intact network only near the removed branches, so find()
// does not rebuild the components from scratch: it starts a breadth-first search
// from every alive end of a removed branch (GridState::removed_branches), runs them
// in lock step, merges searches that meet, and stops as soon as each intact island
// holds at most one search still growing. Every search that ran out is a whole new
// island; whatever remains of the intact island is the last one. The cost is the
// size of the small islands split off (times the number of searches), not the
// network's.
// Searches that would only meet far away (two neighbours of a struck bus joined by a
// long detour) are merged up front by certificates computed once (IntactTopology): for each bus, a tree
// of branches joining its neighbours without it; for each branch, a path joining its
// ends without it. While every branch of a certificate is alive, the searches at the
// ends it joins are one island. Searches from different strikes are joined through a
// breadth-first tree of each intact island rooted near its centre: a search whose start
// still reaches the root along alive tree branches is in the root's island. So most
// strikes need no search at all.
// find_from_scratch() is the plain union-find over every branch; tests check the two
// give the same islands.
//
// The intact network's data is an IntactTopology built once and shared by every thread;
// an IslandFinder is one thread's search state over it.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "model/grid_state.hpp"
#include "model/network.hpp"
#include "kernels/union_find.hpp"
#include "topology/intact_topology.hpp"

namespace sre {

// Islands by union-find over every alive branch, as IslandFinder::find_from_scratch, for a
// one-off call (no intact topology to build; allocates its workspace).
void find_islands_from_scratch(const Network& net, GridState& state);

class IslandFinder {
 public:
  // Workspaces sized for the topology's network; the states passed below must be of it.
  explicit IslandFinder(std::shared_ptr<const IntactTopology> intact);

  // Fills n_islands, island_of, island_offset/island_buses (ascending) and island_ref.
  // Islands are numbered in the order of their lowest bus index, so the numbering
  // is a pure function of the topology. The state must come from reset_to_intact()
  // followed by destroy_bus()/trip_branch() (removed_branches lists every change).
  void find(GridState& state);
  // The same result by union-find over every alive branch.
  void find_from_scratch(GridState& state);
  // After trips only (cascade rounds): the state's islands are those of its first
  // `first_trip` removed branches, and the removed branches after them are trips (alive
  // until now). Keeps a spanning forest of the islands from one call to the next: a trip
  // off the forest splits nothing, and one on it cuts a subtree off, which searches from
  // the cut join back to the rest or find to be a new island. The first call after find()
  // or find_from_scratch() (or construction) builds the forest from the intact network's
  // root trees the same way; a later call reuses it when first_trip is where the last call
  // ended. So the calls between two find() must be on one state, each round's state the
  // last one's with more trips (a cascade's rounds), not on another state.
  // Same result as find(); also writes state.island_prev.
  void find_after_trips(GridState& state, int first_trip);

 private:
  void size_workspace(int n_bus);
  bool grow_searches(const Network& net, const GridState& s);  // false: over budget
  void write_split_islands(const Network& net, GridState& s);
  void next_epoch();
  void enqueue(int w, int q);
  void find_with_forest(const Network& net, GridState& s);
  int split_forest(const Network& net, const GridState& s, int first, int last, bool designate_roots);
  bool forest_from_root_trees(const Network& net, const GridState& s, int n_removed);
  int piece_search(const Network& net, int w);
  void rehang(const Network& net, int u, int e);
  void write_islands(const Network& net, GridState& s, bool from_scratch);
  bool find_in_one_intact_island(const Network& net, GridState& s);
  void choose_refs(const Network& net, GridState& s, bool from_scratch) const;
  int search_root(int a);
  void merge_searches(int a, int b, int intact_island);
  void join_through_root_tree(const Network& net, const GridState& s, int n_search);
  bool certificate_alive(const GridState& s, const std::vector<int>& offset, int i) const;

  std::shared_ptr<const IntactTopology> intact_;  // shared by every thread's finder

  // --- per call ---
  std::vector<std::uint32_t> cert_checked_;   // == epoch_: bus certificate used this call
  std::vector<std::uint32_t> reaches_root_;   // == epoch_: known to reach the root this call
  std::vector<int> root_search_;              // per intact island: a search known to reach the root, -1
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> visited_;  // == epoch_: reached by a search this call
  std::vector<int> search_of_;          // search that reached the bus
  std::vector<int> next_in_queue_;      // FIFO per search as a linked list through buses
  std::vector<int> head_, tail_;        // per search
  std::vector<int> search_parent_, pending_;  // union-find over searches; buses queued per root
  std::vector<int> open_in_;                  // per intact island: searches still growing
  std::vector<int> touched_;                  // intact islands with a search
  int contested_ = 0;                         // intact islands with two or more growing searches

  std::vector<int> visited_list_;                  // buses reached by the searches, this call
  std::vector<int> excluded_;                      // destroyed buses and buses of small islands
  std::vector<std::pair<int, int>> small_;         // (bus, search root) of small islands' buses
  std::vector<std::uint32_t> excluded_mark_;       // == epoch_: in excluded_
  std::vector<int> label_of_key_;  // key: intact island, or the number of intact islands + search root
  std::vector<int> key_of_label_;
  kernels::UnionFind sets_;
  std::vector<int> root_label_;
  std::vector<int> fill_;
  // write_split_islands(): per island before the trips, how many of its buses left it;
  // per island after them, its lowest bus and key (see there); the bus lists, offsets and
  // references being written; the buses that left, as (island before, bus), sorted.
  std::vector<int> left_island_, island_low_, island_key_, new_buses_, new_offset_, new_ref_;
  std::vector<std::pair<int, int>> leaving_;
  // find_after_trips(): the spanning forest of the islands of the state last given to it,
  // after its first forest_removed_ removed branches; -1: no forest (none built since
  // find(), find_from_scratch() or construction). fvia_: per bus, the branch to its parent;
  // -1 at an island's root; kCutTop at a subtree cut off by this call's trips.
  static constexpr int kCutTop = -2;
  int forest_removed_ = -1;
  std::vector<int> fvia_, top_search_, piece_of_, path_, active_;
  std::vector<std::uint32_t> piece_stamp_;  // == epoch_: piece_of_ holds the bus's search
  std::vector<std::uint8_t> connected_;     // per search: joined the root's piece
  std::vector<std::uint8_t> island_rooted_; // per island: holds a root (forest_from_root_trees)
};

}  // namespace sre
