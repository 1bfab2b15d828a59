// dmvault list VAULT [--json]: the conversations in a vault, with counts and date ranges.
#pragma once

#include "catalog/catalog.hpp"
#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "cli/time_options.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct ListOptions {
  std::string vault;
  UnlockOptions unlock;
  bool json = false;
  TimeOptions time;
  bool sources = false;  // --sources: the imports instead of the conversations
};

CLI::App* add_list_command(CLI::App& app, ListOptions& options);
int run_list(const ListOptions& options, Context& context);
// Lists the conversations of an open catalog.
int list_catalog(catalog::Catalog& catalog, const ListOptions& options, Context& context);

}  // namespace dmvault::cli
