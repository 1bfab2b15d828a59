#include "cli/cmd_init.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "dmvault/error.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <system_error>

namespace dmvault::cli {

CLI::App* add_init_command(CLI::App& app, InitOptions& options) {
  CLI::App* command = app.add_subcommand("init", "Create a new, empty vault");
  add_vault_argument(*command, options.vault);
  add_passphrase_options(*command, options.passphrase);
  add_kdf_option(*command, options.kdf);
  command->add_flag("--recovery-key", options.recovery_key,
                    "Also create a recovery key (printed once)");
  return command;
}

int run_init(const InitOptions& options, Context& context) {
  const std::filesystem::path path(options.vault);
  // Checked before asking for a passphrase; Vault::create refuses to replace a file anyway
  // (it renames into place without overwriting), this only saves the typing.
  std::error_code ignored;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ignored))) {
    throw Error(ErrorCode::usage, options.vault + ": already exists",
                "dmvault init never replaces a file; choose another path");
  }

  Credential passphrase;
  passphrase.kind = Credential::Kind::passphrase;
  passphrase.secret =
      read_new_passphrase({.source = options.passphrase,
                           .use_environment = true,
                           .prompt = "Enter a passphrase for the new vault:",
                           .no_terminal_hint = "use --passphrase-file F or --passphrase-fd N"},
                          context);

  CreateOptions create;
  create.kdf = KdfParams::for_profile(options.kdf);
  create.with_recovery_key = options.recovery_key;
  const SecretBytes recovery_key = Vault::create(path, passphrase, create);

  Output& output = context.output;
  output.out() << "created " << printable(options.vault) << " (Argon2id "
               << kdf_profile_name(options.kdf) << ": opslimit " << create.kdf.opslimit
               << ", memlimit " << format_memlimit(create.kdf.memlimit) << ")\n";
  if (options.recovery_key) {
    if (recovery_key.empty()) {
      throw Error(ErrorCode::io, options.vault + ": the vault was created without a recovery key");
    }
    output.secret_line("recovery key: ", recovery_key.span());
    output.out() << output.paint(
                        "write the recovery key down and keep it apart from the vault: "
                        "it unlocks the vault without the passphrase, and it is not "
                        "shown again",
                        Colour::bold)
                 << '\n';
  }
  return 0;
}

}  // namespace dmvault::cli
