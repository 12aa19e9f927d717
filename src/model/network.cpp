#include "model/network.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include "io/input_error.hpp"

namespace sre {
namespace {

[[noreturn]] void fail(const CaseData& d, int line, const std::string& what) { throw InputError(d.source, line, what); }

// Every number the model uses must be finite: a NaN or Inf would otherwise be read as
// some default (a NaN rateA as "no limit", a NaN status as "in service").
void require_finite(const CaseData& d, const CaseMatrix& m, std::size_t r, std::size_t c, const char* table,
                    const char* column, const char* hint = "") {
  const double v = m(r, c);
  if (std::isfinite(v)) return;
  const std::string text = std::isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf";
  fail(d, m.lines[r], "mpc." + std::string(table) + " row " + std::to_string(r + 1) + ", column " + std::to_string(c + 1) +
                          " (" + column + "): " + text + " is not a finite number; the model needs one here" +
                          (*hint ? std::string("; ") + hint : std::string()));
}

std::int64_t as_bus_id(const CaseData& d, double v, int line, const char* what) {
  if (!(v >= 1.0) || v != std::floor(v) || v > 9.0e15)
    fail(d, line, std::string(what) + " must be a positive integer bus id, got " + std::to_string(v));
  return static_cast<std::int64_t>(v);
}

void read_buses(const CaseData& d, Network& n) {
  const CaseMatrix& m = d.bus;
  const std::size_t nb = m.rows();
  if (nb == 0) fail(d, m.first_line, "mpc.bus has no rows; a case needs at least one bus");
  n.bus_id.resize(nb);
  n.bus_type.resize(nb);
  n.bus_pd.resize(nb);
  n.bus_gs.resize(nb);
  n.bus_base_kv.resize(nb);
  n.bus_va_deg.resize(nb);
  n.bus_in_service.resize(nb);
  n.bus_index_of_id.reserve(nb * 2);
  for (std::size_t r = 0; r < nb; ++r) {
    const int line = m.lines[r];
    const std::int64_t id = as_bus_id(d, m(r, col::BUS_I), line, "bus_i");
    const double type = m(r, col::BUS_TYPE);
    if (type != 1 && type != 2 && type != 3 && type != 4)
      fail(d, line, "bus " + std::to_string(id) + ": type must be 1 (PQ), 2 (PV), 3 (reference) or 4 (isolated)");
    for (std::size_t c : {col::PD, col::GS, col::VA}) require_finite(d, m, r, c, "bus", c == col::PD ? "Pd" : c == col::GS ? "Gs" : "Va");
    require_finite(d, m, r, col::BASE_KV, "bus", "baseKV", "use 0 when unknown");
    auto [it, inserted] = n.bus_index_of_id.emplace(id, static_cast<int>(r));
    if (!inserted)
      fail(d, line, "duplicate bus id " + std::to_string(id) + " (first defined on line " +
                        std::to_string(m.lines[it->second]) + "); bus ids must be unique");
    n.bus_id[r] = id;
    n.bus_type[r] = static_cast<int>(type);
    n.bus_pd[r] = m(r, col::PD);
    n.bus_gs[r] = m(r, col::GS);
    n.bus_base_kv[r] = m(r, col::BASE_KV);
    n.bus_va_deg[r] = m(r, col::VA);
    n.bus_in_service[r] = n.bus_type[r] != 4;
  }
}

int bus_of(const CaseData& d, const Network& n, double v, int line, const char* table, std::size_t row,
           const char* column) {
  const std::int64_t id = as_bus_id(d, v, line, column);
  const int i = n.bus_index(id);
  if (i < 0)
    fail(d, line, std::string(table) + " row " + std::to_string(row + 1) + ": " + column + " " + std::to_string(id) +
                      " is not a bus in mpc.bus");
  return i;
}

void read_generators(const CaseData& d, Network& n) {
  const CaseMatrix& m = d.gen;
  const std::size_t ng = m.rows();
  n.gen_bus.resize(ng);
  n.gen_pg.resize(ng);
  n.gen_pmax.resize(ng);
  n.gen_pmin.resize(ng);
  n.gen_in_service.resize(ng);
  for (std::size_t r = 0; r < ng; ++r) {
    const int line = m.lines[r];
    n.gen_bus[r] = bus_of(d, n, m(r, col::GEN_BUS), line, "gen", r, "bus");
    require_finite(d, m, r, col::PG, "gen", "Pg");
    require_finite(d, m, r, col::PMAX, "gen", "Pmax");
    require_finite(d, m, r, col::PMIN, "gen", "Pmin");
    require_finite(d, m, r, col::GEN_STATUS, "gen", "status", "1 in service, 0 out");
    n.gen_pg[r] = m(r, col::PG);
    n.gen_pmax[r] = m(r, col::PMAX);
    n.gen_pmin[r] = m(r, col::PMIN);
    n.gen_in_service[r] = m(r, col::GEN_STATUS) > 0 && n.bus_in_service[n.gen_bus[r]];
  }
}

void read_branches(const CaseData& d, Network& n) {
  const CaseMatrix& m = d.branch;
  const std::size_t nl = m.rows();
  n.br_from.resize(nl);
  n.br_to.resize(nl);
  n.br_x.resize(nl);
  n.br_tap.resize(nl);
  n.br_shift_rad.resize(nl);
  n.br_b.resize(nl);
  n.br_rate_a.resize(nl);
  n.br_angmin_deg.resize(nl);
  n.br_angmax_deg.resize(nl);
  n.br_in_service.resize(nl);
  const bool has_ang = m.cols > col::ANGMAX;
  for (std::size_t r = 0; r < nl; ++r) {
    const int line = m.lines[r];
    const int f = bus_of(d, n, m(r, col::F_BUS), line, "branch", r, "fbus");
    const int t = bus_of(d, n, m(r, col::T_BUS), line, "branch", r, "tbus");
    n.br_from[r] = f;
    n.br_to[r] = t;
    require_finite(d, m, r, col::BR_STATUS, "branch", "status", "1 in service, 0 out");
    require_finite(d, m, r, col::BR_X, "branch", "x");
    require_finite(d, m, r, col::TAP, "branch", "ratio", "0 for a line");
    require_finite(d, m, r, col::SHIFT, "branch", "angle", "0 for no phase shift");
    require_finite(d, m, r, col::RATE_A, "branch", "rateA", "0 for no limit");
    if (has_ang) {
      require_finite(d, m, r, col::ANGMIN, "branch", "angmin", "-360 for no limit");
      require_finite(d, m, r, col::ANGMAX, "branch", "angmax", "360 for no limit");
    }
    const double status = m(r, col::BR_STATUS);
    bool in_service = status != 0 && n.bus_in_service[f] && n.bus_in_service[t];
    const double x = m(r, col::BR_X);
    const double tap_file = m(r, col::TAP);
    const double tap = tap_file == 0.0 ? 1.0 : tap_file;
    const double shift = m(r, col::SHIFT);
    if (in_service && f == t) {
      n.warnings.push_back(d.source + ":" + std::to_string(line) + ": branch row " + std::to_string(r + 1) +
                           " connects bus " + std::to_string(n.bus_id[f]) + " to itself; it carries nothing and is ignored");
      in_service = false;
    }
    if (in_service && x == 0.0)
      fail(d, line, "branch row " + std::to_string(r + 1) + " (" + std::to_string(n.bus_id[f]) + " - " +
                        std::to_string(n.bus_id[t]) + ") is in service with reactance x = " + std::to_string(x) +
                        "; its susceptance would be infinite. Give it a non-zero x or set its status to 0");
    n.br_x[r] = x;
    n.br_tap[r] = tap;
    n.br_shift_rad[r] = shift * std::numbers::pi / 180.0;
    n.br_b[r] = in_service ? 1.0 / (x * tap) : 0.0;
    const double rate = m(r, col::RATE_A);
    n.br_rate_a[r] = rate > 0.0 ? rate : 0.0;
    n.br_angmin_deg[r] = has_ang ? m(r, col::ANGMIN) : -360.0;
    n.br_angmax_deg[r] = has_ang ? m(r, col::ANGMAX) : 360.0;
    n.br_in_service[r] = in_service;
  }
}

void aggregate_bus_demand_and_supply(Network& n) {
  const int nb = n.n_bus();
  n.bus_demand.assign(nb, 0.0);
  for (int i = 0; i < nb; ++i)
    if (n.bus_in_service[i]) n.bus_demand[i] = n.bus_pd[i] + n.bus_gs[i];
  std::vector<double> gen_base(nb, 0.0), gen_cap(nb, 0.0);
  for (int g = 0; g < n.n_gen(); ++g) {
    if (!n.gen_in_service[g]) continue;
    const int i = n.gen_bus[g];
    const double pg = n.gen_pg[g];
    if (pg < 0.0) {
      n.bus_demand[i] += -pg;  // a generator that consumes is a demand
    } else {
      gen_base[i] += pg;
      gen_cap[i] += std::max(n.gen_pmax[g], pg);
    }
  }
  n.bus_demand_pos.assign(nb, 0.0);
  n.bus_supply_base.assign(nb, 0.0);
  n.bus_supply_cap.assign(nb, 0.0);
  n.total_demand_pos = 0.0;
  for (int i = 0; i < nb; ++i) {
    const double d = n.bus_demand[i];
    n.bus_demand_pos[i] = d > 0.0 ? d : 0.0;
    const double neg = d < 0.0 ? -d : 0.0;  // a bus with negative demand is a supply
    n.bus_supply_base[i] = gen_base[i] + neg;
    n.bus_supply_cap[i] = gen_cap[i] + neg;
    n.total_demand_pos += n.bus_demand_pos[i];
  }
  n.bus_gen_offset.assign(nb + 1, 0);
  for (int g = 0; g < n.n_gen(); ++g)
    if (n.gen_in_service[g] && n.gen_pg[g] >= 0.0) ++n.bus_gen_offset[n.gen_bus[g] + 1];
  for (int i = 0; i < nb; ++i) n.bus_gen_offset[i + 1] += n.bus_gen_offset[i];
  n.bus_gen.assign(n.bus_gen_offset[nb], 0);
  std::vector<int> fill(n.bus_gen_offset.begin(), n.bus_gen_offset.end() - 1);
  for (int g = 0; g < n.n_gen(); ++g)
    if (n.gen_in_service[g] && n.gen_pg[g] >= 0.0) n.bus_gen[fill[n.gen_bus[g]]++] = g;
}

void find_reference_buses(Network& n) {
  const int nb = n.n_bus();
  std::vector<std::uint8_t> has_gen(nb, 0);
  for (int g = 0; g < n.n_gen(); ++g)
    if (n.gen_in_service[g]) has_gen[n.gen_bus[g]] = 1;
  n.bus_is_case_ref.assign(nb, 0);
  n.case_ref_bus = -1;
  for (int i = 0; i < nb; ++i)
    if (n.bus_in_service[i] && n.bus_type[i] == 3 && has_gen[i]) {
      n.bus_is_case_ref[i] = 1;
      if (n.case_ref_bus < 0) n.case_ref_bus = i;
    }
  if (n.case_ref_bus < 0)
    for (int i = 0; i < nb; ++i)
      if (n.bus_in_service[i] && n.bus_type[i] == 2 && has_gen[i]) {
        n.case_ref_bus = i;
        n.bus_is_case_ref[i] = 1;
        break;
      }
}

void build_adjacency(Network& n) {
  const int nb = n.n_bus();
  n.adj_offset.assign(nb + 1, 0);
  for (int e = 0; e < n.n_branch(); ++e)
    if (n.br_in_service[e]) {
      ++n.adj_offset[n.br_from[e] + 1];
      ++n.adj_offset[n.br_to[e] + 1];
    }
  for (int i = 0; i < nb; ++i) n.adj_offset[i + 1] += n.adj_offset[i];
  n.adj_branch.assign(n.adj_offset[nb], 0);
  n.adj_bus.assign(n.adj_offset[nb], 0);
  std::vector<int> fill(n.adj_offset.begin(), n.adj_offset.end() - 1);
  for (int e = 0; e < n.n_branch(); ++e)
    if (n.br_in_service[e]) {
      const int f = n.br_from[e], t = n.br_to[e];
      n.adj_bus[fill[f]] = t;
      n.adj_branch[fill[f]++] = e;
      n.adj_bus[fill[t]] = f;
      n.adj_branch[fill[t]++] = e;
    }
  n.br_ends_xor.resize(n.n_branch());
  for (int e = 0; e < n.n_branch(); ++e) n.br_ends_xor[e] = n.br_from[e] ^ n.br_to[e];
}

void read_areas_and_substations(const CaseData& d, Network& n) {
  const CaseMatrix& m = d.bus;
  n.bus_area.resize(m.rows());
  n.bus_zone.resize(m.rows());
  for (std::size_t r = 0; r < m.rows(); ++r) {
    // Labels only: a value no int holds (or NaN) is kept as 0 rather than cast (undefined).
    const auto label = [](double v) { return std::abs(v) < 2.0e9 ? static_cast<int>(v) : 0; };
    n.bus_area[r] = label(m(r, col::BUS_AREA));
    n.bus_zone[r] = label(m(r, col::ZONE));
  }
  if (d.bus_owner.size() == m.rows()) n.bus_owner = d.bus_owner;
  n.area_name = d.area_name;
  n.zone_name = d.zone_name;
  n.owner_name = d.owner_name;
  n.has_substations = d.has_substations;
  n.substation_offset.assign(1, 0);
  for (const CaseSubstation& s : d.substations) {
    for (const std::int64_t id : s.bus_ids) {
      const int i = n.bus_index(id);
      if (i < 0) fail(d, s.line, "substation '" + s.name + "': bus " + std::to_string(id) + " is not a bus of the case");
      n.substation_bus.push_back(i);
    }
    n.substation_name.push_back(s.name);
    n.substation_line.push_back(s.line);
    n.substation_offset.push_back(static_cast<int>(n.substation_bus.size()));
  }
}

}  // namespace

Network build_network(const CaseData& d) {
  if (d.base_mva_line == 0) fail(d, 0, "no mpc.baseMVA found; is this a MATPOWER case file (format version 2)?");
  if (!(d.base_mva > 0.0) || !std::isfinite(d.base_mva))
    fail(d, d.base_mva_line, "mpc.baseMVA must be a positive number");
  Network n;
  n.source = d.source;
  n.format = d.format;
  n.base_mva = d.base_mva;
  n.warnings = d.notes;
  read_buses(d, n);
  read_generators(d, n);
  read_branches(d, n);
  aggregate_bus_demand_and_supply(n);
  find_reference_buses(n);
  build_adjacency(n);
  n.br_mw_per_rad.resize(n.n_branch());
  for (int e = 0; e < n.n_branch(); ++e) {
    n.br_mw_per_rad[e] = n.base_mva * n.br_b[e];
    if (n.br_in_service[e] && n.br_shift_rad[e] != 0.0) n.shifted_branches.push_back(e);
  }
  n.bus_name = d.bus_name;
  if (!n.bus_name.empty() && n.bus_name.size() != n.bus_id.size()) n.bus_name.clear();
  n.gencost = d.gencost;
  read_areas_and_substations(d, n);
  return n;
}

void aggregate_bus_supply(Network& n) { aggregate_bus_demand_and_supply(n); }

Network load_network(const std::string& path) { return build_network(read_case(path)); }

}  // namespace sre
