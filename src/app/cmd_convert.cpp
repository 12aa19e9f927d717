// sre convert: the network sre read, written as a MATPOWER case, so that a planner can
// check a PSS/E conversion in other tools (and hand MATPOWER users the same network).
#include <filesystem>
#include <iostream>

#include "app/cli.hpp"
#include "io/csv_table.hpp"
#include "io/output_file.hpp"
#include "model/case_data.hpp"
#include "model/network.hpp"

namespace sre::cli {
namespace {

// MATLAB needs the function name to be an identifier (and the file named after it).
std::string function_name(const std::string& out_path) {
  std::string stem = std::filesystem::path(out_path).stem().string(), name;
  for (char c : stem) name += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) name = "case_" + name;
  return name;
}

// FILE.m -> FILE_substations.csv beside it.
std::string substations_path(const std::string& out_path) {
  std::filesystem::path p(out_path);
  return (p.parent_path() / (p.stem().string() + "_substations.csv")).string();
}

// The case's substations as a `bus_id,substation` CSV, which `--targets FILE.csv` reads:
// the MATPOWER format has no place for them.
std::string substations_csv(const Network& net) {
  std::string text = "# substations of " + net.source + " (sre convert); use with --targets FILE.csv\n";
  text += csv_row({"bus_id", "substation"});
  for (std::size_t s = 0; s < net.substation_name.size(); ++s)
    for (int p = net.substation_offset[s]; p < net.substation_offset[s + 1]; ++p)
      text += csv_row({std::to_string(net.bus_id[net.substation_bus[p]]), net.substation_name[s]});
  return text;
}

}  // namespace

int cmd_convert(const std::vector<std::string>& args) {
  po::options_description desc("options");
  std::string case_path, out_path;
  desc.add_options()("case", po::value(&case_path)->required(),
                     "case file: PSS/E RAW (revision 33 or 35), RAWX, or MATPOWER (format version 2)")(
      "out", po::value(&out_path)->required(), "MATPOWER case file to write (.m)");
  po::variables_map vm;
  if (!parse_command_line("convert", "--case FILE.raw --out FILE.m",
                          "Write the network sre reads from a case as a MATPOWER case (format version 2): the\n"
                          "buses, generators and branches in the rows `branch:ROW` and the per-branch outputs\n"
                          "use, each row commented with its line in the case file. Transformers appear with\n"
                          "their system-base impedance and off-nominal ratio (docs/model.md, PSS/E input).\n"
                          "A case with substation data (PSS/E revision 35) also gets FILE_substations.csv\n"
                          "(bus_id,substation) beside FILE.m: `--targets FILE_substations.csv` on the MATPOWER\n"
                          "case gives the targets `--targets substations` gives on the original.",
                          desc, args, vm))
    return 0;
  check_output_path(out_path);
  const CaseData data = read_case(case_path);
  const std::string sub_path = substations_path(out_path);
  const Network net = build_network(data);  // the model's own checks, before anything is written
  for (const auto& w : net.warnings) std::cerr << "warning: " << w << "\n";
  if (net.has_substations) check_output_path(sub_path);
  write_file_atomically(out_path, write_matpower_case(data, function_name(out_path)), "the MATPOWER case");
  if (net.has_substations) {
    write_file_atomically(sub_path, substations_csv(net), "the substations CSV");
    std::cout << "convert: " << net.substation_name.size() << " substations -> " << sub_path
              << " (use --targets " << sub_path << ")\n";
  }
  std::cout << "convert: " << case_path << " (" << data.format << ") -> " << out_path << ": " << net.n_bus()
            << " buses, " << net.n_gen() << " generators, " << net.n_branch() << " branches\n";
  return 0;
}

}  // namespace sre::cli
