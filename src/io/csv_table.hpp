#pragma once
// A small CSV reader for the user's side files (targets, weights, defence
// plans): header row, comma-separated fields, '#' comment lines. Errors name
// the file and line.
#include <string>
#include <vector>

namespace sre {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // source line of each row

  // Index of a column by name (case-sensitive); throws InputError listing the columns.
  int column(const std::string& name) const;
  // Field as a number; throws InputError naming file, line and column.
  double number(std::size_t row, int col) const;
};

CsvTable read_csv(const std::string& path);

// "FILE.csv:COLUMN" -> {FILE.csv, COLUMN}; throws InputError if there is no ':COLUMN'.
std::pair<std::string, std::string> split_file_column(const std::string& spec, const std::string& option);

}  // namespace sre
