#include "cli/cmd_passwd.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"

#include <CLI/CLI.hpp>

#include <optional>

namespace dmvault::cli {

namespace {

constexpr std::string_view kNoTerminalHint = "use --new-passphrase-file F";

}  // namespace

CLI::App* add_passwd_command(CLI::App& app, PasswdOptions& options) {
  CLI::App* command =
      app.add_subcommand("passwd", "Change the passphrase (no data is re-encrypted)");
  add_vault_argument(*command, options.vault);
  add_unlock_options(*command, options.unlock);
  command
      ->add_option("--new-passphrase-file", options.new_passphrase_file,
                   "Read the new passphrase from file F")
      ->type_name("F")
      ->check(non_empty_argument());
  add_kdf_option(*command, options.kdf);
  return command;
}

int run_passwd(const PasswdOptions& options, Context& context) {
  require_vault_file(options.vault);
  const PassphraseSource new_source{.file = options.new_passphrase_file, .fd = -1};
  const std::string prompt = "New passphrase for " + options.vault + ":";
  const NewPassphraseRequest request{.source = new_source,
                                     .use_environment = false,
                                     .noun = "new passphrase",
                                     .prompt = prompt,
                                     .no_terminal_hint = kNoTerminalHint};
  // Mistakes about the new passphrase are reported before the (slow) unlock, not after it.
  std::optional<SecretBytes> new_passphrase;
  if (!new_source.file.empty()) {
    new_passphrase = read_new_passphrase(request, context);
  } else if (!context.prompter.available()) {
    throw Error(ErrorCode::usage, "no new passphrase given and no terminal to ask on",
                std::string(kNoTerminalHint));
  }

  Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::write, context);
  if (!new_passphrase) new_passphrase = read_new_passphrase(request, context);

  Credential credential;
  credential.kind = Credential::Kind::passphrase;
  credential.secret = std::move(*new_passphrase);
  new_passphrase.reset();
  const KdfParams kdf = KdfParams::for_profile(options.kdf);
  vault.change_passphrase(credential, kdf);

  context.output.out() << "changed the passphrase of " << printable(options.vault) << " (Argon2id "
                       << kdf_profile_name(options.kdf) << ": opslimit " << kdf.opslimit
                       << ", memlimit " << format_memlimit(kdf.memlimit)
                       << "); the old passphrase no longer opens it\n";
  return 0;
}

}  // namespace dmvault::cli
