// The dmvault command line. run() is the whole program: it hardens the process, parses the
// arguments, runs one command and returns the exit status. Nothing below it calls exit(), so
// destructors always run (they wipe keys).
#pragma once

namespace dmvault::cli {

int run(int argc, char** argv);

}  // namespace dmvault::cli
