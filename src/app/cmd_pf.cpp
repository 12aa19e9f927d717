// sre pf: DC power flow of the intact network, in MATPOWER's CSV layout.
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "app/long_task.hpp"
#include "app/option_values.hpp"
#include "dispatch/dc_opf.hpp"
#include "flow/dc_power_flow.hpp"
#include "app/json_output.hpp"
#include "io/csv_table.hpp"
#include "io/input_error.hpp"
#include "io/output_file.hpp"

namespace sre::cli {
namespace {

// A CSV (or JSON) file written whole: gathered here, then moved into place by
// write_file_atomically() (regular files only, never half-written).
class OutFile {
 public:
  explicit OutFile(std::filesystem::path path) : path_(std::move(path)) {}
  template <class T>
  OutFile& operator<<(const T& v) {
    text_ << v;
    return *this;
  }
  void commit() { write_file_atomically(path_.string(), text_.str(), path_.filename().string()); }

 private:
  std::filesystem::path path_;
  std::ostringstream text_;
};

// CSV fields: whole numbers, and doubles with 17 significant digits (they read back exactly).
std::string field(long long v) { return std::to_string(v); }
std::string field(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// branch.csv (index,f_bus,t_bus,pf_mw; in-service branches, 1-based rows), as in MATPOWER's files.
void write_branch_csv(const Network& net, const std::vector<double>& flow_mw, const std::filesystem::path& dir) {
  OutFile out(dir / "branch.csv");
  out << csv_row({"index", "f_bus", "t_bus", "pf_mw"});
  for (int e = 0; e < net.n_branch(); ++e) {
    if (!net.br_in_service[e]) continue;
    out << csv_row({field(e + 1LL), field(static_cast<long long>(net.bus_id[net.br_from[e]])),
                    field(static_cast<long long>(net.bus_id[net.br_to[e]])), field(flow_mw[e])});
  }
  out.commit();
}

// gen.csv (index,bus,pg_mw; in-service generators, 1-based rows).
void write_gen_csv(const Network& net, const std::vector<double>& pg_mw, const std::filesystem::path& dir) {
  OutFile out(dir / "gen.csv");
  out << csv_row({"index", "bus", "pg_mw"});
  for (int g = 0; g < net.n_gen(); ++g) {
    if (!net.gen_in_service[g]) continue;
    out << csv_row({field(g + 1LL), field(static_cast<long long>(net.bus_id[net.gen_bus[g]])), field(pg_mw[g])});
  }
  out.commit();
}

void write_csv(const Network& net, const PowerFlowResult& r, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  OutFile bus(dir / "bus.csv");
  bus << csv_row({"bus_id", "va_deg"});
  for (int i = 0; i < net.n_bus(); ++i) bus << csv_row({field(static_cast<long long>(net.bus_id[i])), field(r.va_deg[i])});
  bus.commit();
  write_branch_csv(net, r.state.flow_mw, dir);
  write_gen_csv(net, r.gen_pg, dir);
}

// --dispatch dcopf|scopf: the DC OPF dispatch, its flows, cost and binding limits; with
// scopf also the contingencies left insecure.
int run_opf(const Network& net, const std::string& csv_dir, const OpfOptions& options) {
  const std::string name = options.secure ? "scopf" : "dcopf";
  const DispatchResult r = solve_dc_opf(net, options);
  if (r.status == DispatchResult::Status::kNoCost)
    throw InputError(net.source + ": --dispatch " + name + " needs generator costs: " + r.message);
  if (!r.optimal()) throw InputError(net.source + ": " + r.message);
  if (!csv_dir.empty()) {
    const std::filesystem::path dir(csv_dir);
    std::filesystem::create_directories(dir);
    OutFile bus(dir / "bus.csv");
    bus << csv_row({"bus_id", "va_deg", "lam_p"});
    for (int i = 0; i < net.n_bus(); ++i)
      bus << csv_row({field(static_cast<long long>(net.bus_id[i])), field(r.va_deg[i]), field(r.lmp[i])});
    write_branch_csv(net, r.flow_mw, dir);
    write_gen_csv(net, r.gen_pg, dir);
    OutFile summary(dir / "summary.json");
    auto list = [](const std::vector<int>& v) {  // 1-based
      Json a = Json::array();
      for (int i : v) a.push_back(i + 1);
      return a;
    };
    Json j;
    j["dispatch"] = name;
    j["status"] = to_string(r.status);
    j["cost"] = r.cost;
    j["iterations"] = r.iterations;
    j["binding_branches"] = list(r.binding_branches);
    j["binding_angle_limits"] = list(r.binding_angle);
    j["gens_at_pmax"] = list(r.gens_at_pmax);
    j["gens_at_pmin"] = list(r.gens_at_pmin);
    if (options.secure) {
      j["tol"] = options.tol;
      j["contingencies"] = r.contingencies;
      j["security_rows"] = r.security_rows;
      Json insecure = Json::array();
      for (const auto& c : r.insecure) {
        Json item;
        item["branch"] = c.branch + 1;
        item["max_loading"] = c.max_loading;
        item["worst_branch"] = c.worst_branch + 1;
        insecure.push_back(std::move(item));
      }
      j["insecure"] = std::move(insecure);
    }
    summary << json_text(j) << "\n";
    bus.commit();
    summary.commit();
  }
  double total = 0.0;
  for (double p : r.gen_pg) total += p;
  std::printf("%s %s: status=%s cost=%.10g $/h generation=%.6f MW solve=%.3f s%s%s\n", name.c_str(), net.source.c_str(),
              to_string(r.status).c_str(), r.cost, total, r.seconds, csv_dir.empty() ? "" : " csv=", csv_dir.c_str());
  if (options.secure) {
    std::printf("N-1 security at %g x rateA: %d single-branch contingencies checked (bridges excluded), %d security rows in %d "
                "rounds; insecure: %zu",
                1.0 + options.tol, r.contingencies, r.security_rows, r.security_rounds, r.insecure.size());
    for (const InsecureContingency& c : r.insecure)
      std::printf(" row%d(loads row%d to %.4f x rateA)", c.branch + 1, c.worst_branch + 1, c.max_loading);
    std::printf("\n");
  }
  std::printf("gen (row bus pg_mw):");
  int shown = 0;
  for (int g = 0; g < net.n_gen(); ++g) {
    if (!net.gen_in_service[g]) continue;
    if (shown++ == 40) {
      std::printf(" ... (all in gen.csv with --csv)");
      break;
    }
    std::printf(" %d:%lld:%.4f", g + 1, static_cast<long long>(net.bus_id[net.gen_bus[g]]), r.gen_pg[g]);
  }
  std::printf("\nbinding line limits: %zu", r.binding_branches.size());
  for (int e : r.binding_branches)
    std::printf(" row%d(%lld-%lld %.4f/%.4f MW, mu %.6g)", e + 1, static_cast<long long>(net.bus_id[net.br_from[e]]),
                static_cast<long long>(net.bus_id[net.br_to[e]]), r.flow_mw[e], net.br_rate_a[e],
                r.flow_mu[e]);
  std::printf("\nbinding angle-difference limits: %zu", r.binding_angle.size());
  for (int e : r.binding_angle) std::printf(" row%d", e + 1);
  std::printf("\ngenerators at Pmax: %zu, at Pmin: %zu\n", r.gens_at_pmax.size(), r.gens_at_pmin.size());
  return 0;
}

}  // namespace

int cmd_pf(const std::vector<std::string>& args) {
  po::options_description desc("options");
  std::string case_path, balance_name, csv_dir, dispatch_name;
  OpfOptions opf_options;
  desc.add_options()("case", po::value(&case_path)->required(), "case file: MATPOWER (format version 2, .m), PSS/E RAW (revision 33 or 35, .raw) or RAWX (.rawx), told by its content")(
      "balance", po::value(&balance_name)->default_value("slack"),
      "slack: the first generator at each island's reference bus takes the mismatch (MATPOWER rundcpf);\n"
      "proportional: every island balanced by the model's supply-scaling rule (model.md section 5)")(
      "dispatch", po::value(&dispatch_name)->default_value("case"),
      "case: generator outputs from the file; dcopf: DC optimal power flow (least gencost within Pmin/Pmax,\n"
      "rateA and angle-difference limits; matches MATPOWER's rundcopf); scopf: dcopf plus preventive N-1\n"
      "security (after any single branch loss that splits no island, every branch within rateA (1 + tol));\n"
      "prints cost, binding limits and (scopf) the contingencies left insecure, and with --csv also writes\n"
      "gen.csv and summary.json (cost, status, scopf: \"insecure\"); bus.csv gains lam_p (LMP, $/MWh)")(
      "tol", real(&opf_options.tol, "tol", 0.0, 1e6),
      "--dispatch scopf: post-contingency limits rateA (1 + tol), protection's threshold")(
      "csv", po::value(&csv_dir), "write DIR/bus.csv (bus_id,va_deg), DIR/branch.csv (index,f_bus,t_bus,pf_mw; "
                                  "1-based branch row, in-service branches only) and DIR/gen.csv (index,bus,pg_mw)");
  po::variables_map vm;
  if (!parse_command_line("pf", "--case FILE [--balance slack|proportional] [--dispatch case|dcopf|scopf] [--tol T] [--csv DIR]",
                          "DC power flow of the intact network. With --balance slack the flows match MATPOWER's rundcpf.",
                          desc, args, vm))
    return 0;
  const Balance balance = parse_balance(balance_name);
  const Dispatch dispatch = parse_dispatch(dispatch_name);
  const Network net = load_network(case_path);
  for (const auto& w : net.warnings) std::cerr << "warning: " << w << "\n";
  if (!(opf_options.tol >= 0.0) || !std::isfinite(opf_options.tol)) throw UsageError("--tol must be a finite number >= 0");
  opf_options.secure = dispatch == Dispatch::kScopf;
  if (dispatch != Dispatch::kCase) {
    std::atomic<int> rounds{0}, rows{0};
    opf_options.on_round = [&](int r, int n, std::size_t) { rounds.store(r), rows.store(n); };
    const LongTask task("pf", [&] {
      return rounds.load() == 0 ? std::string("pf: solving the DC OPF")
                                : "pf: N-1 security, round " + std::to_string(rounds.load()) + ", " +
                                      std::to_string(rows.load()) + " contingency rows";
    });
    return run_opf(net, csv_dir, opf_options);
  }
  const PowerFlowResult r = run_dc_power_flow(net, balance);
  if (!csv_dir.empty()) write_csv(net, r, csv_dir);

  int n_flows = 0, over = 0;
  double max_flow = 0.0, total_pg = 0.0;
  for (int e = 0; e < net.n_branch(); ++e)
    if (net.br_in_service[e]) {
      ++n_flows;
      max_flow = std::max(max_flow, std::abs(r.state.flow_mw[e]));
      over += net.limited(e) && std::abs(r.state.flow_mw[e]) > net.br_rate_a[e];
    }
  for (double p : r.gen_pg) total_pg += p;
  std::printf("pf %s: balance=%s islands=%d branches=%d max|flow|=%.6f MW generation=%.6f MW over_limit=%d shed=%.6f MW%s%s\n",
              net.source.c_str(), balance_name.c_str(), r.state.n_islands, n_flows, max_flow, total_pg, over, r.shed_mw,
              csv_dir.empty() ? "" : " csv=", csv_dir.c_str());
  return 0;
}

}  // namespace sre::cli
