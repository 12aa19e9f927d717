#include "dispatch/outage_sensitivity.hpp"

#include <algorithm>

#include "model/grid_state.hpp"
#include "topology/island_finder.hpp"

namespace sre {

std::vector<std::uint8_t> find_bridges(const Network& net) {
  // Iterative depth-first search with discovery times and low links; the branch a bus was
  // reached by is skipped by its row (not by the bus at its other end), so a parallel
  // branch counts as a second path.
  const int nb = net.n_bus();
  std::vector<std::uint8_t> bridge(net.n_branch(), 0);
  std::vector<int> disc(nb, -1), low(nb, 0), via(nb, -1), next(nb, 0), stack;
  int time = 0;
  for (int root = 0; root < nb; ++root) {
    if (!net.bus_in_service[root] || disc[root] >= 0) continue;
    disc[root] = low[root] = time++;
    next[root] = net.adj_offset[root];
    stack.assign(1, root);
    while (!stack.empty()) {
      const int u = stack.back();
      if (next[u] < net.adj_offset[u + 1]) {
        const int a = next[u]++;
        const int e = net.adj_branch[a], w = net.adj_bus[a];
        if (e == via[u] || w == u) continue;
        if (disc[w] < 0) {
          disc[w] = low[w] = time++;
          via[w] = e;
          next[w] = net.adj_offset[w];
          stack.push_back(w);
        } else {
          low[u] = std::min(low[u], disc[w]);
        }
        continue;
      }
      stack.pop_back();
      if (via[u] >= 0) {
        const int parent = u ^ net.br_ends_xor[via[u]];
        low[parent] = std::min(low[parent], low[u]);
        if (low[u] > disc[parent]) bridge[via[u]] = 1;
      }
    }
  }
  return bridge;
}

OutageSensitivity::OutageSensitivity(const Network& net) : net_(net), bridge_(find_bridges(net)) {
  GridState intact;
  intact.resize(net);
  intact.reset_to_intact(net);
  find_islands_from_scratch(net, intact);
  const int nb = net.n_bus();
  std::vector<std::uint8_t> is_ref(nb, 0);
  for (int k = 0; k < intact.n_islands; ++k) is_ref[intact.island_ref[k]] = 1;
  std::vector<int> var(nb, -1);
  int n = 0;
  for (int i = 0; i < nb; ++i)
    if (net.bus_in_service[i] && !is_ref[i]) var[i] = n++;
  std::vector<kernels::Triplet> trip;
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!net.br_in_service[e]) continue;
    const int f = var[net.br_from[e]], t = var[net.br_to[e]];
    const double b = net.br_b[e];
    if (f >= 0) trip.emplace_back(f, f, b);
    if (t >= 0) trip.emplace_back(t, t, b);
    if (f >= 0 && t >= 0) trip.emplace_back(f, t, -b), trip.emplace_back(t, f, -b);
  }
  if (n > 0) factor_.factor(n, trip);
  pos_of_bus_.assign(nb, -1);
  for (int i = 0; i < nb; ++i)
    if (var[i] >= 0) pos_of_bus_[i] = factor_.perm()[var[i]];
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e] && !bridge_[e]) contingencies_.push_back(e);
}

void OutageSensitivity::lodf_column(int c, double* lodf, std::vector<double>& work) const {
  const Network& net = net_;
  const int n = factor_.size();
  work.assign(n, 0.0);
  const int pf = pos_of_bus_[net.br_from[c]], pt = pos_of_bus_[net.br_to[c]];
  if (pf >= 0) work[pf] += 1.0;
  if (pt >= 0) work[pt] -= 1.0;
  factor_.solve_permuted(work.data());
  // Angles per bus (0 at references) of 1 per unit sent from c's from end to its to end;
  // PTDF(l, c) = b_l (theta_f - theta_t).
  auto theta = [&](int i) { return pos_of_bus_[i] >= 0 ? work[pos_of_bus_[i]] : 0.0; };
  const double self = net.br_b[c] * (theta(net.br_from[c]) - theta(net.br_to[c]));
  const double scale = 1.0 / (1.0 - self);
  for (int l = 0; l < net.n_branch(); ++l)
    lodf[l] = net.br_in_service[l] ? net.br_b[l] * (theta(net.br_from[l]) - theta(net.br_to[l])) * scale : 0.0;
  lodf[c] = -1.0;
}

}  // namespace sre
