#pragma once
// The raw content of a MATPOWER case file (format version 2), as parsed:
// numeric matrices with the source line of each row, so that later checks
// (duplicate bus ids, unknown buses, zero reactance) can name the line.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sre {

struct CaseMatrix {
  std::size_t cols = 0;        // columns per row (every row of a matrix has the same count)
  std::vector<double> values;  // row-major, rows() * cols
  std::vector<int> lines;      // 1-based source line on which each row starts
  int first_line = 0;          // line of the `mpc.NAME = [` opening, 0 if absent

  std::size_t rows() const { return lines.size(); }
  bool present() const { return first_line > 0; }
  double operator()(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
};

struct CaseData {
  std::string source;  // file path (or a name for in-memory text), used in messages
  double base_mva = 0.0;
  int base_mva_line = 0;  // 0 if missing
  CaseMatrix bus, gen, branch, gencost;
  std::vector<std::string> bus_name;  // `mpc.bus_name` cell array when present
};

// MATPOWER column indices (0-based), as in MATPOWER's idx_bus / idx_gen / idx_brch / idx_cost.
namespace col {
inline constexpr std::size_t BUS_I = 0, BUS_TYPE = 1, PD = 2, QD = 3, GS = 4, BS = 5, BUS_AREA = 6, VM = 7, VA = 8,
                             BASE_KV = 9, ZONE = 10, VMAX = 11, VMIN = 12;
inline constexpr std::size_t GEN_BUS = 0, PG = 1, QG = 2, QMAX = 3, QMIN = 4, VG = 5, MBASE = 6, GEN_STATUS = 7,
                             PMAX = 8, PMIN = 9;
inline constexpr std::size_t F_BUS = 0, T_BUS = 1, BR_R = 2, BR_X = 3, BR_B = 4, RATE_A = 5, RATE_B = 6, RATE_C = 7,
                             TAP = 8, SHIFT = 9, BR_STATUS = 10, ANGMIN = 11, ANGMAX = 12;
inline constexpr std::size_t MODEL = 0, STARTUP = 1, SHUTDOWN = 2, NCOST = 3, COST = 4;
// Minimum columns a row must have for the DC model.
inline constexpr std::size_t BUS_MIN_COLS = 13, GEN_MIN_COLS = 10, BRANCH_MIN_COLS = 11;
}  // namespace col

// Parse MATPOWER case text. Throws InputError(source, line, message) on bad input;
// never crashes or hangs on any input.
CaseData parse_matpower_case(std::string_view text, const std::string& source);

// Read and parse a file. Throws InputError when it cannot be read or parsed.
CaseData read_matpower_case(const std::filesystem::path& path);

}  // namespace sre
