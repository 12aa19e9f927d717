#include "model/psse_records.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "io/input_error.hpp"

namespace sre::psse {
namespace {

// The PSS/E manual's name of a field (RAWX names, which the layouts use, differ for a few).
std::string manual_name(const std::string& name) {
  static const std::pair<const char*, const char*> renamed[] = {
      {"ibus", "I"},       {"jbus", "J"},       {"kbus", "K"},        {"rpu", "R"},         {"xpu", "X"},
      {"bpu", "B"},        {"machid", "ID"},    {"loadid", "ID"},     {"shntid", "ID"},     {"inode", "NI"},
      {"wdg1rate1", "RATE1-1"}, {"wdg2rate1", "RATE2-1"}, {"wdg3rate1", "RATE3-1"}, {"isub", "IS"}};
  for (const auto& [rawx, manual] : renamed)
    if (name == rawx) return manual;
  std::string s = name;
  for (char& c : s) c = c == '_' ? '-' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

std::string shown(const std::string& token) {
  constexpr std::size_t max_shown = 40;
  std::string s = "'";
  for (std::size_t i = 0; i < token.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    s += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  }
  return s + (token.size() > max_shown ? "...'" : "'");
}

// Where in the record a field would be: its part, and its position in that part.
struct Slot {
  const RecordPart* part = nullptr;
  std::size_t index = 0;
};

Slot slot_of(const Record& r, const std::string& name) {
  for (const RecordPart& p : r.parts)
    for (std::size_t i = 0; i < p.names->size(); ++i)
      if ((*p.names)[i] == name) return {&p, i};
  return {};
}

[[noreturn]] void missing(const std::string& source, const Record& r, const std::string& name) {
  const Slot s = slot_of(r, name);
  if (s.part == nullptr || !r.where.empty()) {
    fail(source, r, name,
         "the record has no such field; add it (the model needs it and PSS/E gives it no default here)");
  }
  const std::size_t count = s.part->fields.size();
  fail(source, r, name,
       "the record has " + std::to_string(count) + " field" + (count == 1 ? "" : "s") + ", but " + manual_name(name) +
           " is field " + std::to_string(s.index + 1) +
           "; a field is missing (check the commas and the quotes of the names) or the file is not of the revision "
           "its first line says");
}

}  // namespace

const Field* find(const Record& r, const std::string& name, int* line) {
  const Slot s = slot_of(r, name);
  if (s.part == nullptr || s.index >= s.part->fields.size()) return nullptr;
  if (line != nullptr) *line = s.part->line;
  return &s.part->fields[s.index];
}

std::string describe(const Record& r, const std::string& name) {
  if (!r.where.empty()) return r.where + ", field " + name;
  return r.kind + " record, field " + manual_name(name);
}

void fail(const std::string& source, const Record& r, const std::string& name, const std::string& what) {
  const Slot s = slot_of(r, name);
  const int line = s.part != nullptr ? s.part->line : r.line();
  throw InputError(source, line, describe(r, name) + ": " + what);
}

double number(const std::string& source, const Record& r, const std::string& name, std::optional<double> fallback,
              Presence presence) {
  const Field* f = find(r, name);
  if (f == nullptr) {
    const bool unnamed_in_rawx = !r.where.empty() && slot_of(r, name).part == nullptr;
    if (fallback && (presence == Presence::optional || unnamed_in_rawx)) return *fallback;
    missing(source, r, name);
  }
  if (f->text.empty()) {
    if (fallback) return *fallback;
    fail(source, r, name, "the field is blank; give a number");
  }
  const std::string& t = f->text;
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc{} || ptr != e || f->quoted || !std::isfinite(v))
    fail(source, r, name, shown(t) + " is not a number; write a plain number such as 1, -0.5 or 1.5E-3");
  return v;
}

long long integer(const std::string& source, const Record& r, const std::string& name,
                  std::optional<long long> fallback, Presence presence) {
  const std::optional<double> d = fallback ? std::optional<double>(static_cast<double>(*fallback)) : std::nullopt;
  const double v = number(source, r, name, d, presence);
  if (v != std::floor(v) || std::abs(v) > 9.0e15)
    fail(source, r, name, shown(find(r, name)->text) + " is not a whole number; this field takes an integer");
  return static_cast<long long>(v);
}

std::string text(const Record& r, const std::string& name) {
  const Field* f = find(r, name);
  if (f == nullptr) return {};
  const std::string& t = f->text;
  const auto a = t.find_first_not_of(' ');
  if (a == std::string::npos) return {};
  return t.substr(a, t.find_last_not_of(' ') - a + 1);
}

}  // namespace sre::psse
