// dmvault search VAULT [QUERY] [--regex PATTERN] [--json] [--count] [--limit N]
// [--sort newest|oldest|relevance] [-C N] [--utc|--tz ZONE]: the messages that match a query
// (QUERY LANGUAGE in dmvault(1)).
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

struct SearchOptions {
  std::string vault;
  std::string query;
  std::string regex;
  UnlockOptions unlock;
  bool json = false;
  bool count = false;
  std::size_t limit = 50;  // 0: all
  std::string sort = "newest";
  std::size_t context = 0;
  TimeOptions time;
};

CLI::App* add_search_command(CLI::App& app, SearchOptions& options);
int run_search(const SearchOptions& options, Context& context);

// The catalog request for the options' query, regex, sort, limit and context. Error(usage) for
// a bad query or pattern; checked before any vault is unlocked.
catalog::SearchRequest search_request(const SearchOptions& options);

// Runs a search on an open catalog (the shell runs many on one) and prints the hits. With
// `results_only`, hints are left out so that only results reach the output. Returns 0 with hits,
// 1 without.
int search_catalog(catalog::Catalog& catalog, const SearchOptions& options, Context& context,
                   bool results_only);

}  // namespace dmvault::cli
