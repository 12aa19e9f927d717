// The incremental island finder (searches from the ends of removed branches) against
// plain union-find over every branch, on random strikes and cascade-like trips:
// same islands, same numbering, same buses in the same order, same references.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>

#include "topology/island_finder.hpp"
#include "model/network.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

void expect_same_islands(const Network& net, const GridState& a, const GridState& b, const std::string& what) {
  ASSERT_EQ(a.n_islands, b.n_islands) << what;
  ASSERT_EQ(a.island_of, b.island_of) << what;
  const int n = a.n_islands;
  for (int k = 0; k <= n; ++k) ASSERT_EQ(a.island_offset[k], b.island_offset[k]) << what;
  for (int p = 0; p < a.island_offset[n]; ++p) ASSERT_EQ(a.island_buses[p], b.island_buses[p]) << what;
  for (int k = 0; k < n; ++k) ASSERT_EQ(a.island_ref[k], b.island_ref[k]) << what << " island " << k;
  (void)net;
}

// Random strikes of 1..max_k buses, then up to six rounds of random trips (radial
// feeders and leaves split off; many trips split the network into large parts). Each
// round's islands are also found from the previous round's by find_after_trips(), as
// cascades do, in a chain of states of their own.
void compare_on_random_states(const Network& net, int scenarios, int max_k, unsigned seed) {
  std::mt19937_64 rng(seed);
  const auto intact = std::make_shared<const IntactTopology>(net);
  IslandFinder incremental(intact), scratch(intact), after_trips(intact);
  GridState a, b, c;
  a.resize(net);
  b.resize(net);
  c.resize(net);
  const int nb = net.n_bus(), nl = net.n_branch();
  for (int sc = 0; sc < scenarios; ++sc) {
    a.reset_to_intact(net);
    const int k = 1 + static_cast<int>(rng() % max_k);
    std::string what = "scenario " + std::to_string(sc) + " destroyed:";
    for (int j = 0; j < k; ++j) {
      const int i = static_cast<int>(rng() % nb);
      a.destroy_bus(net, i);
      what += " " + std::to_string(i);
    }
    int first_trip = -1;
    for (int round = 0; round < 7; ++round) {
      b = a;
      incremental.find(a);
      scratch.find_from_scratch(b);
      expect_same_islands(net, a, b, what + " round " + std::to_string(round));
      if (round == 0) {
        c = a;
        after_trips.find(c);
      } else {
        after_trips.find_after_trips(c, first_trip);
        expect_same_islands(net, c, b, what + " after trips, round " + std::to_string(round));
      }
      if (::testing::Test::HasFatalFailure()) return;
      const int trips = static_cast<int>(rng() % (round == 5 ? nl / 4 + 1 : round % 2 ? 24 : 6));
      first_trip = static_cast<int>(a.removed_branches.size());
      for (int t = 0; t < trips; ++t) {
        const int e = static_cast<int>(rng() % nl);
        a.trip_branch(e);
        c.trip_branch(e);
      }
    }
  }
}

// The searches read each neighbour from the adjacency's other-end array and walk trees by
// the ends' XOR: both must name the branch's other end (case2000 has branches out of
// service, which the adjacency leaves out).
TEST(IslandFinder, AdjacencyOtherEnds) {
  for (const char* file : {"cases/pglib_opf_case118_ieee.m", "cases/pglib_opf_case2000_goc.m"}) {
    SCOPED_TRACE(file);
    const Network net = load_network(test::data_path(file));
    ASSERT_EQ(net.adj_bus.size(), net.adj_branch.size());
    ASSERT_EQ(static_cast<int>(net.br_ends_xor.size()), net.n_branch());
    int in_service = 0;
    for (int e = 0; e < net.n_branch(); ++e) {
      EXPECT_EQ(net.br_from[e] ^ net.br_ends_xor[e], net.br_to[e]);
      EXPECT_EQ(net.br_to[e] ^ net.br_ends_xor[e], net.br_from[e]);
      in_service += net.br_in_service[e];
    }
    EXPECT_EQ(static_cast<int>(net.adj_branch.size()), 2 * in_service);
    for (int i = 0; i < net.n_bus(); ++i)
      for (int a = net.adj_offset[i]; a < net.adj_offset[i + 1]; ++a) {
        const int e = net.adj_branch[a];
        ASSERT_TRUE(net.br_in_service[e]);
        ASSERT_TRUE(net.br_from[e] == i || net.br_to[e] == i);
        EXPECT_EQ(net.adj_bus[a], net.br_from[e] == i ? net.br_to[e] : net.br_from[e]);
      }
  }
}

TEST(IslandFinder, SameAsUnionFindCase14) {
  compare_on_random_states(load_network(test::data_path("cases/pglib_opf_case14_ieee.m")), 3000, 8, 1);
}
TEST(IslandFinder, SameAsUnionFindCase118) {
  compare_on_random_states(load_network(test::data_path("cases/pglib_opf_case118_ieee.m")), 2000, 30, 2);
}
TEST(IslandFinder, SameAsUnionFindCase300) {
  compare_on_random_states(load_network(test::data_path("cases/pglib_opf_case300_ieee.m")), 1000, 30, 3);
}
TEST(IslandFinder, SameAsUnionFindCase2383) {
  compare_on_random_states(load_network(test::data_path("cases/pglib_opf_case2383wp_k.m")), 150, 30, 4);
}

// Two intact islands (one without a case reference) and an isolated bus (8, destroyed
// in some scenarios without removing any branch): each intact island keeps its own
// numbering and reference rule.
TEST(IslandFinder, SameAsUnionFindSeveralIntactIslands) {
  const Network net = test::network_from_text(R"(
function mpc = two_parts
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0  0 0 0 1 1 0 230 1 1.1 0.9;
  2 1 30 0 0 0 1 1 0 230 1 1.1 0.9;
  3 1 50 0 0 0 1 1 0 230 1 1.1 0.9;
  4 1 10 0 0 0 1 1 0 230 1 1.1 0.9;
  5 2 20 0 0 0 1 1 0 230 1 1.1 0.9;
  6 1 10 0 0 0 1 1 0 230 1 1.1 0.9;
  7 2 5  0 0 0 1 1 0 230 1 1.1 0.9;
  8 1 5  0 0 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 60 0 100 -100 1 100 1 100 0;
  5 20 0 40 -100 1 100 1 40 0;
  7 10 0 80 -100 1 100 1 80 0;
];
mpc.branch = [
  1 2 0 0.1 0 0 0 0 0 0 1 -360 360;
  2 3 0 0.1 0 0 0 0 0 0 1 -360 360;
  3 1 0 0.1 0 0 0 0 0 0 1 -360 360;
  4 5 0 0.1 0 0 0 0 0 0 1 -360 360;
  5 6 0 0.1 0 0 0 0 0 0 1 -360 360;
  6 7 0 0.1 0 0 0 0 0 0 1 -360 360;
  7 4 0 0.1 0 0 0 0 0 0 1 -360 360;
];
)");
  compare_on_random_states(net, 4000, 4, 5);
}

// No strike at all: the intact network is one island.
TEST(IslandFinder, IntactNetwork) {
  const Network net = load_network(test::data_path("cases/pglib_opf_case30_ieee.m"));
  const auto intact = std::make_shared<const IntactTopology>(net);
  IslandFinder incremental(intact), scratch(intact);
  GridState a, b;
  a.resize(net);
  a.reset_to_intact(net);
  b = a;
  incremental.find(a);
  scratch.find_from_scratch(b);
  expect_same_islands(net, a, b, "intact");
  EXPECT_EQ(a.n_islands, 1);
}

}  // namespace
}  // namespace sre
