// dmvault info VAULT [--json]: what a vault holds and how it is protected.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct InfoOptions {
  std::string vault;
  UnlockOptions unlock;
  bool json = false;
};

CLI::App* add_info_command(CLI::App& app, InfoOptions& options);
int run_info(const InfoOptions& options, Context& context);

}  // namespace dmvault::cli
