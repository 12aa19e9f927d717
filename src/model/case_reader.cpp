// Reader for MATPOWER case files (format version 2). One pass over the text: the
// fields the engine needs are parsed, every other `mpc.X = ...` is skipped. Each
// matrix row keeps its source line so that later checks can point at it.
#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <system_error>

#include "model/case_data.hpp"
#include "io/input_error.hpp"

namespace sre {
namespace {

// Bytes that end a number inside a matrix.
constexpr std::array<bool, 256> make_delimiters() {
  std::array<bool, 256> d{};
  for (const char c : {' ', '\t', '\r', '\v', '\f', '\n', ',', ';', ']', '%'}) d[static_cast<unsigned char>(c)] = true;
  return d;
}
constexpr std::array<bool, 256> DELIMITER = make_delimiters();

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_control(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f; }

// A token as it may appear in a message: bounded length, unprintable bytes escaped.
std::string quote(std::string_view token) {
  constexpr std::size_t max_shown = 40;
  std::string s = "'";
  for (std::size_t i = 0; i < token.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      constexpr char hex[] = "0123456789ABCDEF";
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 0xf];
    }
  }
  if (token.size() > max_shown) s += "...";
  return s + "'";
}

enum class NumberStatus { ok, not_a_number, out_of_range };

// MATLAB number syntax as far as case files use it; from_chars also takes Inf and NaN.
NumberStatus parse_number(std::string_view token, double& out) {
  const char* b = token.data();
  const char* e = b + token.size();
  if (b != e && *b == '+') {
    ++b;
    if (b == e || *b == '+' || *b == '-') return NumberStatus::not_a_number;  // from_chars would take "+-1"
  }
  const auto [ptr, ec] = std::from_chars(b, e, out);
  if (ptr != e) return NumberStatus::not_a_number;
  if (ec == std::errc::result_out_of_range) return NumberStatus::out_of_range;
  return ec == std::errc{} ? NumberStatus::ok : NumberStatus::not_a_number;
}

struct MatrixSpec {
  const char* name;  // as written after `mpc.`
  std::size_t min_cols;
  const char* columns;  // the required columns, named for the message
};
constexpr MatrixSpec BUS_SPEC{"bus", col::BUS_MIN_COLS, "bus_i type Pd Qd Gs Bs area Vm Va baseKV zone Vmax Vmin"};
constexpr MatrixSpec GEN_SPEC{"gen", col::GEN_MIN_COLS, "bus Pg Qg Qmax Qmin Vg mBase status Pmax Pmin"};
constexpr MatrixSpec BRANCH_SPEC{"branch", col::BRANCH_MIN_COLS,
                                 "fbus tbus r x b rateA rateB rateC ratio angle status"};
constexpr MatrixSpec GENCOST_SPEC{"gencost", 0, ""};

enum class Field { version, base_mva, bus, gen, branch, gencost, bus_name, other };

Field classify(std::string_view name) {
  if (name == "version") return Field::version;
  if (name == "baseMVA") return Field::base_mva;
  if (name == "bus") return Field::bus;
  if (name == "gen") return Field::gen;
  if (name == "branch") return Field::branch;
  if (name == "gencost") return Field::gencost;
  if (name == "bus_name") return Field::bus_name;
  return Field::other;
}

const std::string NOT_A_CASE = "is this a MATPOWER case file (format version 2)?";

class CaseParser {
 public:
  CaseParser(std::string_view text, const std::string& source)
      : p_(text.data()), end_(text.data() + text.size()), line_start_(p_), text_(text) {
    data_.source = source;
  }

  CaseData run() {
    reject_binary();
    if (end_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) line_start_ = p_ += 3;  // UTF-8 byte-order mark
    for (;;) {
      skip_between_statements();
      if (p_ == end_) break;
      statement();
    }
    check_complete();
    return std::move(data_);
  }

 private:
  [[noreturn]] void fail(int line, const std::string& message) const { throw InputError(data_.source, line, message); }

  // A NUL byte never occurs in a text file; catching it first gives one clear message for .mat files and the like.
  void reject_binary() const {
    const void* nul = std::memchr(p_, '\0', static_cast<std::size_t>(end_ - p_));
    if (nul == nullptr) return;
    const char* at = static_cast<const char*>(nul);
    const int line = 1 + static_cast<int>(std::count(p_, at, '\n'));
    fail(line,
         "the file contains a NUL byte, so it is binary, not a MATPOWER case file (plain text, format version 2); "
         "check that the path names the .m file");
  }

  // ---- low-level scanning; every loop advances p_ or throws, and p_ never passes end_ ----

  void newline() {
    ++p_;
    ++line_;
    line_start_ = p_;
  }

  const char* end_of_line(const char* from) const {
    const void* nl = std::memchr(from, '\n', static_cast<std::size_t>(end_ - from));
    return nl != nullptr ? static_cast<const char*>(nl) : end_;
  }

  bool at_continuation() const { return end_ - p_ >= 3 && p_[0] == '.' && p_[1] == '.' && p_[2] == '.'; }

  // `...` continues the statement on the next line; MATLAB ignores the rest of the line.
  void skip_continuation() {
    p_ = end_of_line(p_);
    if (p_ != end_) newline();
  }

  static std::string_view trimmed(const char* b, const char* e) {
    while (b != e && is_blank(*b)) ++b;
    while (e != b && is_blank(e[-1])) --e;
    return {b, static_cast<std::size_t>(e - b)};
  }

  // At '%': a line comment, or a `%{ ... %}` block comment when `%{` stands alone on its line.
  // Leaves p_ at the newline that ends the comment (or at the end).
  void skip_comment() {
    const char* eol = end_of_line(p_);
    if (trimmed(line_start_, eol) == "%{") {
      skip_block_comment();
    } else {
      p_ = eol;
    }
  }

  void skip_block_comment() {
    const int open_line = line_;
    int depth = 0;
    for (;;) {
      const char* eol = end_of_line(line_start_);
      const std::string_view line = trimmed(line_start_, eol);
      if (line == "%{") {
        ++depth;
      } else if (line == "%}" && --depth == 0) {
        p_ = eol;
        return;
      }
      p_ = eol;
      if (p_ == end_) fail(open_line, "block comment '%{' is never closed; add a line holding only '%}'");
      newline();
    }
  }

  // Spaces and continuations inside a statement.
  void skip_blanks() {
    while (p_ != end_) {
      if (is_blank(*p_)) {
        ++p_;
      } else if (at_continuation()) {
        skip_continuation();
      } else {
        return;
      }
    }
  }

  void skip_between_statements() {
    while (p_ != end_) {
      const char c = *p_;
      if (is_blank(c) || c == ';' || c == ',') {
        ++p_;
      } else if (c == '\n') {
        newline();
      } else if (c == '%') {
        skip_comment();
      } else if (at_continuation()) {
        skip_continuation();
      } else {
        return;
      }
    }
  }

  std::string_view read_identifier() {
    const char* b = p_;
    if (p_ != end_ && is_ident_start(*p_)) {
      while (p_ != end_ && is_ident_char(*p_)) ++p_;
    }
    return {b, static_cast<std::size_t>(p_ - b)};
  }

  // A run of bytes up to the next delimiter or continuation; empty at a delimiter.
  std::string_view read_token() {
    const char* b = p_;
    while (p_ != end_ && !DELIMITER[static_cast<unsigned char>(*p_)]) {
      if (*p_ == '.' && at_continuation()) break;
      ++p_;
    }
    return {b, static_cast<std::size_t>(p_ - b)};
  }

  // At an opening quote (' or "): reads to the closing one; a doubled quote stands for itself.
  void read_string(std::string* out) {
    const char q = *p_++;
    for (;;) {
      if (p_ == end_ || *p_ == '\n') {
        fail(line_, std::string("string is not closed: add the missing ") + q + " before the end of the line");
      }
      if (*p_ == q) {
        if (end_ - p_ >= 2 && p_[1] == q) {
          if (out != nullptr) *out += q;
          p_ += 2;
          continue;
        }
        ++p_;
        return;
      }
      if (out != nullptr) *out += *p_;
      ++p_;
    }
  }

  // After a value: `;`, `,`, a comment, the end of the line or of the text.
  void end_statement(const std::string& after) {
    skip_blanks();
    if (p_ == end_ || *p_ == '\n' || *p_ == '%') return;
    if (*p_ == ';' || *p_ == ',') {
      ++p_;
      return;
    }
    fail(line_,
         "unexpected " + quote(read_token_for_message()) + " after " + after + "; expected ';' or the end of the line");
  }

  std::string_view read_token_for_message() {
    const char* b = p_;
    const char* e = p_;
    while (e != end_ && !is_blank(*e) && *e != '\n') ++e;
    if (e == b && e != end_) ++e;  // at least the offending byte
    return {b, static_cast<std::size_t>(e - b)};
  }

  // ---- statements ----

  void statement() {
    const int line = line_;
    const std::string_view word = read_identifier();
    if (word.empty()) unexpected_at_top_level();
    if (word == "function") return function_header();
    if (word == "end" || word == "endfunction" || word == "return") return end_statement("'" + std::string(word) + "'");
    skip_blanks();
    if ((word == var_ || word == "mpc") && p_ != end_ && *p_ == '.') {
      ++p_;
      skip_blanks();
      const std::string_view field = read_identifier();
      if (!field.empty()) return assignment(field, line);
    }
    if ((word == "baseMVA" || word == "bus" || word == "gen" || word == "branch" || word == "gencost" ||
         word == "areas") &&
        p_ != end_ && *p_ == '=') {
      fail(line, "'" + std::string(word) +
                     " = ...' is MATPOWER case format version 1; convert the file to version 2 "
                     "(in MATPOWER: savecase('new_case.m', loadcase('old_case')))");
    }
    fail(line, "unsupported statement starting with " + quote(word) +
                   ": a case file may hold only comments and `mpc.FIELD = value;` assignments; if the file computes "
                   "values, load it in MATPOWER and write it out with savecase first");
  }

  [[noreturn]] void unexpected_at_top_level() {
    const std::string_view token = read_token_for_message();
    for (const char c : token) {
      if (is_control(static_cast<unsigned char>(c))) {
        fail(line_, "unexpected control byte in " + quote(token) +
                        ": this looks like binary data, not a MATPOWER case file (plain text, format version 2)");
      }
    }
    fail(line_, "unexpected " + quote(token) +
                    ": a case file may hold only comments and `mpc.FIELD = value;` assignments; " + NOT_A_CASE);
  }

  // `function mpc = name`: remembers the output name, as the fields are assigned to it.
  void function_header() {
    skip_blanks();
    if (p_ != end_ && *p_ == '[') ++p_;
    skip_blanks();
    const std::string_view name = read_identifier();
    skip_blanks();
    if (p_ != end_ && *p_ == ']') ++p_;
    skip_blanks();
    if (!name.empty() && p_ != end_ && *p_ == '=') var_ = name;
    p_ = end_of_line(p_);
  }

  void assignment(std::string_view field, int line) {
    any_field_ = true;
    const Field kind = classify(field);
    const std::string name = "mpc." + std::string(field);
    skip_blanks();
    const bool plain = p_ != end_ && *p_ == '=' && !(end_ - p_ >= 2 && p_[1] == '=');
    if (!plain) {
      if (kind == Field::other) {  // e.g. mpc.softlims.RATE_A = ...: not ours
        skip_value(nullptr, name);
        return end_statement(name);
      }
      fail(line, "expected '=' after " + name + "; only whole assignments such as `" + name + " = ...;` are supported");
    }
    ++p_;
    skip_blanks();
    switch (kind) {
      case Field::version:
        return version(line);
      case Field::base_mva:
        return base_mva(line);
      case Field::bus:
        return matrix(data_.bus, BUS_SPEC, line);
      case Field::gen:
        return matrix(data_.gen, GEN_SPEC, line);
      case Field::branch:
        return matrix(data_.branch, BRANCH_SPEC, line);
      case Field::gencost:
        return matrix(data_.gencost, GENCOST_SPEC, line);
      case Field::bus_name:
        return bus_name(line);
      case Field::other:
        break;
    }
    skip_value(nullptr, name);
    end_statement(name);
  }

  void check_first(int& seen_line, const std::string& name, int line) const {
    if (seen_line > 0) {
      fail(line,
           name + " is assigned a second time (first on line " + std::to_string(seen_line) + "); remove one of them");
    }
    seen_line = line;
  }

  void version(int line) {
    check_first(version_line_, "mpc.version", line);
    std::string value;
    if (p_ != end_ && (*p_ == '\'' || *p_ == '"')) {
      read_string(&value);
    } else {
      value = read_token();
    }
    if (value != "2") {
      fail(line, "mpc.version is " + quote(value) +
                     ", but only MATPOWER case format version 2 is supported; "
                     "convert the file in MATPOWER with savecase, or correct the line to mpc.version = '2';");
    }
    end_statement("mpc.version");
  }

  void base_mva(int line) {
    check_first(data_.base_mva_line, "mpc.baseMVA", line);
    const std::string_view token = read_token();
    double v = 0.0;
    if (token.empty() || parse_number(token, v) != NumberStatus::ok || !std::isfinite(v) || v <= 0.0) {
      fail(line, "mpc.baseMVA must be a positive number of MVA such as 100, found " +
                     quote(token.empty() ? read_token_for_message() : token));
    }
    data_.base_mva = v;
    end_statement("mpc.baseMVA");
  }

  void bus_name(int line) {
    check_first(bus_name_line_, "mpc.bus_name", line);
    skip_value(&data_.bus_name, "mpc.bus_name");
    end_statement("mpc.bus_name");
  }

  // Skips a value of any shape (matrix, cell array, string, expression) up to the end of
  // its statement, collecting the strings in it when asked.
  void skip_value(std::vector<std::string>* strings, const std::string& name) {
    int depth = 0;
    int open_line = 0;
    bool after_operand = false;  // a quote after an operand is MATLAB's transpose, not a string
    while (p_ != end_) {
      const char c = *p_;
      if (c == '\n') {
        if (depth == 0) return;
        newline();
        after_operand = false;
      } else if ((c == ';' || c == ',') && depth == 0) {
        return;
      } else if (c == '%') {
        skip_comment();
      } else if (c == '.' && at_continuation()) {
        skip_continuation();
      } else if (c == '[' || c == '{' || c == '(') {
        if (depth++ == 0) open_line = line_;
        after_operand = false;
        ++p_;
      } else if (c == ']' || c == '}' || c == ')') {
        if (depth == 0) fail(line_, std::string("unmatched '") + c + "' in " + name + "; check its brackets");
        --depth;
        after_operand = true;
        ++p_;
      } else if (c == '"' || (c == '\'' && !after_operand)) {
        if (strings != nullptr) {
          read_string(&strings->emplace_back());
        } else {
          read_string(nullptr);
        }
        after_operand = true;
      } else {
        after_operand = is_ident_char(c) || c == '.' || c == '\'';
        ++p_;
      }
    }
    if (depth > 0) {
      fail(open_line, "the bracket opened on line " + std::to_string(open_line) + " in " + name +
                          " is never closed; add the missing ']' or '}'");
    }
  }

  void matrix(CaseMatrix& m, const MatrixSpec& spec, int line) {
    const std::string name = std::string("mpc.") + spec.name;
    check_first(m.first_line, name, line);
    if (p_ == end_ || *p_ != '[') {
      fail(line, name + " must be a numeric matrix written as `" + name + " = [ ... ];`, found " +
                     quote(read_token_for_message()));
    }
    ++p_;
    matrix_body(m, spec, line);
    end_statement("the " + name + " matrix");
  }

  // The hot loop: numbers separated by blanks or commas, rows by ';' or newlines.
  void matrix_body(CaseMatrix& m, const MatrixSpec& spec, int open_line) {
    std::size_t row_cols = 0;
    int row_line = 0;
    for (;;) {
      if (p_ == end_) {
        fail(open_line, matrix_name(spec) + " matrix opened on line " + std::to_string(open_line) +
                            " is not closed: add the missing ']' (reached the end of the file)");
      }
      const char c = *p_;
      if (c == ']' || c == ';' || c == '\n') {
        end_row(m, spec, row_cols, row_line);
        row_cols = 0;
        if (c == '\n') {
          newline();
          continue;
        }
        ++p_;
        if (c == ']') return;
      } else if (is_blank(c) || c == ',') {
        ++p_;
      } else if (c == '%') {
        skip_comment();
      } else if (c == '.' && at_continuation()) {
        skip_continuation();
      } else {
        const std::string_view token = read_token();  // non-empty: c is no delimiter
        double v = 0.0;
        const NumberStatus status = parse_number(token, v);
        if (status != NumberStatus::ok) bad_number(token, status, m, spec, row_cols, open_line);
        if (row_cols == 0) row_line = line_;
        m.values.push_back(v);
        ++row_cols;
      }
    }
  }

  static std::string matrix_name(const MatrixSpec& spec) { return std::string("mpc.") + spec.name; }

  void end_row(CaseMatrix& m, const MatrixSpec& spec, std::size_t row_cols, int row_line) const {
    if (row_cols == 0) return;  // blank line or doubled ';'
    if (m.lines.empty()) {
      if (row_cols < spec.min_cols) {
        fail(row_line, matrix_name(spec) + " row has " + std::to_string(row_cols) + " columns, at least " +
                           std::to_string(spec.min_cols) + " are needed (" + spec.columns +
                           "); check the row for a missing value");
      }
      m.cols = row_cols;
    } else if (row_cols != m.cols) {
      fail(row_line, matrix_name(spec) + " row has " + std::to_string(row_cols) + " columns but the first row (line " +
                         std::to_string(m.lines.front()) + ") has " + std::to_string(m.cols) +
                         "; every row of a matrix must have the same number of columns");
    }
    m.lines.push_back(row_line);
  }

  [[noreturn]] void bad_number(std::string_view token, NumberStatus status, const CaseMatrix& m, const MatrixSpec& spec,
                               std::size_t row_cols, int open_line) const {
    const std::string name = matrix_name(spec);
    // The next statement inside a matrix almost always means a lost ']'.
    if (token.starts_with("mpc.") || (token.starts_with(var_) && token.substr(var_.size()).starts_with('.')) ||
        token == "function") {
      fail(open_line, name + " matrix opened on line " + std::to_string(open_line) + " is not closed before line " +
                          std::to_string(line_) + ": add the missing ']'");
    }
    const std::string where =
        " (" + name + " row " + std::to_string(m.rows() + 1) + ", column " + std::to_string(row_cols + 1) + ")";
    if (status == NumberStatus::out_of_range) {
      fail(line_, quote(token) + " is outside the range of a double" + where + "; use Inf or a smaller value");
    }
    fail(line_, quote(token) + " is not a number" + where +
                    "; matrix entries must be plain numbers such as 1, -0.5, 1e-3, Inf or NaN");
  }

  void check_complete() const {
    if (!any_field_) {
      if (text_.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos) {
        fail(0, "the case file is empty; expected a MATPOWER case file (format version 2)");
      }
      fail(0, "no MATPOWER case data found (no `mpc.FIELD = ...` assignments); " + NOT_A_CASE);
    }
    if (data_.base_mva_line == 0) {
      fail(0, "no mpc.baseMVA found; add `mpc.baseMVA = 100;` (the system MVA base) or " + NOT_A_CASE);
    }
    const std::pair<const CaseMatrix*, const MatrixSpec*> required[] = {
        {&data_.bus, &BUS_SPEC}, {&data_.gen, &GEN_SPEC}, {&data_.branch, &BRANCH_SPEC}};
    for (const auto& [m, spec] : required) {
      if (!m->present()) fail(0, "no " + matrix_name(*spec) + " matrix found; " + NOT_A_CASE);
    }
  }

  const char* p_;
  const char* end_;
  const char* line_start_;
  std::string_view text_;
  int line_ = 1;
  std::string_view var_ = "mpc";  // the struct the fields belong to, from `function mpc = name`
  bool any_field_ = false;
  int version_line_ = 0;
  int bus_name_line_ = 0;
  CaseData data_;
};

}  // namespace

CaseData parse_matpower_case(std::string_view text, const std::string& source) {
  // Line numbers are ints; no case file comes anywhere near this.
  if (text.size() >= static_cast<std::size_t>(INT_MAX)) {
    throw InputError(source, 0, "the case text is larger than 2 GiB; this is not a MATPOWER case file");
  }
  return CaseParser(text, source).run();
}

CaseData read_matpower_case(const std::filesystem::path& path) { return parse_matpower_case(read_case_text(path), path.string()); }

}  // namespace sre
