// PSS/E records into the MATPOWER layout, following MATPOWER's psse2mpc where it is
// right for the DC model (docs/model.md, "PSS/E input", states every conversion):
// loads P = PL + IP + YP at 1 p.u.; fixed shunts and in-service line shunts into Gs;
// transformers' CW/CZ codes into a system-base x and an off-nominal ratio; a
// three-winding transformer as a star bus and three branches. Branch rows: lines in file
// order, then two-winding transformers, then each three-winding transformer's windings
// 1, 2, 3, so that `branch:ROW` means the same row in every output.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "io/input_error.hpp"
#include "model/psse_readers.hpp"

namespace sre::psse {
namespace {

constexpr Presence kOptional = Presence::optional;

class Converter {
 public:
  explicit Converter(const Records& r) : in_(r), src_(r.source) {
    out_.source = r.source;
    out_.format = r.format;
    out_.base_mva = r.sbase;
    out_.base_mva_line = std::max(1, r.caseid.line());
    out_.bus.cols = col::BUS_MIN_COLS;
    out_.gen.cols = col::GEN_MIN_COLS;
    out_.branch.cols = col::BRANCH_MIN_COLS + 2;  // with ANGMIN, ANGMAX
  }

  CaseData run() {
    buses();
    for (const Record& r : in_.load) load(r);
    for (const Record& r : in_.fixshunt) fixed_shunt(r);
    for (const Record& r : in_.generator) generator(r);
    for (const Record& r : in_.acline) line(r);
    for (const Record& r : in_.transformer)
      if (integer(src_, r, "kbus", 0) == 0) two_winding(r);
    std::int64_t next_star = max_bus_id_;
    for (const Record& r : in_.transformer)
      if (integer(src_, r, "kbus", 0) != 0) three_winding(r, ++next_star);
    names();
    substations();
    out_.notes = in_.notes;
    return std::move(out_);
  }

 private:
  // ---- buses ----

  struct Bus {
    int row;
    double kv;
  };

  void buses() {
    if (in_.bus.empty())
      throw InputError(src_, in_.caseid.line(), "the case has no buses (its BUS DATA is empty); a case needs at least one");
    for (const Record& r : in_.bus) {
      const long long id = integer(src_, r, "ibus");
      if (id < 1) fail(src_, r, "ibus", "bus numbers must be positive, got " + std::to_string(id));
      const long long ide = integer(src_, r, "ide", 1);
      if (ide < 1 || ide > 4)
        fail(src_, r, "ide", "IDE must be 1 (load), 2 (generator), 3 (swing) or 4 (isolated), got " + std::to_string(ide));
      const auto [it, inserted] = bus_.emplace(id, Bus{static_cast<int>(out_.bus.rows()), number(src_, r, "baskv", 0.0)});
      if (!inserted)
        fail(src_, r, "ibus", "bus " + std::to_string(id) + " is defined twice (first on line " +
                                  std::to_string(out_.bus.lines[it->second.row]) + "); bus numbers must be unique");
      max_bus_id_ = std::max<std::int64_t>(max_bus_id_, id);
      const int area = static_cast<int>(integer(src_, r, "area", 1)), zone = static_cast<int>(integer(src_, r, "zone", 1));
      add_bus(id, static_cast<double>(ide), area, zone, number(src_, r, "vm", 1.0), number(src_, r, "va", 0.0),
              it->second.kv, number(src_, r, "nvhi", 1.1, kOptional), number(src_, r, "nvlo", 0.9, kOptional), r.line());
      out_.bus_owner.push_back(static_cast<int>(integer(src_, r, "owner", 1)));
      out_.bus_name.push_back(text(r, "name"));
    }
  }

  void add_bus(std::int64_t id, double type, int area, int zone, double vm, double va, double kv, double vmax,
               double vmin, int line) {
    const double row[] = {static_cast<double>(id), type, 0, 0, 0, 0, static_cast<double>(area), vm, va, kv,
                          static_cast<double>(zone), vmax, vmin};
    out_.bus.values.insert(out_.bus.values.end(), std::begin(row), std::end(row));
    out_.bus.lines.push_back(line);
    if (out_.bus.first_line == 0) out_.bus.first_line = std::max(1, line);
  }

  // The bus a field names; an error naming the record and field when there is none.
  const Bus& bus(const Record& r, const std::string& field, bool absolute = false) {
    long long id = integer(src_, r, field);
    if (absolute) id = std::llabs(id);  // a negative J marks the metered end
    const auto it = bus_.find(id);
    if (it == bus_.end())
      fail(src_, r, field, "bus " + std::to_string(id) + " is not in the BUS DATA; add the bus or correct the number");
    return it->second;
  }

  double& bus_value(int row, std::size_t c) { return out_.bus.values[static_cast<std::size_t>(row) * out_.bus.cols + c]; }
  double bus_value(int row, std::size_t c) const { return out_.bus(static_cast<std::size_t>(row), c); }

  // ---- injections ----

  void load(const Record& r) {
    const Bus& b = bus(r, "ibus");
    if (integer(src_, r, "stat", 1) == 0) return;
    // Constant power, current and admittance parts at 1 p.u. voltage (psse2mpc at VM = 1).
    bus_value(b.row, col::PD) += number(src_, r, "pl", 0.0) + number(src_, r, "ip", 0.0) + number(src_, r, "yp", 0.0);
    bus_value(b.row, col::QD) += number(src_, r, "ql", 0.0) + number(src_, r, "iq", 0.0) - number(src_, r, "yq", 0.0, kOptional);
  }

  void fixed_shunt(const Record& r) {
    const Bus& b = bus(r, "ibus");
    if (integer(src_, r, "stat", 1) == 0) return;
    bus_value(b.row, col::GS) += number(src_, r, "gl", 0.0);
    bus_value(b.row, col::BS) += number(src_, r, "bl", 0.0, kOptional);
  }

  void generator(const Record& r) {
    const Bus& b = bus(r, "ibus");
    const double row[] = {bus_value(b.row, col::BUS_I),
                          number(src_, r, "pg", 0.0),
                          number(src_, r, "qg", 0.0),
                          number(src_, r, "qt", 9999.0),
                          number(src_, r, "qb", -9999.0),
                          number(src_, r, "vs", 1.0),
                          number(src_, r, "mbase", in_.sbase),
                          integer(src_, r, "stat", 1) > 0 ? 1.0 : 0.0,
                          number(src_, r, "pt", 9999.0),
                          number(src_, r, "pb", -9999.0)};
    out_.gen.values.insert(out_.gen.values.end(), std::begin(row), std::end(row));
    out_.gen.lines.push_back(r.line());
    if (out_.gen.first_line == 0) out_.gen.first_line = std::max(1, r.line());
  }

  // ---- branches ----

  void add_branch(double f, double t, double r, double x, double b, double rate, double rate_b, double rate_c,
                  double tap, double shift, bool in_service, int line) {
    const double row[] = {f, t, r, x, b, rate, rate_b, rate_c, tap, shift, in_service ? 1.0 : 0.0, -360.0, 360.0};
    out_.branch.values.insert(out_.branch.values.end(), std::begin(row), std::end(row));
    out_.branch.lines.push_back(line);
    if (out_.branch.first_line == 0) out_.branch.first_line = std::max(1, line);
  }

  void line(const Record& r) {
    const Bus& f = bus(r, "ibus", true);
    const Bus& t = bus(r, "jbus", true);
    const bool in_service = integer(src_, r, "stat", 1) != 0;
    const double x = number(src_, r, "xpu");
    if (in_service && x == 0.0)
      fail(src_, r, "xpu",
           "branch " + ends(r, {"ibus", "jbus"}) +
               " has X = 0, a zero-impedance line (a jumper); the DC model needs a non-zero reactance: give X a small "
               "value (e.g. 0.0001), join the two buses into one, or set its status ST to 0");
    if (in_service) {  // line shunts GI, GJ (p.u.) into the end buses' Gs (MW at 1 p.u.), as psse2mpc does
      bus_value(f.row, col::GS) += number(src_, r, "gi", 0.0) * in_.sbase;
      bus_value(f.row, col::BS) += number(src_, r, "bi", 0.0) * in_.sbase;
      bus_value(t.row, col::GS) += number(src_, r, "gj", 0.0) * in_.sbase;
      bus_value(t.row, col::BS) += number(src_, r, "bj", 0.0) * in_.sbase;
    }
    add_branch(bus_value(f.row, col::BUS_I), bus_value(t.row, col::BUS_I), number(src_, r, "rpu", 0.0), x,
               number(src_, r, "bpu", 0.0), number(src_, r, "rate1", 0.0), number(src_, r, "rate2", 0.0),
               number(src_, r, "rate3", 0.0), 0.0, 0.0, in_service, r.line());
  }

  std::string ends(const Record& r, std::initializer_list<const char*> fields) const {
    std::string s;
    for (const char* f : fields) s += (s.empty() ? "" : "-") + text(r, f);
    const std::string ckt = text(r, "ckt");
    return s + (ckt.empty() ? "" : " circuit '" + ckt + "'");
  }

  // CW: the ratio of winding k in p.u. of its bus's base voltage (WINDV in p.u. of the bus
  // base, in kV, or in p.u. of NOMV, for CW = 1, 2, 3).
  double ratio(const Record& r, int cw, int k, double bus_kv, Presence nomv_presence = Presence::required) const {
    const std::string w = "windv" + std::to_string(k), nomv_name = "nomv" + std::to_string(k);
    const double windv = number(src_, r, w, cw == 2 ? bus_kv : 1.0);
    const double nomv = number(src_, r, nomv_name, 0.0, nomv_presence);
    if (cw == 1) return windv;
    if (bus_kv <= 0.0 && (cw == 2 || nomv != 0.0))
      fail(src_, r, w, "CW = " + std::to_string(cw) +
                           " needs the base voltage of the winding's bus, and that bus has BASKV = 0; give the bus its "
                           "base kV or write the ratio in p.u. (CW = 1)");
    if (cw == 2) return windv / bus_kv;
    return nomv != 0.0 ? windv * nomv / bus_kv : windv;
  }

  // CZ: an impedance between windings into per unit on the system base. `k` is the winding
  // whose voltage base the impedance is on (1 for Z1-2, 2 for Z2-3, 3 for Z3-1).
  std::pair<double, double> impedance(const Record& r, int cz, const std::string& pair, int k, double bus_kv) const {
    const std::string rn = "r" + pair, xn = "x" + pair, sn = "sbase" + pair;
    double rr = number(src_, r, rn, 0.0), x = number(src_, r, xn);
    if (cz == 1) return {rr, x};
    const double sbase_w = number(src_, r, sn, in_.sbase, kOptional);
    if (!(sbase_w > 0.0)) fail(src_, r, sn, "CZ = " + std::to_string(cz) + " needs a positive winding MVA base");
    const double nomv = number(src_, r, "nomv" + std::to_string(k), 0.0);
    if (nomv != 0.0 && bus_kv <= 0.0)
      fail(src_, r, "nomv" + std::to_string(k),
           "the impedance is on the winding's nominal voltage, but the winding's bus has BASKV = 0; give the bus its "
           "base kV");
    if (cz == 3) {  // R is the load loss in W, X the impedance magnitude, both on the winding base
      rr = rr / (1e6 * sbase_w);
      if (std::abs(x) < rr)
        fail(src_, r, xn, "with CZ = 3, X is the impedance magnitude |Z| and must not be below R (the load loss in p.u.)");
      x = std::copysign(std::sqrt(x * x - rr * rr), x);
    }
    const double v = nomv != 0.0 ? nomv / bus_kv : 1.0;
    const double scale = in_.sbase / sbase_w * v * v;
    return {rr * scale, x * scale};
  }

  static int code(const std::string& src, const Record& r, const char* name) {
    const long long c = integer(src, r, name, 1);
    if (c < 1 || c > 3) fail(src, r, name, std::string(name[1] == 'w' ? "CW" : "CZ") + " must be 1, 2 or 3, got " + std::to_string(c));
    return static_cast<int>(c);
  }

  void two_winding(const Record& r) {
    const Bus& f = bus(r, "ibus");
    const Bus& t = bus(r, "jbus");
    const int cw = code(src_, r, "cw"), cz = code(src_, r, "cz");
    const bool in_service = integer(src_, r, "stat", 1) != 0;
    const auto [rr, x] = impedance(r, cz, "1_2", 1, f.kv);
    if (in_service && x == 0.0)
      fail(src_, r, "x1_2", "transformer " + ends(r, {"ibus", "jbus"}) + zero_x_advice(cz));
    const double t2 = ratio(r, cw, 2, t.kv, kOptional);
    if (t2 == 0.0) fail(src_, r, "windv2", "the winding 2 ratio is 0; give WINDV2 (1 for a ratio in p.u.)");
    add_branch(bus_value(f.row, col::BUS_I), bus_value(t.row, col::BUS_I), rr, x, 0.0,
               number(src_, r, "wdg1rate1", 0.0), 0.0, 0.0, ratio(r, cw, 1, f.kv) / t2, number(src_, r, "ang1", 0.0),
               in_service, r.line());
  }

  static std::string zero_x_advice(int cz) {
    return " has X = 0" + std::string(cz == 1 ? "" : " (after its CZ conversion)") +
           "; the DC model needs a non-zero reactance: give X1-2 its value or set STAT to 0";
  }

  void three_winding(const Record& r, std::int64_t star_id) {
    const char* bus_fields[] = {"ibus", "jbus", "kbus"};
    const Bus* w[3];
    for (int k = 0; k < 3; ++k) w[k] = &bus(r, bus_fields[k]);
    const int cw = code(src_, r, "cw"), cz = code(src_, r, "cz");
    const long long stat = integer(src_, r, "stat", 1);
    if (stat < 0 || stat > 4)
      fail(src_, r, "stat", "STAT must be 0 (out), 1 (in), 2 (winding 2 out), 3 (winding 3 out) or 4 (winding 1 out)");
    const auto [r12, x12] = impedance(r, cz, "1_2", 1, w[0]->kv);
    const auto [r23, x23] = impedance(r, cz, "2_3", 2, w[1]->kv);
    const auto [r31, x31] = impedance(r, cz, "3_1", 3, w[2]->kv);
    // The star equivalent of the three impedances between windings.
    const double rs[3] = {(r12 + r31 - r23) / 2, (r12 + r23 - r31) / 2, (r31 + r23 - r12) / 2};
    const double xs[3] = {(x12 + x31 - x23) / 2, (x12 + x23 - x31) / 2, (x31 + x23 - x12) / 2};
    const int out_winding = stat == 2 ? 1 : stat == 3 ? 2 : stat == 4 ? 0 : -1;

    const int w1 = w[0]->row;
    add_bus(star_id, stat == 0 ? 4.0 : 1.0, static_cast<int>(bus_value(w1, col::BUS_AREA)),
            static_cast<int>(bus_value(w1, col::ZONE)), number(src_, r, "vmstar", 1.0, kOptional), number(src_, r, "anstar", 0.0, kOptional),
            1.0, 1.1, 0.9, r.line());
    out_.bus_owner.push_back(out_.bus_owner[static_cast<std::size_t>(w1)]);
    std::string name = text(r, "name");
    if (name.empty()) name = "3W " + ends(r, {"ibus", "jbus", "kbus"});
    out_.bus_name.push_back(name);
    star_winding1_.push_back({star_id, static_cast<std::int64_t>(bus_value(w1, col::BUS_I))});

    for (int k = 0; k < 3; ++k) {
      const bool in_service = stat != 0 && k != out_winding;
      if (in_service && xs[k] == 0.0)
        fail(src_, r, "x1_2",
             "three-winding transformer " + ends(r, {"ibus", "jbus", "kbus"}) + ": the star reactance of winding " +
                 std::to_string(k + 1) + " (from X1-2, X2-3, X3-1" + (cz == 1 ? "" : " after the CZ conversion") +
                 ") is 0, so that winding has X = 0; the DC model needs a non-zero reactance: correct the three "
                 "reactances or take the winding out of service with STAT");
      const std::string n = std::to_string(k + 1);
      add_branch(bus_value(w[k]->row, col::BUS_I), static_cast<double>(star_id), rs[k], xs[k], 0.0,
                 number(src_, r, "wdg" + n + "rate1", 0.0), 0.0, 0.0, ratio(r, cw, k + 1, w[k]->kv),
                 number(src_, r, "ang" + n, 0.0), in_service, r.line());
    }
  }

  // ---- beside the matrices ----

  void names() {
    for (const Record& r : in_.area) out_.area_name[static_cast<int>(integer(src_, r, "iarea"))] = text(r, "arname");
    for (const Record& r : in_.zone) out_.zone_name[static_cast<int>(integer(src_, r, "izone"))] = text(r, "zoname");
    for (const Record& r : in_.owner) out_.owner_name[static_cast<int>(integer(src_, r, "iowner"))] = text(r, "owname");
  }

  void substations() {
    out_.has_substations = in_.has_substation_data;
    std::unordered_map<std::int64_t, std::size_t> substation_of_bus;
    std::unordered_map<std::string, int> line_of_name;
    for (const Substation& s : in_.substations) {
      CaseSubstation c;
      c.name = text(s.record, "name");
      if (c.name.empty()) c.name = "substation " + std::to_string(integer(src_, s.record, "isub"));
      c.line = s.record.line();
      if (const auto [it, inserted] = line_of_name.emplace(c.name, c.line); !inserted)
        fail(src_, s.record, "name",
             "two substations are named '" + c.name + "'" + (it->second > 0 ? " (the other on line " + std::to_string(it->second) + ")" : "") +
                 "; each substation is a target named by its name, so the names must differ");
      for (const Record& n : s.nodes) {
        const std::int64_t id = static_cast<std::int64_t>(bus_value(bus(n, "ibus").row, col::BUS_I));
        const auto [it, inserted] = substation_of_bus.emplace(id, out_.substations.size());
        if (inserted) {
          c.bus_ids.push_back(id);
        } else if (it->second != out_.substations.size()) {
          fail(src_, n, "ibus", "bus " + std::to_string(id) + " is also a node of substation '" +
                                    out_.substations[it->second].name + "'; a bus belongs to one substation");
        }
      }
      out_.substations.push_back(std::move(c));
    }
    // A three-winding transformer's star bus stands in its winding 1 bus's substation.
    for (const auto& [star, winding1] : star_winding1_) {
      const auto it = substation_of_bus.find(winding1);
      if (it != substation_of_bus.end()) out_.substations[it->second].bus_ids.push_back(star);
    }
  }

  const Records& in_;
  const std::string& src_;
  CaseData out_;
  std::unordered_map<long long, Bus> bus_;
  std::int64_t max_bus_id_ = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> star_winding1_;  // star bus id, winding 1 bus id
};

}  // namespace

CaseData to_case_data(const Records& records) { return Converter(records).run(); }

}  // namespace sre::psse
