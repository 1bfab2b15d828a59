// Where secrets come from. A passphrase is never taken from the command line (argv is readable by
// every user through ps and /proc, and lands in shell history). In order of precedence:
//   --passphrase-file F, --passphrase-fd N, $DMVAULT_PASSPHRASE_FILE, $DMVAULT_PASSPHRASE (least
//   safe: /proc/PID/environ), else a prompt with echo off on the controlling terminal.
// --recovery-key-file F unlocks with the recovery key instead.
//
// Files and descriptors: at most 4096 bytes are read, straight into secret memory; exactly one
// trailing "\n" (or "\r\n") is dropped, because `echo pass > file` adds one and editors add one,
// and a passphrase ending in a newline is never what was meant. Passphrases are then
// NFC-normalised (normalize_passphrase); recovery keys are passed as written.
#pragma once

#include "cli/context.hpp"
#include "dmvault/secret.hpp"
#include "dmvault/vault.hpp"

#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace dmvault::cli {

inline constexpr std::size_t kMaxSecretBytes = 4096;

// Where a passphrase comes from; never the passphrase itself.
struct PassphraseSource {
  std::string file;  // --passphrase-file
  int fd = -1;       // --passphrase-fd
};

// The options of every command that unlocks an existing vault.
struct UnlockOptions {
  PassphraseSource passphrase;
  std::string recovery_key_file;  // --recovery-key-file
  bool allow_expensive_kdf = false;
};

void add_passphrase_options(CLI::App& command, PassphraseSource& source);
// --passphrase-file, --passphrase-fd, --recovery-key-file (mutually exclusive), and
// --allow-expensive-kdf.
void add_unlock_options(CLI::App& command, UnlockOptions& options);

// The raw bytes readable from `fd` (to end of file), without one trailing newline. `name` says
// where they come from in messages ("F: passphrase file is too long ...").
SecretBytes read_secret_fd(int fd, std::string_view name, std::string_view noun);
// The same from a file; warns when other users can read it.
SecretBytes read_secret_file(const std::string& path, std::string_view noun, Output& output);

// NFC-normalised; Error(usage) naming `source` when it is not UTF-8 or is empty.
SecretBytes normalized_passphrase(const SecretBytes& raw, std::string_view source);

// The secret that unlocks `vault_name`, from the first source given (see above). Error(usage)
// when there is none and no terminal to ask on.
Credential read_credential(const UnlockOptions& options, std::string_view vault_name,
                           Context& context);

// A passphrase for a new vault or a new keyslot: from `source` (and the environment when
// `use_environment`), else asked twice on the terminal (a mismatch is Error(usage)). Never empty.
struct NewPassphraseRequest {
  const PassphraseSource& source;
  bool use_environment = false;
  std::string_view noun = "passphrase";  // for messages: "no <noun> given ..."
  std::string_view prompt;               // e.g. "Enter a passphrase for the new vault:"
  std::string_view no_terminal_hint;     // what to do instead, when there is no terminal
};
SecretBytes read_new_passphrase(const NewPassphraseRequest& request, Context& context);

}  // namespace dmvault::cli
