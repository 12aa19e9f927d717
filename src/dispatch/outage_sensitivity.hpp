#pragma once
// Single-branch outages of the intact network by line outage distribution factors
// (LODF): after the loss of branch c, the flow on branch l is f_l + LODF(l, c) f_c, with
// LODF(l, c) = PTDF(l, c) / (1 - PTDF(c, c)) and PTDF(., c) the flows of 1 MW sent
// from c's from end to its to end (one solve on the intact network's factor); LODF(c, c)
// = -1. Defined for the contingencies whose loss leaves every island connected (not a
// bridge); the others split an island, and the model solves those as islands instead.
// The security constraints of the `scopf` base dispatch are built on it.
#include <vector>

#include "model/network.hpp"
#include "kernels/base_factor.hpp"

namespace sre {

class OutageSensitivity {
 public:
  explicit OutageSensitivity(const Network& net);

  // In-service branches whose loss splits no island (ascending rows).
  const std::vector<int>& contingencies() const { return contingencies_; }
  bool is_bridge(int e) const { return bridge_[e] != 0; }

  // LODF(l, c) for every branch l (0 for branches out of service or in another island),
  // into lodf (n_branch). work: n_bus doubles of the caller's (thread safety).
  void lodf_column(int c, double* lodf, std::vector<double>& work) const;

 private:
  const Network& net_;
  std::vector<int> contingencies_;
  std::vector<std::uint8_t> bridge_;
  std::vector<int> pos_of_bus_;  // factor position, -1 for references and buses out of service
  kernels::BaseFactor factor_;
};

// In-service branches whose removal increases the number of islands (Tarjan's bridges,
// parallel branches counted apart): per branch, 1 when it is a bridge.
std::vector<std::uint8_t> find_bridges(const Network& net);

}  // namespace sre
