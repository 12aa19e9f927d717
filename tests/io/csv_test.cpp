// CSV after RFC 4180 (io/csv_table): quoted fields with commas, quotes and line breaks,
// '#' comment lines, what csv_field() quotes, round trips, and located errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/csv_table.hpp"
#include "io/input_error.hpp"

namespace sre {
namespace {

// A file in the temporary directory holding `text`, removed at the end of the test.
class CsvFile {
 public:
  explicit CsvFile(const std::string& text) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("sre_csv_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".csv"))
                .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~CsvFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

CsvTable parse(const std::string& text) { return read_csv(CsvFile(text).path()); }

// The InputError that reading `text` throws (its line and message).
InputError error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return InputError("none");
}

using Row = std::vector<std::string>;

TEST(Csv, PlainFieldsCommentsAndBlankLines) {
  const CsvTable t = parse("# a comment\n\ntarget, intercept \n  # indented comment\nA,0.5\r\n B , 1\n");
  EXPECT_EQ(t.header, (Row{"target", "intercept"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Row{"A", "0.5"}));
  EXPECT_EQ(t.rows[1], (Row{"B", "1"}));
  EXPECT_EQ(t.lines, (std::vector<int>{5, 6}));
  EXPECT_EQ(t.number(1, t.column("intercept")), 1.0);
}

TEST(Csv, QuotedFields) {
  const CsvTable t = parse(
      "target,intercept\n"
      "\"a,b\",0.5\n"
      "\"say \"\"hi\"\"\",\"0.25\"\n"
      "\"#5\",1\n"
      "\"two\nlines\",0\n"
      "\"\",0\n"
      "\" padded \" ,0\n"
      "last,0");
  ASSERT_EQ(t.rows.size(), 7u);
  EXPECT_EQ(t.rows[0], (Row{"a,b", "0.5"}));
  EXPECT_EQ(t.rows[1], (Row{"say \"hi\"", "0.25"}));
  EXPECT_EQ(t.rows[2], (Row{"#5", "1"}));
  EXPECT_EQ(t.rows[3], (Row{"two\nlines", "0"}));
  EXPECT_EQ(t.rows[4], (Row{"", "0"}));
  EXPECT_EQ(t.rows[5], (Row{" padded ", "0"}));
  EXPECT_EQ(t.rows[6], (Row{"last", "0"}));
  // Rows are numbered by the line they start on; the embedded line break counts.
  EXPECT_EQ(t.lines, (std::vector<int>{2, 3, 4, 5, 7, 8, 9}));
  EXPECT_EQ(t.number(1, 1), 0.25);
}

TEST(Csv, FieldQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("A"), "A");
  EXPECT_EQ(csv_field("bus 12"), "bus 12");
  EXPECT_EQ(csv_field("0.5"), "0.5");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a#5"), "a#5");
  EXPECT_EQ(csv_field("#5"), "\"#5\"");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field(" lead"), "\" lead\"");
  EXPECT_EQ(csv_field("trail\t"), "\"trail\t\"");
  EXPECT_EQ(csv_row({"target", "intercept"}), "target,intercept\n");
  EXPECT_EQ(csv_row({"a,b", "0.5"}), "\"a,b\",0.5\n");
}

TEST(Csv, RoundTrip) {
  const std::vector<std::string> names = {"A", "#5", "a,b", "say \"hi\"", "two\nlines", "\"", ",", " x ", "# not a comment",
                                          "crlf\r\n", "ümlaut"};
  std::string text = csv_row({"target", "intercept"});
  for (const auto& n : names) text += csv_row({n, "0.5"});
  const CsvTable t = parse(text);
  ASSERT_EQ(t.rows.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(t.rows[i][0], names[i]) << i;
}

TEST(Csv, ErrorsNameFileLineAndWhatToDo) {
  {
    const InputError e = error_of("target,intercept\nA,0.5\n\"unclosed,0.5\nB,1\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("never closed"), std::string::npos) << e.what();
  }
  {
    const InputError e = error_of("target,intercept\nA,0.5\n\"a\"b,0.5\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("after the closing quote"), std::string::npos) << e.what();
  }
  {
    const InputError e = error_of("target,intercept\nA,0.5\nsay \"hi\",0.5\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("field 1 has a quote"), std::string::npos) << e.what();
  }
  {
    const InputError e = error_of("target,intercept\n\"two\nlines\",0.5\nA,0.5,9\n");
    EXPECT_EQ(e.line(), 4);
    EXPECT_NE(std::string(e.what()).find(":4: row has 3 fields, the header has 2"), std::string::npos) << e.what();
  }
  {
    const InputError e = error_of("# only a comment\n");
    EXPECT_NE(std::string(e.what()).find("a header row is needed"), std::string::npos) << e.what();
  }
  {
    const CsvTable t = parse("target,intercept\nA,x\n");
    try {
      t.number(0, 1);
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), 2);
      EXPECT_NE(std::string(e.what()).find("column 'intercept': 'x' is not a finite number"), std::string::npos);
    }
  }
  EXPECT_THROW(read_csv("/nonexistent/file.csv"), InputError);
}

}  // namespace
}  // namespace sre
