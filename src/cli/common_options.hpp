// Options that several commands share, declared once so they read and behave the same everywhere.
#pragma once

#include "dmvault/vault.hpp"

#include <string>

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace dmvault::cli {

// Refuses an empty argument: `--passphrase-file "$UNSET"` must fail, not fall back to another
// source.
const CLI::Validator& non_empty_argument();
// The required VAULT positional argument.
void add_vault_argument(CLI::App& command, std::string& path);
// --kdf interactive|moderate|sensitive (Argon2id cost of a new keyslot; moderate by default).
void add_kdf_option(CLI::App& command, KdfProfile& profile);
// --json: one machine-readable JSON document on stdout instead of text.
void add_json_flag(CLI::App& command, bool& json);

}  // namespace dmvault::cli
