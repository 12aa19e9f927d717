#pragma once
// Command-line front end: one subcommand per job.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace sre::cli {

int main(int argc, char** argv);

// Each subcommand takes its own argument vector (argv[0] is "sre SUBCOMMAND").
int cmd_info(const std::vector<std::string>& args);
int cmd_pf(const std::vector<std::string>& args);
int cmd_eval(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_rank(const std::vector<std::string>& args);
int cmd_defend(const std::vector<std::string>& args);
int cmd_worst(const std::vector<std::string>& args);
int cmd_campaign(const std::vector<std::string>& args);
int cmd_merge(const std::vector<std::string>& args);
int cmd_convert(const std::vector<std::string>& args);

// A usage error: the message is printed with the subcommand's usage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace po = boost::program_options;

// Parse args with `desc`; handles --help (returns false after printing it).
// Throws UsageError for unknown or malformed options.
bool parse_command_line(const std::string& command, const std::string& synopsis, const std::string& about,
                        const po::options_description& desc, const std::vector<std::string>& args,
                        po::variables_map& vm, const po::positional_options_description* positional = nullptr);

// Everything the user typed, for provenance in results files.
const std::string& full_command_line();

}  // namespace sre::cli
