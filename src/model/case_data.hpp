#pragma once
// The raw content of a case file as parsed, in MATPOWER's layout (format version 2):
// numeric matrices with the source line of each row, so that later checks
// (duplicate bus ids, unknown buses, zero reactance) can name the line. A PSS/E RAW
// or RAWX case is converted into the same layout (model/psse_readers.hpp), with what
// MATPOWER has no place for (owners, names of areas, substations) beside it.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
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

// A substation of a PSS/E revision 35 case: the buses of its nodes.
struct CaseSubstation {
  std::string name;
  int line = 0;  // its record's line (0 for RAWX)
  std::vector<std::int64_t> bus_ids;
};

struct CaseData {
  std::string source;  // file path (or a name for in-memory text), used in messages
  std::string format = "MATPOWER";  // or "PSS/E RAW revision 33", ...
  double base_mva = 0.0;
  int base_mva_line = 0;  // 0 if missing
  CaseMatrix bus, gen, branch, gencost;
  std::vector<std::string> bus_name;  // `mpc.bus_name` cell array when present
  // PSS/E only (empty for MATPOWER): each bus row's OWNER, and the names of areas, zones
  // and owners by number (BUS_AREA and ZONE hold the numbers in the bus matrix).
  std::vector<int> bus_owner;
  std::map<int, std::string> area_name, zone_name, owner_name;
  // Revision 35 substation data; has_substations also when the section is empty.
  std::vector<CaseSubstation> substations;
  bool has_substations = false;
  // One line each: sections skipped, devices the DC model leaves out (shown as warnings).
  std::vector<std::string> notes;
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

// Read and parse a MATPOWER file. Throws InputError when it cannot be read or parsed.
CaseData read_matpower_case(const std::filesystem::path& path);

// The formats a case may come in; told by the content (case_input.cpp).
enum class CaseFormat { kMatpower, kPsseRaw, kPsseRawx };
// JSON (a '{' first) is RAWX; a first record that is a RAW case identification record
// (IC = 0 or 1, SBASE, ...) is RAW; else the extension decides (.raw, .rawx), and
// anything else is read as MATPOWER, whose reader explains what it expected.
CaseFormat detect_case_format(std::string_view text, const std::string& source);
// Parse a case in any of the formats (every command reads its case through here).
CaseData parse_case(std::string_view text, const std::string& source);
CaseData read_case(const std::filesystem::path& path);
// The case as MATPOWER case text (format version 2) that MATPOWER's loadcase and this
// reader read back to the same numbers: every value written in its shortest exact form,
// gen padded to MATPOWER's 21 columns, each row followed by its source line as a comment.
std::string write_matpower_case(const CaseData& data, const std::string& function_name);

// The bytes of a case file; InputError (naming the path and what to do) when it cannot be read.
std::string read_case_text(const std::filesystem::path& path);

}  // namespace sre
