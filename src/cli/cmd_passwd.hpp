// dmvault passwd VAULT [--new-passphrase-file F] [--kdf PROFILE]: changes the passphrase by
// rewrapping the master key; no data is re-encrypted, and the old passphrase stops working.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "dmvault/vault.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct PasswdOptions {
  std::string vault;
  UnlockOptions unlock;             // the current secret
  std::string new_passphrase_file;  // else asked twice on the terminal
  KdfProfile kdf = KdfProfile::moderate;
};

CLI::App* add_passwd_command(CLI::App& app, PasswdOptions& options);
int run_passwd(const PasswdOptions& options, Context& context);

}  // namespace dmvault::cli
