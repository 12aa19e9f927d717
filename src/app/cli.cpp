#include "app/cli.hpp"

#include <cstdio>
#include <iostream>
#include <map>

#include "io/input_error.hpp"
#include "io/version.hpp"

namespace sre::cli {
namespace {

std::string g_command_line;

struct Subcommand {
  int (*run)(const std::vector<std::string>&);
  const char* summary;
};

const std::map<std::string, Subcommand>& subcommands() {
  static const std::map<std::string, Subcommand> table = {
      {"info", {cmd_info, "summarise a case: elements in service, islands, demand, limits"}},
      {"pf", {cmd_pf, "DC power flow of the intact network; writes bus and branch CSV files"}},
      {"eval", {cmd_eval, "evaluate one strike scenario and print its results"}},
      {"run", {cmd_run, "Monte Carlo (or exhaustive) strike study; writes an HDF5 results file"}},
      {"rank", {cmd_rank, "rank targets with 95% confidence intervals; flags unresolved neighbours"}},
      {"defend", {cmd_defend, "choose targets to defend (greedy, common random numbers); writes PLAN.csv"}},
      {"worst", {cmd_worst, "strike sets of K targets with the largest shed (exact for small cases)"}},
      {"campaign", {cmd_campaign, "winter campaigns: strike waves, repairs, hourly demand; hours without power per bus"}},
      {"convert", {cmd_convert, "write the network read from a case (PSS/E RAW, RAWX) as a MATPOWER case"}},
      {"merge", {cmd_merge, "combine the shard files of a study (run or campaign --shard I/N) into one results file"}},
  };
  return table;
}

void print_top_help(std::ostream& os) {
  os << "sre " << kVersion << " - Monte Carlo strike-resilience engine\n\n"
     << "Samples (or enumerates) strikes on substations of a transmission network, finds the\n"
     << "islands left, balances each, solves DC power flow, lets protection trip what is\n"
     << "overloaded and the operator re-dispatch, and reports how much load is lost, how often,\n"
     << "and which substations matter (defaults: N-1-secure dispatch, protection at 150 %).\n\n"
     << "usage: sre SUBCOMMAND [OPTIONS]\n\nsubcommands:\n";
  for (const auto& [name, sub] : subcommands()) os << "  " << name << std::string(10 - name.size(), ' ') << sub.summary << "\n";
  os << "\n'sre SUBCOMMAND --help' explains every option with its default.\n"
     << "example: sre run --case data/cases/pglib_opf_case118_ieee.m --k 3 --samples 100000 --out study.h5\n";
}

}  // namespace

const std::string& full_command_line() { return g_command_line; }

// One write per message: under mpirun every rank's stderr is interleaved, and a
// message written piece by piece can be split by another process's output.
static void report_error(const std::string& message) {
  std::fwrite(message.data(), 1, message.size(), stderr);
  std::fflush(stderr);
}

bool parse_command_line(const std::string& command, const std::string& synopsis, const std::string& about,
                        const po::options_description& desc, const std::vector<std::string>& args,
                        po::variables_map& vm, const po::positional_options_description* positional) {
  po::options_description all(desc);
  all.add_options()("help,h", "show this help");
  try {
    auto parser = po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end())).options(all);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("help")) {
    std::cout << "usage: sre " << command << " " << synopsis << "\n\n" << about << "\n\n" << all << "\n";
    return false;
  }
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) g_command_line += (i ? " " : "") + std::string(argv[i]);
  if (argc < 2) {
    print_top_help(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_top_help(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "sre " << kVersion << "\n";
    return 0;
  }
  const auto it = subcommands().find(name);
  if (it == subcommands().end()) {
    std::cerr << "sre: unknown subcommand '" << name << "'\n\n";
    print_top_help(std::cerr);
    return 2;
  }
  std::vector<std::string> args{"sre " + name};
  for (int i = 2; i < argc; ++i) args.emplace_back(argv[i]);
  try {
    return it->second.run(args);
  } catch (const UsageError& e) {
    report_error("sre " + name + ": " + e.what() + "\nrun 'sre " + name + " --help' for the options\n");
    return 2;
  } catch (const std::exception& e) {  // InputError and everything else
    report_error("sre " + name + ": error: " + e.what() + "\n");
    return 1;
  }
}

}  // namespace sre::cli
