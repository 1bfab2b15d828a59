// dmvault import VAULT EXPORT... [--platform P] [--timezone TZ] [--json]: seals an export.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct ImportOptions {
  std::string vault;
  std::vector<std::string> exports;
  std::string platform;
  std::string timezone;
  std::string self_name;
  UnlockOptions unlock;
  bool json = false;
  bool no_progress = false;
  bool rehash = false;
  // --wait[=SECONDS]: -1 fails at once when another process holds the vault (exit 6); 0 waits as
  // long as it takes; N waits at most N seconds.
  int wait_seconds = -1;
};

CLI::App* add_import_command(CLI::App& app, ImportOptions& options);
int run_import(const ImportOptions& options, Context& context);

}  // namespace dmvault::cli
