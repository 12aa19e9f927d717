#pragma once
// The cases and prepared data the kernel benchmarks share (bench/kernels_bench.cpp,
// bench/nk_bench.cpp): each case loaded once with the file's set-points (--dispatch case),
// its base case, the fast solver's shared factor, and 64 random k = 3 bus strikes with
// their islands and balancing done.
#include <memory>
#include <string>
#include <vector>

#include "flow/base_case.hpp"
#include "flow/flow_solver.hpp"
#include "model/grid_state.hpp"
#include "model/network.hpp"

namespace sre::bench {

struct KCase {
  const char* name;
  const char* file;
};
inline constexpr KCase kKCases[] = {
    {"case118", "pglib_opf_case118_ieee.m"},
    {"case1354", "pglib_opf_case1354_pegase.m"},
    {"case2383wp_k", "pglib_opf_case2383wp_k.m"},
    {"case9241pegase", "case9241pegase.m"},
};
inline constexpr int kStates = 64;

struct KPrepared {
  sre::Network net;
  sre::BaseCase base;
  std::shared_ptr<const sre::FastFlowShared> shared;
  std::vector<sre::GridState> states;  // k = 3 random strikes, islands and balancing done
  std::vector<std::vector<int>> strikes;
};

// Built on first use and kept for the program's life (bench/kernels_bench.cpp).
const KPrepared& kprepared(const KCase& c);

}  // namespace sre::bench
