#include "topology/island_finder.hpp"

#include <algorithm>
#include <numeric>

namespace sre {

namespace {
// Reference of island k (model section 5): the case's reference bus if held, else the
// largest supply capacity (lowest index on ties), which is the lowest-index bus when
// there is no supply.
int reference_by_rule(const Network& net, const GridState& s, int k) {
  int best = s.island_buses[s.island_offset[k]];
  for (int p = s.island_offset[k]; p < s.island_offset[k + 1]; ++p) {
    const int i = s.island_buses[p];
    if (net.bus_is_case_ref[i]) return i;
    if (net.bus_supply_cap[i] > net.bus_supply_cap[best]) best = i;
  }
  return best;
}

// Counting sort of buses by island (the counts are in island_offset[k + 1] already);
// buses stay ascending inside each island.
void list_island_buses(const Network& net, GridState& s, std::vector<int>& fill) {
  const int nb = net.n_bus(), n = s.n_islands;
  for (int k = 0; k < n; ++k) s.island_offset[k + 1] += s.island_offset[k];
  fill.assign(s.island_offset.begin(), s.island_offset.begin() + n);
  for (int i = 0; i < nb; ++i)
    if (s.island_of[i] >= 0) s.island_buses[fill[s.island_of[i]]++] = i;
}

// Islands by union-find over every alive branch, references by the rule; the workspaces
// are the caller's.
void islands_by_union_find(const Network& net, GridState& s, kernels::UnionFind& sets, std::vector<int>& root_label,
                           std::vector<int>& fill) {
  const int nb = net.n_bus();
  s.touched_buses = -1;
  sets.reset(nb);
  for (int e = 0; e < net.n_branch(); ++e)
    if (s.branch_alive[e]) sets.unite(net.br_from[e], net.br_to[e]);
  root_label.assign(nb, -1);
  int n = 0;
  for (int i = 0; i < nb; ++i) {
    if (!s.bus_alive[i]) {
      s.island_of[i] = -1;
      continue;
    }
    const int r = sets.find(i);
    if (root_label[r] < 0) {
      root_label[r] = n++;
      s.island_offset[n] = 0;
    }
    s.island_of[i] = root_label[r];
    ++s.island_offset[root_label[r] + 1];
  }
  s.island_offset[0] = 0;
  s.n_islands = n;
  list_island_buses(net, s, fill);
  for (int k = 0; k < n; ++k) s.island_ref[k] = reference_by_rule(net, s, k);
}

}  // namespace

// Join every search whose start reaches its intact island's root along alive tree
// branches (walks stop early at buses already known to reach it).
void IslandFinder::join_through_root_tree(const Network& net, const GridState& s, int n_search) {
  for (int isl : touched_) root_search_[isl] = -1;
  for (int q = 0; q < n_search && contested_ > 0; ++q) {
    const int start = head_[q];  // the search's first bus (no search has grown yet)
    const int isl = intact_->intact_label_[start];
    if (open_in_[isl] < 2) continue;
    int x = start;
    bool reaches = true;
    while (reaches_root_[x] != epoch_ && intact_->tree_via_[x] >= 0) {
      const int e = intact_->tree_via_[x];
      if (!s.branch_alive[e]) {
        reaches = false;
        break;
      }
      x ^= net.br_ends_xor[e];
    }
    if (!reaches || !s.bus_alive[x]) continue;
    for (int y = start; reaches_root_[y] != epoch_;) {
      reaches_root_[y] = epoch_;
      if (intact_->tree_via_[y] < 0) break;
      const int e = intact_->tree_via_[y];
      y ^= net.br_ends_xor[e];
    }
    if (root_search_[isl] < 0)
      root_search_[isl] = q;
    else
      merge_searches(root_search_[isl], q, isl);
  }
}

bool IslandFinder::certificate_alive(const GridState& s, const std::vector<int>& offset, int i) const {
  for (int p = offset[i]; p < offset[i + 1]; ++p)
    if (!s.branch_alive[intact_->cert_branch_[p]]) return false;
  return true;
}

void IslandFinder::merge_searches(int a, int b, int intact_island) {
  const int ra = search_root(a), rb = search_root(b);
  if (ra == rb) return;
  search_parent_[rb] = ra;
  pending_[ra] += pending_[rb];
  if (open_in_[intact_island]-- == 2) --contested_;
}

// Per-call workspace, sized for the network (no allocation in find() afterwards).
void IslandFinder::size_workspace(int nb) {
  visited_.assign(nb, 0);
  epoch_ = 0;
  search_of_.assign(nb, -1);
  next_in_queue_.assign(nb, -1);
  head_.assign(nb, -1);
  tail_.assign(nb, -1);
  search_parent_.assign(nb, 0);
  pending_.assign(nb, 0);
  open_in_.assign(intact_->n_intact_, 0);
  touched_.reserve(intact_->n_intact_);
  label_of_key_.assign(std::max(intact_->n_intact_, nb) + nb, -1);
  key_of_label_.assign(nb, -1);
  cert_checked_.assign(nb, 0);
  reaches_root_.assign(nb, 0);
  root_search_.assign(intact_->n_intact_, -1);
  left_island_.assign(nb, 0);
  island_low_.reserve(nb);
  island_key_.reserve(nb);
  new_buses_.assign(nb, -1);
  new_offset_.reserve(nb + 1);
  new_ref_.reserve(nb);
  leaving_.reserve(nb);
  fvia_.assign(nb, -1);
  top_search_.assign(nb, -1);
  connected_.assign(nb, 0);
  piece_stamp_.assign(nb, 0);
  piece_of_.assign(nb, -1);
  path_.reserve(nb);
  active_.reserve(nb);  // one search per cut-top bus at most
  island_rooted_.assign(nb, 0);
  forest_removed_ = -1;
  fill_.reserve(nb);
  root_label_.reserve(nb);
  visited_list_.reserve(nb);
  excluded_.reserve(nb);
  small_.reserve(nb);
  excluded_mark_.assign(nb, 0);
}

int IslandFinder::search_root(int a) {
  while (search_parent_[a] != a) {
    search_parent_[a] = search_parent_[search_parent_[a]];
    a = search_parent_[a];
  }
  return a;
}

void IslandFinder::next_epoch() {
  if (++epoch_ == 0) {  // wrapped: forget every mark
    std::fill(visited_.begin(), visited_.end(), 0);
    std::fill(cert_checked_.begin(), cert_checked_.end(), 0);
    std::fill(reaches_root_.begin(), reaches_root_.end(), 0);
    std::fill(excluded_mark_.begin(), excluded_mark_.end(), 0);
    std::fill(piece_stamp_.begin(), piece_stamp_.end(), 0);
    epoch_ = 1;
  }
}

// Bus w is reached by search q: mark it and queue it at the back of q's FIFO.
void IslandFinder::enqueue(int w, int q) {
  visited_[w] = epoch_;
  visited_list_.push_back(w);
  search_of_[w] = q;
  next_in_queue_[w] = -1;
  if (head_[q] < 0)
    head_[q] = w;
  else
    next_in_queue_[tail_[q]] = w;
  tail_[q] = w;
}

bool IslandFinder::grow_searches(const Network& net, const GridState& s) {
  next_epoch();
  int n_search = 0;
  touched_.clear();
  contested_ = 0;
  visited_list_.clear();
  for (int e : s.removed_branches)
    for (int end : {net.br_from[e], net.br_to[e]}) {
      if (!s.bus_alive[end] || visited_[end] == epoch_) continue;
      const int q = n_search++;
      head_[q] = -1;
      enqueue(end, q);
      search_parent_[q] = q;
      pending_[q] = 1;
      const int isl = intact_->intact_label_[end];
      if (open_in_[isl] == 0) touched_.push_back(isl);
      if (++open_in_[isl] == 2) ++contested_;
    }

  // Certificates still alive join searches without growing them.
  for (int e : s.removed_branches) {
    if (contested_ == 0) break;
    const int f = net.br_from[e], t = net.br_to[e];
    if (s.bus_alive[f] && s.bus_alive[t]) {
      if (intact_->branch_has_cert_[e] && certificate_alive(s, intact_->branch_cert_offset_, e))
        merge_searches(search_of_[f], search_of_[t], intact_->intact_label_[f]);
      continue;
    }
    for (int u : {f, t}) {
      if (s.bus_alive[u] || cert_checked_[u] == epoch_) continue;
      cert_checked_[u] = epoch_;
      const int j0 = intact_->bus_cert_joins_offset_[u], j1 = intact_->bus_cert_joins_offset_[u + 1];
      if (j0 == j1 || !certificate_alive(s, intact_->bus_cert_offset_, u)) continue;
      for (int j = j0; j < j1; j += 2) {
        const int a = intact_->bus_cert_joins_[j], b = intact_->bus_cert_joins_[j + 1];
        merge_searches(search_of_[a], search_of_[b], intact_->intact_label_[a]);
      }
    }
  }

  if (contested_ > 0) join_through_root_tree(net, s, n_search);

  // Lock step: one bus per growing search per round, until no intact island holds two.
  // Past a budget (large parts split off, as in long cascades) union-find over every
  // branch is cheaper.
  int budget = net.n_bus() / 8 + 64;
  while (contested_ > 0) {
    if (budget <= 0) break;
    for (int q = 0; q < n_search && contested_ > 0; ++q) {
      const int u = head_[q];
      if (u < 0) continue;
      head_[q] = next_in_queue_[u];
      --budget;
      const int isl = intact_->intact_label_[u];
      for (int a = net.adj_offset[u]; a < net.adj_offset[u + 1]; ++a) {
        const int e = net.adj_branch[a];
        if (!s.branch_alive[e]) continue;
        const int w = net.adj_bus[a];
        if (visited_[w] != epoch_) {
          enqueue(w, q);
          ++pending_[search_root(q)];
          continue;
        }
        merge_searches(q, search_of_[w], isl);  // two growing searches met: one island so far
      }
      const int r = search_root(q);
      if (--pending_[r] == 0 && open_in_[isl]-- == 2) --contested_;  // ran out: a whole island
    }
  }
  const bool done = contested_ == 0;
  for (int isl : touched_) open_in_[isl] = 0;
  return done;
}

IslandFinder::IslandFinder(std::shared_ptr<const IntactTopology> intact) : intact_(std::move(intact)) {
  size_workspace(intact_->network().n_bus());
}

void IslandFinder::find(GridState& s) {
  const Network& net = intact_->network();
  forest_removed_ = -1;
  s.touched_buses = -1;
  // Many removed branches (a long cascade) leave many searches and stale certificates:
  // union-find over every branch is cheaper than trying.
  if (static_cast<int>(s.removed_branches.size()) > net.n_bus() / 16 + 64 || !grow_searches(net, s)) {
    find_from_scratch(s);
    return;
  }
  if (find_in_one_intact_island(net, s)) return;

  // Label: a bus reached by a search that ran out belongs to that search's island; every
  // other alive bus to what remains of its intact island.
  const int nb = net.n_bus();
  int n = 0;
  for (int i = 0; i < nb; ++i) {
    if (!s.bus_alive[i]) {
      s.island_of[i] = -1;
      continue;
    }
    int key = intact_->intact_label_[i];
    if (visited_[i] == epoch_) {
      const int r = search_root(search_of_[i]);
      if (pending_[r] == 0) key = intact_->n_intact_ + r;
    }
    int& label = label_of_key_[key];
    if (label < 0) {
      label = n++;
      key_of_label_[label] = key;
      s.island_offset[n] = 0;
    }
    s.island_of[i] = label;
    ++s.island_offset[label + 1];
  }
  s.island_offset[0] = 0;
  s.n_islands = n;
  write_islands(net, s, false);
  for (int k = 0; k < n; ++k) label_of_key_[key_of_label_[k]] = -1;
}

// The common case, written without a pass of per-bus decisions: one intact island, and
// what remains of it holds the lowest alive bus. Its buses are the intact list less the
// excluded ones (destroyed, or in a small island split off), copied in stretches; the
// small islands are the searches that ran out. False (nothing written) otherwise.
bool IslandFinder::find_in_one_intact_island(const Network& net, GridState& s) {
  // (A single-bus network is left to the general path: its bus has no branch, so a strike
  // on it removes none and would not be seen here.)
  if (intact_->n_intact_ != 1 || intact_->intact_buses_.size() < 2) return false;
  excluded_.clear();
  small_.clear();
  for (int e : s.removed_branches)
    for (int i : {net.br_from[e], net.br_to[e]})
      if (!s.bus_alive[i] && excluded_mark_[i] != epoch_) {
        excluded_mark_[i] = epoch_;
        excluded_.push_back(i);
      }
  for (int v : visited_list_) {
    const int r = search_root(search_of_[v]);
    if (pending_[r] != 0) continue;
    small_.push_back({v, r});
    excluded_mark_[v] = epoch_;
    excluded_.push_back(v);
  }
  int rest_low = -1;
  for (int i : intact_->intact_buses_)
    if (excluded_mark_[i] != epoch_) {
      rest_low = i;
      break;
    }
  std::sort(small_.begin(), small_.end());
  if (rest_low < 0 || (!small_.empty() && small_.front().first < rest_low)) return false;

  // Islands: what remains (label 0), then the small ones by their lowest bus.
  int n = 1;
  key_of_label_[0] = 0;
  label_of_key_[0] = 0;
  for (const auto& [bus, root] : small_) {
    int& label = label_of_key_[intact_->n_intact_ + root];
    if (label < 0) {
      label = n++;
      key_of_label_[label] = intact_->n_intact_ + root;
    }
  }
  s.n_islands = n;
  std::copy(intact_->intact_label_.begin(), intact_->intact_label_.end(), s.island_of.begin());
  std::sort(excluded_.begin(), excluded_.end());
  for (int i : excluded_) s.island_of[i] = -1;  // small-island buses relabelled below
  std::fill(s.island_offset.begin(), s.island_offset.begin() + n + 1, 0);
  for (const auto& [bus, root] : small_) {
    const int label = label_of_key_[intact_->n_intact_ + root];
    s.island_of[bus] = label;
    ++s.island_offset[label + 1];
  }
  s.island_offset[1] = static_cast<int>(intact_->intact_buses_.size() - excluded_.size());
  for (int k = 1; k < n; ++k) s.island_offset[k + 1] += s.island_offset[k];
  // What remains: the intact list in stretches between excluded buses.
  int out = 0, from = 0;
  for (int i : excluded_) {
    const int to = intact_->intact_pos_[i];
    std::copy(intact_->intact_buses_.begin() + from, intact_->intact_buses_.begin() + to, s.island_buses.begin() + out);
    out += to - from;
    from = to + 1;
  }
  std::copy(intact_->intact_buses_.begin() + from, intact_->intact_buses_.end(), s.island_buses.begin() + out);
  // Small islands: their buses ascending (small_ is sorted by bus).
  fill_.assign(s.island_offset.begin(), s.island_offset.begin() + n);
  for (const auto& [bus, root] : small_) s.island_buses[fill_[s.island_of[bus]]++] = bus;
  choose_refs(net, s, false);
  for (int k = 0; k < n; ++k) label_of_key_[key_of_label_[k]] = -1;
  return true;
}

void IslandFinder::find_after_trips(GridState& s, int first_trip) {
  const Network& net = intact_->network();
  s.touched_buses = -1;  // until GridState::mark_touched_islands()
  if (forest_removed_ != first_trip && !forest_from_root_trees(net, s, first_trip)) {
    find_with_forest(net, s);  // the islands before the trips are left as they are
    std::fill(s.island_prev.begin(), s.island_prev.begin() + s.n_islands, -1);
    return;
  }
  const int split = split_forest(net, s, first_trip, static_cast<int>(s.removed_branches.size()), false);
  if (split < 0) {
    find_with_forest(net, s);
    std::fill(s.island_prev.begin(), s.island_prev.begin() + s.n_islands, -1);
    return;
  }
  if (split > 0) {
    write_split_islands(net, s);
  } else {
    for (int k = 0; k < s.n_islands; ++k) s.island_prev[k] = k;
  }
  forest_removed_ = static_cast<int>(s.removed_branches.size());
}

// Breadth-first search from each alive bus not yet reached, in ascending order: islands
// come out numbered by their lowest bus, and the search trees are the forest.
void IslandFinder::find_with_forest(const Network& net, GridState& s) {
  const int nb = net.n_bus();
  next_epoch();
  int n = 0;
  for (int i = 0; i < nb; ++i) {
    if (!s.bus_alive[i]) {
      s.island_of[i] = -1;
      continue;
    }
    if (visited_[i] == epoch_) continue;
    const int label = n++;
    s.island_offset[n] = 0;
    visited_list_.clear();
    visited_[i] = epoch_;
    fvia_[i] = -1;
    visited_list_.push_back(i);
    for (std::size_t h = 0; h < visited_list_.size(); ++h) {
      const int u = visited_list_[h];
      s.island_of[u] = label;
      for (int a = net.adj_offset[u]; a < net.adj_offset[u + 1]; ++a) {
        const int e = net.adj_branch[a];
        if (!s.branch_alive[e]) continue;
        const int w = net.adj_bus[a];
        if (visited_[w] == epoch_) continue;
        visited_[w] = epoch_;
        fvia_[w] = e;
        visited_list_.push_back(w);
      }
    }
    s.island_offset[n] = static_cast<int>(visited_list_.size());
  }
  s.island_offset[0] = 0;
  s.n_islands = n;
  write_islands(net, s, true);
  forest_removed_ = static_cast<int>(s.removed_branches.size());
}

// A forest of the state's islands (those of its first n_removed removed branches) from
// the intact network's root trees: the tree branches removed cut pieces off, which
// searches join back; in an island that lost its tree's root, the first piece found stands
// as its root. False (forest unusable) when over budget.
bool IslandFinder::forest_from_root_trees(const Network& net, const GridState& s, int n_removed) {
  std::copy(intact_->tree_via_.begin(), intact_->tree_via_.end(), fvia_.begin());
  std::fill(island_rooted_.begin(), island_rooted_.begin() + s.n_islands, 0);
  for (int x : intact_->tree_roots_)
    if (s.bus_alive[x]) island_rooted_[s.island_of[x]] = 1;
  // Every piece joins another of its island: a search that runs out would contradict the
  // islands, so it counts as a failure too.
  if (split_forest(net, s, 0, n_removed, true) != 0) return false;
  forest_removed_ = n_removed;
  return true;
}

// The removed branches [first, last) that are forest branches cut their lower end's
// subtree off (a cut top); the others split nothing. From every cut top a search
// explores its piece, in lock step with the others. Reaching another piece joins the two
// (the searching piece's tree is re-rooted at the bus reached from and hung under the
// other through the branch that joins them); reaching the piece that holds the island's
// root ends the search, connected. A search that runs out is a new island, and its tree
// that island's. Returns 0 when nothing split, 1 when searches ran out (new islands:
// write_split_islands()), -1 over budget. designate_roots: the first cut top of an
// island not marked in island_rooted_ becomes that island's root instead of a search.
int IslandFinder::split_forest(const Network& net, const GridState& s, int first, int last, bool designate_roots) {
  next_epoch();
  visited_list_.clear();
  int nq = 0;
  for (int t = first; t < last; ++t) {
    const int e = s.removed_branches[t];
    const int f = net.br_from[e], to = net.br_to[e];
    const int c = fvia_[f] == e && s.bus_alive[f] ? f : fvia_[to] == e && s.bus_alive[to] ? to : -1;
    if (c < 0) continue;
    if (designate_roots && !island_rooted_[s.island_of[c]]) {
      island_rooted_[s.island_of[c]] = 1;
      fvia_[c] = -1;
      continue;
    }
    fvia_[c] = kCutTop;
    const int q = nq++;
    top_search_[c] = q;
    search_parent_[q] = q;
    pending_[q] = 1;
    connected_[q] = 0;
    head_[q] = -1;
    enqueue(c, q);
  }
  if (nq == 0) return 0;
  int open = nq;
  int budget = net.n_bus() / 2 + 64;
  // Searches with buses queued, in ascending order; one that empties its queue never
  // queues again, so each sweep drops those.
  active_.resize(nq);
  std::iota(active_.begin(), active_.end(), 0);
  while (open > 0) {
    std::size_t kept = 0;
    for (std::size_t t = 0; t < active_.size() && open > 0; ++t) {
      const int q = active_[t];
      const int u = head_[q];
      if (u < 0) continue;
      active_[kept++] = q;
      int r = search_root(q);
      if (connected_[r]) {
        head_[q] = -1;
        continue;
      }
      if (--budget < 0) return -1;
      head_[q] = next_in_queue_[u];
      for (int a = net.adj_offset[u]; a < net.adj_offset[u + 1]; ++a) {
        const int e = net.adj_branch[a];
        if (!s.branch_alive[e]) continue;
        const int w = net.adj_bus[a];
        // A child of u in the forest is in u's piece: no walk needed.
        int g = visited_[w] == epoch_ ? search_root(search_of_[w]) : fvia_[w] == e ? r : piece_search(net, w);
        if (g >= 0 && connected_[g]) g = -1;
        if (g == r) {
          if (visited_[w] != epoch_) {
            enqueue(w, q);
            ++pending_[r];
          }
          continue;
        }
        rehang(net, u, e);  // another piece: one tree now
        --open;
        if (g < 0) {
          connected_[r] = 1;
          break;
        }
        search_parent_[r] = g;
        pending_[g] += pending_[r];
        r = g;
      }
      if (!connected_[r] && --pending_[r] == 0) --open;  // ran out: a new island
    }
    active_.resize(kept);
  }
  // The cut tops left are the tops of the new islands' trees.
  int split = 0;
  for (int v : visited_list_)
    if (fvia_[v] == kCutTop) fvia_[v] = -1, split = 1;
  return split;
}

// The search whose piece holds bus w (one not reached by a search this call), or -1 for
// the piece of the island's root: walk up the forest to a bus reached by a search, a cut
// top or the root (an ancestor is in the same tree, so in the same piece), and remember
// the answer along the way.
int IslandFinder::piece_search(const Network& net, int w) {
  path_.clear();
  int x = w;
  while (piece_stamp_[x] != epoch_ && visited_[x] != epoch_ && fvia_[x] >= 0) {
    path_.push_back(x);
    const int e = fvia_[x];
    x ^= net.br_ends_xor[e];
  }
  const int q = piece_stamp_[x] == epoch_ ? piece_of_[x]
                : visited_[x] == epoch_    ? search_of_[x]
                : fvia_[x] == kCutTop      ? top_search_[x]
                                           : -1;
  for (int y : path_) {
    piece_stamp_[y] = epoch_;
    piece_of_[y] = q;
  }
  return q < 0 ? -1 : search_root(q);
}

// Re-root the tree holding u at u (reverse the path from u to its top) and hang it from
// the other end of branch e.
void IslandFinder::rehang(const Network& net, int u, int e) {
  int x = u, in = e;
  for (;;) {
    const int up = fvia_[x];
    fvia_[x] = in;
    if (up < 0) break;
    in = up;
    x ^= net.br_ends_xor[up];
  }
}

// After grow_searches() over the islands before the trips: every search that ran out is
// a new island; the rest of each old island (if any) keeps its buses less those. Islands
// renumbered by lowest bus, buses ascending, references by the model's rule (an island's
// reference stays when it stays in it: it was the best of a superset).
void IslandFinder::write_split_islands(const Network& net, GridState& s) {
  const int n_old = s.n_islands;
  // Buses that left: left_island_ counts them per old island; per search root (a new
  // island) its size and lowest bus.
  island_low_.clear();
  island_key_.clear();
  leaving_.clear();
  for (int v : visited_list_) {
    const int r = search_root(search_of_[v]);
    if (pending_[r] != 0) continue;
    excluded_mark_[v] = epoch_;
    ++left_island_[s.island_of[v]];
    leaving_.push_back({s.island_of[v], v});
    int& label = label_of_key_[n_old + r];  // here: index into island_low_, until labelled below
    if (label < 0) {
      label = static_cast<int>(island_key_.size());
      island_low_.push_back(v);
      island_key_.push_back(n_old + r);
    } else {
      island_low_[label] = std::min(island_low_[label], v);
    }
  }
  // Islands as (lowest bus, key): key k < n_old is what remains of old island k, key
  // n_old + r the island of search root r.
  for (int k = 0; k < n_old; ++k) {
    const int b = s.island_offset[k], e = s.island_offset[k + 1];
    if (left_island_[k] == e - b) continue;  // all of it left
    int q = b;
    if (left_island_[k] > 0)
      while (excluded_mark_[s.island_buses[q]] == epoch_) ++q;
    island_low_.push_back(s.island_buses[q]);
    island_key_.push_back(k);
  }
  // Labels in the order of lowest bus.
  const int n = static_cast<int>(island_key_.size());
  fill_.resize(n);
  for (int j = 0; j < n; ++j) fill_[j] = j;
  std::sort(fill_.begin(), fill_.end(), [&](int a, int b) { return island_low_[a] < island_low_[b]; });
  new_offset_.assign(n + 1, 0);
  new_ref_.resize(n);
  for (int label = 0; label < n; ++label) {
    const int key = island_key_[fill_[label]];
    label_of_key_[key] = label;
    if (key < n_old) {
      new_offset_[label + 1] = s.island_offset[key + 1] - s.island_offset[key] - left_island_[key];
      new_ref_[label] = excluded_mark_[s.island_ref[key]] == epoch_ ? -1 : s.island_ref[key];
    } else {
      new_ref_[label] = -1;
    }
  }
  for (int v : visited_list_)
    if (excluded_mark_[v] == epoch_) ++new_offset_[label_of_key_[n_old + search_root(search_of_[v])] + 1];
  for (int label = 0; label < n; ++label) new_offset_[label + 1] += new_offset_[label];
  // Bus lists: an old island nothing left is copied whole (relabelled only if its label
  // moved); one that split is dealt out in ascending order between what remains and the
  // new islands, so every list stays ascending. When few buses left a large island (the
  // common cascade round), what remains is copied in stretches between them.
  auto by_stretches = [&](int k) { return 8L * left_island_[k] < s.island_offset[k + 1] - s.island_offset[k]; };
  leaving_.erase(std::remove_if(leaving_.begin(), leaving_.end(), [&](const auto& l) { return !by_stretches(l.first); }),
                 leaving_.end());
  std::sort(leaving_.begin(), leaving_.end());
  fill_.assign(new_offset_.begin(), new_offset_.end() - 1);
  std::fill(s.island_prev.begin(), s.island_prev.begin() + n, -1);
  const int* old_buses = s.island_buses.data();
  auto keep_stretch = [&](int from, int to, int label, int k, int& out) {
    std::copy(old_buses + from, old_buses + to, new_buses_.begin() + out);
    out += to - from;
    if (label != k)
      for (int q = from; q < to; ++q) s.island_of[old_buses[q]] = label;
  };
  std::size_t t = 0;  // island k's leaving buses (if by stretches): leaving_[t, t + left_island_[k])
  for (int k = 0; k < n_old; ++k) {
    const int b = s.island_offset[k], e = s.island_offset[k + 1];
    const int left = left_island_[k];
    const int label = left == e - b ? -1 : label_of_key_[k];
    int out = label >= 0 ? fill_[label] : 0;
    if (left == 0) {
      s.island_prev[label] = k;
      keep_stretch(b, e, label, k, out);
      continue;
    }
    auto leave = [&](int i) {
      const int to = label_of_key_[n_old + search_root(search_of_[i])];
      new_buses_[fill_[to]++] = i;
      s.island_of[i] = to;
    };
    if (by_stretches(k)) {
      int from = b;
      for (const std::size_t end = t + left; t < end; ++t) {
        const int i = leaving_[t].second;
        const int q = static_cast<int>(std::lower_bound(old_buses + from, old_buses + e, i) - old_buses);
        keep_stretch(from, q, label, k, out);
        leave(i);
        from = q + 1;
      }
      keep_stretch(from, e, label, k, out);
    } else {
      for (int q = b; q < e; ++q) {
        const int i = old_buses[q];
        if (excluded_mark_[i] == epoch_) {
          leave(i);
        } else {
          new_buses_[out++] = i;
          if (label != k) s.island_of[i] = label;
        }
      }
    }
    if (label >= 0) fill_[label] = out;
    left_island_[k] = 0;
  }
  for (int j = 0; j < n; ++j) label_of_key_[island_key_[j]] = -1;
  s.island_buses.swap(new_buses_);
  std::copy(new_offset_.begin(), new_offset_.end(), s.island_offset.begin());
  s.n_islands = n;
  for (int k = 0; k < n; ++k) s.island_ref[k] = new_ref_[k] >= 0 ? new_ref_[k] : reference_by_rule(net, s, k);
}

void IslandFinder::find_from_scratch(GridState& s) {
  forest_removed_ = -1;
  islands_by_union_find(intact_->network(), s, sets_, root_label_, fill_);
}

void find_islands_from_scratch(const Network& net, GridState& state) {
  kernels::UnionFind sets;
  std::vector<int> root_label, fill;
  islands_by_union_find(net, state, sets, root_label, fill);
}

void IslandFinder::write_islands(const Network& net, GridState& s, bool from_scratch) {
  list_island_buses(net, s, fill_);
  choose_refs(net, s, from_scratch);
}

// References: from each intact island's priority list when the island is what remains of
// it, else by the rule.
void IslandFinder::choose_refs(const Network& net, GridState& s, bool from_scratch) const {
  const int n = s.n_islands;
  for (int k = 0; k < n; ++k) {
    if (!from_scratch && key_of_label_[k] < intact_->n_intact_) {
      const int isl = key_of_label_[k];
      for (int p = intact_->ref_order_offset_[isl]; p < intact_->ref_order_offset_[isl + 1]; ++p)
        if (s.island_of[intact_->ref_order_[p]] == k) {
          s.island_ref[k] = intact_->ref_order_[p];
          break;
        }
      continue;
    }
    s.island_ref[k] = reference_by_rule(net, s, k);
  }
}

}  // namespace sre
