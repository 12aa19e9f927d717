#include "flow/base_case.hpp"

#include <cmath>

#include "flow/flow_solver.hpp"
#include "topology/island_balancer.hpp"
#include "topology/island_finder.hpp"

namespace sre {

BaseCase make_base_case(const Network& net) {
  BaseCase b;
  b.net = &net;
  b.state.resize(net);
  b.state.reset_to_intact(net);
  find_islands_from_scratch(net, b.state);  // one call: no certificates to build
  IslandBalancer::balance(net, b.state);
  make_reference_flow_solver(net)->solve(net, b.state);
  b.shed_mw = b.state.shed_mw;
  b.limit_mw.assign(net.n_branch(), 0.0);
  b.limited_slot.assign(net.n_branch(), -1);
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!net.br_in_service[e] || !net.limited(e)) continue;
    const double base = std::abs(b.state.flow_mw[e]);
    if (base > net.br_rate_a[e]) {
      b.limit_mw[e] = base;
      ++b.n_grandfathered;
    } else {
      b.limit_mw[e] = net.br_rate_a[e];
    }
    b.limited_slot[e] = static_cast<int>(b.limited_branches.size());
    b.limited_branches.push_back(e);
    b.limited_limit_mw.push_back(b.limit_mw[e]);
  }
  return b;
}

}  // namespace sre
