// dmvault export VAULT --format original|html|json|text|csv|media --out DIR|FILE.zip|FILE.tar|
// FILE.tar.zst [--force] [filters]: everything (or a selection) back out of a vault, as plaintext
// where the user asks for it. With --to-vault NEW.dmv the selection goes into a new vault
// instead, under a passphrase of its own. dmvault-export(1).
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "cli/time_options.hpp"
#include "dmvault/vault.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct ExportOptions {
  std::string vault;
  UnlockOptions unlock;
  std::string format;
  std::string out;
  bool force = false;
  std::vector<std::string> conversations;
  std::string query;
  std::string from;
  std::string after;
  std::string before;
  std::string platform;
  std::vector<std::int64_t> sources;
  std::size_t page_size = 1000;
  bool no_progress = false;
  TimeOptions time;
  // --to-vault
  std::string to_vault;
  PassphraseSource new_passphrase;  // --new-passphrase-file / --new-passphrase-fd
  KdfProfile kdf = KdfProfile::moderate;
};

CLI::App* add_export_command(CLI::App& app, ExportOptions& options);
int run_export(const ExportOptions& options, Context& context);

// The query the filter options stand for (empty when none is given), e.g.
// `(birthday) from:"Ana" after:2021-06`. Error(usage) for a value the query language cannot
// quote.
std::string export_filter_query(const ExportOptions& options);

}  // namespace dmvault::cli
