#include "topology/intact_topology.hpp"

#include <algorithm>

#include "kernels/union_find.hpp"

namespace sre {

namespace {
// Certificates come from breadth-first searches that give up after this many buses:
// beyond it a detour is as long as the search it would save.
constexpr int kCertificateReach = 256;

// Breadth-first search from `source` over in-service branches, never through bus
// `skip_bus` or branch `skip_branch`, until `wanted` buses with want[bus] == want_stamp
// are reached or kCertificateReach buses are seen. Leaves each reached bus's tree
// branch in via[] (-1 at the source) and marks reached buses seen[bus] = seen_stamp.
void detour_search(const Network& net, int source, int skip_bus, int skip_branch, int wanted,
                   const std::vector<int>& want, int want_stamp, std::vector<int>& seen, int seen_stamp,
                   std::vector<int>& via, std::vector<int>& queue, int reach = kCertificateReach) {
  queue.clear();
  queue.push_back(source);
  seen[source] = seen_stamp;
  via[source] = -1;
  int found = want[source] == want_stamp;
  for (std::size_t h = 0; h < queue.size() && found < wanted && static_cast<int>(queue.size()) < reach; ++h) {
    const int u = queue[h];
    for (int a = net.adj_offset[u]; a < net.adj_offset[u + 1]; ++a) {
      const int e = net.adj_branch[a];
      if (e == skip_branch) continue;
      const int w = net.adj_bus[a];
      if (w == skip_bus || seen[w] == seen_stamp) continue;
      seen[w] = seen_stamp;
      via[w] = e;
      queue.push_back(w);
      found += want[w] == want_stamp;
    }
  }
}
}  // namespace

// Intact islands (union-find over every in-service branch) and, per intact island, its
// buses in reference priority (model section 5: case reference buses by index, then
// supply capacity descending, index ascending), so the reference of what remains of an
// intact island is the first of its buses still in it.
IntactTopology::IntactTopology(const Network& net) : net_(net) {
  const int nb = net.n_bus(), nl = net.n_branch();
  kernels::UnionFind sets(nb);
  for (int e = 0; e < nl; ++e)
    if (net.br_in_service[e]) sets.unite(net.br_from[e], net.br_to[e]);
  intact_label_.assign(nb, -1);
  std::vector<int> root_label(nb, -1);
  for (int i = 0; i < nb; ++i) {
    if (!net.bus_in_service[i]) continue;
    const int r = sets.find(i);
    if (root_label[r] < 0) root_label[r] = n_intact_++;
    intact_label_[i] = root_label[r];
  }
  ref_order_offset_.assign(n_intact_ + 1, 0);
  for (int i = 0; i < nb; ++i)
    if (intact_label_[i] >= 0) ++ref_order_offset_[intact_label_[i] + 1];
  for (int k = 0; k < n_intact_; ++k) ref_order_offset_[k + 1] += ref_order_offset_[k];
  ref_order_.resize(ref_order_offset_[n_intact_]);
  std::vector<int> fill(ref_order_offset_.begin(), ref_order_offset_.end() - 1);
  for (int i = 0; i < nb; ++i)
    if (intact_label_[i] >= 0) ref_order_[fill[intact_label_[i]]++] = i;
  auto before = [&net](int a, int b) {
    if (net.bus_is_case_ref[a] != net.bus_is_case_ref[b]) return net.bus_is_case_ref[a] > net.bus_is_case_ref[b];
    if (!net.bus_is_case_ref[a] && net.bus_supply_cap[a] != net.bus_supply_cap[b])
      return net.bus_supply_cap[a] > net.bus_supply_cap[b];
    return a < b;
  };
  for (int k = 0; k < n_intact_; ++k)
    std::sort(ref_order_.begin() + ref_order_offset_[k], ref_order_.begin() + ref_order_offset_[k + 1], before);

  intact_pos_.assign(nb, -1);
  for (int i = 0; i < nb; ++i)
    if (intact_label_[i] >= 0) {
      intact_pos_[i] = static_cast<int>(intact_buses_.size());
      intact_buses_.push_back(i);
    }
  build_certificates();
  build_root_trees();
}

// Per bus u: its neighbours fall into groups joined without u (one search from each
// neighbour not yet reached); the certificate is the union of the search trees' paths
// and the pairs (group's first neighbour, member) it joins.
void IntactTopology::build_certificates() {
  const Network& net = net_;
  const int nb = net.n_bus(), nl = net.n_branch();
  std::vector<int> want(nb, -1), seen(nb, -1), via(nb, -1), in_tree(nb, -1), reached(nb, -1), queue, nbrs;
  bus_cert_offset_.assign(1, 0);
  bus_cert_joins_offset_.assign(1, 0);
  cert_branch_.clear();
  bus_cert_joins_.clear();
  int stamp = 0;
  for (int u = 0; u < nb; ++u) {
    nbrs.clear();
    const int want_stamp = ++stamp;
    for (int a = net.adj_offset[u]; a < net.adj_offset[u + 1]; ++a) {
      const int w = net.adj_bus[a];
      if (want[w] != want_stamp) want[w] = want_stamp, nbrs.push_back(w);
    }
    int left = static_cast<int>(nbrs.size());
    for (std::size_t g = 0; g + 1 < nbrs.size() && left > 1; ++g) {
      const int root = nbrs[g];
      if (reached[root] == want_stamp) continue;
      const int seen_stamp = ++stamp;
      detour_search(net, root, u, -1, left, want, want_stamp, seen, seen_stamp, via, queue);
      in_tree[root] = seen_stamp;
      reached[root] = want_stamp;
      --left;
      for (std::size_t j = g + 1; j < nbrs.size(); ++j) {
        const int w = nbrs[j];
        if (seen[w] != seen_stamp || reached[w] == want_stamp) continue;
        reached[w] = want_stamp;
        --left;
        bus_cert_joins_.push_back(root);
        bus_cert_joins_.push_back(w);
        for (int x = w; in_tree[x] != seen_stamp;) {
          in_tree[x] = seen_stamp;
          const int e = via[x];
          cert_branch_.push_back(e);
          x ^= net.br_ends_xor[e];
        }
      }
    }
    bus_cert_offset_.push_back(static_cast<int>(cert_branch_.size()));
    bus_cert_joins_offset_.push_back(static_cast<int>(bus_cert_joins_.size()));
  }
  branch_cert_offset_.assign(1, static_cast<int>(cert_branch_.size()));
  branch_has_cert_.assign(nl, 0);
  for (int e = 0; e < nl; ++e) {
    const int f = net.br_from[e], t = net.br_to[e];
    if (net.br_in_service[e] && f != t) {
      const int want_stamp = ++stamp, seen_stamp = ++stamp;
      want[t] = want_stamp;
      detour_search(net, f, -1, e, 1, want, want_stamp, seen, seen_stamp, via, queue);
      if (seen[t] == seen_stamp) {
        branch_has_cert_[e] = 1;
        for (int x = t; x != f;) {
          const int b = via[x];
          cert_branch_.push_back(b);
          x ^= net.br_ends_xor[b];
        }
      }
    }
    branch_cert_offset_.push_back(static_cast<int>(cert_branch_.size()));
  }
}

// Per intact island, a breadth-first tree rooted at the middle of a long shortest path
// (two sweeps from any bus): a root near the centre keeps the tree paths short.
void IntactTopology::build_root_trees() {
  const Network& net = net_;
  const int nb = net.n_bus();
  std::vector<int> seen(nb, -1), via(nb, -1), queue, want(nb, -1);
  tree_via_.assign(nb, -1);
  tree_roots_.clear();
  std::vector<std::uint8_t> done(n_intact_, 0);
  int stamp = 0;
  auto farthest = [&](int source) {
    detour_search(net, source, -1, -1, 1, want, -2, seen, ++stamp, via, queue, nb + 1);
    return queue.back();
  };
  for (int i = 0; i < nb; ++i) {
    const int isl = intact_label_[i];
    if (isl < 0 || done[isl]) continue;
    done[isl] = 1;
    const int a = farthest(i);
    const int b = farthest(a);  // via[] now leads from b back to a
    std::vector<int> path{b};
    for (int x = b; via[x] >= 0;) {
      const int e = via[x];
      x ^= net.br_ends_xor[e];
      path.push_back(x);
    }
    const int root = path[path.size() / 2];
    detour_search(net, root, -1, -1, 1, want, -2, seen, ++stamp, via, queue, nb + 1);
    for (int x : queue) tree_via_[x] = via[x];
    tree_roots_.push_back(root);
  }
}

}  // namespace sre
