#include "io/csv_table.hpp"

#include <charconv>
#include <cmath>
#include <fstream>

#include "io/input_error.hpp"

namespace sre {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\"");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\"");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

CsvTable read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "cannot open file; check the path");
  CsvTable t;
  t.path = path;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string stripped = trim(line);
    if (stripped.empty() || stripped[0] == '#') continue;
    auto fields = split(line);
    if (t.header.empty()) {
      t.header = std::move(fields);
      continue;
    }
    if (fields.size() != t.header.size())
      throw InputError(path, n, "row has " + std::to_string(fields.size()) + " fields, the header has " +
                                    std::to_string(t.header.size()));
    t.rows.push_back(std::move(fields));
    t.lines.push_back(n);
  }
  if (t.header.empty()) throw InputError(path, 0, "file is empty; a header row is needed");
  return t;
}

int CsvTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return static_cast<int>(c);
  std::string cols;
  for (const auto& h : header) cols += (cols.empty() ? "" : ", ") + h;
  throw InputError(path, 1, "no column '" + name + "'; the columns are: " + cols);
}

double CsvTable::number(std::size_t row, int col) const {
  const std::string& s = rows[row][col];
  double v = 0.0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
    throw InputError(path, lines[row], "column '" + header[col] + "': '" + s + "' is not a finite number");
  return v;
}

std::pair<std::string, std::string> split_file_column(const std::string& spec, const std::string& option) {
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw InputError(option + " '" + spec + "': expected FILE.csv:COLUMN");
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

}  // namespace sre
