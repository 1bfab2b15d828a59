// dmvault init VAULT [--kdf PROFILE] [--recovery-key]: creates a new, empty vault.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "dmvault/vault.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct InitOptions {
  std::string vault;
  PassphraseSource passphrase;
  KdfProfile kdf = KdfProfile::moderate;
  bool recovery_key = false;
};

CLI::App* add_init_command(CLI::App& app, InitOptions& options);
int run_init(const InitOptions& options, Context& context);

}  // namespace dmvault::cli
