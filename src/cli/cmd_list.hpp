// dmvault list VAULT [--json]: the conversations in a vault, with counts and date ranges.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct ListOptions {
  std::string vault;
  UnlockOptions unlock;
  bool json = false;
};

CLI::App* add_list_command(CLI::App& app, ListOptions& options);
int run_list(const ListOptions& options, Context& context);

}  // namespace dmvault::cli
