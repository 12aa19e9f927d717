#include "engine/cli/cli.hpp"
namespace sre::cli {
int cmd_eval(const std::vector<std::string>&) { return 3; }
int cmd_run(const std::vector<std::string>&) { return 3; }
}
