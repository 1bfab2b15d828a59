// dmvault serve VAULT [--port N] [--open] [--listen ADDR] [--idle-timeout D] [--utc|--tz ZONE]:
// unlocks the vault once and serves the local viewer (src/serve) until Ctrl-C, SIGTERM or the
// idle timeout, which locks it: the keys and every decrypted byte go with the process.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "cli/time_options.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct ServeOptions {
  std::string vault;
  UnlockOptions unlock;
  std::uint16_t port = 0;  // 0: a free port
  bool open = false;
  std::string listen;        // empty: 127.0.0.1
  std::string idle_timeout;  // "30s", "15m", "1h", seconds; empty or 0: never
  TimeOptions time;
};

CLI::App* add_serve_command(CLI::App& app, ServeOptions& options);
int run_serve(const ServeOptions& options, Context& context);

// "90", "90s", "15m", "2h" -> the duration; 0 for "" and "0". Error(usage) otherwise.
std::chrono::milliseconds parse_duration(const std::string& text, const char* option);

}  // namespace dmvault::cli
