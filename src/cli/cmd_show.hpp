// dmvault show VAULT CONVERSATION [--json] [--limit N] [--around DATE]: a readable transcript.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"

#include <cstddef>
#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct ShowOptions {
  std::string vault;
  std::string conversation;
  std::size_t limit = 0;
  std::string around;
  UnlockOptions unlock;
  bool json = false;
};

CLI::App* add_show_command(CLI::App& app, ShowOptions& options);
int run_show(const ShowOptions& options, Context& context);

}  // namespace dmvault::cli
