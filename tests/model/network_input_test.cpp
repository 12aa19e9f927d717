// Every number the model uses is refused when it is NaN or infinite, with the file, line,
// table row and column (a NaN rateA used to be read as "no limit", a NaN status as "in
// service").
#include <gtest/gtest.h>

#include <string>

#include "io/input_error.hpp"
#include "test_networks.hpp"

namespace sre {
namespace {

// kRadial3 with one entry replaced: `row` of `table` (0-based within the table's text) gets
// `value` in place of the `column`-th number (0-based).
std::string with_entry(const std::string& table, int row, int column, const std::string& value) {
  std::string text = test::kRadial3;
  std::size_t at = text.find("mpc." + table + " = [");
  at = text.find('\n', at) + 1;
  for (int r = 0; r < row; ++r) at = text.find('\n', at) + 1;
  const std::size_t end = text.find('\n', at);
  std::string line = text.substr(at, end - at);
  std::size_t p = line.find_first_not_of(' ');
  for (int c = 0; c < column; ++c) p = line.find_first_not_of(' ', line.find(' ', p));
  const std::size_t q = line.find_first_of(" ;", p);
  line.replace(p, q - p, value);
  text.replace(at, end - at, line);
  return text;
}

std::string error_of(const std::string& text) {
  try {
    test::network_from_text(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(NetworkInput, NonFiniteNumbersTheModelUsesAreRefusedWithRowAndColumn) {
  struct Case {
    const char* table;
    int row, column;
    const char* name;
  };
  const Case cases[] = {
      {"branch", 0, 5, "rateA"},  {"branch", 1, 10, "status"}, {"branch", 0, 3, "x"},
      {"branch", 1, 8, "ratio"},  {"branch", 0, 9, "angle"},   {"branch", 0, 12, "angmax"},
      {"gen", 0, 1, "Pg"},        {"gen", 0, 7, "status"},     {"gen", 0, 8, "Pmax"},
      {"gen", 0, 9, "Pmin"},      {"bus", 1, 2, "Pd"},         {"bus", 2, 4, "Gs"},
      {"bus", 0, 9, "baseKV"},
  };
  for (const Case& c : cases)
    for (const char* value : {"NaN", "Inf", "-Inf"}) {
      const std::string message = error_of(with_entry(c.table, c.row, c.column, value));
      const std::string want = "mpc." + std::string(c.table) + " row " + std::to_string(c.row + 1) + ", column " +
                               std::to_string(c.column + 1) + " (" + c.name + "): " + value + " is not a finite number";
      EXPECT_NE(message.find(want), std::string::npos) << message;
      EXPECT_NE(message.find("inline:"), std::string::npos) << "no file and line: " << message;
    }
  // The same entries, finite, are accepted.
  EXPECT_EQ(error_of(with_entry("branch", 0, 5, "120")), "(accepted)");
}

}  // namespace
}  // namespace sre
