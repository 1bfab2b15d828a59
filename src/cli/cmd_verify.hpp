// dmvault verify VAULT [--quick] [--json]: checks every byte of a vault without changing it.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct VerifyOptions {
  std::string vault;
  UnlockOptions unlock;
  bool quick = false;
  bool json = false;
};

CLI::App* add_verify_command(CLI::App& app, VerifyOptions& options);
// 0 when nothing is damaged (warnings allowed); Error(corrupted) after the report otherwise.
int run_verify(const VerifyOptions& options, Context& context);

}  // namespace dmvault::cli
