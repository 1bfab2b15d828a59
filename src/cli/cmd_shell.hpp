// dmvault shell VAULT [--json] [--utc|--tz ZONE]: unlock once, then run many searches, shows and
// lists on the in-memory catalog. On a terminal it prompts, with line editing and an in-memory
// history; otherwise it reads one command or query per line and prints only results, so that
// scripts can pipe queries in.
#pragma once

#include "catalog/catalog.hpp"
#include "cli/context.hpp"
#include "cli/line_reader.hpp"
#include "cli/passphrase.hpp"
#include "cli/time_options.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct ShellOptions {
  std::string vault;
  UnlockOptions unlock;
  bool json = false;  // every command prints JSON Lines
  TimeOptions time;
};

CLI::App* add_shell_command(CLI::App& app, ShellOptions& options);
int run_shell(const ShellOptions& options, Context& context);

// The loop itself, over an open catalog. `interactive`: prompt, banner and hints. A failed line
// is reported and the next one read. Returns 0, or the exit status of the first failed line.
int shell_session(catalog::Catalog& catalog, const ShellOptions& options, LineReader& lines,
                  Context& context, bool interactive);

}  // namespace dmvault::cli
