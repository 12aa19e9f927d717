// Reader for RAWX, the JSON form of PSS/E revision 35: {"network": {TABLE: {"fields":
// [names], "data": [rows]}}}, a single-row table (caseid) with a flat "data" array. Fields
// are found by name, so a table may give them in any order and leave trailing ones out.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "io/input_error.hpp"
#include "model/psse_readers.hpp"

namespace sre::psse {
namespace {

using nlohmann::json;

// Tables the conversion reads, by RAWX name.
struct Used {
  const char* table;
  const char* kind;  // record kind, for messages
  std::vector<Record> Records::*rows;
};
const Used USED[] = {
    {"bus", "bus", &Records::bus},
    {"load", "load", &Records::load},
    {"fixshunt", "fixed shunt", &Records::fixshunt},
    {"generator", "generator", &Records::generator},
    {"acline", "branch", &Records::acline},
    {"transformer", "transformer", &Records::transformer},
    {"area", "area", &Records::area},
    {"zone", "zone", &Records::zone},
    {"owner", "owner", &Records::owner},
};
// Tables with devices the DC model leaves out, and why (a warning names them).
const std::map<std::string, std::string> WARNED = {
    {"twotermdc", "two-terminal DC lines are not modelled: the power they carry is left out"},
    {"vscdc", "VSC DC lines are not modelled: the power they carry is left out"},
    {"ntermdc", "multi-terminal DC lines are not modelled: the power they carry is left out"},
    {"facts", "FACTS devices are not modelled (the DC model has no use for them)"},
    {"swshunt", "switched shunts are reactive; the DC model has no use for them"},
    {"sysswd", "system switching devices (breakers between buses) are not modelled: the buses they join stay apart"},
};

class RawxParser {
 public:
  RawxParser(std::string_view text, const std::string& source) : text_(text) { out_.source = source; }

  Records run() {
    json doc;
    try {
      doc = json::parse(text_.begin(), text_.end());
    } catch (const json::parse_error& e) {
      const std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text_.size());
      const int line = 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      throw InputError(out_.source, line, std::string("not valid JSON, so not a RAWX file: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("network") || !doc["network"].is_object())
      fail("the JSON has no \"network\" object; a RAWX file is {\"network\": {\"caseid\": ..., \"bus\": ..., ...}}");
    const json& net = doc["network"];
    caseid(net);
    for (const Used& u : USED)
      if (net.contains(u.table)) out_.*u.rows = rows(net, u.table, u.kind);
    substations(net);
    for (const auto& [name, table] : net.items()) {
      if (name == "caseid" || name == "sub" || name == "subnode" || name == "subswd" || name == "subterm") continue;
      if (std::any_of(std::begin(USED), std::end(USED), [&](const Used& u) { return name == u.table; })) continue;
      const std::size_t n = table.is_object() && table.contains("data") && table["data"].is_array() ? table["data"].size() : 0;
      if (n == 0) continue;
      const auto warned = WARNED.find(name);
      const std::string what = out_.source + ": RAWX table '" + name + "': " + std::to_string(n) + " row" +
                               (n == 1 ? "" : "s") + " skipped";
      out_.notes.push_back(warned != WARNED.end() ? what + ": " + warned->second : what + " (not used by the DC model)");
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError(out_.source, 0, what); }

  const std::vector<std::string>& field_names(const json& table, const std::string& name) {
    if (!table.is_object() || !table.contains("fields") || !table["fields"].is_array())
      fail("RAWX table '" + name + "' has no \"fields\" array naming its columns");
    std::vector<std::string>& names = out_.layouts.emplace_back();
    for (const json& f : table["fields"]) {
      if (!f.is_string()) fail("RAWX table '" + name + "': \"fields\" must hold strings (the column names)");
      names.push_back(f.get<std::string>());
    }
    return names;
  }

  Record row(const json& values, const std::vector<std::string>& names, const std::string& table, const std::string& kind,
             std::size_t index) {
    const std::string where = "RAWX table '" + table + "', row " + std::to_string(index + 1);
    if (!values.is_array()) fail(where + ": a row must be an array of values");
    if (values.size() > names.size())
      fail(where + ": " + std::to_string(values.size()) + " values for " + std::to_string(names.size()) +
           " field names; give each value a name in \"fields\"");
    RecordPart part{&names, {}, 0};
    for (const json& v : values) {
      Field f;
      if (v.is_string()) {
        f = {v.get<std::string>(), true};
      } else if (v.is_number()) {
        f.text = v.dump();
      } else if (v.is_boolean()) {
        f.text = v.get<bool>() ? "1" : "0";
      } else if (!v.is_null()) {
        fail(where + ": field '" + names[part.fields.size()] + "' must be a number, a string or null");
      }
      part.fields.push_back(std::move(f));
    }
    return Record{kind, where, {std::move(part)}};
  }

  std::vector<Record> rows(const json& net, const std::string& table, const std::string& kind) {
    const json& t = net[table];
    const std::vector<std::string>& names = field_names(t, table);
    if (!t.contains("data") || !t["data"].is_array()) fail("RAWX table '" + table + "' has no \"data\" array");
    std::vector<Record> out;
    const json& data = t["data"];
    for (std::size_t i = 0; i < data.size(); ++i) out.push_back(row(data[i], names, table, kind, i));
    return out;
  }

  void caseid(const json& net) {
    if (!net.contains("caseid")) fail("RAWX: no \"caseid\" table (IC, SBASE, REV, ...); it is required");
    const json& t = net["caseid"];
    const std::vector<std::string>& names = field_names(t, "caseid");
    if (!t.contains("data") || !t["data"].is_array()) fail("RAWX table 'caseid' has no \"data\" array");
    const json& data = t["data"];
    out_.caseid = row(data.size() == 1 && data[0].is_array() ? data[0] : data, names, "caseid", "case identification", 0);
    const Record& r = out_.caseid;
    if (integer(out_.source, r, "ic", 0) != 0)
      psse::fail(out_.source, r, "ic", "IC must be 0 (a whole case; 1 marks a change case)");
    out_.revision = static_cast<int>(integer(out_.source, r, "rev", 35));
    if (out_.revision != 35)
      psse::fail(out_.source, r, "rev",
                 "RAWX revision " + std::to_string(out_.revision) + " is not supported: sre reads RAWX of revision 35");
    out_.sbase = number(out_.source, r, "sbase", 100.0);
    if (!(out_.sbase > 0.0)) psse::fail(out_.source, r, "sbase", "SBASE (the system MVA base) must be a positive number");
    out_.format = "PSS/E RAWX revision 35";
  }

  void substations(const json& net) {
    if (!net.contains("sub")) return;
    out_.has_substation_data = true;
    std::vector<Record> subs = rows(net, "sub", "substation");
    std::map<long long, std::size_t> index;
    for (Record& r : subs) {
      const long long id = integer(out_.source, r, "isub");
      if (!index.emplace(id, out_.substations.size()).second)
        psse::fail(out_.source, r, "isub", "substation " + std::to_string(id) + " is defined twice");
      out_.substations.push_back(Substation{std::move(r), {}});
    }
    if (!net.contains("subnode")) return;
    for (Record& n : rows(net, "subnode", "substation node")) {
      const long long id = integer(out_.source, n, "isub");
      const auto it = index.find(id);
      if (it == index.end())
        psse::fail(out_.source, n, "isub", "substation " + std::to_string(id) + " is not in the 'sub' table");
      out_.substations[it->second].nodes.push_back(std::move(n));
    }
  }

  std::string_view text_;
  Records out_;
};

}  // namespace

Records parse_rawx(std::string_view text, const std::string& source) { return RawxParser(text, source).run(); }

}  // namespace sre::psse
