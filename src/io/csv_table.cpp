#include "io/csv_table.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>

#include "io/input_error.hpp"

namespace sre {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Parses the text of a CSV file into records; calls on_record(fields, first_line) for each
// record that is not a blank or comment line.
class Parser {
 public:
  Parser(const std::string& path, std::string text) : path_(path), text_(std::move(text)) {}

  template <class F>
  void run(F&& on_record) {
    while (at_ < text_.size()) {
      std::size_t j = at_;
      while (j < text_.size() && is_space(text_[j])) ++j;
      if (j == text_.size() || text_[j] == '\n' || text_[j] == '#') {  // blank or comment line
        const auto nl = text_.find('\n', j);
        if (nl == std::string::npos) break;
        at_ = nl + 1;
        ++line_;
        continue;
      }
      const int first_line = line_;
      on_record(record(), first_line);
    }
  }

 private:
  std::vector<std::string> record() {
    std::vector<std::string> fields;
    while (true) {
      fields.push_back(field(fields.size() + 1));
      if (at_ < text_.size() && text_[at_] == ',') {
        ++at_;
        continue;
      }
      if (at_ < text_.size()) {  // the '\n' that ends the record
        ++at_;
        ++line_;
      }
      return fields;
    }
  }

  std::string field(std::size_t number) {
    const std::size_t n = text_.size();
    while (at_ < n && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
    if (at_ < n && text_[at_] == '"') return quoted(number);
    const std::size_t begin = at_;
    while (at_ < n && text_[at_] != ',' && text_[at_] != '\n') {
      if (text_[at_] == '"')
        throw InputError(path_, line_, "field " + std::to_string(number) +
                                           " has a quote but does not begin with one; put the whole field in double "
                                           "quotes and write each quote inside it twice (\"\")");
      ++at_;
    }
    return trim(std::string_view(text_).substr(begin, at_ - begin));
  }

  std::string quoted(std::size_t number) {
    const std::size_t n = text_.size();
    const int open_line = line_;
    std::string f;
    ++at_;  // the opening quote
    while (true) {
      if (at_ >= n)
        throw InputError(path_, open_line, "field " + std::to_string(number) +
                                               " opens a quote that is never closed; end the field with \" (a quote "
                                               "inside a quoted field is written twice: \"\")");
      const char c = text_[at_++];
      if (c == '"') {
        if (at_ < n && text_[at_] == '"') {
          f += '"';
          ++at_;
          continue;
        }
        break;
      }
      if (c == '\n') ++line_;
      f += c;
    }
    while (at_ < n && is_space(text_[at_])) ++at_;
    if (at_ < n && text_[at_] != ',' && text_[at_] != '\n')
      throw InputError(path_, line_, "field " + std::to_string(number) +
                                         ": text after the closing quote; a quote inside a quoted field is written "
                                         "twice (\"\"), and a comma must follow the closing quote");
    return f;
  }

  const std::string& path_;
  std::string text_;
  std::size_t at_ = 0;
  int line_ = 1;
};

}  // namespace

CsvTable read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "cannot open file; check the path");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path, 0, "read error");
  CsvTable t;
  t.path = path;
  Parser(path, std::move(text)).run([&](std::vector<std::string> fields, int line) {
    if (t.header.empty()) {
      t.header = std::move(fields);
      return;
    }
    if (fields.size() != t.header.size())
      throw InputError(path, line, "row has " + std::to_string(fields.size()) + " fields, the header has " +
                                       std::to_string(t.header.size()));
    t.rows.push_back(std::move(fields));
    t.lines.push_back(line);
  });
  if (t.header.empty()) throw InputError(path, 0, "file is empty; a header row is needed");
  return t;
}

std::string csv_field(std::string_view s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t' ||
                                     s.front() == '#'));
  if (!quote) return std::string(s);
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + '"';
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string o;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) o += ',';
    o += csv_field(fields[i]);
  }
  return o + '\n';
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
