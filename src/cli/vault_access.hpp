// Opening the vault a command works on, the same way for every command.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "dmvault/vault.hpp"

#include <string>

namespace dmvault::cli {

// Error(not_a_vault) when `path` does not name an existing file, so that a typo is reported
// before anyone is asked for a passphrase (the open that follows does the real checks).
void require_vault_file(const std::string& path);

// Reads the secret (see passphrase.hpp) and opens the vault; the secret is wiped as soon as the
// vault is open. Vault warnings are printed as `dmvault: warning: ...`.
Vault open_vault(const std::string& path, const UnlockOptions& unlock, Vault::Mode mode,
                 Context& context);

}  // namespace dmvault::cli
