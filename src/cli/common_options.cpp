#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>

#include <map>

namespace dmvault::cli {

void add_vault_argument(CLI::App& command, std::string& path) {
  command.add_option("VAULT", path, "The vault file")->required();
}

void add_kdf_option(CLI::App& command, KdfProfile& profile) {
  static const std::map<std::string, KdfProfile> kProfiles = {
      {"interactive", KdfProfile::interactive},
      {"moderate", KdfProfile::moderate},
      {"sensitive", KdfProfile::sensitive},
  };
  command
      .add_option_function<std::string>(
          "--kdf", [&profile](const std::string& name) { profile = kProfiles.at(name); },
          "Argon2id cost of the new keyslot: interactive (~0.1 s, 64 MiB), moderate (the "
          "default, ~0.7 s, 256 MiB) or sensitive (~4 s, 1 GiB)")
      ->type_name("PROFILE")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}));
}

void add_json_flag(CLI::App& command, bool& json) {
  command.add_flag("--json", json, "Print one JSON object on stdout instead of text");
}

}  // namespace dmvault::cli
