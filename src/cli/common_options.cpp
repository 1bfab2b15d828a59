#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>

#include <map>

namespace dmvault::cli {

const CLI::Validator& non_empty_argument() {
  static const CLI::Validator kNonEmpty(
      [](const std::string& text) -> std::string {
        return text.empty() ? "an empty argument is not a file name" : std::string();
      },
      "");
  return kNonEmpty;
}

void add_vault_argument(CLI::App& command, std::string& path) {
  command.add_option("VAULT", path, "The vault file")
      ->required()
      ->type_name("")
      ->check(non_empty_argument());
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
          "Argon2id cost: interactive, moderate (the default) or sensitive")
      ->type_name("PROFILE")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}));
}

void add_json_flag(CLI::App& command, bool& json) {
  command.add_flag("--json", json, "Print one JSON object on stdout instead of text");
}

}  // namespace dmvault::cli
