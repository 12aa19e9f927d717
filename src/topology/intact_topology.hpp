#pragma once
// The intact network's connectivity, as the island searches (IslandFinder) read it:
// built once from a Network, immutable afterwards, and shared by every thread's finder
// through std::shared_ptr<const IntactTopology> (no per-thread copies).
//
// Holds the intact islands, each island's buses in reference priority, the certificates
// (for each bus, a tree of branches joining its neighbours without it; for each branch, a
// path joining its ends without it) and the root trees (a breadth-first tree of each
// intact island rooted near its centre). island_finder.hpp says how they are used.
#include <cstdint>
#include <vector>

#include "model/network.hpp"

namespace sre {

class IslandFinder;

class IntactTopology {
 public:
  // Refers to `net`, which must outlive this and not change.
  explicit IntactTopology(const Network& net);

  const Network& network() const { return net_; }
  int n_intact_islands() const { return n_intact_; }
  // Per bus: its intact island, -1 out of service.
  const std::vector<int>& intact_island_of() const { return intact_label_; }

 private:
  friend class IslandFinder;  // the one reader of the arrays below
  void build_certificates();
  void build_root_trees();

  const Network& net_;
  int n_intact_ = 0;
  std::vector<int> intact_label_;                    // per bus: intact island, -1 out of service
  std::vector<int> ref_order_offset_, ref_order_;    // per intact island: buses by reference priority
  // Certificates (CSR over cert_branch_): per bus, branches joining the pairs of its
  // neighbours listed in bus_cert_joins_ without the bus; per branch, a path joining its
  // ends without it.
  std::vector<int> bus_cert_offset_, branch_cert_offset_, cert_branch_;
  std::vector<int> bus_cert_joins_offset_, bus_cert_joins_;
  std::vector<std::uint8_t> branch_has_cert_;
  std::vector<int> intact_buses_;  // in-service buses, ascending
  std::vector<int> intact_pos_;    // per bus: position in intact_buses_, -1 out of service
  std::vector<int> tree_via_;      // per bus: branch towards its intact island's root, -1 at roots
  std::vector<int> tree_roots_;    // the roots
};

}  // namespace sre
