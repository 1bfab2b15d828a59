// dmvault search VAULT QUERY [--json] [--count] [--limit N] [--sort newest|oldest|relevance]
// [-C N] [--utc]: the messages that match a query (QUERY LANGUAGE in dmvault(1)).
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"

#include <cstddef>
#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct SearchOptions {
  std::string vault;
  std::string query;
  UnlockOptions unlock;
  bool json = false;
  bool count = false;
  std::size_t limit = 50;  // 0: all
  std::string sort = "newest";
  std::size_t context = 0;
  bool utc = false;
};

CLI::App* add_search_command(CLI::App& app, SearchOptions& options);
int run_search(const SearchOptions& options, Context& context);

}  // namespace dmvault::cli
