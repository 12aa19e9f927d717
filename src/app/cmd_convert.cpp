// sre convert: the network sre read, written as a MATPOWER case, so that a planner can
// check a PSS/E conversion in other tools (and hand MATPOWER users the same network).
#include <filesystem>
#include <iostream>

#include "app/cli.hpp"
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
                          "their system-base impedance and off-nominal ratio (docs/model.md, PSS/E input).",
                          desc, args, vm))
    return 0;
  check_output_path(out_path);
  const CaseData data = read_case(case_path);
  const Network net = build_network(data);  // the model's own checks, before anything is written
  for (const auto& w : net.warnings) std::cerr << "warning: " << w << "\n";
  write_file_atomically(out_path, write_matpower_case(data, function_name(out_path)), "the MATPOWER case");
  std::cout << "convert: " << case_path << " (" << data.format << ") -> " << out_path << ": " << net.n_bus()
            << " buses, " << net.n_gen() << " generators, " << net.n_branch() << " branches\n";
  return 0;
}

}  // namespace sre::cli
