#pragma once
// CSV for the user's side files (targets, weights, defence plans) and the CSVs the
// commands write (rankings, plans, power flows), after RFC 4180: comma-separated fields,
// a field in double quotes may hold commas, line breaks and quotes (written twice: "");
// the first row is the header. Beyond RFC 4180: lines that are blank or whose first
// character (after spaces) is '#' are comments, and spaces around unquoted fields are
// dropped. Errors name the file and line.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sre {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // source line where each row starts

  // Index of a column by name (case-sensitive); throws InputError listing the columns.
  int column(const std::string& name) const;
  // Field as a number; throws InputError naming file, line and column.
  double number(std::size_t row, int col) const;
};

// Reads a CSV file; throws InputError (file, line, what to do) on a malformed one.
CsvTable read_csv(const std::string& path);

// One field as read_csv reads it back: unchanged when it is plain, else in double quotes
// with its quotes doubled. Quoted when it holds a comma, a quote, CR or LF, begins or ends
// with a space or tab, or begins with '#' (a comment line to the reader).
std::string csv_field(std::string_view field);
// One record: the fields through csv_field, joined by commas, ending in "\n".
std::string csv_row(const std::vector<std::string>& fields);

// "FILE.csv:COLUMN" -> {FILE.csv, COLUMN}; throws InputError if there is no ':COLUMN'.
std::pair<std::string, std::string> split_file_column(const std::string& spec, const std::string& option);

}  // namespace sre
