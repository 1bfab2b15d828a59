// dmvault people link|unlink|import|list|accounts VAULT ...: one person's accounts on several
// platforms, linked so that `from:NAME` and `with:NAME` find all of them.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct PeopleOptions {
  std::string vault;
  UnlockOptions unlock;
  bool json = false;
  std::string name;
  std::vector<std::string> handles;  // "[platform:]handle"
  std::string alias_file;            // people import
  std::string platform;              // people accounts --platform
  std::size_t limit = 0;             // people accounts --limit
};

struct PeopleCommands {
  CLI::App* link = nullptr;
  CLI::App* unlink = nullptr;
  CLI::App* import = nullptr;
  CLI::App* list = nullptr;
  CLI::App* accounts = nullptr;
};

CLI::App* add_people_command(CLI::App& app, PeopleOptions& options, PeopleCommands& commands);
int run_people(const PeopleOptions& options, const PeopleCommands& commands, Context& context);

}  // namespace dmvault::cli
