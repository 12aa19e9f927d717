// MATPOWER case text from a CaseData: what `sre convert` writes, so that a case read from
// PSS/E can be checked in other tools. Values are written in their shortest round-trip
// form, so reading the file back gives the same bits and the same flows.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "model/case_data.hpp"

namespace sre {
namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "Inf" : "-Inf";
  } else {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, ec == std::errc{} ? end : buf);
  }
}

void append_matrix(std::string& out, const std::string& name, const CaseMatrix& m, std::size_t min_cols,
                   const std::string& heading) {
  out += "\n%% " + heading + "\nmpc." + name + " = [\n";
  const std::size_t cols = std::max(m.cols, min_cols);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    out += '\t';
    for (std::size_t c = 0; c < cols; ++c) {
      if (c > 0) out += '\t';
      append_number(out, c < m.cols ? m(r, c) : 0.0);
    }
    out += ";";
    if (m.lines[r] > 0) out += "\t% line " + std::to_string(m.lines[r]);
    out += '\n';
  }
  out += "];\n";
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += '\'';  // MATLAB doubles a quote inside a string
    q += c == '\n' || c == '\r' ? ' ' : c;
  }
  return q + "'";
}

}  // namespace

std::string write_matpower_case(const CaseData& d, const std::string& function_name) {
  std::string out = "function mpc = " + function_name + "\n";
  out += "%" + function_name + "  written by sre convert from " + d.source + " (" + d.format + ").\n";
  out += "%   Line comments give each row's line in that file. Branch rows: lines, then\n";
  out += "%   two-winding transformers, then three windings (to a star bus) per\n";
  out += "%   three-winding transformer (docs/model.md, PSS/E input).\n";
  out += "\n%% MATPOWER Case Format : Version 2\nmpc.version = '2';\n";
  out += "\n%%-----  Power Flow Data  -----%%\n%% system MVA base\nmpc.baseMVA = ";
  append_number(out, d.base_mva);
  out += ";\n";
  append_matrix(out, "bus", d.bus, col::BUS_MIN_COLS,
                "bus data\n%\tbus_i\ttype\tPd\tQd\tGs\tBs\tarea\tVm\tVa\tbaseKV\tzone\tVmax\tVmin");
  append_matrix(out, "gen", d.gen, 21,
                "generator data\n%\tbus\tPg\tQg\tQmax\tQmin\tVg\tmBase\tstatus\tPmax\tPmin\tPc1\tPc2\tQc1min\tQc1max"
                "\tQc2min\tQc2max\tramp_agc\tramp_10\tramp_30\tramp_q\tapf");
  append_matrix(out, "branch", d.branch, 13,
                "branch data\n%\tfbus\ttbus\tr\tx\tb\trateA\trateB\trateC\tratio\tangle\tstatus\tangmin\tangmax");
  if (d.gencost.present()) append_matrix(out, "gencost", d.gencost, 0, "generator cost data");
  if (!d.bus_name.empty()) {
    out += "\n%% bus names\nmpc.bus_name = {\n";
    for (const std::string& n : d.bus_name) out += "\t" + quoted(n) + ";\n";
    out += "};\n";
  }
  return out;
}

}  // namespace sre
