#pragma once
// PSS/E case data as records of named fields, whether read from RAW text (fields by
// position, named by the revision's record layout) or from RAWX (JSON, fields named by
// the file). The conversion to the model (psse_convert.cpp) reads fields by these names,
// so both forms share one conversion and one set of error messages.
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace sre::psse {

struct Field {
  std::string text;  // as written, quotes removed; empty for a defaulted (blank) field
  bool quoted = false;
};

// One line of a RAW record (or a whole RAWX row): its fields and the names of its layout.
struct RecordPart {
  const std::vector<std::string>* names = nullptr;  // layout (RAWX: the table's "fields")
  std::vector<Field> fields;
  int line = 0;  // 1-based line in the file, 0 for RAWX
};

// A record: one or more parts (a transformer takes 4 or 5 RAW lines).
struct Record {
  std::string kind;   // "bus", "transformer", ... (for messages)
  std::string where;  // "" for RAW; "RAWX table 'bus', row 3" for RAWX
  std::vector<RecordPart> parts;

  int line() const { return parts.empty() ? 0 : parts.front().line; }
};

struct Substation {
  Record record;              // isub, name, ...
  std::vector<Record> nodes;  // inode, name, ibus, stat, ...
};

// What a RAW or RAWX file holds that the model uses, in file order.
struct Records {
  std::string source;
  std::string format;  // "PSS/E RAW revision 33", "PSS/E RAWX revision 35", ...
  int revision = 0;
  double sbase = 0.0;
  Record caseid;
  std::vector<Record> bus, load, fixshunt, generator, acline, transformer, area, zone, owner;
  std::vector<Substation> substations;
  bool has_substation_data = false;
  std::vector<std::string> notes;  // sections skipped, devices the DC model does not use
  // RAWX: each table's field names (the RAW layouts are static); a deque keeps their
  // addresses when it grows or moves.
  std::deque<std::vector<std::string>> layouts;
};

// ---- reading fields (each throws InputError naming the file, line, record and field) ----

// The field called `name`; nullptr when the record is too short to hold it.
const Field* find(const Record& r, const std::string& name, int* line = nullptr);

// Whether a RAW record may end before the field (a trailing field PSS/E lets a file leave
// out) or must reach it: a record too short to hold a required field is an error, since a
// missing field there usually means a lost comma or the wrong revision. A blank field
// (two commas) always takes the fallback. A RAWX table that does not name the field at
// all gives it the fallback too (RAWX names its fields, so leaving one out is deliberate).
enum class Presence { required, optional };

// A number; `fallback` for a blank (or absent optional) field, else an error.
double number(const std::string& source, const Record& r, const std::string& name,
              std::optional<double> fallback = std::nullopt, Presence presence = Presence::required);
// A whole number (an id, a code, a status).
long long integer(const std::string& source, const Record& r, const std::string& name,
                  std::optional<long long> fallback = std::nullopt, Presence presence = Presence::required);
// Text (a name, a circuit id), blanks at either end removed; "" when absent.
std::string text(const Record& r, const std::string& name);

// "bus record, field IBUS" / "RAWX table 'bus', row 3, field ibus": for messages.
std::string describe(const Record& r, const std::string& name);
// Throws InputError at the line of field `name` of `r`.
[[noreturn]] void fail(const std::string& source, const Record& r, const std::string& name, const std::string& what);

}  // namespace sre::psse
