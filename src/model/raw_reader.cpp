// Reader for PSS/E RAW text, revisions 33, 34 and 35. A record is one line of fields
// separated by commas or blanks (a comma with blanks around it is one separator; two
// commas with nothing between them leave a blank field, which takes its default); names
// are quoted ('...' or "...") and may hold commas, blanks and slashes; an unquoted `/`
// starts a comment. A section ends with a record whose first field is 0, the data with a
// `Q` record (or the end of the file). The sections come in the revision's fixed order.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "io/input_error.hpp"
#include "model/psse_readers.hpp"

namespace sre::psse {
namespace {

using Names = std::vector<std::string>;

// ---- record layouts: the RAWX name of each field, by position (as far as sre reads) ----

const Names CASEID{"ic", "sbase", "rev", "xfrrat", "nxfrat", "basfrq"};
const Names BUS{"ibus", "name", "baskv", "ide", "area", "zone", "owner", "vm", "va", "nvhi", "nvlo", "evhi", "evlo"};
const Names LOAD{"ibus", "loadid", "stat", "area", "zone", "pl", "ql", "ip", "iq", "yp", "yq", "owner"};
const Names FIXSHUNT{"ibus", "shntid", "stat", "gl", "bl"};
const Names GEN33{"ibus", "machid", "pg", "qg", "qt", "qb", "vs", "ireg", "mbase", "zr", "zx", "rt", "xt", "gtap",
                  "stat", "rmpct", "pt", "pb"};
const Names GEN35{"ibus", "machid", "pg", "qg", "qt", "qb", "vs", "ireg", "nreg", "mbase", "zr", "zx", "rt", "xt",
                  "gtap", "stat", "rmpct", "pt", "pb"};
const Names ACLINE33{"ibus", "jbus", "ckt", "rpu", "xpu", "bpu", "rate1", "rate2", "rate3", "gi", "bi", "gj", "bj", "stat"};
const Names ACLINE35{"ibus",   "jbus",   "ckt",    "rpu",    "xpu",    "bpu",    "name",   "rate1",
                     "rate2",  "rate3",  "rate4",  "rate5",  "rate6",  "rate7",  "rate8",  "rate9",
                     "rate10", "rate11", "rate12", "gi",     "bi",     "gj",     "bj",     "stat"};
const Names XFMR1{"ibus", "jbus", "kbus", "ckt", "cw", "cz", "cm", "mag1", "mag2", "nmet", "name", "stat"};
const Names XFMR2_2W{"r1_2", "x1_2", "sbase1_2"};
const Names XFMR2_3W{"r1_2",     "x1_2", "sbase1_2", "r2_3",     "x2_3", "sbase2_3",
                     "r3_1",     "x3_1", "sbase3_1", "vmstar", "anstar"};
const Names WINDING1{"windv1", "nomv1", "ang1", "wdg1rate1"};
const Names WINDING2{"windv2", "nomv2", "ang2", "wdg2rate1"};
const Names WINDING2_2W{"windv2", "nomv2"};
const Names WINDING3{"windv3", "nomv3", "ang3", "wdg3rate1"};
const Names AREA{"iarea", "isw", "pdes", "ptol", "arname"};
const Names ZONE{"izone", "zoname"};
const Names OWNER{"iowner", "owname"};
const Names SUB{"isub", "name", "lati", "long", "srg"};
const Names SUBNODE{"inode", "name", "ibus", "stat", "vm", "va"};

enum class Kind { skip, warn, bus, load, fixshunt, generator, acline, transformer, area, zone, owner, substation };

struct Section {
  const char* title;  // as in the file's comments, for messages
  Kind kind;
  const char* unused_because = "";  // for `warn` sections: why the DC model leaves them out
};

const std::vector<Section>& sections(int revision) {
  static const std::vector<Section> rev33{
      {"BUS DATA", Kind::bus},
      {"LOAD DATA", Kind::load},
      {"FIXED SHUNT DATA", Kind::fixshunt},
      {"GENERATOR DATA", Kind::generator},
      {"BRANCH DATA", Kind::acline},
      {"TRANSFORMER DATA", Kind::transformer},
      {"AREA DATA", Kind::area},
      {"TWO-TERMINAL DC DATA", Kind::warn, "two-terminal DC lines are not modelled: the power they carry is left out"},
      {"VOLTAGE SOURCE CONVERTER DATA", Kind::warn, "VSC DC lines are not modelled: the power they carry is left out"},
      {"IMPEDANCE CORRECTION DATA", Kind::skip},
      {"MULTI-TERMINAL DC DATA", Kind::warn, "multi-terminal DC lines are not modelled: the power they carry is left out"},
      {"MULTI-SECTION LINE DATA", Kind::skip},
      {"ZONE DATA", Kind::zone},
      {"INTER-AREA TRANSFER DATA", Kind::skip},
      {"OWNER DATA", Kind::owner},
      {"FACTS CONTROL DEVICE DATA", Kind::warn, "FACTS devices are not modelled (the DC model has no use for them)"},
      {"SWITCHED SHUNT DATA", Kind::warn, "switched shunts are reactive; the DC model has no use for them"},
      {"GNE DEVICE DATA", Kind::skip},
      {"INDUCTION MACHINE DATA", Kind::skip},
  };
  static const std::vector<Section> rev35 = [] {
    std::vector<Section> s = rev33;
    s.insert(s.begin(), Section{"SYSTEM-WIDE DATA", Kind::skip});
    const auto transformer = std::find_if(s.begin(), s.end(), [](const Section& x) { return x.kind == Kind::transformer; });
    s.insert(transformer, Section{"SYSTEM SWITCHING DEVICE DATA", Kind::warn,
                                  "system switching devices (breakers between buses) are not modelled: the buses they "
                                  "join stay apart"});
    s.push_back(Section{"SUBSTATION DATA", Kind::substation});
    return s;
  }();
  return revision >= 34 ? rev35 : rev33;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// One line's fields (none for a blank or comment line); `comment` is the text after an
// unquoted '/'. Returns false for a quote that is never closed.
bool split_fields(std::string_view line, std::vector<Field>& out, std::string_view& comment) {
  out.clear();
  comment = {};
  std::size_t i = 0;
  while (i < line.size() && is_blank(line[i])) ++i;
  if (line.substr(i).starts_with("@!")) return true;  // PSS/E's field-name header lines
  bool after_separator = true;                         // a comma here leaves a blank field
  while (i < line.size()) {
    const char c = line[i];
    if (is_blank(c)) {
      ++i;
    } else if (c == ',') {
      if (after_separator) out.push_back({});
      after_separator = true;
      ++i;
    } else if (c == '/') {
      comment = line.substr(i + 1);
      return true;
    } else if (c == '\'' || c == '"') {
      const std::size_t close = line.find(c, i + 1);
      if (close == std::string_view::npos) return false;
      out.push_back({std::string(line.substr(i + 1, close - i - 1)), true});
      after_separator = false;
      i = close + 1;
    } else {
      const std::size_t b = i;
      while (i < line.size() && !is_blank(line[i]) && line[i] != ',' && line[i] != '/' && line[i] != '\'' &&
             line[i] != '"')
        ++i;
      out.push_back({std::string(line.substr(b, i - b)), false});
      after_separator = false;
    }
  }
  return true;
}

std::string trimmed(const std::string& s) {
  const auto a = s.find_first_not_of(' ');
  return a == std::string::npos ? std::string() : s.substr(a, s.find_last_not_of(' ') - a + 1);
}

bool is_number(const Field& f) {
  if (f.quoted || f.text.empty()) return false;
  for (char c : f.text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return false;
  return (f.text[0] >= '0' && f.text[0] <= '9') || f.text[0] == '.' || f.text[0] == '-' || f.text[0] == '+';
}

class RawParser {
 public:
  RawParser(std::string_view text, const std::string& source) : text_(text) { out_.source = source; }

  Records run() {
    if (std::memchr(text_.data(), '\0', text_.size()) != nullptr)
      fail(0, "the file contains a NUL byte, so it is binary, not a PSS/E RAW file (plain text); check the path");
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    case_identification();
    for (const Section& s : sections(out_.revision)) {
      if (done_) break;
      if (s.kind == Kind::skip && std::strcmp(s.title, "SYSTEM-WIDE DATA") == 0 && !has_system_wide_data()) continue;
      section(s);
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) const { throw InputError(out_.source, line, what); }

  // The next line of the text, without its end of line; false at the end.
  bool next_line(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const std::size_t nl = text_.find('\n', pos_);
    const std::size_t end = nl == std::string_view::npos ? text_.size() : nl;
    line = text_.substr(pos_, end - pos_);
    if (line.ends_with('\r')) line.remove_suffix(1);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    ++line_;
    return true;
  }

  // The next line that holds a record (blank and comment lines are passed over).
  bool next_record(std::vector<Field>& fields, int& line, std::string_view* comment = nullptr) {
    std::string_view text, note;
    while (next_line(text)) {
      if (!split_fields(text, fields, note))
        fail(line_, "a quoted name is not closed; add the missing quote before the end of the line");
      if (fields.empty()) continue;
      line = line_;
      if (comment != nullptr) *comment = note;
      return true;
    }
    return false;
  }

  static bool ends_section(const std::vector<Field>& f) { return !f[0].quoted && f[0].text == "0"; }
  static bool ends_data(const std::vector<Field>& f) { return !f[0].quoted && (f[0].text == "Q" || f[0].text == "q"); }

  void case_identification() {
    std::vector<Field> f;
    int line = 0;
    if (!next_record(f, line))
      fail(0, "the file is empty; expected a PSS/E RAW case (its first record: IC, SBASE, REV, ...)");
    out_.caseid = Record{"case identification", "", {RecordPart{&CASEID, f, line}}};
    const Record& r = out_.caseid;
    if (!is_number(f[0]))
      fail(line, "the first record is not a PSS/E case identification record (IC, SBASE, REV, XFRRAT, NXFRAT, BASFRQ): "
                 "it starts with '" + f[0].text.substr(0, 40) + "'; give a RAW file of revision 33 or 35, or a MATPOWER .m file");
    const long long ic = integer(out_.source, r, "ic", 0);
    if (ic == 1)
      psse::fail(out_.source, r, "ic",
           "IC = 1 marks a change case (data to add to a case already in PSS/E); sre needs a whole case: IC = 0");
    if (ic != 0) psse::fail(out_.source, r, "ic", "IC must be 0 (a new case)");
    out_.sbase = number(out_.source, r, "sbase", 100.0);
    if (!(out_.sbase > 0.0)) psse::fail(out_.source, r, "sbase", "SBASE (the system MVA base) must be a positive number such as 100");
    if (find(r, "rev") == nullptr || find(r, "rev")->text.empty())
      psse::fail(out_.source, r, "rev",
           "the record gives no revision; sre reads revisions 33 and 35 (and 34 laid out as 35): add REV as the third "
           "field, e.g. `0, 100.0, 33, 0, 0, 60.0`");
    const long long rev = integer(out_.source, r, "rev");
    if (rev != 33 && rev != 34 && rev != 35)
      psse::fail(out_.source, r, "rev",
           "revision " + std::to_string(rev) +
               " is not supported: sre reads revisions 33 and 35 (and 34 laid out as 35); save the case from PSS/E as "
               "revision 33 or 35 (e.g. `rawd_2` with that revision) and read that file");
    out_.revision = static_cast<int>(rev);
    out_.format = "PSS/E RAW revision " + std::to_string(rev);
    std::string_view title;
    for (int k = 0; k < 2 && next_line(title); ++k) {
    }
  }

  // Revision 35 always has the system-wide section; a revision-34 file has it when its first
  // data record is a keyword record (GENERAL, GAUSS, ...) or the section's own end.
  bool has_system_wide_data() {
    if (out_.revision == 35) return true;
    const std::size_t pos = pos_;
    const int line = line_;
    std::vector<Field> f;
    std::string_view comment;
    int at = 0;
    bool yes = false;
    if (next_record(f, at, &comment)) {
      std::string upper(comment);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      yes = ends_section(f) ? upper.find("SYSTEM-WIDE") != std::string::npos : !is_number(f[0]);
    }
    pos_ = pos;
    line_ = line;
    return yes;
  }

  std::vector<Record>* table(Kind k) {
    switch (k) {
      case Kind::bus: return &out_.bus;
      case Kind::load: return &out_.load;
      case Kind::fixshunt: return &out_.fixshunt;
      case Kind::generator: return &out_.generator;
      case Kind::acline: return &out_.acline;
      case Kind::transformer: return &out_.transformer;
      case Kind::area: return &out_.area;
      case Kind::zone: return &out_.zone;
      case Kind::owner: return &out_.owner;
      default: return nullptr;
    }
  }

  const Names* layout(Kind k) const {
    const bool r35 = out_.revision >= 34;
    switch (k) {
      case Kind::bus: return &BUS;
      case Kind::load: return &LOAD;
      case Kind::fixshunt: return &FIXSHUNT;
      case Kind::generator: return r35 ? &GEN35 : &GEN33;
      case Kind::acline: return r35 ? &ACLINE35 : &ACLINE33;
      case Kind::area: return &AREA;
      case Kind::zone: return &ZONE;
      case Kind::owner: return &OWNER;
      default: return nullptr;
    }
  }

  static std::string kind_name(Kind k) {
    switch (k) {
      case Kind::bus: return "bus";
      case Kind::load: return "load";
      case Kind::fixshunt: return "fixed shunt";
      case Kind::generator: return "generator";
      case Kind::acline: return "branch";
      case Kind::transformer: return "transformer";
      case Kind::area: return "area";
      case Kind::zone: return "zone";
      case Kind::owner: return "owner";
      default: return "record";
    }
  }

  // Reads the section's records; sets done_ when the data ends (Q or the end of the file).
  void section(const Section& s) {
    if (s.kind == Kind::skip || s.kind == Kind::warn) return skipped(s);
    if (s.kind == Kind::substation) return substations();
    std::vector<Field> f;
    int line = 0;
    for (;;) {
      if (!next_record(f, line) || ends_data(f)) {
        done_ = true;
        return;
      }
      if (ends_section(f)) return;
      if (s.kind == Kind::transformer) {
        transformer(std::move(f), line);
      } else {
        table(s.kind)->push_back(Record{kind_name(s.kind), "", {RecordPart{layout(s.kind), std::move(f), line}}});
      }
    }
  }

  // A transformer: 4 lines (two windings, K = 0) or 5 (three windings).
  void transformer(std::vector<Field> first, int line) {
    Record r{"transformer", "", {RecordPart{&XFMR1, std::move(first), line}}};
    const bool three = integer(out_.source, r, "kbus", 0) != 0;
    const Names* rest[] = {three ? &XFMR2_3W : &XFMR2_2W, &WINDING1, three ? &WINDING2 : &WINDING2_2W, &WINDING3};
    const int n_lines = three ? 5 : 4;
    for (int k = 0; k < n_lines - 1; ++k) {
      std::vector<Field> f;
      int at = 0;
      if (!next_record(f, at) || ends_data(f) || (f.size() == 1 && ends_section(f)))
        fail(at != 0 ? at : line_, std::string("the ") + (three ? "three" : "two") + "-winding transformer record that starts on line " +
                                std::to_string(line) + " ends after " + std::to_string(k + 1) + " of its " +
                                std::to_string(n_lines) + " lines (K = " + (three ? "non-zero: three windings" : "0: two windings") +
                                "); add the missing lines or correct K");
      r.parts.push_back(RecordPart{rest[k], std::move(f), at});
    }
    out_.transformer.push_back(std::move(r));
  }

  void skipped(const Section& s) {
    std::vector<Field> f;
    int line = 0, first = 0, last = 0, count = 0;
    std::vector<std::string> names;
    for (;;) {
      if (!next_record(f, line) || ends_data(f)) {
        done_ = true;
        break;
      }
      if (ends_section(f)) break;
      if (first == 0) first = line;
      last = line;
      ++count;
      if (s.kind == Kind::warn) {
        // DC lines and FACTS devices start with their quoted name; switched shunts (and
        // switching devices) with a bus number.
        if (f[0].quoted) names.push_back("'" + trimmed(f[0].text) + "'");
        else if (std::strcmp(s.title, "SWITCHED SHUNT DATA") == 0) names.push_back("bus " + f[0].text);
        else if (std::strcmp(s.title, "SYSTEM SWITCHING DEVICE DATA") == 0 && f.size() >= 2)
          names.push_back(f[0].text + "-" + f[1].text);
      }
    }
    if (count == 0) return;
    const std::string where = out_.source + ":" + std::to_string(first) + (last != first ? "-" + std::to_string(last) : "");
    if (s.kind == Kind::skip) {
      out_.notes.push_back(where + ": " + std::to_string(count) + " record line" + (count == 1 ? "" : "s") + " of " +
                           s.title + " skipped (not used by the DC model)");
      return;
    }
    std::string list;
    for (std::size_t k = 0; k < names.size() && k < 8; ++k) list += (k ? ", " : "") + names[k];
    if (names.size() > 8) list += ", ... (" + std::to_string(names.size()) + " in all)";
    out_.notes.push_back(where + ": " + s.title + " skipped" + (list.empty() ? "" : " (" + list + ")") + ": " +
                         s.unused_because);
  }

  // Revision 35: per substation, its record, then nodes, switching devices and equipment
  // terminals, each list ended by a 0 record; a 0 record in place of a substation ends the data.
  void substations() {
    out_.has_substation_data = true;
    std::vector<Field> f;
    int line = 0;
    for (;;) {
      if (!next_record(f, line) || ends_data(f)) {
        done_ = true;
        return;
      }
      if (ends_section(f)) return;
      Substation s{Record{"substation", "", {RecordPart{&SUB, std::move(f), line}}}, {}};
      for (int list = 0; list < 3; ++list) {  // nodes, switching devices, terminals
        for (;;) {
          if (!next_record(f, line) || ends_data(f))
            fail(line_, "the SUBSTATION DATA of substation '" + text(s.record, "name") + "' (line " +
                            std::to_string(s.record.line()) +
                            ") ends early: its nodes, switching devices and terminals each end with a 0 record");
          if (ends_section(f)) break;
          if (list == 0) s.nodes.push_back(Record{"substation node", "", {RecordPart{&SUBNODE, std::move(f), line}}});
        }
      }
      out_.substations.push_back(std::move(s));
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 0;
  bool done_ = false;
  Records out_;
};

}  // namespace

bool looks_like_raw(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Field> f;
  std::string_view comment;
  std::size_t pos = 0;
  for (int lines = 0; pos < text.size() && lines < 1000; ++lines) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!split_fields(line, f, comment)) return false;
    if (f.empty()) continue;
    return f.size() >= 2 && is_number(f[0]) && (f[0].text == "0" || f[0].text == "1") && is_number(f[1]);
  }
  return false;
}

Records parse_raw(std::string_view text, const std::string& source) {
  if (text.size() >= static_cast<std::size_t>(INT32_MAX))
    throw InputError(source, 0, "the file is larger than 2 GiB; this is not a PSS/E RAW case");
  return RawParser(text, source).run();
}

}  // namespace sre::psse
