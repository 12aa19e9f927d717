#pragma once
// Small networks written out in the tests, with answers worked out by hand.
#include <string>

#include "model/case_data.hpp"
#include "model/network.hpp"

namespace sre::test {

inline Network network_from_text(const std::string& text) { return build_network(parse_matpower_case(text, "inline")); }

inline std::string data_path(const std::string& rel) { return std::string(SRE_DATA_DIR) + "/" + rel; }

// Radial: 1 --(x=0.1)-- 2 --(x=0.1)-- 3. Generator at 1: Pg 60, Pmax 100.
// Loads: 30 MW at 2, 50 MW at 3.
inline const char* kRadial3 = R"(
function mpc = radial3
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0  0 0 0 1 1 0 230 1 1.1 0.9;
  2 1 30 0 0 0 1 1 0 230 1 1.1 0.9;
  3 1 50 0 0 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 60 0 100 -100 1 100 1 100 0;
];
mpc.branch = [
  1 2 0 0.1 0 0 0 0 0 0 1 -360 360;
  2 3 0 0.1 0 0 0 0 0 0 1 -360 360;
];
)";

// Four buses, three parallel paths from the generator at 1 to the load at 3:
//   e1: 1-3 direct (x 0.1, rateA 60), e2: 1-2 and e3: 2-3 (x 0.1 each, rateA 90),
//   e4: 1-4 and e5: 4-3 (x 0.1 each, rateA 200).
// Generator at 1: Pg 100 = Pmax. Load 100 MW at 3.
inline const char* kParallelPaths4 = R"(
function mpc = paths4
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0   0 0 0 1 1 0 230 1 1.1 0.9;
  2 1 0   0 0 0 1 1 0 230 1 1.1 0.9;
  3 1 100 0 0 0 1 1 0 230 1 1.1 0.9;
  4 1 0   0 0 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 100 0 100 -100 1 100 1 100 0;
];
mpc.branch = [
  1 3 0 0.1 0 60  0 0 0 0 1 -360 360;
  1 2 0 0.1 0 90  0 0 0 0 1 -360 360;
  2 3 0 0.1 0 90  0 0 0 0 1 -360 360;
  1 4 0 0.1 0 200 0 0 0 0 1 -360 360;
  4 3 0 0.1 0 200 0 0 0 0 1 -360 360;
];
)";

// Two generator buses and a load bus in a triangle, plus a phase shifter:
//   1 (ref): gen Pg 50, Pmax 80;  2: gen Pg 50, Pmax 150;  3: load 180 MW, Gs 20 MW.
// Branches (x 0.1 each): 1-2, 1-3, 2-3 with a 5 degree phase shift on 2-3.
inline const char* kShifter3 = R"(
function mpc = shifter3
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
  1 3 0   0 0  0 1 1 0 230 1 1.1 0.9;
  2 2 0   0 0  0 1 1 0 230 1 1.1 0.9;
  3 1 180 0 20 0 1 1 0 230 1 1.1 0.9;
];
mpc.gen = [
  1 50 0 100 -100 1 100 1 80 0;
  2 50 0 100 -100 1 100 1 150 0;
];
mpc.branch = [
  1 2 0 0.1 0 0 0 0 0 0 1 -360 360;
  1 3 0 0.1 0 0 0 0 0 0 1 -360 360;
  2 3 0 0.1 0 0 0 0 0 5 1 -360 360;
];
)";

}  // namespace sre::test
