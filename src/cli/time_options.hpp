// --utc and --tz AREA/CITY: the zone in which a command shows times and reads the dates of a
// query. Local time (TZ, else /etc/localtime) by default.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace dmvault::cli {

struct TimeOptions {
  bool utc = false;
  std::string tz;  // an IANA zone name ("Europe/Lisbon")
};

void add_time_options(CLI::App& command, TimeOptions& options);

// Makes the chosen zone this process's local zone (TZ), so that every local time shown or read
// follows it, with its DST rules. Error(usage) for a zone the system's tz database does not have
// (the C library would silently fall back to UTC) or for --utc together with --tz.
void apply_time_options(const TimeOptions& options);

}  // namespace dmvault::cli
