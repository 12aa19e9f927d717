// Tests for the MATPOWER case reader: the bundled cases, each syntax feature, each
// error, and deterministic mutations of real files that must never crash the reader.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "model/case_data.hpp"
#include "io/input_error.hpp"

namespace sre {
namespace {

std::string case_path(const std::string& name) { return std::string(SRE_DATA_DIR) + "/cases/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rows with exactly the minimum column counts.
const std::string BUS_ROW = "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9";
const std::string GEN_ROW = "1 10 0 300 -300 1 100 1 250 10";
const std::string BRANCH_ROW = "1 2 0 0.1 0 250 250 250 0 0 1";

// A complete small case; `extra` is appended as more statements.
std::string small_case(const std::string& extra = "") {
  return "function mpc = small\n"               // 1
         "mpc.version = '2';\n"                 // 2
         "mpc.baseMVA = 100;\n"                 // 3
         "mpc.bus = [\n"                        // 4
         "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n"   // 5
         "2 1 50 0 0 0 1 1 0 345 1 1.1 0.9;\n"  // 6
         "];\n"                                 // 7
         "mpc.gen = [\n"                        // 8
         "1 10 0 300 -300 1 100 1 250 10;\n"    // 9
         "];\n"                                 // 10
         "mpc.branch = [\n"                     // 11
         "1 2 0 0.1 0 250 250 250 0 0 1;\n"     // 12
         "];\n" +                               // 13
         extra;
}

CaseData parse(const std::string& text) { return parse_matpower_case(text, "test.m"); }

// Parses `text`, expecting an InputError; returns it for inspection.
InputError parse_error(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError for:\n" << text;
  return InputError("none");
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "message: " << (haystack)

// Every matrix must be internally consistent, whatever the input was.
void expect_consistent(const CaseMatrix& m) {
  EXPECT_EQ(m.values.size(), m.rows() * m.cols);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    EXPECT_GE(m.lines[r], m.first_line);
    if (r > 0) {
      EXPECT_GE(m.lines[r], m.lines[r - 1]);
    }
  }
}

// ---- the bundled cases ----

struct BundledCase {
  const char* file;
  std::size_t buses, gens, branches, gen_cols;
  double total_pd;  // data/cases/README.md
};

const BundledCase BUNDLED[] = {
    {"case9.m", 9, 3, 9, 21, 315},
    {"case39.m", 39, 10, 46, 21, 6254.23},
    {"pglib_opf_case14_ieee.m", 14, 5, 20, 10, 259},
    {"pglib_opf_case30_ieee.m", 30, 6, 41, 10, 283.4},
    {"pglib_opf_case57_ieee.m", 57, 7, 80, 10, 1250.8},
    {"pglib_opf_case118_ieee.m", 118, 54, 186, 10, 4242},
    {"pglib_opf_case300_ieee.m", 300, 69, 411, 10, 23525.85},
    {"pglib_opf_case1354_pegase.m", 1354, 260, 1991, 10, 73059.67},
    {"pglib_opf_case2000_goc.m", 2000, 384, 3639, 10, 32972.912},
    {"pglib_opf_case2383wp_k.m", 2383, 327, 2896, 10, 24558.38},
    {"case9241pegase.m", 9241, 1445, 16049, 21, 312354.12},
};

TEST(CaseReader, ParsesEveryBundledCase) {
  for (const BundledCase& c : BUNDLED) {
    SCOPED_TRACE(c.file);
    const CaseData d = read_matpower_case(case_path(c.file));
    EXPECT_EQ(d.source, case_path(c.file));
    EXPECT_EQ(d.base_mva, 100.0);
    EXPECT_GT(d.base_mva_line, 0);
    EXPECT_EQ(d.bus.rows(), c.buses);
    EXPECT_EQ(d.gen.rows(), c.gens);
    EXPECT_EQ(d.branch.rows(), c.branches);
    EXPECT_EQ(d.bus.cols, 13u);
    EXPECT_EQ(d.gen.cols, c.gen_cols);
    EXPECT_EQ(d.branch.cols, 13u);
    ASSERT_TRUE(d.gencost.present());
    EXPECT_EQ(d.gencost.rows(), c.gens);
    EXPECT_EQ(d.gencost.cols, 7u);
    EXPECT_TRUE(d.bus_name.empty());
    for (const CaseMatrix* m : {&d.bus, &d.gen, &d.branch, &d.gencost}) expect_consistent(*m);
    double total_pd = 0;
    for (std::size_t r = 0; r < d.bus.rows(); ++r) total_pd += d.bus(r, col::PD);
    EXPECT_NEAR(total_pd, c.total_pd, 1e-6 * c.total_pd);
  }
}

TEST(CaseReader, Case9Values) {
  const CaseData d = read_matpower_case(case_path("case9.m"));
  EXPECT_EQ(d.base_mva_line, 24);
  EXPECT_EQ(d.bus.first_line, 28);
  EXPECT_EQ(d.bus.lines.front(), 29);
  EXPECT_EQ(d.bus.lines.back(), 37);
  EXPECT_EQ(d.bus(4, col::BUS_I), 5);
  EXPECT_EQ(d.bus(4, col::PD), 90);
  EXPECT_EQ(d.bus(0, col::BUS_TYPE), 3);
  EXPECT_EQ(d.bus(8, col::VMIN), 0.9);
  EXPECT_EQ(d.gen.first_line, 42);
  EXPECT_EQ(d.gen.lines[1], 44);
  EXPECT_EQ(d.gen(1, col::PG), 163);
  EXPECT_EQ(d.gen(2, col::QG), -10.95);
  EXPECT_EQ(d.branch.first_line, 50);
  EXPECT_EQ(d.branch.lines[8], 59);
  EXPECT_EQ(d.branch(2, col::BR_X), 0.17);
  EXPECT_EQ(d.branch(0, col::ANGMIN), -360);
  EXPECT_EQ(d.gencost.first_line, 66);
  EXPECT_EQ(d.gencost(0, col::COST), 0.11);
  EXPECT_EQ(d.gencost(2, col::COST + 2), 335);
}

TEST(CaseReader, Pglib14TrailingCommentsAndValues) {
  const CaseData d = read_matpower_case(case_path("pglib_opf_case14_ieee.m"));
  EXPECT_EQ(d.gen.lines[0], 50);
  EXPECT_EQ(d.gen(0, col::PG), 170.0);
  EXPECT_EQ(d.gen(1, col::QMIN), -30.0);
  EXPECT_EQ(d.gen(1, col::PMAX), 59);
}

TEST(CaseReader, Case2000OutOfServiceBranches) {
  const CaseData d = read_matpower_case(case_path("pglib_opf_case2000_goc.m"));
  std::vector<std::size_t> off;
  for (std::size_t r = 0; r < d.branch.rows(); ++r) {
    if (d.branch(r, col::BR_STATUS) == 0) off.push_back(r + 1);
  }
  EXPECT_EQ(off, (std::vector<std::size_t>{9, 25, 65, 441, 463, 1061}));
}

// ---- syntax ----

TEST(CaseReader, SmallCase) {
  const CaseData d = parse(small_case());
  EXPECT_EQ(d.source, "test.m");
  EXPECT_EQ(d.base_mva, 100);
  EXPECT_EQ(d.base_mva_line, 3);
  EXPECT_EQ(d.bus.rows(), 2u);
  EXPECT_EQ(d.bus.first_line, 4);
  EXPECT_EQ(d.bus.lines, (std::vector<int>{5, 6}));
  EXPECT_EQ(d.bus(1, col::PD), 50);
  EXPECT_EQ(d.gen.cols, 10u);
  EXPECT_EQ(d.branch.cols, 11u);
  EXPECT_FALSE(d.gencost.present());
  EXPECT_EQ(d.gencost.rows(), 0u);
}

TEST(CaseReader, CommentsAndBlankLines) {
  const CaseData d = parse(
      "%% leading comment\n"
      "\n"
      "   % indented comment with mpc.bus = [ inside\n"
      "function mpc = c % trailing comment on the header\n"
      "mpc.version = '2'; % trailing\n"
      "mpc.baseMVA = 100;% no space\n"
      "mpc.bus = [ % comment after the bracket\n"
      "\n"
      "  % a comment between rows ]\n"
      "  " +
      BUS_ROW +
      "; % trailing comment on a row ]\n"
      "\n"
      "  " +
      BUS_ROW +
      "\n"
      "]; % after\n"
      "mpc.gen = [" +
      GEN_ROW +
      "];\n"
      "mpc.branch = [" +
      BRANCH_ROW +
      "];\n"
      "\n% final comment without newline");
  EXPECT_EQ(d.bus.lines, (std::vector<int>{10, 12}));
  EXPECT_EQ(d.bus.first_line, 7);
  EXPECT_EQ(d.gen.lines, (std::vector<int>{14}));
}

TEST(CaseReader, BlockComments) {
  const CaseData d =
      parse(small_case("%{\n"
                       "mpc.gencost = [ not data\n"
                       "  %{\n"
                       "  nested\n"
                       "  %}\n"
                       "%}\n"
                       "mpc.gencost = [2 0 0 2 1 0];\n"));
  EXPECT_EQ(d.gencost.rows(), 1u);
  EXPECT_EQ(d.gencost.first_line, 20);
}

TEST(CaseReader, RowsSeparatedBySemicolonsOrNewlines) {
  const CaseData d =
      parse(small_case("mpc.gencost = [\n"
                       "2 0 0 2 1 0\n"
                       "2 0 0 2 2 0;\n"
                       "2 0 0 2 3 0;;\n"
                       "2 0 0 2 4 0 ;\n"
                       "2 0 0 2 5 0]\n"));
  EXPECT_EQ(d.gencost.rows(), 5u);
  EXPECT_EQ(d.gencost.lines, (std::vector<int>{15, 16, 17, 18, 19}));
  for (std::size_t r = 0; r < 5; ++r) EXPECT_EQ(d.gencost(r, 4), double(r + 1));
}

TEST(CaseReader, SeveralRowsOnOneLine) {
  const CaseData d = parse(small_case("mpc.gencost = [2 0 0 2 1 0; 2 0 0 2 2 0; 2 0 0 2 3 0];\n"));
  EXPECT_EQ(d.gencost.rows(), 3u);
  EXPECT_EQ(d.gencost.lines, (std::vector<int>{14, 14, 14}));
  EXPECT_EQ(d.gencost(2, 4), 3);
}

TEST(CaseReader, ContinuationLines) {
  const CaseData d =
      parse(small_case("mpc.gencost = [\n"
                       "  2 0 0 ...\n"
                       "  2 1 0;\n"
                       "  2 0 0 ... anything after the dots is ignored ]\n"
                       "  2 2...\n"
                       "  0\n"
                       "];\n"
                       "mpc.extra = ...\n"
                       "  [1 2 3];\n"));
  EXPECT_EQ(d.gencost.rows(), 2u);
  EXPECT_EQ(d.gencost.cols, 6u);
  EXPECT_EQ(d.gencost.lines, (std::vector<int>{15, 17}));
  EXPECT_EQ(d.gencost(1, 4), 2);
  EXPECT_EQ(d.gencost(1, 5), 0);
}

TEST(CaseReader, ContinuationInScalarAssignment) {
  std::string text = small_case();
  text.replace(text.find("mpc.baseMVA = 100;"), 18, "mpc.baseMVA = ...\n  250;");
  const CaseData d = parse(text);
  EXPECT_EQ(d.base_mva, 250);
  EXPECT_EQ(d.bus.first_line, 5);
}

TEST(CaseReader, SeparatorsWhitespaceTabsCommas) {
  const CaseData d = parse(small_case("mpc.gencost = [2,0 ,0\t, 2\t\t1,0\r\n  2 0 0 2 9 0];\n"));
  EXPECT_EQ(d.gencost.rows(), 2u);
  EXPECT_EQ(d.gencost.cols, 6u);
  EXPECT_EQ(d.gencost(0, 3), 2);
  EXPECT_EQ(d.gencost(0, 4), 1);
  EXPECT_EQ(d.gencost(1, 4), 9);
}

TEST(CaseReader, NumberForms) {
  const CaseData d =
      parse(small_case("mpc.gencost = [1e-3 1.5E+02 -2.5e2 .5 5. +3 Inf -Inf NaN inf -0 1e-310 0012];\n"));
  ASSERT_EQ(d.gencost.cols, 13u);
  const CaseMatrix& g = d.gencost;
  EXPECT_EQ(g(0, 0), 1e-3);
  EXPECT_EQ(g(0, 1), 150);
  EXPECT_EQ(g(0, 2), -250);
  EXPECT_EQ(g(0, 3), 0.5);
  EXPECT_EQ(g(0, 4), 5);
  EXPECT_EQ(g(0, 5), 3);
  EXPECT_EQ(g(0, 6), std::numeric_limits<double>::infinity());
  EXPECT_EQ(g(0, 7), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(g(0, 8)));
  EXPECT_EQ(g(0, 9), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::signbit(g(0, 10)));
  EXPECT_EQ(g(0, 11), 1e-310);
  EXPECT_EQ(g(0, 12), 12);
}

TEST(CaseReader, ExtraColumnsKept) {
  const std::string text = "mpc.baseMVA = 100;\nmpc.bus = [" + BUS_ROW + " 42 43];\nmpc.gen = [" + GEN_ROW +
                           " 7 8 9; " + GEN_ROW + " 10 11 12];\nmpc.branch = [" + BRANCH_ROW + " -360 360];\n";
  const CaseData e = parse(text);
  EXPECT_EQ(e.bus.cols, 15u);
  EXPECT_EQ(e.bus(0, 14), 43);
  EXPECT_EQ(e.gen.cols, 13u);
  EXPECT_EQ(e.gen(1, 12), 12);
  EXPECT_EQ(e.branch.cols, 13u);
  EXPECT_EQ(e.branch(0, col::ANGMAX), 360);
}

TEST(CaseReader, OtherFieldsSkipped) {
  const CaseData d =
      parse(small_case("mpc.areas = [1 5; 2 6];\n"
                       "mpc.name = 'a string with ] [ { ; and % inside';\n"
                       "mpc.quote = 'it''s';\n"
                       "mpc.dq = \"double \"\" quoted ]\";\n"
                       "mpc.softlims.RATE_A.hl_mod = 'remove';\n"
                       "mpc.gen_names = { 'g1' ; 'g2' };\n"
                       "mpc.nested = { [1 2; 3 4], {'x', 'y'}, struct('a', [1 ...\n"
                       "   2]) };\n"
                       "mpc.multi = [\n"
                       "  1 2 % ] in a comment\n"
                       "  3 4\n"
                       "];\n"
                       "mpc.t = [1 2]';\n"
                       "mpc.scalar = 3.5, mpc.other = -1\n"
                       "mpc.gencost = [2 0 0 2 1 0];\n"));
  EXPECT_EQ(d.gencost.rows(), 1u);
  EXPECT_EQ(d.gencost.first_line, 28);
  EXPECT_TRUE(d.bus_name.empty());
}

TEST(CaseReader, BusNamesCollected) {
  const CaseData d =
      parse(small_case("mpc.bus_name = {\n"
                       "  'Bus 1';\n"
                       "  'O''Hare'; % comment 'not a name'\n"
                       "  \"Bus 3\"\n"
                       "};\n"));
  EXPECT_EQ(d.bus_name, (std::vector<std::string>{"Bus 1", "O'Hare", "Bus 3"}));
}

TEST(CaseReader, FieldsInAnyOrder) {
  const CaseData d = parse(
      "mpc.gencost = [2 0 0 2 1 0];\n"
      "mpc.branch = [" +
      BRANCH_ROW +
      "];\n"
      "mpc.gen = [" +
      GEN_ROW +
      "];\n"
      "mpc.bus = [" +
      BUS_ROW +
      "];\n"
      "mpc.baseMVA = 50;\n"
      "mpc.version = '2';\n");
  EXPECT_EQ(d.base_mva, 50);
  EXPECT_EQ(d.base_mva_line, 5);
  EXPECT_EQ(d.branch.first_line, 2);
  EXPECT_EQ(d.bus.first_line, 4);
  EXPECT_EQ(d.gencost.rows(), 1u);
}

TEST(CaseReader, SeveralStatementsOnOneLine) {
  const CaseData d = parse("mpc.version = '2'; mpc.baseMVA = 100; mpc.bus = [" + BUS_ROW + "]; mpc.gen = [" + GEN_ROW +
                           "]; mpc.branch = [" + BRANCH_ROW + "];");
  EXPECT_EQ(d.bus.rows(), 1u);
  EXPECT_EQ(d.branch.lines, (std::vector<int>{1}));
}

TEST(CaseReader, EmptyMatrixIsPresentWithNoRows) {
  const CaseData d = parse(small_case("mpc.gencost = [];\n"));
  EXPECT_TRUE(d.gencost.present());
  EXPECT_EQ(d.gencost.rows(), 0u);
  EXPECT_EQ(d.gencost.cols, 0u);
}

TEST(CaseReader, CrlfByteOrderMarkAndEndKeyword) {
  std::string text = "\xEF\xBB\xBF" + small_case("end\n");
  std::string crlf;
  for (const char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const CaseData d = parse(crlf);
  EXPECT_EQ(d.bus.lines, (std::vector<int>{5, 6}));
  EXPECT_EQ(d.bus(0, col::VMIN), 0.9);
}

TEST(CaseReader, FunctionOutputNameOtherThanMpc) {
  std::string text = small_case();
  for (std::size_t at = text.find("mpc"); at != std::string::npos; at = text.find("mpc", at)) text.replace(at, 3, "s");
  const CaseData d = parse(text);
  EXPECT_EQ(d.bus.rows(), 2u);
}

TEST(CaseReader, VersionAsBareNumber) {
  std::string text = small_case();
  text.replace(text.find("'2'"), 3, "2");
  EXPECT_EQ(parse(text).bus.rows(), 2u);
}

TEST(CaseReader, NoVersionLineIsAccepted) {
  std::string text = small_case();
  text.replace(text.find("mpc.version = '2';"), 18, "");
  EXPECT_EQ(parse(text).bus.rows(), 2u);
}

// ---- errors ----

TEST(CaseReaderErrors, FileDoesNotExist) {
  try {
    read_matpower_case(case_path("no_such_case.m"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(e.file(), case_path("no_such_case.m"));
    EXPECT_CONTAINS(e.what(), "does not exist");
  }
}

TEST(CaseReaderErrors, PathIsADirectory) {
  try {
    read_matpower_case(std::string(SRE_DATA_DIR) + "/cases");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "is a directory");
  }
}

TEST(CaseReaderErrors, EmptyText) {
  EXPECT_CONTAINS(parse_error("").what(), "empty");
  EXPECT_CONTAINS(parse_error(" \n\t\r\n").what(), "empty");
  const InputError e = parse_error("% only a comment\n");
  EXPECT_CONTAINS(e.what(), "no MATPOWER case data found");
  EXPECT_CONTAINS(e.what(), "format version 2");
}

TEST(CaseReaderErrors, BinaryData) {
  const InputError nul = parse_error(std::string("mpc.version = '2';\nMATLAB 5.0 MAT-file\0\x01\x02", 40));
  EXPECT_EQ(nul.line(), 2);
  EXPECT_CONTAINS(nul.what(), "binary");
  const InputError ctl = parse_error("\x7f\x45LF\x02\x01\x01");
  EXPECT_EQ(ctl.line(), 1);
  EXPECT_CONTAINS(ctl.what(), "binary data");
  EXPECT_CONTAINS(ctl.what(), "\\x7F");
}

TEST(CaseReaderErrors, TextThatIsNotACase) {
  const InputError e = parse_error("\n\nhello world\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_CONTAINS(e.what(), "unsupported statement starting with 'hello'");
  const InputError csv = parse_error("1,2,3\n");
  EXPECT_CONTAINS(csv.what(), "unexpected '1,2,3'");
  EXPECT_CONTAINS(csv.what(), "format version 2");
}

TEST(CaseReaderErrors, MissingFields) {
  const std::string full = small_case();
  auto without = [&](const std::string& from, const std::string& to) {
    std::string t = full;
    const std::size_t b = t.find(from);
    t.erase(b, t.find(to, b) + to.size() - b);
    return t;
  };
  const InputError base = parse_error(without("mpc.baseMVA", ";\n"));
  EXPECT_EQ(base.line(), 0);
  EXPECT_CONTAINS(base.what(), "no mpc.baseMVA found");
  EXPECT_CONTAINS(parse_error(without("mpc.bus", "];\n")).what(), "no mpc.bus matrix found");
  EXPECT_CONTAINS(parse_error(without("mpc.gen", "];\n")).what(), "no mpc.gen matrix found");
  EXPECT_CONTAINS(parse_error(without("mpc.branch", "];\n")).what(),
                  "no mpc.branch matrix found; is this a MATPOWER case file (format version 2)?");
}

TEST(CaseReaderErrors, TooFewColumns) {
  const InputError e = parse_error("mpc.baseMVA = 100;\nmpc.bus = [\n1 3 0 0 0 0 1 1 0;\n];\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.file(), "test.m");
  EXPECT_CONTAINS(e.what(), "test.m:3: ");
  EXPECT_CONTAINS(e.what(), "bus row has 9 columns, at least 13 are needed");
  EXPECT_CONTAINS(parse_error("mpc.gen = [1 2 3];").what(), "at least 10 are needed");
  EXPECT_CONTAINS(parse_error("mpc.branch = [1 2 3];").what(), "at least 11 are needed");
}

TEST(CaseReaderErrors, RowsOfDifferentLength) {
  const InputError e = parse_error(small_case("mpc.gencost = [\n2 0 0 2 1 0;\n2 0 0 3 1 0 0;\n];\n"));
  EXPECT_EQ(e.line(), 16);
  EXPECT_CONTAINS(e.what(), "row has 7 columns but the first row (line 15) has 6");
  std::string text = small_case();
  text.replace(text.find("2 1 50 0"), 8, "2 1 50");
  const InputError bus = parse_error(text);
  EXPECT_EQ(bus.line(), 6);
  EXPECT_CONTAINS(bus.what(), "mpc.bus row has 12 columns");
}

TEST(CaseReaderErrors, NotANumber) {
  std::string text = small_case();
  text.replace(text.find("2 1 50 0"), 8, "2 1 abc 0");
  const InputError e = parse_error(text);
  EXPECT_EQ(e.line(), 6);
  EXPECT_CONTAINS(e.what(), "'abc' is not a number (mpc.bus row 2, column 3)");
  EXPECT_CONTAINS(parse_error(small_case("mpc.gencost = [1-2];")).what(), "'1-2' is not a number");
  EXPECT_CONTAINS(parse_error(small_case("mpc.gencost = [0x10];")).what(), "'0x10' is not a number");
  EXPECT_CONTAINS(parse_error(small_case("mpc.gencost = ['a'];")).what(), "''a'' is not a number");
  EXPECT_CONTAINS(parse_error(small_case("mpc.gencost = [+-1];")).what(), "'+-1' is not a number");
  EXPECT_CONTAINS(parse_error(small_case("mpc.gencost = [1e];")).what(), "'1e' is not a number");
}

TEST(CaseReaderErrors, NumberOutOfRange) {
  const InputError e = parse_error(small_case("mpc.gencost = [1 1e999];\n"));
  EXPECT_EQ(e.line(), 14);
  EXPECT_CONTAINS(e.what(), "'1e999' is outside the range of a double");
}

TEST(CaseReaderErrors, UnterminatedMatrixAtEndOfFile) {
  const InputError e = parse_error(small_case("\nmpc.gencost = [\n2 0 0 2 1 0;\n2 0 0 2 1 0;\n"));
  EXPECT_EQ(e.line(), 15);
  EXPECT_CONTAINS(e.what(), "mpc.gencost matrix opened on line 15 is not closed");
}

TEST(CaseReaderErrors, UnterminatedMatrixBeforeNextField) {
  std::string text = small_case();
  text.erase(text.find("];\nmpc.gen"), 3);
  const InputError e = parse_error(text);
  EXPECT_EQ(e.line(), 4);
  EXPECT_CONTAINS(e.what(), "mpc.bus matrix opened on line 4 is not closed before line 7");
  EXPECT_CONTAINS(e.what(), "']'");
}

TEST(CaseReaderErrors, UnclosedBracketInSkippedField) {
  const InputError e = parse_error(small_case("mpc.areas = [\n1 2;\n"));
  EXPECT_EQ(e.line(), 14);
  EXPECT_CONTAINS(e.what(), "never closed");
  EXPECT_CONTAINS(parse_error(small_case("mpc.areas = 1 2];\n")).what(), "unmatched ']'");
}

TEST(CaseReaderErrors, UnterminatedString) {
  const InputError e = parse_error(small_case("mpc.bus_name = {\n'a';\n'b;\n};\n"));
  EXPECT_EQ(e.line(), 16);
  EXPECT_CONTAINS(e.what(), "string is not closed");
}

TEST(CaseReaderErrors, UnterminatedBlockComment) {
  const InputError e = parse_error(small_case("%{\nmpc.gencost = [];\n"));
  EXPECT_EQ(e.line(), 14);
  EXPECT_CONTAINS(e.what(), "block comment");
}

TEST(CaseReaderErrors, VersionOtherThan2) {
  std::string text = small_case();
  text.replace(text.find("'2'"), 3, "'1'");
  const InputError e = parse_error(text);
  EXPECT_EQ(e.line(), 2);
  EXPECT_CONTAINS(e.what(), "mpc.version is '1'");
  EXPECT_CONTAINS(e.what(), "only MATPOWER case format version 2 is supported");
}

TEST(CaseReaderErrors, Version1File) {
  const InputError e = parse_error("function [baseMVA, bus, gen, branch] = old\nbaseMVA = 100;\n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_CONTAINS(e.what(), "format version 1");
  EXPECT_CONTAINS(e.what(), "savecase");
}

TEST(CaseReaderErrors, DuplicateField) {
  const InputError e = parse_error(small_case("mpc.bus = [" + BUS_ROW + "];\n"));
  EXPECT_EQ(e.line(), 14);
  EXPECT_CONTAINS(e.what(), "mpc.bus is assigned a second time (first on line 4)");
  EXPECT_CONTAINS(parse_error(small_case("mpc.baseMVA = 10;")).what(), "mpc.baseMVA is assigned a second time");
}

TEST(CaseReaderErrors, BadBaseMva) {
  for (const std::string value : {"abc", "-5", "0", "NaN", "Inf", "[100]", ""}) {
    std::string text = small_case();
    text.replace(text.find("100;"), 3, value);
    const InputError e = parse_error(text);
    EXPECT_EQ(e.line(), 3) << value;
    EXPECT_CONTAINS(e.what(), "mpc.baseMVA must be a positive number");
  }
}

TEST(CaseReaderErrors, JunkAfterMatrix) {
  const InputError e = parse_error(small_case("mpc.gencost = [2 0 0 2 1 0] x;\n"));
  EXPECT_EQ(e.line(), 14);
  EXPECT_CONTAINS(e.what(), "unexpected 'x;' after the mpc.gencost matrix");
}

TEST(CaseReaderErrors, MatrixFieldWithoutBrackets) {
  const InputError e = parse_error(small_case("mpc.gencost = zeros(0, 7);\n"));
  EXPECT_CONTAINS(e.what(), "mpc.gencost must be a numeric matrix");
  const InputError indexed = parse_error(small_case("mpc.bus(1, 3) = 5;\n"));
  EXPECT_EQ(indexed.line(), 14);
  EXPECT_CONTAINS(indexed.what(), "expected '=' after mpc.bus");
}

// ---- robustness: mutated real files must parse or throw InputError, nothing else ----

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t b = 0;
  while (b <= text.size()) {
    const std::size_t e = text.find('\n', b);
    if (e == std::string::npos) {
      lines.push_back(text.substr(b));
      break;
    }
    lines.push_back(text.substr(b, e - b + 1));
    b = e + 1;
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l;
  return s;
}

std::string mutate(std::string text, std::mt19937& rng) {
  auto pick = [&](std::size_t n) {
    return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  static const std::vector<std::string> junk = {"]",
                                                "[",
                                                "...",
                                                "%",
                                                "'",
                                                "\"",
                                                "{",
                                                "}",
                                                ";",
                                                ",",
                                                "1e999",
                                                "-",
                                                "NaN",
                                                "mpc.bus = [",
                                                "\n",
                                                "%{\n",
                                                "\n%}\n",
                                                "abc",
                                                std::string(1, '\0'),
                                                "\xff\xfe",
                                                "mpc.",
                                                "function",
                                                "=",
                                                "1 2 3",
                                                "mpc.version = '3';"};
  switch (pick(9)) {
    case 0:  // truncate
      text.resize(pick(text.size() + 1));
      break;
    case 1: {  // delete a line
      auto lines = split_lines(text);
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(pick(lines.size())));
      text = join(lines);
      break;
    }
    case 2: {  // duplicate a line
      auto lines = split_lines(text);
      const std::size_t i = pick(lines.size());
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
      text = join(lines);
      break;
    }
    case 3: {  // swap two lines
      auto lines = split_lines(text);
      std::swap(lines[pick(lines.size())], lines[pick(lines.size())]);
      text = join(lines);
      break;
    }
    case 4:  // overwrite bytes
      for (std::size_t n = 1 + pick(8); n > 0 && !text.empty(); --n)
        text[pick(text.size())] = static_cast<char>(pick(256));
      break;
    case 5:  // insert a junk token
      text.insert(pick(text.size() + 1), junk[pick(junk.size())]);
      break;
    case 6:  // remove a ']' (or '[')
    case 7: {
      const char target = pick(2) == 0 ? ']' : '[';
      std::vector<std::size_t> at;
      for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == target) at.push_back(i);
      }
      if (!at.empty()) text.erase(at[pick(at.size())], 1);
      break;
    }
    default: {  // insert random bytes
      std::string bytes(1 + pick(16), ' ');
      for (char& c : bytes) c = static_cast<char>(pick(256));
      text.insert(pick(text.size() + 1), bytes);
      break;
    }
  }
  return text;
}

TEST(CaseReaderFuzz, MutatedCasesParseOrThrowInputError) {
  std::mt19937 rng(20240611);
  int parsed = 0;
  int rejected = 0;
  for (const char* file : {"case9.m", "pglib_opf_case14_ieee.m", "pglib_opf_case118_ieee.m"}) {
    const std::string original = slurp(case_path(file));
    ASSERT_FALSE(original.empty()) << file;
    for (int i = 0; i < 200; ++i) {
      std::string text = original;
      for (std::size_t k = 1 + std::uniform_int_distribution<std::size_t>(0, 2)(rng); k > 0; --k)
        text = mutate(text, rng);
      try {
        const CaseData d = parse_matpower_case(text, file);
        for (const CaseMatrix* m : {&d.bus, &d.gen, &d.branch, &d.gencost}) expect_consistent(*m);
        EXPECT_GE(d.bus.cols, col::BUS_MIN_COLS);
        ++parsed;
      } catch (const InputError& e) {
        EXPECT_GT(std::string(e.what()).size(), std::string(file).size() + 2) << file << " mutation " << i;
        ++rejected;
      } catch (const std::exception& e) {
        ADD_FAILURE() << file << " mutation " << i << ": unexpected exception " << e.what();
      }
    }
  }
  // Both outcomes must occur, or the mutations test nothing.
  EXPECT_GT(parsed, 50);
  EXPECT_GT(rejected, 50);
}

TEST(CaseReaderFuzz, RandomBytesAndHugeInputs) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 300)(rng), ' ');
    for (char& c : text) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    EXPECT_THROW(parse(text), InputError);
  }
  EXPECT_THROW(parse("mpc.gencost = [" + std::string(100000, '9') + "];"), InputError);
  EXPECT_THROW(parse("mpc.x = " + std::string(100000, '[')), InputError);
  EXPECT_THROW(parse(std::string(100000, '%') + "{"), InputError);
}

}  // namespace
}  // namespace sre
