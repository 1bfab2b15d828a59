// dmvault stats VAULT [--json] [--conversation ID] [--utc|--tz ZONE]: messages per month per
// conversation and per person, busiest hours and weekdays, attachments per type and top words;
// the numbers the viewer (dmvault serve) charts.
#pragma once

#include "cli/context.hpp"
#include "cli/passphrase.hpp"
#include "cli/time_options.hpp"

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct StatsOptions {
  std::string vault;
  UnlockOptions unlock;
  bool json = false;
  std::string conversation;  // id or title, as `show` takes it; empty: all
  TimeOptions time;
};

CLI::App* add_stats_command(CLI::App& app, StatsOptions& options);
int run_stats(const StatsOptions& options, Context& context);

}  // namespace dmvault::cli
