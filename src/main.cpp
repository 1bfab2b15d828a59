#include "cli/cli.hpp"

int main(int argc, char** argv) { return dmvault::cli::run(argc, argv); }
