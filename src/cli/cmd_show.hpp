// dmvault show VAULT CONVERSATION [--json] [--limit N] [--around DATE] [--utc|--tz ZONE]: a
// readable transcript.
#pragma once

#include "catalog/catalog.hpp"
#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "cli/time_options.hpp"

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
  TimeOptions time;
};

CLI::App* add_show_command(CLI::App& app, ShowOptions& options);
int run_show(const ShowOptions& options, Context& context);
// Shows the conversation from an open catalog; `results_only` leaves out the title line.
int show_catalog(catalog::Catalog& catalog, const ShowOptions& options, Context& context,
                 bool results_only);

}  // namespace dmvault::cli
