// What a command needs from its process, passed in rather than reached for, so that tests can
// run a command in-process with their own streams, terminal and environment.
#pragma once

#include "cli/output.hpp"
#include "cli/terminal.hpp"

#include <functional>

namespace dmvault::cli {

struct Context {
  Output& output;
  Prompter& prompter;
  // The value of an environment variable, or null when it is unset (std::getenv in the process).
  std::function<const char*(const char*)> getenv;
};

}  // namespace dmvault::cli
