// The `sre` program: a thin entry point over the engine library.
#include "app/cli.hpp"

int main(int argc, char** argv) { return sre::cli::main(argc, argv); }
