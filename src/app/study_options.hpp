#pragma once
// The options that define a study, shared by `sre run` and the planner commands,
// and their INI rendering (stored in results files so any result can be re-run).
#include <string>

#include "app/cli.hpp"
#include "study/study.hpp"

namespace sre::cli {

void add_study_options(po::options_description& desc, StudyOptions& o);
// Reads --config FILE.ini (if given) under the command line: the command line wins.
void apply_config_file(const po::options_description& desc, po::variables_map& vm, const std::string& config_path);
// The resolved study as an INI text that `sre run --config` accepts.
std::string study_to_ini(const StudyOptions& o);
// Splits "a,b,c".
std::vector<std::string> split_list(const std::string& s);

}  // namespace sre::cli
